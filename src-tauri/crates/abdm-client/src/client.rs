use std::{sync::Arc, time::Duration};

use abdm_types::{
    Sensitive,
    gateway::{SessionRequest, SessionResponse},
};
use reqwest::{Method, RequestBuilder, Response};
use serde::{Serialize, de::DeserializeOwned};
use tokio::{
    sync::{Mutex, RwLock},
    time::Instant,
};

use crate::{AbdmConfig, AbdmError, ApiFailure, EncryptionKey, Padding, PhrApi, phr_v3::Transactions};

/// Path of ABDM's public key below the PHR base, per generation.
fn certificate_path(api: PhrApi) -> &'static str {
    match api {
        PhrApi::V1 => "v1/apps/public/certificate",
        PhrApi::V3 => "login/public/certificate",
    }
}
/// Refresh the gateway token when less than this is left of it.
const SESSION_MARGIN: Duration = Duration::from_secs(60);

/// Timeouts.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// For the whole request, connect to last byte.
    pub timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        // ABDM's sandbox is slow at times; its own app waits far longer than this.
        Self { connect_timeout: Duration::from_secs(10), timeout: Duration::from_secs(30) }
    }
}

/// A client for one ABDM deployment. Cheap to clone; clones share the cached
/// public key and gateway session.
#[derive(Clone)]
pub struct AbdmClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    config: AbdmConfig,
    client_secret: Sensitive<String>,
    key: RwLock<Option<Arc<EncryptionKey>>>,
    /// What v3 login steps need from the steps before them (see [`Transactions`]).
    pub(crate) v3: Transactions,
    // A tokio mutex: callers wait on it while one of them refreshes, then all
    // use the token that one fetched.
    session: Mutex<Option<Session>>,
}

struct Session {
    access_token: Sensitive<String>,
    refresh_token: Option<Sensitive<String>>,
    expires_at: Instant,
}

impl std::fmt::Debug for AbdmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AbdmClient").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

