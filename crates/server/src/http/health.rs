//! Operations: `GET /healthz` (the process answers), `GET /readyz` (the
//! database and the object store each take a write within
//! [`CHECK_TIMEOUT`]), and
//! a request id on every request: taken from `X-Request-Id` or made here,
//! echoed in the response, and carried by every log line of the request.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::auth::bearer;
use super::state::AppState;
use crate::secret::token_matches;

/// How long `/readyz` waits for the database and for the store.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// The studio-wide token's hash as `/readyz` last read it, so the studio
/// still sees the details while the database does not answer.
#[derive(Clone, Default)]
pub struct StudioMemo(std::sync::Arc<std::sync::Mutex<Option<Vec<u8>>>>);

impl StudioMemo {
    /// Whether `token` is the studio-wide token: read from the database
    /// (within [`CHECK_TIMEOUT`]), else as last read.
    async fn is_studio(&self, db: &crate::db::Db, token: &str) -> bool {
        if token.is_empty() {
            return false;
        }
        let db = db.clone();
        let read = tokio::task::spawn_blocking(move || db.studio_wide_token_hash());
        let mut known = match tokio::time::timeout(CHECK_TIMEOUT, read).await {
            Ok(Ok(Ok(hash))) => {
                let mut known = self.0.lock().unwrap_or_else(|p| p.into_inner());
                *known = hash;
                known
            }
            _ => self.0.lock().unwrap_or_else(|p| p.into_inner()),
        };
        known
            .as_mut()
            .is_some_and(|hash| token_matches(token, hash))
    }
}

/// The object `/readyz` writes to prove the store takes writes (relative to
/// the store's prefix; a few bytes, overwritten by every check).
pub const STORE_PROBE_KEY: &str = "proofline/readiness-probe";

/// What `/readyz` found: `"ok"` or the problem, per dependency. Only the
/// studio (its studio-wide token) sees the details; anyone else gets
/// `{"ready": …}` alone.
#[derive(Debug, Serialize)]
pub struct Readiness {
    pub ready: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
}

/// Ready means able to take a customer's choices: the database commits a
/// write and the store stores an object. An origin whose disk went
/// read-only keeps serving galleries (reads work) but answers 503 here, so
/// a load balancer sends customers to another origin.
async fn readyz(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let db = state.db.clone();
    let database = async {
        let now = crate::unix_now();
        match tokio::time::timeout(
            CHECK_TIMEOUT,
            tokio::task::spawn_blocking(move || db.check_writes(now)),
        )
        .await
        {
            Ok(Ok(Ok(()))) => None,
            Ok(Ok(Err(e))) => Some(format!("cannot write: {e:#}")),
            Ok(Err(e)) => Some(format!("the check failed: {e}")),
            Err(_) => Some(format!("no answer within {CHECK_TIMEOUT:?}")),
        }
    };
    let store = async {
        let write = async {
            state
                .store
                .check_bucket()
                .await
                .map_err(|p| p.to_string())?;
            state
                .store
                .check_writes(STORE_PROBE_KEY)
                .await
                .map_err(|e| format!("cannot write: {e:#}"))
        };
        match tokio::time::timeout(CHECK_TIMEOUT, write).await {
            Ok(Ok(())) => None,
            Ok(Err(problem)) => Some(problem),
            Err(_) => Some(format!("no answer within {CHECK_TIMEOUT:?}")),
        }
    };
    let token = bearer(&headers).unwrap_or_default().to_owned();
    let studio = state.readiness.is_studio(&state.db, &token);
    let (database, store, studio) = tokio::join!(database, store, studio);
    let ready = database.is_none() && store.is_none();
    if !ready {
        tracing::warn!(?database, ?store, "not ready");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let ok = |p: Option<String>| Some(p.unwrap_or_else(|| "ok".into()));
    let body = if studio {
        Readiness {
            ready,
            database: ok(database),
            store: ok(store),
        }
    } else {
        Readiness {
            ready,
            database: None,
            store: None,
        }
    };
    (status, Json(body)).into_response()
}

/// Request ids: 64 random bits in hex.
#[derive(Clone, Copy, Default)]
struct RandomId;

impl MakeRequestId for RandomId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = crate::secret::new_id(16);
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// Wraps the whole app: a request id, then one span per request (method,
/// path, id) with the status and latency logged when it ends. Query strings
/// and headers (tokens) are never logged.
pub fn traced(app: Router) -> Router {
    app.layer(
        TraceLayer::new_for_http()
            .make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!(
                    "request",
                    id = %id,
                    method = %req.method(),
                    path = %req.uri().path(),
                )
            })
            .on_request(())
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    )
    .layer(PropagateRequestIdLayer::x_request_id())
    .layer(SetRequestIdLayer::x_request_id(RandomId))
}
