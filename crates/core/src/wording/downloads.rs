//! Downloads in words: the buttons, a ZIP's progress and its end.

use super::numbers::{byte_size, photo_count};

/// The lightbox's button.
pub const DOWNLOAD: &str = "Download";
/// While one photo downloads.
pub const DOWNLOADING: &str = "Downloading…";
/// One photo that is neither on the device nor reachable.
pub const DOWNLOAD_UNREACHABLE: &str = "This photo isn't saved on this device and can't be reached right now. Try again when you're online.";
/// The form asking for a link's download PIN, before anything downloads.
pub const DOWNLOAD_PIN: super::gallery::PinWords = super::gallery::PinWords {
    title: super::labels::DOWNLOAD_PHOTOS,
    lead: "The studio protected downloads with a PIN. You'll find it in their message to you.",
    label: "Download PIN",
    button: "Unlock downloads",
};
/// A ZIP stopped by the customer.
pub const ZIP_CANCELLED: &str = "Download cancelled. Nothing was saved.";
/// The browser could not make the file (out of memory or disk).
pub const ZIP_FAILED: &str = "Your browser couldn't make the download file. Free some space, or download fewer photos at a time.";

/// Which photos a ZIP holds, as its buttons and file name say them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipChoice {
    Favourites,
    Selected,
    All,
}

impl ZipChoice {
    pub const ALL: [ZipChoice; 3] = [ZipChoice::Favourites, ZipChoice::Selected, ZipChoice::All];

    /// The word in the ZIP's name: "Wedding - favourites.zip".
    pub fn word(self) -> &'static str {
        match self {
            ZipChoice::Favourites => "favourites",
            ZipChoice::Selected => "selected",
            ZipChoice::All => "all",
        }
    }

    /// Its button: "Download favourites (12)".
    pub fn button(self, photos: usize) -> String {
        format!("Download {} ({photos})", self.word())
    }
}

/// While a ZIP is built: "Preparing 3 of 12 photos · 4.1 MB".
pub fn zip_progress(done: usize, total: usize, bytes: u64) -> String {
    format!(
        "Preparing {done} of {} · {}",
        photo_count(total),
        byte_size(bytes)
    )
}

/// A ZIP handed to the browser, and the photos left out of it.
pub fn zip_done(file: &str, photos: usize, bytes: u64, missed: usize) -> String {
    let saved = format!(
        "Saved {file}: {} ({}).",
        photo_count(photos),
        byte_size(bytes)
    );
    match missed {
        0 => saved,
        n => format!(
            "{saved} {} could not be included: not saved on this device and not reachable right now.",
            photo_count(n)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_and_ends_read_well() {
        assert_eq!(ZipChoice::Favourites.button(12), "Download favourites (12)");
        assert_eq!(
            zip_progress(3, 12, 4_100_000),
            "Preparing 3 of 12 photos · 4.1 MB"
        );
        assert_eq!(
            zip_done("Wedding - all.zip", 1, 900_000, 0),
            "Saved Wedding - all.zip: 1 photo (900 kB)."
        );
        assert!(zip_done("x.zip", 10, 1, 2).ends_with(
            "2 photos could not be included: not saved on this device and not reachable right now."
        ));
    }
}
