//! The studio's watermark on the proof: text (rasterised here from the
//! bundled font, white over a dark halo), a logo, or the logo above the text,
//! at one of nine anchors or tiled across the photo.

use std::str::FromStr;

use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use fast_image_resize as fr;
use image::{RgbImage, RgbaImage};

/// The watermark's typeface (DejaVu Sans Bold, Bitstream Vera licence, see
/// `assets/DejaVuSans-Bold.LICENSE`).
const FONT: &[u8] = include_bytes!("../../../assets/DejaVuSans-Bold.ttf");

/// The studio's mark: a line of text, a logo, or the logo above the text.
#[derive(Debug, Clone)]
pub struct Watermark {
    pub text: Option<String>,
    pub logo: Option<RgbaImage>,
    pub position: WatermarkPosition,
    /// 0 (invisible) to 1 (opaque).
    pub opacity: f32,
}

/// Where the watermark goes: one of nine anchors, or repeated across the photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WatermarkPosition {
    TopLeft,
    Top,
    TopRight,
    Left,
    Center,
    Right,
    BottomLeft,
    Bottom,
    #[default]
    BottomRight,
    Tiled,
}

impl WatermarkPosition {
    const NAMES: [(&'static str, WatermarkPosition); 10] = [
        ("top-left", Self::TopLeft),
        ("top", Self::Top),
        ("top-right", Self::TopRight),
        ("left", Self::Left),
        ("center", Self::Center),
        ("right", Self::Right),
        ("bottom-left", Self::BottomLeft),
        ("bottom", Self::Bottom),
        ("bottom-right", Self::BottomRight),
        ("tiled", Self::Tiled),
    ];

    /// Horizontal and vertical anchor, 0 (left/top) to 2 (right/bottom).
    fn anchor(self) -> Option<(u32, u32)> {
        let i = Self::NAMES.iter().position(|(_, p)| *p == self)?;
        (i < 9).then_some((i as u32 % 3, i as u32 / 3))
    }
}

impl FromStr for WatermarkPosition {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        let s = if s == "centre" { "center".into() } else { s };
        Self::NAMES
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, p)| *p)
            .ok_or_else(|| {
                let names: Vec<_> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                format!("unknown position {s:?} (use one of {})", names.join(", "))
            })
    }
}

/// Draws the mark on `img`: sized to the photo, white with a soft dark outline
/// so it reads on light and dark photos alike.
pub(super) fn draw(img: &mut RgbImage, mark: &Watermark) -> Result<(), String> {
    let Some(stamp) = stamp(img.width().min(img.height()), mark)? else {
        return Ok(());
    };
    let (iw, ih) = (img.width() as i64, img.height() as i64);
    let (sw, sh) = (stamp.width() as i64, stamp.height() as i64);
    let opacity = mark.opacity.clamp(0.0, 1.0);
    let margin = (iw.min(ih) / 30).max(4);
    match mark.position.anchor() {
        Some((ax, ay)) => {
            let place = |a: u32, room: i64, size: i64| match a {
                0 => margin,
                1 => (room - size) / 2,
                _ => room - size - margin,
            };
            blend(img, &stamp, place(ax, iw, sw), place(ay, ih, sh), opacity);
        }
        None => {
            // Staggered rows: each row shifted by half a step reads as a diagonal.
            let (step_x, step_y) = (sw * 2, sh * 3);
            for (row, y) in (0..).zip((-sh..ih).step_by(step_y as usize)) {
                let shift = if row % 2 == 0 { 0 } else { step_x / 2 };
                for x in (-sw - shift..iw).step_by(step_x as usize) {
                    blend(img, &stamp, x, y, opacity);
                }
            }
        }
    }
    Ok(())
}

/// The mark as an RGBA image sized for a photo whose short edge is `short`.
fn stamp(short: u32, mark: &Watermark) -> Result<Option<RgbaImage>, String> {
    let text = mark
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| text_stamp(t, (short as f32 * 0.045).max(12.0)));
    let logo = match &mark.logo {
        Some(logo) if logo.width() > 0 && logo.height() > 0 => {
            let target = (short as f32 * 0.18).max(16.0);
            let scale = target / logo.width().max(logo.height()) as f32;
            let (w, h) = (
                ((logo.width() as f32 * scale).round() as u32).max(1),
                ((logo.height() as f32 * scale).round() as u32).max(1),
            );
            Some(resize_rgba(logo, w, h)?)
        }
        _ => None,
    };
    Ok(match (logo, text) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one),
        (Some(logo), Some(text)) => {
            // Logo above the text, both centred.
            let gap = text.height() / 4;
            let w = logo.width().max(text.width());
            let mut both = RgbaImage::new(w, logo.height() + gap + text.height());
            image::imageops::overlay(&mut both, &logo, i64::from((w - logo.width()) / 2), 0);
            let y = i64::from(logo.height() + gap);
            image::imageops::overlay(&mut both, &text, i64::from((w - text.width()) / 2), y);
            Some(both)
        }
    })
}

