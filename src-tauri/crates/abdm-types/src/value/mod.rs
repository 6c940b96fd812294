//! Validated values: each `parse` either returns a value that obeys ABDM's rules or
//! an error naming the rule that failed. Values that identify a person (mobile,
//! email, ABHA number) print masked in `Debug` and `Display`; the raw form is only
//! available through an explicit `expose`.

mod abha_address;
mod abha_number;
mod date_of_birth;
mod email;
mod gender;
mod lgd;
mod mobile;
mod otp;
mod password;
mod pincode;
mod year_of_birth;

pub use abha_address::{AbhaAddress, AbhaAddressError, AddressName, AddressNameError};
pub use abha_number::{AbhaNumber, AbhaNumberError};
pub use date_of_birth::{CivilDate, DateOfBirth, DateOfBirthError};
pub use email::{Email, EmailError};
pub use gender::{Gender, GenderError};
pub use lgd::{DistrictCode, LgdCodeError, StateCode};
pub use mobile::{Mobile, MobileError};
pub use otp::{Otp, OtpError};
pub use password::{Password, PasswordError, PasswordRule};
pub use pincode::{Pincode, PincodeError};
pub use year_of_birth::{YearOfBirth, YearOfBirthError};

/// A character no person types or prints on purpose but a paste or a forged
/// payload can bring: control characters (NUL, line breaks), bidirectional
/// overrides that make text read differently than it is stored, and markup
/// brackets.
pub fn unwanted_in_text(c: char) -> bool {
    c.is_control()
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || "<>".contains(c)
}

/// Keeps the last `visible` characters of `raw` and replaces the rest with `*`.
pub(crate) fn mask_tail(raw: &str, visible: usize) -> String {
    let count = raw.chars().count();
    raw.chars().enumerate().map(|(i, c)| if i + visible < count { '*' } else { c }).collect()
}
