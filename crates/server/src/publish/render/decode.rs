//! Decoding: the format told by its signature, JPEG by libjpeg-turbo at the
//! largest DCT scale still covering the proof (with its EXIF orientation and
//! ICC profile kept aside), cut-short JPEGs caught, PNG by `image`.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder as _, RgbImage};

use super::exif::exif_orientation;

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

pub(super) fn decode_jpeg(bytes: &[u8], proof_edge: u32) -> Result<Source, String> {
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

pub(super) fn decode_png(bytes: &[u8]) -> Result<Source, String> {
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
