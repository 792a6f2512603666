//! `cargo xtask <command>`: every workflow of the project in one place.
//!
//! - `setup`: install what is missing (idempotent; skips what is present at the
//!   right version). Nothing is downloaded from GitHub.
//! - `demo`: build, start `proofline serve`, publish sample photos, print the link.
//! - `test`: every test: native unit/integration (embedded store and Garage) and
//!   browser end-to-end in headless Chromium.
//! - `lint`: cargo deny (licences, duplicate crates), rustfmt and clippy
//!   (`-D warnings`), native and wasm.
//! - `bench`: benchmarks in headless Chromium (offline cache; the grid at
//!   100, 1,000 and 10,000 photos), of op ingestion, of a 10,000-photo
//!   manifest request (first in a signing window and cached), and of
//!   publishing's image pipeline against npm sharp; they print numbers.
//!   `bench publish` runs only the last (`bench origins` and `bench
//!   manifest` run theirs alone).
//! - `fuzz [--secs N] [TARGET]`: the parsers' fuzz targets (`fuzz/`), N
//!   seconds each (60 unless given); a crash fails it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{Context as _, bail};

mod bench;
mod bundle;
mod cargo_env;
mod fuzz;
mod pages;
mod precompress;
mod publish_bench;
mod setup;
mod wasm_items;
mod words;

const DEMO_LISTEN: &str = "127.0.0.1:7870";
const DEMO_STORE_LISTEN: &str = "127.0.0.1:7871";

