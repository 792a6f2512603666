//! Encoding: baseline JPEG by libjpeg-turbo with the photo's colour profile
//! and no other metadata.

use image::RgbImage;

use super::Encoded;

/// Baseline JPEG with the photo's colour profile and nothing else (no EXIF,
/// XMP or GPS): without a profile viewers assume sRGB, as the original meant.
/// libjpeg-turbo's settings and SIMD (mozjpeg's "fastest" profile): about 4×
/// faster than the `jpeg-encoder` crate at the same size and quality.
pub(super) fn encode(img: &RgbImage, quality: u8, icc: Option<&[u8]>) -> Result<Encoded, String> {
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
