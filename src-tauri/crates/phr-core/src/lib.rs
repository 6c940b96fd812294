//! The application API that the Tauri shell, the end-to-end tests and any future
//! CLI call. Everything the UI can do is a method here; the shell only forwards.

pub mod config;
mod error;
pub mod telemetry;

use abdm_client::AbdmConfig;
use serde::Serialize;

pub use config::{AppConfig, ConfigError, Mode, Target};
pub use error::{Error, ErrorCode};

/// The running application: where ABDM is and, as they arrive, the ABDM client,
/// the store and the flows.
#[derive(Debug)]
pub struct Phr {
    mode: Mode,
    abdm: AbdmConfig,
}

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

impl Phr {
    /// `abdm` is the configured deployment, or the embedded sandbox in demo mode.
    pub fn new(mode: Mode, abdm: AbdmConfig) -> Self {
        Self { mode, abdm }
    }

    pub fn app_info(&self) -> AppInfo {
        // The page asks for this as it mounts: scripts/measure-launch times launch to here.
        tracing::debug!("app info requested");
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            mode: self.mode,
            abdm_host: self.abdm.phr_base_url.host().to_owned(),
        }
    }
}
