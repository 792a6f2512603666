//! EXIF orientation, through the `image` crate: read from the TIFF block
//! ([`Orientation::from_exif_chunk`]) and applied to the pixels
//! ([`DynamicImage::apply_orientation`]); all eight cases are proved upright
//! by `every_exif_orientation_comes_out_upright`.

use image::metadata::Orientation;
use image::{DynamicImage, RgbImage};

/// The orientation tag (0x0112) of an EXIF block (with or without its
/// `Exif\0\0` header), 1–8; 1 if absent or invalid.
pub(super) fn exif_orientation(exif: &[u8]) -> u8 {
    let tiff = exif.strip_prefix(b"Exif\0\0").unwrap_or(exif);
    Orientation::from_exif_chunk(tiff).map_or(1, Orientation::to_exif)
}

/// Applies EXIF orientation `o` to stored pixels, giving the upright picture.
pub(super) fn orient(img: RgbImage, o: u8) -> RgbImage {
    match Orientation::from_exif(o) {
        Some(orientation) if orientation != Orientation::NoTransforms => {
            let mut image = DynamicImage::ImageRgb8(img);
            image.apply_orientation(orientation);
            image.into_rgb8()
        }
        _ => img,
    }
}
