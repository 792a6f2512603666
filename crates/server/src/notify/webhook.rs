//! The studio's webhook when a link submits: a JSON body POSTed to the
//! studio's URL, with
//!
//! - `X-Proofline-Signature: sha256=<hex>`: HMAC-SHA256 of the body's bytes
//!   under the studio's secret, which the receiver recomputes;
//! - `X-Proofline-Delivery`: the event's key, the same in every retry, so
//!   the receiver can drop a repeat;
//! - `X-Proofline-Event: selection.submitted`.
//!
//! Any 2xx answer is a delivery; anything else, or no answer within the
//! delivery timeout, is tried again later. Redirects are not followed (the
//! signed body goes where the studio said, or nowhere).

use std::time::Duration;

use anyhow::Context as _;
use hmac::{Hmac, Mac as _};
use proofline_core::notify::DELIVERY_TIMEOUT_MS;
use serde::Serialize;
use sha2::Sha256;

use super::Submission;
use crate::secret::Secret;
use crate::settings::WebhookSettings;

/// The event's name, in the body and a header.
pub const SUBMITTED: &str = "selection.submitted";

/// The studio's webhook.
pub struct Webhook {
    client: reqwest::Client,
    url: String,
    secret: Secret,
}

/// The body: what was submitted, for a program to act on.
#[derive(Serialize)]
struct Notice<'a> {
    event: &'static str,
    delivery: &'a str,
    gallery: Named<'a>,
    link: Named<'a>,
    /// Unix seconds, by the customer's device clock.
    submitted_at: Option<i64>,
    /// File names, in gallery order.
    selected: &'a [String],
    favourites: usize,
    comments: usize,
}

#[derive(Serialize)]
struct Named<'a> {
    id: &'a str,
    /// A gallery's title; a link's label (maybe empty).
    name: &'a str,
}

impl Webhook {
    pub fn new(settings: &WebhookSettings) -> anyhow::Result<Webhook> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(DELIVERY_TIMEOUT_MS))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("proofline/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot make the webhook's HTTP client")?;
        Ok(Webhook {
            client,
            url: settings.url.clone(),
            secret: settings.secret.clone(),
        })
    }

    /// The JSON body for `submission`.
    pub fn body(submission: &Submission) -> Vec<u8> {
        let s = submission;
        let notice = Notice {
            event: SUBMITTED,
            delivery: &s.key,
            gallery: Named {
                id: &s.gallery_id,
                name: &s.gallery_title,
            },
            link: Named {
                id: &s.link.id,
                name: &s.link.label,
            },
            submitted_at: s.link.submitted_at,
            selected: &s.link.selected,
            favourites: s.link.favourites.len(),
            comments: s.link.comments.len(),
        };
        serde_json::to_vec(&notice).expect("a notice is always JSON")
    }

    /// POSTs the notice for `submission`; an error says what the receiver
    /// answered (never the URL, which may carry a key of its own).
    pub async fn send(&self, submission: &Submission) -> anyhow::Result<()> {
        let body = Webhook::body(submission);
        let answer = self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("x-proofline-event", SUBMITTED)
            .header("x-proofline-delivery", &submission.key)
            .header("x-proofline-signature", signature(&self.secret, &body))
            .body(body)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("the webhook was not reached: {}", e.without_url()))?;
        let status = answer.status();
        anyhow::ensure!(status.is_success(), "the webhook answered {status}");
        Ok(())
    }
}

/// `sha256=<hex>`: HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &Secret, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_rfc_4231s_hmac_sha256() {
        // RFC 4231, test case 2.
        let secret = Secret::new("Jefe");
        assert_eq!(
            signature(&secret, b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
