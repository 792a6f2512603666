//! The embedded S3-compatible store: the `s3s` protocol implementation over a
//! directory (`s3s-fs`), with SigV4 signatures and presigned-URL expiry really
//! verified, and a CORS layer in front (s3s has none) so the browser app may
//! read images straight from it.
//!
//! It runs inside `proofline serve` or alone as `proofline store`, so the store
//! and the origin can fail separately, as S3 and a studio server do.
//!
//! Its key pair ([`credentials`]) is made once per data directory, safely
//! when several processes start together, and kept readable by the owner
//! alone (0600), as are the data directory and the objects' folder (0700).

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
use crate::private_fs::tighten;

#[derive(Serialize, Deserialize)]
struct CredentialsFile {
    access_key_id: String,
    secret_access_key: String,
}

fn credentials_path(data_dir: &Path) -> PathBuf {
    data_dir.join("embedded-store-credentials.json")
}

/// How long a reader waits for a key pair another process is still
/// writing (only a writer without hard links, or an older version, writes
/// the file in place).
const PARTIAL_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The embedded store's key pair, created on first use and kept (mode 0600) in
/// the data directory so `serve`, `store` and `publish` all agree on it. It never
/// leaves the server: the browser only ever sees URLs signed with it.
///
/// Processes starting together on a fresh data directory (`store` and
/// `serve`) agree: each writes its new pair to a temporary file and links
/// it into place, which succeeds for one of them only; the others read the
/// winner's, always whole. Also makes the data directory private (0700)
/// and tightens an existing one, and an existing key file, to the owner
/// alone.
pub fn credentials(data_dir: &Path) -> anyhow::Result<(String, String)> {
    let path = credentials_path(data_dir);
    private_dir(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    for _ in 0..3 {
        if let Some(c) = read_credentials(&path)? {
            tighten(&path);
            return Ok((c.access_key_id, c.secret_access_key));
        }
        let c = CredentialsFile {
            access_key_id: format!("PL{}", crate::secret::new_id(18).to_uppercase()),
            secret_access_key: crate::secret::new_id(40),
        };
        if create_credentials(data_dir, &path, &c)? {
            return Ok((c.access_key_id, c.secret_access_key));
        }
        // Another process's pair is in place: read it.
    }
    anyhow::bail!(
        "{} keeps appearing and disappearing; is another program deleting it?",
        path.display()
    )
}

/// The key pair in `path`, `None` if there is none. A file still being
/// written (empty, or JSON cut short) is read again for up to
/// [`PARTIAL_WAIT`].
fn read_credentials(path: &Path) -> anyhow::Result<Option<CredentialsFile>> {
    let deadline = std::time::Instant::now() + PARTIAL_WAIT;
    loop {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        match serde_json::from_str::<CredentialsFile>(&text) {
            Ok(c) => return Ok(Some(c)),
            Err(e) if e.is_eof() && std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("{} is damaged; delete it to make new keys", path.display())
                });
            }
        }
    }
}

/// Puts `c` at `path` unless a key pair is already there: `true` if this
/// call's pair is the one in place. The pair is written whole (0600, synced)
/// under a temporary name, then hard-linked to `path`, which fails if
/// `path` exists; a file system without hard links gets the file created
/// in place with `create_new`.
fn create_credentials(data_dir: &Path, path: &Path, c: &CredentialsFile) -> anyhow::Result<bool> {
    let bytes = serde_json::to_string_pretty(c)?;
    let temp = data_dir.join(format!(
        ".embedded-store-credentials.{}.tmp",
        crate::secret::new_id(12)
    ));
    let written = write_private(&temp, bytes.as_bytes());
    let linked = written.and_then(|()| std::fs::hard_link(&temp, path));
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => {
            sync_dir(data_dir);
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(_) => match write_private(path, bytes.as_bytes()) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
        },
    }
}

/// Creates `path` (it must not exist) holding `bytes`, readable by this
/// user alone, and syncs it.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Makes a new name in `dir` durable; a failure only costs durability.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        tracing::debug!("cannot sync {}: {e}", dir.display());
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Creates `dir` and any missing parent readable by this user alone (0700),
/// or tightens an existing `dir`.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    crate::private_fs::create_dir(dir)?;
    tighten(dir);
    Ok(())
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
    /// The data directory and `objects` (with the bucket's folder) are made
    /// or kept private (0700), so the objects in them, whatever their own
    /// mode, are the owner's alone.
    pub async fn start(
        data_dir: &Path,
        listen: SocketAddr,
        app_origins: &[String],
    ) -> anyhow::Result<EmbeddedStore> {
        let (access_key, secret_key) = credentials(data_dir)?;
        let root = data_dir.join("objects");
        for dir in [root.clone(), root.join(EMBEDDED_BUCKET)] {
            private_dir(&dir)
                .with_context(|| format!("cannot create the store directory {}", dir.display()))?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_starting_together_agree_on_one_key_pair() {
        for round in 0..20 {
            let temp = tempfile::tempdir().expect("a temp dir");
            let dir = temp.path().join("data");
            let start = std::sync::Barrier::new(16);
            let got: Vec<(String, String)> = std::thread::scope(|s| {
                let threads: Vec<_> = (0..16)
                    .map(|_| {
                        s.spawn(|| {
                            start.wait();
                            credentials(&dir)
                        })
                    })
                    .collect();
                threads
                    .into_iter()
                    .map(|t| t.join().expect("no panic").expect("credentials"))
                    .collect()
            });
            assert!(got.iter().all(|c| c == &got[0]), "round {round}: {got:?}");
            assert_eq!(credentials(&dir).expect("credentials"), got[0]);
        }
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path)
            .expect("metadata")
            .permissions()
            .mode()
            & 0o7777
    }

    #[cfg(unix)]
    #[test]
    fn the_key_pair_and_its_folder_are_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt as _;
        let temp = tempfile::tempdir().expect("a temp dir");
        let dir = temp.path().join("new").join("data");
        let made = credentials(&dir).expect("credentials");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&credentials_path(&dir)), 0o600);
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("the data dir")
            .map(|e| e.expect("an entry").file_name())
            .collect();
        assert_eq!(leftovers, ["embedded-store-credentials.json"]);

        // An install from before: both readable by others; tightened, kept.
        let loose = |path: &Path, m| {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(m)).expect("chmod")
        };
        loose(&dir, 0o755);
        loose(&credentials_path(&dir), 0o644);
        assert_eq!(credentials(&dir).expect("credentials"), made);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&credentials_path(&dir)), 0o600);
    }

    #[test]
    fn a_key_pair_being_written_is_waited_for_and_a_damaged_one_refused() {
        let temp = tempfile::tempdir().expect("a temp dir");
        let dir = temp.path();
        let path = credentials_path(dir);
        let whole = r#"{"access_key_id": "PLKEY", "secret_access_key": "secret"}"#;
        // Written in place by another process (an older version): empty,
        // then half, then whole.
        std::fs::write(&path, "").expect("write");
        let got = std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(50));
                std::fs::write(&path, &whole[..20]).expect("write");
                std::thread::sleep(std::time::Duration::from_millis(50));
                std::fs::write(&path, whole).expect("write");
            });
            credentials(dir)
        });
        assert_eq!(got.expect("credentials"), ("PLKEY".into(), "secret".into()));

        std::fs::write(&path, "{not json").expect("write");
        let err = credentials(dir).expect_err("damaged").to_string();
        assert!(err.contains("damaged"), "{err}");
    }
}
