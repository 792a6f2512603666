//! The embedded S3-compatible store: the `s3s` protocol implementation over a
//! directory (`s3s-fs`), with SigV4 signatures and presigned-URL expiry really
//! verified, and a CORS layer in front (s3s has none) so the browser app may
//! read images straight from it.
//!
//! It runs inside `proofline serve` or alone as `proofline store`, so the store
//! and the origin can fail separately, as S3 and a studio server do.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::EMBEDDED_BUCKET;

#[derive(Serialize, Deserialize)]
struct CredentialsFile {
    access_key_id: String,
    secret_access_key: String,
}

fn credentials_path(data_dir: &Path) -> PathBuf {
    data_dir.join("embedded-store-credentials.json")
}

/// The embedded store's key pair, created on first use and kept (mode 0600) in
/// the data directory so `serve`, `store` and `publish` all agree on it. It never
/// leaves the server: the browser only ever sees URLs signed with it.
pub fn credentials(data_dir: &Path) -> anyhow::Result<(String, String)> {
    let path = credentials_path(data_dir);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let c: CredentialsFile = serde_json::from_str(&text).with_context(|| {
            format!("{} is damaged; delete it to make new keys", path.display())
        })?;
        return Ok((c.access_key_id, c.secret_access_key));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let c = CredentialsFile {
        access_key_id: format!("PL{}", crate::secret::new_id(18).to_uppercase()),
        secret_access_key: crate::secret::new_id(40),
    };
    let text = serde_json::to_string_pretty(&c)?;
    write_private(&path, text.as_bytes())?;
    Ok((c.access_key_id, c.secret_access_key))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot create {}", path.display()))
}

/// A running embedded store. Dropping the handle does not stop it; call
/// [`EmbeddedStore::stop`].
pub struct EmbeddedStore {
    pub addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl EmbeddedStore {
    /// Binds `listen` (port 0 picks a free port) and serves objects from
    /// `data_dir/objects`, allowing cross-origin reads from `app_origins`.
    pub async fn start(
        data_dir: &Path,
        listen: SocketAddr,
        app_origins: &[String],
    ) -> anyhow::Result<EmbeddedStore> {
        let root = data_dir.join("objects");
        std::fs::create_dir_all(root.join(EMBEDDED_BUCKET))
            .with_context(|| format!("cannot create the store directory {}", root.display()))?;
        let (access_key, secret_key) = credentials(data_dir)?;
        let fs = s3s_fs::FileSystem::new(&root)
            .map_err(|e| anyhow::anyhow!("cannot open the store directory: {e:?}"))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(access_key, secret_key));
        let s3 = builder.build();

        let origins = app_origins
            .iter()
            .map(|o| HeaderValue::from_str(o).with_context(|| format!("bad origin {o:?}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let cors = CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::HEAD])
            .allow_headers([
                header::RANGE,
                header::IF_NONE_MATCH,
                header::IF_MODIFIED_SINCE,
            ])
            .expose_headers([
                header::ETAG,
                header::CONTENT_LENGTH,
                header::CONTENT_RANGE,
                HeaderName::from_static("x-amz-request-id"),
            ])
            .max_age(std::time::Duration::from_secs(3600));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(s3)
            .layer(cors);

        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("the embedded store cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!("embedded store stopped: {e}");
            }
        });
        Ok(EmbeddedStore { addr, stop, task })
    }

    /// Stops accepting connections and waits for in-flight requests.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

async fn handle(State(s3): State<S3Service>, req: Request) -> Response {
    let req = req.map(s3s::Body::http_body_unsync);
    match s3.call(req).await {
        Ok(resp) => resp.map(axum::body::Body::new),
        Err(e) => {
            tracing::error!("embedded store request failed: {e:?}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal store error").into_response()
        }
    }
}
