//! Logging in, as a state machine with no IO: `Phr` makes the ABDM calls and feeds
//! their results in here; what comes out is saved after every step (it holds no
//! secret), so a restart resumes the flow while its OTP is still valid.

use serde::{Deserialize, Serialize};

/// ABDM's OTPs are valid for 10 minutes.
pub const OTP_VALID_SECS: i64 = 600;

/// ABDM lets a new OTP be asked for 60 seconds after the last one.
pub const RESEND_AFTER_SECS: i64 = 60;

/// How the person is logging in, as shown back to them (masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "shown", rename_all = "camelCase")]
pub enum Via {
    Mobile(String),
    Email(String),
    AbhaNumber(String),
    Address(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum LoginStep {
    /// An OTP was sent; it works until `expires_at`, and a new one can be asked
    /// for from `resend_at` (Unix seconds).
    #[serde(rename_all = "camelCase")]
    AwaitingOtp {
        // Unix seconds fit in u32 until 2106: plain numbers in TypeScript.
        #[cfg_attr(feature = "specta", specta(type = u32))]
        expires_at: i64,
        // A flow saved before resends existed may resend at once; ABDM still
        // holds it to its own 60 seconds.
        #[serde(default)]
        #[cfg_attr(feature = "specta", specta(type = u32))]
        resend_at: i64,
    },
    /// The address logs in with its password.
    AwaitingPassword,
    /// The OTP was accepted; the person picks one of these addresses.
    ChoosingAddress { addresses: Vec<String> },
}

impl LoginStep {
    /// Just after an OTP was sent.
    pub(crate) fn awaiting_otp(now: i64) -> Self {
        Self::AwaitingOtp { expires_at: now + OTP_VALID_SECS, resend_at: now + RESEND_AFTER_SECS }
    }
}

/// One login in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LoginFlow {
    pub id: String,
    pub via: Via,
    pub step: LoginStep,
    /// ABDM's transaction; not a secret, but nothing the UI needs.
    #[serde(rename = "txn")]
    pub(crate) transaction: String,
}

/// Why a step cannot be taken now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("this step is not open in the flow")]
    WrongStep,
    #[error("the OTP has expired")]
    OtpExpired,
    #[error("that address is not one of those linked")]
    NotOffered,
    #[error("a new OTP can be asked for 60 seconds after the last one")]
    TooSoon,
}

impl LoginFlow {
    pub fn otp_sent(id: String, via: Via, transaction: String, now: i64) -> Self {
        Self { id, via, step: LoginStep::awaiting_otp(now), transaction }
    }

    pub fn password_asked(id: String, via: Via, transaction: String) -> Self {
        Self { id, via, step: LoginStep::AwaitingPassword, transaction }
    }

    /// The transaction to check an OTP on, while one is awaited and still valid.
    pub fn otp_transaction(&self, now: i64) -> Result<&str, StepError> {
        match self.step {
            LoginStep::AwaitingOtp { expires_at, .. } if now > expires_at => Err(StepError::OtpExpired),
            LoginStep::AwaitingOtp { .. } => Ok(&self.transaction),
            LoginStep::AwaitingPassword | LoginStep::ChoosingAddress { .. } => Err(StepError::WrongStep),
        }
    }

    /// The transaction to send a new OTP on: not before `resend_at`. ABDM
    /// counts the resends and locks the transaction after too many.
    pub fn resend_transaction(&self, now: i64) -> Result<&str, StepError> {
        match self.step {
            LoginStep::AwaitingOtp { resend_at, .. } if now < resend_at => Err(StepError::TooSoon),
            LoginStep::AwaitingOtp { .. } => Ok(&self.transaction),
            LoginStep::AwaitingPassword | LoginStep::ChoosingAddress { .. } => Err(StepError::WrongStep),
        }
    }

    /// A new OTP went out, on `transaction` (the same one in v1; v3 answers
    /// a new one): both clocks start again.
    pub fn resent(self, transaction: String, now: i64) -> Self {
        Self { step: LoginStep::awaiting_otp(now), transaction, ..self }
    }

    pub fn password_transaction(&self) -> Result<&str, StepError> {
        match self.step {
            LoginStep::AwaitingPassword => Ok(&self.transaction),
            LoginStep::AwaitingOtp { .. } | LoginStep::ChoosingAddress { .. } => Err(StepError::WrongStep),
        }
    }

