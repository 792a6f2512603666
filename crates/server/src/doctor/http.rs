//! A plain HTTP(S) client for the checks, and the answers it reads whole.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request, header};
use http_body_util::{BodyExt as _, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// A plain HTTP(S) client for the checks: doctor must see what a browser
/// sees, so it fetches URLs itself rather than through the AWS SDK.
pub(super) struct Http {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>,
}

/// A response, read whole (test objects are tiny).
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Bytes,
}

impl Answer {
    pub(super) fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The status and the start of the body (S3 errors say what is wrong there).
    pub(super) fn summary(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = text.chars().take(300).collect();
        if short.is_empty() {
            format!("status {}", self.status)
        } else {
            format!("status {}: {short}", self.status)
        }
    }
}

const HTTP_TIMEOUT: Duration = Duration::from_secs(15);

impl Http {
    pub(super) fn new() -> Http {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider.clone())
            .unwrap_or_else(|e| {
                // No system certificates: plain HTTP still works, HTTPS will
                // fail with a certificate error that says so.
                tracing::warn!("no system root certificates ({e}); HTTPS checks will fail");
                let config = rustls::ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .expect("the default provider supports the default versions")
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth();
                hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
            });
        let connector = builder.https_or_http().enable_http1().build();
        Http {
            client: Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    pub(super) async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(header::HeaderName, &str)],
    ) -> anyhow::Result<Answer> {
        let mut request = Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let request = request
            .body(Empty::new())
            .with_context(|| format!("{url} is not a URL this client can request"))?;
        let exchange = async {
            let response = self.client.request(request).await?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = response.into_body().collect().await?.to_bytes();
            anyhow::Ok(Answer {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(HTTP_TIMEOUT, exchange)
            .await
            .map_err(|_| anyhow::anyhow!("no answer within {} s", HTTP_TIMEOUT.as_secs()))?
    }
}
