//! A plain HTTP(S) client for the checks, and the answers it reads whole.

use std::time::Duration;

use anyhow::Context as _;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, header};

/// A plain HTTP(S) client for the checks: doctor must see what a browser
/// sees, so it fetches URLs itself rather than through the AWS SDK.
pub(super) struct Http {
    client: reqwest::Client,
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
    pub(super) fn new() -> anyhow::Result<Http> {
        let client = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("building the HTTP client for the checks")?;
        Ok(Http { client })
    }

    pub(super) async fn send(
        &self,
        method: Method,
        url: &str,
        headers: &[(header::HeaderName, &str)],
    ) -> anyhow::Result<Answer> {
        let mut request = self.client.request(method, url);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                anyhow::anyhow!("no answer within {} s", HTTP_TIMEOUT.as_secs())
            } else {
                anyhow::Error::new(e)
            }
        })?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}
