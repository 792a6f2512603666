//! How big a photo may be: a pixel limit, checked from the file's header
//! before anything is decoded, and a limit on the memory its decoder may
//! take, checked before that memory is taken.
//!
//! Each decoder is held to both: PNG through `image`'s [`image::Limits`]
//! (its own allocations) and the size of the decoded picture, checked
//! before it is allocated; JPEG (libjpeg-turbo, whose memory limit the
//! `mozjpeg` crate does not expose) by what libjpeg will allocate, worked
//! out from the header: a progressive or multi-scan JPEG keeps every DCT
//! coefficient of the image (128 bytes per 8×8 block of each component)
//! until its last scan, a baseline one a few rows; plus the scaled-down
//! pixels it decodes to.

/// Default pixel limit, in megapixels: above any single-shot camera (the
/// largest make about 150; a multi-shot back's 400 needs a higher limit),
/// far below what would exhaust a studio laptop.
pub const DEFAULT_MAX_MEGAPIXELS: u64 = 250;
/// Decoder memory allowed per pixel of the pixel limit: 4 bytes, enough for
/// an 8-bit RGBA PNG or a progressive 4:2:0 JPEG (3 bytes of coefficients a
/// pixel) at the limit, so 1 GB at 250 megapixels.
const ALLOC_PER_PIXEL: u64 = 4;
/// Longest edge a photo may have: the most a JPEG can have.
pub const MAX_EDGE: u32 = 65_535;

/// The limits one photo is decoded under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Most pixels (width × height) a photo may have: checked from its header.
    pub max_pixels: u64,
    /// Most bytes its decoder may take (the decoded picture included).
    pub max_alloc: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self::megapixels(DEFAULT_MAX_MEGAPIXELS)
    }
}

impl DecodeLimits {
    /// A pixel limit of `megapixels`, with the decoder memory that goes with it.
    pub fn megapixels(megapixels: u64) -> Self {
        let max_pixels = megapixels.saturating_mul(1_000_000);
        Self {
            max_pixels,
            max_alloc: max_pixels.saturating_mul(ALLOC_PER_PIXEL),
        }
    }

    /// Refuses a photo of `width × height` pixels over the limits; the
    /// reason in words, to follow the file's name.
    pub(super) fn check_size(&self, width: u32, height: u32) -> Result<(), String> {
        let pixels = u64::from(width) * u64::from(height);
        if pixels > self.max_pixels {
            return Err(format!(
                "is too large: {width} × {height} pixels is {} megapixels (the limit is {})",
                megapixels(pixels),
                megapixels(self.max_pixels)
            ));
        }
        if width.max(height) > MAX_EDGE {
            return Err(format!(
                "is too large: {width} × {height} pixels (the longest edge allowed is {MAX_EDGE})"
            ));
        }
        if width == 0 || height == 0 {
            return Err(format!(
                "is damaged (it says it is {width} × {height} pixels)"
            ));
        }
        Ok(())
    }

    /// Refuses to decode a photo that would take `bytes` of memory over the limit.
    pub(super) fn check_memory(&self, bytes: u64) -> Result<(), String> {
        if bytes > self.max_alloc {
            return Err(format!(
                "is too large to decode: it would take {} MB of memory (the limit is {} MB)",
                bytes.div_ceil(1_000_000),
                self.max_alloc / 1_000_000
            ));
        }
        Ok(())
    }

    /// The same limits for `image`'s decoders.
    pub(super) fn image_limits(&self) -> image::Limits {
        let mut limits = image::Limits::default();
        limits.max_image_width = Some(MAX_EDGE);
        limits.max_image_height = Some(MAX_EDGE);
        limits.max_alloc = Some(self.max_alloc);
        limits
    }
}

/// `pixels` in megapixels, in words: "250", "0.12", "250.1".
fn megapixels(pixels: u64) -> String {
    let words = format!("{:.2}", pixels as f64 / 1e6);
    words
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_250_megapixels_and_a_gigabyte() {
        let limits = DecodeLimits::default();
        assert_eq!(limits.max_pixels, 250_000_000);
        assert_eq!(limits.max_alloc, 1_000_000_000);
        assert!(limits.check_size(20_000, 12_500).is_ok());
        assert_eq!(
            limits.check_size(20_000, 20_000).unwrap_err(),
            "is too large: 20000 × 20000 pixels is 400 megapixels (the limit is 250)"
        );
        assert!(
            limits
                .check_size(65_536, 10)
                .unwrap_err()
                .contains("longest edge")
        );
        assert!(
            limits
                .check_size(0, 10)
                .unwrap_err()
                .starts_with("is damaged")
        );
        assert!(limits.check_memory(1_000_000_000).is_ok());
        assert_eq!(
            limits.check_memory(1_500_000_000).unwrap_err(),
            "is too large to decode: it would take 1500 MB of memory (the limit is 1000 MB)"
        );
        assert_eq!(megapixels(250_100_000), "250.1");
        assert_eq!(megapixels(120_000), "0.12");
    }
}
