//! Signing up, as a state machine with no IO: `Phr` makes the ABDM calls and feeds
//! their results in here. Saved after every step without secrets (contacts and
//! numbers masked), so a restart resumes the flow while its OTP is still valid.

use serde::{Deserialize, Serialize};

use crate::{
    Via,
    login::{OTP_VALID_SECS, RESEND_AFTER_SECS, StepError},
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum SignupStep {
    /// An OTP was sent; it works until `expires_at`, and a new one can be asked
    /// for from `resend_at` (Unix seconds).
    #[serde(rename_all = "camelCase")]
    AwaitingOtp {
        // Unix seconds fit in u32 until 2106: plain numbers in TypeScript.
        #[cfg_attr(feature = "specta", specta(type = u32))]
        expires_at: i64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        resend_at: i64,
    },
    /// The OTP was accepted. The flow's `linked` addresses are already on the
    /// contact or number: choosing one logs in; or the person goes on to create one.
    Verified,
    /// The new address is being chosen, with ABDM's suggestions.
    ChoosingAddress { suggestions: Vec<String> },
}

/// The KYC-verified profile ABDM answers for an ABHA number, shown prefilled
/// and read-only. Contacts masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct KycDetails {
    pub full_name: String,
    /// `M`, `F` or `O`.
    pub gender: String,
    pub day_of_birth: Option<u8>,
    pub month_of_birth: Option<u8>,
    pub year_of_birth: u16,
    pub abha_number_masked: String,
    pub mobile_masked: Option<String>,
    pub email_masked: Option<String>,
    pub state_name: Option<String>,
    pub district_name: Option<String>,
    pub pincode: Option<String>,
    /// Base64 JPEG, as ABDM sends it.
    pub photo: Option<String>,
}

/// One sign-up in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SignupFlow {
    pub id: String,
    pub via: Via,
    pub step: SignupStep,
    /// The addresses already linked to the verified contact or number.
    pub linked: Vec<String>,
    /// Set once the OTP of an ABHA-number sign-up is accepted.
    pub kyc: Option<KycDetails>,
    /// The profile form as typed so far (not yet sent), so a restart reopens
    /// it as it was. Never the other contact.
    #[serde(default)]
    pub draft: Option<Box<crate::ProfileForm>>,
    /// ABDM's session; not a secret, but nothing the UI needs.
    #[serde(rename = "session")]
    pub(crate) session: String,
}

impl SignupFlow {
    pub fn otp_sent(id: String, via: Via, session: String, now: i64) -> Self {
        let step = SignupStep::AwaitingOtp { expires_at: now + OTP_VALID_SECS, resend_at: now + RESEND_AFTER_SECS };
        Self { id, via, step, linked: Vec::new(), kyc: None, draft: None, session }
    }

    pub fn is_kyc(&self) -> bool {
        matches!(self.via, Via::AbhaNumber(_))
    }

    /// The session to resend the OTP on: not before `resend_at`, not after expiry.
    pub fn resend_session(&self, now: i64) -> Result<&str, StepError> {
        match self.step {
            SignupStep::AwaitingOtp { resend_at, .. } if now < resend_at => Err(StepError::TooSoon),
            SignupStep::AwaitingOtp { .. } => Ok(&self.session),
            SignupStep::Verified | SignupStep::ChoosingAddress { .. } => Err(StepError::WrongStep),
        }
    }

    /// A new OTP went out: both clocks start again.
    pub fn resent(self, session: String, now: i64) -> Self {
        let step = SignupStep::AwaitingOtp { expires_at: now + OTP_VALID_SECS, resend_at: now + RESEND_AFTER_SECS };
        Self { step, session, ..self }
    }

    pub fn otp_session(&self, now: i64) -> Result<&str, StepError> {
        match self.step {
            SignupStep::AwaitingOtp { expires_at, .. } if now > expires_at => Err(StepError::OtpExpired),
            SignupStep::AwaitingOtp { .. } => Ok(&self.session),
            SignupStep::Verified | SignupStep::ChoosingAddress { .. } => Err(StepError::WrongStep),
        }
    }

    pub fn otp_accepted(self, linked: Vec<String>, kyc: Option<KycDetails>) -> Self {
        Self { step: SignupStep::Verified, linked, kyc, ..self }
    }

    /// The session to log into an already linked `address` on.
    pub fn existing_choice(&self, address: &str) -> Result<&str, StepError> {
        match &self.step {
            SignupStep::Verified if self.linked.iter().any(|a| a == address) => Ok(&self.session),
            SignupStep::Verified => Err(StepError::NotOffered),
            SignupStep::AwaitingOtp { .. } | SignupStep::ChoosingAddress { .. } => Err(StepError::WrongStep),
        }
    }

