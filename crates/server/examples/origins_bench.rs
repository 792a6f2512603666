//! Benchmark (run by `cargo xtask bench` or `cargo xtask bench origins`, not a
//! test): one origin versus two on one real PostgreSQL server (Debian's, on
//! loopback, default durability: every batch is committed and flushed before
//! it is answered).
//!
//! - op ingestion: 4 customers (each on their own share link), each sending
//!   batches of 100 ops one after another, all to origin A, then split over
//!   A and B: ops/s, batch p50/p99. (One link's batches take turns, wherever
//!   they arrive: its rules are checked against its own state);
//! - manifests: 8 clients fetching a 1,000-photo gallery's manifest (as a
//!   browser asks: compressed), from A alone, then from A and B at once:
//!   requests/s per origin.
//!
//! Both origins run in this process, each with its own connection pool and
//! runtime, as two `proofline serve` processes would; on a 2-core machine
//! they share the cores with PostgreSQL and the clients.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use proofline_core::GalleryId;
use proofline_server::db::Db;
use proofline_server::origin::Origin;
use proofline_server::settings::{CommonArgs, Settings, StoreArgs};
use proofline_test_support::ops_client::{BATCH, device, percentile_ms};
use proofline_test_support::{Durability, TempPostgres, recorded_gallery};

const BATCHES_PER_DEVICE: usize = 25;
const DEVICES: usize = 4;
const MANIFEST_CLIENTS: usize = 8;
const MANIFEST_SECONDS: u64 = 8;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let pg = tokio::task::spawn_blocking(|| TempPostgres::start(Durability::Real)).await??;
    let url = pg.url("proofline");
    // Two origins as two `proofline serve` processes would be: A runs the
    // embedded store, B (`--separate-store`) uses A's; each on any free port.
    let settings = Settings::resolve(
        &CommonArgs {
            data_dir: dir.path().to_path_buf(),
            database: Some(url.clone()),
            store: StoreArgs {
                store_listen: Some("127.0.0.1:0".parse()?),
                ..StoreArgs::default()
            },
            ..CommonArgs::default()
        },
        // A port of its own: the public URL (and the origins list) name it.
        format!("127.0.0.1:{}", proofline_test_support::free_port()).parse()?,
    )?;
    let origin_a = Origin::start(&settings).await?;
    let mut beside = settings.clone();
    beside.store = origin_a.store_settings().clone();
    beside.serve.separate_store = true;
    beside.listen = format!("127.0.0.1:{}", proofline_test_support::free_port()).parse()?;
    let origin_b = Origin::start(&beside).await?;
    let (a, b) = (origin_a.addr, origin_b.addr);
    let studio = Db::connect(&url)?;
    let (gallery, token, images) = recorded_gallery(&studio, "bench-1000", 1_000)?;
    let customers: Vec<String> = (0..DEVICES)
        .map(|d| {
            let (_, token) = studio.create_link(
                &gallery,
                &proofline_server::db::NewLink {
                    label: format!("customer {d}"),
                    ..Default::default()
                },
                proofline_server::unix_now(),
            )?;
            Ok(token.as_str().to_owned())
        })
        .collect::<anyhow::Result<_>>()?;

    println!(
        "== two origins on PostgreSQL ({}, default durability) ==",
        studio.describe()
    );
    println!("op ingestion: {DEVICES} customers x {BATCHES_PER_DEVICE} batches of {BATCH} ops");
    println!("origins | ops    | seconds | ops/s  | batch p50 | batch p99");
    for (round, origins) in [vec![a], vec![a, b]].into_iter().enumerate() {
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for d in 0..DEVICES {
            let target = origins[d % origins.len()];
            let (gallery, token, images) = (gallery.clone(), customers[d].clone(), images.clone());
            let url = format!("http://{target}/api/galleries/{gallery}/ops");
            tasks.spawn(async move {
                let name = format!("r{round}d{d}");
                device(&url, &token, &gallery, &images, &name, BATCHES_PER_DEVICE).await
            });
        }
        let mut latencies = Vec::new();
        while let Some(r) = tasks.join_next().await {
            latencies.extend(r??);
        }
        let secs = started.elapsed().as_secs_f64();
        latencies.sort();
        let ops = DEVICES * BATCHES_PER_DEVICE * BATCH;
        println!(
            "{:>7} | {ops:>6} | {secs:>7.2} | {:>6.0} | {:>6.1} ms | {:>6.1} ms",
            origins.len(),
            ops as f64 / secs,
            percentile_ms(&latencies, 0.50),
            percentile_ms(&latencies, 0.99),
        );
    }

    println!(
        "manifests: {MANIFEST_CLIENTS} clients, 1,000-photo gallery, {MANIFEST_SECONDS} s, zstd"
    );
    println!("origins | origin | requests | req/s  | p50      | p99");
    for origins in [vec![a], vec![a, b]] {
        let until = Instant::now() + Duration::from_secs(MANIFEST_SECONDS);
        let mut tasks = tokio::task::JoinSet::new();
        for c in 0..MANIFEST_CLIENTS {
            let target = origins[c % origins.len()];
            let (gallery, token) = (gallery.clone(), token.clone());
            tasks.spawn(async move { (target, manifests(target, &token, &gallery, until).await) });
        }
        let mut per_origin: Vec<(SocketAddr, Vec<Duration>)> =
            origins.iter().map(|o| (*o, Vec::new())).collect();
        while let Some(r) = tasks.join_next().await {
            let (target, latencies) = r?;
            let entry = per_origin
                .iter_mut()
                .find(|(o, _)| *o == target)
                .context("a client of an origin not measured")?;
            entry.1.extend(latencies?);
        }
        for (i, (_, mut latencies)) in per_origin.into_iter().enumerate() {
            latencies.sort();
            println!(
                "{:>7} | {:>6} | {:>8} | {:>6.1} | {:>5.1} ms | {:>5.1} ms",
                origins.len(),
                ["A", "B"][i],
                latencies.len(),
                latencies.len() as f64 / MANIFEST_SECONDS as f64,
                percentile_ms(&latencies, 0.50),
                percentile_ms(&latencies, 0.99),
            );
        }
    }
    origin_b.shutdown().await?;
    origin_a.shutdown().await?;
    drop(pg);
    Ok(())
}

/// One client fetching the manifest until `until`; each request's latency.
async fn manifests(
    origin: SocketAddr,
    token: &str,
    gallery: &GalleryId,
    until: Instant,
) -> anyhow::Result<Vec<Duration>> {
    let http = reqwest::Client::new();
    let url = format!("http://{origin}/api/galleries/{gallery}");
    let mut latencies = Vec::new();
    while Instant::now() < until {
        let started = Instant::now();
        let resp = http
            .get(&url)
            .bearer_auth(token)
            .header("accept-encoding", "zstd, gzip")
            .send()
            .await?;
        anyhow::ensure!(resp.status() == 200, "manifest refused: {}", resp.status());
        resp.bytes().await?;
        latencies.push(started.elapsed());
    }
    Ok(latencies)
}
