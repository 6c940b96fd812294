//! One method per step of the PHR app API, as the guide's v1 names them; on v3
//! each answers through [`crate::phr_v3`]. Inputs are validated types, so a
//! malformed mobile or OTP cannot reach the network; credentials are encrypted
//! here and nowhere else.

use abdm_types::{
    AbhaAddress, AbhaNumber, AddressName, DistrictCode, Email, Gender, Mobile, Otp, Password, Pincode, Sensitive,
    StateCode, YearOfBirth, phr::*,
};

use crate::{AbdmClient, AbdmError, PhrApi, client::Auth};

/// Where an OTP goes: a mobile number or an email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Mobile(Mobile),
    Email(Email),
}

impl Contact {
    pub fn auth_mode(&self) -> AuthMode {
        match self {
            Contact::Mobile(_) => AuthMode::MobileOtp,
            Contact::Email(_) => AuthMode::EmailOtp,
        }
    }

    fn expose(&self) -> &str {
        match self {
            Contact::Mobile(m) => m.expose(),
            Contact::Email(e) => e.expose(),
        }
    }
}

/// The self-declared profile of a sign-up by mobile or email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationDetails {
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub gender: Gender,
    pub day_of_birth: Option<u8>,
    pub month_of_birth: Option<u8>,
    pub year_of_birth: YearOfBirth,
    pub state: StateCode,
    pub district: DistrictCode,
    pub pincode: Pincode,
    pub address: String,
    pub email: Option<Email>,
    pub mobile: Option<Mobile>,
}

/// The secret of a login by ABHA address.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    Otp(&'a Otp),
    Password(&'a Password),
}

impl Credential<'_> {
    fn expose(&self) -> &str {
        match self {
            Credential::Otp(otp) => otp.expose(),
            Credential::Password(password) => password.expose(),
        }
    }
}

impl AbdmClient {
    fn v3(&self) -> bool {
        self.config().api == PhrApi::V3
    }

    fn requester(&self) -> Requester {
        Requester::phr(self.config().requester_id.clone())
    }

    fn hid_auth_init(&self, number: &AbhaNumber, mode: AuthMode) -> HidAuthInitRequest {
        HidAuthInitRequest {
            health_id_number: number.hyphenated(),
            purpose: PURPOSE_CM_ACCESS.to_owned(),
            auth_mode: mode,
            requester: self.requester(),
        }
    }

    // ---- Registration by mobile or email ----

    /// `POST /v1/apps/generate/otp`: sends an OTP to the mobile or email.
    pub async fn generate_otp(&self, contact: &Contact) -> Result<SessionResponse, AbdmError> {
        if self.v3() {
            return self.v3_generate_otp(contact).await;
        }
        self.post_encrypted("v1/apps/generate/otp", Auth::Gateway, |key| {
            Ok(GenerateOtpRequest { value: key.encrypt(contact.expose())?, auth_mode: contact.auth_mode() })
        })
        .await
    }

    /// `POST /v1/apps/resend/otp`
    pub async fn resend_otp(&self, session_id: &str) -> Result<ResendOtpResponse, AbdmError> {
        if self.v3() {
            return self.v3_resend_otp(session_id).await;
        }
        self.post("v1/apps/resend/otp", Auth::Gateway, &ResendOtpRequest { session_id: session_id.to_owned() }).await
    }

    /// `POST /v1/apps/validate/otp`: answers the addresses already on the mobile or email.
    pub async fn validate_otp(&self, session_id: &str, otp: &Otp) -> Result<ValidateOtpResponse, AbdmError> {
        if self.v3() {
            return self.v3_validate_otp(session_id, otp).await;
        }
        self.post_encrypted("v1/apps/validate/otp", Auth::Gateway, |key| {
            Ok(ValidateOtpRequest { value: key.encrypt(otp.expose())?, session_id: session_id.to_owned() })
        })
        .await
    }

