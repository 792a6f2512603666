//! Proofline's browser app: registers the service worker and mounts
//! [`ui::app::App`]. The code is in four layers, each importing only those
//! below it:
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

fn main() {
    console_error_panic_hook::set_once();
    // Registration goes ahead without being awaited; a failure only means
    // the app itself is not kept for offline use.
    let _registering = browser::service_worker::register("./sw.js");
    leptos::mount::mount_to_body(ui::app::App);
}
