//! Test harness: a real origin (in-process, real HTTP on loopback), started
//! by [`Origin::start`] from resolved settings as `proofline serve` starts
//! it, a real SQLite file (or PostgreSQL), and a real object store: the
//! embedded one (run by the origin), or a Garage node started as its own
//! process.

#![allow(dead_code)] // each test file uses a different part of the harness

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use proofline_core::hlc::Hlc;
use proofline_core::proofing::{Action, DeviceId, Op, OpId};
use proofline_core::{GalleryId, Manifest};
use proofline_samples::Sample;
use proofline_server::db::Db;
use proofline_server::origin::Origin;
use proofline_server::publish::{Destination, PublishReport, PublishRequest, publish};
use proofline_server::settings::{CommonArgs, Settings, StoreArgs};
use proofline_server::storage::{CloudFrontSettings, ObjectStore, StoreSettings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Embedded,
    Garage,
}

pub struct Harness {
    pub backend: Backend,
    /// The origin, stopped when the harness is dropped.
    server: Origin,
    /// More origins on the same database and store ([`Harness::another_origin`]).
    others: Mutex<Vec<Origin>>,
    pub dir: tempfile::TempDir,
    /// The origin's own database handle.
    pub db: Db,
    /// The origin's own store client.
    pub store: ObjectStore,
    /// The store's settings, with its real address.
    pub settings: StoreSettings,
    /// What the origin was started with.
    pub config: Settings,
    pub origin: SocketAddr,
    pub store_addr: SocketAddr,
    pub http: reqwest::Client,
    garage: Option<Garage>,
}

impl Harness {
    pub async fn start(backend: Backend) -> Harness {
        Harness::start_with(backend, None).await
    }

    /// A harness whose origin signs image URLs for `cloudfront` first.
    pub async fn start_with(backend: Backend, cloudfront: Option<CloudFrontSettings>) -> Harness {
        Harness::start_on(backend, cloudfront, None).await
    }

    /// A harness on the database at `database` (else a SQLite file in its
    /// folder).
    pub async fn start_on(
        backend: Backend,
        cloudfront: Option<CloudFrontSettings>,
        database: Option<String>,
    ) -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let listen: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let app_origin = format!("http://{listen}");
        let garage =
            (backend == Backend::Garage).then(|| Garage::start(&dir.path().join("garage")));
        let store = match &garage {
            // The origin runs the embedded store, on any free port.
            None => StoreArgs {
                store_listen: Some("127.0.0.1:0".parse().unwrap()),
                ..StoreArgs::default()
            },
            Some(garage) => StoreArgs {
                store_endpoint: Some(format!("http://{}", garage.s3)),
                store_region: Some("garage".into()),
                store_bucket: Some("proofline".into()),
                store_prefix: Some("studio-a/".into()),
                store_path_style: Some(true),
                ..StoreArgs::default()
            },
        };
        let args = CommonArgs {
            data_dir: dir.path().to_path_buf(),
            public_url: None,
            database,
            origins: Vec::new(),
            config: None,
            store,
            cloudfront: Default::default(),
            signing: Default::default(),
        };
        let mut config = Settings::resolve(&args, listen).expect("settings");
        if let Some(garage) = &garage {
            config.store.credentials = Some((garage.key_id.clone(), garage.secret.clone()));
        }
        config.cloudfront = cloudfront;
        let server = Origin::start(&config).await.expect("the origin starts");
        if backend == Backend::Garage {
            server
                .store()
                .ensure_cors(&app_origin)
                .await
                .expect("CORS on the Garage bucket");
        }
        let store_addr = server.store_addr.or(garage.as_ref().map(|g| g.s3)).unwrap();
        Harness {
            backend,
            db: server.db().clone(),
            store: server.store().clone(),
            settings: server.store_settings().clone(),
            origin: server.addr,
            server,
            others: Mutex::new(Vec::new()),
            dir,
            config,
            store_addr,
            http: reqwest::Client::new(),
            garage,
        }
    }

    /// Another origin on the same database (its own connection) and the
    /// same store, configured as `configure` says: what a second `proofline
    /// serve --separate-store` process would be. It runs as long as the
    /// harness.
    pub async fn another_origin(&self, configure: impl FnOnce(&mut Settings)) -> SocketAddr {
        let mut config = self.config.clone();
        config.listen = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        config.store = self.settings.clone();
        config.serve.separate_store = true;
        configure(&mut config);
        let other = Origin::start(&config).await.expect("another origin starts");
        let addr = other.addr;
        self.others.lock().unwrap().push(other);
        addr
    }

    pub fn app_origin(&self) -> String {
        format!("http://{}", self.origin)
    }

    /// Writes `samples` into a fresh folder and publishes it.
    pub async fn publish(&self, samples: &[Sample]) -> PublishReport {
        let folder = self
            .dir
            .path()
            .join(format!("photos-{}", proofline_server::secret::new_id(6)));
        proofline_samples::write_all(&folder, samples).unwrap();
        self.publish_dir(&folder).await.expect("publish succeeds")
    }

    /// Publishes `dir` into the gallery last published from it (a new one
    /// the first time), as `proofline publish DIR` does.
    pub async fn publish_dir(&self, dir: &Path) -> anyhow::Result<PublishReport> {
        self.publish_with(&self.store, dir, Destination::Auto).await
    }

    pub async fn publish_with(
        &self,
        store: &ObjectStore,
        dir: &Path,
        destination: Destination,
    ) -> anyhow::Result<PublishReport> {
        publish(
            &self.db,
            store,
            &PublishRequest {
                dir: dir.to_path_buf(),
                title: Some("Test gallery".into()),
                label: "test".into(),
                rules: Default::default(),
                destination,
                render: Default::default(),
                signing: self.config.signing,
                progress: Default::default(),
            },
        )
        .await
    }

    pub async fn get_manifest(&self, gallery: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self
            .http
            .get(format!("http://{}/api/galleries/{gallery}", self.origin));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("origin answers")
    }

    pub async fn manifest(&self, report: &PublishReport) -> Manifest {
        let resp = self
            .get_manifest(report.gallery.as_str(), Some(token(report)))
            .await;
        assert_eq!(resp.status(), 200, "manifest fetch");
        Manifest::from_json(&resp.text().await.unwrap()).expect("a valid manifest")
    }
}

