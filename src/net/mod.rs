//! The network layer: every request the app makes. The studio's API through
//! its origins with failover, the manifest mirror and photos from object
//! storage, and the manifest request `index.html` starts before the app
//! has loaded.
//!
//! May import: [`crate::browser`], `proofline_core` and outside crates.
//!
//! - [`api`]: the studio's API (manifests, PINs, choices) and the mirror;
//!   every failure a sentence a customer can read.
//! - [`studio_api`]: the studio page's requests, through the same helpers.
//! - [`failover`]: which origin to ask, each with a short timeout.
//! - [`early`]: taking over `index.html`'s early manifest request.
//! - [`keys`]: the `localStorage` keys `index.html` reads too.
//! - [`pass`]: a PIN link's pass, kept on the device.
//! - [`photos`]: a photo's bytes from object storage.

pub mod api;
pub mod early;
pub mod failover;
pub mod keys;
pub mod pass;
pub mod photos;
pub mod studio_api;
