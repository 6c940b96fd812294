//! The card as others read it: the PNG through the `png` decoder and `rqrr`'s
//! QR reader (then the desk's own scan parser), the PDF through poppler's
//! `pdfinfo` and `pdftotext`, the readers a person's computer uses.

// Helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use abdm_types::{AbhaAddress, AbhaNumber, AbhaQr, CivilDate, DateOfBirth, Gender};
use abha_card::{Card, Language, pdf, png};

const TODAY: CivilDate = CivilDate { year: 2026, month: 12, day: 3 };
/// 30 by 40 pixels: red above, blue below.
const PHOTO: &[u8] = include_bytes!("photo.jpg");

fn meera() -> Card {
    Card {
        name: "Meera Nair".into(),
        address: AbhaAddress::parse("meera.nair@sbx").unwrap(),
        number: Some(AbhaNumber::parse("91-1111-2222-3333").unwrap()),
        gender: Some(Gender::Female),
        date_of_birth: Some(DateOfBirth::parse("14", "8", "1990", TODAY).unwrap()),
        photo: Some(PHOTO.to_vec()),
    }
}

struct Picture {
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

impl Picture {
    fn decode(bytes: &[u8]) -> Self {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut rgba = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut rgba).expect("a PNG frame");
        assert_eq!(info.color_type, png::ColorType::Rgba);
        Self { width: info.width as usize, height: info.height as usize, rgba }
    }

    fn pixel(&self, x: usize, y: usize) -> [u8; 3] {
        let i = (y * self.width + x) * 4;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]]
    }

    /// Every QR code in the picture, read as a phone camera would.
    fn qr_codes(&self) -> Vec<String> {
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(self.width, self.height, |x, y| {
            let [r, g, b] = self.pixel(x, y);
            ((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8
        });
        image.detect_grids().into_iter().map(|grid| grid.decode().expect("a readable QR code").1).collect()
    }
}

#[test]
fn the_png_is_a_card_at_300_dpi_whose_qr_the_desk_reads_back() {
    for language in [Language::English, Language::Hindi] {
        let picture = Picture::decode(&png(&meera(), language));
        assert_eq!((picture.width, picture.height), (1011, 638), "85.6 mm by 54 mm at 300 dpi");
        let codes = picture.qr_codes();
        assert_eq!(codes.len(), 1, "one QR code on the card");
        let scan = AbhaQr::parse(&codes[0], TODAY).expect("the desk's scanner reads the card");
        assert_eq!(scan.address.expose(), "meera.nair@sbx");
        assert_eq!(scan.number.unwrap().digits(), "91111122223333");
        assert_eq!(scan.name.as_deref(), Some("Meera Nair"));
        assert_eq!(scan.gender, Some(Gender::Female));
        let born = scan.date_of_birth.unwrap();
        assert_eq!((born.year().get(), born.month(), born.day()), (1990, Some(8), Some(14)));
        assert_eq!(scan.mobile, None, "the card's QR holds no mobile number");
    }
}

#[test]
fn the_photo_is_on_the_card_when_given_and_only_then() {
    // The photo box's middle, in pixels: its top half is red, its bottom half blue.
    let scale = 300.0 / 72.0;
    let at = |x: f32, y: f32| ((x * scale) as usize, (y * scale) as usize);
    let with = Picture::decode(&png(&meera(), Language::English));
    let (x, y) = at(10.0 + 23.0, 40.0 + 15.0);
    let [r, g, b] = with.pixel(x, y);
    assert!(r > 150 && g < 90 && b < 90, "red at the photo's top, got {:?}", [r, g, b]);
    let (x, y) = at(10.0 + 23.0, 40.0 + 45.0);
    let [r, _, b] = with.pixel(x, y);
    assert!(b > 150 && r < 90, "blue at its bottom");

    let without = Picture::decode(&png(&Card { photo: None, ..meera() }, Language::English));
    let (x, y) = at(10.0 + 23.0, 40.0 + 15.0);
    assert_ne!(without.pixel(x, y), with.pixel(x, y));
    let broken = Picture::decode(&png(&Card { photo: Some(b"not a jpeg".to_vec()), ..meera() }, Language::English));
    assert_eq!(broken.qr_codes().len(), 1, "a photo that cannot be read leaves a card without one");
}

fn poppler(tool: &str, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("card.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut command = Command::new(tool);
    command.arg(&path);
    if tool == "pdftotext" {
        command.arg("-");
    }
    let out = command.output().unwrap_or_else(|e| panic!("{tool} (apt: poppler-utils) runs: {e}"));
    assert!(out.status.success(), "{tool} reads the PDF: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{tool} finds nothing wrong: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_pdf_is_one_a4_page_with_the_name_and_the_words_in_the_language_chosen() {
    let english = pdf(&meera(), Language::English);
    let info = poppler("pdfinfo", &english);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "{info}");
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    let text = poppler("pdftotext", &english);
    for words in ["Meera Nair", "ABHA number", "91-1111-2222-3333", "meera.nair@sbx", "Female", "14-08-1990"] {
        assert!(text.contains(words), "{words:?} in {text:?}");
    }

    let hindi = poppler("pdftotext", &pdf(&meera(), Language::Hindi));
    for words in ["Meera Nair", "नाम", "आभा संख्या", "महिला", "लिंग", "जन्म तिथि", "meera.nair@sbx"]
    {
        assert!(hindi.contains(words), "{words:?} in {hindi:?}");
    }
    assert!(!hindi.contains("ABHA number"));

    // A name written in Devanagari prints, and reads back, as written.
    let asha = Card { name: "आशा वर्मा".into(), ..meera() };
    let text = poppler("pdftotext", &pdf(&asha, Language::Hindi));
    assert!(text.contains("आशा वर्मा"), "{text:?}");
}

#[test]
fn what_the_source_did_not_give_is_left_off() {
    let bare = Card { number: None, gender: None, date_of_birth: None, photo: None, ..meera() };
    let text = poppler("pdftotext", &pdf(&bare, Language::English));
    assert!(text.contains("Meera Nair") && text.contains("meera.nair@sbx"));
    for absent in ["ABHA number", "Gender", "Date of birth"] {
        assert!(!text.contains(absent), "{absent} left off");
    }
    assert_eq!(bare.qr_text(), r#"{"hid":"meera.nair@sbx","name":"Meera Nair"}"#);
    assert_eq!(format!("{bare:?}"), "Card(<redacted>)");
}