/// A field of the CloudFront fixtures made by botocore
/// (`crates/core/tests/fixtures/cloudfront_signed_url_vectors.json`).
pub fn cloudfront_fixture(field: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(include_str!(
        "../../../core/tests/fixtures/cloudfront_signed_url_vectors.json"
    ))
    .unwrap();
    doc[field].as_str().unwrap().to_owned()
}

pub fn now_ms() -> u64 {
    proofline_server::unix_now_ms()
}

/// A customer's device making ops with its own clock.
pub struct Phone {
    device: DeviceId,
    gallery: GalleryId,
    clock: Hlc,
    made: u64,
}

impl Phone {
    pub fn new(name: &str, gallery: &GalleryId) -> Phone {
        Phone {
            device: DeviceId::parse(format!("{name}-{}", proofline_server::secret::new_id(8)))
                .unwrap(),
            gallery: gallery.clone(),
            clock: Hlc::ZERO,
            made: 0,
        }
    }

    pub fn op(&mut self, action: Action) -> Op {
        self.clock = self.clock.tick(now_ms());
        self.made += 1;
        Op {
            id: OpId::parse(format!("{}-{:06}", self.device.as_str(), self.made)).unwrap(),
            device: self.device.clone(),
            gallery: self.gallery.clone(),
            hlc: self.clock,
            action,
        }
    }
}

/// The share token of a new gallery's first link.
pub fn token(report: &PublishReport) -> &str {
    report
        .token
        .as_ref()
        .expect("a new gallery has a first link")
        .as_str()
}

/// Photos with the file names that break naive URL signing.
pub fn awkward_samples() -> Vec<Sample> {
    let s = |name: &str, w, h, orientation, seed| Sample {
        file_name: name.into(),
        width: w,
        height: h,
        orientation,
        seed,
    };
    vec![
        s("photo 1.jpg", 900, 600, None, 1),
        s("a+b=c&d.jpg", 600, 900, None, 2),
        s("café #1.jpg", 800, 600, Some(6), 3),
        s("Zoë's 100%.png", 500, 700, None, 4),
    ]
}

/// A single-node Garage cluster on loopback, its own process.
pub struct Garage {
    child: Child,
    config: PathBuf,
    pub s3: SocketAddr,
    pub key_id: String,
    pub secret: String,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
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