    /// `POST /v1/apps/registration/details`
    pub async fn registration_details(
        &self,
        session_id: &str,
        details: &RegistrationDetails,
    ) -> Result<SessionResponse, AbdmError> {
        if self.v3() {
            return self.v3_registration_details(session_id, details);
        }
        self.post_encrypted("v1/apps/registration/details", Auth::Gateway, |key| {
            Ok(RegistrationDetailsRequest {
                session_id: session_id.to_owned(),
                name: PersonName {
                    first: details.first_name.clone(),
                    middle: details.middle_name.clone(),
                    last: details.last_name.clone(),
                },
                date_of_birth: DateOfBirth {
                    date: details.day_of_birth,
                    month: details.month_of_birth,
                    year: details.year_of_birth.get(),
                },
                gender: details.gender.code().to_owned(),
                state_code: details.state.to_string(),
                district_code: details.district.to_string(),
                email: details.email.as_ref().map(|e| key.encrypt(e.expose())).transpose()?,
                mobile: details.mobile.as_ref().map(|m| key.encrypt(m.expose())).transpose()?,
                country_code: Some("+91".to_owned()),
                pin_code: details.pincode.to_string(),
                address: details.address.clone(),
            })
        })
        .await
    }

    /// `POST /v1/apps/phr/suggestion`: free names (without suffix) for this person.
    pub async fn suggestions(&self, session_id: &str) -> Result<Vec<String>, AbdmError> {
        if self.v3() {
            return self.v3_suggestions(session_id).await;
        }
        self.post("v1/apps/phr/suggestion", Auth::Gateway, &SuggestionRequest { session_id: session_id.to_owned() })
            .await
    }

    /// `GET /v1/apps/phrAddress/isExist`: whether the address is taken.
    pub async fn is_address_taken(&self, address: &AbhaAddress) -> Result<bool, AbdmError> {
        if self.v3() {
            return self.v3_is_address_taken(address).await;
        }
        self.get("v1/apps/phrAddress/isExist", Auth::Gateway, &[("phrAddress", &address.expose())]).await
    }

    /// `GET /v1/apps/location/states`: the LGD states for the profile form.
    pub async fn lgd_states(&self) -> Result<Vec<LgdEntry>, AbdmError> {
        if self.v3() {
            return self.v3_lgd("enrollment/lgd/state", &[]).await;
        }
        self.get("v1/apps/location/states", Auth::Gateway, &[]).await
    }

    /// `GET /v1/apps/location/districts?stateCode=`: the LGD districts of one state.
    pub async fn lgd_districts(&self, state: StateCode) -> Result<Vec<LgdEntry>, AbdmError> {
        if self.v3() {
            return self.v3_lgd("enrollment/lgd/district", &[("stateCode", &state.get().to_string())]).await;
        }
        self.get("v1/apps/location/districts", Auth::Gateway, &[("stateCode", &state.get().to_string())]).await
    }

    /// `POST /v1/apps/create/phrAddress`: the new address and the user's token.
    pub async fn create_address(
        &self,
        session_id: &str,
        name: &AddressName,
        password: Option<&Password>,
        already_existed: bool,
    ) -> Result<CreatePhrAddressResponse, AbdmError> {
        if self.v3() {
            return self.v3_create_address(session_id, name, password, already_existed).await;
        }
        self.create("v1/apps/create/phrAddress", session_id, name, password, already_existed).await
    }

    async fn create(
        &self,
        path: &str,
        session_id: &str,
        name: &AddressName,
        password: Option<&Password>,
        already_existed: bool,
    ) -> Result<CreatePhrAddressResponse, AbdmError> {
        self.post_encrypted(path, Auth::Gateway, |key| {
            Ok(CreatePhrAddressRequest {
                already_existed_phr: already_existed,
                password: password.map(|p| key.encrypt(p.expose())).transpose()?,
                phr_address: format!("{name}@{}", self.config().cm_suffix),
                session_id: session_id.to_owned(),
            })
        })
        .await
    }

    // ---- Registration by ABHA number ----

    /// `POST /v1/apps/registration/hid/search/auth-mode`
    pub async fn kyc_auth_modes(&self, number: &AbhaNumber) -> Result<AuthModesResponse, AbdmError> {
        if self.v3() {
            return Ok(Self::v3_abha_number_modes());
        }
        let request = HidSearchRequest { health_id_number: number.hyphenated() };
        self.post("v1/apps/registration/hid/search/auth-mode", Auth::Gateway, &request).await
    }

    /// `POST /v1/apps/registration/hid/auth-init`: sends an OTP (Aadhaar- or ABHA-linked mobile).
    pub async fn kyc_auth_init(&self, number: &AbhaNumber, mode: AuthMode) -> Result<SessionResponse, AbdmError> {
        if self.v3() {
            return self.v3_kyc_auth_init(number, mode).await;
        }
        let request = self.hid_auth_init(number, mode);
        self.post("v1/apps/registration/hid/auth-init", Auth::Gateway, &request).await
    }

