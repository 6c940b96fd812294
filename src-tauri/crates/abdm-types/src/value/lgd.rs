use std::fmt;

/// A state code from India's Local Government Directory (LGD), e.g. `27` for
/// Maharashtra. ABDM sends these as strings of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateCode(u16);

/// An LGD district code, e.g. `401` for Pune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DistrictCode(u16);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LgdCodeError {
    #[error("an LGD state code is a number from 1 to 99")]
    State,
    #[error("an LGD district code is a number from 1 to 9999")]
    District,
}

fn parse_code(raw: &str, max: u16) -> Option<u16> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse::<u16>().ok().filter(|code| (1..=max).contains(code))
}

impl StateCode {
    pub fn parse(raw: &str) -> Result<Self, LgdCodeError> {
        parse_code(raw, 99).map(Self).ok_or(LgdCodeError::State)
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl DistrictCode {
    pub fn parse(raw: &str) -> Result<Self, LgdCodeError> {
        parse_code(raw, 9999).map(Self).ok_or(LgdCodeError::District)
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for StateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn codes_from_the_samples_parse() {
        assert_eq!(StateCode::parse("27").unwrap().get(), 27);
        assert_eq!(DistrictCode::parse("401").unwrap().to_string(), "401");
        assert_eq!(StateCode::parse("0"), Err(LgdCodeError::State));
        assert_eq!(StateCode::parse("100"), Err(LgdCodeError::State));
        assert_eq!(DistrictCode::parse("12a"), Err(LgdCodeError::District));
        assert_eq!(DistrictCode::parse(""), Err(LgdCodeError::District));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(raw in "\\PC{0,8}") {
            let _ = StateCode::parse(&raw);
            let _ = DistrictCode::parse(&raw);
        }
    }
}
