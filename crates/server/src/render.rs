//! Turns one photo's bytes into its published renditions: a `proof` (lightbox)
//! and a `thumb` (grid) JPEG, with the EXIF orientation applied, no metadata
//! but the colour profile, an optional studio watermark on the proof, and a
//! ThumbHash placeholder.
//!
//! Speed comes from doing as little as possible at full size: a JPEG is decoded
//! at the largest DCT scale (1/2, 1/4, 1/8) that still covers the proof
//! ("shrink-on-load"), resized with SIMD (`fast_image_resize`), oriented only
//! once small, and the thumb is made from the proof.

use std::io::Cursor;
use std::str::FromStr;

use ab_glyph::{Font as _, FontRef, PxScale, ScaleFont as _};
use base64::Engine as _;
use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder as _, RgbImage, RgbaImage};

/// Long edge of the grid rendition, in pixels.
pub const THUMB_EDGE: u32 = 400;
/// Long edge of the lightbox rendition, in pixels.
pub const PROOF_EDGE: u32 = 1600;
const PROOF_QUALITY: u8 = 85;
const THUMB_QUALITY: u8 = 80;
/// The watermark's typeface (DejaVu Sans Bold, Bitstream Vera licence, see
/// `assets/DejaVuSans-Bold.LICENSE`).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans-Bold.ttf");

/// What to make of each photo.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub thumb_edge: u32,
    pub proof_edge: u32,
    /// Drawn on the proof only: the grid's thumbs stay clean.
    pub watermark: Option<Watermark>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            thumb_edge: THUMB_EDGE,
            proof_edge: PROOF_EDGE,
            watermark: None,
        }
    }
}

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
    /// Base64 ThumbHash of the thumb.
    pub thumbhash: String,
}

/// Renders one photo; the error is the reason in words, to follow the file's name.
pub fn render(bytes: &[u8], opts: &RenderOptions) -> Result<Rendered, String> {
    let source = match sniff(bytes)? {
        Format::Jpeg => decode_jpeg(bytes, opts.proof_edge)?,
        Format::Png => decode_png(bytes)?,
    };
    let upright = |w: u32, h: u32| {
        if source.orientation >= 5 {
            (h, w)
        } else {
            (w, h)
        }
    };
    let (width, height) = upright(source.full_width, source.full_height);
    let (pw, ph) = fit(width, height, opts.proof_edge);
    // Resize in the stored orientation, then turn the small result.
    let (sw, sh) = upright(pw, ph);
    let stored = resize(&source.pixels, sw, sh)?;
    let proof = orient(stored, source.orientation);
    let (tw, th) = fit(width, height, opts.thumb_edge);
    let thumb = resize(&proof, tw, th)?;
    let thumbhash = thumbhash_of(&thumb)?;
    let mut proof = proof;
    if let Some(mark) = &opts.watermark {
        watermark(&mut proof, mark)?;
    }
    let icc = source.icc.as_deref();
    Ok(Rendered {
        width,
        height,
        thumb: encode(&thumb, THUMB_QUALITY, icc)?,
        proof: encode(&proof, PROOF_QUALITY, icc)?,
        thumbhash,
    })
}

/// Scales `(w, h)` so the long edge is at most `edge`; never scales up.
pub fn fit(w: u32, h: u32, edge: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= edge {
        return (w, h);
    }
    let scale = edge as f64 / long as f64;
    (
        ((w as f64 * scale).round() as u32).max(1),
        ((h as f64 * scale).round() as u32).max(1),
    )
}

enum Format {
    Jpeg,
    Png,
}

/// Tells the format by its signature, naming the common ones we do not take.
fn sniff(bytes: &[u8]) -> Result<Format, String> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    let unsupported = |name: &str| Err(format!("{name} files are not supported (use JPEG or PNG)"));
    let brand = bytes.get(8..12).unwrap_or_default();
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Ok(Format::Jpeg),
        [0x89, b'P', b'N', b'G', ..] => Ok(Format::Png),
        [b'G', b'I', b'F', b'8', ..] => unsupported("GIF"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => unsupported("WebP"),
        [_, _, _, _, b'f', b't', b'y', b'p', ..] if brand.starts_with(b"avi") => {
            unsupported("AVIF")
        }
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => unsupported("HEIC"),
        [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => unsupported("TIFF and camera RAW"),
        [b'B', b'M', ..] => unsupported("BMP"),
        _ => Err("is not a JPEG or PNG image".into()),
    }
}

