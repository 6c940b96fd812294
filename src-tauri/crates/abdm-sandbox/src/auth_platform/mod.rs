//! The clinic's auth platform (NBRGLM Auth Platform, the SDK v0.0.1 generation),
//! mounted under `/nap/`: sign-up, email verification, login, refresh, logout
//! and login flows, with the statuses, bodies and messages of the real server
//! (`shared/reference/auth-platform.md`). It runs multi-tenant, so a member of
//! staff in two clinics gets a `flowId`, and one in none gets a 403.
//!
//! Like the real server: the `X-NAP-API-Key` check comes before everything
//! (unknown paths included), then a per-address rate limit, then routing. Tokens
//! travel in JSON bodies and headers only. A session token is base64url of an
//! RS256 JWT; a refresh token is 43 opaque characters; both rotate on refresh;
//! logout always answers 200 once a token header is there. Emails it "sends"
//! land in its mailbox, which the demo inbox shows.
//!
//! One documented difference, on purpose: `GET /api/auth/flow/{flowId}` is in
//! the SDK but not routed by the server (404). The sandbox serves it as the SDK
//! documents unless started with `flow_route: false`, so the app's reading of
//! flows and its handling of a 404 can both be shown.

mod people;
pub mod state;

use std::{collections::HashMap, net::SocketAddr, sync::Mutex};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{ConnectInfo, Path, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use people::seed;
use state::{FLOW_TTL_SECS, Flow, SentMail, Session, User, random_token, sha256_hex, uuid};

use crate::ctx::Ctx;

/// The API key the sandbox's platform accepts. Public on purpose: it opens
/// nothing but this simulator.
pub const DEMO_API_KEY: &str = "nap_test_abha_desktop_demo";
/// Where verification links point (the platform sends a link to its own web
/// front end, which it does not serve).
const VERIFY_LINK_BASE: &str = "https://auth.sunrise.example/auth/verify-email";
const GENERIC_500: &str = "An error occurred while processing your request. Please try again later.";

/// Lifetimes and limits a test may change.
#[derive(Debug, Clone)]
pub struct AuthPlatformOptions {
    pub session_ttl_secs: i64,
    pub refresh_ttl_secs: i64,
    /// Requests per second per client address (the platform's `120-s`).
    pub requests_per_second: u32,
    /// Serve `GET /api/auth/flow/{flowId}` as the SDK documents it.
    pub flow_route: bool,
}

impl Default for AuthPlatformOptions {
    fn default() -> Self {
        Self {
            session_ttl_secs: state::SESSION_TTL_SECS,
            refresh_ttl_secs: state::REFRESH_TTL_SECS,
            requests_per_second: 120,
            flow_route: true,
        }
    }
}

/// Requests counted in the current one-second window, per client address.
#[derive(Debug, Default)]
pub(crate) struct RateWindows(Mutex<HashMap<std::net::IpAddr, (i64, u32)>>);

pub(crate) fn router(ctx: &Ctx) -> Router<Ctx> {
    let mut api = Router::new()
        .route("/", get(health))
        .route("/api/auth/signup", post(signup))
        .route("/api/auth/login", post(login))
        .route("/api/auth/refresh", post(refresh))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/verify-email/send", post(send_verification))
        .route("/api/auth/verify-email/verify", post(verify_email));
    if ctx.auth_platform.flow_route {
        api = api.route("/api/auth/flow/{flow_id}", get(flow));
    }
    // Layers run outside in: the API key first, then the rate limit.
    api.fallback(|| async { (StatusCode::NOT_FOUND, "404 page not found") })
        .layer(axum::middleware::from_fn_with_state(ctx.clone(), rate_limit))
        .layer(axum::middleware::from_fn_with_state(ctx.clone(), require_api_key))
}

async fn require_api_key(State(_ctx): State<Ctx>, request: Request, next: Next) -> Response {
    match request.headers().get("x-nap-api-key").map(|v| v.as_bytes()) {
        None => (StatusCode::UNAUTHORIZED, Json(json!({"error": "Missing API key"}))).into_response(),
        Some(key) if key != DEMO_API_KEY.as_bytes() => {
            (StatusCode::UNAUTHORIZED, Json(json!({"error": "Invalid API key"}))).into_response()
        }
        Some(_) => next.run(request).await,
    }
}

async fn rate_limit(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let limit = ctx.auth_platform.requests_per_second;
    let now = ctx.now();
    let used = {
        let mut windows = ctx.rate_windows.0.lock().unwrap_or_else(|p| p.into_inner());
        let window = windows.entry(ip).or_insert((now, 0));
        if window.0 != now {
            *window = (now, 0);
        }
        window.1 += 1;
        window.1
    };
    if used > limit {
        return (StatusCode::TOO_MANY_REQUESTS, [("content-type", "text/plain; charset=utf-8")], "Limit exceeded")
            .into_response();
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", limit.to_string()),
        ("x-ratelimit-remaining", (limit - used).to_string()),
        ("x-ratelimit-reset", (now + 1).to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// The platform's `ErrorResponse`: `debug` is blanked outside debug mode, and
/// `code` repeats the status.
fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"message": message, "debug": "", "code": status.as_u16()}))).into_response()
}

