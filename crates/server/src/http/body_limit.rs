//! Request bodies over a route's limit, refused so that the sender hears
//! why. A server that answers 413 without reading the body closes the
//! connection under a client still sending it; the client then sees a reset
//! where the answer should be (a browser's "network error", never "too
//! large"). So a body whose declared length is over the limit by at most
//! [`DRAIN_BYTES`] is read to its end and thrown away, for at most
//! [`DRAIN_TIME`], before the 413 goes out, as nginx's lingering close
//! does. Larger ones are refused at once, as are those whose client waits
//! for "100 Continue" before sending. A body of undeclared length
//! (chunked) is held to the limit as it is read ([`RequestBodyLimitLayer`]
//! behind this), and refused there.
//!
//! [`RequestBodyLimitLayer`]: tower_http::limit::RequestBodyLimitLayer

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, EXPECT};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::Body as _;
use proofline_core::wording::errors::too_large_bytes;

use super::error::AppError;

/// Most bytes past the limit read and thrown away before a refusal.
pub const DRAIN_BYTES: u64 = 32 * 1024 * 1024;
/// Longest time spent reading a refused body.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);

/// A route's limit: its bytes, and what its body is, for the refusal ("A
/// logo", "A request").
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub bytes: usize,
    pub what: &'static str,
}

/// The middleware (`axum::middleware::from_fn_with_state(limit, refuse_over)`).
pub async fn refuse_over(State(limit): State<Limit>, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some(size) = declared.filter(|&n| n > limit.bytes as u64) else {
        return next.run(request).await;
    };
    // A client that waits for "100 Continue" before sending has sent
    // nothing yet: it is answered at once.
    let waits = request
        .headers()
        .get(EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if !waits && size <= limit.bytes as u64 + DRAIN_BYTES {
        let mut body = request.into_body();
        let drained = tokio::time::timeout(DRAIN_TIME, async {
            while let Some(Ok(_)) =
                std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
            {
            }
        });
        let _ = drained.await;
    }
    AppError::TooLarge(too_large_bytes(limit.what, limit.bytes as u64, size)).into_response()
}

/// `router` with its bodies held to `limit`: declared ones here, chunked
/// ones as they are read.
pub fn limited<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    limit: Limit,
) -> axum::Router<S> {
    router
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit.bytes))
        .layer(axum::middleware::from_fn_with_state(limit, refuse_over))
}
