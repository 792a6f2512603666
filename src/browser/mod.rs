//! The browser layer: one small adapter per browser API, each with tests
//! that run in headless Chromium. Nothing above this layer touches these
//! APIs through `web_sys` itself.
//!
//! May import: `proofline_core` and outside crates, nothing else of ours.
//!
//! - [`idb`]: IndexedDB, the device's copy of galleries, photos and choices.
//! - [`local_storage`]: small strings read synchronously (also by `index.html`).
//! - [`web_locks`]: one tab at a time for a job (Web Locks).
//! - [`broadcast`]: messages between tabs (BroadcastChannel).
//! - [`clipboard`]: copying text.
//! - [`object_url`]: file downloads (`blob:` URLs of bytes, text or pieces).
//! - [`network`]: online or offline, and when that changes.
//! - [`visibility`]: whether the page is on screen, and when that changes.
//! - [`clock`]: the device's time, once, and its local time of day.
//! - [`random`]: random ids (the CSPRNG) and jitter.
//! - [`hash_route`]: the location hash as the app's route, and history.
//! - [`storage`]: the storage estimate and persistence.
//! - [`service_worker`]: registering the worker that keeps the app offline.
//! - [`preview`]: the first screen `index.html` shows before the app runs.

pub mod broadcast;
pub mod clipboard;
pub mod clock;
pub mod hash_route;
pub mod idb;
mod listener;
pub mod local_storage;
pub mod network;
pub mod object_url;
pub mod preview;
pub mod random;
pub mod service_worker;
pub mod storage;
pub mod visibility;
pub mod web_locks;

pub use listener::Listener;
