use std::fmt;

use abdm_types::{gateway::GatewayError, phr::ApiError};

/// Everything that can go wrong talking to ABDM, keeping what a caller needs to
/// decide what to do next: the HTTP status, ABDM's codes and message, and the raw
/// body for diagnosis. `Debug` never prints the body (it may hold personal data).
#[derive(thiserror::Error)]
pub enum AbdmError {
    /// ABDM could not be reached: no network, DNS, refused, reset, TLS.
    #[error("ABDM could not be reached")]
    Unreachable(#[source] reqwest::Error),
    /// ABDM did not answer in time.
    #[error("ABDM did not answer in time")]
    Timeout(#[source] reqwest::Error),
    /// ABDM answered with an error status.
    #[error("ABDM refused the request (HTTP {status}{})", .failure.summary())]
    Rejected { status: u16, failure: ApiFailure, raw: String },
    /// ABDM answered with a success status but a body that is not the documented shape.
    #[error("ABDM's reply could not be read (HTTP {status})")]
    Malformed {
        status: u16,
        raw: String,
        #[source]
        source: serde_json::Error,
    },
    /// ABDM's public key could not be fetched or read.
    #[error("ABDM's encryption key is unusable: {0}")]
    Key(String),
    /// A credential could not be encrypted.
    #[error("a credential could not be encrypted")]
    Encrypt(#[source] rsa::Error),
    /// A v3 step whose earlier step this client no longer remembers (the app
    /// restarted in between, or it was too long ago): start the step again.
    #[error("the earlier step of this transaction is not known here any more")]
    TransactionLost,
    /// A success reply without a part the step needs.
    #[error("ABDM's reply has no {0}")]
    Missing(&'static str),
    /// What the configured generation of ABDM's API does not offer.
    #[error("ABDM's {api} API has no {what}")]
    NotInGeneration { api: &'static str, what: &'static str },
    /// The configuration cannot make a client (bad TLS setup, ...).
    #[error("the HTTP client could not be built")]
    Build(#[source] reqwest::Error),
}

impl AbdmError {
    pub fn status(&self) -> Option<u16> {
        match self {
            AbdmError::Rejected { status, .. } | AbdmError::Malformed { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// ABDM's codes for a rejection, top-level first then details, e.g.
    /// `["MIS-422", "ABDM-1405"]`; empty for anything else.
    pub fn codes(&self) -> Vec<&str> {
        match self {
            AbdmError::Rejected { failure, .. } => failure.codes(),
            _ => Vec::new(),
        }
    }

    pub fn has_code(&self, code: &str) -> bool {
        self.codes().contains(&code)
    }

    /// The body as received, for diagnosis only (it may hold personal data).
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            AbdmError::Rejected { raw, .. } | AbdmError::Malformed { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// Worth trying again unchanged: the network, a timeout, or ABDM being down.
    pub fn is_transient(&self) -> bool {
        match self {
            AbdmError::Unreachable(_) | AbdmError::Timeout(_) => true,
            AbdmError::Rejected { status, .. } => matches!(status, 502..=504),
            _ => false,
        }
    }

    /// The rejection ABDM gives a credential it cannot decrypt (also what a
    /// rotated key looks like).
    pub(crate) fn is_decrypt_rejection(&self) -> bool {
        match self {
            AbdmError::Rejected { status: 400, failure, .. } => {
                // v3 says only that the login id is invalid; a wrong OTP or
                // password must not be sent a second time, so only this field.
                failure.codes().contains(&"ABDM-1502")
                    || failure.fields.iter().any(|(field, _)| field == "loginId")
                    || failure.message.as_deref().is_some_and(|m| {
                        let m = m.to_ascii_lowercase();
                        m.contains("plain text") || m.contains("decrypt")
                    })
            }
            _ => false,
        }
    }
}

impl fmt::Debug for AbdmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AbdmError::Rejected { status, failure, raw } => f
                .debug_struct("Rejected")
                .field("status", status)
                .field("codes", &failure.codes())
                .field("raw_len", &raw.len())
                .finish(),
            AbdmError::Malformed { status, raw, source } => f
                .debug_struct("Malformed")
                .field("status", status)
                .field("raw_len", &raw.len())
                .field("source", source)
                .finish(),
            other => write!(f, "{other}"),
        }
    }
}

/// An error body in any of the shapes ABDM uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiFailure {
    /// Top-level code: `MIS-422`, `HIS-422`, or a gateway integer as text.
    pub code: Option<String>,
    pub message: Option<String>,
    /// Codes of the details (`ABDM-1405`), where the specific reason usually is.
    pub detail_codes: Vec<String>,
    /// Field-level complaints: `details[].attribute` or a v3 field map.
    pub fields: Vec<(String, String)>,
}

impl ApiFailure {
    /// Reads whichever shape the body has; an unreadable body gives an empty failure.
    pub fn parse(raw: &str) -> Self {
        // ABDM has sent codes with a trailing ": " (`ABDM-1006: `).
        let clean = |code: &str| code.trim().trim_end_matches(':').trim().to_owned();
        if let Ok(api) = serde_json::from_str::<ApiError>(raw) {
            return Self {
                code: Some(clean(&api.code)),
                message: Some(api.message),
                detail_codes: api.details.iter().map(|d| clean(&d.code)).collect(),
                fields: api.details.into_iter().filter_map(|d| d.attribute.map(|a| (a.key, a.value))).collect(),
            };
        }
        if let Ok(gateway) = serde_json::from_str::<GatewayError>(raw) {
            return Self {
                code: Some(gateway.error.code.to_string()),
                message: Some(gateway.error.message),
                ..Self::default()
            };
        }
        // v3's wrapped shape carries ABDM's code as text.
        if let Ok(wrapped) = serde_json::from_str::<abdm_types::phr_v3::WrappedError>(raw) {
            return Self {
                code: Some(clean(&wrapped.error.code)),
                message: Some(wrapped.error.message),
                ..Self::default()
            };
        }
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(raw) {
            // v3 answers some validation errors as `{"otpValue":"Invalid OTP Value","timestamp":..}`.
            let fields: Vec<(String, String)> = map
                .into_iter()
                .filter(|(k, _)| k != "timestamp")
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                .collect();
            let message = fields.first().map(|(_, m)| m.clone());
            return Self { message, fields, ..Self::default() };
        }
        Self::default()
    }

    pub fn codes(&self) -> Vec<&str> {
        self.code.iter().chain(self.detail_codes.iter()).map(String::as_str).collect()
    }

    fn summary(&self) -> String {
        match self.codes().last() {
            Some(code) => format!(", {code}"),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phr_shape_is_read_with_detail_codes_and_fields() {
        let f = ApiFailure::parse(
            r#"{"code":"MIS-422","message":"Unable to process","details":[{"code":"MIS-1010","message":"Invalid Data","attribute":{"key":"email","value":"email is invalid"}}]}"#,
        );
        assert_eq!(f.codes(), ["MIS-422", "MIS-1010"]);
        assert_eq!(f.fields, [("email".to_owned(), "email is invalid".to_owned())]);
    }

    #[test]
    fn the_his_shape_with_null_attribute_is_read() {
        let f = ApiFailure::parse(
            r#"{"code":"HIS-422","message":"x","details":[{"message":"Ensure correct Aadhaar Information is entered.","code":"HIS-2018","attribute":null}]}"#,
        );
        assert_eq!(f.codes(), ["HIS-422", "HIS-2018"]);
    }

    #[test]
    fn the_gateway_shape_is_read() {
        let f = ApiFailure::parse(r#"{"error":{"code":1401,"message":"Invalid client Id or secret"}}"#);
        assert_eq!(f.codes(), ["1401"]);
        assert_eq!(f.message.as_deref(), Some("Invalid client Id or secret"));
    }

    #[test]
    fn the_v3_field_map_is_read() {
        let f = ApiFailure::parse(
            r#"{"otpValue":"Invalid OTP Value","txnId":"Invalid Transaction Id","timestamp":"24-11-2022 20:38:44"}"#,
        );
        assert!(f.codes().is_empty());
        assert_eq!(f.fields.len(), 2);
        assert!(f.fields.contains(&("otpValue".to_owned(), "Invalid OTP Value".to_owned())));
    }

    #[test]
    fn the_v3_wrapped_and_flat_shapes_are_read() {
        let f = ApiFailure::parse(r#"{"error":{"code":"ABDM-1017: ","message":"Invalid Transaction Id"}}"#);
        assert_eq!(f.codes(), ["ABDM-1017"]);
        assert_eq!(f.message.as_deref(), Some("Invalid Transaction Id"));
        let f = ApiFailure::parse(
            r#"{"code":"ABDM-1094","message":"Access restricted","timestamp":"2024-10-25 15:02:34"}"#,
        );
        assert_eq!(f.codes(), ["ABDM-1094"]);
        let f =
            ApiFailure::parse(r#"{"code":"900901","message":"Invalid Credentials","description":"Invalid JWT token"}"#);
        assert_eq!(f.codes(), ["900901"]);
    }

    #[test]
    fn trailing_colons_are_trimmed_from_codes() {
        let f = ApiFailure::parse(r#"{"code":"ABDM-1006: ","message":"x","details":[]}"#);
        assert_eq!(f.codes(), ["ABDM-1006"]);
    }

    #[test]
    fn text_bodies_give_an_empty_failure() {
        assert_eq!(ApiFailure::parse("<html>Bad Gateway</html>"), ApiFailure::default());
    }

    #[test]
    fn debug_never_prints_the_body() {
        let err = AbdmError::Rejected {
            status: 422,
            failure: ApiFailure::default(),
            raw: r#"{"mobile":"9876543210"}"#.into(),
        };
        assert!(!format!("{err:?} {err}").contains("9876543210"));
    }
}
