//! The PHR v3 app API (`/abha/api/v3/phr/app/...`) beside the guide's v1, on
//! the same people and the same OTP rules: its paths, its `REQUEST-ID` and
//! `TIMESTAMP` headers, its X-, T- and R-tokens, OAEP (SHA-1) credentials only,
//! and its error shapes (see `abdm-apis.md` sections 4 and 5).

use std::time::{SystemTime, UNIX_EPOCH};

use abdm_types::{
    AbhaAddress, AbhaNumber,
    gateway::{parse_timestamp, timestamp},
    phr_v3::*,
};
use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde_json::json;

use crate::{
    ctx::{Ctx, body},
    error::Fail,
    world::{Account, Channel, LOCK_SECS, REFRESH_TOKEN_TTL_SECS, TxnKind, USER_TOKEN_TTL_SECS},
};

/// How far a request's `TIMESTAMP` may be from the sandbox's wall clock.
/// ABDM's own tolerance is not published; it refuses drift with ABDM-1016.
const CLOCK_DRIFT_SECS: i64 = 5 * 60;

mod enrol;

pub(crate) fn router() -> Router<Ctx> {
    Router::new()
        .route("/enrollment/request/otp", post(enrol::request_otp))
        .route("/enrollment/verify", post(enrol::verify))
        .route("/enrollment/suggestion", post(enrol::suggestion))
        .route("/enrollment/isExists", get(enrol::is_exists))
        .route("/enrollment/enrol", post(enrol::enrol))
        .route("/enrollment/lgd/state", get(enrol::lgd_states))
        .route("/enrollment/lgd/district", get(enrol::lgd_districts))
        .route("/login/public/certificate", get(certificate))
        .route("/login/request/otp", post(request_otp))
        .route("/login/verify", post(verify))
        .route("/login/verify/user", post(verify_user))
        .route("/login/search", post(search))
        .route("/login/profile", get(profile))
        .route("/login/profile/verify", post(profile_verify))
        .route("/login/profile/request/token", get(refresh))
        .route("/login/profile/request/logout", get(logout))
}

/// A refusal in the shape v3 gives it.
#[derive(Debug)]
pub(crate) struct V3Fail(Fail);

impl From<Fail> for V3Fail {
    fn from(fail: Fail) -> Self {
        Self(fail)
    }
}

pub(super) type Reply<T> = Result<Json<T>, V3Fail>;

fn now_stamp() -> String {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default();
    timestamp(millis)
}