/// Decoded pixels (RGB, as stored, before orientation) and what we keep.
struct Source {
    pixels: RgbImage,
    full_width: u32,
    full_height: u32,
    /// EXIF orientation, 1–8.
    orientation: u8,
    icc: Option<Vec<u8>>,
}

fn decode_jpeg(bytes: &[u8], proof_edge: u32) -> Result<Source, String> {
    if is_cut_short(bytes) {
        return Err("is damaged (the file ends early: it may not have finished copying)".into());
    }
    // libjpeg reports a fatal error by unwinding out of the decoder (without
    // the panic hook); it is a damaged file, not a bug.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decode_jpeg_unwinding(bytes, proof_edge)
    }))
    .unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<String>()
            .map(|m| m.trim_start_matches("libjpeg fatal error: ").to_string())
            .unwrap_or_else(|| "the decoder stopped".into());
        Err(format!("is damaged ({why})"))
    })
}

/// libjpeg-turbo (SIMD) decoding at the largest DCT scale that still covers
/// the proof, as libvips' shrink-on-load does.
fn decode_jpeg_unwinding(bytes: &[u8], proof_edge: u32) -> Result<Source, String> {
    use mozjpeg::{ColorSpace, Marker};
    let damaged = |e: std::io::Error| format!("is damaged ({e})");
    let mut decoder = mozjpeg::Decompress::with_markers(&[Marker::APP(1), Marker::APP(2)])
        .from_mem(bytes)
        .map_err(damaged)?;
    let (full_width, full_height) = (decoder.width() as u32, decoder.height() as u32);
    let long = full_width.max(full_height);
    let eighths = [1u32, 2, 4]
        .into_iter()
        .find(|n| (long * n).div_ceil(8) >= proof_edge)
        .unwrap_or(8);
    decoder.scale(eighths as u8);
    let mut exif = None;
    let mut icc_chunks = Vec::new();
    for m in decoder.markers() {
        match m.marker {
            Marker::APP(1) if exif.is_none() => exif = m.data.strip_prefix(b"Exif\0\0"),
            Marker::APP(2) => {
                if let Some([seq, _count, chunk @ ..]) = m.data.strip_prefix(b"ICC_PROFILE\0") {
                    icc_chunks.push((*seq, chunk));
                }
            }
            _ => {}
        }
    }
    let orientation = exif.map_or(1, exif_orientation);
    icc_chunks.sort_by_key(|(seq, _)| *seq);
    let icc = (!icc_chunks.is_empty()).then(|| {
        icc_chunks
            .iter()
            .flat_map(|(_, c)| c.iter().copied())
            .collect()
    });
    let cmyk = matches!(
        decoder.color_space(),
        ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK
    );
    let out_space = if cmyk {
        ColorSpace::JCS_CMYK
    } else {
        ColorSpace::JCS_RGB
    };
    let mut started = decoder.to_colorspace(out_space).map_err(damaged)?;
    let (w, h) = (started.width() as u32, started.height() as u32);
    let raw = started.read_scanlines::<u8>().map_err(damaged)?;
    started.finish().map_err(damaged)?;
    let rgb = if cmyk {
        // Adobe's CMYK JPEGs store the inks inverted, so C·K/255 is red.
        raw.chunks_exact(4)
            .flat_map(|p| {
                let k = u16::from(p[3]);
                [0, 1, 2].map(|i| (u16::from(p[i]) * k / 255) as u8)
            })
            .collect()
    } else {
        raw
    };
    Ok(Source {
        pixels: RgbImage::from_raw(w, h, rgb)
            .ok_or("is damaged (the decoder returned too few pixels)")?,
        full_width,
        full_height,
        orientation,
        icc,
    })
}

