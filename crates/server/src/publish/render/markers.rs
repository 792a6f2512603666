//! A JPEG's segments, walked as the file streams by (never held whole):
//! whether it was cut short, and whether libjpeg will keep every
//! coefficient of the image while decoding it.

use std::io::{self, BufRead};

/// What walking a JPEG told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Layout {
    /// It ends before its end-of-image marker.
    pub(super) cut_short: bool,
    /// Progressive, or its first scan lacks a component: libjpeg then keeps
    /// the whole image's coefficients until the last scan. Also `true` when
    /// the walk could not tell.
    pub(super) multi_scan: bool,
}

/// Walks a JPEG from its start. A JPEG that was cut short (a half-copied
/// card) lacks its end-of-image marker; libjpeg would fill the rest with
/// grey and only warn. The walk goes through the segments and scans to
/// where the image ends, so data appended after it (motion photos carry a
/// video there) does not matter; a structure it does not understand is
/// left for the decoder to judge.
pub(super) fn walk(mut r: impl BufRead) -> io::Result<Layout> {
    let mut frame = Frame::default();
    let cut_short = segments(&mut r, &mut frame)?;
    let multi_scan = match (frame.components, frame.first_scan) {
        (Some(components), Some(first)) => frame.progressive || first < components,
        _ => true,
    };
    Ok(Layout {
        cut_short,
        multi_scan,
    })
}

/// What the segments said about the frame.
#[derive(Default)]
struct Frame {
    progressive: bool,
    /// Components of the image (from its start-of-frame segment).
    components: Option<u8>,
    /// Components of its first scan.
    first_scan: Option<u8>,
}

/// `true` if the file ends before the image does.
fn segments(r: &mut impl BufRead, frame: &mut Frame) -> io::Result<bool> {
    if !skip(r, 2)? {
        return Ok(true); // SOI
    }
    // A scan ends at a marker whose 0xFF is read already.
    let mut after_scan = false;
    loop {
        let first = if std::mem::take(&mut after_scan) {
            Some(0xFF)
        } else {
            byte(r)?
        };
        let (Some(first), Some(marker)) = (first, peek(r)?) else {
            return Ok(true);
        };
        if first != 0xFF {
            return Ok(false);
        }
        match marker {
            0xD9 => return Ok(false),
            0xFF => {} // a fill byte: the next 0xFF starts the marker
            0x01 | 0xD0..=0xD7 => r.consume(1),
            _ => {
                r.consume(1);
                let (Some(hi), Some(lo)) = (byte(r)?, byte(r)?) else {
                    return Ok(true);
                };
                let Some(mut rest) = u16::from_be_bytes([hi, lo]).checked_sub(2) else {
                    return Ok(false);
                };
                match marker {
                    // Start of frame: precision, height, width, components.
                    0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                        let mut sof = [0u8; 6];
                        let Some(left) = rest.checked_sub(6) else {
                            return Ok(false);
                        };
                        if !fill(r, &mut sof)? {
                            return Ok(true);
                        }
                        rest = left;
                        frame.progressive |= matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
                        frame.components.get_or_insert(sof[5]);
                    }
                    // Start of scan: its number of components first.
                    0xDA if frame.first_scan.is_none() && rest > 0 => {
                        let Some(components) = byte(r)? else {
                            return Ok(true);
                        };
                        rest -= 1;
                        frame.first_scan = Some(components);
                    }
                    _ => {}
                }
                if !skip(r, rest.into())? {
                    return Ok(true);
                }
                if marker == 0xDA {
                    if !skip_scan(r)? {
                        return Ok(true);
                    }
                    after_scan = true;
                }
            }
        }
    }
}

/// Skips entropy-coded data to the next marker that is not a stuffed byte
/// (FF 00) or a restart (FF D0–D7), reading its 0xFF; `false` if the file
/// ends first.
fn skip_scan(r: &mut impl BufRead) -> io::Result<bool> {
    loop {
        loop {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            // memchr: a 24-megapixel photo's scan is about 12 MB, and a
            // byte-at-a-time search took 4% of publishing it.
            match memchr::memchr(0xFF, buf) {
                Some(i) => {
                    r.consume(i + 1);
                    break;
                }
                None => {
                    let n = buf.len();
                    r.consume(n);
                }
            }
        }
        match peek(r)? {
            None => return Ok(false),
            Some(0x00 | 0xD0..=0xD7) => r.consume(1),
            Some(0xFF) => {} // a fill byte: the next 0xFF may start the marker
            Some(_) => return Ok(true),
        }
    }
}

fn peek(r: &mut impl BufRead) -> io::Result<Option<u8>> {
    Ok(r.fill_buf()?.first().copied())
}

fn byte(r: &mut impl BufRead) -> io::Result<Option<u8>> {
    let b = peek(r)?;
    if b.is_some() {
        r.consume(1);
    }
    Ok(b)
}

/// Fills `buf`; `false` if the file ends first.
fn fill(r: &mut impl BufRead, buf: &mut [u8]) -> io::Result<bool> {
    for slot in buf {
        match byte(r)? {
            Some(b) => *slot = b,
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// Skips `n` bytes; `false` if the file ends first.
fn skip(r: &mut impl BufRead, mut n: u64) -> io::Result<bool> {
    while n > 0 {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let k = buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
        r.consume(k);
        n -= k as u64;
    }
    Ok(true)
}
