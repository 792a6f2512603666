//! Operations: `GET /healthz` (the process answers), `GET /readyz` (the
//! database and the object store answer, each within [`CHECK_TIMEOUT`]), and
//! a request id on every request: taken from `X-Request-Id` or made here,
//! echoed in the response, and carried by every log line of the request.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::state::AppState;

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

/// What `/readyz` found: `"ok"` or the problem, per dependency.
#[derive(Debug, Serialize)]
pub struct Readiness {
    pub ready: bool,
    pub database: String,
    pub store: String,
}

async fn readyz(State(state): State<AppState>) -> Response {
    let db = state.db.clone();
    let database = async {
        match tokio::time::timeout(
            CHECK_TIMEOUT,
            tokio::task::spawn_blocking(move || db.ping()),
        )
        .await
        {
            Ok(Ok(Ok(()))) => None,
            Ok(Ok(Err(e))) => Some(format!("{e:#}")),
            Ok(Err(e)) => Some(format!("the check failed: {e}")),
            Err(_) => Some(format!("no answer within {CHECK_TIMEOUT:?}")),
        }
    };
    let store = async {
        match tokio::time::timeout(CHECK_TIMEOUT, state.store.check_bucket()).await {
            Ok(Ok(())) => None,
            Ok(Err(problem)) => Some(problem.to_string()),
            Err(_) => Some(format!("no answer within {CHECK_TIMEOUT:?}")),
        }
    };
    let (database, store) = tokio::join!(database, store);
    let ready = database.is_none() && store.is_none();
    if !ready {
        tracing::warn!(?database, ?store, "not ready");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let ok = |p: Option<String>| p.unwrap_or_else(|| "ok".into());
    let body = Readiness {
        ready,
        database: ok(database),
        store: ok(store),
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
