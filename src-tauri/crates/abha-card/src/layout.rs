//! The card as marks in points, origin at the card's top left, y downwards:
//! what both painters draw, so the PNG and the PDF cannot disagree.

use abdm_types::Gender;
use qrcode::{Color, EcLevel, QrCode};
use rustybuzz::{Face, UnicodeBuffer, ttf_parser::GlyphId};

use crate::{Card, Language};

/// ISO/IEC 7810 ID-1, the size of a bank card: 85.6 mm by 54 mm.
pub const CARD_WIDTH_PT: f32 = 85.6 / 25.4 * 72.0;
pub const CARD_HEIGHT_PT: f32 = 54.0 / 25.4 * 72.0;

pub(crate) static FONT: &[u8] = include_bytes!("../fonts/NotoSansDevanagari-Regular.ttf");

pub(crate) fn face() -> Face<'static> {
    // The font is ours and checked by every test that draws a card.
    #[allow(clippy::expect_used)]
    Face::from_slice(FONT, 0).expect("the bundled font parses")
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

const INK: Rgb = Rgb(0x1a, 0x1a, 0x1a);
const MUTED: Rgb = Rgb(0x5f, 0x63, 0x68);
const BAND: Rgb = Rgb(0x1f, 0x4e, 0x79);
const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
const EDGE: Rgb = Rgb(0xb0, 0xb4, 0xb9);

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Seg {
    Move(f32, f32),
    Line(f32, f32),
    Cubic(f32, f32, f32, f32, f32, f32),
    Close,
}

/// A glyph of a shaped run: its id in the bundled font and where it sits,
/// relative to the run's origin on the baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    pub id: u16,
    pub dx: f32,
    pub dy: f32,
    /// The text this glyph stands for, as a byte range of the run's text.
    pub source: (usize, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub x: f32,
    pub baseline: f32,
    pub size: f32,
    pub color: Rgb,
    pub text: String,
    pub glyphs: Vec<Glyph>,
}

/// A photo, decoded: RGB, 8 bits a channel.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Photo {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mark {
    Fill { shape: Vec<Seg>, color: Rgb },
    Stroke { shape: Vec<Seg>, color: Rgb, width: f32, dashed: bool },
    Text(Run),
    Image { x: f32, y: f32, w: f32, h: f32, photo: Photo },
}

struct Words {
    title: &'static str,
    subtitle: &'static str,
    name: &'static str,
    number: &'static str,
    address: &'static str,
    gender: &'static str,
    born: &'static str,
    male: &'static str,
    female: &'static str,
    other: &'static str,
    cut: &'static str,
}

const EN: Words = Words {
    title: "ABHA Card",
    subtitle: "Ayushman Bharat Health Account",
    name: "Name",
    number: "ABHA number",
    address: "ABHA address",
    gender: "Gender",
    born: "Date of birth",
    male: "Male",
    female: "Female",
    other: "Other",
    cut: "Cut along the dashed line.",
};

const HI: Words = Words {
    title: "आभा कार्ड",
    subtitle: "आयुष्मान भारत स्वास्थ्य खाता",
    name: "नाम",
    number: "आभा संख्या",
    address: "आभा पता",
    gender: "लिंग",
    born: "जन्म तिथि",
    male: "पुरुष",
    female: "महिला",
    other: "अन्य",
    cut: "बिंदुओं वाली रेखा पर काटें।",
};

fn words(language: Language) -> &'static Words {
    match language {
        Language::English => &EN,
        Language::Hindi => &HI,
    }
}

const MARGIN: f32 = 10.0;
const BAND_HEIGHT: f32 = 30.0;
const QR_SIDE: f32 = 72.0;
const PHOTO_W: f32 = 46.0;
const PHOTO_H: f32 = 58.0;
const ROW: f32 = 20.0;
const VALUE_SIZE: f32 = 8.0;
const SMALLEST_VALUE: f32 = 4.5;

