//! Scan and Share at the front desk. Each counter shows a QR; a patient scans
//! it in their PHR app and shares their profile; the gateway posts the share
//! to the bridge. The desk keeps it, gives it the counter's next token of the
//! day (`<counter>-<nnn>`; a repeat share within ABDM's 30 minutes keeps its
//! token), and answers `on-share` with it at once, well within ABDM's 30
//! seconds. The operator registers a queued patient into the desk's list or
//! dismisses them.

use std::sync::Arc;

use abdm_client::bridge::ShareDesk;
use abdm_types::{
    AbhaAddress, AbhaNumber, CivilDate, Mobile,
    gateway::{CallbackError, ProfileShare},
};
use phr_store::{PersonRecord, QueuedShare, ShareRecord, ShareSettled};
use serde::Serialize;

use super::{CachedPerson, Change, Phr, session::cached};
use crate::{DeskAction, Error, ErrorCode};

/// ABDM's PHR app gives no second token for 30 minutes: a share repeated
/// within them keeps the first token.
const REPEAT_WITHIN_SECS: i64 = 30 * 60;
/// The clinic's day is India's: tokens start again at midnight IST.
const IST_OFFSET_SECS: i64 = 5 * 3600 + 30 * 60;
/// The one general code the gateway's models allow in `error`.
const SHARE_ERROR_CODE: i64 = 1000;

/// A patient waiting in the Scan and Share queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct QueuedPatient {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: i64,
    /// `<counter>-<nnn>`, as the patient's app shows it.
    pub token: String,
    pub counter: String,
    /// The ABHA address, as shown: a 14-digit default one masked.
    pub address: String,
    pub full_name: String,
    pub gender: String,
    pub year_of_birth: u16,
    pub mobile_masked: Option<String>,
    pub abha_number_masked: Option<String>,
    /// Unix seconds.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub shared_at: i64,
}

/// A queued patient, registered into the desk's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    pub person: CachedPerson,
    /// Others in the list ABDM's rule for returning patients matches, for the
    /// operator to confirm or not.
    pub candidates: Vec<CachedPerson>,
}

/// A counter's Scan and Share QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CounterQr {
    pub counter: String,
    /// What the QR holds: ABDM's share-profile URL with the facility and counter.
    pub url: String,
    pub svg: String,
}

/// The clinic's date of `now`, `YYYY-MM-DD`.
fn clinic_day(now: i64) -> String {
    let day = CivilDate::from_unix(now + IST_OFFSET_SECS);
    format!("{:04}-{:02}-{:02}", day.year, day.month, day.day)
}

fn token(counter: &str, number: i64) -> String {
    format!("{counter}-{number:03}")
}

fn queued(share: QueuedShare) -> QueuedPatient {
    let record = share.record;
    QueuedPatient {
        id: share.id,
        token: token(&share.counter, share.number),
        counter: share.counter,
        address: super::mask_address(&record.address),
        full_name: record.full_name,
        gender: record.gender,
        year_of_birth: record.year_of_birth,
        mobile_masked: record.mobile_masked,
        abha_number_masked: record.abha_number_masked,
        shared_at: share.shared_at,
    }
}

fn refused(message: &str) -> CallbackError {
    CallbackError { code: SHARE_ERROR_CODE, message: message.to_owned() }
}

impl Phr {
    /// What the bridge hands profile shares to: this desk.
    pub(crate) fn share_desk(&self) -> ShareDesk {
        let phr = self.clone();
        Arc::new(move |share| {
            let phr = phr.clone();
            Box::pin(async move { phr.take_share(share).await })
        })
    }

    /// Keeps a share and answers the gateway with its token, or with why it is
    /// refused (another facility's counter, a profile without a valid address).
    /// `false` only when it could not be kept at all.
    async fn take_share(&self, share: ProfileShare) -> bool {
        let kept = self.keep_share(&share).await;
        let answer = match &kept {
            Ok(Some(token)) => Ok(token.as_str()),
            Ok(None) => return false,
            Err(refusal) => Err(refusal.clone()),
        };
        // The gateway is told in the background: the bridge answers its POST now.
        let client = self.client.clone();
        let answer = answer.map(str::to_owned);
        tokio::spawn(async move {
            if let Err(err) = client.answer_share(&share, answer.as_deref().map_err(Clone::clone)).await {
                tracing::warn!(error = %err, "the gateway did not take the answer to a profile share");
            }
        });
        true
    }

