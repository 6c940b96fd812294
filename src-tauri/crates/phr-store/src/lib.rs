//! What survives a restart: the encrypted SQLite cache (SQLCipher through sqlx)
//! of people, addresses, flows in progress and the audit log, and the OS keyring
//! vault for tokens and the database key.
//!
//! Nothing here holds a secret in plain text: the database file is encrypted with
//! a random key kept in the keyring (or, without a keyring, derived from a
//! passphrase with Argon2id), numbers are stored masked, and a sign-in's tokens
//! pass through it only sealed again (AES-256-GCM), on their way to the keyring.

mod audit;
mod db;
mod desk;
mod error;
mod flows;
mod key;
mod pending;
mod people;
mod sessions;
mod shares;
mod vault;
mod waiting;

pub use audit::{AUDIT_KEPT_SECS, AuditEntry, AuditFilter, ByStaff};
pub use db::{MatchKind, Store};
pub use desk::DeskStaff;
pub use error::StoreError;
pub use flows::SavedFlow;
pub use key::{DbKey, KeyError, SALT_LEN};
pub use people::{Person, PersonRecord, SEARCH_RANKED};
pub use sessions::{SessionRecord, SignIn};
pub use shares::{QueuedShare, ShareRecord, ShareSettled};
pub use vault::{SecretKind, Vault, VaultError};
pub use waiting::WaitingVerification;