/// A JPEG that was cut short (a half-copied card) lacks its end-of-image
/// marker; libjpeg would fill the rest with grey and only warn. Walks the
/// segments and scans to find where the image ends, so data appended after
/// it (motion photos carry a video there) does not matter; a structure this
/// walk does not understand is left for the decoder to judge.
fn is_cut_short(bytes: &[u8]) -> bool {
    let mut at = 2; // after SOI
    loop {
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return at + 1 >= bytes.len();
        };
        match marker {
            0xD9 => return false,
            0xFF => at += 1, // fill byte
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => {
                let Some(len) = bytes.get(at + 2..at + 4) else {
                    return true;
                };
                at += 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
                if marker == 0xDA {
                    // Entropy-coded data runs to the next marker that is not a
                    // stuffed byte (FF 00) or a restart (FF D0–D7).
                    loop {
                        let Some(i) = bytes
                            .get(at..)
                            .and_then(|r| r.iter().position(|&b| b == 0xFF))
                        else {
                            return true;
                        };
                        at += i;
                        match bytes.get(at + 1) {
                            None => return true,
                            Some(0x00 | 0xD0..=0xD7) => at += 2,
                            Some(0xFF) => at += 1,
                            Some(_) => break,
                        }
                    }
                }
            }
        }
    }
}

fn decode_png(bytes: &[u8]) -> Result<Source, String> {
    let mut decoder = image::codecs::png::PngDecoder::new(Cursor::new(bytes))
        .map_err(|e| format!("is damaged ({e})"))?;
    let orientation = decoder.orientation().map_or(1, |o| o.to_exif());
    let icc = decoder.icc_profile().ok().flatten();
    let img = DynamicImage::from_decoder(decoder).map_err(|e| format!("is damaged ({e})"))?;
    let (full_width, full_height) = (img.width(), img.height());
    Ok(Source {
        pixels: img.to_rgb8(),
        full_width,
        full_height,
        orientation,
        icc,
    })
}

/// Reads the orientation tag (0x0112) from an EXIF (TIFF) block; 1 if absent.
fn exif_orientation(exif: &[u8]) -> u8 {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    let big = match tiff.get(..2) {
        Some(b"MM") => true,
        Some(b"II") => false,
        _ => return 1,
    };
    let u16_at = |at: usize| {
        tiff.get(at..at + 2).map(|b| {
            let b = [b[0], b[1]];
            if big {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        })
    };
    let u32_at = |at: usize| {
        tiff.get(at..at + 4).map(|b| {
            let b = [b[0], b[1], b[2], b[3]];
            if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        })
    };
    let Some(ifd) = u32_at(4).map(|o| o as usize) else {
        return 1;
    };
    let count = u16_at(ifd).unwrap_or(0) as usize;
    (0..count)
        .map(|i| ifd + 2 + i * 12)
        .find(|&entry| u16_at(entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8))
        .filter(|o| (1..=8).contains(o))
        .map_or(1, |o| o as u8)
}

/// Applies EXIF orientation `o` to stored pixels, giving the upright picture.
fn orient(img: RgbImage, o: u8) -> RgbImage {
    use image::imageops::{flip_horizontal, flip_vertical, rotate90, rotate180, rotate270};
    match o {
        2 => flip_horizontal(&img),
        3 => rotate180(&img),
        4 => flip_vertical(&img),
        5 => flip_horizontal(&rotate90(&img)),
        6 => rotate90(&img),
        7 => flip_horizontal(&rotate270(&img)),
        8 => rotate270(&img),
        _ => img,
    }
}

/// Lanczos3 with SIMD: sharp's default kernel too, so the two look alike.
fn resize(src: &RgbImage, w: u32, h: u32) -> Result<RgbImage, String> {
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

/// Baseline JPEG with the photo's colour profile and nothing else (no EXIF,
/// XMP or GPS): without a profile viewers assume sRGB, as the original meant.
/// libjpeg-turbo's settings and SIMD (mozjpeg's "fastest" profile): about 4×
/// faster than the `jpeg-encoder` crate at the same size and quality.
fn encode(img: &RgbImage, quality: u8, icc: Option<&[u8]>) -> Result<Encoded, String> {
    let (width, height) = img.dimensions();
    let encoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
        c.set_fastest_defaults();
        c.set_size(width as usize, height as usize);
        c.set_quality(f32::from(quality));
        let mut started = c.start_compress(Vec::with_capacity((width * height / 4) as usize))?;
        if let Some(icc) = icc {
            // Not `write_icc_profile`: mozjpeg 0.10 numbers the chunks from 0,
            // and readers (libjpeg's own, browsers) want them from 1.
            let chunks = icc.chunks(65_519);
            let count = chunks.len() as u8;
            for (seq, chunk) in (1u8..).zip(chunks) {
                let mut data = b"ICC_PROFILE\0".to_vec();
                data.extend([seq, count]);
                data.extend_from_slice(chunk);
                started.write_marker(mozjpeg::Marker::APP(2), &data);
            }
        }
        started.write_scanlines(img.as_raw())?;
        started.finish()
    }));
    match encoded {
        Ok(Ok(jpeg)) => Ok(Encoded {
            jpeg,
            width,
            height,
        }),
        Ok(Err(e)) => Err(format!("could not be encoded ({e})")),
        Err(payload) => Err(format!(
            "could not be encoded ({})",
            payload
                .downcast_ref::<String>()
                .map_or("the encoder stopped", |m| m)
        )),
    }
}

