//! Proofline's pure core: every rule the browser client and the `proofline` server
//! share, with no web-sys, no tokio and no I/O, so it is tested natively and fast.
//!
//! - [`app_files`]: which of the built app's files are named by their content.
//! - [`manifest`]: the gallery manifest v1, its parsing and validation.
//! - [`brand`]: the studio's name and accent colour, kept readable.
//! - [`expiry`]: when a signed URL (SigV4 or CloudFront) stops working, judged by
//!   server time; and the fixed signing windows that keep URLs cacheable.
//! - [`placeholder`]: ThumbHash to a tiny PNG data URL for image placeholders.
//! - [`downloads`]: what a link may download, the files' names on the
//!   device, and the ZIP archive the app writes there.
//! - [`cache`]: what the device's image cache may show, its budget, eviction.
//! - [`loading`]: download order (visible first), retries, backoff.
//! - [`layout`]: the grid's justified rows and what a virtualised grid asks of them.
//! - [`gesture`]: the lightbox's swipe, pinch, pan and double-tap gestures.
//! - [`hlc`]: hybrid logical clocks that order choices across devices.
//! - [`proofing`]: choices as ops and their wire form, their merge, the studio's
//!   selection rules and refusals, and the studio's receipts and reports.
//! - [`notify`]: telling the studio of a submit: the event's idempotency key,
//!   delivery claims and retries.
//! - [`links`]: whether a share link still opens (live, expired, revoked).
//! - [`offline`]: the gallery's offline window: how long a device may show
//!   its saved copy without reaching the studio.
//! - [`calendar`]: UTC calendar dates: end of a given day, "12 Nov 2026" labels.
//! - [`ids`]: gallery, image and content-hash ids, parsed once at the edge.
//! - [`origins`]: several origins: which to ask, in what order, when to fail over.
//! - [`route`]: the share-link route `#/g/{gallery}/{token}`.
//! - [`slideshow`]: the lightbox's slideshow: intervals, the next photo.
//! - [`wording`]: every sentence a customer reads that is built from data
//!   (banners, counts, the outbox's lines, refusals, loading messages).
#![forbid(unsafe_code)]

pub mod app_files;
pub mod brand;
pub mod cache;
pub mod calendar;
pub mod data_url;
pub mod downloads;
pub mod expiry;
pub mod gesture;
pub mod hlc;
pub mod ids;
pub mod layout;
pub mod links;
pub mod loading;
pub mod manifest;
pub mod notify;
pub mod offline;
pub mod origins;
pub mod placeholder;
pub mod proofing;
pub mod route;
pub mod slideshow;
pub mod wording;

pub use ids::{ContentHash, GalleryId, IdError, ImageId};
pub use manifest::{
    Fallback, Image, Manifest, ManifestError, Rendition, RenditionKind, Renditions, SignedUrl,
};
pub use route::{Route, ShareToken};