    /// The share's token; `Ok(None)` when the store failed.
    async fn keep_share(&self, share: &ProfileShare) -> Result<Option<String>, CallbackError> {
        let counters = self.bridge.as_ref().map(|b| b.counters.as_slice()).unwrap_or_default();
        let counter = share.profile.hip_code.as_deref().map(str::trim).unwrap_or_default();
        if !counters.iter().any(|c| c == counter) {
            return Err(refused("No such counter at this facility"));
        }
        let patient = &share.profile.patient;
        let address = AbhaAddress::parse(&patient.health_id).map_err(|_| refused("Invalid ABHA address"))?;
        let name = super::plain_text(&patient.name, 99).map_err(|_| refused("Invalid name"))?;
        let number = patient.health_id_number.as_deref().and_then(|n| AbhaNumber::parse(n).ok());
        let mobile = patient.identifiers.iter().find(|i| i.kind == "MOBILE").and_then(|i| Mobile::parse(&i.value).ok());
        let (abha_number_key, mobile_key) = self.match_keys(number.as_ref(), mobile.as_ref());
        let record = ShareRecord {
            address: address.expose(),
            full_name: name.to_owned(),
            gender: if matches!(patient.gender.as_str(), "M" | "F") { patient.gender.clone() } else { "O".into() },
            year_of_birth: patient.year_of_birth,
            abha_number_masked: number.as_ref().map(AbhaNumber::masked),
            mobile_masked: mobile.as_ref().map(Mobile::masked),
            abha_number_key,
            mobile_key,
        };
        let now = self.clock.now();
        match self.store.keep_share(&clinic_day(now), counter, &record, now, now - REPEAT_WITHIN_SECS).await {
            Ok(number) => {
                self.report(Change::QueueChanged);
                Ok(Some(token(counter, number)))
            }
            Err(err) => {
                tracing::error!(error = %err, "a profile share could not be kept");
                Ok(None)
            }
        }
    }

    /// Today's queue, in the order the patients shared.
    pub async fn share_queue(&self) -> Result<Vec<QueuedPatient>, Error> {
        self.on_duty().await?;
        let shares = self.store.waiting_shares(&clinic_day(self.clock.now())).await?;
        Ok(shares.into_iter().map(queued).collect())
    }

    /// Registers a queued patient into the desk's list: ABDM verified the
    /// profile they shared. A person already listed (by address or ABHA
    /// number) is updated, not added again; one ABDM's rule only may match is
    /// offered as a candidate.
    pub async fn register_shared(&self, id: i64) -> Result<Registered, Error> {
        let staff = self.on_duty().await?;
        let share = self.store.settle_share(id, ShareSettled::Registered).await?.ok_or_else(not_queued)?;
        let now = self.clock.now();
        let record = share.record;
        let person = PersonRecord {
            full_name: record.full_name,
            gender: record.gender,
            year_of_birth: record.year_of_birth,
            abha_number_masked: record.abha_number_masked,
            mobile_masked: record.mobile_masked,
            email_masked: None,
            kyc_verified: false,
            photo: None,
            addresses: vec![record.address.clone()],
            default_address: None,
            abha_number_key: record.abha_number_key,
            mobile_key: record.mobile_key,
        };
        self.store.save_person(&person, now).await?;
        self.store.mark_verified(&record.address, now).await?;
        self.desk_audit(&staff, DeskAction::PatientRegistered, Some(&record.address)).await?;
        self.report(Change::QueueChanged);
        let saved = self.store.person_by_address(&record.address).await?.ok_or_else(not_queued)?;
        let candidates = self.returning_candidates(&record.address).await?;
        Ok(Registered { person: cached(saved), candidates })
    }

    /// Takes a patient out of the queue without registering them.
    pub async fn dismiss_shared(&self, id: i64) -> Result<(), Error> {
        self.on_duty().await?;
        self.store.settle_share(id, ShareSettled::Dismissed).await?.ok_or_else(not_queued)?;
        self.report(Change::QueueChanged);
        Ok(())
    }

    /// Each counter's QR: ABDM's share-profile URL naming this facility (the
    /// HIP id) and the counter. ABDM documents the sandbox's URL; production's
    /// is the same path on the PHR app's production host.
    pub fn counter_qrs(&self) -> Result<Vec<CounterQr>, Error> {
        let config = self.client.config();
        let host = if config.cm_suffix.as_ref() == "sbx" { "phrsbx.abdm.gov.in" } else { "phr.abdm.gov.in" };
        let counters = self.bridge.as_ref().map(|b| b.counters.clone()).unwrap_or_default();
        counters
            .into_iter()
            .map(|counter| {
                let url = url::Url::parse_with_params(
                    &format!("https://{host}/share-profile"),
                    [("hip-id", config.requester_id.as_str()), ("counter-id", counter.as_str())],
                )
                .map_err(|e| Error::Internal(e.into()))?
                .to_string();
                let svg = crate::qr::svg(&url)?;
                Ok(CounterQr { counter, url, svg })
            })
            .collect()
    }
}

fn not_queued() -> Error {
    Error::input(ErrorCode::FlowNotFound, "this patient is no longer in the queue")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clinic_day_turns_at_midnight_in_india() {
        // 2026-12-02 18:29:59 UTC is 23:59:59 IST; a second later it is the 3rd.
        assert_eq!(clinic_day(1_796_236_199), "2026-12-02");
        assert_eq!(clinic_day(1_796_236_200), "2026-12-03");
        assert_eq!(token("OPD1", 7), "OPD1-007");
        assert_eq!(token("1", 1234), "1-1234");
    }
}