    /// `POST /v1/apps/registration/hid/confirm-init`: the verified KYC profile.
    pub async fn kyc_confirm(&self, session_id: &str, otp: &Otp) -> Result<KycProfile, AbdmError> {
        if self.v3() {
            return self.v3_kyc_confirm(session_id, otp).await;
        }
        self.post_encrypted("v1/apps/registration/hid/confirm-init", Auth::Gateway, |key| {
            Ok(HidConfirmInitRequest { session_id: session_id.to_owned(), value: key.encrypt(otp.expose())? })
        })
        .await
    }

    /// `POST /v1/apps/create/registration/hid/create/phrAddress`
    pub async fn kyc_create_address(
        &self,
        session_id: &str,
        name: &AddressName,
        password: Option<&Password>,
        already_existed: bool,
    ) -> Result<CreatePhrAddressResponse, AbdmError> {
        if self.v3() {
            return self.v3_create_address(session_id, name, password, already_existed).await;
        }
        self.create("v1/apps/create/registration/hid/create/phrAddress", session_id, name, password, already_existed)
            .await
    }

    // ---- Login by mobile or email ----

    /// `POST /v1/apps/login/mobileEmail/auth-init`
    pub async fn login_contact_init(&self, contact: &Contact) -> Result<TransactionResponse, AbdmError> {
        if self.v3() {
            return self.v3_login_contact_init(contact).await;
        }
        self.post_encrypted("v1/apps/login/mobileEmail/auth-init", Auth::Gateway, |key| {
            Ok(MobileEmailAuthInitRequest {
                value: key.encrypt(contact.expose())?,
                purpose: PURPOSE_CM_ACCESS.to_owned(),
                auth_mode: contact.auth_mode(),
                requester: self.requester(),
            })
        })
        .await
    }

    /// `POST /v1/apps/login/mobileEmail/pre-Verify`: the addresses to choose from.
    /// Also the second step of a login by ABHA number.
    pub async fn login_pre_verify(&self, transaction_id: &str, otp: &Otp) -> Result<PreVerifyResponse, AbdmError> {
        if self.v3() {
            return self.v3_login_pre_verify(transaction_id, otp.expose()).await;
        }
        self.post_encrypted("v1/apps/login/mobileEmail/pre-Verify", Auth::Gateway, |key| {
            Ok(PreVerifyRequest {
                transaction_id: transaction_id.to_owned(),
                auth_code: key.encrypt(otp.expose())?,
                requester_id: self.config().requester_id.clone(),
            })
        })
        .await
    }

    /// `POST /v1/apps/login/mobileEmail/auth-confirm`: the token for the chosen address.
    pub async fn login_choose(&self, transaction_id: &str, address: &AbhaAddress) -> Result<TokenResponse, AbdmError> {
        if self.v3() {
            return self.v3_login_choose(transaction_id, address).await;
        }
        let request = MobileEmailAuthConfirmRequest {
            patient_id: address.expose(),
            transaction_id: transaction_id.to_owned(),
            requester_id: self.config().requester_id.clone(),
        };
        self.post("v1/apps/login/mobileEmail/auth-confirm", Auth::Gateway, &request).await
    }

    // ---- Login by ABHA number ----

    /// `POST /v1/apps/login/hid/search/auth-mode`
    pub async fn login_abha_number_modes(
        &self,
        number: &AbhaNumber,
        year_of_birth: YearOfBirth,
    ) -> Result<AuthModesResponse, AbdmError> {
        if self.v3() {
            return Ok(Self::v3_abha_number_modes());
        }
        let request = LoginHidSearchRequest {
            health_id_number: number.hyphenated(),
            year_of_birth: year_of_birth.get().to_string(),
        };
        self.post("v1/apps/login/hid/search/auth-mode", Auth::Gateway, &request).await
    }

    /// `POST /v1/apps/login/hid/auth-init`; continue with [`Self::login_pre_verify`].
    pub async fn login_abha_number_init(
        &self,
        number: &AbhaNumber,
        mode: AuthMode,
    ) -> Result<TransactionResponse, AbdmError> {
        if self.v3() {
            return self.v3_login_abha_number_init(number, mode).await;
        }
        let request = self.hid_auth_init(number, mode);
        self.post("v1/apps/login/hid/auth-init", Auth::Gateway, &request).await
    }

