//! Every word a customer reads, and every sentence the studio reads on its
//! page that is built from data: banners, loading messages, photo counts, the outbox's
//! lines, selection status, refusals and load errors, the studio page's
//! summaries. Pure functions and constants, tested natively; the browser
//! client only calls them, so a sentence is written (and changed) in one
//! place.
//!
//! Anything that needs the device (its time zone, whether it is online)
//! comes in as plain data: a [`LocalTime`] already read from the device's
//! clock, an `online` flag.
//!
//! - [`numbers`]: counts as people read them ("10,000"), "1 photo", sizes.
//! - [`gallery`]: loading messages, banners about which copy is shown,
//!   notes over missing photos, positions, "Save for offline".
//! - [`choices`]: choices in words, the outbox's lines, the selection bar,
//!   a withdrawn gallery's notice.
//! - [`downloads`]: the Download buttons, a ZIP's progress and its end.
//! - [`labels`]: the app's fixed words: headings, buttons, field labels
//!   and the names screen readers announce.
//! - [`errors`]: why a gallery or a request could not be loaded.
//! - [`studio`]: the studio page's summaries of galleries and links.
//! - [`notify`]: the email telling the studio a link submitted.
//! - [`reminders`]: a customer's reminder emails and the page that stops them.
//! - [`rules`]: the selection rules, refusals, when a link closes, days.
//! - [`locale`]: the build's language, plural rule and grouped numbers.
//!
//! The customer's words (all but `studio` and `notify`) are Fluent
//! messages in `crates/core/locales/en-GB/`, compiled into these modules
//! when the crate builds (see [`locale`]).
//!
//! A few sentences live next to the rule that decides them and are
//! re-exported here: [`closing_note`] and [`expired_message`] (link expiry),
//! the selection rules' summary (`SelectionRules::summary`) and refusals
//! (`RuleRefusal`), and a link's state (`LinkState`'s `Display`).

pub mod choices;
pub mod downloads;
pub mod errors;
pub mod gallery;
pub mod labels;
pub mod locale;
pub mod notify;
pub mod numbers;
pub mod reminders;
pub mod rules;
pub mod studio;

pub use crate::expiry::{closing_note, expired_message};
pub use choices::{
    STUDIO_REPLIED, choice_not_saved, delivery_line, describe_choice, not_accepted_heading,
    refused_choice, selection_status, submit_question, unsent_heading, withdrawn_title,
};
pub use errors::{
    CANNOT_SAVE_NOW, DEVICE_FULL, NO_DOWNLOAD_PIN, NO_PIN, NOT_A_PIN, NOT_FOUND, PIN_REQUIRED,
    SEND_UNREACHABLE, SERVER_FAILED, UNAUTHORIZED, UNREACHABLE, damaged, device_store_failed,
    pin_locked, server_answered, server_problem, storage_unavailable, wrong_pin,
};
pub use gallery::{
    ALL_SAVED, GALLERY_PIN, GALLERY_STILL_LOADING, HOME_INTRO, HOME_SCREEN_HINT, HOME_TITLE,
    LOADING_GALLERY, LOADING_LARGE, LOADING_STUDIO, LocalTime, NOT_A_GALLERY_LINK,
    OFFLINE_OVER_TITLE, OUT_OF_SPACE, PASTE_LINK_LABEL, PIN_EMPTY, PinWords, SAVE_WAITING,
    SMALL_PRINT, STORAGE_FULL_BANNER, StaleCopy, available_offline_until, clock_time, coming_time,
    day_time, gallery_not_kept, missing_photo_note, more_photos_coming, offline_window_over,
    photo_position, save_offline_question, save_wont_fit, saved_for_offline, saving_progress,
    scrub_position, stale_copy_banner,
};
pub use notify::{submitted_body, submitted_subject};
pub use numbers::{byte_size, count, photo_count};
pub use reminders::{
    UNSUBSCRIBE_BUTTON, UNSUBSCRIBE_UNKNOWN, reminder_body, reminder_subject, unsubscribe_question,
    unsubscribed,
};
pub use studio::{
    REMINDERS_HINT, activity_line, compare_summary, file_list_heading, gallery_summary, link_line,
    link_name, link_summary, mark_words, overview_line, reminders_line, revoke_label,
    revoke_question,
};
