//! Proofline's browser apps, built by Trunk as two bundles from this one
//! library, so a customer's phone never downloads the studio's pages:
//!
//! - the customer's (`src/main.rs`, `index.html`): a shared gallery,
//!   [`ui::app::App`], kept for offline use by the service worker;
//! - the studio's (`src/bin/studio.rs`, `studio.html`, served under
//!   `/studio/`): [`ui::studio_app::StudioApp`].
//!
//! The code is in four layers, each importing only those below it:
//!
//! - [`browser`]: one small adapter per browser API (IndexedDB,
//!   localStorage, Web Locks, BroadcastChannel, clipboard, object URLs,
//!   network status, the clock, the hash route, storage); imports nothing
//!   of ours but `proofline_core`.
//! - [`net`]: every request (the studio's API with failover, the manifest
//!   mirror, photos, `index.html`'s early manifest request); imports
//!   `browser`.
//! - [`state`]: what the app knows and keeps (which copy of a gallery, its
//!   photos, the outbox of choices, withdrawn galleries); imports `net` and
//!   `browser`.
//! - [`ui`]: the app shell, pages and components; imports all of them.
//!
//! Every sentence built from data comes from `proofline_core::wording`.
#![forbid(unsafe_code)]

mod browser;
mod net;
mod state;
mod ui;

pub use browser::service_worker::register as register_service_worker;
pub use ui::app::App;
pub use ui::studio_app::StudioApp;
