use std::fmt;

/// An Indian postal PIN code: 6 digits, the first not 0.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pincode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PincodeError {
    #[error("a PIN code has 6 digits and does not start with 0")]
    Shape,
}

impl Pincode {
    pub fn parse(raw: &str) -> Result<Self, PincodeError> {
        let raw: String = raw.trim().chars().filter(|c| *c != ' ').collect();
        if raw.len() != 6 || !raw.bytes().all(|b| b.is_ascii_digit()) || raw.starts_with('0') {
            return Err(PincodeError::Shape);
        }
        Ok(Self(raw))
    }
}

impl AsRef<str> for Pincode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pincode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn six_digits_not_starting_with_zero() {
        assert_eq!(Pincode::parse("110 001").unwrap().as_ref(), "110001");
        for bad in ["011001", "11001", "1100011", "11000a"] {
            assert_eq!(Pincode::parse(bad), Err(PincodeError::Shape), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn valid_codes_parse(raw in "[1-9][0-9]{5}") {
            let parsed = Pincode::parse(&raw).unwrap();
            prop_assert_eq!(parsed.as_ref(), raw.as_str());
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,12}") {
            let _ = Pincode::parse(&raw);
        }
    }
}
