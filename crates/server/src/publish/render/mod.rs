//! Turns one photo into its published renditions: a `proof` (lightbox) and
//! a `thumb` (grid) JPEG, and for downloads a `web` one (2048 px) and a
//! full-size one, with the EXIF orientation applied, no metadata but the
//! colour profile, an optional studio watermark on the proof (and on the
//! downloads if the studio asks), and a ThumbHash placeholder.
//!
//! A photo is read as a stream, never whole, and held to [`DecodeLimits`]:
//! its size is read from its header and refused over the pixel limit before
//! anything is decoded, and the memory its decoder would take is checked
//! before it is taken ([`probe`] does the first without decoding).
//!
//! Speed comes from doing as little as possible at full size: a JPEG is decoded
//! at the largest DCT scale (1/2, 1/4, 1/8) that still covers the proof
//! ("shrink-on-load"), resized with SIMD (`fast_image_resize`), oriented only
//! once small, and the thumb is made from the proof.
//!
//! [`decode`] reads JPEG (libjpeg-turbo) and PNG, [`markers`] walks a JPEG's
//! segments, [`limits`] says how large is too large, [`exif`] the orientation,
//! [`encode`] writes the JPEGs, [`watermark`] draws the studio's mark (its
//! own text rasteriser included); this file puts them together. Pure image
//! work: it imports nothing else of this crate.

mod decode;
mod encode;
mod exif;
mod limits;
mod markers;
#[cfg(test)]
mod tests;
mod watermark;

use std::io::{BufRead, BufReader, Cursor, Seek};
use std::path::Path;

use base64::Engine as _;
use fast_image_resize as fr;
use image::{DynamicImage, RgbImage};

pub use limits::{DEFAULT_MAX_MEGAPIXELS, DecodeLimits, MAX_EDGE};
use proofline_core::downloads::Downloads;
pub use proofline_core::downloads::WEB_EDGE;
pub use proofline_core::manifest::fit;
pub use watermark::{Watermark, WatermarkPosition};

use decode::{Format, decode_jpeg, decode_png, header, jpeg_size, png_size, sniff, unreadable};
use encode::encode;
use exif::orient;

/// Long edge of the grid rendition, in pixels.
pub const THUMB_EDGE: u32 = 400;
/// Long edge of the lightbox rendition, in pixels.
pub const PROOF_EDGE: u32 = 1600;
const PROOF_QUALITY: u8 = 85;
/// A download is kept: encoded closer to the original than a proof.
const WEB_QUALITY: u8 = 92;
const THUMB_QUALITY: u8 = 80;

/// What to make of each photo.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub thumb_edge: u32,
    pub proof_edge: u32,
    /// Drawn on the proof only: the grid's thumbs stay clean.
    pub watermark: Option<Watermark>,
    /// What the gallery's links may be allowed to download: a `web`
    /// rendition ([`WEB_EDGE`] px) is made for `Web` and `Full`; for `Full`
    /// a full-size file too ([`FullSize`]: re-encoded here, or the
    /// original, which the upload publishes as it is).
    pub downloads: Downloads,
    /// Draw the watermark on the downloads too (the `web` rendition, and a
    /// re-encoded full size).
    pub watermark_downloads: bool,
    /// What a full-size download is, when `downloads` is `Full`.
    pub full_size: FullSize,
    /// How large a photo may be.
    pub limits: DecodeLimits,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            thumb_edge: THUMB_EDGE,
            proof_edge: PROOF_EDGE,
            watermark: None,
            downloads: Downloads::None,
            watermark_downloads: false,
            full_size: FullSize::default(),
            limits: DecodeLimits::default(),
        }
    }
}

/// A full-size download: the original file as it is, or re-encoded at
/// full resolution with its metadata (camera, GPS) dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FullSize {
    /// Re-encoded at quality 95, upright, no metadata but the colour profile.
    #[default]
    Reencode,
    /// The studio's file, byte for byte (metadata included).
    Original,
}

/// Quality of a re-encoded full-size download.
const FULL_QUALITY: u8 = 95;

/// One encoded rendition.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Everything publishing needs from one photo.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Size of the original, upright.
    pub width: u32,
    pub height: u32,
    pub thumb: Encoded,
    pub proof: Encoded,
    /// The download, when asked for.
    pub web: Option<Encoded>,
    /// The full-size download, re-encoded, when asked for.
    pub full: Option<Encoded>,
    /// Base64 ThumbHash of the thumb.
    pub thumbhash: String,
}

/// Renders one photo file, read as a stream; the error is the reason in
/// words, to follow the file's name.
pub fn render_file(path: &Path, opts: &RenderOptions) -> Result<Rendered, String> {
    let file = std::fs::File::open(path).map_err(unreadable)?;
    render_from(BufReader::with_capacity(READ_BUFFER, file), opts)
}

/// Renders one photo from its bytes.
pub fn render(bytes: &[u8], opts: &RenderOptions) -> Result<Rendered, String> {
    render_from(Cursor::new(bytes), opts)
}

