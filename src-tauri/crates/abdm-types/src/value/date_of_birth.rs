use super::{YearOfBirth, YearOfBirthError};

/// A calendar day (Gregorian), as the clock gives "today".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CivilDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl CivilDate {
    /// The day of a Unix time, in UTC.
    pub fn from_unix(secs: i64) -> Self {
        // Howard Hinnant's days-to-civil, for the proleptic Gregorian calendar.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self { year: u16::try_from(year).unwrap_or(u16::MAX), month, day }
    }
}

/// A date of birth as ABDM's `dateOfBirth {date, month, year}` carries it: the
/// year is required, the month optional, the day optional and only with a
/// month. It is a real date, not in the future and not more than
/// [`DateOfBirth::MAX_AGE_YEARS`] years ago.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateOfBirth {
    year: YearOfBirth,
    month: Option<u8>,
    day: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateOfBirthError {
    #[error(transparent)]
    Year(#[from] YearOfBirthError),
    #[error("the month of birth is a number from 1 to 12")]
    Month,
    #[error("the day of birth is a number from 1 to 31")]
    Day,
    #[error("a day of birth needs its month")]
    DayWithoutMonth,
    #[error("that month does not have that many days")]
    NoSuchDay,
    #[error("the date of birth cannot be in the future")]
    InFuture,
    #[error("the date of birth cannot be more than 120 years ago")]
    TooLongAgo,
}

impl DateOfBirth {
    pub const MAX_AGE_YEARS: u16 = 120;

    /// Day, month and year as typed; an empty day or month is "not given".
    pub fn parse(day: &str, month: &str, year: &str, today: CivilDate) -> Result<Self, DateOfBirthError> {
        let year = YearOfBirth::parse(year, today.year)?;
        let month = optional_number(month, 12).map_err(|()| DateOfBirthError::Month)?;
        let day = optional_number(day, 31).map_err(|()| DateOfBirthError::Day)?;
        if day.is_some() && month.is_none() {
            return Err(DateOfBirthError::DayWithoutMonth);
        }
        if let (Some(day), Some(month)) = (day, month)
            && day > days_in_month(year.get(), month)
        {
            return Err(DateOfBirthError::NoSuchDay);
        }
        // What is not given is read as early as it can be for "in the future"
        // and as late as it can be for "too long ago", so a person is never
        // refused for leaving a part out.
        let earliest = CivilDate { year: year.get(), month: month.unwrap_or(1), day: day.unwrap_or(1) };
        let latest_month = month.unwrap_or(12);
        let latest = CivilDate {
            year: year.get(),
            month: latest_month,
            day: day.unwrap_or_else(|| days_in_month(year.get(), latest_month)),
        };
        if earliest > today {
            return Err(DateOfBirthError::InFuture);
        }
        let oldest = CivilDate { year: today.year.saturating_sub(Self::MAX_AGE_YEARS), ..today };
        if latest < oldest {
            return Err(DateOfBirthError::TooLongAgo);
        }
        Ok(Self { year, month, day })
    }

    pub fn year(self) -> YearOfBirth {
        self.year
    }

    pub fn month(self) -> Option<u8> {
        self.month
    }

    pub fn day(self) -> Option<u8> {
        self.day
    }
}

fn optional_number(raw: &str, max: u8) -> Result<Option<u8>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() > 2 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    match raw.parse::<u8>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(()),
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const TODAY: CivilDate = CivilDate { year: 2026, month: 12, day: 2 };

    fn parse(day: &str, month: &str, year: &str) -> Result<DateOfBirth, DateOfBirthError> {
        DateOfBirth::parse(day, month, year, TODAY)
    }

    #[test]
    fn unix_days_become_calendar_days() {
        assert_eq!(CivilDate::from_unix(0), CivilDate { year: 1970, month: 1, day: 1 });
        assert_eq!(CivilDate::from_unix(1_796_256_000), CivilDate { year: 2026, month: 12, day: 3 });
        assert_eq!(CivilDate::from_unix(951_782_400), CivilDate { year: 2000, month: 2, day: 29 });
    }

    #[test]
    fn a_real_date_in_the_last_120_years_is_taken_with_or_without_day_and_month() {
        let full = parse("7", "03", "1987").unwrap();
        assert_eq!((full.day(), full.month(), full.year().get()), (Some(7), Some(3), 1987));
        assert_eq!(parse("", "", "1987").unwrap().month(), None);
        assert_eq!(parse("", "12", "2026").unwrap().month(), Some(12), "this month is not the future");
        assert!(parse("29", "2", "2024").is_ok());
        assert!(parse("2", "12", "2026").is_ok(), "born today");
        assert!(parse("", "", "1906").is_ok(), "someone born late in 1906 may be 119");
    }

    #[test]
    fn each_broken_rule_is_named() {
        assert_eq!(parse("29", "2", "2023"), Err(DateOfBirthError::NoSuchDay));
        assert_eq!(parse("31", "4", "1990"), Err(DateOfBirthError::NoSuchDay));
        assert_eq!(parse("29", "2", "1900"), Err(DateOfBirthError::NoSuchDay), "1900 was no leap year");
        assert_eq!(parse("", "", "1899").unwrap_err(), DateOfBirthError::Year(YearOfBirthError::TooEarly));
        assert_eq!(parse("12", "", "1990"), Err(DateOfBirthError::DayWithoutMonth));
        assert_eq!(parse("", "13", "1990"), Err(DateOfBirthError::Month));
        assert_eq!(parse("0", "1", "1990"), Err(DateOfBirthError::Day));
        assert_eq!(parse("३", "1", "1990"), Err(DateOfBirthError::Day));
        assert_eq!(parse("3", "12", "2026"), Err(DateOfBirthError::InFuture));
        assert_eq!(parse("", "", "2027").unwrap_err(), DateOfBirthError::Year(YearOfBirthError::InFuture));
        assert_eq!(parse("1", "12", "1906"), Err(DateOfBirthError::TooLongAgo));
        assert_eq!(parse("", "", "1905"), Err(DateOfBirthError::TooLongAgo));
    }

    proptest! {
        #[test]
        fn parsing_never_panics(day in "\\PC{0,4}", month in "\\PC{0,4}", year in "\\PC{0,6}", secs in -1_000_000_000_000i64..1_000_000_000_000) {
            let _ = DateOfBirth::parse(&day, &month, &year, CivilDate::from_unix(secs));
        }
    }
}
