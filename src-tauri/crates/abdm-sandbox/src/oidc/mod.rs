//! An OpenID Connect provider shaped like the seed's (Authentiq Connect:
//! `/authorize`, `/token`, `/userinfo`, keys at `/public-keys`, an issuer with a
//! trailing slash), mounted under `/oidc/`, with what a native app needs and
//! RFC 9700 asks of a provider: PKCE (S256 only; required of public clients),
//! loopback redirects on any port, single-use codes that expire in a minute,
//! refresh tokens that rotate (a reused one ends the whole grant), `iss` in the
//! authorization response (RFC 9207), and OAuth 2.0 error responses.
//!
//! `/authorize` shows a small login page in the person's browser; a session
//! cookie then lets them through without typing again unless `prompt=login`,
//! `prompt=consent` or an exceeded `max_age` says otherwise. `prompt=none`
//! without a session answers `login_required`.

mod page;
mod people;
pub mod state;

use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use people::seed;
use state::{
    ACCESS_TOKEN_TTL_SECS, AuthRequest, BrowserSession, CODE_TTL_SECS, Client, Code, Grant, ID_TOKEN_TTL_SECS,
    INTERACTION_TTL_SECS, Interaction, REFRESH_TOKEN_TTL_SECS, ResponseMode,
};

use crate::{
    auth_platform::state::{random_token, sha256_hex},
    ctx::Ctx,
};

const COOKIE: &str = "sbx_oidc";

pub(crate) fn router() -> Router<Ctx> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/public-keys", get(jwks))
        .route("/authorize", get(authorize).post(authorize_post))
        .route("/token", axum::routing::post(token))
        .route("/userinfo", get(userinfo))
}

/// The issuer, with Authentiq's trailing slash: clients must keep it exactly.
pub(crate) fn issuer(ctx: &Ctx) -> String {
    ctx.urls.oidc_issuer()
}

async fn discovery(State(ctx): State<Ctx>) -> Json<Value> {
    let issuer = issuer(&ctx);
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}authorize"),
        "token_endpoint": format!("{issuer}token"),
        "userinfo_endpoint": format!("{issuer}userinfo"),
        "jwks_uri": format!("{issuer}public-keys"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "name", "given_name", "family_name", "email", "email_verified"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent"],
        "display_values_supported": ["page", "popup", "modal"],
        "ui_locales_supported": ["en", "hi"],
        "authorization_response_iss_parameter_supported": true,
    }))
}

async fn jwks(State(ctx): State<Ctx>) -> Json<Value> {
    let (n, e) = ctx.staff_keys.public_numbers();
    Json(json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": ctx.staff_keys.kid(),
        "n": URL_SAFE_NO_PAD.encode(n), "e": URL_SAFE_NO_PAD.encode(e),
    }]}))
}

