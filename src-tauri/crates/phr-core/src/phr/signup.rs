//! Signing up: by mobile or email OTP with a self-declared profile, or by ABHA
//! number with ABDM's KYC-verified one.

use abdm_client::RegistrationDetails;
use abdm_types::{
    AbhaNumber, AddressName, CivilDate, DateOfBirth, DistrictCode, Email, Gender, Mobile, Pincode, StateCode,
    phr::AuthMode, phr::KycProfile,
};
use serde::{Deserialize, Serialize};

use super::{Change, Known, Phr, SignedIn, Tokens, address, contact, new_password, otp, uuid};
use crate::{Error, ErrorCode, Field, KycDetails, SignupFlow, Via};

pub(super) const SIGNUP: &str = "signup";

/// The profile form of a sign-up by mobile or email, as typed. First name, year
/// of birth, gender, address, state, district and pin code are required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProfileForm {
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    /// `M`, `F` or `O`.
    pub gender: String,
    /// Day and month as typed; empty when not given.
    pub day_of_birth: String,
    pub month_of_birth: String,
    pub year_of_birth: String,
    pub address: String,
    /// LGD codes.
    pub state_code: String,
    pub district_code: String,
    pub pincode: String,
    /// The other contact (optional): an email on a mobile sign-up, or the reverse.
    pub email: Option<String>,
    pub mobile: Option<String>,
}

/// Longest name part and address line accepted (ABDM's own forms are shorter still).
const NAME_CHARS: usize = 64;
const ADDRESS_CHARS: usize = 250;
/// The most a kept draft holds: every field at its longest, with room to spare.
const DRAFT_CHARS: usize = 1024;

/// Each field checked in form order; the first failure names its field.
fn details(form: &ProfileForm, now: i64) -> Result<RegistrationDetails, Error> {
    fn bad(field: Field, reason: impl std::fmt::Display) -> Error {
        Error::in_field(ErrorCode::InvalidProfile, field, format!("{}: {reason}", field.label()))
    }
    fn optional(value: &Option<String>) -> Option<String> {
        value.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
    }
    let optional_name = |field: Field, value: &Option<String>| {
        optional(value)
            .map(|v| super::plain_text(&v, NAME_CHARS).map(str::to_owned).map_err(|e| bad(field, e)))
            .transpose()
    };
    let first_name = super::plain_text(&form.first_name, NAME_CHARS).map_err(|e| bad(Field::FirstName, e))?;
    let middle_name = optional_name(Field::MiddleName, &form.middle_name)?;
    let last_name = optional_name(Field::LastName, &form.last_name)?;
    let gender = Gender::parse(&form.gender).map_err(|e| bad(Field::Gender, e))?;
    let born =
        DateOfBirth::parse(&form.day_of_birth, &form.month_of_birth, &form.year_of_birth, CivilDate::from_unix(now))
            .map_err(|e| Error::in_field(ErrorCode::InvalidDateOfBirth, Field::DateOfBirth, e))?;
    let address = super::plain_text(&form.address, ADDRESS_CHARS).map_err(|e| bad(Field::Address, e))?;
    Ok(RegistrationDetails {
        first_name: first_name.to_owned(),
        middle_name,
        last_name,
        gender,
        day_of_birth: born.day(),
        month_of_birth: born.month(),
        year_of_birth: born.year(),
        state: StateCode::parse(&form.state_code).map_err(|e| bad(Field::State, e))?,
        district: DistrictCode::parse(&form.district_code).map_err(|e| bad(Field::District, e))?,
        pincode: Pincode::parse(&form.pincode).map_err(|e| bad(Field::Pincode, e))?,
        address: address.to_owned(),
        email: optional(&form.email)
            .map(|e| Email::parse(&e))
            .transpose()
            .map_err(|e| Error::in_field(ErrorCode::InvalidEmail, Field::Email, e))?,
        mobile: optional(&form.mobile)
            .map(|m| Mobile::parse(&m))
            .transpose()
            .map_err(|e| Error::in_field(ErrorCode::InvalidMobile, Field::Mobile, e))?,
    })
}

/// The name of a new address. The person may type the suffix too, but only
/// this installation's (`sbx`, `abdm`): another one is refused, never quietly
/// swapped for ours.
pub(super) fn address_name(raw: &str, suffix: &abdm_types::CmSuffix) -> Result<AddressName, Error> {
    let (name, typed) = raw.trim().split_once('@').map_or((raw.trim(), None), |(name, typed)| (name, Some(typed)));
    if typed.is_some_and(|typed| !typed.trim().eq_ignore_ascii_case(suffix.as_ref())) {
        return Err(Error::input(ErrorCode::InvalidAbhaAddress, "an ABHA address here ends in this ABDM's suffix"));
    }
    AddressName::parse(name).map_err(|e| Error::input(ErrorCode::InvalidAbhaAddress, e))
}

fn abha_number(raw: &str) -> Result<AbhaNumber, Error> {
    AbhaNumber::parse(raw).map_err(|e| Error::input(ErrorCode::InvalidAbhaNumber, e))
}

