//! The app's fixed words, as the customer reads or hears them: headings,
//! buttons, field labels, hints, and the names screen readers announce.
//! The views name these constants and write no words of their own, so
//! every word a customer sees is in `wording`.

// The gallery page.
/// The grid's name.
pub const PHOTOS: &str = "Photos";
/// A photo's tile: "Open Café terrace".
pub fn open_photo(alt: &str) -> String {
    format!("Open {alt}")
}
/// The example in the home page's box.
pub const PASTE_LINK_PLACEHOLDER: &str = "https://…/#/g/…";
/// The home page's button, and the PIN page's.
pub const OPEN_GALLERY: &str = "Open gallery";
/// An address that is no page of the app.
pub const PAGE_NOT_FOUND: &str = "Page not found";
pub const PAGE_NOT_FOUND_TEXT: &str =
    "This address doesn't lead to a gallery. Check the link the studio sent you.";
/// Over why a gallery could not be loaded.
pub const CANT_SHOW_GALLERY: &str = "We can't show this gallery";

// The filters over the grid.
pub const SHOW: &str = "Show";
pub const ALL: &str = "All";
pub const FAVOURITES: &str = "Favourites";
pub const SELECTED: &str = "Selected";
pub const COMMENTED: &str = "Commented";
pub const SETS: &str = "Sets";
pub const EVERY_SET: &str = "Every set";

// A photo's choice buttons.
pub const FAVOURITE: &str = "Favourite";
pub const FAVOURITE_HINT: &str = "Favourite (F)";
pub const SELECT: &str = "Select";
pub const SELECT_HINT: &str = "Select for the order (S)";
/// The wide Select button, once pressed.
pub const SELECTED_MARK: &str = "✓ Selected";

// The lightbox.
pub const PREVIOUS_PHOTO: &str = "Previous photo";
pub const NEXT_PHOTO: &str = "Next photo";
pub const CLOSE: &str = "Close";
pub const TIME_PER_PHOTO: &str = "Time per photo";
/// The review panel: "Your review of Café terrace".
pub fn review_of(alt: &str) -> String {
    format!("Your review of {alt}")
}
pub const APPROVE: &str = "Approve";
pub const REQUEST_CHANGES: &str = "Request changes";
pub const COMMENTS: &str = "Comments";
pub const COMMENT_LABEL: &str = "Comment (C)";
pub const COMMENT_PLACEHOLDER: &str = "What should the studio know about this photo?";
pub const ADD_COMMENT: &str = "Add comment";

// The selection bar.
pub const YOUR_SELECTION: &str = "Your selection";
pub const SUBMIT_SELECTION: &str = "Submit selection";
pub const SUBMIT: &str = "Submit";
pub const NOT_YET: &str = "Not yet";

// Saving for offline, and downloads.
pub const SAVE_FOR_OFFLINE: &str = "Save for offline";
pub const SAVING_FOR_OFFLINE: &str = "Saving for offline";
pub const NOT_NOW: &str = "Not now";
pub const SAVE: &str = "Save";
pub const OK: &str = "OK";
pub const CANCEL: &str = "Cancel";
pub const TRY_AGAIN: &str = "Try again";
pub const COPY_LINK: &str = "Copy link";
pub const LINK_COPIED: &str = "Link copied";
pub const DOWNLOAD_PHOTOS: &str = "Download photos";
pub const PREPARING_DOWNLOAD: &str = "Preparing the download";

// The outbox's notices.
pub const DISMISS: &str = "Dismiss";

// A withdrawn link's page.
pub const PHOTOS_KEPT: &str = "Its photos stay on this device for your other link to this gallery.";
pub const PHOTOS_REMOVED: &str = "Its photos have been removed from this device.";
pub const UNSENT_HINT: &str = "Copy them if you'd like to send them to the studio another way.";
pub const COPY_THE_LIST: &str = "Copy the list";
pub const COPIED: &str = "Copied";
pub const REMOVE_FROM_DEVICE: &str = "Remove them from this device";
