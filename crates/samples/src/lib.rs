//! Generated sample photos: procedurally drawn landscapes, written as JPEG or PNG,
//! with the awkward file names and EXIF orientations real camera folders have.
//! Used by `cargo xtask demo`, the server's integration tests and the e2e suite,
//! so the repository carries no binary photos and no licence questions.
#![forbid(unsafe_code)]

use std::f32::consts::PI;
use std::io;
use std::path::{Path, PathBuf};

use image::{ImageFormat, Rgb, RgbImage};

/// One photo to generate.
#[derive(Debug, Clone)]
pub struct Sample {
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    /// EXIF orientation tag (1–8) to embed in a JPEG; `None` writes no EXIF.
    /// The pixels are stored rotated so that honouring the tag shows them upright.
    pub orientation: Option<u8>,
    pub seed: u32,
}

/// The demo gallery: a dozen photos whose names have spaces, `+`, `#` and
/// non-ASCII letters, landscape and portrait, one PNG, and rotated JPEGs.
pub fn demo_set() -> Vec<Sample> {
    let names = [
        ("Ceremony 01.jpg", 1800, 1200, None),
        ("Ceremony 02.jpg", 1200, 1800, None),
        ("Vows + rings.jpg", 1800, 1200, None),
        ("First dance #1.jpg", 1800, 1200, None),
        ("Café terrace.jpg", 1600, 1600, None),
        ("Grandma & Zoë.jpg", 1200, 1800, Some(6)),
        ("Garden walk.jpg", 1800, 1200, Some(3)),
        ("Confetti 100%.jpg", 1800, 1013, None),
        ("Cake — cutting.png", 1400, 1000, None),
        ("Sunset (golden hour).jpg", 1800, 1200, Some(8)),
        ("Speech, best man.jpg", 1200, 1800, None),
        ("Dancing late.jpg", 1800, 1200, None),
    ];
    names
        .into_iter()
        .enumerate()
        .map(|(i, (name, w, h, o))| Sample {
            file_name: name.to_string(),
            width: w,
            height: h,
            orientation: o,
            seed: i as u32 + 1,
        })
        .collect()
}

/// `count` plain photos `photo-00001.jpg`… of modest size, for large galleries.
pub fn numbered_set(count: usize, width: u32, height: u32) -> Vec<Sample> {
    (0..count)
        .map(|i| Sample {
            file_name: format!("photo-{:05}.jpg", i + 1),
            width: if i % 3 == 2 { height } else { width },
            height: if i % 3 == 2 { width } else { height },
            orientation: None,
            seed: i as u32 + 1,
        })
        .collect()
}

/// Writes every sample into `dir` (created if missing) and returns the paths.
pub fn write_all(dir: &Path, samples: &[Sample]) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    samples
        .iter()
        .map(|s| {
            let path = dir.join(&s.file_name);
            std::fs::write(&path, encode(s)?)?;
            Ok(path)
        })
        .collect()
}

/// Encodes one sample as the bytes of its file, by its extension.
pub fn encode(sample: &Sample) -> io::Result<Vec<u8>> {
    let upright = render(sample.width, sample.height, sample.seed);
    let is_png = sample.file_name.to_lowercase().ends_with(".png");
    let stored = match sample.orientation {
        Some(o) if !is_png => store_for_orientation(upright, o),
        _ => upright,
    };
    let mut out = io::Cursor::new(Vec::new());
    let format = if is_png {
        ImageFormat::Png
    } else {
        ImageFormat::Jpeg
    };
    stored
        .write_to(&mut out, format)
        .map_err(io::Error::other)?;
    let bytes = out.into_inner();
    Ok(match sample.orientation {
        Some(o) if !is_png => with_exif_orientation(&bytes, o),
        _ => bytes,
    })
}

/// Draws a landscape: sky gradient, a sun, three layers of hills, and a frame
/// number in the corner so every photo is told apart at a glance.
pub fn render(width: u32, height: u32, seed: u32) -> RgbImage {
    let hue = (seed as f32 * 0.618_034).fract();
    let sky_top = hsv(hue, 0.55, 0.95);
    let sky_bottom = hsv((hue + 0.08).fract(), 0.25, 1.0);
    let sun = hsv((hue + 0.5).fract(), 0.6, 1.0);
    let hills = [
        hsv((hue + 0.3).fract(), 0.45, 0.75),
        hsv((hue + 0.33).fract(), 0.55, 0.55),
        hsv((hue + 0.36).fract(), 0.65, 0.35),
    ];
    let (w, h) = (width as f32, height as f32);
    let (sun_x, sun_y, sun_r) = (
        w * (0.2 + 0.6 * (seed as f32 * 0.37).fract()),
        h * 0.3,
        h.min(w) * 0.09,
    );
    let mut img = RgbImage::new(width, height);
    for (x, y, px) in img.enumerate_pixels_mut() {
        let (fx, fy) = (x as f32, y as f32);
        let mut c = mix(sky_top, sky_bottom, fy / h);
        if (fx - sun_x).powi(2) + (fy - sun_y).powi(2) < sun_r * sun_r {
            c = sun;
        }
        for (layer, colour) in hills.iter().enumerate() {
            let l = layer as f32;
            let phase = seed as f32 * (1.3 + l);
            let ridge = h * (0.55 + 0.12 * l)
                + h * 0.06 * ((fx / w) * PI * (2.0 + l) + phase).sin()
                + h * 0.02 * ((fx / w) * PI * (9.0 + 2.0 * l) + phase).sin();
            if fy > ridge {
                c = *colour;
            }
        }
        *px = Rgb(c.map(|v| (v.clamp(0.0, 1.0) * 255.0) as u8));
    }
    draw_number(&mut img, seed);
    img
}

