//! Unit tests of [`super::Settings::resolve`]: flags over variables over the
//! file, the embedded store's keys, CloudFront, origins and signing.

use std::path::{Path, PathBuf};

use super::*;
use crate::storage::{DEFAULT_STORE_LISTEN, StoreKind};

fn args(dir: &Path, config: Option<PathBuf>, store: StoreArgs) -> CommonArgs {
    CommonArgs {
        data_dir: dir.to_path_buf(),
        public_url: None,
        database: None,
        origins: Vec::new(),
        config,
        store,
        cloudfront: CloudFrontArgs::default(),
        signing: SigningArgs::default(),
        notify: Default::default(),
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
    let again = Settings::resolve(&args(dir.path(), None, StoreArgs::default()), listen).unwrap();
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
    include_str!("../../../core/tests/fixtures/cloudfront_signed_url_vectors.json");

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
            cloudfront_hash: None,
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
        e.contains("holds a public key") && e.contains("public.pem"),
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

const MORE_VECTORS: &str =
    include_str!("../storage/cloudfront/testdata/cloudfront_sha256_ecdsa_vectors.json");

#[test]
fn the_cloudfront_hash_comes_from_the_flag_over_the_file_and_suits_the_key() {
    use crate::storage::cloudfront::HashAlgorithm;

    let dir = tempfile::tempdir().unwrap();
    let rsa = dir.path().join("rsa.pem");
    std::fs::write(&rsa, fixture_key("private_key_pem_pkcs1")).unwrap();
    let more: serde_json::Value = serde_json::from_str(MORE_VECTORS).unwrap();
    let ec = dir.path().join("ec.pem");
    std::fs::write(
        &ec,
        more["ecdsa_p256"]["private_key_pem_sec1"].as_str().unwrap(),
    )
    .unwrap();
    let config = |key: &str, hash: Option<&str>| {
        let file = dir.path().join("proofline.toml");
        let hash = hash.map_or(String::new(), |h| format!("hash = \"{h}\"\n"));
        std::fs::write(
            &file,
            format!(
                "[cloudfront]\ndomain = \"d1.cloudfront.net\"\nkey_pair_id = \"K1\"\nprivate_key = \"{key}\"\n{hash}"
            ),
        )
        .unwrap();
        file
    };
    let listen = "127.0.0.1:1".parse().unwrap();
    let resolve = |file: PathBuf, flag: Option<HashAlgorithm>| {
        let mut a = args(dir.path(), Some(file), StoreArgs::default());
        a.cloudfront.cloudfront_hash = flag;
        Settings::resolve(&a, listen).map(|s| s.cloudfront.unwrap().signer)
    };
    let url = "https://d1.cloudfront.net/a.jpg";

    let signer = resolve(config("rsa.pem", None), None).unwrap();
    assert_eq!(signer.hash(), HashAlgorithm::Sha1, "CloudFront's default");
    assert!(
        !signer
            .canned_url(url, 2_000_000_000)
            .contains("Hash-Algorithm")
    );
    let signer = resolve(config("rsa.pem", Some("sha256")), None).unwrap();
    assert!(
        signer
            .canned_url(url, 2_000_000_000)
            .ends_with("&Key-Pair-Id=K1&Hash-Algorithm=SHA256")
    );
    let signer = resolve(config("rsa.pem", Some("sha256")), Some(HashAlgorithm::Sha1)).unwrap();
    assert_eq!(signer.hash(), HashAlgorithm::Sha1, "the flag wins");

    let signer = resolve(config("ec.pem", None), None).unwrap();
    assert_eq!(signer.algorithm(), "ECDSA P-256 with SHA-256");
    let e = format!(
        "{:#}",
        resolve(config("ec.pem", Some("sha1")), None).err().unwrap()
    );
    assert!(
        e.contains("only accepts with SHA-256") && e.contains("ec.pem"),
        "{e}"
    );
    let e = format!(
        "{:#}",
        resolve(config("rsa.pem", Some("md5")), None).err().unwrap()
    );
    assert!(
        e.contains("proofline.toml is not valid") && e.contains("expected sha1 or sha256"),
        "{e}"
    );

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        common: CommonArgs,
    }
    let cli = <Cli as clap::Parser>::try_parse_from(["proofline", "--cloudfront-hash", "SHA256"])
        .unwrap();
    assert_eq!(
        cli.common.cloudfront.cloudfront_hash,
        Some(HashAlgorithm::Sha256)
    );
    let e = <Cli as clap::Parser>::try_parse_from(["proofline", "--cloudfront-hash", "md5"])
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("expected sha1 or sha256"), "{e}");
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

#[test]
fn signing_comes_from_flags_over_the_file_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let listen = "127.0.0.1:7870".parse().unwrap();
    let s = Settings::resolve(&args(dir.path(), None, StoreArgs::default()), listen).unwrap();
    assert_eq!(s.signing, SigningPolicy::default());
    let file = dir.path().join("proofline.toml");
    std::fs::write(
        &file,
        "[signing]\nwindow_secs = 600\nurl_validity_secs = 7200\n",
    )
    .unwrap();
    let mut a = args(dir.path(), Some(file), StoreArgs::default());
    let s = Settings::resolve(&a, listen).unwrap();
    assert_eq!(
        (s.signing.window_secs, s.signing.validity_secs),
        (600, 7200)
    );
    assert_eq!(
        s.signing.mirror_validity_secs,
        SigningPolicy::default().mirror_validity_secs
    );
    a.signing.url_validity_secs = Some(3600);
    assert_eq!(
        Settings::resolve(&a, listen).unwrap().signing.validity_secs,
        3600
    );
    a.signing.url_validity_secs = Some(300);
    let err = format!("{:#}", Settings::resolve(&a, listen).unwrap_err());
    assert!(
        err.contains("must be longer than the signing window"),
        "{err}"
    );
}

#[test]
fn the_stores_public_url_is_its_own_host_and_flags_beat_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let listen = "127.0.0.1:7870".parse().unwrap();
    let config = dir.path().join("proofline.toml");
    std::fs::write(
        &config,
        "[store]\nlisten = \"0.0.0.0:7871\"\npublic_url = \"https://photos.example.com/\"\n",
    )
    .unwrap();
    let s = Settings::resolve(
        &args(dir.path(), Some(config.clone()), StoreArgs::default()),
        listen,
    )
    .unwrap();
    assert_eq!(
        s.store.public_url.as_deref(),
        Some("https://photos.example.com")
    );
    // The origin reaches a store listening everywhere through loopback.
    assert_eq!(s.store.endpoint.as_deref(), Some("http://127.0.0.1:7871"));

    let flag = |url: &str| StoreArgs {
        store_public_url: Some(url.into()),
        ..StoreArgs::default()
    };
    let s = Settings::resolve(
        &args(
            dir.path(),
            Some(config),
            flag("https://cdn.example.com:8443"),
        ),
        listen,
    )
    .unwrap();
    assert_eq!(
        s.store.public_url.as_deref(),
        Some("https://cdn.example.com:8443")
    );
    for (bad, why) in [
        ("https://example.com/photos", "has a path"),
        ("http://0.0.0.0:7871", "not an address a browser can reach"),
        ("photos.example.com", "must be http(s)://host[:port]"),
    ] {
        let e = Settings::resolve(&args(dir.path(), None, flag(bad)), listen).unwrap_err();
        assert!(format!("{e:#}").contains(why), "{bad}: {e:#}");
    }
}
