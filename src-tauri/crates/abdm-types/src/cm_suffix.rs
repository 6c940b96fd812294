use std::{fmt, str::FromStr};

/// The consent manager an ABHA address belongs to: the part after `@`
/// (`sbx` for the ABDM sandbox, `abdm` for production). Sent as `X-CM-ID`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CmSuffix(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CmSuffixError {
    #[error("is empty")]
    Empty,
    #[error("must be lowercase letters only, like `sbx` or `abdm` (without the `@`)")]
    NotLowercaseLetters,
    #[error("is longer than 16 characters")]
    TooLong,
}

impl CmSuffix {
    pub fn parse(raw: &str) -> Result<Self, CmSuffixError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(CmSuffixError::Empty);
        }
        if raw.len() > 16 {
            return Err(CmSuffixError::TooLong);
        }
        if !raw.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(CmSuffixError::NotLowercaseLetters);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn sandbox() -> Self {
        Self("sbx".to_owned())
    }

    pub fn production() -> Self {
        Self("abdm".to_owned())
    }
}

impl AsRef<str> for CmSuffix {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CmSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CmSuffix {
    type Err = CmSuffixError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_and_production_suffixes_parse() {
        assert_eq!(CmSuffix::parse("sbx"), Ok(CmSuffix::sandbox()));
        assert_eq!(CmSuffix::parse(" abdm "), Ok(CmSuffix::production()));
    }

    #[test]
    fn a_suffix_with_the_at_sign_is_rejected_with_the_rule() {
        assert_eq!(CmSuffix::parse("@sbx"), Err(CmSuffixError::NotLowercaseLetters));
        assert_eq!(CmSuffix::parse("SBX"), Err(CmSuffixError::NotLowercaseLetters));
        assert_eq!(CmSuffix::parse(""), Err(CmSuffixError::Empty));
    }
}
