//! The front desk verifies a walk-in patient through the ABDM gateway: their
//! ABHA address and a purpose, the ways ABDM offers, then an OTP on their phone,
//! their demographics, or their approval in their own PHR app. Every step is a
//! gateway request answered later by a callback to the bridge; each method here
//! sends, then waits for that callback. Every step needs a member of staff at
//! an open desk. A verified patient joins the front desk's list with the time,
//! and the audit log says which member of staff verified whom.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use abdm_client::bridge::{Bridge, Callback, NoCallback};
use abdm_types::{
    AbhaAddress, AbhaNumber, AbhaQr, AbhaQrError, CivilDate, Mobile,
    gateway::{AuthPurpose, CallbackError, Demographic, GatewayAuthMode, TypedValue, VerifiedPatient, parse_timestamp},
};
use phr_store::PersonRecord;
use serde::{Deserialize, Serialize};

use super::Phr;
use crate::{DeskAction, Error, ErrorCode, StaffCard};

/// What the front-desk screen shows of one verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub id: String,
    /// The patient's ABHA address as shown: a 14-digit default one masked.
    pub patient: String,
    pub purpose: AuthPurpose,
    pub step: VerificationStep,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "step", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum VerificationStep {
    /// ABDM's offered ways for this patient and purpose.
    ChoosingMode { modes: Vec<GatewayAuthMode> },
    /// An OTP went to the patient's (Aadhaar-linked) mobile; it works until `expires_at`.
    AwaitingOtp {
        mode: GatewayAuthMode,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        expires_at: i64,
    },
    /// The desk enters the patient's name, gender, date of birth (and mobile).
    AwaitingDemographics {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        expires_at: i64,
    },
    /// The network or ABDM was down: the request is kept, and sent on its own
    /// when the connection returns.
    WaitingForConnection {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        since: i64,
    },
    /// The patient approves in their PHR app; waiting until `expires_at`.
    AwaitingApproval {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        expires_at: i64,
    },
    /// ABDM confirmed who they are.
    Verified {
        /// The demographics (KYC purposes); none for LINK alone.
        card: Option<Box<VerifiedCard>>,
        /// People already in the desk's list who may be this patient by ABDM's
        /// rule for returning patients, for the operator to confirm or not.
        candidates: Vec<super::CachedPerson>,
        /// A linking token came with it (LINK purposes).
        linked: bool,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        verified_at: i64,
    },
}

/// The verified demographics, numbers masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VerifiedCard {
    pub full_name: String,
    pub gender: String,
    pub year_of_birth: u16,
    pub address_line: Option<String>,
    pub district: Option<String>,
    pub state: Option<String>,
    pub pincode: Option<String>,
    pub mobile_masked: Option<String>,
    pub abha_number_masked: Option<String>,
}

/// A verification started from a scanned ABHA QR, with what the QR told the
/// desk: shown beside it, and filled into the demographics form when ABDM asks
/// for one. What the QR did not hold (or held unreadably) is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Scanned {
    pub verification: Verification,
    pub full_name: Option<String>,
    /// `M`, `F` or `O`.
    pub gender: Option<String>,
    /// `YYYY-MM-DD`, or `YYYY` when the QR gives less than the whole date.
    pub date_of_birth: Option<String>,
    /// For the demographics form, as the operator would type it.
    pub mobile: Option<String>,
    pub abha_number_masked: Option<String>,
    pub state: Option<String>,
    pub district: Option<String>,
}

/// The demographics the desk types for DEMOGRAPHICS mode.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DemographicsForm {
    pub full_name: String,
    /// `M`, `F` or `O`.
    pub gender: String,
    /// `YYYY-MM-DD`, or `YYYY` when only the year is known.
    pub date_of_birth: String,
    pub mobile: Option<String>,
}