/// The card's marks.
pub(crate) fn card(card: &Card, language: Language) -> Vec<Mark> {
    let face = face();
    let w = words(language);
    let mut marks = vec![
        Mark::Fill { shape: rounded_rect(0.0, 0.0, CARD_WIDTH_PT, CARD_HEIGHT_PT, 8.0), color: WHITE },
        Mark::Fill { shape: top_rounded_rect(0.0, 0.0, CARD_WIDTH_PT, BAND_HEIGHT, 8.0), color: BAND },
        Mark::Text(shape(&face, w.title, MARGIN, 13.5, 10.0, WHITE)),
        Mark::Text(shape(&face, w.subtitle, MARGIN, 24.5, 6.5, WHITE)),
    ];
    let top = BAND_HEIGHT + 10.0;
    let mut x = MARGIN;
    if let Some(photo) = card.photo.as_deref().and_then(decode_jpeg) {
        // Contained in its box, centred: a face is never stretched.
        let fit = (PHOTO_W / photo.width as f32).min(PHOTO_H / photo.height as f32);
        let (w, h) = (photo.width as f32 * fit, photo.height as f32 * fit);
        marks.push(Mark::Image { x: x + (PHOTO_W - w) / 2.0, y: top + (PHOTO_H - h) / 2.0, w, h, photo });
        x += PHOTO_W + 8.0;
    }
    let qr_x = CARD_WIDTH_PT - MARGIN - QR_SIDE;
    let value_width = qr_x - 6.0 - x;
    let gender = card.gender.map(|g| match g {
        Gender::Male => w.male,
        Gender::Female => w.female,
        Gender::Other => w.other,
    });
    let rows = [
        Some((w.name, card.name.clone())),
        card.number.as_ref().map(|n| (w.number, n.hyphenated())),
        Some((w.address, card.address.expose())),
        gender.map(|g| (w.gender, g.to_owned())),
        card.date_of_birth.map(|d| (w.born, crate::date_of_birth(d))),
    ];
    for (i, (label, value)) in rows.into_iter().flatten().enumerate() {
        let y = top + 6.0 + ROW * i as f32;
        marks.push(Mark::Text(shape(&face, label, x, y, 5.5, MUTED)));
        marks.push(Mark::Text(fitted(&face, &value, x, y + 9.5, value_width)));
    }
    marks.push(qr(&card.qr_text(), qr_x, top - 2.0, QR_SIDE));
    marks.push(Mark::Stroke {
        shape: rounded_rect(0.0, 0.0, CARD_WIDTH_PT, CARD_HEIGHT_PT, 8.0),
        color: EDGE,
        width: 0.5,
        dashed: false,
    });
    marks
}

/// What the printed page adds below the card: a dashed line to cut along and
/// a word saying so, in card coordinates.
pub(crate) fn cut_line(language: Language) -> Vec<Mark> {
    let out = 6.0;
    vec![
        Mark::Stroke {
            shape: rounded_rect(-out, -out, CARD_WIDTH_PT + 2.0 * out, CARD_HEIGHT_PT + 2.0 * out, 10.0),
            color: MUTED,
            width: 0.6,
            dashed: true,
        },
        Mark::Text(shape(&face(), words(language).cut, -out, CARD_HEIGHT_PT + out + 14.0, 8.0, MUTED)),
    ]
}

/// A value at its size, or smaller until it fits: nothing on a card is cut off.
fn fitted(face: &Face<'_>, text: &str, x: f32, baseline: f32, width: f32) -> Run {
    let mut run = shape(face, text, x, baseline, VALUE_SIZE, INK);
    let drawn = run_width(face, &run);
    if drawn > width {
        let size = (VALUE_SIZE * width / drawn).max(SMALLEST_VALUE);
        run = shape(face, text, x, baseline, size, INK);
    }
    run
}

fn run_width(face: &Face<'_>, run: &Run) -> f32 {
    let scale = run.size / face.units_per_em() as f32;
    run.glyphs.last().map_or(0.0, |g| g.dx + f32::from(face.glyph_hor_advance(GlyphId(g.id)).unwrap_or(0)) * scale)
}

/// Shapes `text` as HarfBuzz would: Devanagari's reordering, conjuncts and
/// mark positions come from the font's own tables.
pub(crate) fn shape(face: &Face<'_>, text: &str, x: f32, baseline: f32, size: f32, color: Rgb) -> Run {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaped = rustybuzz::shape(face, &[], buffer);
    let scale = size / face.units_per_em() as f32;
    let mut starts: Vec<usize> = shaped.glyph_infos().iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let end_of = |start: usize| starts.iter().copied().find(|&s| s > start).unwrap_or(text.len());
    let mut pen = 0.0;
    let glyphs = shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            let glyph = Glyph {
                id: u16::try_from(info.glyph_id).unwrap_or(0),
                dx: pen + pos.x_offset as f32 * scale,
                dy: -(pos.y_offset as f32) * scale,
                source: (start, end_of(start)),
            };
            pen += pos.x_advance as f32 * scale;
            glyph
        })
        .collect();
    Run { x, baseline, size, color, text: text.to_owned(), glyphs }
}

