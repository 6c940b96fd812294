use serde::{Deserialize, Serialize};

/// Gender as ABDM records it: `M`, `F` or `O`. Parses the letters and the words
/// (`Male`, `female`, ...), which ABDM's own responses use too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
    #[serde(rename = "O")]
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GenderError {
    #[error("gender is M (male), F (female) or O (other)")]
    Unknown,
}

impl Gender {
    pub fn parse(raw: &str) -> Result<Self, GenderError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "m" | "male" => Ok(Gender::Male),
            "f" | "female" => Ok(Gender::Female),
            "o" | "other" | "t" | "transgender" => Ok(Gender::Other),
            _ => Err(GenderError::Unknown),
        }
    }

    /// The one-letter code ABDM requests use.
    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
            Gender::Other => "O",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_words_parse() {
        assert_eq!(Gender::parse("M"), Ok(Gender::Male));
        assert_eq!(Gender::parse("Female"), Ok(Gender::Female));
        assert_eq!(Gender::parse(" o "), Ok(Gender::Other));
        assert_eq!(Gender::parse("X"), Err(GenderError::Unknown));
        assert_eq!(serde_json::to_string(&Gender::Female).unwrap(), "\"F\"");
    }
}
