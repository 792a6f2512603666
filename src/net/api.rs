//! The studio's API and the manifest mirror: manifests, PINs and choices
//! (the studio page's requests are in [`super::studio_api`]), each request through [`super::failover`] (or, for the
//! mirror in object storage, with a short timeout of its own), every
//! failure a [`LoadError`] or [`SendError`] whose words come from
//! `proofline_core::wording`.

use std::sync::Arc;

use gloo_net::http::{Request, RequestBuilder};
use gloo_timers::callback::Timeout;
use proofline_core::manifest::FIRST_SCREEN_QUERY;
use proofline_core::proofing::ChoicesReply;
use proofline_core::route::ShareToken;
use proofline_core::wording;
use proofline_core::{GalleryId, Manifest, ManifestError};
use wasm_bindgen::JsCast as _;

use super::failover::{self, Answer, Patience};
use super::{early, pass};
use crate::browser::clock::local_time;

/// How long to wait for the studio's server (or the mirror) before saying it
/// is unreachable and falling back to the next source.
const TIMEOUT_MS: u32 = 5_000;

#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    #[error("{}", wording::UNREACHABLE)]
    Unreachable,
    #[error("{}", wording::NOT_FOUND)]
    NotFound,
    #[error("{}", wording::UNAUTHORIZED)]
    Unauthorized,
    #[error("{}", wording::server_problem(*.0))]
    Server(u16),
    #[error("{}", wording::damaged(0.to_string()))]
    Damaged(ManifestError),
    /// The studio withdrew the link, or it expired: final. The studio's words.
    #[error("{0}")]
    Gone(String),
    /// The link has a PIN and this device has no valid pass for it.
    #[error("{}", wording::PIN_REQUIRED)]
    PinRequired,
    /// A PIN was refused (wrong, or too many tries): the studio's words.
    #[error("{0}")]
    PinRefused(String),
    /// The origin refused the request as invalid: its words.
    #[error("{0}")]
    Invalid(String),
    /// The device's copy outlived the gallery's offline window: hidden until
    /// the studio is reached again. The sentence says until when it showed.
    #[error("{0}")]
    OfflineOver(String),
}

impl LoadError {
    /// Whether another source (the mirror, the device's copy) may be shown
    /// instead: yes when the origin is unreachable or broken, no when it said
    /// the link is not (or no longer) valid.
    pub fn may_fall_back(&self) -> bool {
        !matches!(
            self,
            LoadError::NotFound
                | LoadError::Unauthorized
                | LoadError::Gone(_)
                | LoadError::PinRequired
                | LoadError::PinRefused(_)
        )
    }
}

/// Fetches the manifest of `gallery` from the studio's origins (the first
/// that answers; see [`super::failover`]), in compact form (about a quarter
/// of the bytes: `proofline_core::manifest::compact`), with its text.
/// With `first_screen`, a large gallery's answer lists only its first
/// photos (`Manifest::first_of`).
pub async fn fetch_manifest(
    gallery: &GalleryId,
    token: &ShareToken,
    patience: &Patience<'_>,
    first_screen: bool,
) -> Result<Received, LoadError> {
    let part = if first_screen {
        format!("&{FIRST_SCREEN_QUERY}")
    } else {
        String::new()
    };
    let answer = failover::send_patiently(
        gallery.as_str(),
        |origin, signal| {
            let url = format!("{origin}/api/galleries/{gallery}?form=compact{part}");
            if let Some((early, abort)) = early::take(&url, token) {
                // The app's limits apply to it from now on.
                signal.set_onabort(abort.as_ref());
                return Box::pin(async move {
                    let response = wasm_bindgen_futures::JsFuture::from(early)
                        .await
                        .map_err(|_| ())?;
                    Ok(response.unchecked_into::<web_sys::Response>().into())
                });
            }
            send(
                bearer(Request::get(&url), token)
                    .abort_signal(Some(signal))
                    .build(),
            )
        },
        patience,
    )
    .await;
    let received = Received::parse(ok_text(answer)?)?;
    failover::learn(gallery.as_str(), &received.manifest.origins);
    // Asked again with the pass sent: the studio changed the download PIN.
    if received.manifest.download_pin {
        pass::remember_download(token, None);
    }
    Ok(received)
}

/// A manifest as it came: parsed, and its text (what the device keeps, so
/// a 10,000-photo gallery is never serialised again on a phone).
#[derive(Debug)]
pub struct Received {
    pub manifest: Manifest,
    /// Not an `Arc<str>`, which would copy a body of 3 MB to make.
    pub json: Arc<String>,
}

impl Received {
    pub fn parse(json: impl Into<Arc<String>>) -> Result<Received, LoadError> {
        let json = json.into();
        let manifest = Manifest::from_json(&json).map_err(LoadError::Damaged)?;
        Ok(Received { manifest, json })
    }
}

/// Sends a built request (an attempt for [`failover::send`]).
pub(super) fn send(
    request: Result<Request, gloo_net::Error>,
) -> futures::future::LocalBoxFuture<'static, Result<gloo_net::http::Response, ()>> {
    Box::pin(async move { request.map_err(|_| ())?.send().await.map_err(|_| ()) })
}

