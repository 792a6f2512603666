//! How long a customer waits for a 10,000-photo gallery's manifest (about
//! 12 MB of JSON): the first request of a signing window, or the first after
//! the gallery changed, signs and serialises every photo; the requests after
//! it reuse them (`signing::cache`). Also what a request is made of, and
//! the memory a cached gallery takes. Real HTTP on loopback, a SQLite file,
//! the embedded store. Prints numbers; never fails on them.
//! `cargo run -p proofline-server --example manifest_bench` (part of
//! `cargo xtask bench`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use proofline_core::downloads::Downloads;
use proofline_core::expiry::signing_window;
use proofline_server::signing::mirror::mirror_key;
use proofline_server::signing::{ManifestCache, manifest_head, sign_images};
use proofline_test_support::ops_client::percentile_ms;
use proofline_test_support::{Backend, Harness, recorded_gallery};

const PHOTOS: usize = 10_000;
/// First requests measured, each after a change to the gallery.
const FIRSTS: usize = 5;
/// Requests measured after each first one.
const CACHED: usize = 20;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // An origin as the tests start it: `Origin::start`, a SQLite file, the
    // embedded store.
    let h = Harness::start(Backend::Embedded).await;
    let (db, store) = (h.db.clone(), h.store.clone());
    let (gallery, token, _) = recorded_gallery(&db, "bench-10000", PHOTOS)?;

    println!("== a {PHOTOS}-photo gallery's manifest (SQLite, embedded store, loopback HTTP) ==");
    let policy = h.config.signing;
    let window = signing_window(
        proofline_server::unix_now(),
        policy.window_secs,
        policy.validity_secs,
    );
    let read = median(5, || {
        db.gallery(&gallery)?;
        Ok(())
    })?;
    let stored = db.gallery(&gallery)?.expect("recorded");
    let mut signed = Vec::new();
    let mut signing = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        signed = sign_images(&store, &stored.images, window, Downloads::None).await?;
        signing.push(started.elapsed());
    }
    signing.sort();
    let mut manifest = manifest_head(&store, &stored, proofline_server::unix_now());
    manifest.images = signed;
    let (mut size, mut compact_size) = (0, 0);
    let serialising = median(3, || {
        size = manifest.to_full_json().len();
        Ok(())
    })?;
    let compacting = median(3, || {
        compact_size = manifest.to_json().len();
        Ok(())
    })?;
    let validating = median(3, || Ok(manifest.validate()?))?;
    // What the app does with the answer (natively: a phone's wasm is slower).
    let compact_text = manifest.to_json();
    let reading = median(3, || {
        proofline_core::Manifest::from_json(&compact_text)?;
        Ok(())
    })?;
    let again = db.gallery(&gallery)?.expect("recorded");
    let comparing = median(5, || {
        anyhow::ensure!(again == stored, "the gallery changed");
        Ok(())
    })?;
    // What a cached request does instead of signing and serialising.
    let head = manifest_head(&store, &stored, proofline_server::unix_now());
    let kept = ManifestCache::default();
    let images = kept
        .images(&store, &Arc::new(stored.clone()), window, Downloads::None)
        .await?;
    let splicing = median(5, || {
        images.manifest_json(&head, true, false)?;
        Ok(())
    })?;
    println!("what a request without the cache does, each part alone (median):");
    println!("  read the gallery from SQLite:  {:>7.1} ms", ms(read));
    println!(
        "  sign {} URLs:              {:>7.1} ms",
        PHOTOS * 2,
        ms(signing[1])
    );
    println!(
        "  validate the manifest:         {:>7.1} ms",
        ms(validating)
    );
    println!(
        "  serialise it in full ({:.1} MB, {} B a photo):      {:>7.1} ms",
        size as f64 / 1e6,
        size / PHOTOS,
        ms(serialising)
    );
    println!(
        "  serialise it compact ({:.1} MB, {} B a photo):       {:>7.1} ms",
        compact_size as f64 / 1e6,
        compact_size / PHOTOS,
        ms(compacting)
    );
    println!(
        "  read it compact, as the app does (parse, expand, validate): {:>5.1} ms",
        ms(reading)
    );
    println!("what a cached request does instead of signing, validating, serialising:");
    println!(
        "  compare the gallery read with the one kept: {:>5.1} ms",
        ms(comparing)
    );
    println!(
        "  splice the kept photos into the manifest:    {:>5.1} ms",
        ms(splicing)
    );

    // The link's first request writes its mirror in the background: let it
    // land before measuring, so it competes with nothing measured.
    let http = &h.http;
    let url = format!("http://{}/api/galleries/{gallery}", h.origin);
    get(http, &url, &token, "identity").await?;
    let link = proofline_server::secret::token_hash(&token);
    while store.size_of(&mirror_key(&gallery, &link)).await?.is_none() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    println!(
        "requests ({FIRSTS} first ones, each after a change to the gallery; {CACHED} cached after each):"
    );
    println!(
        "form    | encoding | body        | first p50 | first max | cached p50 | cached p99 | signings"
    );
    for (form, encoding) in [
        ("full", "identity"),
        ("full", "gzip"),
        ("compact", "identity"),
        ("compact", "zstd"),
        ("compact", "gzip"),
        // What the app asks first: the first screen's photos.
        ("first", "identity"),
        ("first", "zstd"),
    ] {
        let url = match form {
            "compact" => format!("{url}?form=compact"),
            "first" => format!("{url}?form=compact&part=first"),
            _ => url.clone(),
        };
        let (mut first, mut cached) = (Vec::new(), Vec::new());
        let before = h.server().manifest_cache().stats().signings;
        let mut body = 0;
        for round in 0..FIRSTS {
            // Locking (or unlocking) changes the gallery: the next request
            // signs again.
            let lock = (round % 2 == 0).then(proofline_server::unix_now);
            db.set_locked(&gallery, lock)?;
            let (took, bytes) = get(http, &url, &token, encoding).await?;
            first.push(took);
            body = bytes;
            for _ in 0..CACHED {
                cached.push(get(http, &url, &token, encoding).await?.0);
            }
        }
        first.sort();
        cached.sort();
        println!(
            "{form:>7} | {encoding:>8} | {:>8.1} kB | {:>6.1} ms | {:>6.1} ms | {:>7.1} ms | {:>7.1} ms | {}",
            body as f64 / 1e3,
            percentile_ms(&first, 0.5),
            percentile_ms(&first, 1.0),
            percentile_ms(&cached, 0.5),
            percentile_ms(&cached, 0.99),
            h.server().manifest_cache().stats().signings - before,
        );
    }
    let stats = h.server().manifest_cache().stats();
    println!(
        "memory counted for the cached gallery: {:.1} MB ({} entry; the photos' JSON, in full and compact, {:.1} MB, the rest the gallery kept to compare with)",
        stats.bytes as f64 / 1e6 / stats.entries.max(1) as f64,
        stats.entries,
        json_images(&manifest)? as f64 / 1e6,
    );
    Ok(())
}

/// One request: how long until the whole body arrived, and its size.
async fn get(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    encoding: &str,
) -> anyhow::Result<(Duration, usize)> {
    let started = Instant::now();
    let resp = http
        .get(url)
        .bearer_auth(token)
        .header("accept-encoding", encoding)
        .send()
        .await?;
    anyhow::ensure!(resp.status() == 200, "manifest refused: {}", resp.status());
    let body = resp.bytes().await?;
    Ok((started.elapsed(), body.len()))
}

fn median(n: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        f()?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[n / 2])
}

/// The photos' JSON the cache keeps: in full and compact.
fn json_images(manifest: &proofline_core::Manifest) -> anyhow::Result<usize> {
    let compact = proofline_core::manifest::compact::Photos::of(&manifest.images);
    Ok(serde_json::to_string(&manifest.images)?.len() + serde_json::to_string(&compact)?.len())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
