//! The `proofline` server: the studio's origin (gallery API, database, URL
//! signing), an embedded S3-compatible object store, and the publishing
//! pipeline.
//!
//! The origin is never in an image's path: it hands out signed URLs that point
//! straight at the object store (embedded, S3, Garage or CloudFront).
//!
//! Layers, each importing only the ones below it:
//!
//! 1. [`cli`]: the command line (`main.rs` only calls [`cli::run`]);
//! 2. [`origin`]: a running origin, started from [`settings::Settings`] alone;
//! 3. [`http`]: the router, its state and errors, one file per API area;
//! 4. the domain: [`publish`] (with its renditions), [`signing`] (manifests
//!    and their mirrors), [`brand`] (the studio's logo files), [`choices`],
//!    [`notify`] (telling the studio of a submit), [`doctor`];
//! 5. [`settings`]: flags, variables and the file, resolved;
//! 6. [`db`] (one `Db`, every method of it) and [`storage`] (the store, the
//!    embedded store, CloudFront), which never import each other;
//! 7. [`secret`], [`private_fs`] and the clock below, which import nothing of
//!    this crate.
#![forbid(unsafe_code)]

pub mod brand;
pub mod choices;
pub mod cli;
pub mod db;
pub mod doctor;
pub mod http;
pub mod lru;
pub mod notify;
pub mod origin;
pub mod private_fs;
pub mod publish;
pub mod secret;
pub mod settings;
pub mod signing;
pub mod storage;

/// Current Unix time in seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Current Unix time in milliseconds.
pub fn unix_now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