/// What is kept of a verification between steps (in memory: a gateway
/// transaction lives minutes, and a restarted desk starts again).
#[derive(Debug, Clone)]
pub(super) struct Open {
    patient: AbhaAddress,
    purpose: AuthPurpose,
    transaction: Option<String>,
    pub(super) step: VerificationStep,
    /// Unix seconds; a verification left this long is dropped (a busy desk
    /// abandons many).
    started_at: i64,
}

/// Longer than any gateway transaction (10 minutes) plus the wait for it.
const ABANDONED_AFTER_SECS: i64 = 30 * 60;

#[derive(Debug, Clone, Default)]
pub(crate) struct Verifications(Arc<Mutex<HashMap<String, Open>>>);

impl Verifications {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Open>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Where the gateway's answers arrive, and how long to wait for one.
#[derive(Debug, Clone)]
pub struct FrontDeskBridge {
    pub bridge: Bridge,
    pub wait: Duration,
    /// The counters whose Scan and Share QR patients may scan.
    pub counters: Vec<String>,
}

fn flow_gone() -> Error {
    Error::input(ErrorCode::FlowNotFound, "this verification is not open")
}

/// The gateway's published models allow only two general codes in a callback's
/// `error` (1000, 10001) and put the cause in `message`; gateways before them sent
/// specific codes. A specific code is read first, then the words; a cause neither
/// names reaches the desk in ABDM's own words, masked.
fn callback_error(error: &CallbackError) -> Error {
    let code = match error.code {
        1404 => Some(ErrorCode::AccountNotFound),
        1118 => Some(ErrorCode::ModeNotAllowed),
        1405 => Some(ErrorCode::OtpInvalid),
        1406 => Some(ErrorCode::OtpExpired),
        1100 => Some(ErrorCode::OtpLocked),
        1431 => Some(ErrorCode::DemographicsMismatch),
        1509 => Some(ErrorCode::FlowNotFound),
        _ => cause_in_words(&error.message),
    };
    tracing::info!(gateway_code = error.code, ?code, "the gateway refused a verification step");
    match code {
        Some(code) => Error::input(code, code.message()),
        None => Error::input(ErrorCode::GatewayRefused, abdm_words(&error.message)),
    }
}

/// The cause a gateway message names, by the words ABDM uses for it. Order
/// matters: "OTP mismatch" is a wrong OTP, not a demographics mismatch.
fn cause_in_words(message: &str) -> Option<ErrorCode> {
    let message = message.to_lowercase();
    let says = |words: &[&str]| words.iter().any(|w| message.contains(w));
    if says(&["too many", "attempts exceeded", "maximum attempts", "blocked"]) {
        Some(ErrorCode::OtpLocked)
    } else if says(&["expired"]) {
        Some(ErrorCode::OtpExpired)
    } else if says(&["invalid otp", "incorrect otp", "wrong otp", "otp mismatch", "otp is invalid"]) {
        Some(ErrorCode::OtpInvalid)
    } else if says(&["no patient", "patient not found", "not found", "does not exist"]) {
        Some(ErrorCode::AccountNotFound)
    } else if says(&["mode is not", "not offered", "mode not", "not allowed", "not supported"]) {
        Some(ErrorCode::ModeNotAllowed)
    } else if says(&["do not match", "does not match", "mismatch"]) {
        Some(ErrorCode::DemographicsMismatch)
    } else if says(&["already complete", "unknown transaction", "invalid transaction"]) {
        Some(ErrorCode::FlowNotFound)
    } else {
        None
    }
}

/// ABDM's words for the desk: at most 200 characters, with any run of four or
/// more digits (a mobile, an ABHA number) and any word with an `@` (an address,
/// an email) masked, since a message may quote the patient.
fn abdm_words(message: &str) -> String {
    let mut shown = Vec::new();
    for word in message.split_whitespace() {
        if word.contains('@') {
            shown.push("…@…".to_owned());
            continue;
        }
        let mut masked = String::new();
        let mut digits = String::new();
        for ch in word.chars().chain(std::iter::once(' ')) {
            if ch.is_ascii_digit() {
                digits.push(ch);
                continue;
            }
            masked.push_str(if digits.len() >= 4 { "****" } else { &digits });
            digits.clear();
            if ch != ' ' {
                masked.push(ch);
            }
        }
        shown.push(masked);
    }
    let text = shown.join(" ");
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn no_callback(_: NoCallback) -> Error {
    Error::input(ErrorCode::NoCallback, "the gateway did not call back in time")
}

/// The identifier of `kind`, read as `parse` reads it; one that does not
/// parse is not there.
pub(super) fn identifier<T, E>(
    identifiers: &[TypedValue],
    kind: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<T> {
    parse(&identifiers.iter().find(|i| i.kind == kind)?.value).ok()
}

/// The identifier of `kind`, shown masked.
fn masked<T: std::fmt::Display, E>(
    identifiers: &[TypedValue],
    kind: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<String> {
    identifier(identifiers, kind, parse).map(|v| v.to_string())
}

fn card(patient: &VerifiedPatient) -> VerifiedCard {
    let address = patient.address.clone().unwrap_or_default();
    VerifiedCard {
        full_name: patient.name.clone(),
        gender: patient.gender.clone(),
        year_of_birth: patient.year_of_birth,
        address_line: address.line,
        district: address.district,
        state: address.state,
        pincode: address.pincode,
        mobile_masked: masked(&patient.identifiers, "MOBILE", Mobile::parse),
        abha_number_masked: masked(&patient.identifiers, "NDHM_HEALTH_NUMBER", AbhaNumber::parse),
    }
}

impl Phr {
    fn front_desk(&self) -> Result<&FrontDeskBridge, Error> {
        self.bridge
            .as_ref()
            .ok_or_else(|| Error::Internal("the front desk has no bridge for the gateway's answers".into()))
    }

    async fn answer(&self, key: &str) -> Result<Callback, Error> {
        let desk = self.front_desk()?;
        desk.bridge.wait(key, desk.wait).await.map_err(no_callback)
    }

    fn open(&self, id: &str) -> Result<Open, Error> {
        self.verifications.lock().get(id).cloned().ok_or_else(flow_gone)
    }

    fn move_to(&self, id: &str, open: Open) -> Verification {
        let shown = Verification {
            id: id.to_owned(),
            patient: open.patient.to_string(),
            purpose: open.purpose,
            step: open.step.clone(),
        };
        let stale = self.clock.now() - ABANDONED_AFTER_SECS;
        let mut open_ones = self.verifications.lock();
        open_ones.retain(|_, o| o.started_at > stale);
        open_ones.insert(id.to_owned(), open);
        shown
    }

    /// Asks ABDM how `raw_address` can be verified for `purpose`. With the
    /// network or ABDM down, the request waits and is sent on its own later.
    pub async fn verify_patient(&self, raw_address: &str, purpose: AuthPurpose) -> Result<Verification, Error> {
        let patient = super::address(raw_address)?;
        self.on_duty().await?;
        self.front_desk()?;
        self.verify_or_wait(patient, purpose, super::waiting::Prefill::default()).await
    }

    /// The first step of verification `id`: the ways ABDM offers.
    pub(super) async fn fetch_modes(
        &self,
        id: &str,
        patient: AbhaAddress,
        purpose: AuthPurpose,
    ) -> Result<Verification, Error> {
        let request = self.client.fetch_auth_modes(&patient, purpose).await?;
        let Callback::FetchModes(answer) = self.answer(&request).await? else { return Err(flow_gone()) };
        if let Some(error) = &answer.error {
            return Err(callback_error(error));
        }
        let modes = answer.auth.map(|a| a.modes).unwrap_or_default();
        Ok(self.move_to(
            id,
            Open {
                patient,
                purpose,
                transaction: None,
                step: VerificationStep::ChoosingMode { modes },
                started_at: self.clock.now(),
            },
        ))
    }

    /// Starts verifying the patient whose ABHA card or app QR the desk's barcode
    /// scanner read. A scan that is no patient's ABHA QR is refused before any call.
    pub async fn verify_scanned(&self, raw_scan: &str, purpose: AuthPurpose) -> Result<Scanned, Error> {
        let qr = AbhaQr::parse(raw_scan, CivilDate::from_unix(self.clock.now())).map_err(|e| {
            let code = match e {
                AbhaQrError::TooLong | AbhaQrError::NotAbhaQr => ErrorCode::QrNotAbha,
                AbhaQrError::NoAddress => ErrorCode::QrNoAddress,
                AbhaQrError::CounterQr => ErrorCode::QrCounterCode,
            };
            Error::input(code, e)
        })?;
        self.on_duty().await?;
        self.front_desk()?;
        let date_of_birth = qr.date_of_birth.map(|born| match (born.month(), born.day()) {
            (Some(month), Some(day)) => format!("{:04}-{month:02}-{day:02}", born.year().get()),
            _ => born.year().get().to_string(),
        });
        let gender = qr.gender.map(|g| g.code().to_owned());
        let prefill = super::waiting::Prefill {
            full_name: qr.name.clone(),
            gender: gender.clone(),
            date_of_birth: date_of_birth.clone(),
        };
        let verification = self.verify_or_wait(qr.address, purpose, prefill).await?;
        Ok(Scanned {
            verification,
            full_name: qr.name,
            gender,
            date_of_birth,
            mobile: qr.mobile.map(|m| m.expose().to_owned()),
            abha_number_masked: qr.number.map(|n| n.masked()),
            state: qr.state,
            district: qr.district,
        })
    }

    /// Starts the chosen way: an OTP goes out, or the demographics are asked
    /// for, or the patient is asked in their app.
    pub async fn verify_with(&self, id: &str, mode: GatewayAuthMode) -> Result<Verification, Error> {
        self.on_duty().await?;
        let open = self.open(id)?;
        // A verification that waited for the connection is taken up now.
        self.store.forget_waiting(id).await?;
        let VerificationStep::ChoosingMode { modes } = &open.step else { return Err(flow_gone()) };
        if !modes.contains(&mode) {
            return Err(Error::input(ErrorCode::ModeNotAllowed, "ABDM did not offer this way"));
        }
        let request = self.client.auth_init(&open.patient, open.purpose, mode).await?;
        let Callback::Init(answer) = self.answer(&request).await? else { return Err(flow_gone()) };
        if let Some(error) = &answer.error {
            return Err(callback_error(error));
        }
        let auth = answer.auth.ok_or_else(flow_gone)?;
        let expires_at = auth
            .meta
            .and_then(|m| m.expiry)
            .and_then(|e| parse_timestamp(&e))
            .unwrap_or_else(|| self.clock.now() + 600);
        let step = match auth.mode {
            GatewayAuthMode::MobileOtp | GatewayAuthMode::AadhaarOtp => {
                VerificationStep::AwaitingOtp { mode: auth.mode, expires_at }
            }
            GatewayAuthMode::Demographics => VerificationStep::AwaitingDemographics { expires_at },
            GatewayAuthMode::Direct => VerificationStep::AwaitingApproval { expires_at },
        };
        Ok(self.move_to(id, Open { transaction: Some(auth.transaction_id), step, ..open }))
    }

    /// The OTP the patient reads out from their phone.
    pub async fn verify_otp(&self, id: &str, raw_otp: &str) -> Result<Verification, Error> {
        let otp = super::otp(raw_otp)?;
        let staff = self.on_duty().await?;
        let open = self.open(id)?;
        let (VerificationStep::AwaitingOtp { .. }, Some(txn)) = (&open.step, &open.transaction) else {
            return Err(flow_gone());
        };
        let request = self.client.auth_confirm_otp(&open.patient, txn, &otp).await?;
        self.confirmed(id, open, &request, &staff).await
    }

    /// The demographics the desk read off the patient (DEMOGRAPHICS mode).
    pub async fn verify_demographics(&self, id: &str, form: DemographicsForm) -> Result<Verification, Error> {
        let bad = |reason: &str| Error::input(ErrorCode::InvalidProfile, reason.to_owned());
        if form.full_name.trim().is_empty() {
            return Err(bad("the name is required"));
        }
        let gender = abdm_types::Gender::parse(&form.gender).map_err(|e| Error::input(ErrorCode::InvalidProfile, e))?;
        let date = form.date_of_birth.trim();
        let year_only = date.len() == 4 && date.bytes().all(|b| b.is_ascii_digit());
        if !(year_only || parse_timestamp(&format!("{date}T00:00:00Z")).is_some()) {
            return Err(bad("the date of birth is YYYY-MM-DD (or the year alone)"));
        }
        let identifier = match form.mobile.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            Some(raw) => {
                let mobile = Mobile::parse(raw).map_err(|e| Error::input(ErrorCode::InvalidMobile, e))?;
                Some(TypedValue { kind: "MOBILE".into(), value: format!("+91{}", mobile.expose()) })
            }
            None => None,
        };
        let staff = self.on_duty().await?;
        let open = self.open(id)?;
        let (VerificationStep::AwaitingDemographics { .. }, Some(txn)) = (&open.step, &open.transaction) else {
            return Err(flow_gone());
        };
        let demographic = Demographic {
            name: form.full_name.trim().to_owned(),
            gender: gender.code().to_owned(),
            date_of_birth: date.to_owned(),
            identifier,
        };
        let request = self.client.auth_confirm_demographics(&open.patient, txn, demographic).await?;
        self.confirmed(id, open, &request, &staff).await
    }

    async fn confirmed(&self, id: &str, open: Open, request: &str, staff: &StaffCard) -> Result<Verification, Error> {
        let Callback::Confirm(answer) = self.answer(request).await? else { return Err(flow_gone()) };
        if let Some(error) = &answer.error {
            return Err(callback_error(error));
        }
        let auth = answer.auth.ok_or_else(flow_gone)?;
        self.verified(id, open, auth.patient.as_ref(), auth.access_token.is_some(), staff).await
    }

    /// Waits for the patient's answer in their PHR app (DIRECT mode), then
    /// acknowledges it to the gateway.
    pub async fn verify_await_approval(&self, id: &str) -> Result<Verification, Error> {
        let staff = self.on_duty().await?;
        let open = self.open(id)?;
        let (VerificationStep::AwaitingApproval { .. }, Some(txn)) = (&open.step, &open.transaction) else {
            return Err(flow_gone());
        };
        let Callback::Notify(notify) = self.answer(txn).await? else { return Err(flow_gone()) };
        self.client.acknowledge_notify(&notify.request_id).await?;
        if notify.auth.status != "GRANTED" {
            self.verifications.lock().remove(id);
            self.desk_audit(&staff, DeskAction::PatientDeclined, Some(&open.patient.expose())).await?;
            return Err(Error::input(ErrorCode::VerificationDenied, "the patient declined"));
        }
        self.verified(id, open, notify.auth.patient.as_ref(), notify.auth.access_token.is_some(), &staff).await
    }

    async fn verified(
        &self,
        id: &str,
        open: Open,
        patient: Option<&VerifiedPatient>,
        linked: bool,
        staff: &StaffCard,
    ) -> Result<Verification, Error> {
        let now = self.clock.now();
        let address = open.patient.expose();
        let mut candidates = Vec::new();
        let card = match patient {
            Some(patient) => {
                let card = card(patient);
                let gender = if matches!(card.gender.as_str(), "M" | "F") { card.gender.clone() } else { "O".into() };
                let (abha_number_key, mobile_key) = self.match_keys(
                    identifier(&patient.identifiers, "NDHM_HEALTH_NUMBER", AbhaNumber::parse).as_ref(),
                    identifier(&patient.identifiers, "MOBILE", Mobile::parse).as_ref(),
                );
                let record = PersonRecord {
                    full_name: card.full_name.clone(),
                    gender,
                    year_of_birth: card.year_of_birth,
                    abha_number_masked: card.abha_number_masked.clone(),
                    mobile_masked: card.mobile_masked.clone(),
                    email_masked: None,
                    kyc_verified: true,
                    photo: None,
                    addresses: vec![address.clone()],
                    default_address: None,
                    abha_number_key,
                    mobile_key,
                };
                self.store.save_person(&record, now).await?;
                candidates = self.returning_candidates(&address).await?;
                self.cards.keep(id, &open.patient, patient, CivilDate::from_unix(now));
                Some(Box::new(card))
            }
            // LINK alone proves the address, not the demographics.
            None => None,
        };
        if patient.is_some() {
            self.store.mark_verified(&address, now).await?;
        }
        self.desk_audit(staff, DeskAction::PatientVerified, Some(&address)).await?;
        self.verifications.lock().remove(id);
        Ok(Verification {
            id: id.to_owned(),
            patient: open.patient.to_string(),
            purpose: open.purpose,
            step: VerificationStep::Verified { card, candidates, linked, verified_at: now },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_the_gateway_are_shown_masked_or_not_at_all() {
        let ids = [
            TypedValue { kind: "MOBILE".into(), value: "+919123456780".into() },
            TypedValue { kind: "NDHM_HEALTH_NUMBER".into(), value: "91-1111-2222-3333".into() },
            TypedValue { kind: "MR".into(), value: "not a number".into() },
        ];
        assert_eq!(masked(&ids, "MOBILE", Mobile::parse).as_deref(), Some("******6780"));
        assert_eq!(masked(&ids, "NDHM_HEALTH_NUMBER", AbhaNumber::parse).as_deref(), Some("XX-XXXX-XXXX-3333"));
        assert_eq!(masked(&ids, "MR", Mobile::parse), None, "garbage is not shown");
        assert_eq!(masked(&ids, "HEALTH_ID", AbhaNumber::parse), None);
    }

    fn refused(code: i64, message: &str) -> (ErrorCode, String) {
        let err = callback_error(&CallbackError { code, message: message.into() });
        (err.code(), err.user_message())
    }

    #[test]
    fn a_general_callback_code_is_read_by_its_words() {
        for (message, expected) in [
            ("No patient found with this ABHA address", ErrorCode::AccountNotFound),
            ("This authentication mode is not offered for the purpose", ErrorCode::ModeNotAllowed),
            ("Invalid OTP", ErrorCode::OtpInvalid),
            ("OTP mismatch", ErrorCode::OtpInvalid),
            ("This transaction has expired", ErrorCode::OtpExpired),
            ("Too many wrong attempts", ErrorCode::OtpLocked),
            ("The demographic details do not match", ErrorCode::DemographicsMismatch),
            ("This transaction is already complete", ErrorCode::FlowNotFound),
        ] {
            for code in [1000, 10001] {
                assert_eq!(refused(code, message).0, expected, "{code} {message}");
            }
        }
    }

    #[test]
    fn a_specific_code_from_an_older_gateway_still_names_the_cause() {
        assert_eq!(refused(1405, "whatever the words").0, ErrorCode::OtpInvalid);
        assert_eq!(refused(1431, "").0, ErrorCode::DemographicsMismatch);
    }

    #[test]
    fn words_the_app_does_not_know_are_shown_as_abdm_wrote_them_masked() {
        let (code, shown) = refused(1000, "Request for 9876543210 by asha.verma@sbx refused under rule 42");
        assert_eq!(code, ErrorCode::GatewayRefused);
        assert_eq!(shown, "Request for **** by …@… refused under rule 42.");
        let (_, long) = refused(10001, &"x".repeat(500));
        assert_eq!(long.chars().count(), 202, "200 characters, an ellipsis and a full stop");
    }
}
