//! The gateway's patient authentication (`/v0.5/users/auth/*`), as a HIP or HIU
//! sees it: every request is answered 202 at once, and the answer follows as a
//! callback the sandbox POSTs to the bridge URL registered with
//! `PATCH /devservice/v1/bridges`, signed with an RS256 JWT whose key is
//! published at `/v0.5/certs`. DIRECT mode waits for the patient to approve in
//! their PHR app ([`crate::SandboxHandle::answer_direct`] plays that part).
//!
//! Callback error codes: 1404 patient not found, 1118 mode not offered for the
//! purpose, 1509 unknown transaction, 1406 transaction expired, 1405 wrong OTP,
//! 1100 too many wrong OTPs, 1431 demographics do not match, 1510 bad request.

use abdm_types::gateway::*;
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    world::{Account, Channel, MAX_WRONG_OTPS, OTP_TTL_SECS, new_otp},
};

/// Linking tokens the gateway hands out last this long.
const LINK_TOKEN_TTL_SECS: i64 = 600;

/// One patient authentication a HIP/HIU started.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserAuth {
    pub transaction_id: String,
    pub patient: String,
    pub purpose: AuthPurpose,
    pub mode: GatewayAuthMode,
    pub requester: AuthRequester,
    pub otp: Option<String>,
    pub expires_at: i64,
    pub wrong_attempts: u32,
    /// Confirmed, denied or answered: nothing more can happen to it.
    pub closed: bool,
    /// Order of opening: requests opened within one second expire together,
    /// and "the newest for an address" must still be one of them.
    #[serde(default)]
    pub opened: u64,
}

/// A DIRECT-mode request waiting for the patient, as their PHR app lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectRequest {
    pub transaction_id: String,
    pub patient: String,
    pub requester_id: String,
    pub purpose: AuthPurpose,
    pub expires_at: i64,
}

pub(crate) fn refuse(status: StatusCode, code: i64, message: &str) -> Response {
    (status, Json(GatewayError { error: GatewayErrorBody { code, message: message.to_owned() } })).into_response()
}

/// A refused request: status, gateway error code, message.
pub(crate) type Refused = (StatusCode, i64, &'static str);

/// The checks every user-auth request starts with: a live gateway session and
/// `X-CM-ID: sbx`, then a body of the documented shape.
pub(crate) fn admit<T: DeserializeOwned>(ctx: &Ctx, headers: &HeaderMap, bytes: &Bytes) -> Result<T, Refused> {
    ctx.require_gateway(headers).map_err(|_| (StatusCode::UNAUTHORIZED, 1401, "Unauthorized request"))?;
    match headers.get("x-cm-id").and_then(|v| v.to_str().ok()) {
        Some("sbx") => {}
        _ => return Err((StatusCode::BAD_REQUEST, 1510, "X-CM-ID must name the consent manager (sbx)")),
    }
    serde_json::from_slice(bytes).map_err(|_| (StatusCode::BAD_REQUEST, 1510, "Invalid request"))
}

/// Why the gateway turns a user-auth step down in its callback. The published
/// models generated from ABDM's OpenAPI (PyPI `abdm` and `abdm-gateway` 1.0.0)
/// allow only `1000` and `10001` as a callback's `error.code`, so the cause is in
/// `message`, as the spec allows; the sandbox sends `1000` with these words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    UnknownPatient,
    ModeNotOffered,
    WrongOtp,
    Expired,
    TooManyTries,
    DemographicsMismatch,
    AlreadyComplete,
    DirectIsNotConfirmed,
}

/// The one general code the models allow for a refused step.
const CALLBACK_ERROR_CODE: i64 = 1000;

impl Refusal {
    fn message(self) -> &'static str {
        match self {
            Refusal::UnknownPatient => "No patient found with this ABHA address",
            Refusal::ModeNotOffered => "This authentication mode is not offered for the purpose",
            Refusal::WrongOtp => "Invalid OTP",
            Refusal::Expired => "This transaction has expired",
            Refusal::TooManyTries => "Too many wrong attempts",
            Refusal::DemographicsMismatch => "The demographic details do not match",
            Refusal::AlreadyComplete => "This transaction is already complete",
            Refusal::DirectIsNotConfirmed => "DIRECT mode is confirmed by the patient in their PHR app, not by confirm",
        }
    }

    /// A wrong answer counts towards the lockout.
    fn is_wrong_answer(self) -> bool {
        matches!(self, Refusal::WrongOtp | Refusal::DemographicsMismatch)
    }

    fn body(self) -> Value {
        json!({"code": CALLBACK_ERROR_CODE, "message": self.message()})
    }
}

