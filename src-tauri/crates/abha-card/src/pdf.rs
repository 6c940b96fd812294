//! The card as a print-ready PDF: one A4 page, the card at its real size near
//! the top with a dashed line to cut along. The text is real text in the
//! embedded font (glyphs as shaped, with `ToUnicode` and `ActualText`), so a
//! reader can search and copy the name in either script.

use std::collections::BTreeMap;

use pdf_writer::{
    Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr,
    types::{CidFontType, FontFlags, SystemInfo},
};
use rustybuzz::ttf_parser::GlyphId;

use crate::{
    Card, Language,
    layout::{self, CARD_WIDTH_PT, Mark, Rgb, Run, Seg},
};

const A4: (f32, f32) = (595.28, 841.89);
const TOP_MARGIN: f32 = 72.0;
const FONT_NAME: &[u8] = b"NotoSansDevanagari-Regular";

/// The page.
pub fn pdf(card: &Card, language: Language) -> Vec<u8> {
    let face = layout::face();
    let mut marks = layout::card(card, language);
    marks.extend(layout::cut_line(language));
    // The card's top left on the page; PDF's y goes up.
    let (left, top) = ((A4.0 - CARD_WIDTH_PT) / 2.0, A4.1 - TOP_MARGIN);
    let at = |x: f32, y: f32| (left + x, top - y);

    let mut ids = (1..).map(Ref::new);
    let mut next = || ids.next().unwrap_or(Ref::new(1));
    let (catalog, pages, page, content_id) = (next(), next(), next(), next());
    let (type0, cid, descriptor, font_file, to_unicode) = (next(), next(), next(), next(), next());
    let mut pdf = Pdf::new();
    let mut content = Content::new();
    let mut used: BTreeMap<u16, String> = BTreeMap::new();
    let mut images = Vec::new();
    for mark in &marks {
        match mark {
            Mark::Fill { shape, color } => {
                fill_rgb(&mut content, *color);
                path(&mut content, shape, at);
                content.fill_nonzero();
            }
            Mark::Stroke { shape, color, width, dashed } => {
                let Rgb(r, g, b) = *color;
                content.set_stroke_rgb(f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0);
                content.set_line_width(*width);
                if *dashed {
                    content.set_dash_pattern([3.0, 2.0], 0.0);
                }
                path(&mut content, shape, at);
                content.stroke();
                content.set_dash_pattern([], 0.0);
            }
            Mark::Text(run) => {
                content
                    .begin_marked_content_with_properties(Name(b"Span"))
                    .properties()
                    .actual_text(TextStr(&run.text));
                content.begin_text();
                content.set_font(Name(b"F1"), run.size);
                fill_rgb(&mut content, run.color);
                for glyph in &run.glyphs {
                    let (x, y) = at(run.x + glyph.dx, run.baseline + glyph.dy);
                    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y]);
                    content.show(Str(&glyph.id.to_be_bytes()));
                    used.entry(glyph.id).or_insert_with(|| unicode_of(&face, run, glyph));
                }
                content.end_text();
                content.end_marked_content();
            }
            Mark::Image { x, y, w, h, photo } => {
                let id = next();
                let name = format!("Im{}", images.len() + 1);
                let (px, py) = at(*x, *y + *h);
                content.save_state();
                content.transform([*w, 0.0, 0.0, *h, px, py]);
                content.x_object(Name(name.as_bytes()));
                content.restore_state();
                let samples = deflate(&photo.rgb);
                let mut image = pdf.image_xobject(id, &samples);
                image.filter(Filter::FlateDecode);
                image.width(i32::try_from(photo.width).unwrap_or(1));
                image.height(i32::try_from(photo.height).unwrap_or(1));
                image.color_space().device_rgb();
                image.bits_per_component(8);
                image.finish();
                images.push((name, id));
            }
        }
    }

    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut page_writer = pdf.page(page);
    page_writer.media_box(Rect::new(0.0, 0.0, A4.0, A4.1)).parent(pages).contents(content_id);
    let mut resources = page_writer.resources();
    resources.fonts().pair(Name(b"F1"), type0);
    let mut objects = resources.x_objects();
    for (name, id) in &images {
        objects.pair(Name(name.as_bytes()), *id);
    }
    objects.finish();
    resources.finish();
    page_writer.finish();
    pdf.stream(content_id, &content.finish());
    font(&mut pdf, &face, &used, [type0, cid, descriptor, font_file, to_unicode]);
    pdf.finish()
}

fn fill_rgb(content: &mut Content, Rgb(r, g, b): Rgb) {
    content.set_fill_rgb(f32::from(r) / 255.0, f32::from(g) / 255.0, f32::from(b) / 255.0);
}

fn path(content: &mut Content, shape: &[Seg], at: impl Fn(f32, f32) -> (f32, f32)) {
    for seg in shape {
        match *seg {
            Seg::Move(x, y) => {
                let (x, y) = at(x, y);
                content.move_to(x, y);
            }
            Seg::Line(x, y) => {
                let (x, y) = at(x, y);
                content.line_to(x, y);
            }
            Seg::Cubic(x1, y1, x2, y2, x, y) => {
                let ((x1, y1), (x2, y2), (x, y)) = (at(x1, y1), at(x2, y2), at(x, y));
                content.cubic_to(x1, y1, x2, y2, x, y);
            }
            Seg::Close => {
                content.close_path();
            }
        }
    }
}

/// What a glyph means for copy and search: its character when the font maps
/// one to it, else the text of the cluster it was shaped from (a conjunct).
fn unicode_of(face: &rustybuzz::Face<'_>, run: &Run, glyph: &layout::Glyph) -> String {
    let cluster = &run.text[glyph.source.0..glyph.source.1];
    cluster
        .chars()
        .find(|&c| face.glyph_index(c) == Some(GlyphId(glyph.id)))
        .map_or_else(|| cluster.to_owned(), String::from)
}

/// The bundled font, whole, as a CID-keyed TrueType font: the content shows
/// glyph ids (Identity-H), which is what shaping gives.
fn font(pdf: &mut Pdf, face: &rustybuzz::Face<'_>, used: &BTreeMap<u16, String>, refs: [Ref; 5]) {
    let [type0, cid, descriptor, font_file, to_unicode] = refs;
    let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    let per_unit = 1000.0 / face.units_per_em() as f32;
    pdf.type0_font(type0)
        .base_font(Name(FONT_NAME))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(to_unicode);
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(Name(FONT_NAME))
        .system_info(system)
        .font_descriptor(descriptor)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid_font.widths();
    for &id in used.keys() {
        let advance = f32::from(face.glyph_hor_advance(GlyphId(id)).unwrap_or(0)) * per_unit;
        widths.consecutive(id, [advance]);
    }
    widths.finish();
    cid_font.finish();
    let b = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(Name(FONT_NAME))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            f32::from(b.x_min) * per_unit,
            f32::from(b.y_min) * per_unit,
            f32::from(b.x_max) * per_unit,
            f32::from(b.y_max) * per_unit,
        ))
        .italic_angle(0.0)
        .ascent(f32::from(face.ascender()) * per_unit)
        .descent(f32::from(face.descender()) * per_unit)
        .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * per_unit)
        .stem_v(80.0)
        .font_file2(font_file);
    let packed = deflate(layout::FONT);
    pdf.stream(font_file, &packed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), i32::try_from(layout::FONT.len()).unwrap_or(i32::MAX));
    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system);
    for (&id, text) in used {
        cmap.pair_with_multiple(id, text.chars());
    }
    pdf.stream(to_unicode, &cmap.finish());
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6)
}
