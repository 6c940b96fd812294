//! The PHR v3 app API behind the methods the flows call ([`crate::phr`]
//! dispatches here when the configuration says `v3`). v3 splits a login
//! differently from v1: the OTP request names its purpose in a `scope`, the
//! verify answers a T-token that the address choice must carry, and a resend
//! is a new request. What a later step needs from an earlier one is kept in
//! [`Transactions`], in memory only: the T-token is a credential.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use abdm_types::{
    AbhaAddress, AbhaNumber, Sensitive,
    phr::{
        AddressAuthModesResponse, AuthMode, AuthModesResponse, DateOfBirth, PersonName, PreVerifyResponse, Profile,
        ResendOtpResponse, TokenResponse, TransactionResponse,
    },
    phr_v3::*,
};
use tokio::time::Instant;

use crate::{AbdmClient, AbdmError, Contact, Credential, client::Auth};

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
    request: RequestOtp,
    transfer: Option<Sensitive<String>>,
    at: Instant,
}

impl Transactions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Remembered>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn remember(&self, txn: &str, request: RequestOtp) {
        let mut map = self.lock();
        map.retain(|_, r| r.at.elapsed() < REMEMBERED);
        if map.len() >= MAX_REMEMBERED
            && let Some(oldest) = map.iter().min_by_key(|(_, r)| r.at).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(txn.to_owned(), Remembered { request, transfer: None, at: Instant::now() });
    }

    /// What was remembered of `txn`, or [`AbdmError::TransactionLost`] (an
    /// app restarted since, or too long ago).
    fn get(&self, txn: &str) -> Result<Remembered, AbdmError> {
        self.lock().get(txn).filter(|r| r.at.elapsed() < REMEMBERED).cloned().ok_or(AbdmError::TransactionLost)
    }

    fn set_transfer(&self, txn: &str, token: Sensitive<String>) {
        if let Some(r) = self.lock().get_mut(txn) {
            r.transfer = Some(token);
        }
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
        scope: &[&str],
        hint: &str,
        login_id: &str,
        otp_system: &str,
    ) -> Result<String, AbdmError> {
        let sent = std::sync::Mutex::new(None);
        let reply: TxnReply = self
            .post_encrypted("login/request/otp", Auth::Gateway, |key| {
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
            self.inner_v3().remember(&reply.txn_id, request);
        }
        Ok(handle_of(&strings(scope), &reply.txn_id))
    }

    fn inner_v3(&self) -> &Transactions {
        &self.inner.v3
    }

    /// `POST login/verify` with the OTP of the transaction `handle` names.
    async fn v3_verify_otp(&self, handle: &str, otp: &str) -> Result<VerifyReply, AbdmError> {
        let (scope, txn) = parse_handle(handle);
        if scope.is_empty() {
            return Err(AbdmError::TransactionLost);
        }
        self.post_encrypted("login/verify", Auth::Gateway, |key| {
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
        let txn = self.v3_start(&[SCOPE_ADDRESS_LOGIN, scope], hint, id, "abdm").await?;
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
        let (scope, system) = match mode {
            AuthMode::AadhaarOtp => (SCOPE_AADHAAR, "aadhaar"),
            AuthMode::MobileOtp | AuthMode::EmailOtp | AuthMode::Password => (SCOPE_MOBILE, "abdm"),
        };
        let txn = self.v3_start(&[SCOPE_ABHA_LOGIN, scope], HINT_ABHA_NUMBER, &number.hyphenated(), system).await?;
        Ok(self.transaction(txn, mode))
    }

    /// The addresses the OTP unlocked; their T-token is kept (in memory) for the choice.
    pub(crate) async fn v3_login_pre_verify(&self, handle: &str, otp: &str) -> Result<PreVerifyResponse, AbdmError> {
        let reply = self.v3_verify_otp(handle, otp).await?;
        self.inner_v3().set_transfer(parse_handle(handle).1, Sensitive::new(reply.tokens.token));
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
                self.v3_start(&[SCOPE_ADDRESS_LOGIN, address_scope(otp)], HINT_ADDRESS, &address.expose(), "abdm")
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
            Credential::Otp(otp) => self.v3_verify_otp(handle, otp.expose()).await?,
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
        let remembered = self.inner_v3().get(txn)?;
        let reply: TxnReply = self.post("login/request/otp", Auth::Gateway, &remembered.request).await?;
        self.inner_v3().forget(txn);
        let next = handle_of(&remembered.request.scope, &reply.txn_id);
        self.inner_v3().remember(&reply.txn_id, remembered.request);
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
}