/// Where a call goes: a path of the PHR app API (with the configured `X-CM-ID`),
/// or a URL on the gateway's side with the consent manager it concerns.
pub(crate) enum To<'a> {
    Phr(&'a str),
    Gateway { url: reqwest::Url, cm_id: &'a str },
}

/// Which token a call carries besides the gateway's.
#[derive(Clone, Copy)]
pub(crate) enum Auth<'a> {
    /// The gateway session token in `Authorization`.
    Gateway,
    /// The user's token in `X-AUTH-TOKEN` (profile calls).
    User(&'a Sensitive<String>),
    /// The user's token in `X-Token` (`/v1/account/...`; v3's `X-token`).
    XToken(&'a Sensitive<String>),
    /// v3: the transaction token of a login that found several addresses.
    TToken(&'a Sensitive<String>),
    /// v3: the refresh token, exchanged for a new X-token.
    RToken(&'a Sensitive<String>),
}

impl AbdmClient {
    pub fn new(config: AbdmConfig, client_secret: Sensitive<String>) -> Result<Self, AbdmError> {
        Self::with_options(config, client_secret, ClientOptions::default())
    }

    pub fn with_options(
        config: AbdmConfig,
        client_secret: Sensitive<String>,
        options: ClientOptions,
    ) -> Result<Self, AbdmError> {
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .user_agent(concat!("abha-desktop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(AbdmError::Build)?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                config,
                client_secret,
                key: RwLock::new(None),
                v3: Transactions::default(),
                session: Mutex::new(None),
            }),
        })
    }

    pub fn config(&self) -> &AbdmConfig {
        &self.inner.config
    }

    /// ABDM's public key, fetched once and cached.
    pub async fn public_key(&self) -> Result<Arc<EncryptionKey>, AbdmError> {
        if let Some(key) = self.inner.key.read().await.clone() {
            return Ok(key);
        }
        self.fetch_key().await
    }

    async fn fetch_key(&self) -> Result<Arc<EncryptionKey>, AbdmError> {
        let api = self.inner.config.api;
        let url = self.inner.config.phr_base_url.endpoint(certificate_path(api));
        let text = retry_safe(|| async {
            let response = self.send(stamped(api, self.inner.http.get(url.clone()))).await?;
            let (status, raw) = read(response).await?;
            if !(200..300).contains(&status) {
                return Err(rejected(status, raw));
            }
            Ok(raw)
        })
        .await?;
        let padding = match api {
            PhrApi::V1 => Padding::Pkcs1v15,
            PhrApi::V3 => Padding::OaepSha1,
        };
        let key = Arc::new(EncryptionKey::parse(&text, padding)?);
        *self.inner.key.write().await = Some(key.clone());
        Ok(key)
    }

    /// The gateway session token, opening or refreshing the session when needed.
    pub(crate) async fn gateway_token(&self) -> Result<Sensitive<String>, AbdmError> {
        let mut session = self.inner.session.lock().await;
        if let Some(live) = session.as_ref().filter(|s| s.expires_at > Instant::now() + SESSION_MARGIN) {
            return Ok(live.access_token.clone());
        }
        let refresh = session.as_ref().and_then(|s| s.refresh_token.clone());
        let fresh = match refresh {
            Some(refresh) => match self.open_session(Some(&refresh)).await {
                Ok(fresh) => fresh,
                // A refused refresh token: start over with the client credentials.
                Err(AbdmError::Rejected { .. }) => self.open_session(None).await?,
                Err(other) => return Err(other),
            },
            None => self.open_session(None).await?,
        };
        let token = fresh.access_token.clone();
        *session = Some(fresh);
        Ok(token)
    }

    async fn forget_session(&self) {
        *self.inner.session.lock().await = None;
    }

    async fn open_session(&self, refresh: Option<&Sensitive<String>>) -> Result<Session, AbdmError> {
        let config = &self.inner.config;
        let request = SessionRequest {
            client_id: config.client_id.clone(),
            client_secret: self.inner.client_secret.expose().clone(),
            grant_type: if refresh.is_some() { "refresh_token" } else { "client_credentials" }.to_owned(),
            refresh_token: refresh.map(|r| r.expose().clone()),
        };
        let url = config.gateway_base_url.endpoint("v0.5/sessions");
        let started = Instant::now();
        // Opening a session changes nothing at ABDM, so a lost reply may be retried.
        let reply: SessionResponse = retry_safe(|| async {
            let builder = self.inner.http.post(url.clone()).header("X-CM-ID", config.cm_suffix.as_ref()).json(&request);
            let response = self.send(builder).await?;
            decode(response).await
        })
        .await?;
        tracing::debug!(expires_in = reply.expires_in, "gateway session opened");
        Ok(Session {
            access_token: Sensitive::new(reply.access_token),
            refresh_token: reply.refresh_token.map(Sensitive::new),
            expires_at: started + Duration::from_secs(reply.expires_in),
        })
    }

    async fn send(&self, builder: RequestBuilder) -> Result<Response, AbdmError> {
        builder
            .send()
            .await
            .map_err(|err| if err.is_timeout() { AbdmError::Timeout(err) } else { AbdmError::Unreachable(err) })
    }

    fn builder(&self, method: Method, to: &To<'_>, token: &Sensitive<String>, auth: &Auth<'_>) -> RequestBuilder {
        let config = &self.inner.config;
        let (url, cm_id, api) = match to {
            To::Phr(path) => (config.phr_base_url.endpoint(path), config.cm_suffix.as_ref(), Some(config.api)),
            To::Gateway { url, cm_id } => (url.clone(), *cm_id, None),
        };
        let mut builder = self.inner.http.request(method, url).header("X-CM-ID", cm_id).bearer_auth(token.expose());
        if let Some(api) = api {
            builder = stamped(api, builder);
        }
        match auth {
            Auth::Gateway => builder,
            Auth::User(user) => builder.header("X-AUTH-TOKEN", bearer(user)),
            Auth::XToken(user) => builder.header("X-token", bearer(user)),
            Auth::TToken(transfer) => builder.header("T-token", bearer(transfer)),
            Auth::RToken(refresh) => builder.header("R-token", bearer(refresh)),
        }
    }

    /// One call with the gateway session; a 401 (session expired or revoked at
    /// ABDM's end) opens a new session and tries once more, which is safe because
    /// ABDM did not act on the refused call.
    async fn call(
        &self,
        method: Method,
        to: &To<'_>,
        auth: &Auth<'_>,
        body: Option<&serde_json::Value>,
        query: &[(&str, &str)],
    ) -> Result<Response, AbdmError> {
        for attempt in 0..2 {
            let token = self.gateway_token().await?;
            let mut builder = self.builder(method.clone(), to, &token, auth).query(query);
            if let Some(body) = body {
                builder = builder.json(body);
            }
            let response = self.send(builder).await?;
            if response.status() == reqwest::StatusCode::UNAUTHORIZED && attempt == 0 && matches!(auth, Auth::Gateway) {
                self.forget_session().await;
                continue;
            }
            return Ok(response);
        }
        unreachable!("the loop returns on its second pass")
    }

    /// A GET, retried once on a transient failure (reading twice changes nothing).
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        auth: Auth<'_>,
        query: &[(&str, &str)],
    ) -> Result<T, AbdmError> {
        retry_safe(|| async { decode(self.call(Method::GET, &To::Phr(path), &auth, None, query).await?).await }).await
    }

    /// A GET that changes something at ABDM (a v3 refresh spends the refresh
    /// token, a logout ends the sign-in): never retried on its own.
    pub(crate) async fn get_once<T: DeserializeOwned>(&self, path: &str, auth: Auth<'_>) -> Result<T, AbdmError> {
        decode(self.call(Method::GET, &To::Phr(path), &auth, None, &[]).await?).await
    }

    /// A POST, never retried on its own: it may send an OTP or create an address.
    pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        auth: Auth<'_>,
        body: &B,
    ) -> Result<T, AbdmError> {
        let body = serde_json::to_value(body).expect("request bodies serialise");
        decode(self.call(Method::POST, &To::Phr(path), &auth, Some(&body), &[]).await?).await
    }

    /// A POST whose body holds encrypted credentials. If ABDM cannot decrypt them
    /// (its key rotated), the key is fetched again and the call made once more with
    /// freshly encrypted values: ABDM refused the first, so nothing happened twice.
    pub(crate) async fn post_encrypted<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        auth: Auth<'_>,
        build: impl Fn(&EncryptionKey) -> Result<B, AbdmError>,
    ) -> Result<T, AbdmError> {
        let key = self.public_key().await?;
        match self.post(path, auth, &build(&key)?).await {
            Err(err) if err.is_decrypt_rejection() => {
                tracing::warn!(path, "ABDM could not decrypt a credential; fetching its key again");
                let key = self.fetch_key().await?;
                self.post(path, auth, &build(&key)?).await
            }
            other => other,
        }
    }
}

