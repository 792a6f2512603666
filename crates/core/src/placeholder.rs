//! Image placeholders: a ThumbHash (about 28 bytes in the manifest) decoded into
//! a tiny PNG data URL, shown the moment the grid renders, before or instead of
//! the real image. Works offline: it needs nothing but the manifest.

use base64::Engine as _;

mod decode;

/// Longest ThumbHash accepted, in bytes. Real ones are at most 29 bytes (alpha,
/// 5×7 luminance); the slack allows for trailing bytes other encoders may add.
const MAX_THUMBHASH_BYTES: usize = 64;

/// The placeholder for a base64 ThumbHash as a `data:image/png;base64,…` URL, or
/// `None` if the hash is not valid.
pub fn thumbhash_data_url(thumbhash_b64: &str) -> Option<String> {
    let mut buf = [0; DECODED_MAX];
    let hash = thumbhash_bytes(thumbhash_b64, &mut buf)?;
    let (w, h, rgba) = decode::to_rgba(hash)?;
    let (w, h) = (u32::try_from(w).ok()?, u32::try_from(h).ok()?);
    if w == 0 || h == 0 || rgba.len() != w as usize * h as usize * 4 {
        return None;
    }
    Some(crate::data_url::data_url(
        "image/png",
        &encode_png(w, h, &rgba),
    ))
}

/// The original image's width / height as a base64 ThumbHash records it (coarse:
/// the ratio of two small integers), or `None` if the hash is not valid. Lets the
/// grid reserve a tile's shape before any image bytes arrive.
pub fn thumbhash_aspect_ratio(thumbhash_b64: &str) -> Option<f32> {
    let mut buf = [0; DECODED_MAX];
    let hash = thumbhash_bytes(thumbhash_b64, &mut buf)?;
    let ratio = decode::aspect_ratio(hash)?;
    (ratio.is_finite() && ratio > 0.0).then_some(ratio)
}

/// Whether `thumbhash_b64` is standard base64 of a ThumbHash that decodes to a
/// non-empty image. Cheap (no pixels are computed), so manifest validation can
/// afford it for every image.
pub(crate) fn is_valid_thumbhash(thumbhash_b64: &str) -> bool {
    thumbhash_bytes(thumbhash_b64, &mut [0; DECODED_MAX]).is_some()
}

/// The longest base64 that can decode to an acceptable length.
const BASE64_MAX: usize = MAX_THUMBHASH_BYTES.div_ceil(3) * 4;

/// What base64 of [`BASE64_MAX`] characters can decode to, at most.
const DECODED_MAX: usize = BASE64_MAX / 4 * 3;

/// Decodes the base64 and checks the ThumbHash's structure: the header's sizes
/// must leave neither side of the picture empty, and there must be enough bytes
/// for every coefficient the header announces. `thumbhash` itself only reports
/// the second, and returns a 0-pixel-wide image for the first.
/// Decoded into `buf`, not the heap: this runs for every photo of every
/// manifest read.
fn thumbhash_bytes<'b>(thumbhash_b64: &str, buf: &'b mut [u8; DECODED_MAX]) -> Option<&'b [u8]> {
    if thumbhash_b64.len() > BASE64_MAX {
        return None;
    }
    let len = base64::engine::general_purpose::STANDARD
        .decode_slice(thumbhash_b64, buf)
        .ok()?;
    let hash = &buf[..len];
    if hash.len() < 5 || hash.len() > MAX_THUMBHASH_BYTES {
        return None;
    }
    // The header layout, as `thumbhash::thumb_hash_to_rgba` reads it.
    let has_alpha = hash[2] & 0x80 != 0;
    let is_landscape = hash[4] & 0x80 != 0;
    let l_short = usize::from(hash[3] & 7);
    if l_short == 0 {
        return None;
    }
    let l_long = if has_alpha { 5 } else { 7 };
    let (lx, ly) = if is_landscape {
        (l_long, l_short.max(3))
    } else {
        (l_short.max(3), l_long)
    };
    let nibbles =
        ac_count(lx, ly) + 2 * ac_count(3, 3) + if has_alpha { ac_count(5, 5) } else { 0 };
    let header = if has_alpha { 6 } else { 5 };
    (hash.len() >= header + nibbles.div_ceil(2)).then_some(hash)
}

