//! The flags every command shares (with their `PROOFLINE_*` variables):
//! where the data, the database, the store and CloudFront are, which origins
//! serve the studio, how URLs are signed, and how the studio is told of a
//! submit ([`NotifyArgs`]).

use std::net::SocketAddr;
use std::path::PathBuf;

use super::notify::NotifyArgs;
use crate::storage::cloudfront::HashAlgorithm;

/// Flags every subcommand that touches storage shares.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CommonArgs {
    /// Directory for the SQLite database and the embedded store's objects.
    #[arg(long, env = "PROOFLINE_DATA_DIR", default_value = "proofline-data")]
    pub data_dir: PathBuf,
    /// The address customers use to reach the origin; share links start with it.
    #[arg(long, env = "PROOFLINE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The database: `postgres://USER:PASSWORD@HOST/NAME` for PostgreSQL (any
    /// number of origins share it), else a SQLite file (default:
    /// `DATA_DIR/proofline.sqlite3`).
    #[arg(long, env = "PROOFLINE_DATABASE_URL")]
    pub database: Option<String>,
    /// The public URLs (`scheme://host[:port]`) of every origin serving this
    /// studio, in order of preference, comma-separated. Manifests list them
    /// so the app can fail over; the API answers cross-origin calls from
    /// them. Default: the public URL's origin alone.
    #[arg(long, env = "PROOFLINE_ORIGINS", value_delimiter = ',')]
    pub origins: Vec<String>,
    /// TOML file with a `[store]` table (endpoint, region, bucket, prefix,
    /// path_style), a `[cloudfront]` table (domain, key_pair_id, private_key,
    /// hash), a `[signing]` table (window_secs, url_validity_secs,
    /// mirror_validity_secs) and a `[notify]` table (smtp_url, smtp_ca, email, from,
    /// webhook_url, webhook_secret, studio_link).
    #[arg(long, env = "PROOFLINE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub cloudfront: CloudFrontArgs,
    #[command(flatten)]
    pub signing: SigningArgs,
    #[command(flatten)]
    pub notify: NotifyArgs,
}

/// Object-store flags. Setting a bucket switches from the embedded store to an
/// external S3-compatible one (AWS S3, Garage, ...); credentials then come from
/// the standard AWS chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StoreArgs {
    /// Address the embedded store listens on.
    #[arg(long, env = "PROOFLINE_STORE_LISTEN")]
    pub store_listen: Option<SocketAddr>,
    /// Where browsers reach the store, when a proxy puts it elsewhere
    /// (`https://photos.example.com`): photo URLs are signed for this host.
    /// Its own host name: a path prefix would change what is signed.
    #[arg(long, env = "PROOFLINE_STORE_PUBLIC_URL")]
    pub store_public_url: Option<String>,
    /// External store: S3 endpoint URL (omit for AWS S3 itself).
    #[arg(long, env = "PROOFLINE_STORE_ENDPOINT")]
    pub store_endpoint: Option<String>,
    /// External store: region (must match the store's own setting).
    #[arg(long, env = "PROOFLINE_STORE_REGION")]
    pub store_region: Option<String>,
    /// External store: bucket name. Setting it selects the external store.
    #[arg(long, env = "PROOFLINE_STORE_BUCKET")]
    pub store_bucket: Option<String>,
    /// External store: key prefix inside the bucket, e.g. `studio-a/`.
    #[arg(long, env = "PROOFLINE_STORE_PREFIX")]
    pub store_prefix: Option<String>,
    /// External store: use path-style URLs (needed by most self-hosted stores).
    #[arg(long, env = "PROOFLINE_STORE_PATH_STYLE")]
    pub store_path_style: Option<bool>,
}

/// CloudFront flags. With the first three set, image URLs in manifests are
/// CloudFront signed URLs, each with the S3 presigned URL as its fallback.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CloudFrontArgs {
    /// CloudFront distribution in front of the bucket: `https://d111111abcdef8.cloudfront.net`
    /// or just its host name.
    #[arg(long, env = "PROOFLINE_CLOUDFRONT_DOMAIN")]
    pub cloudfront_domain: Option<String>,
    /// Id of the CloudFront public key (key group) the URLs are signed for.
    #[arg(long, env = "PROOFLINE_CLOUDFRONT_KEY_PAIR_ID")]
    pub cloudfront_key_pair_id: Option<String>,
    /// PEM file holding the matching private key, unencrypted: RSA (PKCS#1 or
    /// PKCS#8) or ECDSA P-256 (SEC1 or PKCS#8); its type is read from it.
    #[arg(long, env = "PROOFLINE_CLOUDFRONT_PRIVATE_KEY")]
    pub cloudfront_private_key: Option<PathBuf>,
    /// Hash RSA signatures are made over: `sha1` (CloudFront's default) or
    /// `sha256` (URLs then carry `Hash-Algorithm=SHA256`). ECDSA keys always
    /// sign over SHA-256 (default: sha1 for RSA, sha256 for ECDSA).
    #[arg(long, env = "PROOFLINE_CLOUDFRONT_HASH")]
    pub cloudfront_hash: Option<HashAlgorithm>,
}

/// How URLs are signed, for every command alike: `publish` writes manifest
/// mirrors with the same policy as `serve`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SigningArgs {
    /// Signed URLs are identical within a window of this many seconds
    /// (default: 3600).
    #[arg(long, env = "PROOFLINE_SIGNING_WINDOW_SECS")]
    pub signing_window_secs: Option<i64>,
    /// How long a signed image URL works, from its window's start (default:
    /// 21600, 6 hours).
    #[arg(long, env = "PROOFLINE_URL_VALIDITY_SECS")]
    pub url_validity_secs: Option<i64>,
    /// How long the URLs in a manifest mirror work: how long customers can
    /// keep loading new photos while the origin is down (at most 7 days;
    /// default: 604800, 7 days).
    #[arg(long, env = "PROOFLINE_MIRROR_VALIDITY_SECS")]
    pub mirror_validity_secs: Option<i64>,
}
