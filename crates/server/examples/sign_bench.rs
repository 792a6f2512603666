//! How long the origin takes to sign a 10,000-photo gallery's URLs (20,000
//! SigV4 presigned GETs, a thumb and a proof each), as a manifest request
//! does the first time in a signing window: our own signer
//! (`storage::sigv4`, one signing key per day) against the AWS SDK's
//! presigner, which it replaced. Prints numbers; never fails on them.
//! `cargo run -p proofline-server --example sign_bench` (part of
//! `cargo xtask bench`).

use std::time::{Duration, Instant, UNIX_EPOCH};

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::presigning::PresigningConfig;
use proofline_core::expiry::signing_window;
use proofline_server::storage::store::ObjectStore;
use proofline_server::storage::{StoreKind, StoreSettings};

const URLS: usize = 20_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let settings = StoreSettings {
        public_url: None,
        kind: StoreKind::External,
        endpoint: Some("http://127.0.0.1:7871".into()),
        region: "proofline".into(),
        bucket: "proofline".into(),
        prefix: String::new(),
        path_style: true,
        credentials: Some(("GKbench".into(), "bench-secret".into())),
    };
    let store = ObjectStore::connect(&settings).await?;
    let now = proofline_server::unix_now();
    let window = signing_window(now, 3600, 6 * 3600);
    let keys: Vec<String> = (0..URLS)
        .map(|i| {
            format!(
                "galleries/g1/{:016x}/{}.jpg",
                i / 2,
                ["thumb", "proof"][i % 2]
            )
        })
        .collect();

    let start = Instant::now();
    for key in &keys {
        std::hint::black_box(store.presign_get(key, window).await?);
    }
    let ours = start.elapsed();

    // The AWS SDK's presigner on the same keys (what the origin used before).
    let config = aws_sdk_s3::config::Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("proofline"))
        .endpoint_url("http://127.0.0.1:7871")
        .force_path_style(true)
        .credentials_provider(Credentials::new(
            "GKbench",
            "bench-secret",
            None,
            None,
            "bench",
        ))
        .build();
    let client = aws_sdk_s3::Client::from_conf(config);
    let presigning = PresigningConfig::builder()
        .start_time(UNIX_EPOCH + Duration::from_secs(window.start as u64))
        .expires_in(Duration::from_secs(
            (window.expires_at - window.start) as u64,
        ))
        .build()?;
    let sample = keys.len() / 10;
    let start = Instant::now();
    for key in &keys[..sample] {
        let request = client
            .get_object()
            .bucket("proofline")
            .key(key)
            .presigned(presigning.clone())
            .await?;
        std::hint::black_box(request.uri());
    }
    let sdk = start.elapsed() * (keys.len() / sample) as u32;

    println!("signing a 10,000-photo gallery ({URLS} presigned GETs):");
    println!(
        "  proofline's signer: {:>8.1} ms  ({:.1} µs a URL)",
        ours.as_secs_f64() * 1e3,
        ours.as_secs_f64() * 1e6 / URLS as f64
    );
    println!(
        "  AWS SDK presigner:  {:>8.1} ms  (estimated from {sample} URLs)",
        sdk.as_secs_f64() * 1e3
    );
    Ok(())
}
