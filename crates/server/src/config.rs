//! Where objects live and how the origin is reached: command-line flags, with
//! `PROOFLINE_*` environment variables and an optional TOML file underneath.
//!
//! No bucket configured means the embedded store: an S3-compatible endpoint this
//! binary runs itself, with its data and credentials in the data directory.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use serde::Deserialize;

use crate::cloudfront::CloudFrontSigner;

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
    /// path_style) and a `[cloudfront]` table (domain, key_pair_id, private_key).
    #[arg(long, env = "PROOFLINE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub cloudfront: CloudFrontArgs,
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

/// CloudFront flags. With all three set, image URLs in manifests are
/// CloudFront signed URLs (canned policy), each with the S3 presigned URL as
/// its fallback.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CloudFrontArgs {
    /// CloudFront distribution in front of the bucket: `https://d111111abcdef8.cloudfront.net`
    /// or just its host name.
    #[arg(long, env = "PROOFLINE_CLOUDFRONT_DOMAIN")]
    pub cloudfront_domain: Option<String>,
    /// Id of the CloudFront public key (key group) the URLs are signed for.
    #[arg(long, env = "PROOFLINE_CLOUDFRONT_KEY_PAIR_ID")]
    pub cloudfront_key_pair_id: Option<String>,
    /// PEM file holding the matching RSA private key (PKCS#1 or PKCS#8).
    #[arg(long, env = "PROOFLINE_CLOUDFRONT_PRIVATE_KEY")]
    pub cloudfront_private_key: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    public_url: Option<String>,
    database: Option<String>,
    origins: Option<Vec<String>>,
    #[serde(default)]
    store: FileStore,
    #[serde(default)]
    cloudfront: FileCloudFront,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCloudFront {
    domain: Option<String>,
    key_pair_id: Option<String>,
    /// A path; relative paths are read from the configuration file's folder.
    private_key: Option<PathBuf>,
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

/// A CloudFront distribution serving the bucket, and the key that signs for it.
#[derive(Clone)]
pub struct CloudFrontSettings {
    /// `https://host`, no trailing slash: an object's URL is this plus `/` and
    /// its full key (prefix included), percent-encoded.
    pub base_url: String,
    pub key_pair_id: String,
    /// Where the private key was read from (for messages; the key stays here).
    pub private_key_path: PathBuf,
    pub signer: Arc<CloudFrontSigner>,
}

impl std::fmt::Debug for CloudFrontSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself.
        f.debug_struct("CloudFrontSettings")
            .field("base_url", &self.base_url)
            .field("key_pair_id", &self.key_pair_id)
            .field("private_key_path", &self.private_key_path)
            .finish_non_exhaustive()
    }
}

impl CloudFrontSettings {
    /// Checks the three values and loads the key: a distribution that cannot
    /// sign is an error at start, not a broken photo later.
    pub fn load(domain: &str, key_pair_id: &str, private_key: &Path) -> anyhow::Result<Self> {
        let base_url = cloudfront_base_url(domain)?;
        let pem = std::fs::read_to_string(private_key).with_context(|| {
            format!(
                "cannot read the CloudFront private key {}",
                private_key.display()
            )
        })?;
        let signer = CloudFrontSigner::from_pem(key_pair_id.trim(), &pem)
            .with_context(|| format!("in {}", private_key.display()))?;
        Ok(CloudFrontSettings {
            base_url,
            key_pair_id: key_pair_id.trim().to_owned(),
            private_key_path: private_key.to_path_buf(),
            signer: Arc::new(signer),
        })
    }
}

/// `d1.cloudfront.net`, `https://d1.cloudfront.net/` -> `https://d1.cloudfront.net`.
/// CloudFront only signs for HTTPS here: a signed URL sent in clear text can be
/// replayed by anyone on the path.
fn cloudfront_base_url(domain: &str) -> anyhow::Result<String> {
    let trimmed = domain.trim();
    let host = match trimmed.split_once("://") {
        Some((scheme, host)) if scheme.eq_ignore_ascii_case("https") => host,
        Some(_) => anyhow::bail!(
            "the CloudFront domain must be an https:// URL or a host name (got {domain:?})"
        ),
        None => trimmed,
    };
    let host = host.strip_suffix('/').unwrap_or(host);
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    anyhow::ensure!(
        valid,
        "the CloudFront domain must be a host name like d111111abcdef8.cloudfront.net, \
         with no path (got {domain:?})"
    );
    Ok(format!("https://{}", host.to_ascii_lowercase()))
}

