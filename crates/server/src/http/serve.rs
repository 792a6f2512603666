//! The origin's accept loop, with the limits a server on the internet needs
//! ([`Limits`]): a client must send its request headers within
//! `header_read` (also how long an idle keep-alive connection is kept), a
//! request must be answered within `request` (else 408; a slow body
//! counts), and at most `concurrent` requests are handled at once: the
//! next is answered 503 with `Retry-After` at once, never queued.
//!
//! `axum::serve` sets no timer, so hyper's header-read timeout would never
//! fire: this loop builds hyper's connections itself, and on shutdown stops
//! accepting and lets the requests in flight finish.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

/// What one origin allows its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// To send a request's headers, and how long an idle connection stays.
    pub header_read: Duration,
    /// To answer a request, from its headers (a slow body counts).
    pub request: Duration,
    /// Requests handled at once; the next is refused with 503.
    pub concurrent: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            // A 10,000-photo manifest answers in well under a second; an op
            // batch of 1 MB on a slow phone link is the slowest request.
            request: Duration::from_secs(60),
            concurrent: 512,
        }
    }
}

/// Seconds a client refused for load is asked to wait.
const BUSY_RETRY_AFTER_SECS: u32 = 1;

/// Serves `app` on `listener` within `limits` until `shutdown` completes,
/// then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = limited(app, limits);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(
            app.clone()
                .map_request(|req: Request<Incoming>| req.map(Body::new)),
        );
        let mut builder = Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read);
        builder
            .http2()
            .timer(TokioTimer::new())
            .keep_alive_interval(limits.header_read)
            .keep_alive_timeout(limits.header_read);
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection ended: {e}");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// `app` with the request time limit and the concurrency limit.
fn limited(app: axum::Router, limits: Limits) -> axum::Router {
    let slots = Arc::new(Semaphore::new(limits.concurrent));
    app.layer(axum::middleware::from_fn(
        move |req: Request<Body>, next: axum::middleware::Next| {
            let slots = slots.clone();
            async move {
                let Ok(_slot) = slots.try_acquire_owned() else {
                    return Ok::<_, Infallible>(busy());
                };
                match tokio::time::timeout(limits.request, next.run(req)).await {
                    Ok(response) => Ok(response),
                    Err(_) => Ok((
                        StatusCode::REQUEST_TIMEOUT,
                        "The request took too long. Please try again.\n",
                    )
                        .into_response()),
                }
            }
        },
    ))
}

fn busy() -> Response {
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        "The studio server is busy. Please try again in a moment.\n",
    )
        .into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(BUSY_RETRY_AFTER_SECS),
    );
    response
}
