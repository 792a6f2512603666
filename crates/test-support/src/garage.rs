//! A single-node Garage cluster on loopback, its own process (the `garage`
//! binary `cargo xtask setup` installs): a bucket `proofline` and a key
//! allowed to read and write it. Dropping it kills the process.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

/// A single-node Garage cluster on loopback, its own process.
pub struct Garage {
    child: Child,
    config: PathBuf,
    pub s3: SocketAddr,
    pub key_id: String,
    pub secret: String,
}

/// The `garage` binary: `$PROOFLINE_GARAGE`, else `~/.cargo/bin/garage`, else PATH.
pub fn garage_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("PROOFLINE_GARAGE") {
        return p.into();
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    match home.map(|h| h.join("bin/garage")) {
        Some(p) if p.exists() => p,
        _ => "garage".into(),
    }
}

impl Garage {
    pub fn start(dir: &Path) -> Garage {
        std::fs::create_dir_all(dir).unwrap();
        let (rpc, s3) = (free_port(), free_port());
        let config = dir.join("garage.toml");
        let secret: String = (0..64)
            .map(|i| b"0123456789abcdef"[(i * 7 + 3) % 16] as char)
            .collect();
        std::fs::write(
            &config,
            format!(
                r#"metadata_dir = "{meta}"
data_dir = "{data}"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"
"#,
                meta = dir.join("meta").display(),
                data = dir.join("data").display(),
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.join("garage.log")).unwrap();
        let child = Command::new(garage_bin())
            .arg("-c")
            .arg(&config)
            .arg("server")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start Garage ({e}); run `cargo xtask setup` to install it")
            });
        let garage = Garage {
            child,
            config,
            s3: format!("127.0.0.1:{s3}").parse().unwrap(),
            key_id: "GK0123456789abcdef01234567".into(),
            secret: "f".repeat(64),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let node = loop {
            match garage.cli(&["node", "id", "-q"]) {
                Ok(out) => break out.trim().split('@').next().unwrap().to_string(),
                Err(e) if Instant::now() > deadline => panic!("Garage did not start: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        };
        garage.must(&["layout", "assign", "-z", "dc1", "-c", "1G", &node]);
        garage.must(&["layout", "apply", "--version", "1"]);
        garage.must(&["bucket", "create", "proofline"]);
        let (id, secret) = (garage.key_id.clone(), garage.secret.clone());
        garage.must(&["key", "import", "--yes", "-n", "proofline", &id, &secret]);
        garage.must(&[
            "bucket",
            "allow",
            "--read",
            "--write",
            "--owner",
            "proofline",
            "--key",
            &id,
        ]);
        garage
    }

    fn cli(&self, args: &[&str]) -> Result<String, String> {
        let out = Command::new(garage_bin())
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// Runs a CLI command; while the node's RPC port is not up yet (`node
    /// id` answers from the key on disk, before the server listens), retries.
    fn must(&self, args: &[&str]) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match self.cli(args) {
                Ok(out) => return out,
                Err(e) if e.contains("Connection refused") && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200))
                }
                Err(e) => panic!("garage {args:?} failed: {e}"),
            }
        }
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