/// The resolved configuration of one `proofline` process.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub public_url: String,
    /// A `postgres://` URL or a SQLite file's path (see [`crate::db::Db::connect`]).
    pub database: String,
    /// Every origin serving this studio, in order of preference (checked,
    /// canonical, at least one): listed in manifests, allowed by CORS.
    pub origins: Vec<String>,
    pub store: StoreSettings,
    /// `None`: image URLs are the store's presigned URLs alone.
    pub cloudfront: Option<CloudFrontSettings>,
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
        let database = args.database.clone().or(file.database).unwrap_or_else(|| {
            args.data_dir
                .join("proofline.sqlite3")
                .to_string_lossy()
                .into_owned()
        });
        let origins = if !args.origins.is_empty() {
            args.origins.clone()
        } else {
            file.origins.unwrap_or_else(|| vec![origin_of(&public_url)])
        };
        let origins = proofline_core::origins::parse_origins(&origins)
            .map_err(|e| anyhow::anyhow!("invalid origins (--origins, PROOFLINE_ORIGINS or `origins` in the config file): {e}"))?;
        if proofline_core::origins::parse_origin(&origin_of(&public_url))
            .is_ok_and(|o| !origins.contains(&o))
        {
            tracing::warn!(
                "the public URL {public_url} is not one of the origins ({}): its pages cannot call them",
                origins.join(", ")
            );
        }
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
        let cloudfront = resolve_cloudfront(
            &args.cloudfront,
            file.cloudfront,
            args.config.as_deref().and_then(Path::parent),
        )?;
        Ok(Settings {
            data_dir: args.data_dir.clone(),
            public_url,
            database,
            origins,
            store,
            cloudfront,
        })
    }

    /// The scheme://host:port the browser app is served from: the only origin
    /// the store's CORS rules let read images.
    pub fn app_origin(&self) -> String {
        origin_of(&self.public_url)
    }

    pub fn open_db(&self) -> anyhow::Result<crate::db::Db> {
        crate::db::Db::connect(&self.database)
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

/// CloudFront from flags over the file; all three values or none.
fn resolve_cloudfront(
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
            Ok(Some(CloudFrontSettings::load(&domain, &id, &key)?))
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
            database: None,
            origins: Vec::new(),
            config,
            store,
            cloudfront: CloudFrontArgs::default(),
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

    const VECTORS: &str =
        include_str!("../../core/tests/fixtures/cloudfront_signed_url_vectors.json");

    fn fixture_key(field: &str) -> String {
        let doc: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        doc[field].as_str().unwrap().to_owned()
    }

    #[test]
    fn cloudfront_from_the_file_reads_its_key_beside_it_and_flags_win() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("conf/keys")).unwrap();
        std::fs::write(
            dir.path().join("conf/keys/cf.pem"),
            fixture_key("private_key_pem_pkcs8"),
        )
        .unwrap();
        let file = dir.path().join("conf/proofline.toml");
        std::fs::write(
            &file,
            "[store]\nbucket = \"studio\"\n[cloudfront]\ndomain = \"https://d111111abcdef8.cloudfront.net/\"\nkey_pair_id = \"K2JCJMDEHXQW5F\"\nprivate_key = \"keys/cf.pem\"\n",
        )
        .unwrap();
        let listen = "127.0.0.1:1".parse().unwrap();
        let s = Settings::resolve(
            &args(dir.path(), Some(file.clone()), StoreArgs::default()),
            listen,
        )
        .unwrap();
        let cf = s.cloudfront.expect("CloudFront configured");
        assert_eq!(cf.base_url, "https://d111111abcdef8.cloudfront.net");
        assert_eq!(cf.key_pair_id, "K2JCJMDEHXQW5F");
        assert_eq!(cf.private_key_path, dir.path().join("conf/keys/cf.pem"));
        let url = cf
            .signer
            .canned_url("https://d111111abcdef8.cloudfront.net/a.jpg", 2_000_000_000);
        assert!(url.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F"), "{url}");
        assert!(
            !format!("{cf:?}").contains("PRIVATE KEY"),
            "Debug never shows the key"
        );

        let mut flags = args(dir.path(), Some(file), StoreArgs::default());
        flags.cloudfront.cloudfront_domain = Some("D2.CloudFront.net".into());
        let s = Settings::resolve(&flags, listen).unwrap();
        assert_eq!(s.cloudfront.unwrap().base_url, "https://d2.cloudfront.net");
    }

    #[test]
    fn a_half_configured_or_broken_cloudfront_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("cf.pem");
        std::fs::write(&key, fixture_key("private_key_pem_pkcs1")).unwrap();
        let not_a_key = dir.path().join("public.pem");
        std::fs::write(&not_a_key, fixture_key("public_key_pem")).unwrap();
        let listen = "127.0.0.1:1".parse().unwrap();
        let resolve = |domain: Option<&str>, id: Option<&str>, key: Option<&Path>| {
            let mut a = args(dir.path(), None, StoreArgs::default());
            a.cloudfront = CloudFrontArgs {
                cloudfront_domain: domain.map(Into::into),
                cloudfront_key_pair_id: id.map(Into::into),
                cloudfront_private_key: key.map(Path::to_path_buf),
            };
            Settings::resolve(&a, listen).map(|s| s.cloudfront.map(|c| c.base_url))
        };
        let err = |r: anyhow::Result<Option<String>>| format!("{:#}", r.unwrap_err());

        assert_eq!(resolve(None, None, None).unwrap(), None);
        assert_eq!(
            resolve(Some("d1.cloudfront.net"), Some("K1"), Some(&key)).unwrap(),
            Some("https://d1.cloudfront.net".into())
        );
        let half = err(resolve(Some("d1.cloudfront.net"), None, None));
        assert!(
            half.contains("the key pair id (PROOFLINE_CLOUDFRONT_KEY_PAIR_ID) and the private key file (PROOFLINE_CLOUDFRONT_PRIVATE_KEY) are missing"),
            "{half}"
        );
        let one = err(resolve(None, Some("K1"), Some(&key)));
        assert!(
            one.contains("the domain (PROOFLINE_CLOUDFRONT_DOMAIN) is missing"),
            "{one}"
        );
        for bad in ["http://d1.cloudfront.net", "ftp://d1.cloudfront.net"] {
            let e = err(resolve(Some(bad), Some("K1"), Some(&key)));
            assert!(e.contains("must be an https:// URL or a host name"), "{e}");
        }
        for bad in [
            "https://d1.cloudfront.net/images",
            "d1 cloudfront net",
            "https://",
        ] {
            let e = err(resolve(Some(bad), Some("K1"), Some(&key)));
            assert!(e.contains("with no path"), "{bad}: {e}");
        }
        let e = err(resolve(
            Some("d1.cloudfront.net"),
            Some("K1"),
            Some(&not_a_key),
        ));
        assert!(
            e.contains("not an RSA key in PEM") && e.contains("public.pem"),
            "{e}"
        );
        let gone = dir.path().join("missing.pem");
        let e = err(resolve(Some("d1.cloudfront.net"), Some("K1"), Some(&gone)));
        assert!(
            e.contains("cannot read the CloudFront private key") && e.contains("missing.pem"),
            "{e}"
        );
        let e = err(resolve(Some("d1.cloudfront.net"), Some(" "), Some(&key)));
        assert!(e.contains("key pair id is empty"), "{e}");
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

    #[test]
    fn origins_default_to_the_public_url_and_flags_beat_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let listen = "127.0.0.1:7870".parse().unwrap();
        let mut a = args(dir.path(), None, StoreArgs::default());
        a.public_url = Some("https://proofs.example.com/".into());
        assert_eq!(
            Settings::resolve(&a, listen).unwrap().origins,
            ["https://proofs.example.com"]
        );
        let file = dir.path().join("proofline.toml");
        std::fs::write(
            &file,
            "origins = [\"https://a.example.com\", \"https://B.example.com/\"]\n",
        )
        .unwrap();
        let mut a = args(dir.path(), Some(file), StoreArgs::default());
        assert_eq!(
            Settings::resolve(&a, listen).unwrap().origins,
            ["https://a.example.com", "https://b.example.com"]
        );
        a.origins = vec!["http://127.0.0.1:1".into(), "http://127.0.0.1:2".into()];
        assert_eq!(
            Settings::resolve(&a, listen).unwrap().origins,
            ["http://127.0.0.1:1", "http://127.0.0.1:2"]
        );
    }

    #[test]
    fn bad_origins_are_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let listen = "127.0.0.1:7870".parse().unwrap();
        for (origins, says) in [
            (vec!["ftp://a.example"], "not an http"),
            (vec!["https://a.example/studio"], "no path"),
            (
                vec!["https://a.example", "https://a.example/"],
                "listed twice",
            ),
        ] {
            let mut a = args(dir.path(), None, StoreArgs::default());
            a.origins = origins.iter().map(|s| s.to_string()).collect();
            let err = format!("{:#}", Settings::resolve(&a, listen).unwrap_err());
            assert!(
                err.contains("invalid origins") && err.contains(says),
                "{err}"
            );
        }
        let mut a = args(dir.path(), None, StoreArgs::default());
        a.origins = (0..9).map(|i| format!("https://o{i}.example")).collect();
        let err = format!("{:#}", Settings::resolve(&a, listen).unwrap_err());
        assert!(err.contains("at most 8"), "{err}");
    }
}