impl IntoResponse for V3Fail {
    fn into_response(self) -> Response {
        let fail = self.0;
        // Field maps for what is wrong with one field, as the enrolment API's
        // 400 example; the wrapped `{"error":{code,message}}` otherwise; the
        // API gateway's own shape for a refused token.
        let field_map = |field: &str, message: &str| json!({ field: message, "timestamp": now_stamp() });
        let wrapped = |code: &str, message: String| json!({"error": {"code": code, "message": message}});
        let (status, body) = match &fail {
            Fail::BadRequest { field, .. } => (StatusCode::BAD_REQUEST, field_map(field, &format!("Invalid {field}"))),
            // v3 does not say that a credential failed to decrypt (M1 debug notes).
            Fail::NotEncrypted { field } => (StatusCode::BAD_REQUEST, field_map(field, &format!("Invalid {field}"))),
            Fail::OtpInvalid { .. } => (StatusCode::BAD_REQUEST, field_map("otpValue", "Invalid OTP Value")),
            Fail::OtpExpired => {
                (StatusCode::BAD_REQUEST, field_map("otpValue", "OTP expired, please request a new OTP"))
            }
            Fail::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                json!({"code": "900901", "message": "Invalid Credentials", "description": "Invalid or expired token"}),
            ),
            Fail::UnknownTransaction => {
                (StatusCode::BAD_REQUEST, wrapped("ABDM-1017", "Invalid Transaction Id".to_owned()))
            }
            Fail::TooManyAttempts { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                wrapped("ABDM-1100", "Maximum OTP attempts reached. Try again after 30 minutes".to_owned()),
            ),
            Fail::ResendTooSoon { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                wrapped("ABDM-1022", format!("Too many requests. Try again after {retry_after_secs} seconds")),
            ),
            Fail::UserNotFound => (StatusCode::NOT_FOUND, wrapped("ABDM-1114", "User not found.".to_owned())),
            Fail::AccountLocked => (StatusCode::FORBIDDEN, wrapped("ABDM-1423", fail.message())),
            Fail::AuthModeNotAllowed(_) | Fail::PasswordMissing => {
                (StatusCode::BAD_REQUEST, wrapped("ABDM-1118", fail.message()))
            }
            Fail::InvalidScope => (StatusCode::BAD_REQUEST, wrapped("ABDM-1107", fail.message())),
            Fail::PasswordSame => (StatusCode::BAD_REQUEST, wrapped("ABDM-1110", fail.message())),
            Fail::PasswordPolicy(reason) => (StatusCode::BAD_REQUEST, field_map("password", reason)),
            Fail::ClockDrift => (StatusCode::BAD_REQUEST, wrapped("ABDM-1016", fail.message())),
            Fail::Injected(status) => (*status, wrapped("ABDM-1019", fail.message())),
            other => {
                (other.status(), json!({"code": other.code(), "message": other.message(), "timestamp": now_stamp()}))
            }
        };
        let mut response = (status, Json(body)).into_response();
        if let Fail::TooManyAttempts { retry_after_secs } | Fail::ResendTooSoon { retry_after_secs } = fail
            && let Ok(value) = retry_after_secs.max(1).to_string().parse()
        {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

/// Every v3 call carries a fresh `REQUEST-ID` (a UUID) and the client's
/// `TIMESTAMP`. The stamp is held to the wall clock, not the sandbox's own
/// (which tests move forward to expire OTPs): it checks the client's clock.
fn stamped(headers: &HeaderMap) -> Result<(), Fail> {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    header("request-id")
        .and_then(|id| uuid::Uuid::parse_str(id).ok())
        .ok_or(Fail::BadRequest { field: "REQUEST-ID", reason: "a UUID is required".into() })?;
    let stamp = header("timestamp")
        .and_then(parse_timestamp)
        .ok_or(Fail::BadRequest { field: "TIMESTAMP", reason: "an ISO-8601 UTC time is required".into() })?;
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
    if (stamp - wall).abs() > CLOCK_DRIFT_SECS {
        return Err(Fail::ClockDrift);
    }
    Ok(())
}

/// A login call: stamped, with the gateway session token in `Authorization`.
pub(super) fn login_call(ctx: &Ctx, headers: &HeaderMap) -> Result<(), Fail> {
    stamped(headers)?;
    ctx.require_gateway(headers)?;
    Ok(())
}

fn token_of<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, Fail> {
    headers.get(name).and_then(|v| v.to_str().ok()).ok_or(Fail::Unauthorized)
}

async fn certificate(State(ctx): State<Ctx>, headers: HeaderMap) -> Reply<serde_json::Value> {
    stamped(&headers)?;
    Ok(Json(json!({
        "publicKey": ctx.keys.public_key_base64(),
        "encryptionAlgorithm": "RSA/ECB/OAEPWithSHA-1AndMGF1Padding",
    })))
}

/// What a `scope` and `loginHint` pair asks for; ABDM refuses any other pairing.
enum Login {
    Contact(Channel),
    Address { address: String, email: bool },
    AbhaNumber(String),
}

fn login_of(scope: &[String], hint: &str, id: &str, otp_system: &str) -> Result<Login, Fail> {
    let scope: Vec<&str> = scope.iter().map(String::as_str).collect();
    let bad_id = || Fail::BadRequest { field: "loginId", reason: "not a valid login id".into() };
    match (scope.as_slice(), hint, otp_system) {
        ([SCOPE_ADDRESS_LOGIN, SCOPE_MOBILE], HINT_MOBILE, "abdm") => {
            let mobile = abdm_types::Mobile::parse(id).map_err(|_| bad_id())?;
            Ok(Login::Contact(Channel::Mobile(mobile.expose().to_owned())))
        }
        ([SCOPE_ADDRESS_LOGIN, SCOPE_EMAIL], HINT_EMAIL, "abdm") => {
            let email = abdm_types::Email::parse(id).map_err(|_| bad_id())?;
            Ok(Login::Contact(Channel::Email(email.expose().to_owned())))
        }
        ([SCOPE_ADDRESS_LOGIN, verify @ (SCOPE_MOBILE | SCOPE_EMAIL)], HINT_ADDRESS, "abdm") => {
            let address = AbhaAddress::parse(id).map_err(|_| bad_id())?.expose();
            Ok(Login::Address { address, email: verify == &SCOPE_EMAIL })
        }
        ([SCOPE_ABHA_LOGIN, SCOPE_MOBILE], HINT_ABHA_NUMBER, "abdm")
        | ([SCOPE_ABHA_LOGIN, SCOPE_AADHAAR], HINT_ABHA_NUMBER, "aadhaar") => {
            let number = AbhaNumber::parse(id).map_err(|_| bad_id())?;
            Ok(Login::AbhaNumber(number.hyphenated()))
        }
        _ => Err(Fail::InvalidScope),
    }
}

/// v3 has no resend: a person who asks again sends this same request, and
/// the guide's rules hold for it as for a resend. The latest open transaction
/// of the same login is the one it replaces: not within 60 s of its OTP, and
/// after three replacements the login is locked for half an hour. Answers how
/// many times the new one has been asked again.
pub(super) fn replace_earlier(world: &mut crate::world::World, key: &str, now: i64) -> Result<u32, Fail> {
    let earlier = world
        .txns
        .values()
        .filter(|t| !t.verified && txn_key(&t.kind).as_deref() == Some(key) && now - t.last_sent_at < LOCK_SECS)
        .max_by_key(|t| t.last_sent_at)
        .map(|t| t.id.clone());
    let Some(earlier) = earlier else { return Ok(0) };
    let txn = world.txn_mut(&earlier)?;
    txn.check_resend(now)?;
    let resends = txn.resends + 1;
    // Its OTP stops working, as a resent OTP replaces the one before.
    world.txns.remove(&earlier);
    Ok(resends)
}

/// Which login a transaction is, to find the same request made again.
pub(super) fn txn_key(kind: &TxnKind) -> Option<String> {
    match kind {
        TxnKind::LoginByChannel { channel } => Some(format!("contact:{}", channel.address())),
        TxnKind::LoginByAddress { address, password: false } => Some(format!("address:{address}")),
        TxnKind::LoginByAbhaNumber { abha_number } => Some(format!("number:{abha_number}")),
        TxnKind::Registration { channel, .. } => Some(format!("enrol:{}", channel.address())),
        TxnKind::KycRegistration { abha_number } => Some(format!("enrol-number:{abha_number}")),
        TxnKind::LoginByAddress { password: true, .. } => None,
    }
}

async fn request_otp(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<TxnReply> {
    login_call(&ctx, &headers)?;
    let request: RequestOtp = body(&bytes)?;
    let id = ctx.decrypt_v3("loginId", &request.login_id)?;
    let login = login_of(&request.scope, &request.login_hint, &id, &request.otp_system)?;
    let now = ctx.now();
    let mut world = ctx.world();
    let (kind, sent_to) = match login {
        Login::Contact(channel) => {
            if world.addresses_on(&channel).is_empty() {
                return Err(Fail::UserNotFound.into());
            }
            (TxnKind::LoginByChannel { channel: channel.clone() }, channel)
        }
        Login::Address { address, email } => {
            let account = world.accounts.get(&address).ok_or(Fail::UserNotFound)?;
            if account.locked_until.is_some_and(|until| now < until) {
                return Err(Fail::AccountLocked.into());
            }
            let sent_to = if email {
                account.email.clone().map(Channel::Email)
            } else {
                account.mobile.clone().map(Channel::Mobile)
            };
            let mode = if email { "EMAIL_OTP" } else { "MOBILE_OTP" };
            let sent_to = sent_to.ok_or_else(|| Fail::AuthModeNotAllowed(mode.to_owned()))?;
            (TxnKind::LoginByAddress { address, password: false }, sent_to)
        }
        Login::AbhaNumber(number) => {
            let mobile = world.kyc.get(&number).ok_or(Fail::UserNotFound)?.mobile.clone();
            (TxnKind::LoginByAbhaNumber { abha_number: number }, Channel::Mobile(mobile))
        }
    };
    let resends = match txn_key(&kind) {
        Some(key) => replace_earlier(&mut world, &key, now)?,
        None => 0,
    };
    let masked: String = sent_to.address().chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    let txn = world.open_txn(kind, Some(sent_to), now);
    world.txn_mut(&txn.id)?.resends = resends;
    Ok(Json(TxnReply {
        txn_id: txn.id,
        message: format!("OTP is sent to the number or email ending with ******{masked}"),
    }))
}

pub(super) fn user_tokens(ctx: &Ctx, address: &str) -> Tokens {
    let tokens = ctx.user_tokens(address);
    Tokens {
        token: tokens.token,
        expires_in: Some(USER_TOKEN_TTL_SECS),
        refresh_token: Some(tokens.refresh),
        refresh_expires_in: Some(REFRESH_TOKEN_TTL_SECS),
    }
}

pub(super) fn scope_is(scope: &[String], expected: &[&str]) -> bool {
    scope.len() == expected.len() && scope.iter().zip(expected).all(|(a, b)| a == b)
}

async fn verify(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<VerifyReply> {
    login_call(&ctx, &headers)?;
    let request: Verify = body(&bytes)?;
    let now = ctx.now();
    let methods: Vec<&str> = request.auth_data.auth_methods.iter().map(String::as_str).collect();
    match (methods.as_slice(), &request.auth_data.otp, &request.auth_data.password) {
        (["password"], None, Some(password)) => {
            if !scope_is(&request.scope, &[SCOPE_ADDRESS_LOGIN, SCOPE_PASSWORD]) {
                return Err(Fail::InvalidScope.into());
            }
            let secret = ctx.decrypt_v3("password", &password.password)?;
            let address =
                AbhaAddress::parse(&password.abha_address).map_err(|e| Fail::AddressPolicy(e.to_string()))?.expose();
            let mut world = ctx.world();
            if !world.accounts.get(&address).ok_or(Fail::UserNotFound)?.auth_methods().contains(&"PASSWORD") {
                return Err(Fail::PasswordMissing.into());
            }
            world.check_password(&address, &secret, now)?;
            drop(world);
            let tokens = user_tokens(&ctx, &address);
            Ok(Json(VerifyReply {
                txn_id: None,
                message: "User verified successfully".into(),
                auth_result: "success".into(),
                users: Vec::new(),
                tokens,
                abha_profile: None,
            }))
        }
        (["otp"], Some(otp), None) => {
            let given = ctx.decrypt_v3("otpValue", &otp.otp_value)?;
            let mut world = ctx.world();
            let txn = world.txn_mut(&otp.txn_id)?.clone();
            let expected_scope = match &txn.kind {
                TxnKind::LoginByChannel { channel: Channel::Mobile(_) } => [SCOPE_ADDRESS_LOGIN, SCOPE_MOBILE],
                TxnKind::LoginByChannel { channel: Channel::Email(_) } => [SCOPE_ADDRESS_LOGIN, SCOPE_EMAIL],
                TxnKind::LoginByAddress { .. } => {
                    let email = matches!(txn.sent_to, Some(Channel::Email(_)));
                    [SCOPE_ADDRESS_LOGIN, if email { SCOPE_EMAIL } else { SCOPE_MOBILE }]
                }
                TxnKind::LoginByAbhaNumber { .. } => {
                    let aadhaar = request.scope.iter().any(|s| s == SCOPE_AADHAAR);
                    [SCOPE_ABHA_LOGIN, if aadhaar { SCOPE_AADHAAR } else { SCOPE_MOBILE }]
                }
                _ => return Err(Fail::UnknownTransaction.into()),
            };
            if !scope_is(&request.scope, &expected_scope) {
                return Err(Fail::InvalidScope.into());
            }
            world.verify_otp(&otp.txn_id, &given, now)?;
            let users = match &txn.kind {
                TxnKind::LoginByAddress { address, .. } => {
                    let address = address.clone();
                    if world.accounts.get(&address).and_then(|a| a.locked_until).is_some_and(|until| now < until) {
                        return Err(Fail::AccountLocked.into());
                    }
                    world.txns.remove(&otp.txn_id);
                    drop(world);
                    return Ok(Json(VerifyReply {
                        txn_id: Some(otp.txn_id.clone()),
                        message: "OTP verified successfully".into(),
                        auth_result: "success".into(),
                        users: Vec::new(),
                        tokens: user_tokens(&ctx, &address),
                        abha_profile: None,
                    }));
                }
                TxnKind::LoginByChannel { channel } => world.addresses_on(channel),
                TxnKind::LoginByAbhaNumber { abha_number } => world.addresses_of_abha_number(abha_number),
                _ => return Err(Fail::UnknownTransaction.into()),
            };
            let users = users.iter().filter_map(|a| world.accounts.get(a)).map(user).collect();
            drop(world);
            Ok(Json(to_choose(&ctx, &otp.txn_id, users, None)))
        }
        _ => {
            Err(Fail::BadRequest { field: "authData", reason: "one of otp or password, as authMethods says".into() }
                .into())
        }
    }
}

/// A verified OTP that found addresses: they come with a T-token to pick one
/// at `login/verify/user`.
pub(super) fn to_choose(ctx: &Ctx, txn: &str, users: Vec<User>, abha_profile: Option<AbhaProfile>) -> VerifyReply {
    VerifyReply {
        txn_id: Some(txn.to_owned()),
        message: "OTP verified successfully".into(),
        auth_result: "success".into(),
        users,
        tokens: Tokens {
            token: ctx.transfer_token(txn),
            expires_in: Some(crate::world::TRANSFER_TOKEN_TTL_SECS),
            refresh_token: None,
            refresh_expires_in: None,
        },
        abha_profile,
    }
}

pub(super) fn user(a: &Account) -> User {
    User {
        abha_address: a.address.clone(),
        full_name: a.full_name(),
        abha_number: a.abha_number.clone(),
        status: "ACTIVE".into(),
        kyc_status: if a.kyc_verified { "VERIFIED" } else { "PENDING" }.into(),
    }
}

/// `login/verify/user`: the T-token of a verified transaction picks one of its addresses.
async fn verify_user(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<Tokens> {
    login_call(&ctx, &headers)?;
    let transfer = ctx.claims(token_of(&headers, "t-token")?, "transfer")?;
    let request: VerifyUser = body(&bytes)?;
    if transfer.sub != request.txn_id {
        return Err(Fail::Unauthorized.into());
    }
    let now = ctx.now();
    let mut world = ctx.world();
    let txn = world.txn_mut(&request.txn_id)?.clone();
    if !txn.verified {
        return Err(Fail::UnknownTransaction.into());
    }
    // A sign-up whose contact or number already has addresses logs into one the same way.
    let mapped = match &txn.kind {
        TxnKind::LoginByChannel { channel } | TxnKind::Registration { channel, .. } => world.addresses_on(channel),
        TxnKind::LoginByAbhaNumber { abha_number } | TxnKind::KycRegistration { abha_number } => {
            world.addresses_of_abha_number(abha_number)
        }
        _ => return Err(Fail::UnknownTransaction.into()),
    };
    let address = request.abha_address.trim().to_ascii_lowercase();
    if !mapped.contains(&address) {
        return Err(Fail::UserNotFound.into());
    }
    if world.accounts.get(&address).and_then(|a| a.locked_until).is_some_and(|until| now < until) {
        return Err(Fail::AccountLocked.into());
    }
    world.txns.remove(&request.txn_id);
    world.revoked.insert(transfer.jti);
    drop(world);
    Ok(Json(user_tokens(&ctx, &address)))
}

async fn search(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<SearchReply> {
    login_call(&ctx, &headers)?;
    let request: Search = body(&bytes)?;
    let address = AbhaAddress::parse(&request.abha_address).map_err(|e| Fail::AddressPolicy(e.to_string()))?.expose();
    let world = ctx.world();
    let account = world.accounts.get(&address).ok_or(Fail::UserNotFound)?;
    // v3 logs an address in by an OTP to its mobile or email, or its password.
    let methods = account.auth_methods().into_iter().filter(|m| *m != "AADHAAR_OTP").map(str::to_owned).collect();
    Ok(Json(SearchReply { abha_address: address, auth_methods: methods }))
}

/// The user behind a live X-token.
fn x_token(ctx: &Ctx, headers: &HeaderMap) -> Result<crate::ctx::Claims, Fail> {
    stamped(headers)?;
    ctx.claims(token_of(headers, "x-token")?, "user")
}

async fn profile(State(ctx): State<Ctx>, headers: HeaderMap) -> Reply<Profile> {
    let claims = x_token(&ctx, &headers)?;
    let world = ctx.world();
    let a = world.accounts.get(&claims.sub).ok_or(Fail::UserNotFound)?;
    Ok(Json(Profile {
        abha_address: a.address.clone(),
        full_name: a.full_name(),
        first_name: a.first_name.clone(),
        middle_name: a.middle_name.clone(),
        last_name: a.last_name.clone(),
        day_of_birth: a.day_of_birth.map(|d| format!("{d:02}")),
        month_of_birth: a.month_of_birth.map(|m| format!("{m:02}")),
        year_of_birth: a.year_of_birth.to_string(),
        gender: a.gender.clone(),
        email: a.email.clone(),
        mobile: a.mobile.clone(),
        abha_number: a.abha_number.clone(),
        address: a.address_line.clone(),
        state_name: a.state_name.clone(),
        state_code: a.state_code.clone(),
        district_name: a.district_name.clone(),
        district_code: a.district_code.clone(),
        pin_code: a.pincode.clone(),
        profile_photo: a.photo.clone(),
        kyc_status: Some(if a.kyc_verified { "VERIFIED" } else { "PENDING" }.to_owned()),
        auth_methods: a.auth_methods().into_iter().map(str::to_owned).collect(),
        status: "ACTIVE".into(),
    }))
}

/// A new X-token for the R-token, which is spent (as v1's refresh rotates).
async fn refresh(State(ctx): State<Ctx>, headers: HeaderMap) -> Reply<Tokens> {
    stamped(&headers)?;
    let claims = ctx.claims(token_of(&headers, "r-token")?, "refresh")?;
    ctx.world().revoked.insert(claims.jti);
    Ok(Json(user_tokens(&ctx, &claims.sub)))
}

/// Ends the sign-in of the X-token: it and its refresh token stop working.
async fn logout(State(ctx): State<Ctx>, headers: HeaderMap) -> Reply<serde_json::Value> {
    let claims = x_token(&ctx, &headers)?;
    let mut world = ctx.world();
    world.revoked.insert(claims.jti);
    if let Some(sid) = claims.sid {
        world.revoked.insert(sid);
    }
    Ok(Json(json!({"message": "User logged out successfully"})))
}

/// `login/profile/verify` with `password-verify`: sets the signed-in
/// address's password (v3's reset; the old one is not asked).
async fn profile_verify(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<serde_json::Value> {
    let claims = x_token(&ctx, &headers)?;
    let request: Verify = body(&bytes)?;
    if !scope_is(&request.scope, &[SCOPE_PROFILE, SCOPE_PASSWORD]) {
        return Err(Fail::InvalidScope.into());
    }
    let Some(password) = &request.auth_data.password else {
        return Err(Fail::BadRequest { field: "authData", reason: "a password is required".into() }.into());
    };
    if !password.abha_address.trim().eq_ignore_ascii_case(&claims.sub) {
        return Err(Fail::Unauthorized.into());
    }
    let new = crate::handlers::password_to_policy(ctx.decrypt_v3("password", &password.password)?)?
        .ok_or(Fail::PasswordPolicy("a password is required".into()))?;
    let mut world = ctx.world();
    let account = world.accounts.get_mut(&claims.sub).ok_or(Fail::UserNotFound)?;
    if account.password.as_deref() == Some(new.as_str()) {
        return Err(Fail::PasswordSame.into());
    }
    account.password = Some(new);
    account.password_failures = 0;
    Ok(Json(json!({"txnId": uuid::Uuid::new_v4().to_string(), "authResult": "success", "message": "Password updated"})))
}