/// How ABDM verifies the holder of an ABHA number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KycMethod {
    /// OTP to the mobile linked with Aadhaar.
    AadhaarOtp,
    /// OTP to the mobile linked with the ABHA number.
    MobileOtp,
}

impl KycMethod {
    fn auth_mode(self) -> AuthMode {
        match self {
            KycMethod::AadhaarOtp => AuthMode::AadhaarOtp,
            KycMethod::MobileOtp => AuthMode::MobileOtp,
        }
    }
}

fn kyc_details(profile: &KycProfile) -> KycDetails {
    let name = [Some(&profile.name.first_name), profile.name.middle_name.as_ref(), profile.name.last_name.as_ref()];
    KycDetails {
        full_name: name.into_iter().flatten().map(String::as_str).collect::<Vec<_>>().join(" "),
        gender: Gender::parse(&profile.gender).map_or_else(|_| profile.gender.clone(), |g| g.code().to_owned()),
        day_of_birth: profile.date_of_birth.date,
        month_of_birth: profile.date_of_birth.month,
        year_of_birth: profile.date_of_birth.year,
        abha_number_masked: AbhaNumber::parse(&profile.health_id_number).map(|n| n.masked()).unwrap_or_default(),
        mobile_masked: profile.mobile.as_deref().and_then(|m| Mobile::parse(m).ok()).map(|m| m.masked()),
        email_masked: profile.email.as_deref().and_then(|e| Email::parse(e).ok()).map(|e| e.masked()),
        state_name: profile.state_name.clone(),
        district_name: profile.district_name.clone(),
        pincode: profile.pincode.clone(),
        photo: profile.profile_photo.clone(),
    }
}

impl Phr {
    async fn save_signup(&self, flow: &SignupFlow) -> Result<(), Error> {
        self.save_flow(&flow.id, SIGNUP, flow, flow.expires_at()).await?;
        self.report(Change::Signup(flow.clone()));
        Ok(())
    }

    /// A sign-up in progress, as saved: after a restart the UI picks it up here.
    pub async fn signup_flow(&self, id: &str) -> Result<SignupFlow, Error> {
        self.load_flow(id, SIGNUP).await
    }

    /// Sign-up by mobile or email: ABDM sends an OTP to it.
    pub async fn signup_by_contact(&self, raw: &str) -> Result<SignupFlow, Error> {
        let contact = contact(raw)?;
        let reply = self.client.generate_otp(&contact).await?;
        let flow = SignupFlow::otp_sent(uuid(), Via::of(&contact), reply.session_id, self.clock.now());
        self.save_signup(&flow).await?;
        Ok(flow)
    }

    /// How ABDM can verify the holder of this ABHA number, before a sign-up by it.
    pub async fn kyc_methods(&self, raw_number: &str) -> Result<Vec<KycMethod>, Error> {
        let number = abha_number(raw_number)?;
        let modes = self.client.kyc_auth_modes(&number).await?.auth_methods;
        Ok([KycMethod::AadhaarOtp, KycMethod::MobileOtp]
            .into_iter()
            .filter(|m| modes.iter().any(|offered| offered == m.auth_mode().as_str()))
            .collect())
    }

    /// Sign-up by ABHA number: ABDM sends an OTP by the chosen method. The
    /// number is not kept; the flow shows it masked.
    pub async fn signup_by_abha_number(&self, raw_number: &str, method: KycMethod) -> Result<SignupFlow, Error> {
        let number = abha_number(raw_number)?;
        let reply = self.client.kyc_auth_init(&number, method.auth_mode()).await?;
        let flow = SignupFlow::otp_sent(uuid(), Via::AbhaNumber(number.masked()), reply.session_id, self.clock.now());
        self.save_signup(&flow).await?;
        Ok(flow)
    }

    /// A new OTP, once a minute has passed since the last.
    pub async fn signup_resend_otp(&self, flow_id: &str) -> Result<SignupFlow, Error> {
        let flow = self.signup_flow(flow_id).await?;
        let session = flow.resend_session(self.clock.now())?.to_owned();
        let reply = self.client.resend_otp(&session).await?;
        let flow = flow.resent(reply.session_id, self.clock.now());
        self.save_signup(&flow).await?;
        Ok(flow)
    }

    /// Checks the OTP; answers the addresses already linked (and, for an ABHA
    /// number, the KYC profile).
    pub async fn signup_verify_otp(&self, flow_id: &str, raw_otp: &str) -> Result<SignupFlow, Error> {
        let otp = otp(raw_otp)?;
        let flow = self.signup_flow(flow_id).await?;
        let session = flow.otp_session(self.clock.now())?.to_owned();
        let flow = if flow.is_kyc() {
            let profile = self.client.kyc_confirm(&session, &otp).await?;
            let kyc = kyc_details(&profile);
            flow.otp_accepted(profile.phr_address, Some(kyc))
        } else {
            let reply = self.client.validate_otp(&session, &otp).await?;
            flow.otp_accepted(reply.mapped_phr_address, None)
        };
        self.save_signup(&flow).await?;
        Ok(flow)
    }

