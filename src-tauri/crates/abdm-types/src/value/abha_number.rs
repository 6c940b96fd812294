use std::fmt;

use zeroize::Zeroize;

use super::mask_tail;

/// A 14-digit ABHA number, written `NN-NNNN-NNNN-NNNN`.
///
/// Accepts the digits with or without the hyphens (and surrounding spaces); ABDM
/// has published no checksum, so none is checked. Prints masked.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AbhaNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AbhaNumberError {
    #[error("an ABHA number has 14 digits, written like 91-1234-5678-9012")]
    Shape,
}

impl AbhaNumber {
    pub fn parse(raw: &str) -> Result<Self, AbhaNumberError> {
        let raw = raw.trim();
        let digits: String = raw.chars().filter(|c| *c != '-').collect();
        let hyphens_ok = !raw.contains('-') || is_hyphenated(raw);
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) || !hyphens_ok {
            return Err(AbhaNumberError::Shape);
        }
        Ok(Self(digits))
    }

    /// `NN-NNNN-NNNN-NNNN`, the form ABDM's APIs expect.
    pub fn hyphenated(&self) -> String {
        let d = &self.0;
        format!("{}-{}-{}-{}", &d[0..2], &d[2..6], &d[6..10], &d[10..14])
    }

    /// The 14 digits with no hyphens (the default ABHA address's name part).
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `XX-XXXX-XXXX-9012`, safe to show on a shared screen or in a log.
    pub fn masked(&self) -> String {
        let masked = mask_tail(&self.0, 4).replace('*', "X");
        format!("{}-{}-{}-{}", &masked[0..2], &masked[2..6], &masked[6..10], &masked[10..14])
    }
}

fn is_hyphenated(raw: &str) -> bool {
    let parts: Vec<&str> = raw.split('-').collect();
    parts.len() == 4 && parts.iter().zip([2, 4, 4, 4]).all(|(p, n)| p.len() == n)
}

impl Drop for AbhaNumber {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for AbhaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AbhaNumber({})", self.masked())
    }
}

impl fmt::Display for AbhaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn hyphenated_and_bare_forms_are_the_same_number() {
        let a = AbhaNumber::parse("91-4321-8765-2109").unwrap();
        let b = AbhaNumber::parse(" 91432187652109 ").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.hyphenated(), "91-4321-8765-2109");
        assert_eq!(a.digits(), "91432187652109");
    }

    #[test]
    fn it_prints_masked() {
        let n = AbhaNumber::parse("91-4321-8765-2109").unwrap();
        assert_eq!(n.to_string(), "XX-XXXX-XXXX-2109");
        assert!(!format!("{n:?}").contains("4321"));
    }

    #[test]
    fn wrong_shapes_are_rejected() {
        for bad in
            ["", "9143218765210", "914321876521090", "91-4321-8765-210a", "914-321-8765-2109", "91--43218765-2109"]
        {
            assert_eq!(AbhaNumber::parse(bad), Err(AbhaNumberError::Shape), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn any_14_digits_parse_and_round_trip(digits in "[0-9]{14}") {
            let n = AbhaNumber::parse(&digits).unwrap();
            prop_assert_eq!(AbhaNumber::parse(&n.hyphenated()).unwrap(), n);
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,30}") {
            let _ = AbhaNumber::parse(&raw);
        }
    }
}
