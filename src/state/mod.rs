//! The state layer: what the app knows and keeps, between the network and
//! the screen. Which copy of a gallery is shown, its photos' bytes, the
//! customer's choices on their way to the studio, and what is forgotten when
//! a link is withdrawn.
//!
//! May import: [`crate::net`], [`crate::browser`], `proofline_core` and
//! outside crates (Leptos signals included); never [`crate::ui`].
//!
//! - [`device_db`]: the device store, opened once per page.
//! - [`downloads`]: a photo's file, or a ZIP of many, made on the device.
//! - [`gallery_source`]: the best available manifest (origin, mirror, device).
//! - [`loader`]: photos' bytes, device first, in the order they are needed.
//! - [`photo`]: a photo on screen, as a signal.
//! - [`outbox`]: choices, saved on the device, then delivered.
//! - [`withdrawn`]: forgetting a withdrawn or expired gallery.

pub mod device_db;
pub mod downloads;
pub mod gallery_source;
pub mod loader;
pub mod outbox;
pub mod photo;
pub mod withdrawn;
