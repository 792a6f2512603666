//! Benchmark (run by `cargo xtask bench`, not a test): how many customer
//! choices the origin ingests per second on this machine, in batches of 100,
//! each batch committed durably (SQLite WAL, synchronous=FULL) before it is
//! answered, and the latency of a batch (p50, p99). Real HTTP on loopback,
//! a real SQLite file, then a real PostgreSQL server (fsync on, as in
//! production), and the ratio between them.

use std::time::Instant;

use proofline_core::ImageId;
use proofline_server::origin::Origin;
use proofline_server::publish::{PublishRequest, publish};
use proofline_server::settings::{CommonArgs, Settings, StoreArgs};
use proofline_test_support::ops_client::{BATCH, device, percentile_ms};
use proofline_test_support::{Durability, TempPostgres};

/// Batches each client sends: enough that a run lasts seconds, not a
/// fraction of one (at 50 the ratio moved between 1.6× and 2.2× run to run).
const BATCHES_PER_CLIENT: usize = 200;

/// How many clients send at once, in each run.
const CLIENTS: [usize; 2] = [1, 4];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sqlite = run("SQLite file", None).await?;
    let pg = tokio::task::spawn_blocking(|| TempPostgres::start(Durability::Real)).await??;
    let postgres = run("PostgreSQL", Some(pg.create_database("ingest_bench")?)).await?;
    for (clients, (s, p)) in CLIENTS.iter().zip(sqlite.iter().zip(&postgres)) {
        println!(
            "{clients} client(s): PostgreSQL ingests at {:.0}% of SQLite's rate (SQLite {:.1}× faster)",
            p / s * 100.0,
            s / p
        );
    }
    Ok(())
}

/// One run against `database` (None: SQLite in the data directory);
/// answers ops/s for each of [`CLIENTS`].
async fn run(name: &str, database: Option<String>) -> anyhow::Result<Vec<f64>> {
    let dir = tempfile::tempdir()?;
    // An origin as `proofline serve` starts it (with the embedded store),
    // on any free ports.
    let settings = Settings::resolve(
        &CommonArgs {
            data_dir: dir.path().to_path_buf(),
            database,
            store: StoreArgs {
                store_listen: Some("127.0.0.1:0".parse()?),
                ..StoreArgs::default()
            },
            ..CommonArgs::default()
        },
        // A port of its own: the public URL (and the origins list) name it.
        format!("127.0.0.1:{}", proofline_test_support::free_port()).parse()?,
    )?;
    let server = Origin::start(&settings).await?;
    let origin = server.addr;
    let (db, objects) = (server.db(), server.store());
    let photos = dir.path().join("photos");
    proofline_samples::write_all(&photos, &proofline_samples::demo_set())?;
    let report = publish(
        db,
        objects,
        &PublishRequest {
            dir: photos,
            title: Some("Bench".into()),
            label: String::new(),
            rules: Default::default(),
            offline_window: None,
            destination: Default::default(),
            render: Default::default(),
            ..Default::default()
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
    println!(
        "== op ingestion benchmark (batches of {BATCH}, durable commits, real HTTP + {name}) =="
    );
    println!("clients | ops      | seconds | ops/s   | batch p50 | batch p99");
    let mut rates = Vec::new();
    for clients in CLIENTS {
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
        rates.push(ops as f64 / secs);
        println!(
            "{clients:>7} | {ops:>8} | {secs:>7.2} | {:>7.0} | {:>6.1} ms | {:>6.1} ms",
            ops as f64 / secs,
            percentile_ms(&latencies, 0.50),
            percentile_ms(&latencies, 0.99),
        );
    }
    server.shutdown().await?;
    Ok(rates)
}
