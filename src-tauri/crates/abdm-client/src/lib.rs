//! Client for the ABDM PHR app API and the HIE-CM gateway.

mod config;

pub use config::{AbdmConfig, BaseUrl, BaseUrlError};
