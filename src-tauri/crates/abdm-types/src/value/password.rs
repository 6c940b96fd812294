use std::fmt;

use serde::Serialize;
use zeroize::Zeroize;

/// A password that meets ABDM's policy: at least 8 characters with an upper-case
/// letter, a lower-case letter, a digit and a symbol, no spaces, and no run of 3
/// such as `123`, `cba` or `aaa`. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// One rule of the policy, so a form can show a live checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PasswordRule {
    MinLength,
    MaxLength,
    Uppercase,
    Lowercase,
    Digit,
    Symbol,
    NoSpace,
    NoSequence,
}

impl PasswordRule {
    pub const ALL: [PasswordRule; 8] = [
        PasswordRule::MinLength,
        PasswordRule::MaxLength,
        PasswordRule::Uppercase,
        PasswordRule::Lowercase,
        PasswordRule::Digit,
        PasswordRule::Symbol,
        PasswordRule::NoSpace,
        PasswordRule::NoSequence,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            PasswordRule::MinLength => "at least 8 characters",
            PasswordRule::MaxLength => "at most 64 characters",
            PasswordRule::Uppercase => "an upper-case letter (A-Z)",
            PasswordRule::Lowercase => "a lower-case letter (a-z)",
            PasswordRule::Digit => "a digit (0-9)",
            PasswordRule::Symbol => "a symbol such as @ # $ _ !",
            PasswordRule::NoSpace => "no spaces",
            PasswordRule::NoSequence => "no run of 3 characters in a row, like 123, cba or aaa",
        }
    }

    fn holds(self, raw: &str) -> bool {
        match self {
            PasswordRule::MinLength => raw.chars().count() >= 8,
            PasswordRule::MaxLength => raw.chars().count() <= 64,
            PasswordRule::Uppercase => raw.chars().any(|c| c.is_ascii_uppercase()),
            PasswordRule::Lowercase => raw.chars().any(|c| c.is_ascii_lowercase()),
            PasswordRule::Digit => raw.chars().any(|c| c.is_ascii_digit()),
            PasswordRule::Symbol => raw.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
            PasswordRule::NoSpace => !raw.chars().any(char::is_whitespace),
            PasswordRule::NoSequence => !has_run_of_three(raw),
        }
    }
}

/// `123`, `321`, `abc`, `CBA`, `aaa`: three characters that repeat or step by one.
fn has_run_of_three(raw: &str) -> bool {
    let chars: Vec<char> = raw.chars().map(|c| c.to_ascii_lowercase()).collect();
    chars.windows(3).any(|w| {
        let alnum = w.iter().all(|c| c.is_ascii_alphanumeric());
        let same_kind = w.iter().all(|c| c.is_ascii_digit()) || w.iter().all(|c| c.is_ascii_alphabetic());
        let (a, b, c) = (w[0] as i32, w[1] as i32, w[2] as i32);
        let repeat = a == b && b == c;
        let step = alnum && same_kind && b - a == c - b && (b - a).abs() == 1;
        repeat || step
    })
}

#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("the password needs {}", .unmet.iter().map(|r| r.describe()).collect::<Vec<_>>().join(", "))]
pub struct PasswordError {
    pub unmet: Vec<PasswordRule>,
}

// Debug would otherwise be derived from the same fields; spelled out so it cannot
// grow a field holding the password.
impl fmt::Debug for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordError").field("unmet", &self.unmet).finish()
    }
}

impl Password {
    /// The rules `raw` does not meet, in checklist order; empty when it is valid.
    pub fn check(raw: &str) -> Vec<PasswordRule> {
        PasswordRule::ALL.into_iter().filter(|rule| !rule.holds(raw)).collect()
    }

    pub fn parse(raw: &str) -> Result<Self, PasswordError> {
        let unmet = Self::check(raw);
        if unmet.is_empty() { Ok(Self(raw.to_owned())) } else { Err(PasswordError { unmet }) }
    }

    /// The password, for encryption before it leaves the process.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Drop for Password {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_strong_password_passes() {
        assert!(Password::parse("Hyd3rabad!Rain").is_ok());
        assert!(Password::parse("Zq8#mW2@kL").is_ok());
    }

    #[test]
    fn each_rule_is_named_when_it_fails() {
        use PasswordRule::*;
        assert_eq!(Password::check("Ab1#xyz"), vec![MinLength, NoSequence]);
        assert_eq!(Password::check("hyd3rabad!rain"), vec![Uppercase]);
        assert_eq!(Password::check("HYD3RABAD!RAIN"), vec![Lowercase]);
        assert_eq!(Password::check("Hydxrabad!Rain"), vec![Digit]);
        assert_eq!(Password::check("Hyd3rabadQRain"), vec![Symbol]);
        assert_eq!(Password::check("Hyd3rabad! Rain"), vec![NoSpace]);
        assert_eq!(Password::check(&format!("Hyd3rabad!{}", "Rq".repeat(30))), vec![MaxLength]);
    }

    #[test]
    fn runs_of_three_are_refused_in_either_direction_and_repeated() {
        for weak in ["Pass#123word", "Pass#321word", "Pqabc#9word", "PqCBA#9word", "Pq#9xwooord"] {
            assert_eq!(Password::check(weak), vec![PasswordRule::NoSequence], "{weak:?}");
        }
        // Steps across kinds (9, :, ;) or by two are fine.
        assert!(Password::parse("Pq#9:;xw7E").is_ok());
        assert!(Password::parse("Pq#135xwE").is_ok());
    }

    #[test]
    fn the_error_lists_what_is_missing_and_never_the_password() {
        let err = Password::parse("secretpass").unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(text.contains("upper-case"), "{text}");
        assert!(!text.contains("secretpass"), "{text}");
        assert_eq!(format!("{:?}", Password::parse("Hyd3rabad!Rain").unwrap()), "Password(<redacted>)");
    }

    proptest! {
        #[test]
        fn check_and_parse_agree(raw in "\\PC{0,24}") {
            prop_assert_eq!(Password::check(&raw).is_empty(), Password::parse(&raw).is_ok());
        }

        #[test]
        fn built_to_policy_passes(upper in "[A-Z]", lower in "[a-z]", digit in "[0-9]", symbol in "[@#$_!%]") {
            // Separated by fixed filler so no run of three can form.
            let raw = format!("{upper}x{lower}Q{digit}m{symbol}Z");
            prop_assume!(!has_run_of_three(&raw));
            prop_assert!(Password::parse(&raw).is_ok(), "{}", raw);
        }
    }
}