fn main() {
    cargo_env::forget_cargo_run_env();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::install(setup::Needs::All),
        Some("demo") => demo(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("lint") => lint(),
        Some("bench") => bench::all(&args[1..]),
        Some("fuzz") => fuzz::run_targets(&args[1..]),
        Some("samples") => samples(&args[1..]),
        Some("build-client") => build_client(),
        _ => {
            eprintln!(
                "usage: cargo xtask <setup | demo [--listen ADDR] [--store-listen ADDR] | test [--no-e2e] | bench [publish] | fuzz [--secs N] [TARGET] | lint | build-client | samples DIR [--count N [--size WxH]]>"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (CI keeps one
/// outside the clone, so compiled dependencies survive between runs), else
/// `target/` in the workspace. Generated samples live there too.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Runs a step, printing its name and how long it took.
pub fn step<T>(name: &str, f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<T> {
    println!("==> {name}");
    let start = Instant::now();
    let r = f();
    let took = start.elapsed().as_secs_f64();
    match &r {
        Ok(_) => println!("    {name}: done in {took:.1}s"),
        Err(_) => println!("    {name}: FAILED after {took:.1}s"),
    }
    r
}

/// Runs a command to completion, failing with its name if it fails.
pub fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {:?}", cmd.get_program()))?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}

/// PATH with the project's own tool folders first (npm binaries, cargo bin).
pub fn tool_path() -> String {
    let mut dirs = vec![root().join("e2e/node_modules/.bin"), setup::cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs)
        .expect("paths without separators")
        .to_string_lossy()
        .into_owned()
}

pub(crate) fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root()).env("PATH", tool_path());
    c
}

/// The two browser apps (trunk, release, wasm-opt): the customer's
/// (`index.html`) into `dist`, then the studio's (`studio.html`) into
/// `dist/studio`, served under `/studio/`. In that order: Trunk replaces its
/// whole dist directory, so the customer's build would remove the studio's.
pub(crate) fn build_client() -> anyhow::Result<()> {
    step(
        "build the customer's app (trunk, release, wasm-opt)",
        || {
            run(Command::new("trunk")
                .args(["build", "--release"])
                .current_dir(root())
                .env("PATH", tool_path()))
        },
    )?;
    step(
        "the catalogue's words in dist/index.html and dist/sw.js",
        || pages::write(&root().join("dist")),
    )?;
    step("build the studio's app into dist/studio", || {
        run(Command::new("trunk")
            .args(["build", "--release", "--dist", "dist/studio"])
            .args(["--public-url", proofline_core::route::STUDIO_APP_PATH])
            .arg("studio.html")
            .current_dir(root())
            .env("PATH", tool_path()))
    })?;
    step(
        "compressed copies of the apps' content-named files (brotli, gzip)",
        || {
            let files = precompress::write(&root().join("dist"))?;
            anyhow::ensure!(
                files >= 6,
                "expected the wasm, JS and CSS of both apps, compressed {files} files"
            );
            Ok(())
        },
    )
}

pub(crate) fn build_server() -> anyhow::Result<PathBuf> {
    step("build the proofline server", || {
        run(cargo().args(["build", "-p", "proofline-server", "--bin", "proofline"]))
    })?;
    Ok(target_dir().join("debug/proofline"))
}

fn flag(args: &[String], name: &str, default: &str) -> String {
    args.windows(2)
        .find(|w| w[0] == name)
        .map(|w| w[1].clone())
        .unwrap_or_else(|| default.to_string())
}

fn demo(args: &[String]) -> anyhow::Result<()> {
    let listen = flag(args, "--listen", DEMO_LISTEN);
    let store_listen = flag(args, "--store-listen", DEMO_STORE_LISTEN);
    setup::install(setup::Needs::Build)?;
    build_client()?;
    let bin = build_server()?;

    let data = target_dir().join("demo");
    let photos = data.join("sample photos");
    step("generate sample photos", || {
        if data.exists() {
            std::fs::remove_dir_all(&data).context("clearing the previous demo")?;
        }
        write_samples(&photos, &proofline_samples::demo_set())
    })?;

    // Ctrl-C reaches the server too (same process group); we only wait for it.
    ctrlc::set_handler(|| println!("\nStopping…")).context("installing the Ctrl-C handler")?;
    let common = |c: &mut Command| {
        c.arg("--listen")
            .arg(&listen)
            .arg("--store-listen")
            .arg(&store_listen)
            .arg("--data-dir")
            .arg(data.join("data"));
    };
    let mut serve = Command::new(&bin);
    serve
        .arg("serve")
        .arg("--client-dir")
        .arg(root().join("dist"));
    common(&mut serve);
    let mut server = serve.spawn().context("starting proofline serve")?;
    wait_for_port(&listen, &mut server)?;

    let mut publish = Command::new(&bin);
    publish
        .arg("publish")
        .arg(&photos)
        .args(["--title", "Sample wedding", "--label", "Demo"]);
    common(&mut publish);
    let out = publish.stderr(Stdio::inherit()).output()?;
    if !out.status.success() {
        let _ = server.kill();
        bail!("publishing the sample gallery failed");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let link = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Share link: "))
        .context("publish printed no share link")?;
    println!();
    println!("Proofline demo is running. Open this link in a browser:");
    println!();
    println!("    {link}");
    println!();
    println!("Press Ctrl-C to stop.");
    let status = server.wait()?;
    println!("Server stopped ({status}).");
    Ok(())
}

fn wait_for_port(addr: &str, child: &mut Child) -> anyhow::Result<()> {
    for _ in 0..300 {
        if std::net::TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("the server exited before it was ready ({status})");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    bail!("the server did not start listening on {addr} within 30 s")
}

fn test(args: &[String]) -> anyhow::Result<()> {
    let start = Instant::now();
    setup::install(setup::Needs::All)?;
    step(
        "native tests: core, server (embedded store and Garage), samples",
        || run(cargo().args(["test", "--workspace", "--exclude", "proofline-client"])),
    )?;
    step(
        "release build: publish skips a damaged JPEG instead of aborting",
        release_check,
    )?;
    step(
        "browser unit tests (wasm-bindgen-test, headless Chromium)",
        || {
            run(cargo()
                .args([
                    "test",
                    "-p",
                    "proofline-client",
                    "--target",
                    "wasm32-unknown-unknown",
                ])
                .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))
        },
    )?;
    if !args.iter().any(|a| a == "--no-e2e") {
        build_client()?;
        step("the apps' downloads against their size budgets", || {
            bundle::check(&root().join("dist"))
        })?;
        // `cargo test` above built the binary (the server's integration tests
        // need it) with the test build's features; building it again with
        // `cargo build` would recompile the AWS SDK for nothing.
        let bin = target_dir().join("debug/proofline");
        anyhow::ensure!(
            bin.exists(),
            "{} was not built by cargo test",
            bin.display()
        );
        let samples = target_dir().join("e2e-samples");
        let samples_200 = target_dir().join("e2e-samples-200");
        step("generate sample photos for the browser tests", || {
            for (dir, set) in [
                (&samples, proofline_samples::demo_set()),
                (&samples_200, proofline_samples::numbered_set(200, 480, 320)),
            ] {
                if dir.exists() {
                    std::fs::remove_dir_all(dir)?;
                }
                write_samples(dir, &set)?;
            }
            Ok(())
        })?;
        let samples_10000 = step("sample photos for the 10,000-photo gallery", || {
            scale_samples(10_000)
        })?;
        let pg_harness = step(
            "pg-harness (a throwaway PostgreSQL for the browser tests)",
            || {
                // The binary needs none of test-support's server half: built
                // alone, it compiles nothing the tests have not.
                run(cargo().args([
                    "build",
                    "-q",
                    "-p",
                    "proofline-test-support",
                    "--no-default-features",
                    "--bin",
                    "pg-harness",
                ]))?;
                Ok(target_dir().join("debug/pg-harness"))
            },
        )?;
        step(
            "browser end-to-end tests (headless Chromium; the key stories in Firefox and WebKit too)",
            || {
                run(Command::new("npx")
                    .args(["playwright", "test"])
                    .current_dir(root().join("e2e"))
                    .env("PATH", tool_path())
                    .env("PROOFLINE_BIN", &bin)
                    .env("PROOFLINE_CLIENT_DIR", root().join("dist"))
                    .env("PROOFLINE_SAMPLES", &samples)
                    .env("PROOFLINE_SAMPLES_200", &samples_200)
                    .env("PROOFLINE_SAMPLES_10000", &samples_10000)
                    .env("PROOFLINE_PG_HARNESS", &pg_harness))
            },
        )?;
    }
    println!("All tests passed in {:.0}s.", start.elapsed().as_secs_f64());
    Ok(())
}

/// Builds `proofline` as the README says to install it (`--release`) and
/// publishes a folder holding a photo and a JPEG whose structure is complete
/// but whose entropy data is corrupt (libjpeg fails fatally on it): the
/// damaged file must be reported as skipped and the command exit 0. A
/// profile with `panic = "abort"` would kill the process instead.
fn release_check() -> anyhow::Result<()> {
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "proofline-server",
        "--bin",
        "proofline",
    ]))?;
    let bin = target_dir().join("release/proofline");
    let dir = target_dir().join("release-check");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let photos = dir.join("photos");
    let good = &proofline_samples::demo_set()[..1];
    write_samples(&photos, good)?;
    let whole = proofline_samples::encode(&good[0])?;
    std::fs::write(
        photos.join("scrambled.jpg"),
        proofline_samples::with_corrupt_entropy_data(&whole),
    )?;
    let port = || -> anyhow::Result<String> {
        let socket = std::net::TcpListener::bind("127.0.0.1:0")?;
        Ok(socket.local_addr()?.to_string())
    };
    let out = Command::new(&bin)
        .arg("publish")
        .arg(&photos)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["--listen", &port()?, "--store-listen", &port()?])
        .output()
        .context("running the release-built proofline publish")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        out.status.success(),
        "release-built publish failed ({}):\n{stderr}",
        out.status
    );
    anyhow::ensure!(
        stderr
            .lines()
            .any(|l| l.trim_start().starts_with("scrambled.jpg: is damaged")),
        "release-built publish did not report scrambled.jpg as damaged:\n{stderr}"
    );
    println!("    scrambled.jpg reported as damaged and skipped; exit 0");
    Ok(())
}

