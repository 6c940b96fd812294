//! The bridge: where the gateway's callbacks arrive, in the app's own process.
//!
//! Each callback must carry a gateway-signed RS256 JWT (keys from `/v0.5/certs`,
//! fetched again when a new `kid` shows up, at most every 30 s; audience `account`; unexpired) and
//! exactly one of `X-HIP-ID` / `X-HIU-ID`, naming this workstation. Accepted ones
//! are answered 202 and handed to whoever waits for them, matched by
//! `resp.requestId` (or `auth.transactionId` for `notify`). One that arrives
//! before anybody waits is kept until asked for; a duplicate changes nothing.
//! A profile share (Scan and Share) asks for nobody's request: it goes to the
//! front desk given to [`Bridge::take_shares_to`].

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use abdm_types::gateway::*;
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    routing::post,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rsa::{
    BigUint, RsaPublicKey,
    pkcs1v15::{Signature, VerifyingKey},
    sha2::Sha256,
    signature::Verifier,
};
use serde::{Deserialize, de::DeserializeOwned};
use tokio::sync::{RwLock, oneshot};

use crate::AbdmClient;

/// Answers remembered (kept for a waiter still to come, or marked handed over
/// so a duplicate is recognised), at most; the oldest are forgotten first.
const REMEMBERED: usize = 1024;
/// An unknown `kid` fetches the gateway's keys again at most this often: a
/// stream of forged callbacks must not become a stream of requests to ABDM.
const KEYS_REFETCH_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// One callback from the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    FetchModes(OnFetchModes),
    Init(OnInit),
    Confirm(OnConfirm),
    Notify(Notify),
}

/// Nothing came back in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the gateway did not call back in time")]
pub struct NoCallback;

enum Slot {
    Waiting(oneshot::Sender<Callback>),
    Arrived(Box<Callback>),
    Done,
}

/// Slots by key, and the keys of settled ones (arrived or done) oldest first.
#[derive(Default)]
struct Slots {
    by_key: HashMap<String, Slot>,
    settled: VecDeque<String>,
}

impl Slots {
    /// Marks `key` settled; beyond [`REMEMBERED`] the oldest settled key is
    /// forgotten (a waiter's slot never is: it ends with its own timeout).
    fn settle(&mut self, key: String, slot: Slot) {
        self.settled.push_back(key.clone());
        self.by_key.insert(key, slot);
        while self.settled.len() > REMEMBERED {
            let Some(oldest) = self.settled.pop_front() else { break };
            if matches!(self.by_key.get(&oldest), Some(Slot::Arrived(_) | Slot::Done)) {
                self.by_key.remove(&oldest);
            }
        }
    }
}

/// The receiving end of the gateway's callbacks. Cheap to clone.
#[derive(Clone)]
pub struct Bridge {
    inner: Arc<Inner>,
}

/// Takes a profile share in (stores it, gives it a token, answers the gateway);
/// `false` when it could not be kept, so that the gateway hears it failed.
pub type ShareDesk =
    Arc<dyn Fn(ProfileShare) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>> + Send + Sync>;

struct Inner {
    client: AbdmClient,
    /// Where profile shares go: the front desk, once its data is open.
    shares: std::sync::RwLock<Option<ShareDesk>>,
    keys: RwLock<HashMap<String, VerifyingKey<Sha256>>>,
    /// When the keys were last fetched; held while fetching, so callbacks that
    /// arrive together cause one fetch.
    fetched: tokio::sync::Mutex<Option<tokio::time::Instant>>,
    slots: Mutex<Slots>,
}

impl std::fmt::Debug for Bridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bridge").field("requester_id", &self.inner.client.config().requester_id).finish_non_exhaustive()
    }
}

/// Why a callback was refused.
#[derive(Debug, PartialEq, Eq)]
enum Refusal {
    /// 401: no, forged, expired or foreign token, or meant for another HIP/HIU.
    Unauthorized,
    /// 400: a missing or doubled id header, or a body of the wrong shape.
    BadRequest,
}

#[derive(Deserialize)]
struct TokenHeader {
    alg: String,
    kid: Option<String>,
}

#[derive(Deserialize)]
struct TokenClaims {
    exp: i64,
    aud: Option<serde_json::Value>,
}

impl Bridge {
    /// `client` fetches the gateway's keys and names this workstation (`requester_id`).
    pub fn new(client: AbdmClient) -> Self {
        let fetched = tokio::sync::Mutex::default();
        let shares = std::sync::RwLock::default();
        Self { inner: Arc::new(Inner { client, shares, keys: RwLock::default(), fetched, slots: Mutex::default() }) }
    }

    /// Profile shares go to `desk` from now on (in place of any before).
    pub fn take_shares_to(&self, desk: ShareDesk) {
        *self.inner.shares.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(desk);
    }