/// The QR code, dark modules as one shape, with the quiet zone the
/// specification asks for inside `side`.
fn qr(text: &str, x: f32, y: f32, side: f32) -> Mark {
    // A card's fields are bounded (the name to what ABDM takes), so this fits
    // a QR code at any level; if it ever did not, the card goes without one.
    let Ok(code) = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M) else {
        return Mark::Fill { shape: Vec::new(), color: INK };
    };
    let width = code.width();
    let module = side / (width + 8) as f32;
    let mut shape = Vec::new();
    for (i, color) in code.to_colors().into_iter().enumerate() {
        if color == Color::Dark {
            let (mx, my) = ((i % width + 4) as f32, (i / width + 4) as f32);
            shape.extend(rect(x + mx * module, y + my * module, module, module));
        }
    }
    Mark::Fill { shape, color: Rgb(0, 0, 0) }
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> [Seg; 5] {
    [Seg::Move(x, y), Seg::Line(x + w, y), Seg::Line(x + w, y + h), Seg::Line(x, y + h), Seg::Close]
}

/// The cubic that draws a quarter circle best.
const KAPPA: f32 = 0.552_284_8;

fn rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Vec<Seg> {
    corners(x, y, w, h, r, r)
}

/// The header band: round at the card's top corners, square where it meets the card.
fn top_rounded_rect(x: f32, y: f32, w: f32, h: f32, r: f32) -> Vec<Seg> {
    corners(x, y, w, h, r, 0.0)
}

fn corners(x: f32, y: f32, w: f32, h: f32, top: f32, bottom: f32) -> Vec<Seg> {
    let (kt, kb) = (top * KAPPA, bottom * KAPPA);
    vec![
        Seg::Move(x + top, y),
        Seg::Line(x + w - top, y),
        Seg::Cubic(x + w - top + kt, y, x + w, y + top - kt, x + w, y + top),
        Seg::Line(x + w, y + h - bottom),
        Seg::Cubic(x + w, y + h - bottom + kb, x + w - bottom + kb, y + h, x + w - bottom, y + h),
        Seg::Line(x + bottom, y + h),
        Seg::Cubic(x + bottom - kb, y + h, x, y + h - bottom + kb, x, y + h - bottom),
        Seg::Line(x, y + top),
        Seg::Cubic(x, y + top - kt, x + top - kt, y, x + top, y),
        Seg::Close,
    ]
}

/// The photo ABDM sent, or nothing when it is not a JPEG this can read: a
/// card without a photo is still the person's card.
fn decode_jpeg(jpeg: &[u8]) -> Option<Photo> {
    use zune_jpeg::zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
    let rgb = decoder.decode().ok()?;
    let info = decoder.info()?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    (rgb.len() == width as usize * height as usize * 3).then_some(Photo { width, height, rgb })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hindi_is_shaped_into_conjuncts_and_reordered_matras() {
        let face = face();
        // "ि" is drawn before the consonant it follows; "स्" and "व" join.
        let run = shape(&face, "लिंग स्वास्थ्य", 0.0, 0.0, 10.0, INK);
        assert!(run.glyphs.len() < run.text.chars().count(), "some characters share a glyph");
        let first = run.glyphs[0];
        assert_eq!(&run.text[first.source.0..first.source.1], "लिं", "the matra's glyph comes first, for its cluster");
        assert!(run.glyphs.iter().all(|g| g.id != 0), "no glyph is missing from the font");
    }

    #[test]
    fn a_long_name_is_made_smaller_rather_than_cut_off() {
        let face = face();
        let long = "Venkata Lakshmi Narasimha Satyanarayana Murthy";
        let run = fitted(&face, long, 0.0, 0.0, 90.0);
        assert!(run.size < VALUE_SIZE);
        assert!(run_width(&face, &run) <= 90.5 || run.size == SMALLEST_VALUE);
        assert_eq!(fitted(&face, "Asha", 0.0, 0.0, 90.0).size, VALUE_SIZE);
    }
}