/// Offered modes: OTPs need a mobile (Aadhaar OTP an ABHA number); demographics
/// prove who someone is but do not authorise linking records.
fn modes(account: &Account, purpose: AuthPurpose) -> Vec<GatewayAuthMode> {
    let mut modes = Vec::new();
    if account.mobile.is_some() {
        modes.push(GatewayAuthMode::MobileOtp);
    }
    if account.abha_number.is_some() {
        modes.push(GatewayAuthMode::AadhaarOtp);
    }
    if purpose != AuthPurpose::Link {
        modes.push(GatewayAuthMode::Demographics);
    }
    modes.push(GatewayAuthMode::Direct);
    modes
}

fn envelope(ctx: &Ctx, answering: &str) -> Value {
    json!({
        "requestId": uuid::Uuid::new_v4().to_string(),
        "timestamp": timestamp(ctx.now() * 1000),
        "resp": {"requestId": answering},
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

pub(crate) async fn fetch_modes(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Response {
    let request: FetchModesRequest = match admit(&ctx, &headers, &bytes) {
        Ok(request) => request,
        Err((status, code, message)) => return refuse(status, code, message),
    };
    let query = &request.query;
    let account = ctx.world().accounts.get(&query.id.trim().to_ascii_lowercase()).cloned();
    let base = envelope(&ctx, &request.request_id);
    let body = match account {
        Some(account) => with(base, "auth", json!({"purpose": query.purpose, "modes": modes(&account, query.purpose)})),
        None => with(base, "error", Refusal::UnknownPatient.body()),
    };
    ctx.call_back("v0.5/users/auth/on-fetch-modes", &query.requester, body);
    StatusCode::ACCEPTED.into_response()
}

pub(crate) async fn init(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Response {
    let request: AuthInitRequest = match admit(&ctx, &headers, &bytes) {
        Ok(request) => request,
        Err((status, code, message)) => return refuse(status, code, message),
    };
    let query = &request.query;
    let base = envelope(&ctx, &request.request_id);
    let patient = query.id.trim().to_ascii_lowercase();
    let now = ctx.now();
    let body = {
        let mut world = ctx.world();
        match (world.accounts.get(&patient).cloned(), query.auth_mode) {
            (None, _) => with(base, "error", Refusal::UnknownPatient.body()),
            (Some(account), Some(mode)) if modes(&account, query.purpose).contains(&mode) => {
                let transaction_id = uuid::Uuid::new_v4().to_string();
                let expires_at = now + OTP_TTL_SECS;
                let otp = match mode {
                    GatewayAuthMode::MobileOtp | GatewayAuthMode::AadhaarOtp => {
                        let otp = new_otp();
                        let mobile = account.mobile.clone().unwrap_or_default();
                        world.send(&Channel::Mobile(mobile), otp.clone(), &transaction_id, now, expires_at);
                        Some(otp)
                    }
                    GatewayAuthMode::Demographics | GatewayAuthMode::Direct => None,
                };
                let opened = world.user_auths.values().map(|a| a.opened + 1).max().unwrap_or(0);
                world.user_auths.insert(
                    transaction_id.clone(),
                    UserAuth {
                        transaction_id: transaction_id.clone(),
                        patient,
                        purpose: query.purpose,
                        mode,
                        requester: query.requester.clone(),
                        otp,
                        expires_at,
                        wrong_attempts: 0,
                        closed: false,
                        opened,
                    },
                );
                let meta = json!({"hint": null, "expiry": timestamp(expires_at * 1000)});
                with(base, "auth", json!({"transactionId": transaction_id, "mode": mode, "meta": meta}))
            }
            (Some(_), _) => with(base, "error", Refusal::ModeNotOffered.body()),
        }
    };
    ctx.persist();
    ctx.call_back("v0.5/users/auth/on-init", &query.requester, body);
    StatusCode::ACCEPTED.into_response()
}

pub(crate) async fn confirm(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Response {
    let request: AuthConfirmRequest = match admit(&ctx, &headers, &bytes) {
        Ok(request) => request,
        Err((status, code, message)) => return refuse(status, code, message),
    };
    let base = envelope(&ctx, &request.request_id);
    let now = ctx.now();
    let (requester, body) = {
        let mut world = ctx.world();
        let Some(auth) = world.user_auths.get(&request.transaction_id).cloned() else {
            drop(world);
            // Nobody to call back but the gateway's own answer: the requester is unknown.
            return refuse(StatusCode::BAD_REQUEST, 1509, "Unknown transaction");
        };
        let account = world.accounts.get(&auth.patient).cloned();
        let verdict = match (&auth, account) {
            (a, _) if a.closed => Err(Refusal::AlreadyComplete),
            (a, _) if now > a.expires_at => Err(Refusal::Expired),
            (a, _) if a.wrong_attempts >= MAX_WRONG_OTPS => Err(Refusal::TooManyTries),
            (_, None) => Err(Refusal::UnknownPatient),
            (a, Some(account)) => match a.mode {
                GatewayAuthMode::MobileOtp | GatewayAuthMode::AadhaarOtp => {
                    if request.credential.auth_code.is_some() && request.credential.auth_code == a.otp {
                        Ok(account)
                    } else {
                        Err(Refusal::WrongOtp)
                    }
                }
                GatewayAuthMode::Demographics => match &request.credential.demographic {
                    Some(d) if demographics_match(d, &account) => Ok(account),
                    _ => Err(Refusal::DemographicsMismatch),
                },
                GatewayAuthMode::Direct => Err(Refusal::DirectIsNotConfirmed),
            },
        };
        let entry = world.user_auths.get_mut(&request.transaction_id).expect("looked up above");
        let body = match verdict {
            Ok(account) => {
                entry.closed = true;
                with(base, "auth", granted(&ctx, &auth, &account))
            }
            Err(refusal) => {
                if refusal.is_wrong_answer() {
                    entry.wrong_attempts += 1;
                }
                with(base, "error", refusal.body())
            }
        };
        (auth.requester, body)
    };
    ctx.persist();
    ctx.call_back("v0.5/users/auth/on-confirm", &requester, body);
    StatusCode::ACCEPTED.into_response()
}

pub(crate) async fn on_notify(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Response {
    let ack: OnNotifyRequest = match admit(&ctx, &headers, &bytes) {
        Ok(ack) => ack,
        Err((status, code, message)) => return refuse(status, code, message),
    };
    ctx.world().notify_acks.push(ack.resp.request_id);
    ctx.persist();
    StatusCode::ACCEPTED.into_response()
}

#[derive(Deserialize)]
pub(crate) struct Bridge {
    url: String,
}

/// `PATCH /devservice/v1/bridges {"url"}`: where this client's callbacks go.
pub(crate) async fn set_bridge(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Response {
    if ctx.require_gateway(&headers).is_err() {
        return refuse(StatusCode::UNAUTHORIZED, 1401, "Unauthorized request");
    }
    match serde_json::from_slice::<Bridge>(&bytes) {
        Ok(bridge) if bridge.url.starts_with("http://") || bridge.url.starts_with("https://") => {
            ctx.world().bridge_url = Some(bridge.url.trim_end_matches('/').to_owned());
            ctx.persist();
            StatusCode::ACCEPTED.into_response()
        }
        _ => refuse(StatusCode::BAD_REQUEST, 1510, "A bridge url (http or https) is required"),
    }
}

/// `GET /v0.5/certs`: the key that signs callbacks, as a JWKS.
pub(crate) async fn certs(State(ctx): State<Ctx>) -> Json<Certs> {
    let (n, e) = ctx.keys.public_numbers();
    Json(Certs {
        keys: vec![Jwk {
            kid: crate::keys::KEY_ID.to_owned(),
            kty: "RSA".into(),
            alg: Some("RS256".into()),
            usage: Some("sig".into()),
            n: URL_SAFE_NO_PAD.encode(n),
            e: URL_SAFE_NO_PAD.encode(e),
        }],
    })
}

pub(crate) async fn openid_configuration(headers: HeaderMap) -> Json<Value> {
    let host = headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    Json(json!({"jwks_uri": format!("http://{host}/gateway/v0.5/certs")}))
}

fn demographics_match(given: &Demographic, account: &Account) -> bool {
    let full_name = account.full_name();
    let date = match (account.day_of_birth, account.month_of_birth) {
        (Some(d), Some(m)) => format!("{:04}-{m:02}-{d:02}", account.year_of_birth),
        _ => format!("{:04}", account.year_of_birth),
    };
    let mobile_matches = match &given.identifier {
        Some(id) if id.kind == "MOBILE" => match abdm_types::Mobile::parse(&id.value) {
            Ok(mobile) => account.mobile.as_deref() == Some(mobile.expose()),
            Err(_) => false,
        },
        Some(_) => false,
        None => true,
    };
    given.name.trim().eq_ignore_ascii_case(full_name.trim())
        && given.gender == account.gender
        && given.date_of_birth == date
        && mobile_matches
}

/// What a successful authentication hands the requester: a linking token when
/// the purpose links, the demographics when it is KYC.
fn granted(ctx: &Ctx, auth: &UserAuth, account: &Account) -> Value {
    let links = matches!(auth.purpose, AuthPurpose::Link | AuthPurpose::KycAndLink);
    let kyc = matches!(auth.purpose, AuthPurpose::Kyc | AuthPurpose::KycAndLink);
    let now = ctx.now();
    let mut granted = json!({});
    if links {
        granted["accessToken"] = json!(ctx.keys.sign_jwt(&json!({
            "sub": auth.patient, "typ": "link", "iat": now, "exp": now + LINK_TOKEN_TTL_SECS,
            "jti": uuid::Uuid::new_v4().to_string(), "requester": auth.requester.id,
        })));
        granted["validity"] = json!({
            "purpose": auth.purpose, "requester": auth.requester,
            "expiry": timestamp((now + LINK_TOKEN_TTL_SECS) * 1000), "limit": 1,
        });
    }
    if kyc {
        let mut identifiers = Vec::new();
        if let Some(mobile) = &account.mobile {
            identifiers.push(json!({"type": "MOBILE", "value": mobile}));
        }
        if let Some(number) = &account.abha_number {
            identifiers.push(json!({"type": "NDHM_HEALTH_NUMBER", "value": number}));
        }
        granted["patient"] = json!({
            "id": account.address, "name": account.full_name(), "gender": account.gender,
            "yearOfBirth": account.year_of_birth,
            "address": {"line": account.address_line, "district": account.district_name,
                        "state": account.state_name, "pincode": account.pincode},
            "identifiers": identifiers,
        });
    }
    granted
}

impl Ctx {
    /// POSTs a callback to the bridge, signed, in the background. With no bridge
    /// registered it goes nowhere, as at ABDM.
    pub(crate) fn call_back(&self, path: &str, requester: &AuthRequester, body: Value) {
        let Some(bridge) = self.world().bridge_url.clone() else {
            tracing::warn!(path, "no bridge URL registered; the callback is dropped");
            return;
        };
        let token = self.callback_token();
        let header = if requester.kind.eq_ignore_ascii_case("HIU") { "X-HIU-ID" } else { "X-HIP-ID" };
        let request =
            self.http.post(format!("{bridge}/{path}")).bearer_auth(token).header(header, &requester.id).json(&body);
        let path = path.to_owned();
        self.runtime.spawn(async move {
            match request.send().await {
                Ok(reply) if reply.status() == StatusCode::ACCEPTED => {}
                Ok(reply) => tracing::warn!(path, status = reply.status().as_u16(), "the bridge refused a callback"),
                Err(err) => tracing::warn!(path, error = %err, "the bridge could not be reached"),
            }
        });
    }

    /// The bearer token the gateway signs what it POSTs to a bridge with.
    pub(crate) fn callback_token(&self) -> String {
        let now = self.now();
        self.keys.sign_jwt(&json!({
            "iss": "abdm-sandbox-gateway", "aud": "account", "sub": "gateway", "typ": "Bearer",
            "iat": now, "exp": now + 300, "jti": uuid::Uuid::new_v4().to_string(),
        }))
    }

    /// DIRECT-mode requests waiting for the patient, oldest first.
    pub(crate) fn direct_requests(&self) -> Vec<DirectRequest> {
        let now = self.now();
        let world = self.world();
        let mut waiting: Vec<&UserAuth> = world
            .user_auths
            .values()
            .filter(|a| a.mode == GatewayAuthMode::Direct && !a.closed && a.expires_at >= now)
            .collect();
        waiting.sort_by_key(|a| a.opened);
        waiting
            .into_iter()
            .map(|a| DirectRequest {
                transaction_id: a.transaction_id.clone(),
                patient: a.patient.clone(),
                requester_id: a.requester.id.clone(),
                purpose: a.purpose,
                expires_at: a.expires_at,
            })
            .collect()
    }

    /// The patient approves or denies a DIRECT request; the requester is notified.
    /// `false` when there is no such open request.
    pub(crate) fn answer_direct(&self, transaction_id: &str, grant: bool) -> bool {
        let now = self.now();
        let (auth, account) = {
            let mut world = self.world();
            let Some(auth) = world.user_auths.get_mut(transaction_id) else { return false };
            if auth.closed || auth.mode != GatewayAuthMode::Direct || auth.expires_at < now {
                return false;
            }
            auth.closed = true;
            let auth = auth.clone();
            let account = world.accounts.get(&auth.patient).cloned();
            (auth, account)
        };
        self.persist();
        let mut answer = json!({"transactionId": transaction_id, "status": if grant { "GRANTED" } else { "DENIED" }});
        if let (true, Some(account)) = (grant, account) {
            let granted = granted(self, &auth, &account);
            for key in ["accessToken", "validity", "patient"] {
                if let Some(value) = granted.get(key) {
                    answer[key] = value.clone();
                }
            }
        }
        let body = json!({
            "requestId": uuid::Uuid::new_v4().to_string(),
            "timestamp": timestamp(now * 1000),
            "auth": answer,
        });
        self.call_back("v0.5/users/auth/notify", &auth.requester, body);
        true
    }
}