/// The body of a 200 from the origins, else why not.
pub(super) fn ok_text(answer: Result<Answer, Option<Answer>>) -> Result<String, LoadError> {
    match answer {
        Ok(a) if a.status == 200 => String::from_utf8(a.body).map_err(|_| LoadError::Server(200)),
        Ok(a) | Err(Some(a)) => Err(refusal(a.status, &String::from_utf8_lossy(&a.body))),
        Err(None) => Err(LoadError::Unreachable),
    }
}

/// A GET to the studio's origins for `key`'s gallery: the body of a 200.
pub(super) async fn api_get(
    key: &str,
    path: &str,
    token: &ShareToken,
) -> Result<String, LoadError> {
    ok_text(
        failover::send(key, |origin, signal| {
            send(
                bearer(Request::get(&format!("{origin}{path}")), token)
                    .abort_signal(Some(signal))
                    .build(),
            )
        })
        .await,
    )
}

/// A POST of `body` as JSON to the studio's origins for `key`'s gallery.
pub(super) async fn api_post(
    key: &str,
    path: &str,
    token: &ShareToken,
    body: &serde_json::Value,
) -> Result<Answer, Option<Answer>> {
    failover::send(key, |origin, signal| {
        send(
            bearer(Request::post(&format!("{origin}{path}")), token)
                .abort_signal(Some(signal))
                .json(body),
        )
    })
    .await
}

/// Fetches a manifest mirror from object storage (a signed URL; no token).
pub async fn fetch_mirror(url: &str) -> Result<Received, LoadError> {
    Received::parse(get_text(Request::get(url).cache(web_sys::RequestCache::NoStore)).await?)
}

/// A GET within [`TIMEOUT_MS`]: the body of a 200, else why not.
pub(super) async fn get_text(request: RequestBuilder) -> Result<String, LoadError> {
    let (request, _timeout) = abort_after(request, TIMEOUT_MS);
    let response = request.send().await.map_err(|_| LoadError::Unreachable)?;
    read_text(response).await
}

/// The body of a 200, else why not. Read as bytes: a 12 MB manifest is not
/// decoded into a JS string only to be copied back into wasm memory.
async fn read_text(response: gloo_net::http::Response) -> Result<String, LoadError> {
    let status = response.status();
    if status == 200 {
        let bytes = response
            .binary()
            .await
            .map_err(|_| LoadError::Unreachable)?;
        return String::from_utf8(bytes).map_err(|_| LoadError::Server(200));
    }
    let body = response.text().await.unwrap_or_default();
    Err(refusal(status, &body))
}

/// What an error answer from the origin means, from its status and its
/// JSON body (`{"error": code, "message": sentence}`).
fn refusal(status: u16, body: &str) -> LoadError {
    let json = serde_json::from_str::<serde_json::Value>(body).unwrap_or_default();
    let message = json["message"].as_str().unwrap_or_default().to_owned();
    match (status, json["error"].as_str()) {
        (410, _) if !message.is_empty() => LoadError::Gone(message),
        (410, _) => LoadError::Gone(LoadError::NotFound.to_string()),
        (401, Some("pin_required")) => LoadError::PinRequired,
        // The lock's end in the customer's own time.
        (429, Some("pin_locked")) if json["until"].is_i64() => {
            let until = local_time(json["until"].as_i64().unwrap_or_default());
            LoadError::PinRefused(wording::pin_locked(wording::coming_time(until)))
        }
        (401 | 429, Some("wrong_pin" | "pin_locked")) => LoadError::PinRefused(message),
        (401 | 403, _) => LoadError::Unauthorized,
        (400 | 413, _) if !message.is_empty() => LoadError::Invalid(message),
        (404, _) => LoadError::NotFound,
        (status, _) => LoadError::Server(status),
    }
}

/// Which of a link's PINs the customer gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinFor {
    /// The link's own: opens the gallery.
    Gallery,
    /// The download PIN: unlocks the link's downloads.
    Downloads,
}

/// Sends the customer's PIN; answers the pass this device then sends with
/// every request for this link (kept by [`pass::remember`], or
/// [`pass::remember_download`]).
pub async fn submit_pin(
    gallery: &GalleryId,
    token: &ShareToken,
    pin: &str,
    what: PinFor,
) -> Result<(), LoadError> {
    let path = match what {
        PinFor::Gallery => format!("/api/galleries/{gallery}/pin"),
        PinFor::Downloads => format!("/api/galleries/{gallery}/download-pin"),
    };
    let body = serde_json::json!({ "pin": pin });
    let text = ok_text(api_post(gallery.as_str(), &path, token, &body).await)?;
    let pass = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["pass"].as_str().map(str::to_owned))
        .ok_or(LoadError::Server(200))?;
    match what {
        PinFor::Gallery => pass::remember(token, Some(&pass)),
        PinFor::Downloads => pass::remember_download(token, Some(&pass)),
    }
    Ok(())
}