fn thumbhash_of(thumb: &RgbImage) -> Result<String, String> {
    let (w, h) = fit(thumb.width(), thumb.height(), 100);
    let small = resize(thumb, w, h)?;
    let rgba = DynamicImage::ImageRgb8(small).to_rgba8();
    let hash = thumbhash::rgba_to_thumb_hash(w as usize, h as usize, rgba.as_raw());
    Ok(base64::engine::general_purpose::STANDARD.encode(hash))
}

/// Draws the mark on `img`: sized to the photo, white with a soft dark outline
/// so it reads on light and dark photos alike.
fn watermark(img: &mut RgbImage, mark: &Watermark) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    const RED: Rgb<u8> = Rgb([230, 20, 20]);
    const GREY: Rgb<u8> = Rgb([110, 120, 130]);

    fn jpeg_of(img: &RgbImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    fn small() -> RenderOptions {
        RenderOptions {
            thumb_edge: 100,
            proof_edge: 320,
            watermark: None,
        }
    }

    fn decoded(e: &Encoded) -> RgbImage {
        let img = image::load_from_memory(&e.jpeg).unwrap().to_rgb8();
        assert_eq!(
            img.dimensions(),
            (e.width, e.height),
            "stated size is the real size"
        );
        img
    }

    /// Mean of |a − b| over a rectangle given in fractions of the image.
    fn mean_diff(a: &RgbImage, b: &RgbImage, (x0, y0, x1, y1): (f32, f32, f32, f32)) -> f32 {
        let (w, h) = (a.width() as f32, a.height() as f32);
        let (xs, ys) = (
            (x0 * w) as u32..(x1 * w) as u32,
            (y0 * h) as u32..(y1 * h) as u32,
        );
        let mut sum = 0u64;
        let mut n = 0u64;
        for y in ys {
            for x in xs.clone() {
                let (p, q) = (a.get_pixel(x, y), b.get_pixel(x, y));
                sum += (0..3).map(|c| p[c].abs_diff(q[c]) as u64).sum::<u64>();
                n += 3;
            }
        }
        sum as f32 / n as f32
    }

    fn is_red(p: &Rgb<u8>) -> bool {
        p[0] > 180 && p[1] < 80 && p[2] < 80
    }

    /// The marker segments before the image data (APPn, DQT, SOF, ...).
    fn markers(jpeg: &[u8]) -> Vec<(u8, Vec<u8>)> {
        assert_eq!(&jpeg[..2], [0xFF, 0xD8]);
        let mut at = 2;
        let mut found = Vec::new();
        while jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA {
            let len = u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]) as usize;
            found.push((jpeg[at + 1], jpeg[at + 4..at + 2 + len].to_vec()));
            at += 2 + len;
        }
        found
    }

    #[test]
    fn every_exif_orientation_comes_out_upright() {
        // Upright: 480×300, grey with a red block in the top-left corner.
        let upright =
            RgbImage::from_fn(480, 300, |x, y| if x < 120 && y < 90 { RED } else { GREY });
        for o in 1..=8u8 {
            let stored = proofline_samples::store_for_orientation(upright.clone(), o);
            let file = proofline_samples::with_exif_orientation(&jpeg_of(&stored), o);
            let r = render(&file, &small()).unwrap();
            assert_eq!((r.width, r.height), (480, 300), "orientation {o}");
            let proof = decoded(&r.proof);
            assert_eq!(proof.dimensions(), (320, 200), "orientation {o}");
            assert!(
                is_red(proof.get_pixel(20, 20)),
                "orientation {o}: red top-left"
            );
            for (x, y) in [(300, 20), (20, 180), (300, 180)] {
                assert!(
                    !is_red(proof.get_pixel(x, y)),
                    "orientation {o}: no red at {x},{y}"
                );
            }
            let thumb = decoded(&r.thumb);
            assert_eq!(thumb.dimensions(), (100, 63), "orientation {o}");
            assert!(
                is_red(thumb.get_pixel(5, 5)),
                "orientation {o}: thumb upright too"
            );
        }
    }

    #[test]
    fn large_jpegs_are_decoded_small_yet_come_out_at_full_proof_size() {
        // 2600 px: decoded at 1/2 (1300 ≥ 1200); the proof is still 1200 wide.
        let file = jpeg_of(&proofline_samples::render(2600, 1700, 4));
        let opts = RenderOptions {
            thumb_edge: 300,
            proof_edge: 1200,
            watermark: None,
        };
        let r = render(&file, &opts).unwrap();
        assert_eq!((r.width, r.height), (2600, 1700));
        assert_eq!((r.proof.width, r.proof.height), (1200, 785));
        assert_eq!((r.thumb.width, r.thumb.height), (300, 196));
        decoded(&r.proof);
        assert!(!r.thumbhash.is_empty());
    }

    #[test]
    fn gps_and_every_other_exif_field_is_stripped_from_both_renditions() {
        let file =
            proofline_samples::with_exif_gps(&jpeg_of(&proofline_samples::render(640, 400, 2)));
        assert!(
            markers(&file).iter().any(|(m, _)| *m == 0xE1),
            "the input has EXIF"
        );
        let r = render(&file, &small()).unwrap();
        for out in [&r.thumb.jpeg, &r.proof.jpeg] {
            let found = markers(out);
            assert!(
                found
                    .iter()
                    .all(|(m, _)| !(0xE1..=0xEF).contains(m) || *m == 0xE2),
                "no APP1 (EXIF, XMP) or other metadata segment: {:x?}",
                found.iter().map(|(m, _)| m).collect::<Vec<_>>()
            );
            for needle in [&b"Exif"[..], b"GPS", b"Cam\0"] {
                assert!(!out.windows(needle.len()).any(|w| w == needle));
            }
        }
    }

    #[test]
    fn the_colour_profile_is_carried_over_and_no_profile_stays_none() {
        let profile: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
        let plain = jpeg_of(&proofline_samples::render(640, 400, 3));
        let r = render(
            &proofline_samples::with_icc_profile(&plain, &profile),
            &small(),
        )
        .unwrap();
        for out in [&r.thumb.jpeg, &r.proof.jpeg] {
            let carried: Vec<u8> = markers(out)
                .into_iter()
                .filter_map(|(m, data)| {
                    let chunk = data.strip_prefix(b"ICC_PROFILE\0\x01\x01")?;
                    (m == 0xE2).then(|| chunk.to_vec())
                })
                .flatten()
                .collect();
            assert!(
                carried == profile,
                "profile carried over intact, chunk 1 of 1"
            );
        }
        let r = render(&plain, &small()).unwrap();
        assert!(
            markers(&r.proof.jpeg).iter().all(|(m, _)| *m != 0xE2),
            "sRGB: no profile"
        );
    }

    #[test]
    fn png_photos_render_too() {
        let mut png = Cursor::new(Vec::new());
        proofline_samples::render(500, 700, 5)
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        let r = render(png.get_ref(), &small()).unwrap();
        assert_eq!(
            (r.width, r.height, r.proof.width, r.proof.height),
            (500, 700, 229, 320)
        );
    }

    fn with_mark(
        text: Option<&str>,
        logo: Option<RgbaImage>,
        position: WatermarkPosition,
    ) -> RenderOptions {
        RenderOptions {
            thumb_edge: 200,
            proof_edge: 900,
            watermark: Some(Watermark {
                text: text.map(Into::into),
                logo,
                position,
                opacity: 0.8,
            }),
        }
    }

    #[test]
    fn the_watermark_shows_on_the_proof_where_asked_and_never_on_the_thumb() {
        let file = jpeg_of(&proofline_samples::render(1800, 1200, 6));
        let clean = render(
            &file,
            &RenderOptions {
                watermark: None,
                ..with_mark(None, None, Default::default())
            },
        )
        .unwrap();
        let marked = render(
            &file,
            &with_mark(Some("© Studio Lumen"), None, WatermarkPosition::BottomRight),
        )
        .unwrap();
        assert_eq!(
            clean.thumb.jpeg, marked.thumb.jpeg,
            "the thumb is untouched"
        );
        let (a, b) = (decoded(&clean.proof), decoded(&marked.proof));
        let corner = mean_diff(&a, &b, (0.6, 0.85, 0.97, 0.97));
        assert!(
            corner > 8.0,
            "the mark is visible bottom-right (mean diff {corner})"
        );
        let elsewhere = mean_diff(&a, &b, (0.0, 0.0, 0.5, 0.7));
        assert!(
            elsewhere < 0.5,
            "the rest is unchanged (mean diff {elsewhere})"
        );
    }

    #[test]
    fn a_logo_goes_where_asked_and_tiled_marks_cover_the_photo() {
        let file = jpeg_of(&proofline_samples::render(1800, 1200, 7));
        let clean = decoded(&render(&file, &small()).unwrap().proof);
        let logo = RgbaImage::from_pixel(200, 100, image::Rgba([255, 0, 255, 255]));
        let centre = |o: RenderOptions| {
            decoded(
                &render(
                    &file,
                    &RenderOptions {
                        proof_edge: 320,
                        ..o
                    },
                )
                .unwrap()
                .proof,
            )
        };
        let marked = centre(with_mark(
            None,
            Some(logo.clone()),
            WatermarkPosition::Center,
        ));
        assert!(
            mean_diff(&clean, &marked, (0.45, 0.45, 0.55, 0.55)) > 30.0,
            "logo in the centre"
        );
        assert!(
            mean_diff(&clean, &marked, (0.0, 0.0, 0.25, 0.25)) < 0.5,
            "corners clean"
        );
        let tiled = centre(with_mark(
            Some("PROOF"),
            Some(logo),
            WatermarkPosition::Tiled,
        ));
        let quarters = [
            (0.0, 0.0, 0.5, 0.5),
            (0.5, 0.0, 1.0, 0.5),
            (0.0, 0.5, 0.5, 1.0),
            (0.5, 0.5, 1.0, 1.0),
        ];
        for q in quarters {
            assert!(
                mean_diff(&clean, &tiled, q) > 5.0,
                "tiled marks reach {q:?}"
            );
        }
    }

    #[test]
    fn positions_parse_from_the_command_line() {
        assert_eq!("bottom-right".parse(), Ok(WatermarkPosition::BottomRight));
        assert_eq!("Centre".parse(), Ok(WatermarkPosition::Center));
        assert_eq!("tiled".parse(), Ok(WatermarkPosition::Tiled));
        let err = "middle".parse::<WatermarkPosition>().unwrap_err();
        assert!(err.contains("top-left") && err.contains("tiled"), "{err}");
    }

    #[test]
    fn broken_and_foreign_files_are_refused_in_words() {
        let reason = |bytes: &[u8]| render(bytes, &small()).unwrap_err();
        let good = jpeg_of(&proofline_samples::render(640, 400, 8));
        assert_eq!(reason(b""), "the file is empty");
        assert!(reason(&good[..good.len() / 2]).starts_with("is damaged (the file ends early"));
        let mut motion_photo = good.clone();
        motion_photo.extend((0..300_000u32).map(|i| (i % 251) as u8));
        assert!(
            render(&motion_photo, &small()).is_ok(),
            "data after the image is fine"
        );
        let mut garbled = good.clone();
        garbled[20..400].fill(0x5A);
        assert!(
            reason(&garbled).starts_with("is damaged ("),
            "{}",
            reason(&garbled)
        );
        assert_eq!(
            reason(b"GIF89a\x01\0\x01\0"),
            "GIF files are not supported (use JPEG or PNG)"
        );
        assert_eq!(
            reason(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            "HEIC files are not supported (use JPEG or PNG)"
        );
        let random: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert_eq!(reason(&random), "is not a JPEG or PNG image");
        let mut png = Cursor::new(Vec::new());
        proofline_samples::render(64, 64, 1)
            .write_to(&mut png, image::ImageFormat::Png)
            .unwrap();
        assert!(reason(&png.get_ref()[..200]).starts_with("is damaged ("));
    }

    #[test]
    fn exif_orientation_is_read_in_either_byte_order() {
        let le = [
            b'I', b'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,
        ];
        assert_eq!(exif_orientation(&le), 6);
        assert_eq!(exif_orientation(b"junk"), 1);
    }
}