    /// The callback routes (user-auth answers, notify, profile share), relative to the bridge URL.
    pub fn router(&self) -> Router {
        Router::new()
            .route(
                "/v0.5/users/auth/on-fetch-modes",
                post(|State(b), h, body| answer_callback(b, h, body, Callback::FetchModes)),
            )
            .route("/v0.5/users/auth/on-init", post(|State(b), h, body| answer_callback(b, h, body, Callback::Init)))
            .route(
                "/v0.5/users/auth/on-confirm",
                post(|State(b), h, body| answer_callback(b, h, body, Callback::Confirm)),
            )
            .route("/v0.5/users/auth/notify", post(notify))
            .route("/v1.0/patients/profile/share", post(share))
            .with_state(self.clone())
    }

    /// Serves the callback routes on `listener` until the process ends.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    /// The callback answering `key` (a request id, or a transaction id for
    /// `notify`), whether it came already or comes within `timeout`.
    pub async fn wait(&self, key: &str, timeout: Duration) -> Result<Callback, NoCallback> {
        let receiver = {
            let mut slots = self.slots();
            match slots.by_key.remove(key) {
                Some(Slot::Arrived(callback)) => {
                    slots.by_key.insert(key.to_owned(), Slot::Done);
                    return Ok(*callback);
                }
                Some(Slot::Done) => {
                    slots.by_key.insert(key.to_owned(), Slot::Done);
                    return Err(NoCallback);
                }
                Some(Slot::Waiting(_)) | None => {
                    let (sender, receiver) = oneshot::channel();
                    slots.by_key.insert(key.to_owned(), Slot::Waiting(sender));
                    receiver
                }
            }
        };
        match tokio::time::timeout(timeout, receiver).await {
            Ok(Ok(callback)) => Ok(callback),
            _ => {
                self.slots().by_key.remove(key);
                Err(NoCallback)
            }
        }
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.inner.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn deliver(&self, key: String, callback: Callback) {
        let mut slots = self.slots();
        match slots.by_key.remove(&key) {
            Some(Slot::Waiting(sender)) => {
                let _ = sender.send(callback);
                slots.settle(key, Slot::Done);
            }
            Some(kept @ (Slot::Arrived(_) | Slot::Done)) => {
                tracing::debug!("a duplicate callback was ignored");
                slots.by_key.insert(key, kept);
            }
            None => slots.settle(key, Slot::Arrived(Box::new(callback))),
        }
    }

    async fn admit<T: DeserializeOwned>(&self, headers: &HeaderMap, body: &Bytes) -> Result<T, Refusal> {
        let ours = &self.inner.client.config().requester_id;
        let ids: Vec<_> = ["x-hip-id", "x-hiu-id"].iter().filter_map(|h| headers.get(*h)).collect();
        let [id] = ids.as_slice() else { return Err(Refusal::BadRequest) };
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .ok_or(Refusal::Unauthorized)?;
        self.verify(token).await?;
        if id.to_str().ok() != Some(ours.as_str()) {
            return Err(Refusal::Unauthorized);
        }
        serde_json::from_slice(body).map_err(|_| Refusal::BadRequest)
    }

    async fn verify(&self, token: &str) -> Result<(), Refusal> {
        let token = Unverified::read(token)?;
        let key = self.key(&token.kid).await.ok_or(Refusal::Unauthorized)?;
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
        token.verify(&key, now)
    }

    /// The gateway's key `kid`; an unknown one makes the keys be fetched again,
    /// at most once every [`KEYS_REFETCH_AFTER`].
    async fn key(&self, kid: &str) -> Option<VerifyingKey<Sha256>> {
        if let Some(key) = self.inner.keys.read().await.get(kid) {
            return Some(key.clone());
        }
        let mut fetched = self.inner.fetched.lock().await;
        // Another callback may have fetched them while this one waited.
        if let Some(key) = self.inner.keys.read().await.get(kid) {
            return Some(key.clone());
        }
        if fetched.is_some_and(|at| at.elapsed() < KEYS_REFETCH_AFTER) {
            return None;
        }
        *fetched = Some(tokio::time::Instant::now());
        let certs = match self.inner.client.gateway_certs().await {
            Ok(certs) => certs,
            Err(err) => {
                tracing::warn!(error = %err, "the gateway's keys could not be fetched");
                return None;
            }
        };
        let mut keys = self.inner.keys.write().await;
        for jwk in certs.keys.into_iter().filter(|k| k.kty == "RSA") {
            let (Ok(n), Ok(e)) = (URL_SAFE_NO_PAD.decode(&jwk.n), URL_SAFE_NO_PAD.decode(&jwk.e)) else { continue };
            if let Ok(public) = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e)) {
                keys.insert(jwk.kid, VerifyingKey::<Sha256>::new(public));
            }
        }
        keys.get(kid).cloned()
    }
}

/// A gateway bearer token read as far as its header says which key signed it.
struct Unverified<'a> {
    kid: String,
    signing_input: &'a str,
    claims: &'a str,
    signature: &'a str,
}

impl<'a> Unverified<'a> {
    fn read(token: &'a str) -> Result<Self, Refusal> {
        let (signing_input, signature) = token.rsplit_once('.').ok_or(Refusal::Unauthorized)?;
        let (header, claims) = signing_input.split_once('.').ok_or(Refusal::Unauthorized)?;
        let header: TokenHeader = serde_json::from_slice(&base64url(header)?).map_err(|_| Refusal::Unauthorized)?;
        if header.alg != "RS256" {
            return Err(Refusal::Unauthorized);
        }
        Ok(Self { kid: header.kid.unwrap_or_default(), signing_input, claims, signature })
    }

