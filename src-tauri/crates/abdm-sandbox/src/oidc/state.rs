//! What the simulated OpenID Connect provider knows: its clients, the staff who
//! sign in, authorization requests waiting for a login, the browser sessions
//! (cookies), codes, and tokens by grant. No IO.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

/// A code must be redeemed within a minute, once.
pub const CODE_TTL_SECS: i64 = 60;
pub const ACCESS_TOKEN_TTL_SECS: i64 = 3600;
pub const ID_TOKEN_TTL_SECS: i64 = 600;
pub const REFRESH_TOKEN_TTL_SECS: i64 = 30 * 24 * 3600;
/// A login page left open this long no longer works.
pub const INTERACTION_TTL_SECS: i64 = 15 * 60;

/// A registered client. `secret: None` is a public (native) client.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub id: &'static str,
    pub secret: Option<&'static str>,
    /// Registered redirect URIs; for a native client a loopback one matches
    /// whatever port is used (RFC 8252 §7.3).
    pub redirect_uris: &'static [&'static str],
}

/// The desktop app as a public client: PKCE, no secret.
pub const PUBLIC_CLIENT: Client =
    Client { id: "abha-desktop", secret: None, redirect_uris: &["http://127.0.0.1/callback"] };
/// The same app registered with a secret, for providers that insist on one
/// (Authentiq does). Public on purpose: it opens nothing but this simulator.
pub const CONFIDENTIAL_CLIENT: Client = Client {
    id: "abha-desktop-confidential",
    secret: Some("sandbox-oidc-secret"),
    redirect_uris: &["http://127.0.0.1/callback"],
};
pub const CLIENTS: [Client; 2] = [PUBLIC_CLIENT, CONFIDENTIAL_CLIENT];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub sub: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    pub password_hash: String,
    pub salt: String,
}

impl Account {
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// The authorization request, as checked, kept while the person logs in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: Vec<String>,
    pub state: String,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub response_mode: ResponseMode,
    pub max_age: Option<i64>,
    pub hindi: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Interaction {
    pub request: AuthRequest,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BrowserSession {
    pub sub: String,
    pub auth_time: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Code {
    pub request: AuthRequest,
    pub sub: String,
    pub auth_time: i64,
    pub grant_id: String,
    pub expires_at: i64,
    pub used: bool,
}

/// What an access or refresh token stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub grant_id: String,
    pub client_id: String,
    pub sub: String,
    pub scope: Vec<String>,
    pub auth_time: i64,
    pub expires_at: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Provider {
    /// By email.
    pub accounts: BTreeMap<String, Account>,
    pub interactions: HashMap<String, Interaction>,
    /// By cookie value.
    pub browser_sessions: HashMap<String, BrowserSession>,
    pub codes: HashMap<String, Code>,
    /// By SHA-256 of the token.
    pub access_tokens: HashMap<String, Grant>,
    /// By SHA-256 of the token; `true` once it was exchanged for a new one.
    pub refresh_tokens: HashMap<String, (Grant, bool)>,
    /// Grants revoked because a code or refresh token was used twice.
    pub revoked_grants: HashSet<String>,
}

impl Provider {
    /// Ends a grant: every access and refresh token issued under it stops working.
    pub fn revoke(&mut self, grant_id: &str) {
        self.revoked_grants.insert(grant_id.to_owned());
        self.access_tokens.retain(|_, g| g.grant_id != grant_id);
        self.refresh_tokens.retain(|_, (g, _)| g.grant_id != grant_id);
    }
}

pub fn client(id: &str) -> Option<Client> {
    CLIENTS.into_iter().find(|c| c.id == id)
}

impl Client {
    /// Exact match, except that a registered loopback `http` URI matches any port.
    pub fn allows_redirect(&self, uri: &str) -> bool {
        let Ok(given) = url::Url::parse(uri) else { return false };
        let loose = |registered: &url::Url| {
            let mut given = given.clone();
            registered.scheme() == "http"
                && registered.host_str() == Some("127.0.0.1")
                && given.username().is_empty()
                && given.set_port(registered.port()).is_ok()
                && &given == registered
        };
        self.redirect_uris.iter().any(|r| *r == uri || url::Url::parse(r).is_ok_and(|r| loose(&r)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loopback_redirect_matches_any_port_and_nothing_else_is_loose() {
        assert!(PUBLIC_CLIENT.allows_redirect("http://127.0.0.1/callback"));
        assert!(PUBLIC_CLIENT.allows_redirect("http://127.0.0.1:53127/callback"));
        assert!(!PUBLIC_CLIENT.allows_redirect("http://127.0.0.1:53127/other"));
        assert!(!PUBLIC_CLIENT.allows_redirect("http://localhost:53127/callback"));
        assert!(!PUBLIC_CLIENT.allows_redirect("https://127.0.0.1:53127/callback"));
        assert!(!PUBLIC_CLIENT.allows_redirect("http://127.0.0.1:53127/callback?x=1"));
        assert!(!PUBLIC_CLIENT.allows_redirect("http://evil@127.0.0.1:53127/callback"));
        assert!(!PUBLIC_CLIENT.allows_redirect("http://127.0.0.1.evil.in/callback"));
    }
}
