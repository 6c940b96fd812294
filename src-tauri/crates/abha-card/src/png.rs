//! The card as a PNG at print resolution.

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use tiny_skia::{FillRule, IntSize, Paint, PathBuilder, Pixmap, PixmapPaint, Stroke, StrokeDash, Transform};

use crate::{
    Card, Language,
    layout::{self, CARD_HEIGHT_PT, CARD_WIDTH_PT, Mark, Rgb, Run, Seg},
};

/// A card printed from the PNG at this resolution is as sharp as the PDF.
pub const PNG_DPI: f32 = 300.0;

/// The card, 1011 by 638 pixels, white where the card is not.
pub fn png(card: &Card, language: Language) -> Vec<u8> {
    let scale = PNG_DPI / 72.0;
    let (w, h) = ((CARD_WIDTH_PT * scale).round() as u32, (CARD_HEIGHT_PT * scale).round() as u32);
    // Both sides are constants well inside what a pixmap holds.
    #[allow(clippy::expect_used)]
    let mut pixmap = Pixmap::new(w, h).expect("a card-sized pixmap");
    pixmap.fill(tiny_skia::Color::WHITE);
    let page = Transform::from_scale(scale, scale);
    let face = layout::face();
    for mark in layout::card(card, language) {
        match mark {
            Mark::Fill { shape, color } => {
                if let Some(path) = path(&shape) {
                    pixmap.fill_path(&path, &paint(color), FillRule::Winding, page, None);
                }
            }
            Mark::Stroke { shape, color, width, dashed } => {
                if let Some(path) = path(&shape) {
                    let stroke = Stroke {
                        width,
                        dash: dashed.then(|| StrokeDash::new(vec![3.0, 2.0], 0.0)).flatten(),
                        ..Stroke::default()
                    };
                    pixmap.stroke_path(&path, &paint(color), &stroke, page, None);
                }
            }
            Mark::Text(run) => text(&mut pixmap, &face, &run, page),
            Mark::Image { x, y, w, h, photo } => {
                let rgba: Vec<u8> = photo.rgb.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect();
                let Some(image) = IntSize::from_wh(photo.width, photo.height).and_then(|s| Pixmap::from_vec(rgba, s))
                else {
                    continue;
                };
                let fit = Transform::from_row(w / photo.width as f32, 0.0, 0.0, h / photo.height as f32, x, y);
                let paint = PixmapPaint { quality: tiny_skia::FilterQuality::Bicubic, ..PixmapPaint::default() };
                pixmap.draw_pixmap(0, 0, image.as_ref(), &paint, fit.post_concat(page), None);
            }
        }
    }
    // Encoding an in-memory RGBA pixmap cannot fail short of memory.
    #[allow(clippy::expect_used)]
    pixmap.encode_png().expect("a pixmap encodes")
}

fn paint(Rgb(r, g, b): Rgb) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(r, g, b, 255);
    paint.anti_alias = true;
    paint
}

fn path(shape: &[Seg]) -> Option<tiny_skia::Path> {
    let mut builder = PathBuilder::new();
    for seg in shape {
        match *seg {
            Seg::Move(x, y) => builder.move_to(x, y),
            Seg::Line(x, y) => builder.line_to(x, y),
            Seg::Cubic(x1, y1, x2, y2, x, y) => builder.cubic_to(x1, y1, x2, y2, x, y),
            Seg::Close => builder.close(),
        }
    }
    builder.finish()
}

/// Each glyph's outline, filled: font units, y up, into card points, y down.
fn text(pixmap: &mut Pixmap, face: &rustybuzz::Face<'_>, run: &Run, page: Transform) {
    let units = run.size / face.units_per_em() as f32;
    let paint = paint(run.color);
    for glyph in &run.glyphs {
        let mut outline = Outline(PathBuilder::new());
        if face.outline_glyph(GlyphId(glyph.id), &mut outline).is_none() {
            continue; // a space
        }
        let Some(path) = outline.0.finish() else { continue };
        let place = Transform::from_row(units, 0.0, 0.0, -units, run.x + glyph.dx, run.baseline + glyph.dy);
        pixmap.fill_path(&path, &paint, FillRule::Winding, place.post_concat(page), None);
    }
}

struct Outline(PathBuilder);

impl OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}
