//! The optional TOML configuration file (`--config`), under the flags and
//! their variables: its tables, and how the store and CloudFront settings are
//! resolved from both.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

use super::args::{CloudFrontArgs, CommonArgs};
use super::notify::FileNotify;
use super::signing::FileSigning;
use crate::storage::cloudfront::HashAlgorithm;
use crate::storage::{
    CloudFrontSettings, DEFAULT_STORE_LISTEN, EMBEDDED_BUCKET, EMBEDDED_REGION, StoreKind,
    StoreSettings,
};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub(super) public_url: Option<String>,
    pub(super) database: Option<String>,
    pub(super) origins: Option<Vec<String>>,
    #[serde(default)]
    pub(super) store: FileStore,
    #[serde(default)]
    pub(super) cloudfront: FileCloudFront,
    #[serde(default)]
    pub(super) signing: FileSigning,
    #[serde(default)]
    pub(super) notify: FileNotify,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileCloudFront {
    domain: Option<String>,
    key_pair_id: Option<String>,
    /// A path; relative paths are read from the configuration file's folder.
    private_key: Option<PathBuf>,
    /// `sha1` or `sha256`, for RSA keys.
    hash: Option<HashAlgorithm>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileStore {
    listen: Option<SocketAddr>,
    public_url: Option<String>,
    endpoint: Option<String>,
    region: Option<String>,
    bucket: Option<String>,
    prefix: Option<String>,
    path_style: Option<bool>,
}

/// CloudFront from flags over the file; the domain, key pair id and key all
/// three or none (the hash has a default).
pub(super) fn resolve_cloudfront(
    args: &CloudFrontArgs,
    file: FileCloudFront,
    file_dir: Option<&Path>,
) -> anyhow::Result<Option<CloudFrontSettings>> {
    let domain = args.cloudfront_domain.clone().or(file.domain);
    let key_pair_id = args.cloudfront_key_pair_id.clone().or(file.key_pair_id);
    let private_key = args.cloudfront_private_key.clone().or_else(|| {
        file.private_key.map(|p| match file_dir {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p,
        })
    });
    match (domain, key_pair_id, private_key) {
        (None, None, None) => Ok(None),
        (Some(domain), Some(id), Some(key)) => {
            let hash = args.cloudfront_hash.or(file.hash);
            Ok(Some(CloudFrontSettings::load_with_hash(
                &domain, &id, &key, hash,
            )?))
        }
        (domain, id, key) => {
            let missing: Vec<&str> = [
                (domain.is_none(), "the domain (PROOFLINE_CLOUDFRONT_DOMAIN)"),
                (
                    id.is_none(),
                    "the key pair id (PROOFLINE_CLOUDFRONT_KEY_PAIR_ID)",
                ),
                (
                    key.is_none(),
                    "the private key file (PROOFLINE_CLOUDFRONT_PRIVATE_KEY)",
                ),
            ]
            .into_iter()
            .filter_map(|(gone, name)| gone.then_some(name))
            .collect();
            let verb = if missing.len() == 1 { "is" } else { "are" };
            anyhow::bail!(
                "CloudFront is half configured: {} {verb} missing (set all three, or none)",
                missing.join(" and ")
            )
        }
    }
}

pub(super) fn read_file_config(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("the configuration file {} is not valid", path.display()))
}

/// The store from flags over the file: no bucket means the embedded store,
/// with its own keys in the data directory.
pub(super) fn resolve_store(args: &CommonArgs, file: FileStore) -> anyhow::Result<StoreSettings> {
    let s = &args.store;
    let bucket = s.store_bucket.clone().or(file.bucket);
    let public_url = s
        .store_public_url
        .clone()
        .or(file.public_url)
        .map(|url| store_public_url(&url))
        .transpose()?;
    Ok(match bucket {
        None => {
            let listen = s
                .store_listen
                .or(file.listen)
                .unwrap_or_else(|| DEFAULT_STORE_LISTEN.parse().expect("valid default"));
            StoreSettings {
                kind: StoreKind::Embedded { listen },
                endpoint: Some(format!("http://{}", reachable(listen))),
                public_url,
                region: EMBEDDED_REGION.into(),
                bucket: EMBEDDED_BUCKET.into(),
                prefix: String::new(),
                path_style: true,
                credentials: Some(crate::storage::embedded::credentials(&args.data_dir)?),
            }
        }
        Some(bucket) => StoreSettings {
            kind: StoreKind::External,
            endpoint: s.store_endpoint.clone().or(file.endpoint),
            region: s
                .store_region
                .clone()
                .or(file.region)
                .unwrap_or_else(|| EMBEDDED_REGION.into()),
            bucket,
            prefix: s.store_prefix.clone().or(file.prefix).unwrap_or_default(),
            path_style: s.store_path_style.or(file.path_style).unwrap_or(false),
            credentials: None,
            public_url,
        },
    })
}

/// Where this machine reaches a store listening at `listen`: loopback for
/// an unspecified address (`0.0.0.0`, `[::]`).
pub fn reachable(listen: SocketAddr) -> SocketAddr {
    match listen.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, listen.port()))
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, listen.port()))
        }
        _ => listen,
    }
}

/// A store's public URL: `http(s)://host[:port]`, without a path (SigV4
/// signs the path: a proxy that strips a prefix would break every URL).
fn store_public_url(url: &str) -> anyhow::Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let uri: axum::http::Uri = trimmed
        .parse()
        .with_context(|| format!("the store's public URL {url:?} is not a URL"))?;
    anyhow::ensure!(
        matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some(),
        "the store's public URL {url:?} must be http(s)://host[:port]"
    );
    anyhow::ensure!(
        uri.path().is_empty() || uri.path() == "/",
        "the store's public URL {url:?} has a path: give the store its own host name \
         (photo URLs are signed with their path, which a proxy must pass on unchanged)"
    );
    anyhow::ensure!(
        uri.host() != Some("0.0.0.0") && uri.host() != Some("[::]"),
        "the store's public URL {url:?} is not an address a browser can reach"
    );
    Ok(trimmed.to_owned())
}