    /// After an accepted OTP on a mobile, email or ABHA-number login.
    pub fn otp_accepted(self, addresses: Vec<String>) -> Self {
        Self { step: LoginStep::ChoosingAddress { addresses }, ..self }
    }

    /// The transaction to log into `address` on, if it was offered.
    pub fn choice(&self, address: &str) -> Result<&str, StepError> {
        match &self.step {
            LoginStep::ChoosingAddress { addresses } if addresses.iter().any(|a| a == address) => Ok(&self.transaction),
            LoginStep::ChoosingAddress { .. } => Err(StepError::NotOffered),
            LoginStep::AwaitingOtp { .. } | LoginStep::AwaitingPassword => Err(StepError::WrongStep),
        }
    }

    /// Until when the flow can go on; after that only a restart helps.
    pub fn expires_at(&self) -> i64 {
        match self.step {
            LoginStep::AwaitingOtp { expires_at, .. } => expires_at,
            // ABDM's transaction outlives the OTP by little; a chooser left open for
            // longer than an OTP's life starts again.
            LoginStep::AwaitingPassword | LoginStep::ChoosingAddress { .. } => i64::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(now: i64) -> LoginFlow {
        LoginFlow::otp_sent("f".into(), Via::Mobile("******3210".into()), "t".into(), now)
    }

    #[test]
    fn an_otp_is_taken_until_it_expires() {
        let flow = sent(1000);
        assert_eq!(flow.otp_transaction(1000 + OTP_VALID_SECS), Ok("t"));
        assert_eq!(flow.otp_transaction(1001 + OTP_VALID_SECS), Err(StepError::OtpExpired));
    }

    #[test]
    fn a_resend_waits_60_seconds_and_restarts_both_clocks() {
        let flow = sent(1000);
        assert_eq!(flow.resend_transaction(1059), Err(StepError::TooSoon));
        assert_eq!(flow.resend_transaction(1060), Ok("t"));
        let again = flow.resent("t2".into(), 1300);
        assert_eq!(again.step, LoginStep::AwaitingOtp { expires_at: 1300 + OTP_VALID_SECS, resend_at: 1360 });
        assert_eq!(again.otp_transaction(1300 + OTP_VALID_SECS), Ok("t2"), "the new OTP's 10 minutes count");
        let password = LoginFlow::password_asked("f".into(), Via::Address("asha.verma@sbx".into()), "t".into());
        assert_eq!(password.resend_transaction(5000), Err(StepError::WrongStep), "a password is not sent");
    }

    #[test]
    fn a_flow_saved_before_resends_existed_still_opens() {
        let old = r#"{"id":"f","via":{"kind":"mobile","shown":"******3210"},"step":{"step":"awaitingOtp","expiresAt":1600},"txn":"t"}"#;
        let flow: LoginFlow = serde_json::from_str(old).unwrap();
        assert_eq!(flow.step, LoginStep::AwaitingOtp { expires_at: 1600, resend_at: 0 });
    }

    #[test]
    fn only_an_offered_address_can_be_chosen_and_only_after_the_otp() {
        let flow = sent(0);
        assert_eq!(flow.choice("asha.verma@sbx"), Err(StepError::WrongStep));
        let choosing = flow.otp_accepted(vec!["asha.verma@sbx".into(), "ashav.pune@sbx".into()]);
        assert_eq!(choosing.choice("ashav.pune@sbx"), Ok("t"));
        assert_eq!(choosing.choice("ravi.kumar@sbx"), Err(StepError::NotOffered));
        assert_eq!(choosing.otp_transaction(0), Err(StepError::WrongStep), "an OTP is not asked twice");
    }

    #[test]
    fn a_password_flow_takes_a_password_and_nothing_else() {
        let flow = LoginFlow::password_asked("f".into(), Via::Address("asha.verma@sbx".into()), "t".into());
        assert_eq!(flow.password_transaction(), Ok("t"));
        assert_eq!(flow.otp_transaction(0), Err(StepError::WrongStep));
    }

    #[test]
    fn the_saved_form_holds_the_masked_contact_only() {
        let json = serde_json::to_string(&sent(0)).unwrap();
        assert!(json.contains("******3210") && !json.contains("9876543210"), "{json}");
        assert_eq!(serde_json::from_str::<LoginFlow>(&json).unwrap(), sent(0));
    }
}
