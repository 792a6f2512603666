//! A throwaway PostgreSQL server for tests and benchmarks: Debian's
//! `postgresql` binaries, a fresh cluster in a temporary directory, listening
//! on 127.0.0.1 only (and a Unix socket in that directory), trust
//! authentication for the user `proofline`. Dropping it stops the server
//! (`pg_ctl stop -m immediate`) and deletes the directory.
//!
//! PostgreSQL refuses to run as root; as root the cluster belongs to the
//! `postgres` user (made by the Debian package) and every command runs
//! through `runuser`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

/// A running PostgreSQL server.
pub struct TempPostgres {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    pub port: u16,
}

/// How durable the server is: tests run with `fsync=off` (fast; the data is
/// thrown away), benchmarks with PostgreSQL's defaults.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Durability {
    Fast,
    Real,
}

impl TempPostgres {
    pub fn start(durability: Durability) -> anyhow::Result<TempPostgres> {
        let bin = bin_dir()?;
        let as_postgres = crate::is_root();
        let dir =
            std::env::temp_dir().join(format!("proofline-pg-{}-{}", std::process::id(), unique()));
        std::fs::create_dir_all(&dir)?;
        if as_postgres {
            let status = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()?;
            anyhow::ensure!(
                status.success(),
                "cannot give {} to postgres",
                dir.display()
            );
        }
        let port = crate::free_port();
        let pg = TempPostgres {
            dir,
            bin,
            as_postgres,
            port,
        };
        let data = pg.dir.join("data");
        pg.run(
            "initdb",
            &[
                "-D",
                &data.to_string_lossy(),
                "-U",
                "proofline",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
        )?;
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c max_connections=200",
            pg.dir.display()
        );
        if durability == Durability::Fast {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        pg.run(
            "pg_ctl",
            &[
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                &data.to_string_lossy(),
                "-l",
                &pg.dir.join("postgres.log").to_string_lossy(),
                "-o",
                &options,
            ],
        )
        .with_context(|| format!("PostgreSQL did not start; see {}", pg.log_path().display()))?;
        pg.create_database("proofline")?;
        Ok(pg)
    }

    /// The URL of a database on this server.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://proofline@127.0.0.1:{}/{database}", self.port)
    }

    /// Makes a database (every test its own) and answers its URL.
    pub fn create_database(&self, name: &str) -> anyhow::Result<String> {
        let port = self.port.to_string();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.run(
                "createdb",
                &["-h", "127.0.0.1", "-p", &port, "-U", "proofline", name],
            ) {
                Ok(()) => return Ok(self.url(name)),
                Err(e) if Instant::now() < deadline && format!("{e:#}").contains("starting up") => {
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join("postgres.log")
    }

    fn run(&self, program: &str, args: &[&str]) -> anyhow::Result<()> {
        let path = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let out = cmd
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("cannot run {}", path.display()))?;
        if !out.status.success() {
            bail!(
                "{program} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self.run(
            "pg_ctl",
            &[
                "stop",
                "-m",
                "immediate",
                "-w",
                "-D",
                &data.to_string_lossy(),
            ],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Where Debian keeps PostgreSQL's server programs (not on PATH):
/// `$PROOFLINE_PG_BIN`, else the newest `/usr/lib/postgresql/N/bin`.
pub fn bin_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("PROOFLINE_PG_BIN") {
        return Ok(dir.into());
    }
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .with_context(|| {
            format!(
                "PostgreSQL is not installed ({} is missing): run `cargo xtask setup`",
                root.display()
            )
        })?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .context("no PostgreSQL server under /usr/lib/postgresql: run `cargo xtask setup`")
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    nanos ^ (N.fetch_add(1, Ordering::Relaxed) << 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_answers_and_cleans_up() {
        let pg = TempPostgres::start(Durability::Fast).unwrap();
        let url = pg.create_database("second").unwrap();
        assert!(url.ends_with("/second"), "{url}");
        let port = pg.port;
        let dir = pg.dir.clone();
        assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
        drop(pg);
        assert!(!dir.exists(), "the cluster's directory is deleted");
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
            "the server is stopped"
        );
    }
}
