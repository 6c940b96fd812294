use std::fmt;

use zeroize::Zeroize;

/// A one-time password: exactly 6 digits. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Otp(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    #[error("the OTP has 6 digits")]
    Shape,
}

impl Otp {
    pub fn parse(raw: &str) -> Result<Self, OtpError> {
        let raw = raw.trim();
        if raw.len() != 6 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OtpError::Shape);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The digits, for encryption before they leave the process.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Otp {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Otp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Otp(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn six_digits_only() {
        assert_eq!(Otp::parse(" 048213 ").unwrap().expose(), "048213");
        for bad in ["", "12345", "1234567", "12345a", "12 345"] {
            assert_eq!(Otp::parse(bad), Err(OtpError::Shape), "{bad:?}");
        }
        assert_eq!(format!("{:?}", Otp::parse("048213").unwrap()), "Otp(<redacted>)");
    }

    proptest! {
        #[test]
        fn any_six_digits_parse(raw in "[0-9]{6}") {
            prop_assert!(Otp::parse(&raw).is_ok());
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,12}") {
            let _ = Otp::parse(&raw);
        }
    }
}
