//! `cargo xtask bench`: the benchmarks, which print numbers (never pass or
//! fail on timings): the apps' sizes and what the customer's wasm is made
//! of, the grid in headless Chromium at 100, 1,000 and 10,000 photos (as
//! it is, and on an emulated phone beside a plain `<img>` page), op
//! ingestion on SQLite and PostgreSQL, signing, a 10,000-photo manifest,
//! one origin against two, and publishing against npm sharp.

use std::process::Command;

use anyhow::bail;

use crate::{
    SCALE_COUNTS, build_client, build_server, bundle, cargo, publish_bench, root, run,
    scale_samples, setup, step, target_dir, tool_path, wasm_items, write_samples,
};

/// Builds both apps and prints their sizes and what the customer's is made of.
fn app_size() -> anyhow::Result<()> {
    build_client()?;
    step("the apps' download sizes", || {
        bundle::check(&root().join("dist"))?;
        wasm_items::print_largest(
            &target_dir().join("wasm32-unknown-unknown/wasm-release/proofline-client.wasm"),
            20,
        )
    })
}

/// Benchmarks in real headless Chromium against a real studio; they print
/// numbers (not pass/fail on timings).
pub fn all(args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        None => {}
        Some("publish") => return publish_bench::run(),
        Some("origins") => return origins_bench(),
        Some("manifest") => return manifest_bench(),
        Some("size") => {
            setup::install(setup::Needs::Build)?;
            return app_size();
        }
        Some(other) => {
            bail!(
                "unknown benchmark {other:?} (those run alone are `publish`, `origins`, `manifest` and `size`)"
            )
        }
    }
    setup::install(setup::Needs::All)?;
    app_size()?;
    let bin = build_server()?;
    let samples = target_dir().join("bench-samples");
    step("generate sample photos", || {
        if samples.exists() {
            std::fs::remove_dir_all(&samples)?;
        }
        write_samples(&samples, &proofline_samples::demo_set())
    })?;
    let scale = step(
        "generate the grid benchmark's galleries (100, 1,000 and 10,000 photos)",
        || {
            SCALE_COUNTS
                .iter()
                .map(|&n| Ok((n, scale_samples(n)?)))
                .collect::<anyhow::Result<Vec<_>>>()
        },
    )?;
    step("benchmarks (headless Chromium)", || {
        let mut playwright = Command::new("npx");
        playwright
            .args(["playwright", "test", "--config", "bench.config.ts"])
            .current_dir(root().join("e2e"))
            .env("PATH", tool_path())
            .env("PROOFLINE_BIN", &bin)
            .env("PROOFLINE_CLIENT_DIR", root().join("dist"))
            .env("PROOFLINE_SAMPLES", &samples);
        for (count, dir) in &scale {
            playwright.env(format!("PROOFLINE_SCALE_{count}"), dir);
        }
        run(&mut playwright)
    })?;
    server_example(
        "op ingestion benchmark (origin + SQLite, then PostgreSQL)",
        "ingest_bench",
    )?;
    server_example("signing a 10,000-photo gallery's URLs", "sign_bench")?;
    manifest_bench()?;
    origins_bench()?;
    publish_bench::run()
}

/// Runs one of the server's benchmarks (`crates/server/examples/`) as a
/// step: it prints its own numbers.
fn server_example(title: &str, example: &str) -> anyhow::Result<()> {
    step(title, || {
        run(cargo().args(["run", "-q", "-p", "proofline-server", "--example", example]))
    })
}

/// A 10,000-photo gallery's manifest requests: the first of a signing
/// window against the ones after it, which reuse its signed photos.
fn manifest_bench() -> anyhow::Result<()> {
    server_example(
        "a 10,000-photo manifest: first and cached",
        "manifest_bench",
    )
}

/// One origin versus two on PostgreSQL: ops/s, batch p99, manifests/s.
fn origins_bench() -> anyhow::Result<()> {
    setup::install(setup::Needs::All)?;
    server_example("two origins on PostgreSQL", "origins_bench")
}
