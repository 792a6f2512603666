//! The `proofline` server: the studio's origin (gallery API, SQLite, URL signing),
//! an embedded S3-compatible object store, and the publishing pipeline.
//!
//! The origin is never in an image's path: it hands out signed URLs that point
//! straight at the object store (embedded, S3, Garage or CloudFront).
#![forbid(unsafe_code)]

pub mod api;
pub mod choices;
pub mod cloudfront;
pub mod config;
pub mod db;
pub mod doctor;
pub mod embedded;
pub mod health;
pub mod links;
pub mod mirror;
pub mod publish;
pub mod render;
pub mod secret;
pub mod sigv4;
pub mod sql;
pub mod store;
pub mod studio;

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
