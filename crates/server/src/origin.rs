//! A running origin: the gallery API, the browser app, and (unless it runs
//! apart or an external bucket is configured) the embedded object store,
//! started from [`Settings`] alone by [`Origin::start`]. `proofline serve`
//! starts it this way, and so do the tests and the benchmarks.
//!
//! It opens the database, connects the store (setting an external bucket's
//! CORS rule for the studio's origins), keeps every live link's manifest
//! mirror current (now, then at the start of each signing window), runs the
//! notification worker when notifications are configured
//! ([`crate::notify::worker`]), and serves [`crate::http::router`] until
//! [`Origin::shutdown`], which finishes the requests already taken in.
//!
//! Above `http` and the domain; only `cli` imports it.

use std::net::SocketAddr;

use anyhow::Context as _;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::db::Db;
use crate::http::{AppState, router};
use crate::notify::Notifier;
use crate::notify::worker::Worker;
use crate::settings::Settings;
use crate::signing::{ManifestCache, Mirrors};
use crate::storage::{EmbeddedStore, ObjectStore, StoreKind, StoreSettings};

/// The log target of the origin's own lines: the binary's name, as when
/// they were written by `main.rs`, so log filters and collectors keep
/// matching them.
const LOG: &str = "proofline";

/// A running origin. Dropping it stops it as [`Origin::shutdown`] does,
/// without waiting.
pub struct Origin {
    /// Where the origin listens.
    pub addr: SocketAddr,
    /// Where the embedded store this origin runs listens; `None` when it
    /// runs none (`--separate-store`, or an external bucket).
    pub store_addr: Option<SocketAddr>,
    state: AppState,
    store_settings: StoreSettings,
    embedded: Option<EmbeddedStore>,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
    refresh: JoinHandle<()>,
    /// The notification worker, when a channel is configured.
    notify: Option<JoinHandle<()>>,
}

impl Origin {
    /// Starts everything `settings` asks for and listens at
    /// `settings.listen` (port 0: any free port; the embedded store's too).
    pub async fn start(settings: &Settings) -> anyhow::Result<Origin> {
        let embedded = match settings.store.kind {
            StoreKind::Embedded { listen } if !settings.serve.separate_store => {
                Some(EmbeddedStore::start(&settings.data_dir, listen, &settings.origins).await?)
            }
            _ => None,
        };
        // The store client talks to the store started here where it really
        // listens (the same address unless port 0 was asked for).
        let mut store_settings = settings.store.clone();
        if let Some(store) = &embedded {
            store_settings.kind = StoreKind::Embedded { listen: store.addr };
            store_settings.endpoint =
                Some(format!("http://{}", crate::settings::reachable(store.addr)));
            if store_settings.public_url.is_none() && store.addr.ip().is_unspecified() {
                tracing::warn!(target: LOG, "the store listens on every interface but has no public URL: photo URLs name {}; set --store-public-url to the address browsers use", crate::settings::reachable(store.addr));
            }
        }
        let store = ObjectStore::connect(&store_settings)
            .await?
            .with_cloudfront(settings.cloudfront.clone())
            .with_origins(&settings.origins);
        for origin in &settings.origins {
            if settings.store.kind == StoreKind::External
                && let Err(e) = store.ensure_cors(origin).await
            {
                tracing::warn!(target: LOG, "could not set the bucket's CORS rule (set it by hand): {e:#}");
            }
        }
        let db = settings.open_db()?;
        tracing::info!(target: LOG, database = %db.describe(), store = %store.location(), "origin starting");
        let notifier = Notifier::new(&settings.notify);
        let worker = Worker::new(settings, db.clone(), notifier.clone())?;
        let state = AppState {
            db,
            store,
            signing: settings.signing,
            manifests: ManifestCache::default(),
            mirrors: Mirrors::default(),
            readiness: Default::default(),
            notify: notifier,
        };
        let refresh = tokio::spawn(refresh_mirrors(state.clone()));
        let notify = worker.map(|w| tokio::spawn(w.run()));
        let client_dir = settings
            .serve
            .client_dir
            .clone()
            .filter(|dir| dir.join("index.html").exists());
        if settings.serve.client_dir.is_some() && client_dir.is_none() {
            tracing::warn!(target: LOG, "the browser app is not built; only the API is served");
        }
        let https = settings.public_url.starts_with("https://");
        let app = router(state.clone(), client_dir, https);
        let listen = settings.listen;
        let listener = match tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))
        {
            Ok(listener) => listener,
            Err(e) => {
                refresh.abort();
                if let Some(notify) = &notify {
                    notify.abort();
                }
                return Err(e);
            }
        };
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        // On `shutdown` (or when this handle is dropped): stop accepting,
        // finish every request already taken in (an op batch is answered
        // only after its commit), then end.
        let limits = settings.serve.limits;
        let server = tokio::spawn(crate::http::serve::serve(listener, app, limits, async {
            let _ = stopped.await;
        }));
        Ok(Origin {
            addr,
            store_addr: embedded.as_ref().map(|store| store.addr),
            state,
            store_settings,
            embedded,
            stop: Some(stop),
            server,
            refresh,
            notify,
        })
    }

    /// The origin's database handle.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// The origin's store client (with CloudFront and the studio's origins).
    pub fn store(&self) -> &ObjectStore {
        &self.state.store
    }

    /// The customers' manifests this origin keeps signed (`signing::cache`).
    pub fn manifest_cache(&self) -> &ManifestCache {
        &self.state.manifests
    }

    /// The settings the store client was made from, with the embedded
    /// store's real address.
    pub fn store_settings(&self) -> &StoreSettings {
        &self.store_settings
    }

    /// Stops accepting connections, finishes the requests in flight, then
    /// stops the embedded store. A notification being delivered is cut
    /// short: its claim runs out and a worker delivers it again.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        tracing::info!(target: LOG, "stopping: finishing the requests in flight");
        if let Some(notify) = self.notify.take() {
            notify.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.server).await??;
        tracing::info!(target: LOG, "stopped");
        if let Some(store) = self.embedded.take() {
            store.stop().await;
        }
        Ok(())
    }
}

impl Drop for Origin {
    fn drop(&mut self) {
        self.refresh.abort();
        if let Some(notify) = &self.notify {
            notify.abort();
        }
    }
}

/// Keeps every live link's manifest mirror current: now, then at the start of
/// each signing window, so galleries nobody is visiting still have fresh URLs
/// in their mirror when the origin goes down.
async fn refresh_mirrors(state: AppState) {
    loop {
        let now = crate::unix_now();
        match state
            .mirrors
            .refresh_all(&state.db, &state.store, &state.signing, now)
            .await
        {
            Ok(n) => tracing::debug!(target: LOG, "manifest mirrors checked for {n} link(s)"),
            Err(e) => tracing::warn!(target: LOG, "could not refresh manifest mirrors: {e:#}"),
        }
        let window = state.signing.window_secs;
        let next = window - now.rem_euclid(window);
        tokio::time::sleep(std::time::Duration::from_secs(next as u64 + 1)).await;
    }
}