/// Writes generated sample photos into a folder, to try `proofline publish`:
/// the 12 awkward demo photos, or `--count N` numbered ones (480x320 unless
/// `--size WxH`).
fn samples(args: &[String]) -> anyhow::Result<()> {
    let usage = "usage: cargo xtask samples DIR [--count N [--size WxH]]";
    let Some((dir, mut rest)) = args.split_first() else {
        bail!(usage)
    };
    let (mut count, mut size) = (None, None);
    while let [name, value, more @ ..] = rest {
        match name.as_str() {
            "--count" => count = Some(value.parse().context("--count takes a number")?),
            "--size" => size = Some(parse_size(value)?),
            _ => bail!(usage),
        }
        rest = more;
    }
    if !rest.is_empty() {
        bail!(usage);
    }
    let set = match (count, size) {
        (None, None) => proofline_samples::demo_set(),
        (None, Some(_)) => bail!("--size applies to numbered photos (--count N)"),
        (Some(n), size) => {
            let (w, h) = size.unwrap_or((480, 320));
            proofline_samples::numbered_set(n, w, h)
        }
    };
    write_samples(Path::new(dir), &set)?;
    println!("Wrote {} photos to {dir}", set.len());
    Ok(())
}

/// `WxH`, e.g. `160x107`, in pixels.
fn parse_size(s: &str) -> anyhow::Result<(u32, u32)> {
    let parsed = s
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)));
    match parsed {
        Some((w, h)) if w > 0 && h > 0 => Ok((w, h)),
        _ => bail!("--size takes WIDTHxHEIGHT in pixels, e.g. 160x107 (got {s:?})"),
    }
}

