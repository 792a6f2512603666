//! A store that fails on cue: a reverse proxy (HTTP/1.1 on 127.0.0.1) in
//! front of a real object store, for tests of what happens when the store
//! goes away mid-publish.
//!
//! A client is configured with the proxy's endpoint instead of the store's
//! ([`FaultyStore::settings`]), so the SigV4 signature it makes covers the
//! proxy's address as `Host`. The proxy forwards every request unchanged —
//! method, path and query, every header (`Host` included) and the body,
//! streamed — to the store, which therefore verifies the same signature over
//! the same bytes, and answers with the store's response, unchanged. Told to
//! ([`FaultyStore::refuse_puts_after`]), it lets the next `n` PUTs through
//! and refuses every later one without forwarding it: `503 Service
//! Unavailable` with an S3 error document, or the connection closed without
//! an answer. (A client retrying a refused PUT is refused again: every PUT
//! counts.) Told to ([`FaultyStore::deny_deletes`]), it answers every DELETE
//! `403 AccessDenied`, as S3 does for a key without `s3:DeleteObject`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use proofline_server::storage::StoreSettings;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// How a refused PUT is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `503 Service Unavailable`, with an S3 error document
    /// (`ServiceUnavailable`).
    Unavailable,
    /// No answer: the connection is closed.
    Disconnect,
}

/// The proxy, running until dropped.
pub struct FaultyStore {
    addr: SocketAddr,
    settings: StoreSettings,
    proxy: Arc<Proxy>,
    /// Accepts connections and owns their tasks: aborting it closes them all.
    server: JoinHandle<()>,
}

struct Proxy {
    /// The store's scheme and authority, `http://host:port`.
    upstream: String,
    client: Client<HttpConnector, Incoming>,
    budget: Mutex<Budget>,
}

struct Budget {
    /// PUTs still forwarded before they are refused.
    puts_left: u64,
    refusal: Refusal,
    refused: u64,
    deny_deletes: bool,
}

/// A body forwarded from the store or made here.
type Body = BoxBody<Bytes, hyper::Error>;

/// The error that makes hyper close a connection without answering.
#[derive(Debug)]
struct Disconnect;

impl std::fmt::Display for Disconnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the faulty store closes the connection")
    }
}

impl std::error::Error for Disconnect {}

impl FaultyStore {
    /// Starts a proxy in front of the store `store` names (which must have a
    /// plain `http://` endpoint), forwarding everything until told otherwise.
    pub async fn start(store: &StoreSettings) -> FaultyStore {
        let endpoint: Uri = store
            .endpoint
            .as_deref()
            .expect("a store with an endpoint (not AWS S3's own)")
            .parse()
            .expect("the store's endpoint is a URL");
        assert_eq!(
            endpoint.scheme_str(),
            Some("http"),
            "the faulty store forwards plain HTTP only"
        );
        let authority = endpoint.authority().expect("the endpoint's host and port");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port on 127.0.0.1");
        let addr = listener.local_addr().expect("the proxy's address");
        let proxy = Arc::new(Proxy {
            upstream: format!("http://{authority}"),
            client: Client::builder(TokioExecutor::new()).build_http(),
            budget: Mutex::new(Budget {
                puts_left: u64::MAX,
                refusal: Refusal::Unavailable,
                refused: 0,
                deny_deletes: false,
            }),
        });
        let server = tokio::spawn(accept(listener, proxy.clone()));
        FaultyStore {
            addr,
            settings: StoreSettings {
                public_url: None,
                endpoint: Some(format!("http://{addr}")),
                ..store.clone()
            },
            proxy,
            server,
        }
    }

    /// The store's settings with the proxy as its endpoint: what a client
    /// that should go through the proxy connects with.
    pub fn settings(&self) -> &StoreSettings {
        &self.settings
    }

    /// Where the proxy listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Forwards the next `n` PUTs, then refuses every PUT as `refusal` says
    /// (other requests are still forwarded).
    pub fn refuse_puts_after(&self, n: u64, refusal: Refusal) {
        let mut budget = self.proxy.budget.lock().expect("the budget's lock");
        budget.puts_left = n;
        budget.refusal = refusal;
    }

    /// Answers every DELETE from now on `403 AccessDenied`.
    pub fn deny_deletes(&self) {
        self.proxy
            .budget
            .lock()
            .expect("the budget's lock")
            .deny_deletes = true;
    }

    /// How many PUTs were refused so far (retries included).
    pub fn refused(&self) -> u64 {
        self.proxy.budget.lock().expect("the budget's lock").refused
    }
}