/// A camera-like JPEG for benchmarks: the landscape with sensor grain and fine
/// texture (grass, fabric), at `quality`, stored for EXIF `orientation` as
/// [`Sample::orientation`] is. Flat colour decodes unrealistically fast; this
/// compresses like a real photo.
pub fn camera_jpeg(
    width: u32,
    height: u32,
    seed: u32,
    quality: u8,
    orientation: Option<u8>,
) -> io::Result<Vec<u8>> {
    let mut img = render(width, height, seed);
    let mut state = seed.wrapping_mul(0x9E37_79B9) | 1;
    for (x, y, px) in img.enumerate_pixels_mut() {
        // xorshift: cheap, deterministic grain.
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let grain = (state % 13) as i32 - 6;
        let texture =
            (((x as f32 * 0.21).sin() + (y as f32 * 0.17 + x as f32 * 0.05).sin()) * 9.0) as i32;
        for c in px.0.iter_mut() {
            *c = (*c as i32 + grain + texture).clamp(0, 255) as u8;
        }
    }
    let img = store_for_orientation(img, orientation.unwrap_or(1));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img)
        .map_err(io::Error::other)?;
    Ok(match orientation {
        Some(o) => with_exif_orientation(&out, o),
        None => out,
    })
}

/// The pixels a camera stores for a photo shown upright under EXIF `orientation`.
pub fn store_for_orientation(upright: RgbImage, orientation: u8) -> RgbImage {
    use image::imageops::{flip_horizontal, rotate90, rotate180, rotate270};
    // Inverse of the transform a viewer applies for each tag.
    match orientation {
        2 => flip_horizontal(&upright),
        3 => rotate180(&upright),
        4 => image::imageops::flip_vertical(&upright),
        5 => flip_horizontal(&rotate90(&upright)),
        6 => rotate270(&upright),
        7 => flip_horizontal(&rotate270(&upright)),
        8 => rotate90(&upright),
        _ => upright,
    }
}

/// Inserts a minimal EXIF APP1 segment holding only the orientation tag right
/// after the JPEG's SOI marker.
pub fn with_exif_orientation(jpeg: &[u8], orientation: u8) -> Vec<u8> {
    #[rustfmt::skip]
    let tiff: [u8; 26] = [
        b'M', b'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD at 8
        0, 1,                          // one entry
        0x01, 0x12, 0, 3, 0, 0, 0, 1,  // tag 0x0112 Orientation, SHORT, count 1
        0, orientation, 0, 0,          // value
        0, 0, 0, 0,                    // no next IFD
    ];
    with_exif(jpeg, &tiff)
}

/// Inserts an EXIF APP1 segment with a camera make and a GPS position (the
/// studio's home, say), as phones write, right after the JPEG's SOI marker.
pub fn with_exif_gps(jpeg: &[u8]) -> Vec<u8> {
    #[rustfmt::skip]
    let tiff: Vec<u8> = [
        &b"MM\0\x2a\0\0\0\x08"[..],      // big-endian TIFF header, IFD0 at 8
        &[0, 2],                          // two entries
        &[0x01, 0x0F, 0, 2, 0, 0, 0, 4], b"Cam\0", // Make, ASCII, 4 bytes inline
        &[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38], // GPS IFD pointer -> 38
        &[0, 0, 0, 0],                    // no next IFD
        &[0, 2],                          // GPS IFD: two entries
        &[0, 1, 0, 2, 0, 0, 0, 2], b"N\0\0\0",     // GPSLatitudeRef "N"
        &[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68],     // GPSLatitude, 3 RATIONALs at 68
        &[0, 0, 0, 0],
        &[0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 1],
    ]
    .concat();
    with_exif(jpeg, &tiff)
}

/// Inserts an ICC colour profile (one APP2 segment, so at most 64 KB) right
/// after the JPEG's SOI marker, as cameras shooting Display P3 or Adobe RGB do.
pub fn with_icc_profile(jpeg: &[u8], profile: &[u8]) -> Vec<u8> {
    let mut payload = b"ICC_PROFILE\0\x01\x01".to_vec();
    payload.extend_from_slice(profile);
    with_app_segment(jpeg, 0xE2, &payload)
}

