//! Where objects live and how the origin is reached: command-line flags, with
//! `PROOFLINE_*` environment variables and an optional TOML file underneath.
//!
//! No bucket configured means the embedded store: an S3-compatible endpoint this
//! binary runs itself, with its data and credentials in the data directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

pub const DEFAULT_ORIGIN_LISTEN: &str = "127.0.0.1:7870";
pub const DEFAULT_STORE_LISTEN: &str = "127.0.0.1:7871";
pub const EMBEDDED_BUCKET: &str = "proofline";
pub const EMBEDDED_REGION: &str = "us-east-1";

/// Flags every subcommand that touches storage shares.
#[derive(clap::Args, Debug, Clone)]
pub struct CommonArgs {
    /// Directory for the SQLite database and the embedded store's objects.
    #[arg(long, env = "PROOFLINE_DATA_DIR", default_value = "proofline-data")]
    pub data_dir: PathBuf,
    /// The address customers use to reach the origin; share links start with it.
    #[arg(long, env = "PROOFLINE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// TOML file with a `[store]` table (endpoint, region, bucket, prefix, path_style).
    #[arg(long, env = "PROOFLINE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// Object-store flags. Setting a bucket switches from the embedded store to an
/// external S3-compatible one (AWS S3, Garage, ...); credentials then come from
/// the standard AWS chain (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, profiles).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StoreArgs {
    /// Address the embedded store listens on.
    #[arg(long, env = "PROOFLINE_STORE_LISTEN")]
    pub store_listen: Option<SocketAddr>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    public_url: Option<String>,
    #[serde(default)]
    store: FileStore,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileStore {
    listen: Option<SocketAddr>,
    endpoint: Option<String>,
    region: Option<String>,
    bucket: Option<String>,
    prefix: Option<String>,
    path_style: Option<bool>,
}

/// Everything needed to talk to the object store, whichever it is.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    pub kind: StoreKind,
    /// `None` means AWS S3's own endpoint for the region.
    pub endpoint: Option<String>,
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

/// The resolved configuration of one `proofline` process.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub public_url: String,
    pub store: StoreSettings,
}

impl Settings {
    /// Resolves flags, environment and the optional file; `listen` is the origin's
    /// own address, used for the default public URL.
    pub fn resolve(args: &CommonArgs, listen: SocketAddr) -> anyhow::Result<Settings> {
        let file = match &args.config {
            Some(path) => read_file_config(path)?,
            None => FileConfig::default(),
        };
        let s = &args.store;
        let public_url = args
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"));
        let public_url = public_url.trim_end_matches('/').to_string();
        let bucket = s.store_bucket.clone().or(file.store.bucket);
        let store = match bucket {
            None => {
                let listen = s
                    .store_listen
                    .or(file.store.listen)
                    .unwrap_or_else(|| DEFAULT_STORE_LISTEN.parse().expect("valid default"));
                StoreSettings {
                    kind: StoreKind::Embedded { listen },
                    endpoint: Some(format!("http://{listen}")),
                    region: EMBEDDED_REGION.into(),
                    bucket: EMBEDDED_BUCKET.into(),
                    prefix: String::new(),
                    path_style: true,
                    credentials: Some(crate::embedded::credentials(&args.data_dir)?),
                }
            }
            Some(bucket) => StoreSettings {
                kind: StoreKind::External,
                endpoint: s.store_endpoint.clone().or(file.store.endpoint),
                region: s
                    .store_region
                    .clone()
                    .or(file.store.region)
                    .unwrap_or_else(|| EMBEDDED_REGION.into()),
                bucket,
                prefix: s
                    .store_prefix
                    .clone()
                    .or(file.store.prefix)
                    .unwrap_or_default(),
                path_style: s
                    .store_path_style
                    .or(file.store.path_style)
                    .unwrap_or(false),
                credentials: None,
            },
        };
        Ok(Settings {
            data_dir: args.data_dir.clone(),
            public_url,
            store,
        })
    }