async fn health() -> Json<Value> {
    Json(json!({"success": true}))
}

/// go-playground's `email` rule, near enough: one `@`, a local part and a
/// dotted domain of letters, digits and hyphens.
fn is_email(raw: &str) -> bool {
    let Some((local, domain)) = raw.split_once('@') else { return false };
    let labels_ok = domain.split('.').count() >= 2
        && domain.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    !local.is_empty() && !local.contains(char::is_whitespace) && !domain.contains('@') && labels_ok
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignupData {
    email: Option<String>,
    password: Option<String>,
    confirm_password: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    invite_token: Option<String>,
}

async fn signup(State(ctx): State<Ctx>, bytes: Bytes) -> Response {
    let invalid = || refuse(StatusCode::BAD_REQUEST, "Invalid request data");
    let Ok(data) = serde_json::from_slice::<SignupData>(&bytes) else { return invalid() };
    let (Some(email), Some(password), Some(confirm), Some(first), Some(last)) = (
        filled(&data.email),
        filled(&data.password),
        filled(&data.confirm_password),
        filled(&data.first_name),
        filled(&data.last_name),
    ) else {
        return invalid();
    };
    if !is_email(email) || !(8..=32).contains(&password.chars().count()) || confirm != password {
        return invalid();
    }
    let now = ctx.now();
    let mut world = ctx.world();
    let platform = &mut world.auth_platform;
    // The membership is settled before the email's uniqueness, as the server does.
    let membership = match filled(&data.invite_token) {
        Some(token) => match platform.invite(token, email, now) {
            Some(invite) if platform.orgs.contains_key(&invite.org_id) => (invite.org_id.clone(), invite.role.clone()),
            _ => {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    "Invalid invite token! Please check your token and try again.",
                );
            }
        },
        None => match platform.auto_join_org(email) {
            Some(org) => (org.id.clone(), "member".to_owned()),
            None => {
                return refuse(
                    StatusCode::UNAUTHORIZED,
                    "Email is not associated to any Organizations! Please contact your administrator.",
                );
            }
        },
    };
    if platform.users.contains_key(email) {
        return refuse(StatusCode::BAD_REQUEST, "Email is already registered! Please login or use a different email.");
    }
    let mut user = User::new(email, first, last, password);
    user.orgs.push(membership);
    let user_id = user.id.clone();
    platform.users.insert(email.to_owned(), user);
    Json(json!({"userId": user_id, "message": "Signup successful!"})).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginData {
    email: Option<String>,
    password: Option<String>,
    flow_return_to: Option<String>,
}

#[derive(Serialize)]
struct Tokens {
    session_id: String,
    session_token: String,
    session_token_expiry: String,
    refresh_token: String,
    refresh_token_expiry: String,
}

/// RFC 3339 in UTC, as Go writes a `time.Time`.
fn rfc3339(unix_secs: i64) -> String {
    abdm_types::gateway::timestamp(unix_secs * 1000)
}

/// The session JWT's claims (`internal/tokens/tokens.go`).
#[derive(Serialize, Deserialize)]
struct SessionClaims {
    iss: String,
    sub: String,
    aud: Vec<String>,
    exp: i64,
    nbf: i64,
    iat: i64,
    jti: String,
    org_slug: String,
    org_name: String,
    org_id: String,
    email: String,
    email_verified: bool,
    user_fname: String,
    user_lname: String,
    user_org_role: String,
}

/// A new pair for `session_id`: the JWT (base64url-wrapped) and a refresh token.
fn issue(ctx: &Ctx, user: &User, org_id: &str, session_id: &str, now: i64) -> Option<(Tokens, String, String)> {
    let world = ctx.world();
    let org = world.auth_platform.orgs.get(org_id)?;
    let role = user.orgs.iter().find(|(id, _)| id == org_id)?.1.clone();
    let options = &ctx.auth_platform;
    let claims = SessionClaims {
        iss: ctx.urls.url() + "/nap",
        sub: user.id.clone(),
        aud: vec!["sunrise.example".into(), "auth.sunrise.example".into()],
        exp: now + options.session_ttl_secs,
        nbf: now - 300,
        iat: now,
        jti: session_id.to_owned(),
        org_slug: org.slug.clone(),
        org_name: org.name.clone(),
        org_id: org.id.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified,
        user_fname: user.first_name.clone(),
        user_lname: user.last_name.clone(),
        user_org_role: role,
    };
    drop(world);
    let session_token = URL_SAFE_NO_PAD.encode(ctx.staff_keys.sign_jwt(&claims));
    let refresh_token = random_token();
    let (token_hash, refresh_hash) = (sha256_hex(&session_token), sha256_hex(&refresh_token));
    let tokens = Tokens {
        session_id: session_id.to_owned(),
        session_token,
        session_token_expiry: rfc3339(now + options.session_ttl_secs),
        refresh_token,
        refresh_token_expiry: rfc3339(now + options.refresh_ttl_secs),
    };
    Some((tokens, token_hash, refresh_hash))
}

async fn login(State(ctx): State<Ctx>, bytes: Bytes) -> Response {
    let invalid = || refuse(StatusCode::BAD_REQUEST, "Invalid input data");
    let Ok(data) = serde_json::from_slice::<LoginData>(&bytes) else { return invalid() };
    let (Some(email), Some(password)) = (filled(&data.email), filled(&data.password)) else { return invalid() };
    if !is_email(email) {
        return invalid();
    }
    let now = ctx.now();
    let Some(user) = ctx.world().auth_platform.users.get(email).cloned() else {
        return refuse(StatusCode::UNAUTHORIZED, "Invalid email or password! Please try again.");
    };
    // Checked before the password, as the server does.
    if !user.email_verified {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({"message": "Please verify your email before logging in.", "requireEmailVerification": true})),
        )
            .into_response();
    }
    if !user.password_is(password) {
        return refuse(StatusCode::UNAUTHORIZED, "Invalid credentials! Please try again.");
    }
    match user.orgs.as_slice() {
        [] => {
            refuse(StatusCode::FORBIDDEN, "You do not belong to any organization! Please contact your administrator.")
        }
        [(org_id, _)] => {
            let session_id = uuid();
            let Some((tokens, token_hash, refresh_hash)) = issue(&ctx, &user, org_id, &session_id, now) else {
                return refuse(StatusCode::INTERNAL_SERVER_ERROR, GENERIC_500);
            };
            ctx.world().auth_platform.sessions.push(Session {
                id: session_id,
                user_id: user.id.clone(),
                org_id: org_id.clone(),
                token_hash,
                refresh_hash,
                expires_at: now + ctx.auth_platform.refresh_ttl_secs,
            });
            Json(json!({"message": "Login successful", "tokens": tokens, "requireEmailVerification": false}))
                .into_response()
        }
        several => {
            let id = uuid();
            let flow = Flow {
                id: id.clone(),
                user_id: user.id.clone(),
                email: user.email.clone(),
                org_ids: several.iter().map(|(org, _)| org.clone()).collect(),
                return_to: data.flow_return_to.clone(),
                created_at: now,
                expires_at: now + FLOW_TTL_SECS,
            };
            ctx.world().auth_platform.flows.insert(id.clone(), flow);
            Json(json!({
                "message": "Multiple organizations found. Please select an organization to continue.",
                "requireEmailVerification": false,
                "flowId": id,
            }))
            .into_response()
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

async fn refresh(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let Some(refresh_token) = header(&headers, "x-nap-refresh-token") else {
        return refuse(StatusCode::UNAUTHORIZED, "No refresh token provided");
    };
    let now = ctx.now();
    let hash = sha256_hex(refresh_token);
    // The session's own expiry is not checked: the server does not either.
    let Some(session) = ctx.world().auth_platform.sessions.iter().find(|s| s.refresh_hash == hash).cloned() else {
        return refuse(StatusCode::UNAUTHORIZED, "Invalid refresh token! Please login again.");
    };
    let user = ctx.world().auth_platform.user_by_id(&session.user_id).cloned();
    let Some(user) = user.filter(|u| u.orgs.iter().any(|(org, _)| org == &session.org_id)) else {
        return refuse(StatusCode::UNAUTHORIZED, "User or organization not found! Please login again.");
    };
    let Some((tokens, token_hash, refresh_hash)) = issue(&ctx, &user, &session.org_id, &session.id, now) else {
        return refuse(StatusCode::UNAUTHORIZED, "User or organization not found! Please login again.");
    };
    let refresh_ttl = ctx.auth_platform.refresh_ttl_secs;
    let mut world = ctx.world();
    if let Some(stored) = world.auth_platform.sessions.iter_mut().find(|s| s.id == session.id) {
        stored.token_hash = token_hash;
        stored.refresh_hash = refresh_hash;
        stored.expires_at = now + refresh_ttl;
    }
    Json(json!({"tokens": tokens})).into_response()
}

/// A session token the platform signed and whose `exp` (with the server's five
/// minutes of leeway) has not passed. Anything else is ignored, not refused.
fn valid_session_token(ctx: &Ctx, raw: &str) -> bool {
    let Some(jwt) = URL_SAFE_NO_PAD.decode(raw).ok().and_then(|b| String::from_utf8(b).ok()) else { return false };
    ctx.staff_keys.verify_jwt::<SessionClaims>(&jwt).is_some_and(|c| c.exp + 300 > ctx.now())
}

async fn logout(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let session = header(&headers, "x-nap-session-token").filter(|t| valid_session_token(&ctx, t));
    let refresh = header(&headers, "x-nap-refresh-token");
    let mut world = ctx.world();
    let sessions = &mut world.auth_platform.sessions;
    // A valid session token wins, and then the refresh token is not looked at.
    match (session, refresh) {
        (Some(token), _) => {
            let hash = sha256_hex(token);
            sessions.retain(|s| s.token_hash != hash);
        }
        (None, Some(refresh)) => {
            let hash = sha256_hex(refresh);
            sessions.retain(|s| s.refresh_hash != hash);
        }
        (None, None) => return refuse(StatusCode::UNAUTHORIZED, "No session or refresh token provided"),
    }
    Json(json!({"success": true, "message": "Session revoked successfully"})).into_response()
}

#[derive(Deserialize)]
struct EmailData {
    email: Option<String>,
}

async fn send_verification(State(ctx): State<Ctx>, bytes: Bytes) -> Response {
    let data = serde_json::from_slice::<EmailData>(&bytes).ok();
    let Some(email) = data.as_ref().and_then(|d| filled(&d.email)).filter(|e| is_email(e)) else {
        return refuse(StatusCode::BAD_REQUEST, "Invalid request data. Please check your input and try again.");
    };
    let now = ctx.now();
    let mut world = ctx.world();
    let platform = &mut world.auth_platform;
    let Some(user) = platform.users.get(email).cloned() else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "It seems the user with the provided email does not exist! Please check the email and try again.",
        );
    };
    if user.email_verified {
        return refuse(StatusCode::BAD_REQUEST, "The email is already verified!");
    }
    let token = platform.new_verify_token(&user.id, now);
    platform.mail.push(SentMail {
        to: user.email.clone(),
        subject: "Verify your email".to_owned(),
        link: format!("{VERIFY_LINK_BASE}?token={token}"),
        sent_at: now,
    });
    Json(json!({"success": true, "message": "Verification email sent successfully!"})).into_response()
}

