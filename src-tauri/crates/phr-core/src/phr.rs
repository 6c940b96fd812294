//! The application: performs the ABDM calls between the steps of a flow, saves
//! the flow after each, and on sign-in puts the tokens in the keyring, the profile
//! in the cache and a line in the audit log.

use abdm_client::{AbdmClient, Contact, Credential};
use abdm_types::{AbhaAddress, AbhaNumber, Email, Mobile, Otp, Password, Sensitive, YearOfBirth, phr::AuthMode};
use phr_store::{PersonRecord, SavedFlow, SecretKind, Store, Vault};
use serde::Serialize;

use crate::{
    Clock, Error, ErrorCode, LoginFlow, Via,
    login::{LoginStep, StepError},
};

const LOGIN: &str = "login";

/// The application API behind the UI.
#[derive(Debug, Clone)]
pub struct Phr {
    client: AbdmClient,
    store: Store,
    vault: Vault,
    clock: Clock,
}

/// Who is signed in now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub address: String,
    pub full_name: String,
    pub kyc_verified: bool,
}

impl From<StepError> for Error {
    fn from(err: StepError) -> Self {
        let code = match err {
            StepError::WrongStep => ErrorCode::FlowNotFound,
            StepError::OtpExpired => ErrorCode::OtpExpired,
            StepError::NotOffered => ErrorCode::InvalidAbhaAddress,
        };
        Error::input(code, err)
    }
}

/// A mobile number, or an email when there is an `@`.
fn contact(raw: &str) -> Result<Contact, Error> {
    if raw.contains('@') {
        Email::parse(raw).map(Contact::Email).map_err(|e| Error::input(ErrorCode::InvalidEmail, e))
    } else {
        Mobile::parse(raw).map(Contact::Mobile).map_err(|e| Error::input(ErrorCode::InvalidMobile, e))
    }
}

fn otp(raw: &str) -> Result<Otp, Error> {
    Otp::parse(raw).map_err(|e| Error::input(ErrorCode::InvalidOtpFormat, e))
}

fn address(raw: &str) -> Result<AbhaAddress, Error> {
    AbhaAddress::parse(raw).map_err(|e| Error::input(ErrorCode::InvalidAbhaAddress, e))
}