/// A JPEG whose structure is complete (SOI, headers, one scan, EOI) but whose
/// entropy-coded data is corrupt: halfway through the scan it holds a copy
/// of the frame header, as a bad card or a flipped bit in a marker leaves.
/// libjpeg stops the scan there and then fails fatally ("two SOF markers"),
/// so a decoder that does not catch the failure takes the process down.
pub fn with_corrupt_entropy_data(jpeg: &[u8]) -> Vec<u8> {
    let segment = |marker: u8| {
        let mut at = 2;
        while jpeg.get(at) == Some(&0xFF) && at + 4 <= jpeg.len() {
            let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
            if jpeg[at + 1] == marker {
                return (at, at + 2 + len);
            }
            at += 2 + len;
        }
        panic!("no segment FF{marker:02X} before the scan");
    };
    let sof = segment(0xC0);
    let (_, scan_data) = segment(0xDA);
    let frame = &jpeg[sof.0..sof.1];
    let middle = scan_data + (jpeg.len() - 2 - scan_data) / 2;
    assert!(
        middle + frame.len() < jpeg.len() - 2,
        "the scan is too short to corrupt"
    );
    let mut out = jpeg.to_vec();
    out[middle..middle + frame.len()].copy_from_slice(frame);
    out
}

/// Inserts an EXIF APP1 segment holding `tiff` right after the SOI marker.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(tiff);
    with_app_segment(jpeg, 0xE1, &payload)
}

fn with_app_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "not a JPEG");
    let len = u16::try_from(payload.len() + 2).expect("a segment holds at most 64 KB");
    let mut out = Vec::with_capacity(jpeg.len() + payload.len() + 4);
    out.extend_from_slice(&[0xFF, 0xD8, 0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn draw_number(img: &mut RgbImage, n: u32) {
    // 3x5 pixel font for digits, scaled up; white on a dark tab.
    const DIGITS: [[u8; 5]; 10] = [
        [7, 5, 5, 5, 7],
        [2, 6, 2, 2, 7],
        [7, 1, 7, 4, 7],
        [7, 1, 3, 1, 7],
        [5, 5, 7, 1, 1],
        [7, 4, 7, 1, 7],
        [7, 4, 7, 5, 7],
        [7, 1, 1, 1, 1],
        [7, 5, 7, 5, 7],
        [7, 5, 7, 1, 7],
    ];
    let text = n.to_string();
    let scale = (img.height().min(img.width()) / 60).max(2);
    let (x0, y0) = (scale * 3, scale * 3);
    let tab_w = (text.len() as u32 * 4 + 1) * scale;
    let tab_h = 7 * scale;
    for y in y0 - scale..(y0 + tab_h).min(img.height()) {
        for x in x0 - scale..(x0 + tab_w).min(img.width()) {
            img.put_pixel(x, y, Rgb([20, 20, 28]));
        }
    }
    for (i, ch) in text.bytes().enumerate() {
        let glyph = DIGITS[(ch - b'0') as usize];
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..3 {
                if bits & (4 >> col) != 0 {
                    let gx = x0 + (i as u32 * 4 + col) * scale;
                    let gy = y0 + row as u32 * scale;
                    for dy in 0..scale {
                        for dx in 0..scale {
                            if gx + dx < img.width() && gy + dy < img.height() {
                                img.put_pixel(gx + dx, gy + dy, Rgb([245, 245, 245]));
                            }
                        }
                    }
                }
            }
        }
    }
}

fn hsv(h: f32, s: f32, v: f32) -> [f32; 3] {
    let i = (h * 6.0).floor();
    let f = h * 6.0 - i;
    let (p, q, t) = (v * (1.0 - s), v * (1.0 - f * s), v * (1.0 - (1.0 - f) * s));
    match i as i32 % 6 {
        0 => [v, t, p],
        1 => [q, v, p],
        2 => [p, v, t],
        3 => [p, q, v],
        4 => [t, p, v],
        _ => [v, p, q],
    }
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotated_samples_decode_upright_when_orientation_is_honoured() {
        use image::ImageDecoder;
        for o in 1..=8u8 {
            let s = Sample {
                file_name: "x.jpg".into(),
                width: 64,
                height: 40,
                orientation: Some(o),
                seed: 3,
            };
            let bytes = encode(&s).unwrap();
            let mut dec = image::codecs::jpeg::JpegDecoder::new(io::Cursor::new(&bytes)).unwrap();
            let orientation = dec.orientation().unwrap();
            let mut img = image::DynamicImage::from_decoder(dec).unwrap();
            img.apply_orientation(orientation);
            assert_eq!((img.width(), img.height()), (64, 40), "orientation {o}");
        }
    }
}
