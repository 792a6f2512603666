//! Where the images live: the object store client ([`ObjectStore`], one code
//! path for the embedded store, AWS S3 and Garage), the embedded
//! S3-compatible store itself ([`embedded`]), our SigV4 presigner
//! ([`sigv4`]), CloudFront signed URLs ([`cloudfront`]), and the settings
//! they are made from.
//!
//! A lower layer: it imports only [`crate::secret`], never the database, the
//! domain (publishing, signing, choices, doctor), `settings`, `http` or `cli`.

pub mod bucket;
pub mod cloudfront;
pub mod embedded;
pub mod sigv4;
pub mod store;

use std::net::SocketAddr;

pub use bucket::BucketProblem;
pub use cloudfront::{CloudFrontSettings, CloudFrontSigner};
pub use embedded::EmbeddedStore;
pub use store::ObjectStore;

pub const DEFAULT_STORE_LISTEN: &str = "127.0.0.1:7871";
pub const EMBEDDED_BUCKET: &str = "proofline";
pub const EMBEDDED_REGION: &str = "us-east-1";

/// Everything needed to talk to the object store, whichever it is.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    pub kind: StoreKind,
    /// `None` means AWS S3's own endpoint for the region.
    pub endpoint: Option<String>,
    /// Where browsers reach the store, when not at `endpoint` (the embedded
    /// store behind a TLS proxy under its own host name): presigned URLs are
    /// made, and SigV4-signed, for this host. `scheme://host[:port]`.
    pub public_url: Option<String>,
    pub region: String,
    pub bucket: String,
    pub prefix: String,
    pub path_style: bool,
    /// Explicit keys (the embedded store's own); `None` uses the AWS chain.
    pub credentials: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// The S3-compatible store this binary runs (`serve` or `store`).
    Embedded {
        listen: SocketAddr,
    },
    External,
}
