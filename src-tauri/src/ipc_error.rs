use phr_core::{ErrorCode, Field};
use serde::Serialize;

/// What a failed command gives the UI: a code from a closed set to branch on, and
/// a sentence for a person. Never the inner error's text, which may carry data.
/// `field`, only when the error is about one field of a form, lets the UI mark it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub field: Option<Field>,
}

impl From<phr_core::Error> for IpcError {
    fn from(err: phr_core::Error) -> Self {
        // The whole chain goes to the (redacted) log before it is flattened.
        let mut chain = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            chain.push_str(": ");
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        tracing::error!(code = ?err.code(), error = %chain, "command failed");
        IpcError { code: err.code(), message: err.user_message(), field: err.field() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipc_error_is_code_and_message_only() {
        let err: IpcError = phr_core::Error::Internal("row for 9876543210 vanished".into()).into();
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "INTERNAL");
        assert_eq!(json.as_object().unwrap().len(), 2, "{json}");
        assert!(!json.to_string().contains("9876543210"));
    }
}