    // ---- Login by ABHA address ----

    /// `GET /v1/apps/phrAddress/search/auth-mode`
    pub async fn address_auth_modes(&self, address: &AbhaAddress) -> Result<AddressAuthModesResponse, AbdmError> {
        if self.v3() {
            return self.v3_address_auth_modes(address).await;
        }
        self.get("v1/apps/phrAddress/search/auth-mode", Auth::Gateway, &[("phrAddress", &address.expose())]).await
    }

    /// `POST /v1/apps/phrAddress/auth-init`: sends the OTP, or readies a password check.
    pub async fn address_auth_init(
        &self,
        address: &AbhaAddress,
        mode: AuthMode,
    ) -> Result<TransactionResponse, AbdmError> {
        if self.v3() {
            return self.v3_address_auth_init(address, mode).await;
        }
        let request = AddressAuthInitRequest {
            patient_id: address.expose(),
            purpose: PURPOSE_CM_ACCESS.to_owned(),
            auth_mode: mode,
            requester: self.requester(),
        };
        self.post("v1/apps/phrAddress/auth-init", Auth::Gateway, &request).await
    }

    /// `POST /v1/apps/phrAddress/auth-confirm` (v3 names the address again
    /// with a password).
    pub async fn address_auth_confirm(
        &self,
        address: &AbhaAddress,
        transaction_id: &str,
        credential: Credential<'_>,
    ) -> Result<TokenResponse, AbdmError> {
        if self.v3() {
            return self.v3_address_auth_confirm(address, transaction_id, credential).await;
        }
        self.post_encrypted("v1/apps/phrAddress/auth-confirm", Auth::Gateway, |key| {
            Ok(AddressAuthConfirmRequest {
                transaction_id: transaction_id.to_owned(),
                auth_code: key.encrypt(credential.expose())?,
                requester_id: self.config().requester_id.clone(),
            })
        })
        .await
    }

    // ---- Signed-in calls ----

    /// `GET /v1/apps/profile/me`
    pub async fn profile(&self, token: &Sensitive<String>) -> Result<Profile, AbdmError> {
        if self.v3() {
            return self.v3_profile(token).await;
        }
        self.get("v1/apps/profile/me", Auth::User(token), &[]).await
    }

    /// `POST /v1/apps/patients/profile/reset-password`
    pub async fn reset_password(&self, token: &Sensitive<String>, password: &Password) -> Result<(), AbdmError> {
        if self.v3() {
            return self.v3_reset_password(token, password).await;
        }
        let _: SuccessResponse = self
            .post_encrypted("v1/apps/patients/profile/reset-password", Auth::User(token), |key| {
                Ok(ResetPasswordRequest { password: key.encrypt(password.expose())? })
            })
            .await?;
        Ok(())
    }

    /// `POST /v1/apps/token/refresh`: a new token pair; the old refresh token is spent.
    pub async fn refresh(&self, refresh_token: &Sensitive<String>) -> Result<TokenResponse, AbdmError> {
        if self.v3() {
            return self.v3_refresh(refresh_token).await;
        }
        let request = RefreshTokenRequest { refresh_token: refresh_token.expose().clone() };
        self.post("v1/apps/token/refresh", Auth::Gateway, &request).await
    }

    /// `POST /logout`: ends the session at ABDM (both tokens stop working).
    pub async fn logout(&self, token: &Sensitive<String>, refresh_token: &Sensitive<String>) -> Result<(), AbdmError> {
        if self.v3() {
            return self.v3_logout(token).await;
        }
        let request = RefreshTokenRequest { refresh_token: refresh_token.expose().clone() };
        let _: SuccessResponse = self.post("logout", Auth::User(token), &request).await?;
        Ok(())
    }

    /// `POST /v1/account/update/phr-address`: adds an address to the signed-in
    /// person; answers the new address.
    pub async fn add_address(&self, token: &Sensitive<String>, name: &AddressName) -> Result<String, AbdmError> {
        // v3 has no call that adds an address to a signed-in person: its app
        // signs up again with the same mobile (the README says so).
        if self.v3() {
            return Err(AbdmError::NotInGeneration {
                api: "v3",
                what: "call that adds an address to a signed-in person",
            });
        }
        let request = UpdatePhrAddressRequest { phr_address: format!("{name}@{}", self.config().cm_suffix) };
        self.post("v1/account/update/phr-address", Auth::XToken(token), &request).await
    }
}
