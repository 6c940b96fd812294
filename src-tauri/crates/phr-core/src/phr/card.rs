//! The ABHA card, for a person signed in on this computer (from ABDM's
//! profile, asked for afresh: the cache keeps the ABHA number masked) or for a
//! patient the desk has just verified (from ABDM's answer, kept in memory for
//! this run of the app and never on disk). Shown as a PNG for *Print*, and
//! saved as PNG and PDF.

use std::{
    collections::VecDeque,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use abdm_types::{AbhaAddress, AbhaNumber, CivilDate, DateOfBirth, Gender, gateway::VerifiedPatient};
use abha_card::{Card, Language};
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::{Phr, verify::identifier};
use crate::{DeskAction, Error, ErrorCode, UiLanguage};

/// Whose card.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum CardFor {
    /// A person signed in on this computer, by any of their addresses here.
    Account { address: String },
    /// A patient the desk verified (with their demographics) since the app started.
    Patient { verification: String },
}

/// Where the card was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SavedCard {
    pub png: String,
    pub pdf: String,
}

/// How many verified patients' cards the desk can still make: a morning's
/// patients, not a day's, since each holds a full ABHA number.
const KEPT: usize = 32;

/// The cards of the patients verified most recently, by verification.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cards(Arc<Mutex<VecDeque<(String, Card)>>>);

impl Cards {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(String, Card)>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What ABDM said of a patient it verified; its gateway answer has the year
    /// of birth and no photo, so the card has those.
    pub(super) fn keep(&self, verification: &str, address: &AbhaAddress, patient: &VerifiedPatient, today: CivilDate) {
        let card = Card {
            name: patient.name.clone(),
            address: address.clone(),
            number: identifier(&patient.identifiers, "NDHM_HEALTH_NUMBER", AbhaNumber::parse),
            gender: Gender::parse(&patient.gender).ok(),
            date_of_birth: DateOfBirth::parse("", "", &patient.year_of_birth.to_string(), today).ok(),
            photo: None,
        };
        let mut cards = self.lock();
        if cards.len() == KEPT {
            cards.pop_front();
        }
        cards.push_back((verification.to_owned(), card));
    }

    fn get(&self, verification: &str) -> Option<Card> {
        self.lock().iter().find(|(id, _)| id == verification).map(|(_, card)| card.clone())
    }

    /// When the member of staff leaves the desk, the numbers go with them.
    pub(crate) fn forget(&self) {
        self.lock().clear();
    }
}

impl Phr {
    /// The card as a PNG, base64, to show and to print.
    pub async fn abha_card_png(&self, whose: &CardFor, language: UiLanguage) -> Result<String, Error> {
        let card = self.card(whose).await?;
        let png = abha_card::png(&card, language.into());
        Ok(base64::engine::general_purpose::STANDARD.encode(png))
    }

    /// The card saved in `folder` as `ABHA card <address>.png` and `.pdf`; a
    /// 14-digit default address is masked in the name, as on screen.
    pub async fn save_abha_card(
        &self,
        whose: &CardFor,
        language: UiLanguage,
        folder: &Path,
    ) -> Result<SavedCard, Error> {
        let card = self.card(whose).await?;
        let language = Language::from(language);
        let name = format!("ABHA card {}", card.address);
        let write = |extension: &str, bytes: Vec<u8>| -> Result<PathBuf, Error> {
            let path = folder.join(format!("{name}.{extension}"));
            std::fs::create_dir_all(folder).and_then(|()| std::fs::write(&path, bytes)).map_err(Error::File)?;
            Ok(path)
        };
        let png = write("png", abha_card::png(&card, language))?;
        let pdf = write("pdf", abha_card::pdf(&card, language))?;
        Ok(SavedCard { png: png.display().to_string(), pdf: pdf.display().to_string() })
    }

    async fn card(&self, whose: &CardFor) -> Result<Card, Error> {
        match whose {
            CardFor::Account { address } => {
                let address = super::address(address)?.expose();
                let session = self.store.session(&address).await?.ok_or_else(super::session::not_signed_in)?;
                let token = self.token_for(&session).await?;
                let profile = self.client.profile(&token).await?;
                let today = CivilDate::from_unix(self.clock.now());
                let born = &profile.date_of_birth;
                let number = |n: &str| AbhaNumber::parse(n).ok();
                let kyc = profile.kyc_status.as_deref() == Some("VERIFIED");
                Ok(Card {
                    name: profile.full_name,
                    address: super::address(&profile.id)?,
                    number: profile.health_id.as_deref().and_then(number),
                    gender: Gender::parse(&profile.gender).ok(),
                    date_of_birth: DateOfBirth::parse(
                        &born.date.map(|d| d.to_string()).unwrap_or_default(),
                        &born.month.map(|m| m.to_string()).unwrap_or_default(),
                        &born.year.to_string(),
                        today,
                    )
                    .ok(),
                    photo: profile
                        .profile_photo
                        .filter(|_| kyc)
                        .and_then(|p| base64::engine::general_purpose::STANDARD.decode(p).ok()),
                })
            }
            CardFor::Patient { verification } => {
                let staff = self.on_duty().await?;
                let card = self.cards.get(verification).ok_or_else(|| {
                    Error::input(ErrorCode::CardUnavailable, "the desk makes a card only just after verifying")
                })?;
                self.desk_audit(&staff, DeskAction::PatientCardMade, Some(&card.address.expose())).await?;
                Ok(card)
            }
        }
    }
}

impl From<UiLanguage> for Language {
    fn from(language: UiLanguage) -> Self {
        match language {
            UiLanguage::En => Language::English,
            UiLanguage::Hi => Language::Hindi,
        }
    }
}
