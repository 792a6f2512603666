//! Image placeholders: a ThumbHash (about 28 bytes in the manifest) decoded into
//! a tiny PNG data URL, shown the moment the grid renders, before or instead of
//! the real image. Works offline: it needs nothing but the manifest.

use base64::Engine as _;

/// The placeholder for a base64 ThumbHash as a `data:image/png;base64,…` URL, or
/// `None` if the hash is not valid.
pub fn thumbhash_data_url(thumbhash_b64: &str) -> Option<String> {
    let hash = base64::engine::general_purpose::STANDARD
        .decode(thumbhash_b64)
        .ok()?;
    let (w, h, rgba) = thumbhash::thumb_hash_to_rgba(&hash).ok()?;
    let png = encode_png(w as u32, h as u32, &rgba);
    Some(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    ))
}

/// Encodes RGBA pixels as a PNG with uncompressed (stored) deflate blocks: for a
/// 32×32 placeholder that is smaller code and faster than compressing, the same
/// trick as ThumbHash's own `thumbHashToDataURL`.
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

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_adler_match_known_values() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn one_red_pixel_is_a_known_png() {
        let png = encode_png(1, 1, &[255, 0, 0, 255]);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(&png[16..24], &[0, 0, 0, 1, 0, 0, 0, 1]);
        // zlib: header, one final stored block of 5 bytes (filter + RGBA), adler.
        let idat = &png[8 + 25..];
        assert_eq!(&idat[4..8], b"IDAT");
        assert_eq!(
            &idat[8..8 + 16],
            &[
                0x78, 0x01, 1, 5, 0, 0xFA, 0xFF, 0, 255, 0, 0, 255, 0x05, 0x00, 0x01, 0xFF
            ][..],
        );
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]));
    }

    #[test]
    fn a_real_thumbhash_becomes_a_png_data_url() {
        let (w, h) = (32usize, 24usize);
        let rgba: Vec<u8> = (0..w * h)
            .flat_map(|i| [(i % w * 8) as u8, (i / w * 10) as u8, 128, 255])
            .collect();
        let hash = thumbhash::rgba_to_thumb_hash(w, h, &rgba);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&hash);
        let url = thumbhash_data_url(&b64).unwrap();
        let png = base64::engine::general_purpose::STANDARD
            .decode(url.strip_prefix("data:image/png;base64,").unwrap())
            .unwrap();
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert!(
            width > height,
            "keeps the landscape shape: {width}x{height}"
        );
        assert!(width <= 32 && height >= 1);
    }

    #[test]
    fn garbage_thumbhash_has_no_placeholder() {
        assert_eq!(thumbhash_data_url("not base64!"), None);
        assert_eq!(thumbhash_data_url(""), None);
    }

    #[test]
    fn many_rows_span_several_stored_blocks() {
        let (w, h) = (200u32, 100u32);
        let png = encode_png(w, h, &vec![7; (w * h * 4) as usize]);
        // 80,100 raw bytes need two stored blocks.
        assert!(png.len() > 80_100);
    }
}