    /// The signature first: nothing of the claims is read before it holds.
    fn verify(self, key: &VerifyingKey<Sha256>, now: i64) -> Result<(), Refusal> {
        let signature =
            Signature::try_from(base64url(self.signature)?.as_slice()).map_err(|_| Refusal::Unauthorized)?;
        key.verify(self.signing_input.as_bytes(), &signature).map_err(|_| Refusal::Unauthorized)?;
        let claims: TokenClaims =
            serde_json::from_slice(&base64url(self.claims)?).map_err(|_| Refusal::Unauthorized)?;
        let for_us = match &claims.aud {
            Some(serde_json::Value::String(aud)) => aud == "account",
            Some(serde_json::Value::Array(auds)) => auds.iter().any(|a| a == "account"),
            _ => false,
        };
        if claims.exp <= now || !for_us {
            return Err(Refusal::Unauthorized);
        }
        Ok(())
    }
}

fn base64url(part: &str) -> Result<Vec<u8>, Refusal> {
    URL_SAFE_NO_PAD.decode(part).map_err(|_| Refusal::Unauthorized)
}

/// The bridge's token check without its key fetch, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub fn accepts_token(token: &str, key: &VerifyingKey<Sha256>, now: i64) -> bool {
    Unverified::read(token).and_then(|t| t.verify(key, now)).is_ok()
}

fn answer(result: Result<(), Refusal>) -> StatusCode {
    match result {
        Ok(()) => StatusCode::ACCEPTED,
        Err(Refusal::Unauthorized) => StatusCode::UNAUTHORIZED,
        Err(Refusal::BadRequest) => StatusCode::BAD_REQUEST,
    }
}

/// A callback answering a request: it must carry `auth` or `error`.
async fn answer_callback<A: DeserializeOwned>(
    bridge: Bridge,
    headers: HeaderMap,
    body: Bytes,
    wrap: fn(Answer<A>) -> Callback,
) -> StatusCode {
    answer(
        async {
            let callback: Answer<A> = bridge.admit(&headers, &body).await?;
            if callback.auth.is_none() && callback.error.is_none() {
                return Err(Refusal::BadRequest);
            }
            bridge.deliver(callback.resp.request_id.clone(), wrap(callback));
            Ok(())
        }
        .await,
    )
}

/// A profile share is answered 202 once the desk has kept it: a share the desk
/// cannot take yet (its data is not open) is 503, for the gateway to tell the patient.
async fn share(State(bridge): State<Bridge>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let share: ProfileShare = match bridge.admit(&headers, &body).await {
        Ok(share) => share,
        Err(refusal) => return answer(Err(refusal)),
    };
    let desk = bridge.inner.shares.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
    match desk {
        Some(desk) if desk(share).await => StatusCode::ACCEPTED,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}

async fn notify(State(bridge): State<Bridge>, headers: HeaderMap, body: Bytes) -> StatusCode {
    answer(
        async {
            let callback: Notify = bridge.admit(&headers, &body).await?;
            bridge.deliver(callback.auth.transaction_id.clone(), Callback::Notify(callback));
            Ok(())
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AbdmConfig, BaseUrl};

    fn bridge() -> Bridge {
        let config = AbdmConfig {
            phr_base_url: BaseUrl::parse("http://127.0.0.1:9/cm/").unwrap(),
            gateway_base_url: BaseUrl::parse("http://127.0.0.1:9/gateway/").unwrap(),
            client_id: "c".into(),
            requester_id: "HIP-1".into(),
            cm_suffix: abdm_types::CmSuffix::sandbox(),
            api: crate::PhrApi::V1,
        };
        Bridge::new(AbdmClient::new(config, abdm_types::Sensitive::from("s")).unwrap())
    }

    fn answer(key: &str) -> Callback {
        Callback::FetchModes(Answer {
            request_id: format!("cb-{key}"),
            timestamp: "2026-11-23T10:00:00.000Z".into(),
            auth: None,
            error: Some(CallbackError { code: 1404, message: "?".into() }),
            resp: RequestReference { request_id: key.into() },
        })
    }

    #[tokio::test]
    async fn a_long_day_of_callbacks_is_remembered_only_so_far() {
        let bridge = bridge();
        for i in 0..3 * REMEMBERED {
            let key = format!("r{i}");
            if i % 2 == 0 {
                bridge.deliver(key.clone(), answer(&key));
                bridge.wait(&key, Duration::from_millis(10)).await.unwrap();
            } else {
                bridge.deliver(key.clone(), answer(&key));
            }
        }
        assert!(bridge.slots().by_key.len() <= REMEMBERED, "{}", bridge.slots().by_key.len());
        let newest = format!("r{}", 3 * REMEMBERED - 1);
        assert!(bridge.wait(&newest, Duration::from_millis(10)).await.is_ok(), "the newest is still there");
        assert_eq!(bridge.wait("r1", Duration::from_millis(10)).await, Err(NoCallback), "the oldest went");
    }
}
