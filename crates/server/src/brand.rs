//! The studio's brand as the origin serves it: the studio's logo made into
//! the PNG files the app shows ([`Logo`]: the header's logo, the installed
//! app's icons), and the changes `publish` flags and the studio page make
//! ([`BrandChange`], [`apply`]). The name and the accent colour are checked
//! in [`proofline_core::brand`].
//!
//! A logo is held to limits before it is decoded: [`MAX_LOGO_BYTES`] and
//! [`MAX_LOGO_PIXELS`]. Its files are named by the SHA-256 of the studio's
//! file, so a browser keeps each for a year and a new logo is a new name.

use std::io::Cursor;

use anyhow::Context as _;
use image::imageops::FilterType;
use image::{ImageFormat, Rgba, RgbaImage};
use proofline_core::brand::Accent;
use proofline_core::wording::numbers::byte_size;
use sha2::{Digest, Sha256};

use crate::db::Db;

pub use proofline_core::brand::MAX_LOGO_BYTES;
/// Most pixels a logo may have (25 megapixels): checked from its header.
pub const MAX_LOGO_PIXELS: u64 = 25_000_000;
/// The header's logo fits in this box (three times its CSS size, for
/// sharp screens).
const LOGO_BOX: (u32, u32) = (720, 192);

/// The icons made from a logo: (file name's stem, size, share of the icon
/// the logo may fill). A maskable icon keeps its logo inside the safe
/// circle (80% across), so the logo fills 56% of it.
const ICONS: [(&str, u32, f32); 4] = [
    ("icon-192", 192, 0.84),
    ("icon-512", 512, 0.84),
    ("icon-maskable-512", 512, 0.56),
    ("apple-touch-icon", 180, 0.84),
];

/// A logo's files, ready to store.
#[derive(Debug, Clone)]
pub struct Logo {
    /// The hash part of the files' names.
    pub hash: String,
    /// The header logo's size in pixels (its aspect ratio is kept).
    pub width: u32,
    pub height: u32,
    /// (name, PNG bytes), the header's logo first.
    pub files: Vec<(String, Vec<u8>)>,
}

/// The header logo's file name.
pub fn logo_file(hash: &str) -> String {
    format!("logo-{hash}.png")
}

/// An icon's file name (`stem` from [`icon_stems`]).
pub fn icon_file(stem: &str, hash: &str) -> String {
    format!("{stem}-{hash}.png")
}

/// The stems of the icons made from a logo, with their sizes.
pub fn icon_stems() -> impl Iterator<Item = (&'static str, u32)> {
    ICONS.iter().map(|(stem, size, _)| (*stem, *size))
}

/// Makes a logo's files from the studio's PNG or JPEG; the error says what
/// is wrong with the file in words.
pub fn render_logo(bytes: &[u8]) -> Result<Logo, String> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!(
            "the logo is {}; the most taken is {}",
            byte_size(bytes.len() as u64),
            byte_size(MAX_LOGO_BYTES as u64)
        ));
    }
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("the logo could not be read: {e}"))?;
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg)) {
        return Err("the logo must be a PNG or JPEG file".into());
    }
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("the logo could not be read: {e}"))?;
    if u64::from(w) * u64::from(h) > MAX_LOGO_PIXELS {
        return Err(format!(
            "the logo is {w} × {h} pixels; the most taken is {} megapixels",
            MAX_LOGO_PIXELS / 1_000_000
        ));
    }
    reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("the logo could not be read: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_LOGO_PIXELS * 8);
    reader.limits(limits);
    let source = reader
        .decode()
        .map_err(|e| format!("the logo could not be read: {e}"))?
        .into_rgba8();
    let hash = hex::encode(&Sha256::digest(bytes)[..8]);
    let logo = fit(&source, LOGO_BOX.0, LOGO_BOX.1);
    let (width, height) = logo.dimensions();
    let mut files = vec![(logo_file(&hash), png(&logo)?)];
    for (stem, size, share) in ICONS {
        files.push((icon_file(stem, &hash), png(&icon(&source, size, share))?));
    }
    Ok(Logo {
        hash,
        width,
        height,
        files,
    })
}

/// `image` scaled down (never up) to fit `max_w` × `max_h`.
fn fit(image: &RgbaImage, max_w: u32, max_h: u32) -> RgbaImage {
    let (w, h) = image.dimensions();
    let scale = (max_w as f32 / w as f32)
        .min(max_h as f32 / h as f32)
        .min(1.0);
    let (nw, nh) = (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    );
    if (nw, nh) == (w, h) {
        return image.clone();
    }
    image::imageops::resize(image, nw, nh, FilterType::Lanczos3)
}