    /// The scheme://host:port the browser app is served from: the only origin
    /// the store's CORS rules let read images.
    pub fn app_origin(&self) -> String {
        origin_of(&self.public_url)
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("proofline.sqlite3")
    }

    /// The link a customer opens.
    pub fn share_link(&self, gallery: &str, token: &str) -> String {
        format!("{}/#/g/{gallery}/{token}", self.public_url)
    }

    /// The studio's page for a gallery (keep it private: it shows every
    /// link's choices).
    pub fn studio_link(&self, gallery: &str, token: &str) -> String {
        format!("{}/#/studio/{gallery}/{token}", self.public_url)
    }

    /// The studio page for every gallery.
    pub fn studio_home_link(&self, token: &str) -> String {
        format!("{}/#/studio/{token}", self.public_url)
    }
}

fn read_file_config(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("the configuration file {} is not valid", path.display()))
}

/// `http://host:port/some/path` -> `http://host:port`.
pub fn origin_of(url: &str) -> String {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let end = rest.find('/').map_or(url.len(), |j| i + 3 + j);
            url[..end].to_string()
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(dir: &Path, config: Option<PathBuf>, store: StoreArgs) -> CommonArgs {
        CommonArgs {
            data_dir: dir.to_path_buf(),
            public_url: None,
            config,
            store,
        }
    }

    #[test]
    fn no_bucket_means_the_embedded_store_with_its_own_keys() {
        let dir = tempfile::tempdir().unwrap();
        let listen = "127.0.0.1:7870".parse().unwrap();
        let s = Settings::resolve(&args(dir.path(), None, StoreArgs::default()), listen).unwrap();
        assert_eq!(s.public_url, "http://127.0.0.1:7870");
        assert_eq!(
            s.store.kind,
            StoreKind::Embedded {
                listen: DEFAULT_STORE_LISTEN.parse().unwrap()
            }
        );
        let keys = s.store.credentials.clone().unwrap();
        // The same keys on every start: they live in the data directory.
        let again =
            Settings::resolve(&args(dir.path(), None, StoreArgs::default()), listen).unwrap();
        assert_eq!(again.store.credentials.unwrap(), keys);
        assert_eq!(
            s.share_link("g1", "tok"),
            "http://127.0.0.1:7870/#/g/g1/tok"
        );
    }

    #[test]
    fn a_bucket_in_the_file_selects_the_external_store_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("proofline.toml");
        std::fs::write(
            &file,
            "public_url = \"https://proofs.example.com/\"\n[store]\nbucket = \"studio\"\nregion = \"eu-west-2\"\nprefix = \"a/\"\n",
        )
        .unwrap();
        let flags = StoreArgs {
            store_region: Some("eu-west-1".into()),
            ..StoreArgs::default()
        };
        let s = Settings::resolve(
            &args(dir.path(), Some(file), flags),
            "127.0.0.1:1".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(s.store.kind, StoreKind::External);
        assert_eq!(s.store.bucket, "studio");
        assert_eq!(s.store.region, "eu-west-1", "a flag beats the file");
        assert_eq!(s.store.prefix, "a/");
        assert_eq!(s.store.endpoint, None, "AWS S3 itself");
        assert_eq!(
            s.store.credentials, None,
            "from the AWS chain, never stored"
        );
        assert_eq!(s.app_origin(), "https://proofs.example.com");
    }

    #[test]
    fn a_broken_config_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "[store]\nbuckit = \"typo\"\n").unwrap();
        let err = Settings::resolve(
            &args(dir.path(), Some(file), StoreArgs::default()),
            "127.0.0.1:1".parse().unwrap(),
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("bad.toml is not valid"),
            "{err:#}"
        );
    }

    #[test]
    fn origin_drops_path_and_keeps_port() {
        assert_eq!(origin_of("http://127.0.0.1:7870/"), "http://127.0.0.1:7870");
        assert_eq!(
            origin_of("https://proofs.example.com/studio/x"),
            "https://proofs.example.com"
        );
        assert_eq!(
            origin_of("https://proofs.example.com"),
            "https://proofs.example.com"
        );
    }
}