/// How many AC coefficients ThumbHash stores for an `nx`×`ny` channel: the
/// triangle `cx * ny < nx * (ny - cy)` without the DC term.
fn ac_count(nx: usize, ny: usize) -> usize {
    (0..ny)
        .map(|cy| (0..).take_while(|cx| cx * ny < nx * (ny - cy)).count())
        .sum::<usize>()
        - 1
}

/// Encodes RGBA pixels (8 bits per channel, row by row, not premultiplied) as a
/// PNG with uncompressed (stored) deflate blocks: for a 32×32 placeholder that is
/// smaller code and faster than compressing, the same trick as ThumbHash's own
/// `thumbHashToDataURL`. Any size works; large images just stay large.
///
/// # Panics
///
/// If `rgba` is not exactly `width * height * 4` bytes: that is a bug in the
/// caller, not bad input from the network.
pub fn encode_png(width: u32, height: u32, rgba: &[u8]) -> Vec<u8> {
    assert_eq!(
        rgba.len(),
        width as usize * height as usize * 4,
        "RGBA buffer size"
    );
    // Raw scanlines, each prefixed with filter type 0.
    let row = width as usize * 4;
    let mut raw = Vec::with_capacity((row + 1) * height as usize);
    for line in rgba.chunks_exact(row.max(1)).take(height as usize) {
        raw.push(0);
        raw.extend_from_slice(line);
    }
    // zlib stream of stored blocks.
    let mut z = vec![0x78, 0x01];
    let mut blocks = raw.chunks(65_535).peekable();
    if blocks.peek().is_none() {
        z.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(block) = blocks.next() {
        let last = u8::from(blocks.peek().is_none());
        let len = block.len() as u16;
        z.push(last);
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    z.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, no interlace

    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &z);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// CRC-32 (PNG's, ISO-HDLC) a byte at a time through a table made when
/// compiling: eight times fewer steps than bit by bit over a placeholder's
/// 4 KiB.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut n = 0;
        while n < 256 {
            let mut c = n as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[n] = c;
            n += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |crc, &b| {
        TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8)
    })
}

