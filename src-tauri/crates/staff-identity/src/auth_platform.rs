//! The clinic's auth platform (NBRGLM Auth Platform, SDK v0.0.1): one method per
//! endpoint. `X-NAP-API-Key` goes on every call (the SDK declares it on none).
//! Tokens are opaque strings, sent back exactly as received.
//!
//! The platform answers errors with a status and a sentence, no codes: a
//! refusal is classified by the endpoint, the status and the platform's own
//! sentence (they are fixed strings in its source), so callers branch on
//! [`Refusal`], never on text.

use std::time::Duration;

use abdm_types::{BaseUrl, Email, Sensitive};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::json;

use crate::unix_seconds;

const API_KEY: &str = "X-NAP-API-Key";
const SESSION_TOKEN: &str = "X-NAP-Session-Token";
const REFRESH_TOKEN: &str = "X-NAP-Refresh-Token";

/// A client of one auth platform.
#[derive(Clone)]
pub struct AuthPlatform {
    http: reqwest::Client,
    base: BaseUrl,
    api_key: Sensitive<String>,
}

impl std::fmt::Debug for AuthPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthPlatform").field("base", &self.base).finish_non_exhaustive()
    }
}

/// Why the platform said no, by what the person can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The API key is missing or wrong (the installation's fault, not the person's).
    ApiKey,
    /// Too many requests from this computer just now.
    RateLimited,
    /// A field is missing or breaks the platform's rules.
    InvalidInput,
    EmailTaken,
    /// Sign-up with no invite, from a domain no clinic takes automatically.
    NoClinicForEmail,
    InvalidInvite,
    /// Login: no account with this email, or the wrong password.
    WrongCredentials,
    EmailNotVerified,
    /// The account belongs to no clinic.
    NoClinic,
    /// Refresh: the refresh token is unknown, rotated away or logged out, or
    /// the membership behind it is gone. Sign in again.
    SessionEnded,
    /// Verification email: there is no account with this email.
    UnknownEmail,
    AlreadyVerified,
    /// The verification token is unknown or older than 24 hours.
    InvalidVerificationToken,
    FlowNotFound,
    /// The platform does not serve `GET /api/auth/flow/{id}` (the released
    /// server does not route it).
    FlowsNotServed,
    /// A 5xx, or anything not in the platform's documentation.
    Unexpected,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthPlatformError {
    #[error("the auth platform could not be reached")]
    Unreachable(#[source] reqwest::Error),
    #[error("the auth platform did not answer in time")]
    Timeout(#[source] reqwest::Error),
    /// `message` is the platform's sentence, for the log.
    #[error("the auth platform refused (HTTP {status}: {message})")]
    Refused { status: u16, refusal: Refusal, message: String },
    #[error("the auth platform's reply could not be read (HTTP {status})")]
    Malformed {
        status: u16,
        #[source]
        source: serde_json::Error,
    },
    #[error("the HTTP client could not be built")]
    Build(#[source] reqwest::Error),
}

impl AuthPlatformError {
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            AuthPlatformError::Refused { refusal, .. } => Some(*refusal),
            _ => None,
        }
    }

    fn from_reqwest(err: reqwest::Error) -> Self {
        if err.is_timeout() { AuthPlatformError::Timeout(err) } else { AuthPlatformError::Unreachable(err) }
    }
}

/// A session as the platform hands it out: both tokens are opaque and rotate
/// together on refresh.
#[derive(Debug, Clone)]
pub struct NapTokens {
    pub session_id: String,
    pub session_token: Sensitive<String>,
    /// Unix seconds.
    pub session_expires_at: i64,
    pub refresh_token: Sensitive<String>,
    pub refresh_expires_at: i64,
}

/// Who signed in, read from the session token's claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NapStaff {
    /// The platform's user id (`sub`).
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub clinic: String,
}

#[derive(Deserialize)]
struct SessionClaims {
    sub: String,
    #[serde(default)]
    user_fname: String,
    #[serde(default)]
    user_lname: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    org_name: String,
}

impl NapTokens {
    /// The member of staff the session is for. The platform has no profile
    /// endpoint and publishes no key for its tokens: the claims are read, not
    /// verified, from a token that came straight from the platform over TLS
    /// (and is checked by the platform whenever it is used).
    pub fn staff(&self) -> Option<NapStaff> {
        let jwt = String::from_utf8(URL_SAFE_NO_PAD.decode(self.session_token.expose().trim()).ok()?).ok()?;
        let payload = jwt.split('.').nth(1)?;
        let claims: SessionClaims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        Some(NapStaff {
            id: claims.sub,
            first_name: claims.user_fname,
            last_name: claims.user_lname,
            email: claims.email,
            clinic: claims.org_name,
        })
    }
}