/// What [`render_file`] reads a file through.
pub const READ_BUFFER: usize = 64 * 1024;

/// Tells whether the photo streamed from `r` (at its start) can be
/// rendered, as far as its header tells: a JPEG or PNG within the pixel
/// limit. Reads the first [`decode::HEADER_LEN`] bytes of anything else,
/// and a JPEG's header segments, no further; answers its size.
pub fn probe(mut r: impl BufRead + Seek, limits: &DecodeLimits) -> Result<(u32, u32), String> {
    let start = header(&mut r).map_err(unreadable)?;
    let (width, height) = match sniff(&start)? {
        Format::Png => png_size(&start)?,
        Format::Jpeg => {
            r.rewind().map_err(unreadable)?;
            jpeg_size(r)?
        }
    };
    limits.check_size(width, height)?;
    Ok((width, height))
}

fn render_from(mut r: impl BufRead + Seek, opts: &RenderOptions) -> Result<Rendered, String> {
    let start = header(&mut r).map_err(unreadable)?;
    let format = sniff(&start)?;
    r.rewind().map_err(unreadable)?;
    // Decoded at the scale the largest rendition needs.
    let makes_web = opts.downloads != Downloads::None;
    let makes_full = opts.downloads == Downloads::Full && opts.full_size == FullSize::Reencode;
    let largest = if makes_full {
        u32::MAX
    } else if makes_web {
        opts.proof_edge.max(WEB_EDGE)
    } else {
        opts.proof_edge
    };
    let source = match format {
        Format::Jpeg => decode_jpeg(r, largest, &opts.limits)?,
        Format::Png => {
            let (width, height) = png_size(&start)?;
            opts.limits.check_size(width, height)?;
            decode_png(r, &opts.limits)?
        }
    };
    let upright = |w: u32, h: u32| {
        if source.orientation >= 5 {
            (h, w)
        } else {
            (w, h)
        }
    };
    let (width, height) = upright(source.full_width, source.full_height);
    // Resize in the stored orientation, then turn the smaller result.
    let (lw, lh) = fit(width, height, largest);
    let (sw, sh) = upright(lw, lh);
    let large = orient(resize(&source.pixels, sw, sh)?, source.orientation);
    // At full size, the web rendition is made from it.
    let (mut full, large) = if makes_full {
        let (ww, wh) = fit(width, height, WEB_EDGE);
        let web = resize(&large, ww, wh)?;
        (Some(large), web)
    } else {
        (None, large)
    };
    let (pw, ph) = fit(width, height, opts.proof_edge);
    let (proof, mut web) = if makes_web {
        (resize(&large, pw, ph)?, Some(large))
    } else {
        (large, None)
    };
    let (tw, th) = fit(width, height, opts.thumb_edge);
    let thumb = resize(&proof, tw, th)?;
    let thumbhash = thumbhash_of(&thumb)?;
    let mut proof = proof;
    if let Some(mark) = &opts.watermark {
        watermark::draw(&mut proof, mark)?;
        if opts.watermark_downloads {
            for download in [web.as_mut(), full.as_mut()].into_iter().flatten() {
                watermark::draw(download, mark)?;
            }
        }
    }
    let icc = source.icc.as_deref();
    Ok(Rendered {
        width,
        height,
        thumb: encode(&thumb, THUMB_QUALITY, icc)?,
        proof: encode(&proof, PROOF_QUALITY, icc)?,
        web: web.map(|web| encode(&web, WEB_QUALITY, icc)).transpose()?,
        full: full
            .map(|full| encode(&full, FULL_QUALITY, icc))
            .transpose()?,
        thumbhash,
    })
}

/// Lanczos3 with SIMD: sharp's default kernel too, so the two look alike.
pub(super) fn resize(src: &RgbImage, w: u32, h: u32) -> Result<RgbImage, String> {
    if src.dimensions() == (w, h) {
        return Ok(src.clone());
    }
    let failed = |e: &dyn std::fmt::Display| format!("could not be resized ({e})");
    let view =
        fr::images::ImageRef::new(src.width(), src.height(), src.as_raw(), fr::PixelType::U8x3)
            .map_err(|e| failed(&e))?;
    let mut dst = fr::images::Image::new(w, h, fr::PixelType::U8x3);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    fr::Resizer::new()
        .resize(&view, &mut dst, &options)
        .map_err(|e| failed(&e))?;
    Ok(RgbImage::from_raw(w, h, dst.into_vec()).expect("the resizer filled w×h pixels"))
}

fn thumbhash_of(thumb: &RgbImage) -> Result<String, String> {
    let (w, h) = fit(thumb.width(), thumb.height(), 100);
    let small = resize(thumb, w, h)?;
    let rgba = DynamicImage::ImageRgb8(small).to_rgba8();
    let hash = thumbhash::rgba_to_thumb_hash(w as usize, h as usize, rgba.as_raw());
    Ok(base64::engine::general_purpose::STANDARD.encode(hash))
}