fn resize_rgba(src: &RgbaImage, w: u32, h: u32) -> Result<RgbaImage, String> {
    let failed =
        |e: &dyn std::fmt::Display| format!("the watermark logo could not be resized ({e})");
    let view =
        fr::images::ImageRef::new(src.width(), src.height(), src.as_raw(), fr::PixelType::U8x4)
            .map_err(|e| failed(&e))?;
    let mut dst = fr::images::Image::new(w, h, fr::PixelType::U8x4);
    fr::Resizer::new()
        .resize(&view, &mut dst, &fr::ResizeOptions::new())
        .map_err(|e| failed(&e))?;
    Ok(RgbaImage::from_raw(w, h, dst.into_vec()).expect("the resizer filled w×h pixels"))
}

/// White text over a blurred dark halo, as RGBA.
fn text_stamp(text: &str, px: f32) -> RgbaImage {
    let font = FontRef::try_from_slice(FONT).expect("the bundled font parses");
    let scaled = font.as_scaled(PxScale::from(px));
    let pad = (px / 6.0).ceil() as u32 + 1;
    let mut glyphs = Vec::new();
    let mut x = 0.0f32;
    let mut previous = None;
    for ch in text.chars() {
        let id = scaled.glyph_id(ch);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(px, ab_glyph::point(x, scaled.ascent())));
        x += scaled.h_advance(id);
        previous = Some(id);
    }
    let (w, h) = (
        x.ceil() as u32 + 2 * pad,
        scaled.height().ceil() as u32 + 2 * pad,
    );
    let mut cover = vec![0f32; (w * h) as usize];
    for glyph in glyphs {
        if let Some(outlined) = font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, c| {
                let (x, y) = (
                    b.min.x as i64 + gx as i64 + pad as i64,
                    b.min.y as i64 + gy as i64 + pad as i64,
                );
                if (0..w as i64).contains(&x) && (0..h as i64).contains(&y) {
                    let i = (y as u32 * w + x as u32) as usize;
                    cover[i] = (cover[i] + c).min(1.0);
                }
            });
        }
    }
    let halo = dilate(&cover, w, h, pad as i64 - 1);
    RgbaImage::from_fn(w, h, |x, y| {
        let i = (y * w + x) as usize;
        let (t, o) = (cover[i], halo[i] * 0.55);
        let a = t + o * (1.0 - t);
        // White over black: the colour is the text's share of the alpha.
        let v = if a > 0.0 { 255.0 * t / a } else { 0.0 };
        image::Rgba([v as u8, v as u8, v as u8, (a * 255.0).round() as u8])
    })
}

/// Max over a square of radius `r`: the outline around the letters.
fn dilate(src: &[f32], w: u32, h: u32, r: i64) -> Vec<f32> {
    let (w, h) = (w as i64, h as i64);
    let at = |x: i64, y: i64| src[(y * w + x) as usize];
    let rows: Vec<f32> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| {
            ((x - r).max(0)..=(x + r).min(w - 1))
                .map(|x| at(x, y))
                .fold(0.0, f32::max)
        })
        .collect();
    (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| {
            ((y - r).max(0)..=(y + r).min(h - 1))
                .map(|y| rows[(y * w + x) as usize])
                .fold(0.0, f32::max)
        })
        .collect()
}

/// Alpha-blends `stamp` onto `img` with its top-left at (x, y), clipped.
fn blend(img: &mut RgbImage, stamp: &RgbaImage, x: i64, y: i64, opacity: f32) {
    for (sx, sy, p) in stamp.enumerate_pixels() {
        let (dx, dy) = (x + sx as i64, y + sy as i64);
        if dx < 0 || dy < 0 || dx >= img.width() as i64 || dy >= img.height() as i64 {
            continue;
        }
        let a = p[3] as f32 / 255.0 * opacity;
        if a <= 0.0 {
            continue;
        }
        let d = img.get_pixel_mut(dx as u32, dy as u32);
        for c in 0..3 {
            d[c] = (d[c] as f32 * (1.0 - a) + p[c] as f32 * a).round() as u8;
        }
    }
}