impl AbdmClient {
    /// A gateway call that ABDM answers 202 and then calls back. `X-CM-ID` names
    /// the patient's consent manager.
    pub(crate) async fn post_accepted<B: Serialize>(&self, path: &str, cm_id: &str, body: &B) -> Result<(), AbdmError> {
        let body = serde_json::to_value(body).expect("request bodies serialise");
        let to = To::Gateway { url: self.inner.config.gateway_base_url.endpoint(path), cm_id };
        accepted(self.call(Method::POST, &to, &Auth::Gateway, Some(&body), &[]).await?).await
    }

    /// `PATCH /devservice/v1/bridges {"url"}`: where ABDM posts this client's
    /// gateway callbacks. The dev service sits beside the gateway on ABDM's host.
    pub async fn register_bridge(&self, bridge_url: &str) -> Result<(), AbdmError> {
        let mut url = self.inner.config.gateway_base_url.endpoint("");
        url.set_path("/devservice/v1/bridges");
        let to = To::Gateway { url, cm_id: self.inner.config.cm_suffix.as_ref() };
        let body = serde_json::json!({"url": bridge_url});
        accepted(self.call(Method::PATCH, &to, &Auth::Gateway, Some(&body), &[]).await?).await
    }

    /// `GET /v0.5/certs`: the keys the gateway signs its callbacks with.
    pub async fn gateway_certs(&self) -> Result<abdm_types::gateway::Certs, AbdmError> {
        let url = self.inner.config.gateway_base_url.endpoint("v0.5/certs");
        retry_safe(|| async { decode(self.send(self.inner.http.get(url.clone())).await?).await }).await
    }
}

/// v3 wants a fresh `REQUEST-ID` and the client's `TIMESTAMP` on every call;
/// ABDM refuses a clock that has drifted.
fn stamped(api: PhrApi, builder: RequestBuilder) -> RequestBuilder {
    match api {
        PhrApi::V1 => builder,
        PhrApi::V3 => {
            let (request_id, timestamp) = crate::user_auth::stamp();
            builder.header("REQUEST-ID", request_id).header("TIMESTAMP", timestamp)
        }
    }
}

/// ABDM hands tokens out with `Bearer ` in front and wants them back the same way.
fn bearer(token: &Sensitive<String>) -> String {
    let raw = token.expose();
    if raw.starts_with("Bearer ") { raw.clone() } else { format!("Bearer {raw}") }
}

async fn read(response: Response) -> Result<(u16, String), AbdmError> {
    let status = response.status().as_u16();
    let raw = response
        .text()
        .await
        .map_err(|err| if err.is_timeout() { AbdmError::Timeout(err) } else { AbdmError::Unreachable(err) })?;
    Ok((status, raw))
}

fn rejected(status: u16, raw: String) -> AbdmError {
    AbdmError::Rejected { status, failure: ApiFailure::parse(&raw), raw }
}

/// A success status, whatever the body (ABDM's 202s have none).
async fn accepted(response: Response) -> Result<(), AbdmError> {
    let (status, raw) = read(response).await?;
    if (200..300).contains(&status) { Ok(()) } else { Err(rejected(status, raw)) }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, AbdmError> {
    let (status, raw) = read(response).await?;
    if !(200..300).contains(&status) {
        return Err(rejected(status, raw));
    }
    serde_json::from_str(&raw).map_err(|source| AbdmError::Malformed { status, raw, source })
}

/// Runs `op` again once if it failed in a way worth retrying unchanged.
async fn retry_safe<T, F, Fut>(op: F) -> Result<T, AbdmError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, AbdmError>>,
{
    match op().await {
        Err(err) if err.is_transient() => {
            tracing::debug!(error = %err, "retrying once");
            tokio::time::sleep(Duration::from_millis(200)).await;
            op().await
        }
        other => other,
    }
}
