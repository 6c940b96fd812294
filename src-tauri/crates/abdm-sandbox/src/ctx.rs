//! What every handler shares, and the checks most of them start with.

use std::{
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicI64, Ordering},
    },
    time::{SystemTime, UNIX_EPOCH},
};

use abdm_types::Encrypted;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{
    error::Fail,
    faults::Faults,
    keys::Keys,
    world::{GATEWAY_TOKEN_TTL_SECS, REFRESH_TOKEN_TTL_SECS, TRANSFER_TOKEN_TTL_SECS, USER_TOKEN_TTL_SECS, World},
};

/// The sandbox's clock: real time plus an offset that `/_sandbox/clock` moves,
/// so tests can expire OTPs and tokens without waiting.
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Unix seconds.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default();
        real + self.offset_secs.load(Ordering::Relaxed)
    }

    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

#[derive(Clone)]
pub(crate) struct Ctx {
    /// Where the sandbox answers, as its own URLs and issuers start.
    pub urls: crate::SandboxUrls,
    pub keys: Arc<Keys>,
    /// The staff servers' signing key (another organisation's than ABDM's).
    pub staff_keys: Arc<Keys>,
    pub auth_platform: Arc<crate::auth_platform::AuthPlatformOptions>,
    pub rate_windows: Arc<crate::auth_platform::RateWindows>,
    pub world: Arc<Mutex<World>>,
    pub clock: Arc<Clock>,
    pub faults: Arc<Faults>,
    pub state: Option<Arc<crate::StateFile>>,
    /// Posts the gateway's callbacks to the bridge.
    pub http: reqwest::Client,
    /// The runtime the sandbox serves on: callbacks are sent from it even when
    /// a handle method is called from a thread without one (a UI thread).
    pub runtime: tokio::runtime::Handle,
    /// Wakes the patients' apps waiting for a facility's `on-share`.
    pub share_answered: Arc<tokio::sync::Notify>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub sub: String,
    /// `gateway`, `user` or `refresh`.
    pub typ: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// One sign-in's tokens share it, so that a v3 logout, which carries the
    /// X-token alone, ends the refresh token too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

pub(crate) struct Tokens {
    pub token: String,
    pub refresh: String,
}

impl Ctx {
    pub fn world(&self) -> MutexGuard<'_, World> {
        // A handler that panicked mid-update leaves the world as it was at the
        // panic; carrying on is what a long-running simulator should do.
        self.world.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    fn token(&self, sub: &str, typ: &str, ttl: i64) -> String {
        self.token_in(sub, typ, ttl, None)
    }

    fn token_in(&self, sub: &str, typ: &str, ttl: i64, sid: Option<&str>) -> String {
        let now = self.now();
        let claims = Claims {
            sub: sub.to_owned(),
            typ: typ.to_owned(),
            iat: now,
            exp: now + ttl,
            jti: uuid::Uuid::new_v4().to_string(),
            sid: sid.map(str::to_owned),
        };
        self.keys.sign_jwt(&claims)
    }

    /// v3's T-token: lets `login/verify/user` pick an address of the
    /// transaction `txn`, for five minutes.
    pub fn transfer_token(&self, txn: &str) -> String {
        self.token(txn, "transfer", TRANSFER_TOKEN_TTL_SECS)
    }

    pub fn gateway_token(&self, client_id: &str) -> (String, String) {
        (self.token(client_id, "gateway", GATEWAY_TOKEN_TTL_SECS), self.token(client_id, "gateway-refresh", 1800))
    }

    pub fn user_tokens(&self, address: &str) -> Tokens {
        let sid = uuid::Uuid::new_v4().to_string();
        Tokens {
            token: self.token_in(address, "user", USER_TOKEN_TTL_SECS, Some(&sid)),
            refresh: self.token_in(address, "refresh", REFRESH_TOKEN_TTL_SECS, Some(&sid)),
        }
    }

    /// Claims of a live token of the given type (signed here, unexpired, not revoked).
    pub fn claims(&self, token: &str, typ: &str) -> Result<Claims, Fail> {
        let token = token.trim();
        let token = token.strip_prefix("Bearer ").unwrap_or(token);
        let claims: Claims = self.keys.verify_jwt(token).ok_or(Fail::Unauthorized)?;
        let revoked = {
            let world = self.world();
            world.revoked.contains(&claims.jti) || claims.sid.as_ref().is_some_and(|sid| world.revoked.contains(sid))
        };
        if claims.typ != typ || claims.exp <= self.now() || revoked {
            return Err(Fail::Unauthorized);
        }
        Ok(claims)
    }

    /// The PHR app API wants the gateway session token in `Authorization`.
    pub fn require_gateway(&self, headers: &HeaderMap) -> Result<Claims, Fail> {
        let value = headers.get("authorization").and_then(|v| v.to_str().ok()).ok_or(Fail::Unauthorized)?;
        self.claims(value, "gateway")
    }

    /// Profile calls carry the user's token in `X-AUTH-TOKEN` (or `X-Token`).
    pub fn require_user(&self, headers: &HeaderMap) -> Result<Claims, Fail> {
        let value = headers
            .get("x-auth-token")
            .or_else(|| headers.get("x-token"))
            .and_then(|v| v.to_str().ok())
            .ok_or(Fail::Unauthorized)?;
        self.claims(value, "user")
    }

    pub fn decrypt(&self, field: &'static str, value: &Encrypted) -> Result<String, Fail> {
        self.keys.decrypt(&value.0).map_err(|_| Fail::NotEncrypted { field })
    }

    /// v3's credentials: RSA-OAEP with SHA-1 only.
    pub fn decrypt_v3(&self, field: &'static str, value: &Encrypted) -> Result<String, Fail> {
        self.keys.decrypt_oaep(&value.0).map_err(|_| Fail::NotEncrypted { field })
    }

    /// Writes the world to the state file, if there is one. Called after changes.
    pub fn persist(&self) {
        let Some(state) = &self.state else { return };
        // Under the lock, so two saves cannot interleave on the temporary file.
        let world = self.world();
        let started = std::time::Instant::now();
        match state.save(&world) {
            Ok(()) => tracing::debug!(elapsed_us = started.elapsed().as_micros() as u64, "sandbox state saved"),
            Err(err) => tracing::error!(%err, path = %state.path.display(), "cannot save the sandbox state"),
        }
    }
}

/// A JSON body, or a 400 in ABDM's shape naming what was wrong with it.
pub(crate) fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Fail> {
    serde_json::from_slice(bytes).map_err(|err| Fail::BadRequest { field: "body", reason: err.to_string() })
}
