//! The ABHA card: the person's name, ABHA number and address, gender, date of
//! birth, photo when ABDM verified it, and a QR code that a front desk's
//! scanner reads back. Drawn once as a list of marks in points ([`layout`]),
//! then painted as a PNG at 300 dpi ([`png`]) and as a one-page A4 PDF with the
//! card at its real size and a line to cut along ([`pdf`]). Text is shaped with
//! the bundled Noto Sans Devanagari, so Hindi words keep their conjuncts and
//! matras, and a name in either script prints as written.

mod layout;
mod pdf;
mod png;

use abdm_types::{AbhaAddress, AbhaNumber, DateOfBirth, Gender};

pub use layout::{CARD_HEIGHT_PT, CARD_WIDTH_PT};
pub use pdf::pdf;
pub use png::{PNG_DPI, png};

/// What a card shows. Only the name and the address are certain; a field the
/// source did not give is left off the card.
#[derive(Clone, PartialEq, Eq)]
pub struct Card {
    pub name: String,
    pub address: AbhaAddress,
    pub number: Option<AbhaNumber>,
    pub gender: Option<Gender>,
    pub date_of_birth: Option<DateOfBirth>,
    /// A JPEG, given only when ABDM verified the person's KYC.
    pub photo: Option<Vec<u8>>,
}

impl std::fmt::Debug for Card {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A card is personal data from end to end.
        f.write_str("Card(<redacted>)")
    }
}

/// The language of the card's words. A name prints as written, in either script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Hindi,
}

impl Card {
    /// What the QR code holds: the ABHA card's own JSON fields (`hidn`, `hid`,
    /// `name`, `gender`, `dob` as `dd-mm-yyyy`), which every ABHA scanner
    /// reads, and no mobile number.
    pub fn qr_text(&self) -> String {
        let mut fields = serde_json::Map::new();
        if let Some(number) = &self.number {
            fields.insert("hidn".into(), number.hyphenated().into());
        }
        fields.insert("hid".into(), self.address.expose().into());
        fields.insert("name".into(), self.name.clone().into());
        if let Some(gender) = self.gender {
            fields.insert("gender".into(), gender_code(gender).into());
        }
        if let Some(born) = self.date_of_birth {
            fields.insert("dob".into(), date_of_birth(born).into());
        }
        serde_json::Value::Object(fields).to_string()
    }
}

fn gender_code(gender: Gender) -> &'static str {
    match gender {
        Gender::Male => "M",
        Gender::Female => "F",
        Gender::Other => "O",
    }
}

/// `dd-mm-yyyy` as the card prints it, or as much of it as is known.
fn date_of_birth(born: DateOfBirth) -> String {
    let year = born.year().get();
    match (born.day(), born.month()) {
        (Some(day), Some(month)) => format!("{day:02}-{month:02}-{year}"),
        (None, Some(month)) => format!("{month:02}-{year}"),
        _ => year.to_string(),
    }
}
