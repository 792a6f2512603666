//! Unit tests of rendering: orientation, shrink-on-load, metadata stripped,
//! colour profiles, PNG, watermarks, and damaged or foreign files.

use std::io::Cursor;

use image::{Rgb, RgbImage, RgbaImage};

use super::exif::{exif_orientation, orient};
use super::*;

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
        limits: DecodeLimits::default(),
        ..RenderOptions::default()
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
fn our_quarter_turns_are_images_pixel_for_pixel() {
    // Odd sizes that cross the 32-pixel tiles; every pixel different.
    let stored = RgbImage::from_fn(37, 70, |x, y| Rgb([x as u8, y as u8, (x * 7 + y) as u8]));
    for o in 5..=8u8 {
        let mut reference = image::DynamicImage::ImageRgb8(stored.clone());
        reference.apply_orientation(image::metadata::Orientation::from_exif(o).unwrap());
        assert!(
            orient(stored.clone(), o) == reference.into_rgb8(),
            "orientation {o}"
        );
    }
}

#[test]
fn every_exif_orientation_comes_out_upright() {
    // Upright: 480×300, grey with a red block in the top-left corner.
    let upright = RgbImage::from_fn(480, 300, |x, y| if x < 120 && y < 90 { RED } else { GREY });
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
        limits: DecodeLimits::default(),
        ..RenderOptions::default()
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
    let file = proofline_samples::with_exif_gps(&jpeg_of(&proofline_samples::render(640, 400, 2)));
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
        limits: DecodeLimits::default(),
        ..RenderOptions::default()
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

/// A PNG whose header says `width × height`, followed by junk: only its
/// header may be read.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(width.to_be_bytes());
    png.extend(height.to_be_bytes());
    png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    png.extend((0..1000u32).map(|i| (i * 7) as u8));
    png
}

#[test]
fn photos_over_the_pixel_limit_are_refused_from_their_header() {
    let opts = RenderOptions {
        limits: DecodeLimits {
            max_pixels: 100_000,
            max_alloc: u64::MAX,
        },
        ..small()
    };
    let jpeg = jpeg_of(&proofline_samples::render(400, 300, 1));
    assert_eq!(
        render(&jpeg, &opts).unwrap_err(),
        "is too large: 400 × 300 pixels is 0.12 megapixels (the limit is 0.1)"
    );
    assert_eq!(
        probe(Cursor::new(&jpeg), &opts.limits).unwrap_err(),
        render(&jpeg, &opts).unwrap_err()
    );
    assert_eq!(probe(Cursor::new(&jpeg), &small().limits), Ok((400, 300)));
    let mut png = Cursor::new(Vec::new());
    proofline_samples::render(400, 300, 1)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    assert!(
        render(png.get_ref(), &opts)
            .unwrap_err()
            .starts_with("is too large: 400 × 300")
    );

    // Only the header is read: the junk after it is never decoded.
    let huge = png_header_only(50_000, 50_000);
    let expected = "is too large: 50000 × 50000 pixels is 2500 megapixels (the limit is 250)";
    assert_eq!(render(&huge, &small()).unwrap_err(), expected);
    assert_eq!(
        probe(Cursor::new(&huge), &small().limits).unwrap_err(),
        expected
    );
    let long = png_header_only(70_000, 10);
    assert!(
        render(&long, &small())
            .unwrap_err()
            .contains("longest edge")
    );
}

/// A progressive JPEG (mozjpeg's default), as web exports often are.
fn progressive_jpeg_of(img: &RgbImage) -> Vec<u8> {
    let mut c = mozjpeg::Compress::new(mozjpeg::ColorSpace::JCS_RGB);
    c.set_size(img.width() as usize, img.height() as usize);
    c.set_quality(85.0);
    c.set_progressive_mode();
    let mut started = c.start_compress(Vec::new()).unwrap();
    started.write_scanlines(img.as_raw()).unwrap();
    started.finish().unwrap()
}

#[test]
fn a_progressive_jpeg_is_held_to_the_memory_its_coefficients_take() {
    let img = proofline_samples::render(2000, 1500, 3);
    let (progressive, baseline) = (progressive_jpeg_of(&img), jpeg_of(&img));
    assert!(super::markers::walk(&progressive[..]).unwrap().multi_scan);
    assert!(!super::markers::walk(&baseline[..]).unwrap().multi_scan);
    // 4:2:0, so 1.5 blocks of 128 bytes per 64 pixels: 9 MB of coefficients,
    // kept whole by libjpeg for a progressive file; 0.6 MB of pixels at 2/8.
    let opts = RenderOptions {
        limits: DecodeLimits {
            max_pixels: u64::MAX,
            max_alloc: 2_000_000,
        },
        ..small()
    };
    assert!(render(&baseline, &opts).is_ok(), "a baseline JPEG streams");
    assert_eq!(
        render(&progressive, &opts).unwrap_err(),
        "is too large to decode: it would take 10 MB of memory (the limit is 2 MB)"
    );
    let r = render(&progressive, &small()).unwrap();
    assert_eq!((r.width, r.height), (2000, 1500), "fine under the defaults");
}

#[test]
fn rgba_pngs_render_with_their_alpha_dropped() {
    let rgba = RgbaImage::from_fn(300, 200, |x, _| {
        if x < 150 {
            image::Rgba([230, 20, 20, 90])
        } else {
            image::Rgba([110, 120, 130, 255])
        }
    });
    let mut png = Cursor::new(Vec::new());
    rgba.write_to(&mut png, image::ImageFormat::Png).unwrap();
    let r = render(png.get_ref(), &small()).unwrap();
    let proof = decoded(&r.proof);
    assert_eq!(proof.dimensions(), (300, 200));
    assert!(is_red(proof.get_pixel(40, 100)));
    assert!(!is_red(proof.get_pixel(260, 100)));
}

#[test]
fn downloads_get_a_2048_px_rendition_watermarked_only_when_asked() {
    // 3000 px: decoded at 1/1 (1/2 would be 1500 < 2048).
    let file = jpeg_of(&proofline_samples::render(3000, 2000, 7));
    let plain = render(&file, &RenderOptions::default()).unwrap();
    assert!(plain.web.is_none(), "no downloads: no web rendition");
    let mut opts = with_mark(Some("PROOF"), None, WatermarkPosition::Tiled);
    opts.proof_edge = PROOF_EDGE;
    opts.downloads = Downloads::Web;
    let r = render(&file, &opts).unwrap();
    let web = r.web.as_ref().expect("a web rendition");
    assert_eq!((web.width, web.height), (2048, 1365));
    assert_eq!((r.proof.width, r.proof.height), (1600, 1067));
    // Unmarked: the web file matches the photo; the proof does not.
    let clean = decoded(web);
    let source = image::imageops::resize(
        &proofline_samples::render(3000, 2000, 7),
        2048,
        1365,
        image::imageops::FilterType::Lanczos3,
    );
    let unmarked = mean_abs_diff(&clean, &source);
    opts.watermark_downloads = true;
    let marked = render(&file, &opts).unwrap();
    let marked = mean_abs_diff(&decoded(marked.web.as_ref().unwrap()), &source);
    assert!(unmarked < 3.0, "the web file is the photo ({unmarked})");
    assert!(
        marked > unmarked + 2.0,
        "the mark is drawn when asked ({marked} vs {unmarked})"
    );
}

fn mean_abs_diff(a: &RgbImage, b: &RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}
