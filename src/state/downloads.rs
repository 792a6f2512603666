//! Downloads made on the device: one photo's file, or a ZIP of many built
//! here from their verified bytes: the device's saved copy when it has one
//! (so saved photos download offline), else the photo's signed URL. No
//! server is in the path. A ZIP's entries are *stored* (photos are JPEGs
//! already) and handed to the browser one by one as they are ready
//! ([`object_url::Pieces`]), so the app holds one photo at a time.

use proofline_core::Image;
use proofline_core::downloads::zip::{ZipWriter, crc32};
use proofline_core::downloads::{EntryNames, file_name, kind_of};
use proofline_core::loading::Priority;

use crate::browser::clock::now_secs;
use crate::browser::object_url::{self, Pieces};
use crate::state::loader::{Loader, Miss};

/// How far a ZIP is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZipProgress {
    /// Photos looked at (included or missed).
    pub done: usize,
    pub total: usize,
    /// Bytes of the archive so far.
    pub bytes: u64,
}

/// A finished ZIP, handed to the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipDone {
    pub photos: usize,
    pub bytes: u64,
    /// Photos neither on the device nor reachable: left out.
    pub missed: usize,
}

/// Why a download made no file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadError {
    /// Not on the device and not reachable now.
    Unreachable(Miss),
    /// The browser would not make the file (memory, disk).
    Browser,
}

/// Downloads one photo's file (the one its link may download) as the
/// studio named it.
pub async fn save_photo(loader: &Loader, image: &Image) -> Result<(), DownloadError> {
    let Some(r) = &image.renditions.download else {
        return Err(DownloadError::Browser);
    };
    let bytes = loader
        .load(r, Priority::Visible)
        .await
        .map_err(DownloadError::Unreachable)?;
    let (extension, mime) = kind_of(&bytes);
    if object_url::download_bytes(&file_name(image, extension), &bytes, mime) {
        Ok(())
    } else {
        Err(DownloadError::Browser)
    }
}

/// Builds a ZIP of `images`' downloads, in order, telling `progress` after
/// each photo, and offers it as `zip_name`. Photos the device has not
/// saved and cannot reach are left out (counted). Dropping the future
/// stops it at once: nothing is offered, and a photo still downloading
/// is withdrawn from the loader's queue.
pub async fn save_zip(
    loader: &Loader,
    images: &[Image],
    zip_name: &str,
    progress: impl Fn(ZipProgress),
) -> Result<ZipDone, DownloadError> {
    let mut zip = ZipWriter::new();
    let mut names = EntryNames::default();
    let mut pieces = Pieces::default();
    let mut state = ZipProgress {
        total: images.len(),
        ..ZipProgress::default()
    };
    let (mut photos, mut missed) = (0, 0);
    let now = now_secs();
    for image in images {
        let Some(r) = &image.renditions.download else {
            continue;
        };
        // Not `Background`: cancelling "Save for offline" withdraws those.
        match loader.load(r, Priority::Neighbour).await {
            Ok(bytes) => {
                let name = names.name(image, kind_of(&bytes).0);
                let header = zip.entry_header(&name, bytes.len() as u64, crc32(&bytes), now);
                if !(pieces.push(&header) && pieces.push(&bytes)) {
                    return Err(DownloadError::Browser);
                }
                photos += 1;
            }
            Err(_) => missed += 1,
        }
        state.done += 1;
        state.bytes = zip.len();
        progress(state);
    }
    let end = zip.finish();
    let bytes = state.bytes + end.len() as u64;
    if !(pieces.push(&end) && pieces.offer(zip_name, "application/zip")) {
        return Err(DownloadError::Browser);
    }
    Ok(ZipDone {
        photos,
        bytes,
        missed,
    })
}
