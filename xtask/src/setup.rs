//! `cargo xtask setup`: installs every tool the project needs, skipping what is
//! already present at the right version. Registries only (crates.io, npm,
//! Debian); nothing comes from GitHub.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::{root, run, step, tool_path};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const GARAGE_VERSION: &str = "2.5.0";
pub const WASM_OPT_VERSION: &str = "132";
pub const CARGO_DENY_VERSION: &str = "0.20.2";

/// Which tools a workflow needs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Building and running the app (the demo).
    Build,
    /// Everything, including the browser and Garage for the tests.
    All,
}

pub fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

pub fn install(needs: Needs) -> anyhow::Result<()> {
    step("wasm32 target", wasm_target)?;
    step(
        "nasm (libjpeg-turbo's SIMD, built by the mozjpeg crate)",
        nasm,
    )?;
    step("trunk", || {
        cargo_install("trunk", TRUNK_VERSION, "trunk", true)
    })?;
    step("wasm-bindgen CLI (the version in Cargo.lock)", || {
        let version = locked_version("wasm-bindgen")?;
        // Without --locked: its own lockfile names a crate version the registry lacks.
        cargo_install("wasm-bindgen-cli", &version, "wasm-bindgen", false)
    })?;
    step(
        "npm packages (binaryen, Playwright, puppeteer-core, Lighthouse, sharp)",
        npm_packages,
    )?;
    if needs == Needs::All {
        step("Chromium and ChromeDriver (Debian)", chromium)?;
        step(
            "Firefox ESR, WebKitGTK's WebDriver and Xvfb (Debian; the key stories in Gecko and WebKit)",
            other_engines,
        )?;
        step("Garage object store", || {
            cargo_install("garage", GARAGE_VERSION, "garage", true)
        })?;
        step(
            "PostgreSQL server (Debian; the tests start their own)",
            postgresql,
        )?;
        step(
            "Caddy and certutil (the HTTPS story: a TLS proxy, a local CA Chromium trusts)",
            caddy,
        )?;
        step(
            "aiosmtpd (Debian; the SMTP server the notification tests send to)",
            aiosmtpd,
        )?;
        step(
            "cargo-deny (licences and duplicate crates, in lint)",
            || cargo_install("cargo-deny", CARGO_DENY_VERSION, "cargo-deny", true),
        )?;
        cxx()?;
    }
    Ok(())
}

/// A C++ compiler (Debian's g++): `cargo xtask fuzz` builds libFuzzer from
/// source (the libfuzzer-sys crate), which nothing else here needs.
pub fn cxx() -> anyhow::Result<()> {
    step("C++ compiler (libFuzzer, for cargo xtask fuzz)", || {
        if let Some(v) = version_of("c++") {
            println!("    present: {v}");
            return Ok(());
        }
        apt_install(&["g++"])
    })
}

/// The first line a tool prints for `--version`, if it runs at all.
fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program)
        .arg("--version")
        .env("PATH", tool_path())
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

fn wasm_target() -> anyhow::Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("    present");
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn cargo_install(krate: &str, version: &str, bin: &str, locked: bool) -> anyhow::Result<()> {
    if let Some(v) = version_of(bin) {
        // "trunk 0.21.14", "wasm-bindgen 0.2.130", "garage cargo:2.5.0 [features…]"
        let matches =
            |w: &str| w.rsplit(':').next().unwrap_or(w).trim_start_matches('v') == version;
        if v.split_whitespace().any(matches) {
            println!("    present: {v}");
            return Ok(());
        }
        println!("    found {v:?}, want {version}: reinstalling");
    }
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["install", krate, "--version", version, "--force"]);
    if locked {
        cmd.arg("--locked");
    }
    run(&mut cmd)
}

/// The version of `package` that Cargo.lock pins.
fn locked_version(package: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"")
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    bail!("{package} is not in Cargo.lock")
}