/// What a login gave.
#[derive(Debug)]
pub enum Login {
    SignedIn(NapTokens),
    /// The person works at more than one clinic; the platform made a flow to
    /// choose one (and documents no call that finishes it).
    ChooseClinic {
        flow_id: String,
    },
}

/// A login flow as `GET /api/auth/flow/{flowId}` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub id: String,
    pub clinics: Vec<String>,
    /// Unix seconds.
    pub expires_at: Option<i64>,
}

/// What the sign-up form sends.
#[derive(Debug)]
pub struct Signup<'a> {
    pub email: &'a Email,
    pub password: &'a Sensitive<String>,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub invite_token: Option<&'a Sensitive<String>>,
}

#[derive(Deserialize)]
struct WireTokens {
    session_id: String,
    session_token: String,
    session_token_expiry: String,
    refresh_token: String,
    refresh_token_expiry: String,
}

impl TryFrom<WireTokens> for NapTokens {
    type Error = String;

    fn try_from(wire: WireTokens) -> Result<Self, String> {
        let time = |raw: &str| unix_seconds(raw).ok_or_else(|| "an expiry is not an RFC 3339 time".to_owned());
        Ok(NapTokens {
            session_expires_at: time(&wire.session_token_expiry)?,
            refresh_expires_at: time(&wire.refresh_token_expiry)?,
            session_id: wire.session_id,
            session_token: Sensitive::new(wire.session_token),
            refresh_token: Sensitive::new(wire.refresh_token),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginResult {
    #[serde(default)]
    tokens: Option<WireTokens>,
    #[serde(default)]
    flow_id: Option<String>,
}

#[derive(Deserialize)]
struct RefreshResult {
    tokens: WireTokens,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFlow {
    id: String,
    #[serde(default)]
    orgs: Vec<WireOrg>,
    #[serde(default)]
    expires_at: Option<String>,
}

#[derive(Deserialize)]
struct WireOrg {
    name: String,
}

/// The endpoint a refusal came from: the same status means different things
/// at different endpoints.
#[derive(Debug, Clone, Copy)]
enum Endpoint {
    Signup,
    Login,
    Refresh,
    Logout,
    SendVerification,
    Verify,
    Flow,
}

/// The platform's sentence in an error body (`{message, debug, code}`, or
/// `{error}` from the API-key check), or the body itself when it is text.
fn sentence(body: &str) -> String {
    #[derive(Deserialize)]
    struct Body {
        message: Option<String>,
        error: Option<String>,
    }
    match serde_json::from_str::<Body>(body) {
        Ok(Body { message: Some(m), .. } | Body { error: Some(m), .. }) => m,
        _ => body.chars().take(200).collect(),
    }
}

/// The 403 of an unverified email is a `UserLoginResult`, not an error body.
fn asks_for_verification(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body).is_ok_and(|v| v["requireEmailVerification"] == true)
}

fn classify(endpoint: Endpoint, status: StatusCode, message: &str, body: &str) -> Refusal {
    use Endpoint::*;
    let says = |start: &str| message.starts_with(start);
    match (endpoint, status.as_u16()) {
        (_, 429) => Refusal::RateLimited,
        // The API-key check answers `{"error": …}`, before any handler.
        (_, 401) if says("Missing API key") || says("Invalid API key") => Refusal::ApiKey,
        (Signup, 400) if says("Email is already registered") => Refusal::EmailTaken,
        (Signup, 401) if says("Email is not associated") => Refusal::NoClinicForEmail,
        (Signup, 401) if says("Invalid invite token") => Refusal::InvalidInvite,
        (Verify, 400) if says("Invalid token") || says("The token has expired") => Refusal::InvalidVerificationToken,
        (Signup | Login | SendVerification | Verify, 400) if says("Invalid") => Refusal::InvalidInput,
        (Login, 401) => Refusal::WrongCredentials,
        (Login, 403) if asks_for_verification(body) => Refusal::EmailNotVerified,
        (Login, 403) => Refusal::NoClinic,
        (Refresh | Logout, 400 | 401) => Refusal::SessionEnded,
        (SendVerification, 400) if says("It seems the user") => Refusal::UnknownEmail,
        (SendVerification, 400) if says("The email is already verified") => Refusal::AlreadyVerified,
        (Flow, 400) => Refusal::FlowNotFound,
        (Flow, 404) => Refusal::FlowsNotServed,
        _ => Refusal::Unexpected,
    }
}

impl AuthPlatform {
    /// `base` is where the platform serves `/api/auth/…` (e.g.
    /// `https://auth.clinic.example/`).
    pub fn new(base: BaseUrl, api_key: Sensitive<String>) -> Result<Self, AuthPlatformError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(AuthPlatformError::Build)?;
        Ok(Self { http, base, api_key })
    }

    pub fn base(&self) -> &BaseUrl {
        &self.base
    }

    async fn call<T: DeserializeOwned>(
        &self,
        endpoint: Endpoint,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        headers: &[(&str, &Sensitive<String>)],
    ) -> Result<T, AuthPlatformError> {
        let mut request = self
            .http
            .request(method, self.base.endpoint(path))
            .header(API_KEY, self.api_key.expose().as_str())
            .header("accept", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value.expose().as_str());
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.map_err(AuthPlatformError::from_reqwest)?;
        let status = response.status();
        let text = response.text().await.map_err(AuthPlatformError::from_reqwest)?;
        if !status.is_success() {
            let message = sentence(&text);
            let refusal = classify(endpoint, status, &message, &text);
            return Err(AuthPlatformError::Refused { status: status.as_u16(), refusal, message });
        }
        serde_json::from_str(&text).map_err(|source| AuthPlatformError::Malformed { status: status.as_u16(), source })
    }

    fn tokens(wire: WireTokens) -> Result<NapTokens, AuthPlatformError> {
        NapTokens::try_from(wire).map_err(|reason| AuthPlatformError::Malformed {
            status: 200,
            source: <serde_json::Error as serde::de::Error>::custom(reason),
        })
    }

    /// `POST /api/auth/signup`; the new account's id. No tokens, and no email
    /// is sent: call [`Self::send_verification`].
    pub async fn signup(&self, form: &Signup<'_>) -> Result<String, AuthPlatformError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct SignupResult {
            user_id: String,
        }
        let mut body = json!({
            "email": form.email.expose(),
            "password": form.password.expose(),
            "confirmPassword": form.password.expose(),
            "firstName": form.first_name,
            "lastName": form.last_name,
        });
        if let Some(invite) = form.invite_token {
            body["inviteToken"] = json!(invite.expose());
        }
        let result: SignupResult =
            self.call(Endpoint::Signup, Method::POST, "api/auth/signup", Some(body), &[]).await?;
        Ok(result.user_id)
    }

    /// `POST /api/auth/login`.
    pub async fn login(&self, email: &Email, password: &Sensitive<String>) -> Result<Login, AuthPlatformError> {
        let body = json!({"email": email.expose(), "password": password.expose()});
        let result: LoginResult = self.call(Endpoint::Login, Method::POST, "api/auth/login", Some(body), &[]).await?;
        match (result.tokens, result.flow_id) {
            (Some(tokens), _) => Ok(Login::SignedIn(Self::tokens(tokens)?)),
            (None, Some(flow_id)) => Ok(Login::ChooseClinic { flow_id }),
            (None, None) => Err(AuthPlatformError::Malformed {
                status: 200,
                source: <serde_json::Error as serde::de::Error>::custom("neither tokens nor a flowId"),
            }),
        }
    }

    /// `POST /api/auth/refresh`: a new pair; the old refresh token stops working.
    pub async fn refresh(&self, refresh_token: &Sensitive<String>) -> Result<NapTokens, AuthPlatformError> {
        let result: RefreshResult = self
            .call(Endpoint::Refresh, Method::POST, "api/auth/refresh", None, &[(REFRESH_TOKEN, refresh_token)])
            .await?;
        Self::tokens(result.tokens)
    }

    /// `POST /api/auth/logout` with the refresh token only: a session token that
    /// is still valid would win over it, and a stale one would make the call a
    /// silent no-op.
    pub async fn logout(&self, refresh_token: &Sensitive<String>) -> Result<(), AuthPlatformError> {
        let _: serde_json::Value = self
            .call(Endpoint::Logout, Method::POST, "api/auth/logout", None, &[(REFRESH_TOKEN, refresh_token)])
            .await?;
        Ok(())
    }

    /// `POST /api/auth/logout` with the session token: how the platform is told
    /// to end one session by the token in use (tests use it to show that a
    /// valid session token wins over the refresh token).
    pub async fn logout_session(&self, session_token: &Sensitive<String>) -> Result<(), AuthPlatformError> {
        let _: serde_json::Value = self
            .call(Endpoint::Logout, Method::POST, "api/auth/logout", None, &[(SESSION_TOKEN, session_token)])
            .await?;
        Ok(())
    }

    /// `POST /api/auth/verify-email/send`: a new link (earlier ones stay valid).
    pub async fn send_verification(&self, email: &Email) -> Result<(), AuthPlatformError> {
        let body = json!({"email": email.expose()});
        let _: serde_json::Value =
            self.call(Endpoint::SendVerification, Method::POST, "api/auth/verify-email/send", Some(body), &[]).await?;
        Ok(())
    }

    /// `POST /api/auth/verify-email/verify` with the token from the link.
    pub async fn verify_email(&self, token: &Sensitive<String>) -> Result<(), AuthPlatformError> {
        let body = json!({"token": token.expose()});
        let _: serde_json::Value =
            self.call(Endpoint::Verify, Method::POST, "api/auth/verify-email/verify", Some(body), &[]).await?;
        Ok(())
    }

    /// `GET /api/auth/flow/{flowId}`: the clinics a login flow offers.
    pub async fn flow(&self, flow_id: &str) -> Result<Flow, AuthPlatformError> {
        let path =
            format!("api/auth/flow/{}", url::form_urlencoded::byte_serialize(flow_id.as_bytes()).collect::<String>());
        let wire: WireFlow = self.call(Endpoint::Flow, Method::GET, &path, None, &[]).await?;
        Ok(Flow {
            id: wire.id,
            clinics: wire.orgs.into_iter().map(|o| o.name).collect(),
            expires_at: wire.expires_at.as_deref().and_then(unix_seconds),
        })
    }
}

/// The token in a verification link (`…/verify-email?token=…`), or the text
/// itself when it is a bare token. `None` when it is neither.
pub fn verification_token(pasted: &str) -> Option<Sensitive<String>> {
    let pasted = pasted.trim();
    let token = match url::Url::parse(pasted) {
        Ok(link) => link.query_pairs().find(|(k, _)| k == "token").map(|(_, v)| v.into_owned())?,
        Err(_) => pasted.to_owned(),
    };
    let plausible = (16..=512).contains(&token.len())
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'='));
    plausible.then(|| Sensitive::new(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_read_from_the_link_or_taken_as_it_is() {
        let token = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";
        let link = format!("https://auth.sunrise.example/auth/verify-email?token={token}");
        assert_eq!(verification_token(&link).unwrap().expose(), token);
        assert_eq!(verification_token(&format!("  {token}\n")).unwrap().expose(), token);
        assert!(verification_token("https://auth.sunrise.example/auth/verify-email").is_none());
        assert!(verification_token("short").is_none());
        assert!(verification_token("has spaces in it and is long enough").is_none());
    }

    #[test]
    fn refusals_are_told_apart_by_endpoint_status_and_sentence() {
        let r =
            |e, s: u16, m: &str| classify(e, StatusCode::from_u16(s).unwrap(), m, &format!(r#"{{"message":"{m}"}}"#));
        assert_eq!(r(Endpoint::Login, 401, "Missing API key"), Refusal::ApiKey);
        assert_eq!(r(Endpoint::Login, 401, "Invalid credentials! Please try again."), Refusal::WrongCredentials);
        assert_eq!(r(Endpoint::Signup, 400, "Invalid request data"), Refusal::InvalidInput);
        assert_eq!(r(Endpoint::Signup, 400, "Email is already registered! Please login"), Refusal::EmailTaken);
        assert_eq!(r(Endpoint::Login, 403, "You do not belong to any organization!"), Refusal::NoClinic);
        assert_eq!(r(Endpoint::Flow, 404, "404 page not found"), Refusal::FlowsNotServed);
        assert_eq!(r(Endpoint::Verify, 500, "An error occurred"), Refusal::Unexpected);
        let unverified = r#"{"message":"Please verify your email before logging in.","requireEmailVerification":true}"#;
        assert_eq!(
            classify(Endpoint::Login, StatusCode::FORBIDDEN, &sentence(unverified), unverified),
            Refusal::EmailNotVerified
        );
    }
}
