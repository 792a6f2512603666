//! Decoding: the format told by its signature, the size read from the
//! header and held to the [`DecodeLimits`] before anything is decoded; JPEG
//! by libjpeg-turbo at the largest DCT scale still covering the proof (with
//! its EXIF orientation and ICC profile kept aside), cut-short JPEGs caught,
//! PNG by `image`. Both read from a stream: a file is never held whole.

use std::io::{self, BufRead, Read, Seek};

use image::{DynamicImage, ImageDecoder as _, RgbImage};

use super::exif::exif_orientation;
use super::limits::DecodeLimits;
use super::markers;

/// Bytes of a file's start that tell its format (and a PNG's size).
pub(super) const HEADER_LEN: usize = 32;

pub(super) enum Format {
    Jpeg,
    Png,
}

/// Tells the format by its signature, naming the common ones we do not take.
pub(super) fn sniff(bytes: &[u8]) -> Result<Format, String> {
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
pub(super) struct Source {
    pub(super) pixels: RgbImage,
    pub(super) full_width: u32,
    pub(super) full_height: u32,
    /// EXIF orientation, 1–8.
    pub(super) orientation: u8,
    pub(super) icc: Option<Vec<u8>>,
}

/// Up to [`HEADER_LEN`] bytes of the start of `r`.
pub(super) fn header(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut start = Vec::with_capacity(HEADER_LEN);
    r.take(HEADER_LEN as u64).read_to_end(&mut start)?;
    Ok(start)
}

/// The reason for a file that could not be read.
pub(super) fn unreadable(e: io::Error) -> String {
    format!("cannot be read ({e})")
}

/// A PNG's size, from its header chunk (the first after the signature).
pub(super) fn png_size(header: &[u8]) -> Result<(u32, u32), String> {
    match header.get(12..24) {
        Some([b'I', b'H', b'D', b'R', w0, w1, w2, w3, h0, h1, h2, h3]) => Ok((
            u32::from_be_bytes([*w0, *w1, *w2, *w3]),
            u32::from_be_bytes([*h0, *h1, *h2, *h3]),
        )),
        _ => Err("is damaged (its PNG header is missing)".into()),
    }
}

/// A JPEG's size, from its header segments (libjpeg reads them, not the
/// picture data).
pub(super) fn jpeg_size(r: impl BufRead) -> Result<(u32, u32), String> {
    unwinding(|| {
        let decoder = mozjpeg::Decompress::new_reader(r).map_err(damaged)?;
        Ok((decoder.width() as u32, decoder.height() as u32))
    })
}

fn damaged(e: impl std::fmt::Display) -> String {
    format!("is damaged ({e})")
}

/// Runs libjpeg. It reports a fatal error by unwinding out of the decoder
/// (without the panic hook); that is a damaged file, not a bug.
fn unwinding<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<String>()
            .map(|m| m.trim_start_matches("libjpeg fatal error: ").to_string())
            .unwrap_or_else(|| "the decoder stopped".into());
        Err(format!("is damaged ({why})"))
    })
}

/// Decodes a JPEG streamed from `r` (at its start), refusing one that was
/// cut short or is over the limits before libjpeg allocates its image.
pub(super) fn decode_jpeg<R: BufRead + Seek>(
    mut r: R,
    proof_edge: u32,
    limits: &DecodeLimits,
) -> Result<Source, String> {
    let layout = markers::walk(&mut r).map_err(unreadable)?;
    if layout.cut_short {
        return Err("is damaged (the file ends early: it may not have finished copying)".into());
    }
    r.rewind().map_err(unreadable)?;
    unwinding(|| decode_jpeg_unwinding(r, proof_edge, limits, layout.multi_scan))
}