pub fn npm_packages() -> anyhow::Result<()> {
    let dir = root().join("e2e");
    let lock =
        std::fs::read(dir.join("package-lock.json")).context("reading e2e/package-lock.json")?;
    let stamp = dir.join("node_modules/.proofline-installed-lock");
    let wasm_opt_ok =
        version_of("wasm-opt").is_some_and(|v| v.split_whitespace().any(|w| w == WASM_OPT_VERSION));
    if std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) && wasm_opt_ok {
        println!("    present (matches package-lock.json)");
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        // Playwright must use Debian's Chromium, never download its own.
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    std::fs::write(&stamp, &lock)?;
    Ok(())
}

fn nasm() -> anyhow::Result<()> {
    if let Some(v) = version_of("nasm") {
        println!("    present: {v}");
        return Ok(());
    }
    apt_install(&["nasm"])
}

/// A command run as root: directly when we are root, else through sudo.
fn sudo(args: &[&str]) -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let mut c = if is_root {
        Command::new(args[0])
    } else {
        let mut c = Command::new("sudo");
        c.arg(args[0]);
        c
    };
    c.args(&args[1..]).env("DEBIAN_FRONTEND", "noninteractive");
    c
}

fn postgresql() -> anyhow::Result<()> {
    if let Ok(bin) = proofline_test_support::postgres::bin_dir() {
        println!("    present: {}", bin.display());
        return Ok(());
    }
    // Debian starts a system cluster on install when it can; the tests never
    // use it (each starts its own on a free port in a temporary directory).
    apt_install(&["postgresql"])
}

/// Debian's `python3-aiosmtpd`, for Debian's own Python (`/usr/bin/python3`,
/// which the tests run: a pyenv or venv `python3` in PATH would not see it).
fn aiosmtpd() -> anyhow::Result<()> {
    let present = Command::new("/usr/bin/python3")
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        println!("    present: python3-aiosmtpd");
        return Ok(());
    }
    apt_install(&["python3-aiosmtpd"])
}

fn caddy() -> anyhow::Result<()> {
    let present = all_exist(&["/usr/bin/caddy", "/usr/bin/certutil"]);
    if present {
        println!("    present: /usr/bin/caddy, /usr/bin/certutil");
        return Ok(());
    }
    apt_install(&["caddy", "libnss3-tools"])?;
    // Debian starts a system Caddy on :80 on install; the tests run their own.
    let _ = sudo(&["systemctl", "disable", "--now", "caddy"]).status();
    Ok(())
}

fn chromium() -> anyhow::Result<()> {
    let present = all_exist(&["/usr/bin/chromium", "/usr/bin/chromedriver"]);
    if present {
        println!(
            "    present: {}",
            version_of("chromium").unwrap_or_default()
        );
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// The engines besides Chromium: Gecko (`firefox-esr`, driven over WebDriver
/// BiDi by puppeteer-core) and WebKit (`webkit2gtk-driver`: WebKitWebDriver
/// and MiniBrowser, which needs an X server: Xvfb).
fn other_engines() -> anyhow::Result<()> {
    let present = all_exist(&[
        "/usr/bin/firefox-esr",
        "/usr/bin/WebKitWebDriver",
        "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
        "/usr/bin/Xvfb",
    ]);
    if present {
        println!(
            "    present: {}, WebKitWebDriver, Xvfb",
            version_of("firefox-esr").unwrap_or_default()
        );
        return Ok(());
    }
    apt_install(&["firefox-esr", "webkit2gtk-driver", "xvfb"])
}

/// Whether every path exists (what a Debian package installs).
fn all_exist(paths: &[&str]) -> bool {
    paths.iter().all(|p| std::path::Path::new(p).exists())
}

/// Installs Debian packages as root, after `apt-get update`.
fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    run(&mut sudo(&["apt-get", "update"]))?;
    let mut args = vec!["apt-get", "install", "-y"];
    args.extend_from_slice(packages);
    run(&mut sudo(&args))
}