#[derive(Deserialize)]
struct TokenData {
    token: Option<String>,
}

async fn verify_email(State(ctx): State<Ctx>, bytes: Bytes) -> Response {
    let data = serde_json::from_slice::<TokenData>(&bytes).ok();
    let Some(token) = data.as_ref().and_then(|d| filled(&d.token)) else {
        return refuse(StatusCode::BAD_REQUEST, "Invalid request data. Please check your input and try again.");
    };
    let now = ctx.now();
    let mut world = ctx.world();
    let platform = &mut world.auth_platform;
    let Some(user_id) = platform.verify_token_user(token, now) else {
        return refuse(StatusCode::BAD_REQUEST, "Invalid token! Please check the token and try again.");
    };
    // The token is not consumed: sending it again answers 200 again.
    if let Some(user) = platform.users.values_mut().find(|u| u.id == user_id) {
        user.email_verified = true;
    }
    Json(json!({"success": true, "message": "Email verified successfully!"})).into_response()
}

/// A moment as the flow record carries it: `time.Now()` in the server's zone
/// (IST here), not UTC.
fn local_time(unix_secs: i64) -> String {
    let ist = abdm_types::gateway::timestamp((unix_secs + 19_800) * 1000);
    ist.trim_end_matches('Z').to_owned() + "+05:30"
}