/// The seed's authorize parameters, plus PKCE's.
#[derive(Debug, Default, Deserialize)]
struct AuthorizeParams {
    client_id: Option<String>,
    response_type: Option<String>,
    scope: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    response_mode: Option<String>,
    nonce: Option<String>,
    display: Option<String>,
    prompt: Option<String>,
    max_age: Option<String>,
    ui_locales: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// Where an authorization answer goes: to the client's redirect URI, in the
/// requested response mode, always with `state` and `iss`.
fn answer(ctx: &Ctx, redirect_uri: &str, mode: ResponseMode, state: &str, params: &[(&str, &str)]) -> Response {
    let issuer = issuer(ctx);
    let mut all: Vec<(&str, &str)> = params.to_vec();
    all.push(("state", state));
    all.push(("iss", &issuer));
    match mode {
        ResponseMode::FormPost => Html(page::form_post(redirect_uri, &all)).into_response(),
        ResponseMode::Query | ResponseMode::Fragment => {
            let encoded = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(all).finish();
            let joiner = match mode {
                ResponseMode::Fragment => '#',
                _ if redirect_uri.contains('?') => '&',
                _ => '?',
            };
            Redirect::to(&format!("{redirect_uri}{joiner}{encoded}")).into_response()
        }
    }
}

fn error_page(status: StatusCode, message: &str) -> Response {
    (status, Html(page::error(message))).into_response()
}

async fn authorize(State(ctx): State<Ctx>, headers: HeaderMap, Query(params): Query<AuthorizeParams>) -> Response {
    start(&ctx, &headers, params)
}

/// `POST /authorize` is the login form's submission, or (as the seed allows)
/// an authorization request sent as a form.
async fn authorize_post(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    match field("interaction") {
        Some(id) => login(&ctx, &id, field("action").as_deref(), field("email"), field("password")),
        None => {
            let params = AuthorizeParams {
                client_id: field("client_id"),
                response_type: field("response_type"),
                scope: field("scope"),
                redirect_uri: field("redirect_uri"),
                state: field("state"),
                response_mode: field("response_mode"),
                nonce: field("nonce"),
                display: field("display"),
                prompt: field("prompt"),
                max_age: field("max_age"),
                ui_locales: field("ui_locales"),
                code_challenge: field("code_challenge"),
                code_challenge_method: field("code_challenge_method"),
            };
            start(&ctx, &headers, params)
        }
    }
}

fn start(ctx: &Ctx, headers: &HeaderMap, params: AuthorizeParams) -> Response {
    // Until the client and its redirect URI are known to be right, nothing is
    // sent anywhere (RFC 6749 §4.1.2.1): the person sees the error.
    let Some(client) = params.client_id.as_deref().and_then(state::client) else {
        return error_page(StatusCode::BAD_REQUEST, "Unknown client_id.");
    };
    let Some(redirect_uri) = params.redirect_uri.clone().filter(|uri| client.allows_redirect(uri)) else {
        return error_page(StatusCode::BAD_REQUEST, "This redirect_uri is not registered for the client.");
    };
    let mode = match params.response_mode.as_deref() {
        None | Some("query") => ResponseMode::Query,
        Some("fragment") => ResponseMode::Fragment,
        Some("form_post") => ResponseMode::FormPost,
        Some(_) => ResponseMode::Query,
    };
    let state = params.state.clone().unwrap_or_default();
    let refuse = |error: &str, description: &str| {
        answer(ctx, &redirect_uri, mode, &state, &[("error", error), ("error_description", description)])
    };
    if !matches!(params.response_mode.as_deref(), None | Some("query" | "fragment" | "form_post")) {
        return refuse("invalid_request", "response_mode must be query, fragment or form_post");
    }
    if params.response_type.as_deref() != Some("code") {
        return refuse("unsupported_response_type", "only the code flow is offered");
    }
    let scope: Vec<String> = params.scope.as_deref().unwrap_or("").split_whitespace().map(str::to_owned).collect();
    if !scope.iter().any(|s| s == "openid") {
        return refuse("invalid_scope", "the scope must include openid");
    }
    if state.is_empty() {
        return refuse("invalid_request", "state is required");
    }
    match (params.code_challenge.as_deref(), params.code_challenge_method.as_deref()) {
        (None, _) if client.secret.is_none() => return refuse("invalid_request", "PKCE is required (code_challenge)"),
        (Some(_), method) if method != Some("S256") => {
            return refuse("invalid_request", "code_challenge_method must be S256");
        }
        _ => {}
    }
    if !matches!(params.display.as_deref(), None | Some("page" | "popup" | "modal")) {
        return refuse("invalid_request", "display must be page, popup or modal");
    }
    let prompts: Vec<&str> = params.prompt.as_deref().unwrap_or("").split_whitespace().collect();
    if prompts.iter().any(|p| !matches!(*p, "none" | "login" | "consent"))
        || (prompts.contains(&"none") && prompts.len() > 1)
    {
        return refuse("invalid_request", "prompt must be none, or login and/or consent");
    }
    let max_age = match params.max_age.as_deref() {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(secs) if secs >= 0 => Some(secs),
            _ => return refuse("invalid_request", "max_age must be a number of seconds"),
        },
    };
    let request = AuthRequest {
        client_id: client.id.to_owned(),
        redirect_uri: redirect_uri.clone(),
        scope,
        state: state.clone(),
        nonce: params.nonce.clone(),
        code_challenge: params.code_challenge.clone(),
        response_mode: mode,
        max_age,
        hindi: params
            .ui_locales
            .as_deref()
            .is_some_and(|l| l.split_whitespace().next().is_some_and(|l| l.starts_with("hi"))),
    };
    let now = ctx.now();
    let session = browser_session(ctx, headers).filter(|s| max_age.is_none_or(|age| now - s.auth_time <= age));
    match session {
        Some(session) if !prompts.contains(&"login") && !prompts.contains(&"consent") => {
            issue_code(ctx, request, &session.sub, session.auth_time, None)
        }
        _ if prompts.contains(&"none") => refuse("login_required", "the person is not signed in here"),
        _ => {
            let id = random_token();
            let hindi = request.hindi;
            let client_id = request.client_id.clone();
            let scope = request.scope.clone();
            ctx.world()
                .oidc
                .interactions
                .insert(id.clone(), Interaction { request, expires_at: now + INTERACTION_TTL_SECS });
            Html(page::login(&id, &client_id, &scope, hindi, None)).into_response()
        }
    }
}

fn browser_session(ctx: &Ctx, headers: &HeaderMap) -> Option<BrowserSession> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    let value = cookies.split(';').filter_map(|c| c.trim().split_once('=')).find(|(k, _)| *k == COOKIE)?.1;
    ctx.world().oidc.browser_sessions.get(value).cloned()
}

