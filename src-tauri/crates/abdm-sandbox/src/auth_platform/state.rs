//! What the simulated auth platform knows: organisations (clinics), staff, their
//! memberships and pending invites, sessions (hashed tokens), email
//! verification tokens (hashed) and short-lived login flows. No IO.

use std::collections::BTreeMap;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A session token lasts an hour and a refresh token 30 days, unless the
/// sandbox was started with other lifetimes (tests shorten them).
pub const SESSION_TTL_SECS: i64 = 3600;
pub const REFRESH_TTL_SECS: i64 = 2_592_000;
/// Verification links work for 24 hours.
pub const VERIFY_TTL_SECS: i64 = 24 * 3600;
/// A multi-clinic login flow lives 10 minutes.
pub const FLOW_TTL_SECS: i64 = 600;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// A verified email domain whose people join on sign-up without an invite.
    pub auto_join_domain: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Salted SHA-256: a trainer may type a password they use elsewhere.
    pub password_hash: String,
    pub salt: String,
    pub email_verified: bool,
    /// Org ids and the role in each.
    pub orgs: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invite {
    pub token: String,
    pub email: String,
    pub org_id: String,
    pub role: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub org_id: String,
    pub token_hash: String,
    pub refresh_hash: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifyToken {
    pub hash: String,
    pub user_id: String,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flow {
    pub id: String,
    pub user_id: String,
    pub email: String,
    pub org_ids: Vec<String>,
    pub return_to: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// An email the platform "sent": the demo inbox and tests read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    /// The verification link, `…/auth/verify-email?token=…`.
    pub link: String,
    pub sent_at: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct AuthPlatform {
    pub orgs: BTreeMap<String, Org>,
    /// By email, exactly as typed at sign-up (the platform's unique key is
    /// case-sensitive).
    pub users: BTreeMap<String, User>,
    pub invites: Vec<Invite>,
    pub sessions: Vec<Session>,
    pub verify_tokens: Vec<VerifyToken>,
    pub flows: BTreeMap<String, Flow>,
    pub mail: Vec<SentMail>,
}

pub fn sha256_hex(value: &str) -> String {
    Sha256::digest(value.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 random bytes, base64url without padding: 43 characters, as the platform
/// makes refresh and verification tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A UUID; the platform's are v7, which sort by time. Only the shape shows.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl User {
    pub fn new(email: &str, first_name: &str, last_name: &str, password: &str) -> Self {
        let salt = random_token();
        Self {
            id: uuid(),
            email: email.to_owned(),
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            password_hash: sha256_hex(&format!("{salt}{password}")),
            salt,
            email_verified: false,
            orgs: Vec::new(),
        }
    }

    pub fn password_is(&self, password: &str) -> bool {
        self.password_hash == sha256_hex(&format!("{}{password}", self.salt))
    }
}

impl AuthPlatform {
    pub fn org_by_slug(&self, slug: &str) -> Option<&Org> {
        self.orgs.values().find(|o| o.slug == slug)
    }

    pub fn user_by_id(&self, id: &str) -> Option<&User> {
        self.users.values().find(|u| u.id == id)
    }

    /// The org a new account joins without an invite: one whose verified,
    /// auto-join domain is the email's.
    pub fn auto_join_org(&self, email: &str) -> Option<&Org> {
        let domain = email.rsplit_once('@')?.1;
        self.orgs.values().find(|o| o.auto_join_domain.as_deref() == Some(domain))
    }

    /// A live invite for exactly this email (the comparison is exact).
    pub fn invite(&self, token: &str, email: &str, now: i64) -> Option<&Invite> {
        self.invites.iter().find(|i| i.token == token && i.expires_at > now && i.email == email)
    }

    /// Issues a verification token for `user_id`; earlier ones stay valid.
    pub fn new_verify_token(&mut self, user_id: &str, now: i64) -> String {
        let token = random_token();
        self.verify_tokens.push(VerifyToken {
            hash: sha256_hex(&token),
            user_id: user_id.to_owned(),
            expires_at: now + VERIFY_TTL_SECS,
        });
        token
    }

    /// The user a live verification token belongs to. Tokens are not consumed.
    pub fn verify_token_user(&self, token: &str, now: i64) -> Option<String> {
        let hash = sha256_hex(token);
        self.verify_tokens.iter().find(|t| t.hash == hash && t.expires_at > now).map(|t| t.user_id.clone())
    }
}
