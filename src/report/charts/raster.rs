//! The PNG backend: plotters' bitmap backend with its text drawn as the SVG's is rendered.
//!
//! plotters 0.3.7 draws bitmap text with `ab_glyph` at a scale of `size` pixels from the
//! font's ascent to its descent (Liberation Sans: an em of `size / 1.117`), where its SVG
//! backend writes `font-size="size / 1.24"`: a PNG's text came out 11% larger than the SVG's,
//! and a right-aligned label near the left edge ran out of the image ("ttach FedRAMP → ...").
//! It also places each glyph at its pen position without the glyph's left side bearing, so a
//! glyph with a wide bearing (`→`, `·`) sat against its left neighbour and left a gap on its
//! right ("SOC2→  Customers", "seed 42 ·  2").
//!
//! [`PngBackend`] forwards every drawing call to the bitmap backend but text, which it lays
//! out as a browser lays out the SVG's `<text>`: an em of `size / 1.24` pixels, each glyph at
//! its pen position plus its bearing (the outline's own bounds), kerning, anchored by
//! `text-anchor` on the measured width, the baseline placed as plotters-svg's `dy` says
//! (`0.76em` under the top, `0.5ex` under the centre, `-0.5ex` under the bottom), rotated
//! about the anchor as the SVG's `rotate(...)`, bold with the bold face. Layout (`estimate_text_size`) is left as
//! plotters measures it for both backends, so the SVG and the PNG place everything alike.

use ab_glyph::{point, Font, FontRef, Glyph, PxScale};
use plotters::prelude::*;
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
    FontTransform,
};

/// The ratio plotters-svg divides a text's size by to write its `font-size`.
pub(crate) const SVG_EM_RATIO: f64 = 1.24;

/// plotters' bitmap backend, with text drawn as the SVG renders it (see the module docs).
pub(crate) struct PngBackend<'a> {
    inner: BitMapBackend<'a>,
    font: FontRef<'static>,
    bold: FontRef<'static>,
    /// The height of a lowercase x, in ems (`ex`).
    ex_em: f32,
}

impl<'a> PngBackend<'a> {
    /// Draws into `buf` (RGB, `size.0 * size.1 * 3` bytes) with the regular and the bold face
    /// (TrueType files).
    pub(crate) fn with_buffer(
        buf: &'a mut [u8],
        size: (u32, u32),
        regular: &'static [u8],
        bold: &'static [u8],
    ) -> Result<Self, String> {
        let font = FontRef::try_from_slice(regular).map_err(|e| e.to_string())?;
        let bold = FontRef::try_from_slice(bold).map_err(|e| e.to_string())?;
        let upem = font.units_per_em().unwrap_or(2048.0);
        // The outline's bounds are y-down: the top of the x is the larger magnitude.
        let ex_em = font
            .outline(font.glyph_id('x'))
            .map(|o| o.bounds.min.y.abs().max(o.bounds.max.y.abs()) / upem)
            .unwrap_or(0.52);
        Ok(PngBackend {
            inner: BitMapBackend::with_buffer(buf, size),
            font,
            bold,
            ex_em,
        })
    }
}

/// The width of `text` in `font` at an em of `em` pixels: advances and kerning.
fn width_in(font: &FontRef<'_>, text: &str, em: f32) -> f32 {
    let k = em / font.units_per_em().unwrap_or(2048.0);
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            w += font.kern_unscaled(p, id) * k;
        }
        w += font.h_advance_unscaled(id) * k;
        prev = Some(id);
    }
    w
}

/// The width in pixels of `text` in `font` (a TrueType file) drawn at plotters' `size` as the
/// SVG and the PNG draw it (an em of `size / 1.24`), which plotters' own estimate overstates by
/// 11%.
pub(crate) fn text_width(text: &str, size: u32, font: &[u8]) -> i32 {
    let Ok(font) = FontRef::try_from_slice(font) else {
        return 0;
    };
    let em = (f64::from(size) / SVG_EM_RATIO) as f32;
    width_in(&font, &collapse_space(text), em).ceil() as i32
}

/// What a browser makes of an SVG `<text>`'s content: runs of white space as one space, none
/// at either end.
fn collapse_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl DrawingBackend for PngBackend<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, (iw, ih), src)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let text = collapse_space(text);
        let em = (style.size() / SVG_EM_RATIO) as f32;
        let font = if matches!(style.style(), FontStyle::Bold) {
            &self.bold
        } else {
            &self.font
        };
        let upem = font.units_per_em().unwrap_or(2048.0);
        // ab_glyph's scale is the ascent-to-descent height in pixels.
        let scale = PxScale::from(em * font.height_unscaled() / upem);
        let width = width_in(font, &text, em);
        let x0 = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let ex = self.ex_em * em;
        let baseline = match style.anchor().v_pos {
            VPos::Top => 0.76 * em,
            VPos::Center => 0.5 * ex,
            VPos::Bottom => -0.5 * ex,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        // Coverage per pixel, relative to the anchor, before rotation: where glyphs overlap
        // the larger coverage, instead of drawing twice.
        let mut cover: Vec<((i32, i32), f32)> = Vec::new();
        let k = em / upem;
        let mut pen = x0;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                pen += font.kern_unscaled(p, id) * k;
            }
            prev = Some(id);
            let glyph = Glyph {
                id,
                scale,
                position: point(pen, baseline),
            };
            if let Some(q) = font.outline_glyph(glyph) {
                let b = q.px_bounds();
                let (bx, by) = (b.min.x as i32, b.min.y as i32);
                q.draw(|x, y, v| cover.push(((bx + x as i32, by + y as i32), v)));
            }
            pen += font.h_advance_unscaled(id) * k;
        }
        cover.sort_unstable_by_key(|&(p, _)| p);
        cover.dedup_by(|b, a| {
            // `a` is kept: the larger coverage of a pixel two glyphs share.
            let same = a.0 == b.0;
            if same {
                a.1 = a.1.max(b.1);
            }
            same
        });
        for ((dx, dy), v) in cover {
            if v <= 0.0 {
                continue;
            }
            let (rx, ry) = match trans {
                FontTransform::Rotate90 => (-dy, dx),
                FontTransform::Rotate180 => (-dx, -dy),
                FontTransform::Rotate270 => (dy, -dx),
                _ => (dx, dy),
            };
            let (x, y) = (pos.0 + rx, pos.1 + ry);
            if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                self.inner.draw_pixel(
                    (x, y),
                    BackendColor {
                        alpha: color.alpha * f64::from(v.min(1.0)),
                        rgb: color.rgb,
                    },
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_at_the_svg_font_size() {
        // plotters measures at an em of size / 1.117 (Liberation Sans' ascent to descent).
        let text = "attach FedRAMP → Customers-Government-Federal";
        let ours = text_width(text, 14, super::super::style::FONT_BYTES);
        let area = {
            let mut s = String::new();
            let b = SVGBackend::with_string(&mut s, (100, 100)).into_drawing_area();
            super::super::style::register_font();
            b.estimate_text_size(
                text,
                &TextStyle::from((super::super::style::FONT, 14).into_font()),
            )
            .unwrap()
            .0 as i32
        };
        let ratio = f64::from(area) / f64::from(ours);
        assert!((1.09..1.13).contains(&ratio), "{area} / {ours} = {ratio}");
    }

    #[test]
    fn white_space_collapses_as_in_a_browser() {
        assert_eq!(collapse_space("\n seed 42 ·  2\n"), "seed 42 · 2");
    }
}
