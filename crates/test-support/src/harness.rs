//! A real origin for a test: in-process, real HTTP on loopback, started by
//! [`Origin::start`] from resolved settings as `proofline serve` starts it,
//! on a real SQLite file (or PostgreSQL) and a real object store ([`Backend`]:
//! the embedded one, run by the origin, or a Garage node started as its own
//! process).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Mutex;

use proofline_core::Manifest;
use proofline_samples::Sample;
use proofline_server::db::Db;
use proofline_server::origin::Origin;
use proofline_server::publish::{Destination, PublishReport, PublishRequest, publish};
use proofline_server::settings::{CommonArgs, Settings};
use proofline_server::storage::{CloudFrontSettings, ObjectStore, StoreSettings};

use crate::fixtures::token;
use crate::free_port;
use crate::garage::Garage;
use crate::store::{Backend, TestStore};

/// An origin, its database and its store, for one test.
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
    /// The store, when it runs as its own process: stopped after the origin.
    test_store: TestStore,
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
        Harness::start_in(backend, cloudfront, database, dir).await
    }

    /// A harness whose data folder (SQLite file, embedded store) is `dir`,
    /// e.g. on a disk the test can make fail.
    pub async fn start_in(
        backend: Backend,
        cloudfront: Option<CloudFrontSettings>,
        database: Option<String>,
        dir: tempfile::TempDir,
    ) -> Harness {
        Harness::start_full(backend, cloudfront, database, dir, |_| {}).await
    }

    /// A harness whose origin's settings are changed by `configure` before
    /// it starts (notifications, say).
    pub async fn start_configured(
        backend: Backend,
        configure: impl FnOnce(&mut Settings),
    ) -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        Harness::start_full(backend, None, None, dir, configure).await
    }

    async fn start_full(
        backend: Backend,
        cloudfront: Option<CloudFrontSettings>,
        database: Option<String>,
        dir: tempfile::TempDir,
        configure: impl FnOnce(&mut Settings),
    ) -> Harness {
        let listen: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let app_origin = format!("http://{listen}");
        let test_store = backend.start(&dir.path().join("garage"));
        let args = CommonArgs {
            data_dir: dir.path().to_path_buf(),
            public_url: None,
            database,
            origins: Vec::new(),
            config: None,
            store: test_store.args.clone(),
            cloudfront: Default::default(),
            signing: Default::default(),
            notify: Default::default(),
        };
        let mut config = Settings::resolve(&args, listen).expect("settings");
        if let Some(credentials) = &test_store.credentials {
            config.store.credentials = Some(credentials.clone());
        }
        config.cloudfront = cloudfront;
        configure(&mut config);
        let server = Origin::start(&config).await.expect("the origin starts");
        if backend == Backend::Garage {
            server
                .store()
                .ensure_cors(&app_origin)
                .await
                .expect("CORS on the Garage bucket");
        }
        let store_addr = server
            .store_addr
            .or(test_store.addr())
            .expect("the store's address");
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
            test_store,
        }
    }

    /// Another origin on the same database (its own connection) and the
    /// same store, configured as `configure` says: what a second `proofline
    /// serve --separate-store` process would be. It runs as long as the
    /// harness.
    pub async fn another_origin(&self, configure: impl FnOnce(&mut Settings)) -> SocketAddr {
        let other = self.start_another(configure).await;
        let addr = other.addr;
        self.others.lock().unwrap().push(other);
        addr
    }

    /// [`Harness::another_origin`], handed to the caller to stop (or
    /// drop) when it likes: a process that stops and starts again.
    pub async fn start_another(&self, configure: impl FnOnce(&mut Settings)) -> Origin {
        let mut config = self.config.clone();
        config.listen = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        config.store = self.settings.clone();
        config.serve.separate_store = true;
        configure(&mut config);
        Origin::start(&config).await.expect("another origin starts")
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
                offline_window: None,
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

    /// The first origin (more from [`Harness::another_origin`]).
    pub fn server(&self) -> &Origin {
        &self.server
    }

    /// The Garage node, when the backend is [`Backend::Garage`].
    pub fn garage(&self) -> Option<&Garage> {
        self.test_store.garage.as_ref()
    }
}
