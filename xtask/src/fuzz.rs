//! `cargo xtask fuzz [--secs N] [TARGET]`: the libFuzzer targets in `fuzz/`
//! (proofline-core's readers of what others send: manifests, op batches,
//! routes, signed URLs), each run for a bounded time. A crash fails the
//! command and names the input that caused it.
//!
//! Built on stable Rust: `libfuzzer-sys` compiles libFuzzer itself with the
//! system's C++ compiler, and rustc's own flags add the coverage
//! instrumentation cargo-fuzz would ([`RUSTFLAGS`]), so no nightly toolchain
//! is needed. No sanitizer is added: the targets are safe Rust, whose panics,
//! overflows (checked in the fuzz crate's profile) and failed assertions are
//! the findings.
//!
//! The build goes to `<target dir>/fuzz`: its flags differ from every other
//! build's, so it must not share their artifacts. Each target starts from a
//! fresh copy of its committed seeds (`fuzz/corpus/<target>`), so a run never
//! changes the clone; what it grows, its log and any crashing input stay under
//! `<target dir>/fuzz`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

use crate::{root, run, step, target_dir};

/// Each target and the longest input libFuzzer may make for it, in bytes: a
/// few times its largest seed, so mutations can grow one without most of the
/// time going into reading long inputs.
const TARGETS: [(&str, usize); 4] = [
    ("manifest", 64 * 1024),
    ("op_batch", 16 * 1024),
    ("route", 1024),
    ("url_expiry", 4096),
];

const DEFAULT_SECS: u64 = 60;

/// What cargo-fuzz passes to rustc for libFuzzer's coverage feedback: edge
/// coverage as inline 8-bit counters, the table of instrumented PCs, and
/// every comparison's operands (so libFuzzer learns the strings and numbers
/// the parsers compare with); `--cfg fuzzing` as cargo-fuzz sets it.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing";

const USAGE: &str = "usage: cargo xtask fuzz [--secs N] [manifest | op_batch | route | url_expiry]";

pub fn run_targets(args: &[String]) -> anyhow::Result<()> {
    let (secs, only) = parse_args(args)?;
    crate::setup::cxx()?;
    let dir = target_dir().join("fuzz");
    let host = host_triple()?;
    step(
        "build the fuzz targets (stable, coverage-instrumented)",
        || build(&dir, &host),
    )?;
    let bins = dir.join(&host).join("release");
    let mut done = Vec::new();
    for (name, max_len) in TARGETS {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let stats = step(&format!("fuzz {name} for {secs} s"), || {
            fuzz_one(&bins, &dir, name, max_len, secs)
        })?;
        done.push((name, stats));
    }
    println!(
        "    {:<12} {:>12} {:>10} {:>6} {:>7} {:>8}",
        "target", "runs", "exec/s", "cov", "ft", "corpus"
    );
    for (name, s) in done {
        println!(
            "    {name:<12} {:>12} {:>10} {:>6} {:>7} {:>8}",
            s.runs, s.execs_per_sec, s.cov, s.ft, s.corpus
        );
    }
    Ok(())
}

/// `--secs N` (default [`DEFAULT_SECS`]) and at most one target's name.
fn parse_args(args: &[String]) -> anyhow::Result<(u64, Option<String>)> {
    let (mut secs, mut only) = (DEFAULT_SECS, None);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--secs" => {
                let value = rest.next().context(USAGE)?;
                secs = value.parse().ok().filter(|s| *s > 0).with_context(|| {
                    format!("--secs takes a whole number above 0 (got {value:?})")
                })?;
            }
            name if only.is_none() && TARGETS.iter().any(|(t, _)| *t == name) => {
                only = Some(name.to_string());
            }
            other => bail!("{USAGE} (got {other:?})"),
        }
    }
    Ok((secs, only))
}

/// The host's target triple (`rustc -vV`). The build names it with
/// `--target`, so the instrumentation flags reach the targets but not the
/// build scripts and proc macros, which cargo then builds for the host apart.
fn host_triple() -> anyhow::Result<String> {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .context("running rustc -vV")?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV names no host")
}