async fn flow(State(ctx): State<Ctx>, Path(flow_id): Path<String>) -> Response {
    let id = flow_id.trim().trim_end_matches('/');
    let now = ctx.now();
    let world = ctx.world();
    let platform = &world.auth_platform;
    let Some(flow) = platform.flows.get(id).filter(|f| f.expires_at > now) else {
        // This one is not filtered by the server: `debug` shows.
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"message": "Flow not found", "debug": "Not Found", "code": 400})),
        )
            .into_response();
    };
    let orgs: Vec<Value> = flow
        .org_ids
        .iter()
        .filter_map(|id| platform.orgs.get(id))
        .map(|org| {
            let mut value = json!({
                "id": org.id, "name": org.name, "slug": org.slug,
                "createdAt": local_time(org.created_at), "updatedAt": local_time(org.created_at),
            });
            if let Some(description) = &org.description {
                value["description"] = json!(description);
            }
            value
        })
        .collect();
    let mut body = json!({
        "id": flow.id, "type": "login", "userId": flow.user_id, "email": flow.email, "orgs": orgs,
        "mfaRequired": false, "mfaVerified": false,
        "createdAt": local_time(flow.created_at), "expiresAt": local_time(flow.expires_at),
    });
    if let Some(return_to) = &flow.return_to {
        body["returnTo"] = json!(return_to);
    }
    Json(body).into_response()
}
