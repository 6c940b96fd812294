//! Logging in: by mobile or email OTP, ABHA number and year of birth, or ABHA
//! address with its password or an OTP.

use abdm_client::{Contact, Credential};
use abdm_types::{AbhaNumber, Password, YearOfBirth, phr::AuthMode};

use super::{Change, Known, Phr, SignedIn, Tokens, address, contact, otp, uuid};
use crate::{Error, ErrorCode, LoginFlow, Via, login::LoginStep};

pub(super) const LOGIN: &str = "login";

/// What an accepted OTP leads to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "next", content = "value", rename_all = "camelCase")]
pub enum Verified {
    Choose(LoginFlow),
    SignedIn(SignedIn),
}

impl Phr {
    async fn save_login(&self, flow: &LoginFlow) -> Result<(), Error> {
        self.save_flow(&flow.id, LOGIN, flow, flow.expires_at()).await?;
        self.report(Change::Login(flow.clone()));
        Ok(())
    }

    /// A login in progress, as saved: after a restart the UI picks it up here.
    pub async fn login_flow(&self, id: &str) -> Result<LoginFlow, Error> {
        self.load_flow(id, LOGIN).await
    }

    /// Login by mobile or email: ABDM sends an OTP to it.
    pub async fn login_by_contact(&self, raw: &str) -> Result<LoginFlow, Error> {
        let contact = contact(raw)?;
        let via = Via::of(&contact);
        let reply = self.client.login_contact_init(&contact).await?;
        let flow = LoginFlow::otp_sent(uuid(), via, reply.transaction_id, self.clock.now());
        self.save_login(&flow).await?;
        Ok(flow)
    }

    /// Login by ABHA number and year of birth: ABDM sends an OTP to the linked mobile.
    pub async fn login_by_abha_number(&self, raw_number: &str, raw_year: &str) -> Result<LoginFlow, Error> {
        let number = AbhaNumber::parse(raw_number).map_err(|e| Error::input(ErrorCode::InvalidAbhaNumber, e))?;
        let now = self.clock.now();
        let year = YearOfBirth::parse(raw_year, abdm_types::CivilDate::from_unix(now).year)
            .map_err(|e| Error::input(ErrorCode::InvalidYearOfBirth, e))?;
        let modes = self.client.login_abha_number_modes(&number, year).await?.auth_methods;
        let mode = if modes.iter().any(|m| m == AuthMode::MobileOtp.as_str()) {
            AuthMode::MobileOtp
        } else {
            AuthMode::AadhaarOtp
        };
        let reply = self.client.login_abha_number_init(&number, mode).await?;
        let flow = LoginFlow::otp_sent(uuid(), Via::AbhaNumber(number.masked()), reply.transaction_id, now);
        self.save_login(&flow).await?;
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
        self.save_login(&flow).await?;
        Ok(flow)
    }

    /// Checks the OTP. A mobile, email or ABHA-number login moves on to choosing
    /// an address; an address login is signed in.
    pub async fn login_verify_otp(&self, flow_id: &str, raw_otp: &str) -> Result<Verified, Error> {
        let otp = otp(raw_otp)?;
        let flow = self.login_flow(flow_id).await?;
        let transaction = flow.otp_transaction(self.clock.now())?.to_owned();
        if let Via::Address(raw) = &flow.via {
            let reply = self.client.address_auth_confirm(&address(raw)?, &transaction, Credential::Otp(&otp)).await?;
            let tokens = Tokens::new(reply.token, reply.refresh_token);
            return Ok(Verified::SignedIn(self.signed_in(flow_id, tokens, Known::default()).await?));
        }
        let reply = self.client.login_pre_verify(&transaction, &otp).await?;
        let flow = flow.otp_accepted(reply.mapped_phr_address);
        self.save_login(&flow).await?;
        Ok(Verified::Choose(flow))
    }

    /// A new OTP on the same transaction, once a minute has passed since the
    /// last. The guide's resend call takes any transaction it sent an OTP on.
    pub async fn login_resend_otp(&self, flow_id: &str) -> Result<LoginFlow, Error> {
        let flow = self.login_flow(flow_id).await?;
        let transaction = flow.resend_transaction(self.clock.now())?.to_owned();
        let reply = self.client.resend_otp(&transaction).await?;
        let flow = flow.resent(reply.session_id, self.clock.now());
        self.save_login(&flow).await?;
        Ok(flow)
    }

    pub async fn login_with_password(&self, flow_id: &str, raw_password: &str) -> Result<SignedIn, Error> {
        // Any string may be someone's old password; the policy is for new ones.
        let password = Password::parse(raw_password)
            .map_err(|_| Error::input(ErrorCode::OtpInvalid, "the password is not right"))?;
        let flow = self.login_flow(flow_id).await?;
        let transaction = flow.password_transaction()?.to_owned();
        let Via::Address(raw) = &flow.via else {
            return Err(Error::input(ErrorCode::FlowNotFound, "this login does not take a password"));
        };
        let reply =
            self.client.address_auth_confirm(&address(raw)?, &transaction, Credential::Password(&password)).await?;
        self.signed_in(flow_id, Tokens::new(reply.token, reply.refresh_token), Known::default()).await
    }

    /// Logs into one of the addresses the OTP unlocked.
    pub async fn login_choose(&self, flow_id: &str, raw_address: &str) -> Result<SignedIn, Error> {
        let chosen = address(raw_address)?;
        let flow = self.login_flow(flow_id).await?;
        let transaction = flow.choice(&chosen.expose())?.to_owned();
        let known = match &flow.step {
            // The addresses of one ABHA number are one person's; those of a mobile
            // may be a family's, but their number counts towards the limit of 4.
            LoginStep::ChoosingAddress { addresses } => match flow.via {
                Via::AbhaNumber(_) => Known { same_person: addresses.clone(), ..Known::default() },
                Via::Mobile(_) => {
                    Known { on_mobile: Some(addresses.len()), on_contact: Some(addresses.clone()), ..Known::default() }
                }
                Via::Email(_) => Known { on_contact: Some(addresses.clone()), ..Known::default() },
                Via::Address(_) => Known::default(),
            },
            LoginStep::AwaitingOtp { .. } | LoginStep::AwaitingPassword => Known::default(),
        };
        let reply = self.client.login_choose(&transaction, &chosen).await?;
        self.signed_in(flow_id, Tokens::new(reply.token, reply.refresh_token), known).await
    }
}

impl Via {
    /// How a contact is shown back: masked.
    pub(crate) fn of(contact: &Contact) -> Self {
        match contact {
            Contact::Mobile(m) => Via::Mobile(m.masked()),
            Contact::Email(e) => Via::Email(e.masked()),
        }
    }
}