fn build(dir: &Path, host: &str) -> anyhow::Result<()> {
    let mut cargo = crate::cargo();
    cargo
        .args([
            "build",
            "--release",
            "--locked",
            "--bins",
            "--manifest-path",
        ])
        .arg(root().join("fuzz/Cargo.toml"))
        .args(["--target", host, "--target-dir"])
        .arg(dir)
        .env("RUSTFLAGS", RUSTFLAGS)
        // It would take the place of RUSTFLAGS.
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    run(&mut cargo).context(
        "building fuzz/ (if proofline-core gained a dependency, `cargo update \
         --manifest-path fuzz/Cargo.toml --workspace` adds it to fuzz/Cargo.lock)",
    )
}

/// libFuzzer's closing numbers for one run.
#[derive(Default)]
struct Stats {
    runs: String,
    execs_per_sec: String,
    cov: String,
    ft: String,
    corpus: String,
}

fn fuzz_one(
    bins: &Path,
    dir: &Path,
    name: &str,
    max_len: usize,
    secs: u64,
) -> anyhow::Result<Stats> {
    let corpus = dir.join("corpus").join(name);
    copy_seeds(&root().join("fuzz/corpus").join(name), &corpus)?;
    let artifacts = dir.join("artifacts").join(name);
    if artifacts.exists() {
        std::fs::remove_dir_all(&artifacts)?;
    }
    std::fs::create_dir_all(&artifacts)?;
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs)?;
    let log_path = logs.join(format!("{name}.log"));
    let log = File::create(&log_path)?;

    let bin = bins.join(name);
    let status = Command::new(&bin)
        .arg(format!("-max_total_time={secs}"))
        .arg(format!("-max_len={max_len}"))
        // Megabytes; the targets need about 40.
        .arg("-rss_limit_mb=1024")
        // Seconds for one input: nothing here should take more than a
        // millisecond, so this only catches a hang.
        .arg("-timeout=10")
        .arg("-print_final_stats=1")
        .arg(format!(
            "-dict={}",
            root()
                .join("fuzz/dict")
                .join(format!("{name}.dict"))
                .display()
        ))
        // The trailing `/` makes it a folder rather than a file name prefix.
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(&corpus)
        .stdout(Stdio::from(log.try_clone()?))
        .stderr(Stdio::from(log))
        .status()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let text = std::fs::read_to_string(&log_path).unwrap_or_default();
    if !status.success() {
        // From the panic message on (the backtrace and libFuzzer's report
        // follow it), else libFuzzer's last words (a timeout, memory).
        let lines: Vec<&str> = text.lines().collect();
        let from = lines
            .iter()
            .position(|l| l.contains(" panicked at "))
            .unwrap_or(lines.len().saturating_sub(40));
        for line in &lines[from..] {
            println!("    | {line}");
        }
        let inputs: Vec<PathBuf> = std::fs::read_dir(&artifacts)?
            .filter_map(|e| Some(e.ok()?.path()))
            .collect();
        for input in &inputs {
            println!("    crashing input: {}", input.display());
            println!("    run it again:   {} {}", bin.display(), input.display());
        }
        bail!(
            "the {name} target failed ({status}); its log is {}",
            log_path.display()
        );
    }
    Ok(final_stats(&text))
}

/// The committed seeds of one target, copied into a fresh `to`.
fn copy_seeds(from: &Path, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

/// Reads libFuzzer's last status line, `#1120874 DONE cov: 3122 ft: 9120
/// corp: 1815/1424Kb lim: 8646 exec/s: 53374 rss: 34Mb`.
fn final_stats(log: &str) -> Stats {
    let Some(words) = log
        .lines()
        .rev()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|words| words.get(1) == Some(&"DONE"))
    else {
        return Stats::default();
    };
    let after = |key: &str| {
        words
            .windows(2)
            .find(|w| w[0] == key)
            .map_or_else(String::new, |w| w[1].to_string())
    };
    Stats {
        runs: words
            .first()
            .map_or_else(String::new, |w| w.trim_start_matches('#').to_string()),
        execs_per_sec: after("exec/s:"),
        cov: after("cov:"),
        ft: after("ft:"),
        corpus: after("corp:"),
    }
}
