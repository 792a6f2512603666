//! `proofline doctor` against real stores: a Garage node with a fresh bucket
//! (no CORS rule), the embedded store, which doctor starts itself when
//! nothing listens, and a store whose key may not delete.

use std::path::Path;

use proofline_server::doctor::{CheckId, Report, Status, run};
use proofline_server::settings::Settings;
use proofline_server::storage::ObjectStore;
use proofline_server::storage::{StoreKind, StoreSettings};
use proofline_test_support::{
    Backend, FaultyStore, Garage, Harness, cloudfront_fixture, free_port,
};

const APP_ORIGIN: &str = "http://127.0.0.1:7870";

fn garage_settings(dir: &Path, garage: &Garage) -> Settings {
    Settings {
        data_dir: dir.to_path_buf(),
        listen: "127.0.0.1:7870".parse().unwrap(),
        public_url: format!("{APP_ORIGIN}/"),
        database: String::new(),
        origins: vec![APP_ORIGIN.into()],
        store: StoreSettings {
            public_url: None,
            kind: StoreKind::External,
            endpoint: Some(format!("http://{}", garage.s3)),
            region: "garage".into(),
            bucket: "proofline".into(),
            prefix: "studio-a/".into(),
            path_style: true,
            credentials: Some((garage.key_id.clone(), garage.secret.clone())),
        },
        cloudfront: None,
        signing: Default::default(),
        notify: Default::default(),
        serve: Default::default(),
    }
}

fn status(report: &Report, id: CheckId) -> Status {
    report
        .get(id)
        .unwrap_or_else(|| panic!("no {id:?} check in:\n{report}"))
        .status
}

fn found(report: &Report, id: CheckId) -> &str {
    &report.get(id).unwrap().found
}