    /// The session to send a self-declared profile on: mobile and email sign-ups
    /// only (an ABHA number's profile is ABDM's KYC).
    pub fn details_session(&self) -> Result<&str, StepError> {
        match self.step {
            SignupStep::Verified | SignupStep::ChoosingAddress { .. } if !self.is_kyc() => Ok(&self.session),
            SignupStep::Verified | SignupStep::ChoosingAddress { .. } | SignupStep::AwaitingOtp { .. } => {
                Err(StepError::WrongStep)
            }
        }
    }

    /// The session to ask suggestions on, once the profile is known.
    pub fn suggestions_session(&self) -> Result<&str, StepError> {
        match self.step {
            SignupStep::Verified if self.is_kyc() => Ok(&self.session),
            SignupStep::Verified | SignupStep::AwaitingOtp { .. } => Err(StepError::WrongStep),
            SignupStep::ChoosingAddress { .. } => Ok(&self.session),
        }
    }

    pub fn suggestions_offered(self, suggestions: Vec<String>) -> Self {
        Self { step: SignupStep::ChoosingAddress { suggestions }, ..self }
    }

    pub fn creation_session(&self) -> Result<&str, StepError> {
        match self.step {
            SignupStep::ChoosingAddress { .. } => Ok(&self.session),
            SignupStep::AwaitingOtp { .. } | SignupStep::Verified => Err(StepError::WrongStep),
        }
    }

    /// Until when the flow can go on. After the OTP, ABDM keeps the session for
    /// the rest of the sign-up; a flow left for a day starts again.
    pub fn expires_at(&self) -> i64 {
        match self.step {
            SignupStep::AwaitingOtp { expires_at, .. } => expires_at,
            SignupStep::Verified | SignupStep::ChoosingAddress { .. } => i64::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(now: i64) -> SignupFlow {
        SignupFlow::otp_sent("f".into(), Via::Mobile("******3210".into()), "s".into(), now)
    }

    #[test]
    fn a_resend_waits_60_seconds_and_restarts_both_clocks() {
        let flow = sent(1000);
        assert_eq!(flow.resend_session(1059), Err(StepError::TooSoon));
        assert_eq!(flow.resend_session(1060), Ok("s"));
        let again = flow.resent("s".into(), 1300);
        assert_eq!(again.step, SignupStep::AwaitingOtp { expires_at: 1300 + OTP_VALID_SECS, resend_at: 1360 });
    }

    #[test]
    fn the_otp_is_taken_until_it_expires_and_only_once() {
        let flow = sent(0);
        assert_eq!(flow.otp_session(OTP_VALID_SECS + 1), Err(StepError::OtpExpired));
        let verified = flow.otp_accepted(vec!["asha.verma@sbx".into()], None);
        assert_eq!(verified.otp_session(1), Err(StepError::WrongStep));
        assert_eq!(verified.resend_session(100), Err(StepError::WrongStep));
    }

    #[test]
    fn only_a_linked_address_is_logged_into_and_only_after_the_otp() {
        let flow = sent(0);
        assert_eq!(flow.existing_choice("asha.verma@sbx"), Err(StepError::WrongStep));
        let verified = flow.otp_accepted(vec!["asha.verma@sbx".into()], None);
        assert_eq!(verified.existing_choice("asha.verma@sbx"), Ok("s"));
        assert_eq!(verified.existing_choice("ravi.kumar@sbx"), Err(StepError::NotOffered));
    }

    #[test]
    fn a_contact_sign_up_declares_a_profile_and_a_kyc_one_does_not() {
        let contact = sent(0).otp_accepted(vec![], None);
        assert_eq!(contact.details_session(), Ok("s"));
        assert_eq!(contact.suggestions_session(), Err(StepError::WrongStep), "suggestions need the profile");
        assert_eq!(contact.creation_session(), Err(StepError::WrongStep));
        let choosing = contact.suggestions_offered(vec!["asha.v".into()]);
        assert_eq!(choosing.creation_session(), Ok("s"));

        let kyc = SignupFlow::otp_sent("k".into(), Via::AbhaNumber("xx-xxxx-xxxx-3333".into()), "s".into(), 0)
            .otp_accepted(vec![], None);
        assert_eq!(kyc.details_session(), Err(StepError::WrongStep));
        assert_eq!(kyc.suggestions_session(), Ok("s"));
    }

    #[test]
    fn the_saved_form_holds_no_contact_in_the_clear() {
        let json = serde_json::to_string(&sent(0)).unwrap();
        assert!(json.contains("******3210") && !json.contains("9876543210"), "{json}");
        assert_eq!(serde_json::from_str::<SignupFlow>(&json).unwrap(), sent(0));
    }
}
