//! Benchmark (run by `cargo xtask bench`, not a test): how many customer
//! choices the origin ingests per second on this machine, in batches of 100,
//! each batch committed durably (SQLite WAL, synchronous=FULL) before it is
//! answered, and the latency of a batch (p50, p99). Real HTTP on loopback,
//! a real SQLite file.

use std::time::Instant;

use proofline_core::ImageId;
use proofline_server::api::{AppState, SigningPolicy, router};
use proofline_server::config::{StoreKind, StoreSettings};
use proofline_server::db::Db;
use proofline_server::embedded::EmbeddedStore;
use proofline_server::publish::{PublishRequest, publish};
use proofline_server::store::ObjectStore;

#[path = "shared/ops_client.rs"]
mod ops_client;

use ops_client::{BATCH, device, percentile_ms};

const BATCHES_PER_CLIENT: usize = 50;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = listener.local_addr()?;
    let store = EmbeddedStore::start(
        dir.path(),
        "127.0.0.1:0".parse()?,
        &[format!("http://{origin}")],
    )
    .await?;
    let settings = StoreSettings {
        kind: StoreKind::Embedded { listen: store.addr },
        endpoint: Some(format!("http://{}", store.addr)),
        region: "us-east-1".into(),
        bucket: "proofline".into(),
        prefix: String::new(),
        path_style: true,
        credentials: Some(proofline_server::embedded::credentials(dir.path())?),
    };
    let objects = ObjectStore::connect(&settings).await?;
    let db = Db::open(&dir.path().join("proofline.sqlite3"))?;
    let photos = dir.path().join("photos");
    proofline_samples::write_all(&photos, &proofline_samples::demo_set())?;
    let report = publish(
        &db,
        &objects,
        &PublishRequest {
            dir: photos,
            title: Some("Bench".into()),
            label: String::new(),
            rules: Default::default(),
            destination: Default::default(),
            render: Default::default(),
        },
    )
    .await?;
    let images: Vec<ImageId> = db
        .gallery(&report.gallery)?
        .expect("published")
        .images
        .into_iter()
        .map(|i| i.id)
        .collect();
    let state = AppState {
        db,
        store: objects,
        signing: SigningPolicy::default(),
        mirrors: Default::default(),
    };
    tokio::spawn(async move { axum::serve(listener, router(state, None)).await });

    println!(
        "== op ingestion benchmark (batches of {BATCH}, durable commits, real HTTP + SQLite file) =="
    );
    println!("clients | ops      | seconds | ops/s   | batch p50 | batch p99");
    for clients in [1, 4] {
        let url = format!(
            "http://{origin}/api/galleries/{}/ops",
            report.gallery.as_str()
        );
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for c in 0..clients {
            let (url, token, gallery, images) = (
                url.clone(),
                report
                    .token
                    .as_ref()
                    .expect("a new gallery")
                    .as_str()
                    .to_owned(),
                report.gallery.clone(),
                images.clone(),
            );
            tasks.spawn(async move {
                device(
                    &url,
                    &token,
                    &gallery,
                    &images,
                    &format!("bench-{clients}-{c}"),
                    BATCHES_PER_CLIENT,
                )
                .await
            });
        }
        let mut latencies = Vec::new();
        while let Some(r) = tasks.join_next().await {
            latencies.extend(r??);
        }
        let secs = started.elapsed().as_secs_f64();
        latencies.sort();
        let ops = clients * BATCHES_PER_CLIENT * BATCH;
        println!(
            "{clients:>7} | {ops:>8} | {secs:>7.2} | {:>7.0} | {:>6.1} ms | {:>6.1} ms",
            ops as f64 / secs,
            percentile_ms(&latencies, 0.50),
            percentile_ms(&latencies, 0.99),
        );
    }
    store.stop().await;
    Ok(())
}
