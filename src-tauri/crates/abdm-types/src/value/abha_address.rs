use std::fmt;

use serde::{Deserialize, Serialize};

use super::AbhaNumber;
use crate::CmSuffix;

/// An ABHA address: `name@sbx` (ABDM sandbox) or `name@abdm` (production).
///
/// This is the form accepted when logging in, which must also take older and
/// ABDM-issued addresses: the name is lower-case letters, digits, `.` and `_`, and
/// an all-digit name must be a 14-digit ABHA number (the default address). The
/// stricter rules for choosing a new name are in [`AddressName`].
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AbhaAddress {
    name: String,
    suffix: CmSuffix,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AbhaAddressError {
    #[error("an ABHA address looks like name@abdm")]
    NoSuffix,
    #[error("an ABHA address ends in @abdm (or @sbx in the ABDM sandbox)")]
    UnknownSuffix,
    #[error("the part before @ is empty or longer than 32 characters")]
    NameLength,
    #[error("the part before @ may only have letters, digits, dot (.) and underscore (_)")]
    BadCharacter,
    #[error("an all-number ABHA address is an ABHA number: it has exactly 14 digits")]
    NumericNotAbhaNumber,
}

impl AbhaAddress {
    pub fn parse(raw: &str) -> Result<Self, AbhaAddressError> {
        let raw = raw.trim().to_ascii_lowercase();
        let (name, suffix) = raw.rsplit_once('@').ok_or(AbhaAddressError::NoSuffix)?;
        let suffix = match suffix {
            "sbx" => CmSuffix::sandbox(),
            "abdm" => CmSuffix::production(),
            _ => return Err(AbhaAddressError::UnknownSuffix),
        };
        if name.is_empty() || name.len() > 32 {
            return Err(AbhaAddressError::NameLength);
        }
        if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_') {
            return Err(AbhaAddressError::BadCharacter);
        }
        if name.bytes().all(|b| b.is_ascii_digit()) && name.len() != 14 {
            return Err(AbhaAddressError::NumericNotAbhaNumber);
        }
        Ok(Self { name: name.to_owned(), suffix })
    }

    /// A newly chosen name under a consent manager.
    pub fn new(name: &AddressName, suffix: CmSuffix) -> Self {
        Self { name: name.0.clone(), suffix }
    }

    /// The default address ABDM issues with an ABHA number: its 14 digits.
    pub fn default_for(number: &AbhaNumber, suffix: CmSuffix) -> Self {
        Self { name: number.digits().to_owned(), suffix }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn suffix(&self) -> &CmSuffix {
        &self.suffix
    }

    /// Whether this is the 14-digit address issued with an ABHA number.
    pub fn is_default(&self) -> bool {
        self.name.len() == 14 && self.name.bytes().all(|b| b.is_ascii_digit())
    }

    /// The address in full; for a default address that includes the ABHA number,
    /// so prefer [`Display`](fmt::Display) (masked) for anything shown or logged.
    pub fn expose(&self) -> String {
        format!("{}@{}", self.name, self.suffix)
    }
}

impl From<AbhaAddress> for String {
    fn from(address: AbhaAddress) -> Self {
        address.expose()
    }
}

impl TryFrom<String> for AbhaAddress {
    type Error = AbhaAddressError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl fmt::Display for AbhaAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_default() {
            write!(f, "{}@{}", super::mask_tail(&self.name, 4), self.suffix)
        } else {
            write!(f, "{}@{}", self.name, self.suffix)
        }
    }
}

impl fmt::Debug for AbhaAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AbhaAddress({self})")
    }
}

/// A name a person chooses for a new ABHA address (the part before `@`).
///
/// The policy of ABDM's reference app: 8 to 18 characters; letters and digits,
/// plus at most one dot and at most one underscore, neither first nor last; not
/// all digits (those are ABHA numbers, issued rather than chosen). Lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AddressName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressNameError {
    #[error("type only the part before @")]
    HasSuffix,
    #[error("use at least 8 characters")]
    TooShort,
    #[error("use at most 18 characters")]
    TooLong,
    #[error("use only letters, digits, one dot (.) and one underscore (_)")]
    BadCharacter,
    #[error("use at most one dot (.) and one underscore (_)")]
    TooManySpecial,
    #[error("a dot or underscore cannot be first or last")]
    SpecialAtEdge,
    #[error("an address of only digits is reserved for ABHA numbers; add a letter")]
    AllDigits,
}