impl Phr {
    pub fn new(client: AbdmClient, store: Store, vault: Vault, clock: Clock) -> Self {
        Self { client, store, vault, clock }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    async fn save(&self, flow: &LoginFlow) -> Result<(), Error> {
        let state = serde_json::to_string(flow).map_err(|e| Error::Internal(e.into()))?;
        let saved = SavedFlow { id: flow.id.clone(), kind: LOGIN.to_owned(), state, expires_at: flow.expires_at() };
        self.store.save_flow(&saved, self.clock.now()).await?;
        Ok(())
    }

    /// A login in progress, as saved: after a restart the UI picks it up here.
    pub async fn login_flow(&self, id: &str) -> Result<LoginFlow, Error> {
        let saved = self.store.load_flow(id).await?.filter(|f| f.kind == LOGIN);
        let saved = saved.ok_or_else(|| Error::input(ErrorCode::FlowNotFound, "no login is open under this id"))?;
        serde_json::from_str(&saved.state).map_err(|e| Error::Internal(e.into()))
    }

    /// Login by mobile or email: ABDM sends an OTP to it.
    pub async fn login_by_contact(&self, raw: &str) -> Result<LoginFlow, Error> {
        let contact = contact(raw)?;
        let via = match &contact {
            Contact::Mobile(m) => Via::Mobile(m.masked()),
            Contact::Email(e) => Via::Email(e.masked()),
        };
        let reply = self.client.login_contact_init(&contact).await?;
        let flow = LoginFlow::otp_sent(uuid(), via, reply.transaction_id, self.clock.now());
        self.save(&flow).await?;
        Ok(flow)
    }

    /// Login by ABHA number and year of birth: ABDM sends an OTP to the linked mobile.
    pub async fn login_by_abha_number(&self, raw_number: &str, raw_year: &str) -> Result<LoginFlow, Error> {
        let number = AbhaNumber::parse(raw_number).map_err(|e| Error::input(ErrorCode::InvalidAbhaNumber, e))?;
        let now = self.clock.now();
        let year = YearOfBirth::parse(raw_year, current_year(now))
            .map_err(|e| Error::input(ErrorCode::InvalidYearOfBirth, e))?;
        let modes = self.client.login_abha_number_modes(&number, year).await?.auth_methods;
        let mode = if modes.iter().any(|m| m == AuthMode::MobileOtp.as_str()) {
            AuthMode::MobileOtp
        } else {
            AuthMode::AadhaarOtp
        };
        let reply = self.client.login_abha_number_init(&number, mode).await?;
        let flow = LoginFlow::otp_sent(uuid(), Via::AbhaNumber(number.masked()), reply.transaction_id, now);
        self.save(&flow).await?;
        Ok(flow)
    }

    /// Login by ABHA address, with its password or an OTP as the person chose.
    pub async fn login_by_address(&self, raw: &str, with_password: bool) -> Result<LoginFlow, Error> {
        let address = address(raw)?;
        let modes = self.client.address_auth_modes(&address).await?.auth_methods;
        let mode = if with_password {
            AuthMode::Password
        } else {
            [AuthMode::MobileOtp, AuthMode::EmailOtp, AuthMode::AadhaarOtp]
                .into_iter()
                .find(|m| modes.iter().any(|offered| offered == m.as_str()))
                .ok_or_else(|| Error::input(ErrorCode::OtpInvalid, "this address can only log in with its password"))?
        };
        let reply = self.client.address_auth_init(&address, mode).await?;
        let via = Via::Address(address.to_string());
        let flow = if with_password {
            LoginFlow::password_asked(uuid(), via, reply.transaction_id)
        } else {
            LoginFlow::otp_sent(uuid(), via, reply.transaction_id, self.clock.now())
        };
        self.save(&flow).await?;
        Ok(flow)
    }

    /// Checks the OTP. A mobile or email login moves on to choosing an address;
    /// an address login is signed in.
    pub async fn login_verify_otp(&self, flow_id: &str, raw_otp: &str) -> Result<Verified, Error> {
        let otp = otp(raw_otp)?;
        let flow = self.login_flow(flow_id).await?;
        let transaction = flow.otp_transaction(self.clock.now())?.to_owned();
        if let Via::Address(_) = &flow.via {
            let reply = self.client.address_auth_confirm(&transaction, Credential::Otp(&otp)).await?;
            return Ok(Verified::SignedIn(self.signed_in(flow_id, reply).await?));
        }
        let reply = self.client.login_pre_verify(&transaction, &otp).await?;
        let flow = flow.otp_accepted(reply.mapped_phr_address);
        self.save(&flow).await?;
        Ok(Verified::Choose(flow))
    }

    pub async fn login_with_password(&self, flow_id: &str, raw_password: &str) -> Result<SignedIn, Error> {
        // Any string may be someone's old password; the policy is for new ones.
        let password = Password::parse(raw_password)
            .map_err(|_| Error::input(ErrorCode::OtpInvalid, "the password is not right"))?;
        let flow = self.login_flow(flow_id).await?;
        let transaction = flow.password_transaction()?.to_owned();
        let reply = self.client.address_auth_confirm(&transaction, Credential::Password(&password)).await?;
        self.signed_in(flow_id, reply).await
    }

    /// Logs into one of the addresses the OTP unlocked.
    pub async fn login_choose(&self, flow_id: &str, raw_address: &str) -> Result<SignedIn, Error> {
        let chosen = address(raw_address)?;
        let flow = self.login_flow(flow_id).await?;
        let transaction = flow.choice(&chosen.expose())?.to_owned();
        let reply = self.client.login_choose(&transaction, &chosen).await?;
        self.signed_in(flow_id, reply).await
    }

    /// Tokens to the keyring, profile to the cache, a line to the audit log, the
    /// flow closed. The address is the one ABDM's profile names.
    async fn signed_in(&self, flow_id: &str, reply: abdm_types::phr::TokenResponse) -> Result<SignedIn, Error> {
        let token = Sensitive::new(reply.token);
        let profile = self.client.profile(&token).await?;
        let address = profile.id.as_str();
        self.vault.persist(SecretKind::UserToken, address, &token).await?;
        if let Some(refresh) = reply.refresh_token {
            self.vault.persist(SecretKind::RefreshToken, address, &Sensitive::new(refresh)).await?;
        }
        let masked_number = profile.health_id.as_deref().and_then(|n| abdm_types::AbhaNumber::parse(n).ok());
        let record = PersonRecord {
            full_name: profile.full_name.clone(),
            gender: profile.gender.clone(),
            year_of_birth: profile.date_of_birth.year,
            abha_number_masked: masked_number.map(|n| n.masked()),
            mobile_masked: profile.mobile.as_deref().and_then(|m| Mobile::parse(m).ok()).map(|m| m.masked()),
            email_masked: profile.email.as_deref().and_then(|e| Email::parse(e).ok()).map(|e| e.masked()),
            kyc_verified: profile.kyc_status.as_deref() == Some("VERIFIED"),
            photo: None,
            addresses: vec![profile.id.clone()],
            default_address: None,
        };
        let now = self.clock.now();
        self.store.save_person(&record, now).await?;
        self.store.append_audit(now, address, "logged-in", Some(address)).await?;
        self.store.delete_flow(flow_id).await?;
        Ok(SignedIn { address: profile.id, full_name: profile.full_name, kyc_verified: record.kyc_verified })
    }
}

/// What an accepted OTP leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    Choose(LoginFlow),
    SignedIn(SignedIn),
}

impl Verified {
    pub fn step(&self) -> Option<&LoginStep> {
        match self {
            Verified::Choose(flow) => Some(&flow.step),
            Verified::SignedIn(_) => None,
        }
    }
}

/// The Gregorian year of a Unix time, close enough for a year-of-birth check.
fn current_year(now: i64) -> u16 {
    u16::try_from(1970 + now / 31_556_952).unwrap_or(u16::MAX)
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}