/// Objects under the store's prefix (doctor must leave none behind).
async fn objects(settings: &StoreSettings) -> Vec<String> {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        // The SDK is built without a default HTTP client; the store is plain
        // HTTP on loopback.
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .region(aws_sdk_s3::config::Region::new(settings.region.clone()))
        .endpoint_url(settings.endpoint.clone().unwrap())
        .force_path_style(true)
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            settings.credentials.clone().unwrap().0,
            settings.credentials.clone().unwrap().1,
            None,
            None,
            "test",
        ))
        .build();
    let out = aws_sdk_s3::Client::from_conf(conf)
        .list_objects_v2()
        .bucket(&settings.bucket)
        .send()
        .await
        .unwrap();
    out.contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_finds_a_fresh_garage_bucket_without_cors_and_fix_sets_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let garage = Garage::start(&dir.path().join("garage"));
    let settings = garage_settings(dir.path(), &garage);

    let first = run(&settings, false).await.unwrap();
    assert!(!first.passed(), "{first}");
    assert_eq!(status(&first, CheckId::Bucket), Status::Pass, "{first}");
    assert_eq!(status(&first, CheckId::RoundTrip), Status::Pass, "{first}");
    assert_eq!(status(&first, CheckId::Cors), Status::Fail, "{first}");
    assert!(first.get(CheckId::CloudFront).is_none(), "not configured");
    let cors = found(&first, CheckId::Cors);
    assert!(
        cors.contains("no CORS rule lets http://127.0.0.1:7870 read images")
            && cors.contains("without Access-Control-Allow-Origin")
            && cors.contains("the bucket has no CORS rule"),
        "{cors}"
    );
    let fix = first.get(CheckId::Cors).unwrap().fix.as_deref().unwrap();
    assert!(fix.contains("proofline doctor --fix"), "{fix}");
    let text = first.to_string();
    assert!(
        text.contains("✓ bucket: ") && text.contains("✗ CORS: "),
        "{text}"
    );

    let fixed = run(&settings, true).await.unwrap();
    assert!(fixed.passed(), "{fixed}");
    assert_eq!(status(&fixed, CheckId::Cors), Status::Fixed, "{fixed}");

    let again = run(&settings, false).await.unwrap();
    assert!(again.passed(), "{again}");
    for id in [
        CheckId::Bucket,
        CheckId::RoundTrip,
        CheckId::Cors,
        CheckId::Delete,
    ] {
        assert_eq!(status(&again, id), Status::Pass, "{id:?}:\n{again}");
    }
    assert!(
        objects(&settings.store).await.is_empty(),
        "the test objects were deleted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_fix_keeps_the_rules_of_other_origins() {
    let dir = tempfile::tempdir().unwrap();
    let garage = Garage::start(&dir.path().join("garage"));
    let settings = garage_settings(dir.path(), &garage);
    let store = ObjectStore::connect(&settings.store).await.unwrap();
    store.ensure_cors("https://other.example").await.unwrap();

    let before = run(&settings, false).await.unwrap();
    assert_eq!(status(&before, CheckId::Cors), Status::Fail, "{before}");
    let cors = found(&before, CheckId::Cors);
    assert!(
        cors.contains("the bucket's CORS rules allow https://other.example to GET/HEAD"),
        "{cors}"
    );

    let fixed = run(&settings, true).await.unwrap();
    assert_eq!(status(&fixed, CheckId::Cors), Status::Fixed, "{fixed}");
    let rules = store.cors_rules().await.unwrap().unwrap();
    let origins: Vec<_> = rules.iter().map(|r| r.allowed_origins.clone()).collect();
    assert_eq!(
        origins,
        [
            vec!["https://other.example".to_owned()],
            vec![APP_ORIGIN.to_owned()]
        ]
    );
    // Fixing twice does not pile up rules.
    store.ensure_cors(APP_ORIGIN).await.unwrap();
    assert_eq!(store.cors_rules().await.unwrap().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_tells_a_missing_bucket_wrong_keys_and_a_dead_endpoint_apart() {
    let dir = tempfile::tempdir().unwrap();
    let garage = Garage::start(&dir.path().join("garage"));
    let good = garage_settings(dir.path(), &garage);

    let mut missing = good.clone();
    missing.store.bucket = "no-such-bucket".into();
    let report = run(&missing, true).await.unwrap();
    assert_eq!(status(&report, CheckId::Bucket), Status::Fail, "{report}");
    assert!(
        found(&report, CheckId::Bucket).contains("bucket no-such-bucket does not exist"),
        "{report}"
    );
    for id in [CheckId::RoundTrip, CheckId::Cors, CheckId::Delete] {
        assert_eq!(status(&report, id), Status::NotRun, "{report}");
    }
    assert!(!report.passed());

    let mut wrong_secret = good.clone();
    wrong_secret.store.credentials = Some((garage.key_id.clone(), "0".repeat(64)));
    let report = run(&wrong_secret, false).await.unwrap();
    let bucket = report.get(CheckId::Bucket).unwrap();
    assert_eq!(bucket.status, Status::Fail, "{report}");
    assert!(
        bucket
            .found
            .starts_with("access denied to bucket proofline"),
        "{report}"
    );
    assert!(
        bucket.fix.as_deref().unwrap().contains("AWS_ACCESS_KEY_ID"),
        "{report}"
    );

    let mut dead = good.clone();
    dead.store.endpoint = Some(format!("http://127.0.0.1:{}", free_port()));
    let report = run(&dead, false).await.unwrap();
    assert_eq!(status(&report, CheckId::Bucket), Status::Fail, "{report}");
    assert!(
        found(&report, CheckId::Bucket).starts_with(&format!(
            "cannot connect to {}",
            dead.store.endpoint.as_deref().unwrap()
        )),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_against_the_embedded_store_it_starts_itself() {
    let dir = tempfile::tempdir().unwrap();
    let listen = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        listen: "127.0.0.1:7870".parse().unwrap(),
        public_url: APP_ORIGIN.into(),
        database: String::new(),
        origins: vec![APP_ORIGIN.into()],
        store: StoreSettings {
            public_url: None,
            kind: StoreKind::Embedded { listen },
            endpoint: Some(format!("http://{listen}")),
            region: "us-east-1".into(),
            bucket: "proofline".into(),
            prefix: String::new(),
            path_style: true,
            credentials: Some(
                proofline_server::storage::embedded::credentials(dir.path()).unwrap(),
            ),
        },
        cloudfront: None,
        signing: Default::default(),
        notify: Default::default(),
        serve: Default::default(),
    };
    let report = run(&settings, false).await.unwrap();
    assert!(report.passed(), "{report}");
    assert_eq!(report.checks.len(), 4, "{report}");
    assert!(
        found(&report, CheckId::Bucket).contains("doctor started the embedded store"),
        "{report}"
    );
    assert_eq!(status(&report, CheckId::Cors), Status::Pass, "{report}");
    assert_eq!(status(&report, CheckId::Delete), Status::Pass, "{report}");
    assert!(report.to_string().contains("✓ delete: "), "{report}");
    // It stopped the store again, and left no test object on disk.
    assert!(tokio::net::TcpStream::connect(listen).await.is_err());
    let leftovers: Vec<_> = walk(&dir.path().join("objects/proofline"));
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A store started for another app origin is named, with the way out.
    let other = proofline_server::storage::embedded::EmbeddedStore::start(
        dir.path(),
        listen,
        &["https://proofs.example.com".to_owned()],
    )
    .await
    .unwrap();
    let report = run(&settings, true).await.unwrap();
    other.stop().await;
    let cors = report.get(CheckId::Cors).unwrap();
    assert_eq!(cors.status, Status::Fail, "{report}");
    assert!(
        cors.found.contains("the store does not report CORS rules"),
        "{report}"
    );
    assert!(
        cors.fix
            .as_deref()
            .unwrap()
            .contains("--public-url http://127.0.0.1:7870"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_says_what_a_key_that_may_not_delete_costs_and_how_to_fix_it() {
    let h = Harness::start(Backend::Embedded).await;
    // The store behind a proxy answering AccessDenied to every DELETE, as S3
    // does for a key without s3:DeleteObject.
    let proxy = FaultyStore::start(&h.settings).await;
    proxy.deny_deletes();
    let mut settings = h.config.clone();
    settings.store = proxy.settings().clone();

    let report = run(&settings, false).await.unwrap();
    assert!(!report.passed(), "{report}");
    for id in [CheckId::Bucket, CheckId::RoundTrip, CheckId::Cors] {
        assert_eq!(status(&report, id), Status::Pass, "{id:?}:\n{report}");
    }
    let delete = report.get(CheckId::Delete).unwrap();
    assert_eq!(delete.status, Status::Fail, "{report}");
    assert!(
        delete
            .found
            .contains("the store refused to delete the test object")
            && delete.found.contains("AccessDenied")
            && delete
                .found
                .contains("revoking a link cannot delete its offline copy"),
        "{report}"
    );
    assert!(
        delete
            .fix
            .as_deref()
            .unwrap()
            .contains("allow the key s3:DeleteObject on proofline/"),
        "{report}"
    );
    assert!(report.to_string().contains("✗ delete: "), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_says_when_cloudfront_cannot_be_reached() {
    let dir = tempfile::tempdir().unwrap();
    let listen = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let key = dir.path().join("cf.pem");
    std::fs::write(&key, cloudfront_fixture("private_key_pem_pkcs1")).unwrap();
    let dead = format!("127.0.0.1:{}", free_port());
    let settings = Settings {
        data_dir: dir.path().to_path_buf(),
        listen: "127.0.0.1:7870".parse().unwrap(),
        public_url: APP_ORIGIN.into(),
        database: String::new(),
        origins: vec![APP_ORIGIN.into()],
        store: StoreSettings {
            public_url: None,
            kind: StoreKind::Embedded { listen },
            endpoint: Some(format!("http://{listen}")),
            region: "us-east-1".into(),
            bucket: "proofline".into(),
            prefix: String::new(),
            path_style: true,
            credentials: Some(
                proofline_server::storage::embedded::credentials(dir.path()).unwrap(),
            ),
        },
        cloudfront: Some(
            proofline_server::storage::CloudFrontSettings::load(&dead, "K2JCJMDEHXQW5F", &key)
                .unwrap(),
        ),
        signing: Default::default(),
        notify: Default::default(),
        serve: Default::default(),
    };
    let report = run(&settings, false).await.unwrap();
    assert!(!report.passed(), "{report}");
    for id in [CheckId::Bucket, CheckId::RoundTrip, CheckId::Cors] {
        assert_eq!(status(&report, id), Status::Pass, "{id:?}:\n{report}");
    }
    let cf = report.get(CheckId::CloudFront).unwrap();
    assert_eq!(cf.status, Status::Fail, "{report}");
    assert!(
        cf.found
            .starts_with(&format!("cannot reach https://{dead}"))
            && cf.found.contains("fall back to the S3 URLs"),
        "{report}"
    );
    assert!(
        cf.fix
            .as_deref()
            .unwrap()
            .contains("PROOFLINE_CLOUDFRONT_DOMAIN")
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