impl Drop for FaultyStore {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn accept(listener: TcpListener, proxy: Arc<Proxy>) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let proxy = proxy.clone();
        connections.spawn(async move {
            let service = service_fn(move |request| {
                let proxy = proxy.clone();
                async move { proxy.answer(request).await }
            });
            // A refusal by disconnection ends the connection with an error.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
        while connections.try_join_next().is_some() {}
    }
}

impl Proxy {
    async fn answer(&self, request: Request<Incoming>) -> Result<Response<Body>, Disconnect> {
        if request.method() == Method::DELETE
            && self.budget.lock().expect("the budget's lock").deny_deletes
        {
            let mut response = plain(
                StatusCode::FORBIDDEN,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>\
                 <Message>Access Denied</Message></Error>"
                    .into(),
            );
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/xml"));
            return Ok(response);
        }
        if request.method() == Method::PUT
            && let Some(refusal) = self.refuses_put()
        {
            return match refusal {
                Refusal::Disconnect => Err(Disconnect),
                Refusal::Unavailable => {
                    // Read the upload first, so the client gets the answer
                    // rather than a connection reset mid-body.
                    let _ = request.into_body().collect().await;
                    Ok(unavailable())
                }
            };
        }
        let (mut parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        parts.uri = format!("{}{path}", self.upstream)
            .parse()
            .expect("the store's URL of a request");
        // The legacy client only adds `Host` when it is missing: the client's
        // own (the proxy's address, which it signed) goes to the store.
        match self.client.request(Request::from_parts(parts, body)).await {
            Ok(response) => Ok(response.map(|body| body.boxed())),
            Err(e) => Ok(plain(
                StatusCode::BAD_GATEWAY,
                format!("the faulty store cannot reach the store: {e}"),
            )),
        }
    }

    /// Counts a PUT: `None` while it may go through, else how to refuse it.
    fn refuses_put(&self) -> Option<Refusal> {
        let mut budget = self.budget.lock().expect("the budget's lock");
        if budget.puts_left > 0 {
            budget.puts_left -= 1;
            return None;
        }
        budget.refused += 1;
        Some(budget.refusal)
    }
}

fn unavailable() -> Response<Body> {
    let mut response = plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>ServiceUnavailable</Code>\
         <Message>The faulty store refuses uploads now.</Message></Error>"
            .into(),
    );
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/xml"));
    response
}

fn plain(status: StatusCode, text: String) -> Response<Body> {
    let body = Full::new(Bytes::from(text))
        .map_err(|never| match never {})
        .boxed();
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proofline_server::storage::ObjectStore;

    use super::*;
    use crate::{Backend, Harness};

    /// The proxy's client as a test would make it.
    async fn through(proxy: &FaultyStore) -> ObjectStore {
        ObjectStore::connect(proxy.settings()).await.unwrap()
    }

    async fn forwards_then_refuses(backend: Backend, refusal: Refusal) {
        let h = Harness::start(backend).await;
        let proxy = FaultyStore::start(&h.settings).await;
        let store = through(&proxy).await;
        // Signed for the proxy's address, verified by the store.
        store
            .put("faulty/a.jpg", b"first".to_vec(), "image/jpeg")
            .await
            .unwrap();
        assert_eq!(h.store.size_of("faulty/a.jpg").await.unwrap(), Some(5));
        // A HEAD answer comes back whole (its length, no body).
        assert_eq!(store.size_of("faulty/a.jpg").await.unwrap(), Some(5));
        assert_eq!(store.size_of("faulty/none.jpg").await.unwrap(), None);

        proxy.refuse_puts_after(1, refusal);
        store
            .put("faulty/b.jpg", b"second".to_vec(), "image/jpeg")
            .await
            .unwrap();
        let refused = tokio::time::timeout(
            Duration::from_secs(60),
            store.put("faulty/c.jpg", b"third".to_vec(), "image/jpeg"),
        )
        .await
        .expect("a refused upload fails, after the client's retries");
        assert!(refused.is_err(), "the third upload is refused");
        assert!(proxy.refused() >= 1, "{} refused", proxy.refused());
        assert_eq!(h.store.size_of("faulty/b.jpg").await.unwrap(), Some(6));
        assert_eq!(
            h.store.size_of("faulty/c.jpg").await.unwrap(),
            None,
            "a refused upload never reaches the store"
        );
        // Everything but PUTs still goes through.
        assert_eq!(store.size_of("faulty/b.jpg").await.unwrap(), Some(6));
        store.delete("faulty/b.jpg").await.unwrap();
        assert_eq!(h.store.size_of("faulty/b.jpg").await.unwrap(), None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn forwards_signed_requests_then_answers_503_embedded() {
        forwards_then_refuses(Backend::Embedded, Refusal::Unavailable).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn forwards_signed_requests_then_disconnects_embedded() {
        forwards_then_refuses(Backend::Embedded, Refusal::Disconnect).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn forwards_signed_requests_then_answers_503_garage() {
        forwards_then_refuses(Backend::Garage, Refusal::Unavailable).await;
    }
}
