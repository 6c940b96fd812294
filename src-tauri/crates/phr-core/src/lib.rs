//! The application API that the Tauri shell, the end-to-end tests and any future
//! CLI call. Everything the UI can do is a method here; the shell only forwards.

mod clock;
pub mod config;
mod desk;
mod error;
mod local;
mod login;
mod phr;
mod qr;
mod signup;
pub mod telemetry;

use abdm_client::AbdmConfig;
use serde::Serialize;

pub use clock::Clock;
pub use config::{AppConfig, ConfigError, Mode, OidcConfig, StaffConfig, StaffSignIn, Target};
pub use desk::{
    AccessEntry, AccessLog, AccessLogFilter, DeskAction, DeskStatus, StaffCard, StaffDesk, StaffIdentity, StaffRef,
    StaffSignInOutcome, StaffSignUp, StaffSignedUp, StaffWay, UiLanguage,
};
pub use error::{Error, ErrorCode, Field};
pub use local::{DataLock, LocalData, client_secret, staff_secret};
pub use login::{LoginFlow, LoginStep, Via};
pub use phr::{
    AddressEntry, CachedPerson, CardFor, Change, CounterQr, DemographicsForm, FrontDeskBridge, KycMethod, PersonCard,
    Phr, Place, ProfileForm, QueuedPatient, Registered, SavedCard, Scanned, Session, SignedIn, Verification,
    VerificationStep, Verified, VerifiedCard, Waiting, mask_address, mask_contact,
};
pub use qr::address_qr;
pub use signup::{KycDetails, SignupFlow, SignupStep};

/// What the About line and the demo banner show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub mode: Mode,
    /// Host the ABDM calls go to (`127.0.0.1` in demo mode).
    pub abdm_host: String,
}

impl AppInfo {
    /// `abdm` is the configured deployment, or the embedded sandbox in demo mode.
    pub fn new(mode: Mode, abdm: &AbdmConfig) -> Self {
        Self { version: env!("CARGO_PKG_VERSION").to_owned(), mode, abdm_host: abdm.phr_base_url.host().to_owned() }
    }
}
