//! Operations: `GET /healthz` (the process answers), `GET /readyz` (the
//! database and the object store each take a write within
//! [`CHECK_TIMEOUT`]), and
//! a request id on every request: taken from `X-Request-Id` when it is 1 to
//! 64 characters of `[A-Za-z0-9._:-]`, else made here (16 hex digits),
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

/// Request ids: 64 random bits in hex (16 characters).
#[derive(Clone, Copy, Default)]
struct RandomId;

impl MakeRequestId for RandomId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        use rand::RngCore as _;
        let id = format!("{:016x}", rand::rngs::OsRng.next_u64());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

const X_REQUEST_ID: &str = "x-request-id";

/// The longest `X-Request-Id` kept as presented.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// Whether a presented `X-Request-Id` may be logged and echoed: 1 to
/// [`MAX_REQUEST_ID_LEN`] characters of `[A-Za-z0-9._:-]`. Anything else
/// (spaces, quotes, control characters, a page of text) could forge or
/// garble log lines, so it is replaced by a fresh id.
pub fn acceptable_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// Drops a presented `X-Request-Id` unless it is one acceptable id (several
/// values, or one unacceptable, are all dropped), so [`SetRequestIdLayer`]
/// makes a fresh one.
async fn screen_request_id(mut req: Request<axum::body::Body>) -> Request<axum::body::Body> {
    let headers = req.headers_mut();
    let mut ids = headers.get_all(X_REQUEST_ID).iter();
    let keep = match (ids.next(), ids.next()) {
        (None, _) => true,
        (Some(id), None) => acceptable_request_id(id.as_bytes()),
        (Some(_), Some(_)) => false,
    };
    if !keep {
        headers.remove(X_REQUEST_ID);
    }
    req
}

/// Wraps the whole app: a request id (a presented one only if acceptable,
/// see [`acceptable_request_id`]), then one span per request (method, path,
/// id) with the status and latency logged when it ends. Query strings and
/// headers (tokens) are never logged.
///
/// Layers run from the last added: the presented id is screened, then one
/// is made if none is left, then echoed, and only then does the span read
/// it, so a span never carries an id the screen refused.
pub fn traced(app: Router) -> Router {
    app.layer(
        TraceLayer::new_for_http()
            .make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get(X_REQUEST_ID)
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
    .layer(axum::middleware::map_request(screen_request_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_acceptable() {
        for good in [
            "lb-1234",
            "a",
            "1f2e3d4c-5b6a-7988-a7b6-c5d4e3f2a1b0",
            "a.b_c:d-E",
        ] {
            assert!(acceptable_request_id(good.as_bytes()), "{good:?}");
        }
        let long = "a".repeat(MAX_REQUEST_ID_LEN + 1);
        for bad in [
            "",
            long.as_str(),
            "x\" y",
            "a b",
            "a\u{1b}[31mb",
            "line\nforged=1",
            "tab\there",
            "é",
            "a/b",
            "a=b",
        ] {
            assert!(!acceptable_request_id(bad.as_bytes()), "{bad:?}");
        }
        assert!(acceptable_request_id(
            "a".repeat(MAX_REQUEST_ID_LEN).as_bytes()
        ));
    }

    #[test]
    fn fresh_request_ids_are_16_hex_digits() {
        let req = Request::new(());
        let a = RandomId.make_request_id(&req).expect("an id");
        let b = RandomId.make_request_id(&req).expect("an id");
        for id in [&a, &b] {
            let id = id.header_value().to_str().expect("ASCII");
            assert_eq!(id.len(), 16, "{id}");
            assert!(id.bytes().all(|c| c.is_ascii_hexdigit()), "{id}");
        }
        assert_ne!(a.header_value(), b.header_value());
    }
}