/// libjpeg-turbo (SIMD) decoding at the largest DCT scale that still covers
/// the proof, as libvips' shrink-on-load does; the header is read, and held
/// to the limits, before libjpeg allocates the image.
fn decode_jpeg_unwinding(
    r: impl BufRead,
    proof_edge: u32,
    limits: &DecodeLimits,
    multi_scan: bool,
) -> Result<Source, String> {
    use mozjpeg::{ColorSpace, Marker};
    let mut decoder = mozjpeg::Decompress::with_markers(&[Marker::APP(1), Marker::APP(2)])
        .from_reader(r)
        .map_err(damaged)?;
    let (full_width, full_height) = (decoder.width() as u32, decoder.height() as u32);
    limits.check_size(full_width, full_height)?;
    let long = u64::from(full_width.max(full_height));
    let eighths = [1u8, 2, 4]
        .into_iter()
        .find(|&n| (long * u64::from(n)).div_ceil(8) >= u64::from(proof_edge))
        .unwrap_or(8);
    decoder.scale(eighths);
    let cmyk = matches!(
        decoder.color_space(),
        ColorSpace::JCS_CMYK | ColorSpace::JCS_YCCK
    );
    limits.check_memory(jpeg_memory(
        &decoder,
        (full_width, full_height),
        eighths,
        cmyk,
        multi_scan,
    ))?;
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

/// What libjpeg will allocate for the image, worked out from its header:
/// for a progressive or multi-scan JPEG, every DCT coefficient of it (each
/// component's 8×8 blocks, rounded up to whole MCUs, 64 × 2 bytes each, as
/// `jdcoefct.c` asks for them); then the pixels it decodes to at `eighths`
/// of full size (and their RGB copy for CMYK).
fn jpeg_memory<R>(
    decoder: &mozjpeg::Decompress<R>,
    (width, height): (u32, u32),
    eighths: u8,
    cmyk: bool,
    multi_scan: bool,
) -> u64 {
    let coefficients: u64 = if multi_scan {
        decoder
            .components()
            .iter()
            .map(|c| {
                let blocks = |n: u32, samples: i32| {
                    let s = u64::try_from(samples).unwrap_or(1).max(1);
                    u64::from(n).div_ceil(s) * s
                };
                blocks(c.width_in_blocks, c.h_samp_factor)
                    * blocks(c.height_in_blocks, c.v_samp_factor)
                    * 128
            })
            .sum()
    } else {
        0
    };
    let scaled = |n: u32| (u64::from(n) * u64::from(eighths)).div_ceil(8);
    let pixels = scaled(width) * scaled(height);
    coefficients + pixels * if cmyk { 4 + 3 } else { 3 }
}

/// Decodes a PNG streamed from `r` (at its start) under `image`'s limits,
/// refusing one whose picture would take more memory than allowed before
/// it is allocated.
pub(super) fn decode_png<R: BufRead + Seek>(r: R, limits: &DecodeLimits) -> Result<Source, String> {
    let too_large = |e: image::ImageError| match e {
        image::ImageError::Limits(e) => format!("is too large to decode ({e})"),
        e => damaged(e),
    };
    let mut decoder =
        image::codecs::png::PngDecoder::with_limits(r, limits.image_limits()).map_err(too_large)?;
    let (full_width, full_height) = decoder.dimensions();
    limits.check_size(full_width, full_height)?;
    // RGB and RGBA become RGB in place; the others are converted beside.
    let converted = match decoder.color_type() {
        image::ColorType::Rgb8 | image::ColorType::Rgba8 => 0,
        _ => u64::from(full_width) * u64::from(full_height) * 3,
    };
    limits.check_memory(decoder.total_bytes().saturating_add(converted))?;
    let orientation = decoder.orientation().map_or(1, |o| o.to_exif());
    let icc = decoder.icc_profile().ok().flatten();
    let img = DynamicImage::from_decoder(decoder).map_err(too_large)?;
    Ok(Source {
        pixels: into_rgb8(img)?,
        full_width,
        full_height,
        orientation,
        icc,
    })
}

/// The picture as RGB: RGBA has its alpha dropped in place, so converting
/// takes no second buffer.
fn into_rgb8(img: DynamicImage) -> Result<RgbImage, String> {
    let DynamicImage::ImageRgba8(rgba) = img else {
        return Ok(img.into_rgb8());
    };
    let (w, h) = rgba.dimensions();
    let mut raw = rgba.into_raw();
    let pixels = raw.len() / 4;
    for i in 0..pixels {
        raw.copy_within(4 * i..4 * i + 3, 3 * i);
    }
    raw.truncate(3 * pixels);
    RgbImage::from_raw(w, h, raw).ok_or_else(|| damaged("its pixels do not fill the picture"))
}
