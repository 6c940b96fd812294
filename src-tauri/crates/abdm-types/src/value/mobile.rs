use std::fmt;

use zeroize::Zeroize;

use super::mask_tail;

/// An Indian mobile number: 10 digits starting with 6, 7, 8 or 9.
///
/// Accepts a `+91`, `91` or `0` prefix and spaces or hyphens between digits, and
/// keeps the 10 digits. Prints masked (`******3210`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Mobile(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MobileError {
    #[error("a mobile number has 10 digits")]
    Length,
    #[error("a mobile number has digits only")]
    NotDigits,
    #[error("an Indian mobile number starts with 6, 7, 8 or 9")]
    FirstDigit,
}

impl Mobile {
    pub fn parse(raw: &str) -> Result<Self, MobileError> {
        let compact: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let national = compact
            .strip_prefix("+91")
            .or_else(|| compact.strip_prefix("91").filter(|rest| rest.len() == 10))
            .or_else(|| compact.strip_prefix('0').filter(|rest| rest.len() == 10))
            .unwrap_or(&compact);
        if !national.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MobileError::NotDigits);
        }
        if national.len() != 10 {
            return Err(MobileError::Length);
        }
        if !matches!(national.as_bytes()[0], b'6'..=b'9') {
            return Err(MobileError::FirstDigit);
        }
        Ok(Self(national.to_owned()))
    }

    /// The 10 digits, for encryption before they leave the process.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_tail(&self.0, 4)
    }
}

impl Drop for Mobile {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mobile({})", self.masked())
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn prefixes_and_separators_are_dropped() {
        for raw in ["9876543210", "+91 98765 43210", "+919876543210", "919876543210", "09876543210", "98765-43210"] {
            assert_eq!(Mobile::parse(raw).unwrap().expose(), "9876543210", "{raw:?}");
        }
    }

    #[test]
    fn each_rule_has_its_error() {
        assert_eq!(Mobile::parse("98765"), Err(MobileError::Length));
        assert_eq!(Mobile::parse("98765x3210"), Err(MobileError::NotDigits));
        assert_eq!(Mobile::parse("5876543210"), Err(MobileError::FirstDigit));
    }

    #[test]
    fn it_prints_masked() {
        let m = Mobile::parse("9876543210").unwrap();
        assert_eq!(m.to_string(), "******3210");
        assert_eq!(format!("{m:?}"), "Mobile(******3210)");
    }

    proptest! {
        #[test]
        fn ten_digits_from_6_to_9_parse(raw in "[6-9][0-9]{9}") {
            let parsed = Mobile::parse(&raw).unwrap();
            prop_assert_eq!(parsed.expose(), raw.as_str());
        }

        #[test]
        fn ten_digits_from_0_to_5_are_refused(raw in "[1-5][0-9]{9}") {
            prop_assert!(Mobile::parse(&raw).is_err());
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,20}") {
            let _ = Mobile::parse(&raw);
        }
    }
}
