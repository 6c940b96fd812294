//! The PHR v3 app API behind the methods the flows call ([`crate::phr`]
//! dispatches here when the configuration says `v3`). v3 splits a login
//! differently from v1: the OTP request names its purpose in a `scope`, the
//! verify answers a T-token that the address choice must carry, and a resend
//! is a new request. What a later step needs from an earlier one is kept in
//! [`Transactions`], in memory only: the T-token is a credential.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use abdm_types::{
    AbhaAddress, AbhaNumber, AddressName, Otp, Password, Sensitive,
    phr::{
        AddressAuthModesResponse, AuthMode, AuthModesResponse, CreatePhrAddressResponse, DateOfBirth, KycName,
        KycProfile, LgdEntry, PersonName, PreVerifyResponse, Profile, ResendOtpResponse, SessionResponse,
        TokenResponse, TransactionResponse, ValidateOtpResponse,
    },
    phr_v3::*,
};
use tokio::time::Instant;

use crate::{AbdmClient, AbdmError, Contact, Credential, RegistrationDetails, client::Auth};

const LOGIN_OTP: &str = "login/request/otp";
const ENROL_OTP: &str = "enrollment/request/otp";

/// How long a v3 transaction is remembered: its OTP's ten minutes, with room.
const REMEMBERED: Duration = Duration::from_secs(30 * 60);
/// At most this many at once; the oldest goes first.
const MAX_REMEMBERED: usize = 64;

/// Per transaction id: the OTP request (to send again on a resend, as v3
/// has no resend call), and the T-token a verify answered.
#[derive(Default)]
pub(crate) struct Transactions(Mutex<HashMap<String, Remembered>>);

#[derive(Clone)]
struct Remembered {
    /// `login/request/otp` or `enrollment/request/otp` and what it sent, to
    /// send again; not known after a restart.
    sent: Option<(&'static str, RequestOtp)>,
    transfer: Option<Sensitive<String>>,
    /// A sign-up's profile, sent with the new address at `enrol`.
    details: Option<RegistrationDetails>,
    /// What the ABHA number's OTP revealed, for the address suggestions.
    kyc: Option<AbhaProfile>,
    at: Instant,
}

impl Transactions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Remembered>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn remember(&self, txn: &str, path: &'static str, request: RequestOtp) {
        let mut map = self.lock();
        map.retain(|_, r| r.at.elapsed() < REMEMBERED);
        if map.len() >= MAX_REMEMBERED
            && let Some(oldest) = map.iter().min_by_key(|(_, r)| r.at).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        let remembered =
            Remembered { sent: Some((path, request)), transfer: None, details: None, kyc: None, at: Instant::now() };
        map.insert(txn.to_owned(), remembered);
    }

    /// What was remembered of `txn`, or [`AbdmError::TransactionLost`] (an
    /// app restarted since, or too long ago).
    fn get(&self, txn: &str) -> Result<Remembered, AbdmError> {
        self.lock().get(txn).filter(|r| r.at.elapsed() < REMEMBERED).cloned().ok_or(AbdmError::TransactionLost)
    }

    /// Changes what is remembered of `txn`, starting afresh when nothing is
    /// (a sign-up whose OTP was checked before a restart goes on).
    fn update(&self, txn: &str, change: impl FnOnce(&mut Remembered)) {
        let mut map = self.lock();
        let r = map.entry(txn.to_owned()).or_insert_with(|| Remembered {
            sent: None,
            transfer: None,
            details: None,
            kyc: None,
            at: Instant::now(),
        });
        change(r);
    }

    fn forget(&self, txn: &str) {
        self.lock().remove(txn);
    }
}

/// The transaction as the flows keep it: v3's `txnId` with the scope it was
/// asked with (not a secret), so that the OTP can still be checked after the
/// app restarts. The T-token and the request to resend are not kept there.
fn handle_of(scope: &[String], txn: &str) -> String {
    format!("{}|{txn}", scope.join(","))
}

