//! Staff sign-in with an OpenID Connect provider, as a native app must do it
//! (RFC 8252, RFC 9700): the authorization-code flow in the system browser,
//! a loopback redirect on an ephemeral port, PKCE S256, `state` and `nonce`,
//! the `iss` response parameter (RFC 9207), then the code exchange, the ID
//! token's full validation and `userinfo`. Discovery, PKCE and the ID-token
//! checks are the `openidconnect` crate's; this module only wires them.

use std::{sync::Arc, time::Duration};

use abdm_types::Sensitive;
use openidconnect::{
    AdditionalProviderMetadata, AuthType, AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, LanguageTag, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata, RedirectUrl, RefreshToken, RequestTokenError, Scope,
    TokenResponse,
    core::{
        CoreAuthDisplay, CoreAuthPrompt, CoreClaimName, CoreClaimType, CoreClient, CoreClientAuthMethod, CoreGrantType,
        CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreResponseMode,
        CoreResponseType, CoreSubjectIdentifierType, CoreUserInfoClaims,
    },
};
use serde::{Deserialize, Serialize};

use crate::loopback::Loopback;

/// "Now" in Unix seconds, passed in: ID-token expiry is judged with it.
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

/// How the app proves itself at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// A public client: PKCE only, no secret (what RFC 8252 asks of a desktop app).
    None,
    /// `client_secret_basic`.
    Basic,
    /// `client_secret_post`.
    Post,
}

/// How the provider returns the answer to the loopback listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    /// In the redirect's query (the default; not sent).
    Query,
    /// Posted as a form (OAuth 2.0 Form Post Response Mode). `fragment` is not
    /// offered: a fragment never reaches a server, loopback or not.
    FormPost,
}

/// The seed's `prompt` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// Only if already signed in at the provider; never shows a page.
    None,
    /// Ask for the password again (unlocking the desk).
    Login,
    /// Ask the person to confirm what is shared.
    Consent,
}

/// One provider as the clinic configured it.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// Exactly as the provider writes it, trailing slash included.
    pub issuer: String,
    pub client_id: String,
    /// From the keyring, when the provider requires one.
    pub client_secret: Option<Sensitive<String>>,
    pub auth: ClientAuth,
    /// Besides `openid`.
    pub scopes: Vec<String>,
    pub response_mode: ResponseMode,
    /// Seconds since the person last typed their password at the provider,
    /// beyond which the provider must ask again (`max_age`); the ID token's
    /// `auth_time` is then checked against it.
    pub max_age: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the provider's configuration could not be used: {0}")]
    Discovery(String),
    #[error("the sign-in listener could not start")]
    Listener(#[source] std::io::Error),
    /// The person cancelled, here or at the provider (`access_denied`).
    #[error("the sign-in was cancelled")]
    Cancelled,
    /// Nothing came back in time: the browser was closed, or left.
    #[error("no answer came back from the browser in time")]
    TimedOut,
    /// An answer whose `state` is not this sign-in's.
    #[error("an answer for another sign-in arrived")]
    StateMismatch,
    #[error("the answer names another issuer")]
    IssuerMismatch,
    /// The provider answered the authorization request with an error.
    #[error("the provider refused the sign-in: {error}")]
    Refused { error: String },
    /// The token endpoint answered with an OAuth error (`invalid_grant`, …).
    #[error("the provider refused the token request: {error}")]
    TokenRefused { error: String },
    #[error("the ID token is not valid: {0}")]
    IdToken(String),
    #[error("the provider's answer could not be read: {0}")]
    Malformed(String),
}

/// What the clinic's provider says about a member of staff.
#[derive(Debug, Clone)]
pub struct OidcSignIn {
    /// `sub`: stable per person at this provider.
    pub subject: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub tokens: OidcTokens,
}

#[derive(Debug, Clone)]
pub struct OidcTokens {
    pub access_token: Sensitive<String>,
    /// Used, and replaced, when offered.
    pub refresh_token: Option<Sensitive<String>>,
    /// When the access token lapses (Unix seconds); `None` if not said.
    pub expires_at: Option<i64>,
    /// The ID token's subject, when one came (always after a code exchange).
    pub subject: Option<String>,
}

/// A sign-in begun: the browser is to be sent to `url`; the listener waits.
#[derive(Debug)]
pub struct PendingSignIn {
    pub url: url::Url,
    state: CsrfToken,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
    redirect_uri: RedirectUrl,
    loopback: Loopback,
}

/// RFC 9207's discovery flag, which the core metadata does not read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct IssParameter {
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}
impl AdditionalProviderMetadata for IssParameter {}

type Metadata = ProviderMetadata<
    IssParameter,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

type DeskClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// A discovered provider, ready for sign-ins.
#[derive(Clone)]
pub struct Oidc {
    client: DeskClient,
    http: reqwest::Client,
    settings: OidcSettings,
    sends_iss: bool,
    now: Now,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc").field("issuer", &self.settings.issuer).finish_non_exhaustive()
    }
}

