//! ThumbHash's decoder: the algorithm of Evan Wallace's reference (as the
//! `thumbhash` crate implements it, MIT), giving the same pixels bit for bit,
//! but with each cosine computed once per column and once per row instead of
//! for every pixel: about 450 `cos` calls for a 32×32 placeholder instead of
//! 12,000. The grid draws one placeholder per tile it shows, so on a phone
//! this was most of the time to build a screen of tiles.

use std::f32::consts::PI;

/// The most coefficients a channel has along one side (luminance, no alpha).
const MOST: usize = 7;

/// The original image's width / height as the header records it (coarse: the
/// ratio of two small integers), or `None` if `hash` is shorter than a header.
pub(super) fn aspect_ratio(hash: &[u8]) -> Option<f32> {
    let [_, _, b2, b3, b4, ..] = *hash else {
        return None;
    };
    let has_alpha = b2 & 0x80 != 0;
    let l_max = if has_alpha { 5 } else { 7 };
    let l_min = b3 & 7;
    let (lx, ly) = if b4 & 0x80 != 0 {
        (l_max, l_min)
    } else {
        (l_min, l_max)
    };
    Some(f32::from(lx) / f32::from(ly))
}

/// The placeholder's width, height and RGBA pixels (not premultiplied), or
/// `None` if `hash` is too short for the coefficients its header announces.
/// Like the reference, a header saying a side has no coefficients gives an
/// image 0 pixels wide or high: the caller decides what that means.
pub(super) fn to_rgba(hash: &[u8]) -> Option<(usize, usize, Vec<u8>)> {
    let ratio = aspect_ratio(hash)?;
    let [b0, b1, b2, b3, b4, ref rest @ ..] = *hash else {
        return None;
    };
    let header24 = u32::from(b0) | (u32::from(b1) << 8) | (u32::from(b2) << 16);
    let header16 = u16::from(b3) | (u16::from(b4) << 8);
    let l_dc = (header24 & 63) as f32 / 63.0;
    let p_dc = ((header24 >> 6) & 63) as f32 / 31.5 - 1.0;
    let q_dc = ((header24 >> 12) & 63) as f32 / 31.5 - 1.0;
    let l_scale = ((header24 >> 18) & 31) as f32 / 31.0;
    let has_alpha = (header24 >> 23) != 0;
    let p_scale = f32::from((header16 >> 3) & 63) / 63.0;
    let q_scale = f32::from((header16 >> 9) & 63) / 63.0;
    let is_landscape = (header16 >> 15) != 0;
    let l_max = if has_alpha { 5 } else { 7 };
    let l_short = usize::from(header16 & 7);
    let lx = 3.max(if is_landscape { l_max } else { l_short });
    let ly = 3.max(if is_landscape { l_short } else { l_max });
    let mut nibbles = Nibbles {
        bytes: rest.iter(),
        held: None,
    };
    let (a_dc, a_scale) = if has_alpha {
        let header8 = *nibbles.bytes.next()?;
        (
            f32::from(header8 & 15) / 15.0,
            f32::from(header8 >> 4) / 15.0,
        )
    } else {
        (1.0, 1.0)
    };
    // Saturation is boosted by 1.25 to make up for quantisation.
    let l_ac = nibbles.channel(lx, ly, l_scale)?;
    let p_ac = nibbles.channel(3, 3, p_scale * 1.25)?;
    let q_ac = nibbles.channel(3, 3, q_scale * 1.25)?;
    let a_ac = if has_alpha {
        nibbles.channel(5, 5, a_scale)?
    } else {
        Vec::new()
    };

    let (w, h) = if ratio > 1.0 {
        (32, (32.0 / ratio).round() as usize)
    } else {
        ((32.0 * ratio).round() as usize, 32)
    };
    let nx = lx.max(if has_alpha { 5 } else { 3 });
    let ny = ly.max(if has_alpha { 5 } else { 3 });
    // The same expressions as the reference's per-pixel ones, so the same bits.
    let columns: Vec<[f32; MOST]> = (0..w)
        .map(|x| {
            let mut fx = [0.0; MOST];
            for (cx, f) in fx.iter_mut().enumerate().take(nx) {
                *f = (PI / w as f32 * (x as f32 + 0.5) * cx as f32).cos();
            }
            fx
        })
        .collect();
    let mut rgba = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        let mut fy = [0.0; MOST];
        for (cy, f) in fy.iter_mut().enumerate().take(ny) {
            *f = (PI / h as f32 * (y as f32 + 0.5) * cy as f32).cos();
        }
        for fx in &columns {
            let mut l = l_dc;
            let mut p = p_dc;
            let mut q = q_dc;
            let mut a = a_dc;
            let mut j = 0;
            for (cy, &fy) in fy.iter().enumerate().take(ly) {
                let fy2 = fy * 2.0;
                let mut cx = usize::from(cy == 0);
                while cx * ly < lx * (ly - cy) {
                    l += l_ac[j] * fx[cx] * fy2;
                    j += 1;
                    cx += 1;
                }
            }
            let mut j = 0;
            for (cy, &fy) in fy.iter().enumerate().take(3) {
                let fy2 = fy * 2.0;
                for &fx in &fx[usize::from(cy == 0)..3 - cy] {
                    let f = fx * fy2;
                    p += p_ac[j] * f;
                    q += q_ac[j] * f;
                    j += 1;
                }
            }
            if has_alpha {
                let mut j = 0;
                for (cy, &fy) in fy.iter().enumerate().take(5) {
                    let fy2 = fy * 2.0;
                    for &fx in &fx[usize::from(cy == 0)..5 - cy] {
                        a += a_ac[j] * fx * fy2;
                        j += 1;
                    }
                }
            }
            let b = l - 2.0 / 3.0 * p;
            let r = (3.0 * l - b + q) / 2.0;
            let g = r - q;
            rgba.extend_from_slice(&[
                (r.clamp(0.0, 1.0) * 255.0) as u8,
                (g.clamp(0.0, 1.0) * 255.0) as u8,
                (b.clamp(0.0, 1.0) * 255.0) as u8,
                (a.clamp(0.0, 1.0) * 255.0) as u8,
            ]);
        }
    }
    Some((w, h, rgba))
}