/// The scope and `txnId` of a handle; a bare `txnId` has no scope.
fn parse_handle(handle: &str) -> (Vec<String>, &str) {
    match handle.split_once('|') {
        Some((scope, txn)) => (scope.split(',').map(str::to_owned).collect(), txn),
        None => (Vec::new(), handle),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn token_response(tokens: Tokens) -> TokenResponse {
    TokenResponse {
        token: tokens.token,
        phr_address: None,
        expires_in: tokens.expires_in.map(|s| s.to_string()),
        refresh_token: tokens.refresh_token,
        refresh_expires_in: tokens.refresh_expires_in.map(|s| s.to_string()),
    }
}

/// The v3 OTP scope for an address login by this mode.
fn address_scope(mode: AuthMode) -> &'static str {
    match mode {
        AuthMode::EmailOtp => SCOPE_EMAIL,
        AuthMode::MobileOtp | AuthMode::AadhaarOtp | AuthMode::Password => SCOPE_MOBILE,
    }
}

impl AbdmClient {
    fn transaction(&self, txn: String, mode: AuthMode) -> TransactionResponse {
        TransactionResponse {
            transaction_id: txn,
            requester_id: self.config().requester_id.clone(),
            auth_mode: mode.as_str().to_owned(),
            error: None,
        }
    }

    /// `POST login/request/otp`; the request (its login id encrypted) is
    /// remembered under the transaction, for the verify and a resend.
    async fn v3_start(
        &self,
        path: &'static str,
        scope: &[&str],
        hint: &str,
        login_id: &str,
        otp_system: &str,
    ) -> Result<String, AbdmError> {
        let sent = std::sync::Mutex::new(None);
        let reply: TxnReply = self
            .post_encrypted(path, Auth::Gateway, |key| {
                let request = RequestOtp {
                    scope: strings(scope),
                    login_hint: hint.to_owned(),
                    login_id: key.encrypt(login_id)?,
                    otp_system: otp_system.to_owned(),
                };
                *sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(request.clone());
                Ok(request)
            })
            .await?;
        if let Some(request) = sent.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
            self.inner_v3().remember(&reply.txn_id, path, request);
        }
        Ok(handle_of(&strings(scope), &reply.txn_id))
    }

    fn inner_v3(&self) -> &Transactions {
        &self.inner.v3
    }

    /// `POST login/verify` with the OTP of the transaction `handle` names.
    async fn v3_verify_otp(&self, path: &str, handle: &str, otp: &str) -> Result<VerifyReply, AbdmError> {
        let (scope, txn) = parse_handle(handle);
        if scope.is_empty() {
            return Err(AbdmError::TransactionLost);
        }
        self.post_encrypted(path, Auth::Gateway, |key| {
            Ok(Verify {
                scope: scope.clone(),
                auth_data: AuthData {
                    auth_methods: strings(&["otp"]),
                    otp: Some(OtpData { txn_id: txn.to_owned(), otp_value: key.encrypt(otp)? }),
                    password: None,
                },
            })
        })
        .await
    }

    pub(crate) async fn v3_login_contact_init(&self, contact: &Contact) -> Result<TransactionResponse, AbdmError> {
        let (scope, hint, id) = match contact {
            Contact::Mobile(m) => (SCOPE_MOBILE, HINT_MOBILE, m.expose()),
            Contact::Email(e) => (SCOPE_EMAIL, HINT_EMAIL, e.expose()),
        };
        let txn = self.v3_start(LOGIN_OTP, &[SCOPE_ADDRESS_LOGIN, scope], hint, id, "abdm").await?;
        Ok(self.transaction(txn, contact.auth_mode()))
    }

    /// v3 offers every ABHA number the same two ways (an OTP to the mobile
    /// ABDM holds, or to the Aadhaar-linked one) and no search by number and
    /// year of birth: the year is not asked of ABDM.
    pub(crate) fn v3_abha_number_modes() -> AuthModesResponse {
        AuthModesResponse {
            auth_methods: strings(&[AuthMode::MobileOtp.as_str(), AuthMode::AadhaarOtp.as_str()]),
            blocked_auth_methods: Vec::new(),
            health_id_number: String::new(),
            status: String::new(),
        }
    }

    pub(crate) async fn v3_login_abha_number_init(
        &self,
        number: &AbhaNumber,
        mode: AuthMode,
    ) -> Result<TransactionResponse, AbdmError> {
        let txn = self.v3_start_by_number(LOGIN_OTP, number, mode).await?;
        Ok(self.transaction(txn, mode))
    }

    /// An OTP for an ABHA number (a login, or a sign-up's KYC): to the mobile
    /// ABDM holds, or to the Aadhaar-linked one.
    async fn v3_start_by_number(
        &self,
        path: &'static str,
        number: &AbhaNumber,
        mode: AuthMode,
    ) -> Result<String, AbdmError> {
        let (scope, system) = match mode {
            AuthMode::AadhaarOtp => (SCOPE_AADHAAR, "aadhaar"),
            AuthMode::MobileOtp | AuthMode::EmailOtp | AuthMode::Password => (SCOPE_MOBILE, "abdm"),
        };
        self.v3_start(path, &[SCOPE_ABHA_LOGIN, scope], HINT_ABHA_NUMBER, &number.hyphenated(), system).await
    }

    /// The addresses the OTP unlocked; their T-token is kept (in memory) for the choice.
    pub(crate) async fn v3_login_pre_verify(&self, handle: &str, otp: &str) -> Result<PreVerifyResponse, AbdmError> {
        let reply = self.v3_verify_otp("login/verify", handle, otp).await?;
        let transfer = Sensitive::new(reply.tokens.token);
        self.inner_v3().update(parse_handle(handle).1, |r| r.transfer = Some(transfer));
        Ok(PreVerifyResponse {
            mapped_phr_address: reply.users.into_iter().map(|u| u.abha_address).collect(),
            mobile_email: String::new(),
            requester_id: self.config().requester_id.clone(),
            transaction_id: handle.to_owned(),
        })
    }

    /// `POST login/verify/user` with the T-token.
    pub(crate) async fn v3_login_choose(
        &self,
        handle: &str,
        address: &AbhaAddress,
    ) -> Result<TokenResponse, AbdmError> {
        let txn = parse_handle(handle).1;
        let transfer = self.inner_v3().get(txn)?.transfer.ok_or(AbdmError::TransactionLost)?;
        let request = VerifyUser { abha_address: address.expose(), txn_id: txn.to_owned() };
        let tokens: Tokens = self.post("login/verify/user", Auth::TToken(&transfer), &request).await?;
        self.inner_v3().forget(txn);
        Ok(token_response(tokens))
    }

    /// `POST login/search`: how the address can log in.
    pub(crate) async fn v3_address_auth_modes(
        &self,
        address: &AbhaAddress,
    ) -> Result<AddressAuthModesResponse, AbdmError> {
        let reply: SearchReply =
            self.post("login/search", Auth::Gateway, &Search { abha_address: address.expose() }).await?;
        Ok(AddressAuthModesResponse { auth_methods: reply.auth_methods, phr_address: reply.abha_address })
    }

    /// An OTP to the address's mobile or email; a password login has no
    /// step before the password in v3, so its transaction is this app's own.
    pub(crate) async fn v3_address_auth_init(
        &self,
        address: &AbhaAddress,
        mode: AuthMode,
    ) -> Result<TransactionResponse, AbdmError> {
        let txn = match mode {
            AuthMode::Password => uuid::Uuid::new_v4().to_string(),
            otp => {
                self.v3_start(
                    LOGIN_OTP,
                    &[SCOPE_ADDRESS_LOGIN, address_scope(otp)],
                    HINT_ADDRESS,
                    &address.expose(),
                    "abdm",
                )
                .await?
            }
        };
        Ok(self.transaction(txn, mode))
    }

    pub(crate) async fn v3_address_auth_confirm(
        &self,
        address: &AbhaAddress,
        handle: &str,
        credential: Credential<'_>,
    ) -> Result<TokenResponse, AbdmError> {
        let reply = match credential {
            Credential::Otp(otp) => self.v3_verify_otp("login/verify", handle, otp.expose()).await?,
            Credential::Password(password) => {
                self.post_encrypted("login/verify", Auth::Gateway, |key| {
                    Ok(Verify {
                        scope: strings(&[SCOPE_ADDRESS_LOGIN, SCOPE_PASSWORD]),
                        auth_data: AuthData {
                            auth_methods: strings(&["password"]),
                            otp: None,
                            password: Some(PasswordData {
                                abha_address: address.expose(),
                                password: key.encrypt(password.expose())?,
                            }),
                        },
                    })
                })
                .await?
            }
        };
        self.inner_v3().forget(parse_handle(handle).1);
        Ok(token_response(reply.tokens))
    }

    /// v3 has no resend: the same request again, which answers a new
    /// transaction (the session to go on with).
    pub(crate) async fn v3_resend_otp(&self, handle: &str) -> Result<ResendOtpResponse, AbdmError> {
        let txn = parse_handle(handle).1;
        let (path, request) = self.inner_v3().get(txn)?.sent.ok_or(AbdmError::TransactionLost)?;
        let reply: TxnReply = self.post(path, Auth::Gateway, &request).await?;
        self.inner_v3().forget(txn);
        let next = handle_of(&request.scope, &reply.txn_id);
        self.inner_v3().remember(&reply.txn_id, path, request);
        Ok(ResendOtpResponse { success: true, session_id: next })
    }

    /// `GET login/profile`, read into the v1 profile the flows know.
    pub(crate) async fn v3_profile(&self, token: &Sensitive<String>) -> Result<Profile, AbdmError> {
        let p: abdm_types::phr_v3::Profile = self.get("login/profile", Auth::XToken(token), &[]).await?;
        let number = |raw: Option<String>| raw.and_then(|s| s.trim().parse::<u8>().ok());
        let year = p.year_of_birth.trim().parse().unwrap_or_default();
        let full_name = if p.full_name.is_empty() {
            [Some(p.first_name.clone()), p.middle_name.clone(), p.last_name.clone()]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            p.full_name
        };
        Ok(Profile {
            has_password: p.auth_methods.iter().any(|m| m == AuthMode::Password.as_str()),
            id: p.abha_address,
            full_name,
            name: PersonName { first: p.first_name, middle: p.middle_name, last: p.last_name },
            gender: p.gender,
            date_of_birth: DateOfBirth { date: number(p.day_of_birth), month: number(p.month_of_birth), year },
            health_id: p.abha_number.filter(|n| !n.is_empty()),
            mobile: p.mobile,
            email: p.email,
            address: p.address,
            state_name: p.state_name,
            state_code: p.state_code,
            district_name: p.district_name,
            district_code: p.district_code,
            pincode: p.pin_code,
            kyc_status: p.kyc_status,
            profile_photo: p.profile_photo,
        })
    }

    /// `GET login/profile/request/token` with the R-token.
    pub(crate) async fn v3_refresh(&self, refresh: &Sensitive<String>) -> Result<TokenResponse, AbdmError> {
        let tokens: Tokens = self.get_once("login/profile/request/token", Auth::RToken(refresh)).await?;
        Ok(token_response(tokens))
    }

    /// `GET login/profile/request/logout` with the X-token: ends the sign-in,
    /// refresh token and all.
    pub(crate) async fn v3_logout(&self, token: &Sensitive<String>) -> Result<(), AbdmError> {
        let _: serde_json::Value = self.get_once("login/profile/request/logout", Auth::XToken(token)).await?;
        Ok(())
    }

    // ---- Sign-up (`enrollment/...`) ----

    pub(crate) async fn v3_generate_otp(&self, contact: &Contact) -> Result<SessionResponse, AbdmError> {
        let (scope, hint, id) = match contact {
            Contact::Mobile(m) => (SCOPE_MOBILE, HINT_MOBILE, m.expose()),
            Contact::Email(e) => (SCOPE_EMAIL, HINT_EMAIL, e.expose()),
        };
        let session_id = self.v3_start(ENROL_OTP, &[SCOPE_ADDRESS_ENROL, scope], hint, id, "abdm").await?;
        Ok(SessionResponse { session_id })
    }

    pub(crate) async fn v3_kyc_auth_init(
        &self,
        number: &AbhaNumber,
        mode: AuthMode,
    ) -> Result<SessionResponse, AbdmError> {
        let session_id = self.v3_start_by_number(ENROL_OTP, number, mode).await?;
        Ok(SessionResponse { session_id })
    }

    /// `enrollment/verify`: the addresses already there (and a T-token to log into one).
    async fn v3_enrol_verify(&self, handle: &str, otp: &Otp) -> Result<VerifyReply, AbdmError> {
        let reply = self.v3_verify_otp("enrollment/verify", handle, otp.expose()).await?;
        let (transfer, kyc) = (Sensitive::new(reply.tokens.token.clone()), reply.abha_profile.clone());
        self.inner_v3().update(parse_handle(handle).1, |r| {
            r.transfer = Some(transfer);
            r.kyc = kyc;
        });
        Ok(reply)
    }

    pub(crate) async fn v3_validate_otp(&self, handle: &str, otp: &Otp) -> Result<ValidateOtpResponse, AbdmError> {
        let reply = self.v3_enrol_verify(handle, otp).await?;
        Ok(ValidateOtpResponse {
            mapped_phr_address: reply.users.into_iter().map(|u| u.abha_address).collect(),
            session_id: handle.to_owned(),
        })
    }

    /// The KYC profile of an ABHA number's sign-up, read into v1's shape.
    pub(crate) async fn v3_kyc_confirm(&self, handle: &str, otp: &Otp) -> Result<KycProfile, AbdmError> {
        let reply = self.v3_enrol_verify(handle, otp).await?;
        let p = reply.abha_profile.ok_or_else(|| AbdmError::Missing("ABHAProfile"))?;
        let mut dob = p.dob.split('-').map(|part| part.trim().parse::<u16>().ok());
        let (day, month, year) = (dob.next().flatten(), dob.next().flatten(), dob.next().flatten());
        Ok(KycProfile {
            session_id: handle.to_owned(),
            name: KycName { first_name: p.first_name, middle_name: p.middle_name, last_name: p.last_name },
            gender: p.gender,
            date_of_birth: DateOfBirth {
                date: day.and_then(|d| u8::try_from(d).ok()),
                month: month.and_then(|m| u8::try_from(m).ok()),
                year: year.unwrap_or_default(),
            },
            health_id_number: p.abha_number,
            state_name: p.state_name,
            state_code: p.state_code,
            district_code: p.district_code,
            district_name: p.district_name,
            pincode: p.pin_code,
            aadhaar_verified: true,
            profile_photo: p.photo.clone(),
            auth_methods: Vec::new(),
            email: p.email,
            mobile: p.mobile,
            kyc_photo: p.photo,
            phr_address: p.phr_address,
            tags: Default::default(),
        })
    }

    /// v3 takes the profile with the new address at `enrol`: kept until then.
    pub(crate) fn v3_registration_details(
        &self,
        handle: &str,
        details: &RegistrationDetails,
    ) -> Result<SessionResponse, AbdmError> {
        let txn = parse_handle(handle).1;
        let details = details.clone();
        self.inner_v3().update(txn, |r| r.details = Some(details));
        Ok(SessionResponse { session_id: handle.to_owned() })
    }

    /// `enrollment/suggestion`, for the names kept (or the KYC profile's).
    pub(crate) async fn v3_suggestions(&self, handle: &str) -> Result<Vec<String>, AbdmError> {
        let txn = parse_handle(handle).1;
        let remembered = self.inner_v3().get(txn)?;
        let two = |n: Option<u8>| n.map(|n| format!("{n:02}")).unwrap_or_default();
        let request = match (&remembered.details, &remembered.kyc) {
            (Some(d), _) => Suggest {
                txn_id: txn.to_owned(),
                first_name: d.first_name.clone(),
                last_name: d.last_name.clone().unwrap_or_default(),
                day_of_birth: two(d.day_of_birth),
                month_of_birth: two(d.month_of_birth),
                year_of_birth: d.year_of_birth.get().to_string(),
                email: String::new(),
            },
            (None, Some(k)) => {
                let mut dob = k.dob.split('-').map(str::to_owned);
                let (day, month, year) = (dob.next(), dob.next(), dob.next());
                Suggest {
                    txn_id: txn.to_owned(),
                    first_name: k.first_name.clone(),
                    last_name: k.last_name.clone().unwrap_or_default(),
                    day_of_birth: day.unwrap_or_default(),
                    month_of_birth: month.unwrap_or_default(),
                    year_of_birth: year.unwrap_or_default(),
                    email: String::new(),
                }
            }
            (None, None) => return Err(AbdmError::TransactionLost),
        };
        let reply: SuggestReply = self.post("enrollment/suggestion", Auth::Gateway, &request).await?;
        // The flows add the suffix; v3 may already have.
        Ok(reply.abha_address_list.into_iter().map(|a| a.split('@').next().unwrap_or_default().to_owned()).collect())
    }

    pub(crate) async fn v3_is_address_taken(&self, address: &AbhaAddress) -> Result<bool, AbdmError> {
        self.get("enrollment/isExists", Auth::Gateway, &[("abhaAddress", &address.expose())]).await
    }

    pub(crate) async fn v3_lgd(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<LgdEntry>, AbdmError> {
        self.get(path, Auth::Gateway, query).await
    }

    /// A new address at `enrol` (with the kept profile, or none for an ABHA
    /// number's, which ABDM has), or one the contact or number already had,
    /// through `login/verify/user` with the T-token.
    pub(crate) async fn v3_create_address(
        &self,
        handle: &str,
        name: &AddressName,
        password: Option<&Password>,
        already_existed: bool,
    ) -> Result<CreatePhrAddressResponse, AbdmError> {
        let txn = parse_handle(handle).1;
        let remembered = self.inner_v3().get(txn)?;
        let address = format!("{name}@{}", self.config().cm_suffix);
        if already_existed {
            let transfer = remembered.transfer.ok_or(AbdmError::TransactionLost)?;
            let request = VerifyUser { abha_address: address.clone(), txn_id: txn.to_owned() };
            let tokens: Tokens = self.post("login/verify/user", Auth::TToken(&transfer), &request).await?;
            self.inner_v3().forget(txn);
            return Ok(CreatePhrAddressResponse { phr_address: address, token: tokens.token });
        }
        if remembered.details.is_none() && remembered.kyc.is_none() {
            return Err(AbdmError::TransactionLost);
        }
        let two = |n: Option<u8>| n.map(|n| format!("{n:02}")).unwrap_or_default();
        let reply: EnrolReply = self
            .post_encrypted("enrollment/enrol", Auth::Gateway, |key| {
                let encrypt = |plain: Option<&str>| plain.map(|p| key.encrypt(p).map(|e| e.0)).transpose();
                let mut details = PhrDetails {
                    abha_address: name.to_string(),
                    password: encrypt(password.map(|p| p.expose()))?.unwrap_or_default(),
                    ..PhrDetails::default()
                };
                if let Some(d) = &remembered.details {
                    details = PhrDetails {
                        first_name: d.first_name.clone(),
                        middle_name: d.middle_name.clone().unwrap_or_default(),
                        last_name: d.last_name.clone().unwrap_or_default(),
                        day_of_birth: two(d.day_of_birth),
                        month_of_birth: two(d.month_of_birth),
                        year_of_birth: d.year_of_birth.get().to_string(),
                        gender: d.gender.code().to_owned(),
                        email: encrypt(d.email.as_ref().map(|e| e.expose()))?.unwrap_or_default(),
                        mobile: encrypt(d.mobile.as_ref().map(|m| m.expose()))?.unwrap_or_default(),
                        address: d.address.clone(),
                        state_code: d.state.to_string(),
                        district_code: d.district.to_string(),
                        pin_code: d.pincode.to_string(),
                        ..details
                    };
                }
                Ok(Enrol { txn_id: txn.to_owned(), phr_details: details })
            })
            .await?;
        self.inner_v3().forget(txn);
        Ok(CreatePhrAddressResponse { phr_address: address, token: reply.tokens.token })
    }

    /// `login/profile/verify` with `password-verify`: the signed-in address's new password.
    pub(crate) async fn v3_reset_password(
        &self,
        token: &Sensitive<String>,
        password: &Password,
    ) -> Result<(), AbdmError> {
        let profile = self.v3_profile(token).await?;
        let _: serde_json::Value = self
            .post_encrypted("login/profile/verify", Auth::XToken(token), |key| {
                Ok(Verify {
                    scope: strings(&[SCOPE_PROFILE, SCOPE_PASSWORD]),
                    auth_data: AuthData {
                        auth_methods: strings(&["password"]),
                        otp: None,
                        password: Some(PasswordData {
                            abha_address: profile.id.clone(),
                            password: key.encrypt(password.expose())?,
                        }),
                    },
                })
            })
            .await?;
        Ok(())
    }
}
