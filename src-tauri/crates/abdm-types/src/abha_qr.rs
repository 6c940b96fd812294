//! What a 2D barcode scanner types at the front desk when it reads a patient's
//! ABHA QR code. ABDM asks counters for a scanner that types like a keyboard,
//! and for software that reads both kinds of QR: the ABHA card's and the ABHA
//! app's JSON, which spell some fields differently (`hid` or `phr`,
//! `district_name` or `dist name`, `state_name` or `state name`). A QR that
//! holds only an ABHA address (this app's own) is read too. The scan is read
//! whole before anything is sent anywhere.

use serde_json::{Map, Value};

use crate::{AbhaAddress, AbhaNumber, CivilDate, DateOfBirth, Gender, Mobile, unwanted_in_text};

/// The most a QR code can hold (version 40, byte mode, lowest correction).
pub const MAX_SCAN_BYTES: usize = 2953;
/// Longer names, states or districts than these are not a person's.
const MAX_NAME_CHARS: usize = 100;
const MAX_PLACE_CHARS: usize = 64;

/// A patient's ABHA QR, read. Only the address is certain to be there; a field
/// that is missing or cannot be read is `None`, and the desk asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbhaQr {
    pub address: AbhaAddress,
    pub number: Option<AbhaNumber>,
    pub name: Option<String>,
    pub gender: Option<Gender>,
    pub date_of_birth: Option<DateOfBirth>,
    pub mobile: Option<Mobile>,
    pub state: Option<String>,
    pub district: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AbhaQrError {
    #[error("the scan is longer than any QR code holds")]
    TooLong,
    #[error("the scan is not an ABHA QR code")]
    NotAbhaQr,
    #[error("the scan is a facility counter's QR code, which the patient's app scans")]
    CounterQr,
    #[error("the ABHA QR code has no ABHA address that can be read")]
    NoAddress,
}

impl AbhaQr {
    /// Reads what the scanner typed; `today` bounds the date of birth.
    pub fn parse(raw: &str, today: CivilDate) -> Result<Self, AbhaQrError> {
        // A scanner ends its input with Enter; some send a tab or a CR too.
        let raw = raw.trim();
        if raw.len() > MAX_SCAN_BYTES {
            return Err(AbhaQrError::TooLong);
        }
        if raw.starts_with('{') {
            let fields: Map<String, Value> = serde_json::from_str(raw).map_err(|_| AbhaQrError::NotAbhaQr)?;
            return Self::from_json(&fields, today);
        }
        if raw.starts_with("http://") || raw.starts_with("https://") {
            // ABDM's counter QR: `https://…/share-profile?hip-id=…&counter-id=…`.
            let counter = url::Url::parse(raw).is_ok_and(|u| u.query_pairs().any(|(k, _)| k == "hip-id"));
            return Err(if counter { AbhaQrError::CounterQr } else { AbhaQrError::NotAbhaQr });
        }
        let address = AbhaAddress::parse(raw).map_err(|_| AbhaQrError::NotAbhaQr)?;
        Ok(Self::only(address))
    }

    fn only(address: AbhaAddress) -> Self {
        Self {
            address,
            number: None,
            name: None,
            gender: None,
            date_of_birth: None,
            mobile: None,
            state: None,
            district: None,
        }
    }

    fn from_json(fields: &Map<String, Value>, today: CivilDate) -> Result<Self, AbhaQrError> {
        let field = |names: &[&str]| names.iter().find_map(|name| text(fields.get(*name)?));
        let address = field(&["hid", "phr"]);
        let number = field(&["hidn"]);
        if address.is_none() && number.is_none() {
            return Err(AbhaQrError::NotAbhaQr);
        }
        let address = address.and_then(|a| AbhaAddress::parse(&a).ok()).ok_or(AbhaQrError::NoAddress)?;
        Ok(Self {
            address,
            number: number.and_then(|n| AbhaNumber::parse(&n).ok()),
            name: field(&["name"]).and_then(|n| plain(n, MAX_NAME_CHARS)),
            gender: field(&["gender"]).and_then(|g| Gender::parse(&g).ok()),
            date_of_birth: field(&["dob"]).and_then(|d| date_of_birth(&d, today)),
            mobile: field(&["mobile"]).and_then(|m| Mobile::parse(&m).ok()),
            state: field(&["state_name", "state name"]).and_then(|s| plain(s, MAX_PLACE_CHARS)),
            district: field(&["district_name", "dist name"]).and_then(|d| plain(d, MAX_PLACE_CHARS)),
        })
    }
}

/// A field's text: QR generators write numbers (`mobile`, `hidn`) either way.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Words a person could have: bounded, and nothing no card prints.
fn plain(text: String, max: usize) -> Option<String> {
    (text.chars().count() <= max && !text.chars().any(unwanted_in_text)).then_some(text)
}