impl AddressName {
    pub fn parse(raw: &str) -> Result<Self, AddressNameError> {
        let name = raw.trim().to_ascii_lowercase();
        if name.contains('@') {
            return Err(AddressNameError::HasSuffix);
        }
        if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_') {
            return Err(AddressNameError::BadCharacter);
        }
        if name.len() < 8 {
            return Err(AddressNameError::TooShort);
        }
        if name.len() > 18 {
            return Err(AddressNameError::TooLong);
        }
        if name.matches('.').count() > 1 || name.matches('_').count() > 1 {
            return Err(AddressNameError::TooManySpecial);
        }
        let edge = |c: Option<char>| matches!(c, Some('.' | '_'));
        if edge(name.chars().next()) || edge(name.chars().last()) {
            return Err(AddressNameError::SpecialAtEdge);
        }
        if name.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AddressNameError::AllDigits);
        }
        Ok(Self(name))
    }
}

impl AsRef<str> for AddressName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AddressName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn login_addresses_of_every_kind_parse() {
        let a = AbhaAddress::parse(" Asha.Verma@SBX ").unwrap();
        assert_eq!(a.expose(), "asha.verma@sbx");
        assert_eq!(a.suffix(), &CmSuffix::sandbox());
        assert!(AbhaAddress::parse("hinapatel@abdm").is_ok());
        let default = AbhaAddress::parse("91432187652109@sbx").unwrap();
        assert!(default.is_default());
        assert_eq!(default.to_string(), "**********2109@sbx", "a default address hides the ABHA number");
    }

    #[test]
    fn login_addresses_are_refused_with_the_rule() {
        assert_eq!(AbhaAddress::parse("asha"), Err(AbhaAddressError::NoSuffix));
        assert_eq!(AbhaAddress::parse("asha@gmail.com"), Err(AbhaAddressError::UnknownSuffix));
        assert_eq!(AbhaAddress::parse("@sbx"), Err(AbhaAddressError::NameLength));
        assert_eq!(AbhaAddress::parse("asha-v@sbx"), Err(AbhaAddressError::BadCharacter));
        assert_eq!(AbhaAddress::parse("9876543210@sbx"), Err(AbhaAddressError::NumericNotAbhaNumber));
    }

    #[test]
    fn default_address_comes_from_the_abha_number() {
        let number = AbhaNumber::parse("91-4321-8765-2109").unwrap();
        assert_eq!(AbhaAddress::default_for(&number, CmSuffix::sandbox()).expose(), "91432187652109@sbx");
    }

    #[test]
    fn serde_goes_through_parse() {
        let a: AbhaAddress = serde_json::from_str("\"Asha.Verma@sbx\"").unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"asha.verma@sbx\"");
        assert!(serde_json::from_str::<AbhaAddress>("\"asha@x\"").is_err());
    }

    #[test]
    fn new_names_follow_the_policy() {
        use AddressNameError::*;
        assert_eq!(AddressName::parse("Asha.Verma_87").unwrap().as_ref(), "asha.verma_87");
        assert_eq!(AddressName::parse("asha.v"), Err(TooShort));
        assert_eq!(AddressName::parse("asha.verma.from.pune"), Err(TooLong));
        assert_eq!(AddressName::parse("asha.v.rma"), Err(TooManySpecial));
        assert_eq!(AddressName::parse("asha__verma"), Err(TooManySpecial));
        assert_eq!(AddressName::parse(".ashaverma"), Err(SpecialAtEdge));
        assert_eq!(AddressName::parse("ashaverma_"), Err(SpecialAtEdge));
        assert_eq!(AddressName::parse("asha verma"), Err(BadCharacter));
        assert_eq!(AddressName::parse("asha-verma"), Err(BadCharacter));
        assert_eq!(AddressName::parse("9876543210"), Err(AllDigits));
        assert_eq!(AddressName::parse("ashaverma@sbx"), Err(HasSuffix));
    }

    proptest! {
        #[test]
        fn every_valid_new_name_makes_a_valid_login_address(name in "[a-z][a-z0-9]{3,7}[._]?[a-z0-9]{4,8}") {
            prop_assume!(name.len() <= 18);
            let chosen = AddressName::parse(&name).unwrap();
            let address = AbhaAddress::new(&chosen, CmSuffix::sandbox());
            prop_assert_eq!(AbhaAddress::parse(&address.expose()).unwrap(), address);
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,40}") {
            let _ = AbhaAddress::parse(&raw);
            let _ = AddressName::parse(&raw);
        }
    }
}