/// Adler-32, reduced modulo 65,521 once per 5,552 bytes (the most that
/// cannot overflow 32 bits) instead of at every byte.
fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for block in bytes.chunks(5_552) {
        for &x in block {
            a += u32::from(x);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

    /// A decoded PNG as far as these tests need it.
    struct Png {
        width: u32,
        height: u32,
        /// The inflated IDAT stream: one filter byte, then the row's pixels.
        scanlines: Vec<u8>,
    }

    /// Reads a PNG written by [`encode_png`], checking every chunk's CRC, the
    /// zlib header, each stored block's length complement and the Adler-32.
    /// Written independently of the encoder so that it can catch its mistakes.
    fn read_png(png: &[u8]) -> Png {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "signature");
        let mut at = 8;
        let mut chunks = Vec::new();
        while at < png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let kind = &png[at + 4..at + 8];
            let data = &png[at + 8..at + 8 + len];
            let crc = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(crc, crc32(&png[at + 4..at + 8 + len]), "CRC of {kind:?}");
            chunks.push((kind.to_vec(), data.to_vec()));
            at += 12 + len;
        }
        let kinds: Vec<&[u8]> = chunks.iter().map(|(k, _)| k.as_slice()).collect();
        assert_eq!(kinds, [&b"IHDR"[..], b"IDAT", b"IEND"]);
        let ihdr = &chunks[0].1;
        assert_eq!(ihdr.len(), 13);
        assert_eq!(&ihdr[8..], &[8, 6, 0, 0, 0], "8-bit RGBA, no interlace");
        let z = &chunks[1].1;
        assert_eq!(
            (u16::from(z[0]) << 8 | u16::from(z[1])) % 31,
            0,
            "zlib FCHECK"
        );
        assert_eq!(z[0] & 0x0F, 8, "deflate");
        let mut pos = 2;
        let mut scanlines = Vec::new();
        loop {
            let header = z[pos];
            assert_eq!(header & 0b110, 0, "stored block");
            let len = u16::from_le_bytes([z[pos + 1], z[pos + 2]]);
            let nlen = u16::from_le_bytes([z[pos + 3], z[pos + 4]]);
            assert_eq!(len, !nlen, "LEN and NLEN");
            pos += 5;
            scanlines.extend_from_slice(&z[pos..pos + usize::from(len)]);
            pos += usize::from(len);
            if header & 1 == 1 {
                break;
            }
        }
        let adler = u32::from_be_bytes(z[pos..pos + 4].try_into().unwrap());
        assert_eq!(pos + 4, z.len(), "nothing after the Adler-32");
        assert_eq!(adler, adler32(&scanlines));
        Png {
            width: u32::from_be_bytes(ihdr[0..4].try_into().unwrap()),
            height: u32::from_be_bytes(ihdr[4..8].try_into().unwrap()),
            scanlines,
        }
    }

    fn png_of_data_url(url: &str) -> Png {
        let b64 = url.strip_prefix("data:image/png;base64,").unwrap();
        read_png(&B64.decode(b64).unwrap())
    }

    /// A 32×24 landscape gradient and its base64 ThumbHash.
    fn gradient_thumbhash() -> String {
        let (w, h) = (32usize, 24usize);
        let rgba: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % w * 8) as u8, (i / w * 10) as u8, 128, 255])
            .collect();
        B64.encode(thumbhash::rgba_to_thumb_hash(w, h, &rgba))
    }

    #[test]
    fn crc_and_adler_match_known_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(adler32(b""), 1);
        // Long runs of 0xFF are the worst case for the deferred reduction.
        let long = vec![0xFF; 200_000];
        let (mut a, mut b) = (1u32, 0u32);
        for &x in &long {
            a = (a + u32::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(adler32(&long), (b << 16) | a);
    }

    #[test]
    fn one_red_pixel_is_a_known_png() {
        // Built and checked with Python's zlib (crc32, adler32, decompress).
        #[rustfmt::skip]
        let expected: [u8; 73] = [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A,
            // IHDR: 1×1, 8-bit RGBA.
            0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00,
            0x1F, 0x15, 0xC4, 0x89,
            // IDAT: zlib header, one final stored block of 5 bytes, Adler-32.
            0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54,
            0x78, 0x01, 0x01, 0x05, 0x00, 0xFA, 0xFF, 0x00, 0xFF, 0x00, 0x00, 0xFF,
            0x05, 0x00, 0x01, 0xFF,
            0xFA, 0x5C, 0x88, 0xD1,
            // IEND.
            0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
        ];
        assert_eq!(encode_png(1, 1, &[255, 0, 0, 255]), expected);
    }

    #[test]
    fn every_row_gets_filter_byte_zero() {
        let rgba: Vec<u8> = (0..3 * 2 * 4).map(|i| i as u8 + 1).collect();
        let png = read_png(&encode_png(3, 2, &rgba));
        assert_eq!((png.width, png.height), (3, 2));
        let mut want = vec![0];
        want.extend_from_slice(&rgba[..12]);
        want.push(0);
        want.extend_from_slice(&rgba[12..]);
        assert_eq!(png.scanlines, want);
    }

    #[test]
    fn images_over_64_kib_span_several_stored_blocks() {
        let (w, h) = (200u32, 100u32);
        let rgba: Vec<u8> = (0..w * h * 4).map(|i| (i % 251) as u8).collect();
        let png = read_png(&encode_png(w, h, &rgba));
        // 100 rows of 801 bytes: 80,100 bytes, more than one block can hold.
        assert_eq!(png.scanlines.len(), 80_100);
        let pixels: Vec<u8> = png
            .scanlines
            .chunks_exact(801)
            .flat_map(|row| {
                assert_eq!(row[0], 0);
                row[1..].to_vec()
            })
            .collect();
        assert_eq!(pixels, rgba);
    }

    #[test]
    fn a_real_thumbhash_becomes_a_png_data_url() {
        let b64 = gradient_thumbhash();
        let url = thumbhash_data_url(&b64).unwrap();
        let png = png_of_data_url(&url);
        let (w, h, rgba) = thumbhash::thumb_hash_to_rgba(&B64.decode(&b64).unwrap()).unwrap();
        assert_eq!((png.width as usize, png.height as usize), (w, h));
        assert!(
            png.width == 32 && (20..=26).contains(&png.height),
            "keeps the 4:3 landscape shape: {}x{}",
            png.width,
            png.height
        );
        let pixels: Vec<u8> = png
            .scanlines
            .chunks_exact(w * 4 + 1)
            .flat_map(|row| row[1..].to_vec())
            .collect();
        assert_eq!(pixels, rgba);
    }

    #[test]
    fn aspect_ratio_follows_the_original_orientation() {
        let ratio = thumbhash_aspect_ratio(&gradient_thumbhash()).unwrap();
        assert!((1.2..=1.5).contains(&ratio), "{ratio}");
        assert_eq!(thumbhash_aspect_ratio("not base64!"), None);
    }

    #[test]
    fn garbage_thumbhash_has_no_placeholder() {
        let real = B64.decode(gradient_thumbhash()).unwrap();
        let truncated = B64.encode(&real[..real.len() - 1]);
        for bad in [
            "not base64!",
            "",
            "AAAA",     // 3 bytes: shorter than the header
            "AAAAAAA=", // a 5-byte header saying the image is 0 pixels wide
            &truncated,
            &B64.encode([0x55; 65]), // longer than any ThumbHash
        ] {
            assert_eq!(thumbhash_data_url(bad), None, "{bad:?}");
            assert_eq!(thumbhash_aspect_ratio(bad), None, "{bad:?}");
            assert!(!is_valid_thumbhash(bad), "{bad:?}");
        }
    }

    proptest! {
        /// The cheap structural check accepts exactly what the decoder turns into
        /// a non-empty picture.
        #[test]
        fn validity_check_agrees_with_the_decoder(
            bytes in prop::collection::vec(any::<u8>(), 0..40),
        ) {
            let decodes = matches!(
                thumbhash::thumb_hash_to_rgba(&bytes),
                Ok((w, h, _)) if w > 0 && h > 0
            );
            let b64 = B64.encode(&bytes);
            prop_assert_eq!(is_valid_thumbhash(&b64), decodes);
            prop_assert_eq!(thumbhash_data_url(&b64).is_some(), decodes);
        }

        #[test]
        fn every_encoded_image_has_a_placeholder(
            w in 1usize..=32,
            h in 1usize..=32,
            seed in any::<u64>(),
            opaque in any::<bool>(),
        ) {
            // Cheap deterministic noise, so every case differs.
            let mut x = seed | 1;
            let rgba: Vec<u8> = (0..w * h * 4)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    if opaque && i % 4 == 3 { 255 } else { x as u8 }
                })
                .collect();
            let b64 = B64.encode(thumbhash::rgba_to_thumb_hash(w, h, &rgba));
            let png = png_of_data_url(&thumbhash_data_url(&b64).unwrap());
            prop_assert!(png.width >= 1 && png.height >= 1);
            prop_assert!(png.width.max(png.height) == 32);
            let ratio = thumbhash_aspect_ratio(&b64).unwrap();
            // Coarse, so a nearly square image may come out square, but never
            // turned on its side.
            let right_way_up = match w.cmp(&h) {
                std::cmp::Ordering::Greater => ratio >= 1.0,
                std::cmp::Ordering::Less => ratio <= 1.0,
                std::cmp::Ordering::Equal => ratio == 1.0,
            };
            prop_assert!(right_way_up, "{}x{} gave {}", w, h, ratio);
        }

        #[test]
        fn any_text_as_a_thumbhash_is_handled(s in ".{0,100}") {
            let _ = thumbhash_data_url(&s);
            let _ = thumbhash_aspect_ratio(&s);
        }
    }
}
