use serde::{Deserialize, Serialize};

/// The closed set of failure kinds the UI branches on. Each has a human message in
/// `ui/src/errors.ts`; add a code only when the UI does something different for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// A bug or an unexpected state: nothing the user can fix by retrying differently.
    Internal,
}

/// Failures of the application API, by what the caller does next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something that should not happen; the chain says what.
    #[error("unexpected failure")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A sentence for a person, never the inner error's text (which may carry data).
    pub fn user_message(&self) -> &'static str {
        match self.code() {
            ErrorCode::Internal => "Something went wrong inside ABHA Desktop. Please try again.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_screaming_snake_case_for_the_ui() {
        assert_eq!(serde_json::to_string(&ErrorCode::Internal).unwrap(), "\"INTERNAL\"");
    }

    #[test]
    fn the_user_message_does_not_carry_the_cause() {
        let err = Error::Internal("db row 9876543210 missing".into());
        assert_eq!(err.code(), ErrorCode::Internal);
        assert!(!err.user_message().contains("9876543210"));
    }
}
