//! Client for the ABDM PHR app API (the guide's v1 or today's v3, see
//! [`PhrApi`]) and the HIE-CM gateway.
//!
//! [`AbdmClient`] has one method per step. It encrypts every credential with
//! ABDM's public key (fetched once, fetched again if ABDM stops accepting it),
//! keeps one gateway session for all callers, and reports failures as
//! [`AbdmError`], which keeps the status, ABDM's codes and the raw body.

pub mod bridge;
mod client;
mod config;
mod crypto;
mod error;
mod phr;
mod phr_v3;
mod user_auth;

pub use abdm_types::{BaseUrl, BaseUrlError};
pub use client::{AbdmClient, ClientOptions};
pub use config::{AbdmConfig, PhrApi};
pub use crypto::{EncryptionKey, Padding};
pub use error::{AbdmError, ApiFailure};
pub use phr::{Contact, Credential, RegistrationDetails};
pub use user_auth::share_answer;
