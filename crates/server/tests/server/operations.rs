//! What an operator or a load balancer sees: `/healthz` while the process
//! runs, `/readyz` only while the database and the store take writes (its
//! details for the studio alone), and a request id on every response (a
//! presented one only when plain and short); and what the data directory
//! looks like on disk (the owner's alone).

use std::time::{Duration, Instant};

use proofline_test_support::{Backend, Durability, Harness, TempPostgres};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_follows_the_database_and_healthz_the_process() {
    let pg = TempPostgres::start(Durability::Fast).unwrap();
    let h = Harness::start_on(Backend::Embedded, None, Some(pg.url("proofline"))).await;
    let wide = proofline_server::secret::new_token();
    h.db.set_studio_wide_token(&proofline_server::secret::token_hash(wide.as_str()))
        .unwrap();
    let get = |path: &str| {
        h.http
            .get(format!("{}{path}", h.app_origin()))
            .bearer_auth(wide.as_str())
            .send()
    };

    let health = get("/healthz").await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert_eq!(body["store"], "ok");

    // The database server goes away: not ready (within the check's time
    // limit), yet alive.
    drop(pg);
    let started = Instant::now();
    let ready = get("/readyz").await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered promptly"
    );
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["ready"], false);
    assert_ne!(body["database"], "ok", "{body}");
    assert_eq!(body["store"], "ok");
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let h = Harness::start(Backend::Embedded).await;
    let made = h
        .http
        .get(format!("{}/api/galleries/nope", h.app_origin()))
        .send()
        .await
        .unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 16, "{id}");
    let given = h
        .http
        .get(format!("{}/healthz", h.app_origin()))
        .header("x-request-id", "lb-1234")
        .send()
        .await
        .unwrap();
    assert_eq!(
        given.headers()["x-request-id"],
        "lb-1234",
        "a load balancer's id is kept"
    );
}

/// Log lines written while a test runs on this thread (the origin's tasks
/// run on it too, under `#[tokio::test]`'s one-thread runtime).
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn a_presented_request_id_is_kept_only_when_plain_and_short() {
    use reqwest::header::HeaderValue;
    let logs = Logs::default();
    let writer = logs.clone();
    // tracing caches whether a call site is on, and while a single
    // subscriber is registered it asks the one of whichever thread meets the
    // call site first: another test's thread, without ours. A second
    // registered subscriber (one that takes nothing) makes it ask them all.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let dispatch = tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    );
    let _logging = tracing::dispatcher::set_default(&dispatch);
    let h = Harness::start(Backend::Embedded).await;
    let send = |ids: Vec<HeaderValue>| {
        let mut req = h.http.get(format!("{}/healthz", h.app_origin()));
        for id in ids {
            req = req.header("x-request-id", id);
        }
        req.send()
    };

    let long = "a".repeat(200);
    let refused: Vec<Vec<HeaderValue>> = vec![
        vec![HeaderValue::from_str(&long).unwrap()],
        vec![HeaderValue::from_static("x\" y")],
        vec![HeaderValue::from_static("a\tb")],
        vec![HeaderValue::from_static("id=forged level=ERROR")],
        vec![HeaderValue::from_bytes(b"caf\xe9").unwrap()],
        vec![HeaderValue::from_static("")],
        // Two ids, each fine alone: which one would be logged?
        vec![
            HeaderValue::from_static("lb-1"),
            HeaderValue::from_static("lb-2"),
        ],
    ];
    let mut fresh = Vec::new();
    for ids in refused {
        let resp = send(ids.clone()).await.unwrap();
        assert_eq!(resp.status(), 200);
        let echoed: Vec<_> = resp.headers().get_all("x-request-id").iter().collect();
        assert_eq!(echoed.len(), 1, "{ids:?} -> {echoed:?}");
        let echoed = echoed[0].to_str().unwrap().to_owned();
        assert_eq!(echoed.len(), 16, "{ids:?} -> {echoed}");
        assert!(
            echoed.bytes().all(|b| b.is_ascii_hexdigit()),
            "{ids:?} -> {echoed}"
        );
        assert!(ids.iter().all(|id| id != echoed.as_str()), "{ids:?}");
        fresh.push(echoed);
    }
    let kept = send(vec![HeaderValue::from_static("lb-1234:a.b_c")])
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "lb-1234:a.b_c");

    // The request's log lines carry the id echoed, never the one refused.
    let text = logs.text();
    for id in fresh.iter().map(String::as_str).chain(["lb-1234:a.b_c"]) {
        assert!(text.contains(&format!("id={id} ")), "{id} not in {text}");
    }
    for refused in [
        long.as_str(),
        "x\" y",
        "forged",
        "lb-1 ",
        "lb-2",
        "caf\u{fffd}",
    ] {
        assert!(!text.contains(refused), "{refused:?} logged: {text}");
    }
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// What proofline keeps in its data directory, and the mode each must have.
#[cfg(unix)]
fn private_paths(dir: &std::path::Path) -> Vec<(std::path::PathBuf, u32)> {
    let bucket = proofline_server::storage::EMBEDDED_BUCKET;
    vec![
        (dir.to_path_buf(), 0o700),
        (dir.join("objects"), 0o700),
        (dir.join("objects").join(bucket), 0o700),
        (dir.join("embedded-store-credentials.json"), 0o600),
        (dir.join("proofline.sqlite3"), 0o600),
        (dir.join("proofline.sqlite3-wal"), 0o600),
        (dir.join("proofline.sqlite3-shm"), 0o600),
    ]
}

#[cfg(unix)]
#[tokio::test]
async fn a_fresh_data_directory_is_the_owners_alone() {
    let h = Harness::start(Backend::Embedded).await;
    // A write, so the database's -wal and -shm exist; an object too.
    h.db.set_studio_wide_token(&proofline_server::secret::token_hash("t"))
        .unwrap();
    let ready = h
        .http
        .get(format!("{}/readyz", h.app_origin()))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    for (path, want) in private_paths(h.dir.path()) {
        assert_eq!(mode(&path), want, "{}", path.display());
    }
}

#[cfg(unix)]
#[tokio::test]
async fn an_existing_data_directory_is_made_the_owners_alone() {
    use std::os::unix::fs::PermissionsExt as _;
    // An install from before: everything readable by everyone.
    let dir = tempfile::tempdir().unwrap();
    let keys = serde_json::json!({
        "access_key_id": "PLOLDINSTALLKEY",
        "secret_access_key": "an-old-installs-secret-key-of-forty-chars",
    });
    std::fs::write(
        dir.path().join("embedded-store-credentials.json"),
        keys.to_string(),
    )
    .unwrap();
    let bucket = dir
        .path()
        .join("objects")
        .join(proofline_server::storage::EMBEDDED_BUCKET);
    std::fs::create_dir_all(&bucket).unwrap();
    let db = proofline_server::db::Db::open(&dir.path().join("proofline.sqlite3")).unwrap();
    db.set_studio_wide_token(&proofline_server::secret::token_hash("t"))
        .unwrap();
    for (path, _) in private_paths(dir.path()) {
        let loose = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(loose)).unwrap();
    }

    let h = Harness::start_in(Backend::Embedded, None, None, dir).await;
    assert_eq!(
        h.settings.credentials,
        Some((
            "PLOLDINSTALLKEY".to_owned(),
            "an-old-installs-secret-key-of-forty-chars".to_owned()
        )),
        "the install's keys are kept"
    );
    let ready = h
        .http
        .get(format!("{}/readyz", h.app_origin()))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    for (path, want) in private_paths(h.dir.path()) {
        assert_eq!(mode(&path), want, "{}", path.display());
    }
    drop(db);
}
