//! Checking an original before anything is decoded: its type told from its
//! first bytes (anything else is skipped having read no more), its size
//! from its header held to the pixel limit, and its id, the start of its
//! SHA-256, hashed as it streams by. No file is held whole.

use std::fs::File;
use std::io::{BufRead, BufReader, Seek};
use std::path::Path;

use proofline_core::ImageId;
use sha2::{Digest, Sha256};

use super::render::{DecodeLimits, READ_BUFFER, probe};

/// The id of the photo at `path`, if it is one that can be published; the
/// reason in words if not.
pub(super) fn check(path: &Path, limits: &DecodeLimits) -> Result<ImageId, String> {
    let unreadable = |e: std::io::Error| format!("cannot be read ({e})");
    let file = File::open(path).map_err(unreadable)?;
    let mut r = BufReader::with_capacity(READ_BUFFER, file);
    probe(&mut r, limits)?;
    r.rewind().map_err(unreadable)?;
    let mut sha = Sha256::new();
    loop {
        let chunk = r.fill_buf().map_err(unreadable)?;
        if chunk.is_empty() {
            break;
        }
        sha.update(chunk);
        let n = chunk.len();
        r.consume(n);
    }
    let hex = hex::encode(sha.finalize());
    ImageId::parse(&hex[..16]).map_err(|e| format!("has no id ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_start_of_the_sha256_and_foreign_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("a.jpg");
        let bytes = proofline_samples::encode(&proofline_samples::Sample {
            file_name: "a.jpg".into(),
            width: 64,
            height: 48,
            orientation: None,
            seed: 1,
        })
        .unwrap();
        std::fs::write(&photo, &bytes).unwrap();
        let id = check(&photo, &DecodeLimits::default()).unwrap();
        assert_eq!(id.to_string(), hex::encode(Sha256::digest(&bytes))[..16]);

        // 3 GiB of nothing (sparse): told by its first bytes.
        let huge = dir.path().join("disk.img");
        File::create(&huge).unwrap().set_len(3 << 30).unwrap();
        assert_eq!(
            check(&huge, &DecodeLimits::default()).unwrap_err(),
            "is not a JPEG or PNG image"
        );
        let empty = dir.path().join("empty.jpg");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(
            check(&empty, &DecodeLimits::default()).unwrap_err(),
            "the file is empty"
        );
        assert!(
            check(&photo, &DecodeLimits::megapixels(0))
                .unwrap_err()
                .starts_with("is too large: 64 × 48 pixels")
        );
    }
}
