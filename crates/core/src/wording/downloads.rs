//! Downloads in words: the buttons, a ZIP's progress and its end. The
//! words are in `locales/en-GB/downloads.ftl`.

use super::numbers::byte_size;

include!(concat!(env!("OUT_DIR"), "/downloads.rs"));

/// The form asking for a link's download PIN, before anything downloads.
pub const DOWNLOAD_PIN: super::gallery::PinWords = super::gallery::PinWords {
    title: super::labels::DOWNLOAD_PHOTOS,
    lead: DOWNLOAD_PIN_LEAD,
    label: DOWNLOAD_PIN_LABEL,
    button: DOWNLOAD_PIN_BUTTON,
};

/// Which photos a ZIP holds, as its buttons and file name say them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipChoice {
    Favourites,
    Selected,
    All,
}

impl ZipChoice {
    pub const ALL: [ZipChoice; 3] = [ZipChoice::Favourites, ZipChoice::Selected, ZipChoice::All];

    /// The catalogue's key for it.
    fn key(self) -> &'static str {
        match self {
            ZipChoice::Favourites => "favourites",
            ZipChoice::Selected => "selected",
            ZipChoice::All => "all",
        }
    }

    /// The word in the ZIP's name: "Wedding - favourites.zip".
    pub fn word(self) -> String {
        zip_word(self.key())
    }

    /// Its button: "Download favourites (12)".
    pub fn button(self, photos: usize) -> String {
        zip_button(self.key(), photos)
    }
}

/// While a ZIP is built: "Preparing 3 of 12 photos · 4.1 MB".
pub fn zip_progress(done: usize, total: usize, bytes: u64) -> String {
    zip_progress_words(done, total, byte_size(bytes))
}

/// A ZIP handed to the browser, and the photos left out of it.
pub fn zip_done(file: &str, photos: usize, bytes: u64, missed: usize) -> String {
    let saved = zip_saved(file, photos, byte_size(bytes));
    match missed {
        0 => saved,
        n => format!("{saved} {}", zip_missed(n)),
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
