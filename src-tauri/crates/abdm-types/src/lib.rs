//! ABDM vocabulary shared by the client, the sandbox, the store and the flows.
//!
//! Nothing here does IO. Values are parsed once at the edge into the types below
//! and trusted afterwards.

pub mod abha_qr;
mod base_url;
mod cm_suffix;
pub mod gateway;
pub mod phr;
pub mod phr_v3;
mod sensitive;
pub mod value;
mod wire;

pub use abha_qr::{AbhaQr, AbhaQrError};
pub use base_url::{BaseUrl, BaseUrlError};
pub use cm_suffix::{CmSuffix, CmSuffixError};
pub use sensitive::Sensitive;
pub use value::*;
pub use wire::Encrypted;