/// The login form came back: sign the person in, or refuse, or they cancelled.
fn login(ctx: &Ctx, id: &str, action: Option<&str>, email: Option<String>, password: Option<String>) -> Response {
    let now = ctx.now();
    let interaction = ctx.world().oidc.interactions.get(id).filter(|i| i.expires_at > now).cloned();
    let Some(Interaction { request, .. }) = interaction else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in page has expired. Go back to the app and start again.",
        );
    };
    if action == Some("cancel") {
        ctx.world().oidc.interactions.remove(id);
        let (uri, mode, state) = (request.redirect_uri.clone(), request.response_mode, request.state.clone());
        return answer(
            ctx,
            &uri,
            mode,
            &state,
            &[("error", "access_denied"), ("error_description", "the person cancelled")],
        );
    }
    let email = email.unwrap_or_default();
    let account = ctx.world().oidc.accounts.get(email.trim()).cloned();
    let matches = account
        .as_ref()
        .is_some_and(|a| a.password_hash == sha256_hex(&format!("{}{}", a.salt, password.unwrap_or_default())));
    let Some(account) = account.filter(|_| matches) else {
        let page = page::login(id, &request.client_id, &request.scope, request.hindi, Some(&email));
        return (StatusCode::OK, Html(page)).into_response();
    };
    ctx.world().oidc.interactions.remove(id);
    let cookie = random_token();
    ctx.world()
        .oidc
        .browser_sessions
        .insert(cookie.clone(), BrowserSession { sub: account.sub.clone(), auth_time: now });
    issue_code(ctx, request, &account.sub, now, Some(cookie))
}

fn issue_code(ctx: &Ctx, request: AuthRequest, sub: &str, auth_time: i64, cookie: Option<String>) -> Response {
    let code = random_token();
    let (uri, mode, state) = (request.redirect_uri.clone(), request.response_mode, request.state.clone());
    let stored = Code {
        request,
        sub: sub.to_owned(),
        auth_time,
        grant_id: random_token(),
        expires_at: ctx.now() + CODE_TTL_SECS,
        used: false,
    };
    ctx.world().oidc.codes.insert(code.clone(), stored);
    let mut response = answer(ctx, &uri, mode, &state, &[("code", &code)]);
    if let Some(cookie) = cookie {
        let set = format!("{COOKIE}={cookie}; Path=/oidc/; HttpOnly; SameSite=Lax");
        if let Ok(value) = set.parse() {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

/// An OAuth 2.0 error response (RFC 6749 §5.2).
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (status, Json(json!({"error": error, "error_description": description}))).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Basic realm=\"oidc\""));
    }
    response
}

/// The client, from HTTP Basic (id and secret form-urlencoded first, RFC 6749
/// §2.3.1) or the body; a public client names itself and proves nothing.
/// `None`: `invalid_client`.
fn authenticate(headers: &HeaderMap, form: &[(String, String)]) -> Option<Client> {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let basic = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Basic "));
    let (id, secret) = match basic {
        Some(encoded) => {
            let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
            let (id, secret) = decoded.split_once(':')?;
            let unescape =
                |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
            (unescape(id)?, Some(unescape(secret)?))
        }
        None => (field("client_id")?, field("client_secret")),
    };
    let client = state::client(&id)?;
    match (client.secret, secret.as_deref()) {
        (None, None) => Some(client),
        (Some(expected), Some(given)) if expected == given => Some(client),
        _ => None,
    }
}

#[derive(Serialize)]
struct IdTokenClaims<'a> {
    iss: String,
    sub: &'a str,
    aud: Vec<&'a str>,
    azp: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_verified: Option<bool>,
    jti: String,
}