/// A square icon of `size`: the logo centred on white, filling `share` of
/// it. Opaque, as home screens show icons on any background.
fn icon(source: &RgbaImage, size: u32, share: f32) -> RgbaImage {
    let inner = ((size as f32 * share).round() as u32).max(1);
    let (w, h) = source.dimensions();
    let scale = (inner as f32 / w as f32).min(inner as f32 / h as f32);
    let (nw, nh) = (
        ((w as f32 * scale).round() as u32).clamp(1, size),
        ((h as f32 * scale).round() as u32).clamp(1, size),
    );
    let logo = image::imageops::resize(source, nw, nh, FilterType::Lanczos3);
    let mut canvas = RgbaImage::from_pixel(size, size, Rgba([255, 255, 255, 255]));
    image::imageops::overlay(
        &mut canvas,
        &logo,
        i64::from((size - nw) / 2),
        i64::from((size - nh) / 2),
    );
    canvas
}

fn png(image: &RgbaImage) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| format!("the logo could not be written as PNG: {e}"))?;
    Ok(out.into_inner())
}

/// What to change of the brand; `None` leaves a part as it is.
#[derive(Debug, Default)]
pub struct BrandChange {
    /// `Some("")` clears the name.
    pub name: Option<String>,
    /// `Some("")` clears the accent.
    pub accent: Option<String>,
    /// A logo's bytes (PNG or JPEG); `Some(empty)` takes the logo away.
    pub logo: Option<Vec<u8>>,
}

/// Checks every part of `change` first, then writes them: a bad accent
/// changes nothing, not even a good name beside it.
pub fn apply(db: &Db, change: &BrandChange) -> anyhow::Result<()> {
    let blank = |s: &str| s.trim().is_empty();
    let name = change
        .name
        .as_deref()
        .map(|n| {
            (!blank(n))
                .then(|| proofline_core::brand::studio_name(n))
                .transpose()
        })
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let accent = change
        .accent
        .as_deref()
        .map(|a| (!blank(a)).then(|| Accent::parse(a)).transpose())
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let logo = change
        .logo
        .as_deref()
        .map(|b| (!b.is_empty()).then(|| render_logo(b)).transpose())
        .transpose()
        .map_err(anyhow::Error::msg)?;
    if let Some(name) = name {
        db.set_brand_name(name.as_deref())?;
    }
    if let Some(accent) = accent {
        db.set_brand_accent(accent)?;
    }
    if let Some(logo) = logo {
        match logo {
            Some(l) => db.set_brand_logo(Some((&l.hash, l.width, l.height)), &l.files),
            None => db.set_brand_logo(None, &[]),
        }
        .context("the logo was not saved")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_of(w: u32, h: u32) -> Vec<u8> {
        let img = RgbaImage::from_fn(w, h, |x, _| Rgba([(x % 256) as u8, 40, 90, 255]));
        png(&img).unwrap()
    }

    #[test]
    fn a_logo_becomes_a_header_logo_and_square_icons() {
        let logo = render_logo(&png_of(1600, 400)).unwrap();
        assert_eq!((logo.width, logo.height), (720, 180));
        assert_eq!(logo.hash.len(), 16);
        let names: Vec<&str> = logo.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[0], format!("logo-{}.png", logo.hash));
        for ((name, bytes), (stem, size)) in logo.files[1..].iter().zip(icon_stems()) {
            assert_eq!(*name, icon_file(stem, &logo.hash));
            let icon = image::load_from_memory(bytes).unwrap();
            assert_eq!((icon.width(), icon.height()), (size, size), "{name}");
            // Opaque white around the logo.
            assert_eq!(icon.to_rgba8().get_pixel(0, 0), &Rgba([255, 255, 255, 255]));
        }
        // A small logo is not blown up.
        let small = render_logo(&png_of(100, 50)).unwrap();
        assert_eq!((small.width, small.height), (100, 50));
    }

    #[test]
    fn what_is_not_a_logo_is_refused_in_words() {
        assert!(
            render_logo(b"GIF89a....")
                .unwrap_err()
                .contains("PNG or JPEG")
        );
        assert!(render_logo(b"").unwrap_err().contains("PNG or JPEG"));
        let big = vec![0u8; MAX_LOGO_BYTES + 1];
        assert!(
            render_logo(&big)
                .unwrap_err()
                .contains("the most taken is 5.0 MB")
        );
        // A header claiming 100,000 × 100,000 pixels is refused before decoding.
        let mut huge = png_of(1, 1);
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let err = render_logo(&huge).unwrap_err();
        assert!(
            err.contains("megapixels") || err.contains("could not be read"),
            "{err}"
        );
    }
}