/// Why a batch of choices was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No answer (offline, origin down, timeout) or a server error: try again.
    #[error("{}", wording::SEND_UNREACHABLE)]
    Retry,
    /// The studio said no to the whole request: trying again will not help.
    #[error("{0}")]
    Rejected(String),
    /// The link was withdrawn or expired (the studio's words).
    #[error("{0}")]
    Gone(String),
}

/// Sends a batch of ops; answers the studio's receipts and merged state. A
/// batch an origin did not answer goes to the next one at once, with the
/// same op ids: the studio applies each once.
pub async fn post_ops(
    gallery: &GalleryId,
    token: &ShareToken,
    ops: &[proofline_core::proofing::Op],
) -> Result<ChoicesReply, SendError> {
    let path = format!("/api/galleries/{gallery}/ops");
    let body = serde_json::json!({ "ops": ops });
    choices_answer(api_post(gallery.as_str(), &path, token, &body).await)
}

/// Everything the studio holds for this link (other devices' choices too).
pub async fn fetch_choices(
    gallery: &GalleryId,
    token: &ShareToken,
) -> Result<ChoicesReply, SendError> {
    let answer = failover::send(gallery.as_str(), |origin, signal| {
        let url = format!("{origin}/api/galleries/{gallery}/choices");
        send(
            bearer(Request::get(&url), token)
                .abort_signal(Some(signal))
                .build(),
        )
    })
    .await;
    choices_answer(answer)
}

/// The link's token, and its pass if it has a PIN.
pub(super) fn bearer(builder: RequestBuilder, token: &ShareToken) -> RequestBuilder {
    let mut builder = builder.header("Authorization", &format!("Bearer {}", token.as_str()));
    if let Some(pass) = pass::of(token) {
        builder = builder.header("X-Proofline-Pass", &pass);
    }
    if let Some(pass) = pass::download_of(token) {
        builder = builder.header("X-Proofline-Download-Pass", &pass);
    }
    builder
}

/// Aborts the request after `ms` unless the returned timer is dropped first.
fn abort_after(builder: RequestBuilder, ms: u32) -> (RequestBuilder, Option<Timeout>) {
    match web_sys::AbortController::new() {
        Ok(controller) => {
            let signal = controller.signal();
            let timer = Timeout::new(ms, move || controller.abort());
            (builder.abort_signal(Some(&signal)), Some(timer))
        }
        Err(_) => (builder, None),
    }
}

/// Reads the origins' answer to a choices request: retry when none
/// answered or the studio had a problem, stop on the studio's refusal.
fn choices_answer(answer: Result<Answer, Option<Answer>>) -> Result<ChoicesReply, SendError> {
    let Ok(answer) = answer else {
        return Err(SendError::Retry);
    };
    let body = String::from_utf8_lossy(&answer.body);
    match answer.status {
        200 => serde_json::from_str(&body).map_err(|_| SendError::Retry),
        408 | 429 | 500.. => Err(SendError::Retry),
        401 | 403 | 404 | 410 => Err(match refusal(answer.status, &body) {
            LoadError::Gone(message) => SendError::Gone(message),
            other => SendError::Rejected(other.to_string()),
        }),
        status => Err(SendError::Rejected(
            serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["message"].as_str().map(str::to_owned))
                .unwrap_or_else(|| wording::server_answered(status)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn ids() -> (GalleryId, ShareToken) {
        (
            GalleryId::parse("g1").unwrap(),
            ShareToken::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap(),
        )
    }

    #[wasm_bindgen_test]
    fn a_pin_lock_ends_in_the_customers_time_not_the_servers() {
        let body =
            r#"{"error":"pin_locked","message":"… 14:05 on 3 Dec 2026 (UTC).","until":1796270700}"#;
        let LoadError::PinRefused(message) = refusal(429, body) else {
            panic!("a PIN refusal")
        };
        assert!(
            message.starts_with("Too many wrong PINs. Please try again after ")
                && !message.contains("UTC"),
            "{message}"
        );
        let without = r#"{"error":"pin_locked","message":"Too many wrong PINs (UTC)."}"#;
        assert!(matches!(refusal(429, without), LoadError::PinRefused(m) if m.contains("UTC")));
    }

    #[wasm_bindgen_test]
    async fn a_dead_origin_is_unreachable_not_a_hang() {
        // Nothing listens on port 1.
        let err = fetch_mirror("http://127.0.0.1:1/mirror.json")
            .await
            .unwrap_err();
        assert!(matches!(err, LoadError::Unreachable), "{err:?}");
        assert!(
            err.to_string()
                .contains("couldn't reach the studio's server")
        );
    }

    #[wasm_bindgen_test]
    async fn an_origin_without_the_gallery_says_not_found() {
        // The test runner's own server answers 404 for any /api path.
        let (gallery, token) = ids();
        let status = std::cell::Cell::new(0);
        let impatient = Patience {
            keep_waiting: &|| false,
            on_slow: &|| (),
            on_status: &|s| status.set(s),
        };
        let err = fetch_manifest(&gallery, &token, &impatient, false)
            .await
            .unwrap_err();
        assert!(matches!(err, LoadError::NotFound), "{err:?}");
        assert_eq!(status.get(), 404, "the page was told the answer's status");
    }
}