fn unreachable<E: std::error::Error>(err: E) -> OidcError {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    OidcError::Unreachable(text)
}

fn token_error<RE: std::error::Error + 'static>(
    err: RequestTokenError<RE, openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>>,
) -> OidcError {
    match err {
        RequestTokenError::ServerResponse(response) => {
            OidcError::TokenRefused { error: response.error().as_ref().to_owned() }
        }
        RequestTokenError::Request(err) => unreachable(err),
        RequestTokenError::Parse(err, _) => OidcError::Malformed(err.to_string()),
        RequestTokenError::Other(text) => OidcError::Malformed(text),
    }
}

impl Oidc {
    /// Reads the provider's discovery document and keys. The HTTP client does
    /// not follow redirects (the crate's SSRF warning).
    pub async fn discover(settings: OidcSettings, now: Now) -> Result<Self, OidcError> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(unreachable)?;
        let issuer = IssuerUrl::new(settings.issuer.clone()).map_err(|e| OidcError::Discovery(e.to_string()))?;
        let metadata = Metadata::discover_async(issuer, &http).await.map_err(|err| match err {
            openidconnect::DiscoveryError::Request(err) => unreachable(err),
            other => OidcError::Discovery(other.to_string()),
        })?;
        let sends_iss = metadata.additional_metadata().authorization_response_iss_parameter_supported;
        let secret = settings.client_secret.as_ref().map(|s| ClientSecret::new(s.expose().clone()));
        let client = CoreClient::from_provider_metadata(metadata, ClientId::new(settings.client_id.clone()), secret)
            .set_auth_type(match settings.auth {
                ClientAuth::Post => AuthType::RequestBody,
                ClientAuth::None | ClientAuth::Basic => AuthType::BasicAuth,
            });
        Ok(Self { client, http, settings, sends_iss, now })
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    /// Opens the loopback listener and makes the authorization URL.
    /// `prompt: Some(Prompt::Login)` makes the provider ask for the password
    /// again; `ui_locale` is the app's language.
    pub async fn begin(&self, prompt: Option<Prompt>, ui_locale: Option<&str>) -> Result<PendingSignIn, OidcError> {
        let state = CsrfToken::new_random();
        let hindi = ui_locale.is_some_and(|l| l.starts_with("hi"));
        let loopback = Loopback::open(state.secret().clone(), hindi).await.map_err(OidcError::Listener)?;
        let redirect_uri =
            RedirectUrl::new(loopback.redirect_uri()).map_err(|e| OidcError::Discovery(e.to_string()))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state_for_url = state.clone();
        let mut request = self
            .client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                move || state_for_url,
                Nonce::new_random,
            )
            .set_redirect_uri(std::borrow::Cow::Owned(redirect_uri.clone()))
            .set_pkce_challenge(challenge)
            .set_display(CoreAuthDisplay::Page)
            .add_scopes(self.settings.scopes.iter().cloned().map(Scope::new));
        if let Some(prompt) = prompt {
            request = request.add_prompt(match prompt {
                Prompt::None => CoreAuthPrompt::None,
                Prompt::Login => CoreAuthPrompt::Login,
                Prompt::Consent => CoreAuthPrompt::Consent,
            });
        }
        if let Some(max_age) = self.settings.max_age {
            request = request.set_max_age(Duration::from_secs(max_age));
        }
        if let Some(locale) = ui_locale {
            request = request.add_ui_locale(LanguageTag::new(locale.to_owned()));
        }
        if self.settings.response_mode == ResponseMode::FormPost {
            request = request.add_extra_param("response_mode", "form_post");
        }
        let (url, state, nonce) = request.url();
        Ok(PendingSignIn { url, state, nonce, verifier, redirect_uri, loopback })
    }

    /// Waits for the browser to come back (at most `wait`, or until
    /// `cancelled` resolves), then checks the answer, exchanges the code,
    /// validates the ID token and asks `userinfo` for the name and email.
    pub async fn finish(
        &self,
        pending: PendingSignIn,
        wait: Duration,
        cancelled: impl Future<Output = ()>,
    ) -> Result<OidcSignIn, OidcError> {
        let PendingSignIn { state, nonce, verifier, redirect_uri, loopback, .. } = pending;
        let answer = tokio::select! {
            answer = tokio::time::timeout(wait, loopback.answer()) => answer.map_err(|_| OidcError::TimedOut)?,
            () = cancelled => return Err(OidcError::Cancelled),
        };
        let answer = answer.ok_or(OidcError::Cancelled)?;
        if answer.get("state").map(String::as_bytes) != Some(state.secret().as_bytes()) {
            return Err(OidcError::StateMismatch);
        }
        match answer.get("iss") {
            Some(iss) if iss != &self.settings.issuer => return Err(OidcError::IssuerMismatch),
            None if self.sends_iss => return Err(OidcError::IssuerMismatch),
            _ => {}
        }
        if let Some(error) = answer.get("error") {
            return Err(match error.as_str() {
                "access_denied" => OidcError::Cancelled,
                other => OidcError::Refused { error: other.to_owned() },
            });
        }
        let code = answer.get("code").ok_or_else(|| OidcError::Malformed("the answer has no code".into()))?;
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.clone()))
            .map_err(|e| OidcError::Discovery(e.to_string()))?
            .set_pkce_verifier(verifier)
            .set_redirect_uri(std::borrow::Cow::Owned(redirect_uri))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let id_token = response.id_token().ok_or_else(|| OidcError::IdToken("no ID token came".into()))?;
        let verifier = self.id_token_verifier();
        let claims = id_token.claims(&verifier, &nonce).map_err(|e| OidcError::IdToken(e.to_string()))?;
        self.check_access_token_hash(&response, id_token, claims)?;
        let subject = claims.subject().to_string();
        let user_info: CoreUserInfoClaims = self
            .client
            .user_info(response.access_token().clone(), Some(claims.subject().clone()))
            .map_err(|e| OidcError::Discovery(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(|err| match err {
                openidconnect::UserInfoError::Request(err) => unreachable(err),
                other => OidcError::Malformed(other.to_string()),
            })?;
        let name = user_info.name().or(claims.name()).and_then(|n| n.get(None)).map(|n| n.to_string());
        let email = user_info.email().or(claims.email()).map(|e| e.to_string());
        Ok(OidcSignIn { subject: subject.clone(), name, email, tokens: self.tokens(&response, Some(subject)) })
    }

    fn id_token_verifier(&self) -> openidconnect::core::CoreIdTokenVerifier<'_> {
        let now = self.now.clone();
        let max_age = self.settings.max_age;
        let verifier = self
            .client
            .id_token_verifier()
            .set_time_fn(move || chrono::DateTime::from_timestamp(now(), 0).unwrap_or_default());
        let now = self.now.clone();
        verifier.set_auth_time_verifier_fn(move |auth_time| match (max_age, auth_time) {
            (None, _) => Ok(()),
            (Some(_), None) => Err("max_age was asked for but the ID token has no auth_time".to_owned()),
            (Some(max_age), Some(at)) => {
                // A minute of leeway for clocks that differ a little.
                let age = now() - at.timestamp();
                if age <= max_age as i64 + 60 { Ok(()) } else { Err(format!("signed in {age} s ago")) }
            }
        })
    }

    /// `at_hash` is optional in the code flow; when it is there it must match.
    fn check_access_token_hash(
        &self,
        response: &openidconnect::core::CoreTokenResponse,
        id_token: &openidconnect::core::CoreIdToken,
        claims: &openidconnect::core::CoreIdTokenClaims,
    ) -> Result<(), OidcError> {
        let Some(expected) = claims.access_token_hash() else { return Ok(()) };
        let verifier = self.id_token_verifier();
        let bad = |e: String| OidcError::IdToken(e);
        let alg = id_token.signing_alg().map_err(|e| bad(e.to_string()))?;
        let key = id_token.signing_key(&verifier).map_err(|e| bad(e.to_string()))?;
        let actual = openidconnect::AccessTokenHash::from_token(response.access_token(), alg, key)
            .map_err(|e| bad(e.to_string()))?;
        if &actual == expected { Ok(()) } else { Err(bad("at_hash does not match the access token".into())) }
    }

    fn tokens(&self, response: &openidconnect::core::CoreTokenResponse, subject: Option<String>) -> OidcTokens {
        let expires_at =
            response.expires_in().map(|d| (self.now)() + i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2));
        OidcTokens {
            access_token: Sensitive::new(response.access_token().secret().clone()),
            refresh_token: response.refresh_token().map(|t| Sensitive::new(t.secret().clone())),
            expires_at,
            subject,
        }
    }

    /// Trades a refresh token for new tokens (the provider may rotate it: the
    /// new one, if any, replaces it). An ID token that comes along is checked
    /// like the first, except that it need not carry a nonce.
    pub async fn refresh(&self, refresh_token: &Sensitive<String>) -> Result<OidcTokens, OidcError> {
        let token = RefreshToken::new(refresh_token.expose().clone());
        let response = self
            .client
            .exchange_refresh_token(&token)
            .map_err(|e| OidcError::Discovery(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let subject = match response.id_token() {
            Some(id_token) => {
                // A refreshed ID token SHOULD carry no nonce; some providers repeat the first.
                let claims = id_token
                    .claims(&self.id_token_verifier(), |_: Option<&Nonce>| Ok(()))
                    .map_err(|e| OidcError::IdToken(e.to_string()))?;
                Some(claims.subject().to_string())
            }
            None => None,
        };
        let mut tokens = self.tokens(&response, subject);
        if tokens.refresh_token.is_none() {
            // Not rotated: the one used stays good.
            tokens.refresh_token = Some(refresh_token.clone());
        }
        Ok(tokens)
    }
}