    /// Logs into an address the verified mobile, email or ABHA number already has.
    pub async fn signup_choose_existing(&self, flow_id: &str, raw_address: &str) -> Result<SignedIn, Error> {
        let chosen = address(raw_address)?;
        let flow = self.signup_flow(flow_id).await?;
        let session = flow.existing_choice(&chosen.expose())?.to_owned();
        let name = AddressName::parse(chosen.name()).map_err(|e| Error::input(ErrorCode::InvalidAbhaAddress, e))?;
        let reply = if flow.is_kyc() {
            self.client.kyc_create_address(&session, &name, None, true).await?
        } else {
            self.client.create_address(&session, &name, None, true).await?
        };
        let known = Self::known(&flow, 0);
        self.signed_in(flow_id, Tokens::new(reply.token, None), known).await
    }

    /// The self-declared profile (mobile and email sign-ups); answers ABDM's
    /// address suggestions for it.
    pub async fn signup_profile(&self, flow_id: &str, form: &ProfileForm) -> Result<SignupFlow, Error> {
        let details = details(form, self.clock.now())?;
        let flow = self.signup_flow(flow_id).await?;
        let session = flow.details_session()?.to_owned();
        self.client.registration_details(&session, &details).await?;
        let suggestions = self.client.suggestions(&session).await?;
        let flow = flow.suggestions_offered(suggestions);
        self.save_signup(&flow).await?;
        Ok(flow)
    }

    /// Keeps the profile form as typed so far with the flow, without sending
    /// it, so that a restart reopens the form as it was. The other contact
    /// (email or mobile) is left out: contacts are kept masked only.
    pub async fn signup_keep_draft(&self, flow_id: &str, form: &ProfileForm) -> Result<(), Error> {
        let flow = self.signup_flow(flow_id).await?;
        flow.details_session()?;
        let typed = [&form.first_name, &form.address, &form.day_of_birth, &form.month_of_birth, &form.year_of_birth]
            .into_iter()
            .chain([&form.middle_name, &form.last_name].into_iter().flatten())
            .chain([&form.gender, &form.state_code, &form.district_code, &form.pincode]);
        if typed.map(|field| field.chars().count()).sum::<usize>() > DRAFT_CHARS {
            return Err(Error::input(ErrorCode::InvalidProfile, "the form holds more than a profile's worth of text"));
        }
        let draft = ProfileForm { email: None, mobile: None, ..form.clone() };
        self.save_signup(&SignupFlow { draft: Some(Box::new(draft)), ..flow }).await
    }

    /// Goes on from a verified ABHA number to choosing a new address.
    pub async fn signup_with_kyc(&self, flow_id: &str) -> Result<SignupFlow, Error> {
        let flow = self.signup_flow(flow_id).await?;
        let session = flow.suggestions_session()?.to_owned();
        let suggestions = self.client.suggestions(&session).await?;
        let flow = flow.suggestions_offered(suggestions);
        self.save_signup(&flow).await?;
        Ok(flow)
    }

    /// Whether a new address with this name can be had, as the person types.
    pub async fn address_available(&self, raw_name: &str) -> Result<bool, Error> {
        let name = address_name(raw_name, &self.client.config().cm_suffix)?;
        let address = abdm_types::AbhaAddress::new(&name, self.client.config().cm_suffix.clone());
        Ok(!self.client.is_address_taken(&address).await?)
    }

    /// Creates the address, with a password when one is given (and confirmed),
    /// and signs in to it.
    pub async fn signup_create(
        &self,
        flow_id: &str,
        raw_name: &str,
        password: Option<(&str, &str)>,
    ) -> Result<SignedIn, Error> {
        let name = address_name(raw_name, &self.client.config().cm_suffix)?;
        let password = password.map(|(raw, confirm)| new_password(raw, confirm)).transpose()?;
        let flow = self.signup_flow(flow_id).await?;
        let session = flow.creation_session()?.to_owned();
        let reply = if flow.is_kyc() {
            self.client.kyc_create_address(&session, &name, password.as_ref(), false).await?
        } else {
            self.client.create_address(&session, &name, password.as_ref(), false).await?
        };
        let known = Self::known(&flow, 1);
        let signed_in = self.signed_in(flow_id, Tokens::new(reply.token, None), known).await?;
        self.store.append_audit(self.clock.now(), &signed_in.address, "created", Some(&signed_in.address)).await?;
        Ok(signed_in)
    }

    /// What the verified contact or number says about the person: the linked
    /// addresses of an ABHA number are theirs; a mobile's count towards its limit.
    fn known(flow: &SignupFlow, created: usize) -> Known {
        match &flow.via {
            Via::AbhaNumber(_) => Known { same_person: flow.linked.clone(), ..Known::default() },
            Via::Mobile(_) => Known {
                on_mobile: Some(flow.linked.len() + created),
                on_contact: Some(flow.linked.clone()),
                ..Known::default()
            },
            Via::Email(_) => Known { on_contact: Some(flow.linked.clone()), ..Known::default() },
            Via::Address(_) => Known::default(),
        }
    }
}
