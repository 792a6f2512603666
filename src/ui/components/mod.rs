//! What the pages are made of, one component per file. Components read the
//! state (the [`crate::state::outbox::Outbox`] and
//! [`crate::state::loader::Loader`] contexts), words from
//! `proofline_core::wording` and [`crate::ui::words`], and each other;
//! never a page.
//!
//! May import: [`crate::state`], [`crate::net`], [`crate::browser`],
//! [`crate::ui::words`], other components, `proofline_core` and outside
//! crates.

pub mod brand_panel;
pub mod choice_buttons;
pub mod comment_reply;
pub mod compare_links;
pub mod cover;
pub mod downloads;
pub mod filters;
pub mod gallery_settings;
pub mod grid;
pub mod lightbox;
pub mod link_downloads;
pub mod link_reminders;
pub mod message;
pub mod outbox_badge;
pub mod pin_form;
pub mod review;
pub mod save_offline;
pub mod selection_bar;
pub mod slideshow;
pub mod tile;
pub mod withdrawn_notice;