/// `proofline_samples::write_all` on every core: 10,000 photos are
/// CPU-bound drawing and JPEG encoding.
pub(crate) fn write_samples(dir: &Path, set: &[proofline_samples::Sample]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = set.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let writers: Vec<_> = set
            .chunks(chunk)
            .map(|part| s.spawn(move || proofline_samples::write_all(dir, part)))
            .collect();
        writers.into_iter().try_for_each(|w| {
            w.join()
                .expect("a sample writer panicked")
                .map(drop)
                .with_context(|| format!("writing sample photos to {}", dir.display()))
        })
    })
}

/// Photo counts of the grid benchmark's galleries (e2e/bench/scale.bench.ts
/// reads each folder from `PROOFLINE_SCALE_<count>`).
pub(crate) const SCALE_COUNTS: [usize; 3] = [100, 1_000, 10_000];
/// Small photos keep generating and publishing 10,000 of them to well under a
/// minute each; the grid shows thumbnails, so the size barely matters to it.
const SCALE_PHOTO: (u32, u32) = (160, 107);

/// `target/bench-scale/<count>`: `count` numbered photos of `SCALE_PHOTO`.
/// Kept between runs: `<count>.done` beside it, written once the folder is
/// complete, records what it holds; anything else is generated afresh.
pub(crate) fn scale_samples(count: usize) -> anyhow::Result<PathBuf> {
    let (w, h) = SCALE_PHOTO;
    let base = target_dir().join("bench-scale");
    let dir = base.join(count.to_string());
    let marker = base.join(format!("{count}.done"));
    let holds = format!("{count} numbered photos, {w}x{h}\n");
    let files = || std::fs::read_dir(&dir).map(Iterator::count).ok();
    if std::fs::read_to_string(&marker).is_ok_and(|m| m == holds) && files() == Some(count) {
        println!("    {count} photos: reusing {}", dir.display());
        return Ok(dir);
    }
    if marker.exists() {
        std::fs::remove_file(&marker)?;
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    let start = Instant::now();
    write_samples(&dir, &proofline_samples::numbered_set(count, w, h))?;
    std::fs::write(&marker, holds)?;
    println!(
        "    {count} photos ({w}x{h}): generated in {:.1}s",
        start.elapsed().as_secs_f64()
    );
    Ok(dir)
}

fn lint() -> anyhow::Result<()> {
    setup::install(setup::Needs::All)?;
    step(
        "cargo deny: licences and duplicate crates (deny.toml)",
        || {
            // Offline: the advisory database lives on GitHub, which this
            // machine cannot reach; licences and bans need only Cargo.lock.
            println!("    advisories: not checked (the RustSec database is fetched from GitHub)");
            run(cargo().args(["fetch", "--locked"]))?;
            run(cargo().args([
                "deny",
                "--workspace",
                "--offline",
                "check",
                "licenses",
                "bans",
            ]))
        },
    )?;
    step("the customer's views write no words of their own", || {
        words::check(&root())
    })?;
    step("rustfmt --check", || {
        run(cargo().args(["fmt", "--all", "--check"]))
    })?;
    step("clippy (native)", || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--exclude",
            "proofline-client",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("clippy (browser app, wasm32)", || {
        run(cargo().args([
            "clippy",
            "-p",
            "proofline-client",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })
}
