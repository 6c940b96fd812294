/// A year of birth, between 1900 and the current year (passed in, so tests and
/// the sandbox's adjustable clock decide what "now" is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YearOfBirth(u16);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum YearOfBirthError {
    #[error("the year of birth has 4 digits, like 1987")]
    Shape,
    #[error("the year of birth cannot be before 1900")]
    TooEarly,
    #[error("the year of birth cannot be in the future")]
    InFuture,
}

impl YearOfBirth {
    pub const EARLIEST: u16 = 1900;

    pub fn parse(raw: &str, current_year: u16) -> Result<Self, YearOfBirthError> {
        let raw = raw.trim();
        if raw.len() != 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(YearOfBirthError::Shape);
        }
        let year: u16 = raw.parse().map_err(|_| YearOfBirthError::Shape)?;
        Self::new(year, current_year)
    }

    pub fn new(year: u16, current_year: u16) -> Result<Self, YearOfBirthError> {
        if year < Self::EARLIEST {
            return Err(YearOfBirthError::TooEarly);
        }
        if year > current_year {
            return Err(YearOfBirthError::InFuture);
        }
        Ok(Self(year))
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn years_outside_1900_to_now_are_refused_with_the_reason() {
        assert_eq!(YearOfBirth::parse("1987", 2026).unwrap().get(), 1987);
        assert_eq!(YearOfBirth::parse("1899", 2026), Err(YearOfBirthError::TooEarly));
        assert_eq!(YearOfBirth::parse("2027", 2026), Err(YearOfBirthError::InFuture));
        assert_eq!(YearOfBirth::parse("87", 2026), Err(YearOfBirthError::Shape));
        assert_eq!(YearOfBirth::parse("19x7", 2026), Err(YearOfBirthError::Shape));
    }

    proptest! {
        #[test]
        fn every_year_up_to_now_parses(year in 1900u16..=2026) {
            prop_assert_eq!(YearOfBirth::parse(&year.to_string(), 2026).unwrap().get(), year);
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,8}", now in 1900u16..3000) {
            let _ = YearOfBirth::parse(&raw, now);
        }
    }
}
