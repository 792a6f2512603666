//! What an operator or a load balancer sees: `/healthz` while the process
//! runs, `/readyz` only while the database and the store take writes (its
//! details for the studio alone), and a request id on every response.

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