/// The hash's coefficients, four bits each, low half of a byte first.
struct Nibbles<'a> {
    bytes: std::slice::Iter<'a, u8>,
    held: Option<u8>,
}

impl Nibbles<'_> {
    fn next(&mut self) -> Option<u8> {
        match self.held.take() {
            Some(high) => Some(high),
            None => {
                let byte = *self.bytes.next()?;
                self.held = Some(byte >> 4);
                Some(byte & 15)
            }
        }
    }

    /// The AC coefficients of an `nx`×`ny` channel: the triangle
    /// `cx * ny < nx * (ny - cy)` without the DC term, row by row.
    fn channel(&mut self, nx: usize, ny: usize, scale: f32) -> Option<Vec<f32>> {
        let mut ac = Vec::with_capacity(nx * ny);
        for cy in 0..ny {
            let mut cx = usize::from(cy == 0);
            while cx * ny < nx * (ny - cy) {
                ac.push((f32::from(self.next()?) / 7.5 - 1.0) * scale);
                cx += 1;
            }
        }
        Some(ac)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The same answer as the reference decoder, pixel for pixel, for any
        /// bytes: real hashes, truncated ones and noise.
        #[test]
        fn decodes_exactly_as_the_reference(
            bytes in prop::collection::vec(any::<u8>(), 0..40),
        ) {
            prop_assert_eq!(to_rgba(&bytes), thumbhash::thumb_hash_to_rgba(&bytes).ok());
            prop_assert_eq!(
                aspect_ratio(&bytes).map(f32::to_bits),
                thumbhash::thumb_hash_to_approximate_aspect_ratio(&bytes).ok().map(f32::to_bits)
            );
        }

        #[test]
        fn decodes_real_hashes_exactly_as_the_reference(
            w in 1usize..=40,
            h in 1usize..=40,
            seed in any::<u64>(),
            opaque in any::<bool>(),
        ) {
            let mut x = seed | 1;
            let rgba: Vec<u8> = (0..w * h * 4)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    if opaque && i % 4 == 3 { 255 } else { x as u8 }
                })
                .collect();
            let hash = thumbhash::rgba_to_thumb_hash(w, h, &rgba);
            let ours = to_rgba(&hash);
            prop_assert!(ours.is_some());
            prop_assert_eq!(ours, thumbhash::thumb_hash_to_rgba(&hash).ok());
        }
    }
}