/// `dd-mm-yyyy` (the card's), `yyyy-mm-dd`, either with `/`, or a year alone.
fn date_of_birth(raw: &str, today: CivilDate) -> Option<DateOfBirth> {
    let parts: Vec<&str> = raw.split(['-', '/']).collect();
    match parts.as_slice() {
        [year] => DateOfBirth::parse("", "", year, today).ok(),
        [year, month, day] if year.len() == 4 => DateOfBirth::parse(day, month, year, today).ok(),
        [day, month, year] => DateOfBirth::parse(day, month, year, today).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const TODAY: CivilDate = CivilDate { year: 2026, month: 12, day: 3 };

    /// The ABHA card's spelling of the fields.
    const CARD: &str = r#"{"hidn":"91-1111-2222-3333","hid":"meera.nair@sbx","name":"Meera Nair","gender":"F","dob":"14-08-1990","mobile":"9123456780","address":"12 MG Road","distlgd":"603","statelgd":"32","district_name":"ERNAKULAM","state_name":"KERALA"}"#;
    /// The ABHA app's: `phr` and the spaced names, numbers as numbers.
    const APP: &str = r#"{"hidn":91111122223333,"phr":"meera.nair@sbx","name":"Meera Nair","gender":"F","dob":"1990-08-14","mobile":9123456780,"dist name":"ERNAKULAM","state name":"KERALA","distlgd":603,"statelgd":32}"#;

    #[test]
    fn the_card_and_the_app_qr_read_the_same() {
        let card = AbhaQr::parse(CARD, TODAY).unwrap();
        assert_eq!(card, AbhaQr::parse(APP, TODAY).unwrap());
        assert_eq!(card.address.expose(), "meera.nair@sbx");
        assert_eq!(card.number.unwrap().digits(), "91111122223333");
        assert_eq!(card.name.as_deref(), Some("Meera Nair"));
        assert_eq!(card.gender, Some(Gender::Female));
        let born = card.date_of_birth.unwrap();
        assert_eq!((born.year().get(), born.month(), born.day()), (1990, Some(8), Some(14)));
        assert_eq!(card.mobile.unwrap().expose(), "9123456780");
        assert_eq!((card.state.as_deref(), card.district.as_deref()), (Some("KERALA"), Some("ERNAKULAM")));
    }

    #[test]
    fn a_bare_address_and_what_a_scanner_adds_around_it_read() {
        let scan = AbhaQr::parse("asha.verma@sbx\r\n", TODAY).unwrap();
        assert_eq!(scan, AbhaQr::only(AbhaAddress::parse("asha.verma@sbx").unwrap()));
        assert_eq!(AbhaQr::parse(&format!("\t{CARD}\n"), TODAY).unwrap().address.expose(), "meera.nair@sbx");
    }

    #[test]
    fn fields_that_cannot_be_read_are_left_for_the_desk_to_ask() {
        let odd = r#"{"hid":"meera.nair@sbx","hidn":"12","name":"<b>x</b>","gender":"?","dob":"31-02-1990","mobile":"12345","state_name":"K\u0000"}"#;
        assert_eq!(AbhaQr::parse(odd, TODAY).unwrap(), AbhaQr::only(AbhaAddress::parse("meera.nair@sbx").unwrap()));
        let born = |dob: &str| date_of_birth(dob, TODAY).map(|d| (d.year().get(), d.month(), d.day()));
        assert_eq!(born("1990"), Some((1990, None, None)));
        assert_eq!(born("4/8/1990"), Some((1990, Some(8), Some(4))));
        assert_eq!(born("14-08-2030"), None, "not in the future");
        assert_eq!(born("14.08.1990"), None);
    }

    #[test]
    fn what_is_no_patient_qr_is_refused_with_why() {
        assert_eq!(AbhaQr::parse("", TODAY), Err(AbhaQrError::NotAbhaQr));
        assert_eq!(AbhaQr::parse("hello", TODAY), Err(AbhaQrError::NotAbhaQr));
        assert_eq!(AbhaQr::parse(r#"{"hid":"meera.nair@sbx""#, TODAY), Err(AbhaQrError::NotAbhaQr), "cut short");
        assert_eq!(AbhaQr::parse(r#"{"ticket":"A-12"}"#, TODAY), Err(AbhaQrError::NotAbhaQr));
        assert_eq!(AbhaQr::parse(r#"{"hidn":"91-1111-2222-3333"}"#, TODAY), Err(AbhaQrError::NoAddress));
        assert_eq!(AbhaQr::parse(r#"{"hid":"not an address"}"#, TODAY), Err(AbhaQrError::NoAddress));
        assert_eq!(
            AbhaQr::parse("https://phrsbx.abdm.gov.in/share-profile?hip-id=IN3410000260&counter-id=12345", TODAY),
            Err(AbhaQrError::CounterQr)
        );
        assert_eq!(AbhaQr::parse("https://example.in/meera", TODAY), Err(AbhaQrError::NotAbhaQr));
        let huge = format!(r#"{{"hid":"meera.nair@sbx","name":"{}"}}"#, "a".repeat(MAX_SCAN_BYTES));
        assert_eq!(AbhaQr::parse(&huge, TODAY), Err(AbhaQrError::TooLong));
    }

    proptest! {
        /// Whatever the scanner types, the answer is a value or a reason, and
        /// what is read is what the QR said.
        #[test]
        fn any_scan_is_read_or_refused(raw in "\\PC{0,300}") {
            let _ = AbhaQr::parse(&raw, TODAY);
        }

        #[test]
        fn a_card_reads_back_what_it_holds(
            name in "[a-z]{3,12}\\.[a-z]{2,8}",
            person in "[A-Za-z ]{1,40}",
            mobile in "[6-9][0-9]{9}",
            gender in prop::sample::select(vec!["M", "F", "O"]),
        ) {
            let address = format!("{name}@sbx");
            let card = serde_json::json!({"hid": address, "name": person, "mobile": mobile, "gender": gender});
            let read = AbhaQr::parse(&card.to_string(), TODAY).unwrap();
            prop_assert_eq!(read.address.expose(), address);
            prop_assert_eq!(read.name, Some(person.trim().to_owned()).filter(|p| !p.is_empty()));
            prop_assert_eq!(read.mobile.map(|m| m.expose().to_owned()), Some(mobile));
            prop_assert_eq!(read.gender.map(Gender::code), Some(gender));
        }
    }
}