async fn token(State(ctx): State<Ctx>, headers: HeaderMap, Form(form): Form<Vec<(String, String)>>) -> Response {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let Some(client) = authenticate(&headers, &form) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "client authentication failed");
    };
    let grant = |description: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", description);
    let now = ctx.now();
    let (grant_of, nonce) = match field("grant_type").as_deref() {
        Some("authorization_code") => {
            let Some(code) = field("code") else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "code is required");
            };
            let Some(stored) = ctx.world().oidc.codes.get(&code).cloned() else { return grant("unknown code") };
            if stored.expires_at <= now {
                return grant("the code has expired");
            }
            if stored.request.client_id != client.id {
                return grant("the code was issued to another client");
            }
            if field("redirect_uri").as_deref() != Some(stored.request.redirect_uri.as_str()) {
                return grant("redirect_uri differs from the authorization request");
            }
            match (&stored.request.code_challenge, field("code_verifier")) {
                (Some(challenge), Some(verifier)) => {
                    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != *challenge {
                        return grant("the code_verifier does not match the code_challenge");
                    }
                }
                (Some(_), None) => return grant("code_verifier is required"),
                (None, Some(_)) => return grant("no code_challenge was sent for this code"),
                (None, None) => {}
            }
            // Checked last, as oidc-provider does: a failed attempt does not spend the code.
            let mut world = ctx.world();
            if let Some(spent) = world.oidc.codes.get_mut(&code) {
                if spent.used {
                    // A code used twice may be stolen: what it gave is withdrawn (RFC 6749 §4.1.2).
                    let grant_id = spent.grant_id.clone();
                    world.oidc.revoke(&grant_id);
                    return grant("the code was already used");
                }
                spent.used = true;
            }
            drop(world);
            let grant = Grant {
                grant_id: stored.grant_id.clone(),
                client_id: client.id.to_owned(),
                sub: stored.sub.clone(),
                scope: stored.request.scope.clone(),
                auth_time: stored.auth_time,
                expires_at: now + REFRESH_TOKEN_TTL_SECS,
            };
            (grant, stored.request.nonce.clone())
        }
        Some("refresh_token") => {
            let Some(refresh) = field("refresh_token") else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "refresh_token is required");
            };
            let mut world = ctx.world();
            let hash = sha256_hex(&refresh);
            let Some((stored, used)) = world.oidc.refresh_tokens.get(&hash).cloned() else {
                return grant("unknown or revoked refresh token");
            };
            if used {
                world.oidc.revoke(&stored.grant_id);
                return grant("the refresh token was already used; the grant is revoked");
            }
            if stored.client_id != client.id {
                return grant("the refresh token was issued to another client");
            }
            if stored.expires_at <= now {
                return grant("the refresh token has expired");
            }
            world.oidc.refresh_tokens.insert(hash, (stored.clone(), true));
            (Grant { expires_at: now + REFRESH_TOKEN_TTL_SECS, ..stored }, None)
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "authorization_code or refresh_token",
            );
        }
    };
    let Some(account) = ctx.world().oidc.accounts.values().find(|a| a.sub == grant_of.sub).cloned() else {
        return grant("the account no longer exists");
    };
    let has = |scope: &str| grant_of.scope.iter().any(|s| s == scope);
    let claims = IdTokenClaims {
        iss: issuer(&ctx),
        sub: &account.sub,
        aud: vec![client.id],
        azp: client.id,
        exp: now + ID_TOKEN_TTL_SECS,
        iat: now,
        auth_time: grant_of.auth_time,
        nonce: nonce.as_deref(),
        name: has("profile").then(|| account.name()),
        given_name: has("profile").then_some(account.given_name.as_str()),
        family_name: has("profile").then_some(account.family_name.as_str()),
        email: has("email").then_some(account.email.as_str()),
        email_verified: has("email").then_some(true),
        jti: random_token(),
    };
    let id_token = ctx.staff_keys.sign_jwt(&claims);
    let (access, refresh) = (random_token(), random_token());
    let mut world = ctx.world();
    world
        .oidc
        .access_tokens
        .insert(sha256_hex(&access), Grant { expires_at: now + ACCESS_TOKEN_TTL_SECS, ..grant_of.clone() });
    world.oidc.refresh_tokens.insert(sha256_hex(&refresh), (grant_of.clone(), false));
    let body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_TTL_SECS,
        // Authentiq's own addition: seconds since the epoch.
        "expires_at": now + ACCESS_TOKEN_TTL_SECS,
        "id_token": id_token,
        "refresh_token": refresh,
        "scope": grant_of.scope.join(" "),
    });
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

async fn userinfo(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let unauthorized = |description: &str| {
        let mut response =
            (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_token", "error_description": description})))
                .into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer error=\"invalid_token\""));
        response
    };
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let Some(token) = bearer.map(str::trim) else { return unauthorized("a bearer access token is required") };
    let now = ctx.now();
    let world = ctx.world();
    let Some(grant) = world.oidc.access_tokens.get(&sha256_hex(token)).filter(|g| g.expires_at > now) else {
        return unauthorized("the access token is unknown, expired or revoked");
    };
    let Some(account) = world.oidc.accounts.values().find(|a| a.sub == grant.sub) else {
        return unauthorized("the account no longer exists");
    };
    let has = |scope: &str| grant.scope.iter().any(|s| s == scope);
    let mut body = json!({"sub": account.sub});
    if has("profile") {
        body["name"] = json!(account.name());
        body["given_name"] = json!(account.given_name);
        body["family_name"] = json!(account.family_name);
    }
    if has("email") {
        body["email"] = json!(account.email);
        body["email_verified"] = json!(true);
    }
    Json(body).into_response()
}
