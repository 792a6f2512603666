//! Every call to the studio's API goes through here: the origins known for a
//! gallery are tried in [`proofline_core::origins::Failover`]'s order, each
//! with a short timeout, until one gives a final answer.
//!
//! What the device knows is kept per gallery in `localStorage`
//! ([`super::keys::origins`]: the manifest's list and the last origin that
//! answered), so a reload with that origin's predecessor dead goes straight
//! to the one that works, and `index.html`'s early manifest request can read
//! it synchronously. The page's own origin is always known, first.

use std::cell::RefCell;
use std::collections::HashMap;

use futures::future::LocalBoxFuture;
use gloo_timers::callback::Timeout;
use proofline_core::origins::{ATTEMPT_TIMEOUT_MS, Attempt, Failover, judge};
use serde::{Deserialize, Serialize};

use super::keys;
use crate::browser::hash_route::page_origin;
use crate::browser::{clock, local_storage};

/// How long the body of an answer may take once its headers arrived (a
/// 10,000-photo manifest is several megabytes on a poor signal).
pub const BODY_TIMEOUT_MS: u32 = 30_000;

/// How long the last origin is waited for, in all, when it is slow but the
/// device has no other copy to show (a first visit to a very large gallery).
pub const PATIENT_TIMEOUT_MS: u32 = 120_000;

/// What to do when the last origin left has not answered within
/// [`ATTEMPT_TIMEOUT_MS`]. Slow is not unreachable: when the device has
/// nothing else to show, giving up would only turn a wait into a failure.
pub struct Patience<'a> {
    /// Asked at that moment: keep waiting (up to [`PATIENT_TIMEOUT_MS`])?
    pub keep_waiting: &'a dyn Fn() -> bool,
    /// Told when it is decided to keep waiting (the page says so).
    pub on_slow: &'a dyn Fn(),
    /// Told an origin's final answer's status as soon as its headers come,
    /// before its body (a large manifest's body takes seconds on a phone).
    pub on_status: &'a dyn Fn(u16),
}

thread_local! {
    static KNOWN: RefCell<HashMap<String, Failover>> = RefCell::new(HashMap::new());
}

/// The saved form, in `localStorage`.
#[derive(Default, Serialize, Deserialize)]
struct Saved {
    #[serde(default)]
    origins: Vec<String>,
    #[serde(default)]
    good: Option<String>,
}

/// Device time for the cool-downs, in the unsigned milliseconds they count.
fn now_ms() -> u64 {
    u64::try_from(clock::now_ms()).unwrap_or(0)
}

/// Runs `f` on the failover state of `key` (loaded on first use).
fn with<T>(key: &str, f: impl FnOnce(&mut Failover) -> T) -> T {
    KNOWN.with(|known| {
        let mut known = known.borrow_mut();
        let failover = known.entry(key.to_owned()).or_insert_with(|| {
            let saved: Saved = local_storage::get(&keys::origins(key))
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or_default();
            Failover::new(
                page_origin().as_deref(),
                &saved.origins,
                saved.good.as_deref(),
            )
        });
        f(failover)
    })
}

fn save(key: &str, failover: &Failover) {
    let saved = Saved {
        origins: failover.origins().to_vec(),
        good: failover.good().map(str::to_owned),
    };
    if let Ok(text) = serde_json::to_string(&saved) {
        local_storage::set(&keys::origins(key), &text);
    }
}

/// Adds the origins a manifest lists; answers whether any was new.
pub fn learn(key: &str, origins: &[String]) -> bool {
    with(key, |f| {
        let added = f.learn(origins.iter().cloned());
        if added {
            save(key, f);
        }
        added
    })
}

/// Forgets what is known about `key` (the gallery was withdrawn).
pub fn forget(key: &str) {
    KNOWN.with(|known| known.borrow_mut().remove(key));
    local_storage::remove(&keys::origins(key));
}

/// The order in which origins would be asked now (first: the one used).
#[cfg_attr(not(test), allow(dead_code))]
pub fn candidates(key: &str) -> Vec<String> {
    with(key, |f| f.candidates(now_ms()))
}

/// Starts one attempt at an origin (`scheme://host:port`), aborted by the signal.
pub type AttemptFn<'a> = dyn Fn(&str, &web_sys::AbortSignal) -> LocalBoxFuture<'static, Result<gloo_net::http::Response, ()>>
    + 'a;

/// A final answer from one origin.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Sends one request to the first origin of `key` that gives a final answer
/// (see [`judge`]). `attempt(origin, signal)` starts the request at `origin`
/// (`scheme://host:port`) with `signal` aborting it. An origin that does not
/// answer within [`ATTEMPT_TIMEOUT_MS`], fails the connection, or answers
/// 500/502/503/504 is cooled down and the next is asked at once.
///
/// Answers `Err(None)` when no origin answered at all, `Err(Some(answer))`
/// with the last "try the next one" answer when every origin gave one.
pub async fn send(
    key: &str,
    attempt: impl Fn(
        &str,
        &web_sys::AbortSignal,
    ) -> LocalBoxFuture<'static, Result<gloo_net::http::Response, ()>>,
) -> Result<Answer, Option<Answer>> {
    // One copy of the loop for every caller (the app's size).
    send_dyn(key, &attempt, None).await
}

/// [`send`], but the last origin left, when it is slow to answer, is waited
/// for as `patience` says.
pub async fn send_patiently(
    key: &str,
    attempt: impl Fn(
        &str,
        &web_sys::AbortSignal,
    ) -> LocalBoxFuture<'static, Result<gloo_net::http::Response, ()>>,
    patience: &Patience<'_>,
) -> Result<Answer, Option<Answer>> {
    send_dyn(key, &attempt, Some(patience)).await
}

async fn send_dyn(
    key: &str,
    attempt: &AttemptFn<'_>,
    patience: Option<&Patience<'_>>,
) -> Result<Answer, Option<Answer>> {
    let mut last = None;
    let candidates = with(key, |f| f.candidates(now_ms()));
    let count = candidates.len();
    for (n, origin) in candidates.into_iter().enumerate() {
        match attempt_at(&origin, attempt, patience, n + 1 == count).await {
            Some(answer) if judge(answer.status) == Attempt::Answer => {
                with(key, |f| {
                    if f.succeeded(&origin) {
                        save(key, f);
                    }
                });
                return Ok(answer);
            }
            other => {
                with(key, |f| f.failed(&origin, now_ms()));
                last = other.or(last);
            }
        }
    }
    Err(last)
}

/// One attempt: headers within [`ATTEMPT_TIMEOUT_MS`] (or, for the `last`
/// origin with patience that says so, [`PATIENT_TIMEOUT_MS`]), then the
/// body within [`BODY_TIMEOUT_MS`]. `None`: no (complete) answer.
async fn attempt_at(
    origin: &str,
    attempt: &AttemptFn<'_>,
    patience: Option<&Patience<'_>>,
    last: bool,
) -> Option<Answer> {
    use futures::future::{Either, select};
    let controller = web_sys::AbortController::new().ok()?;
    let abort = {
        let controller = controller.clone();
        move || controller.abort()
    };
    let started = attempt(origin, &controller.signal());
    let timer = gloo_timers::future::TimeoutFuture::new(ATTEMPT_TIMEOUT_MS);
    let response = match select(started, timer).await {
        Either::Left((response, _)) => response.ok()?,
        Either::Right(((), started)) => {
            let Some(waiting) = patience.filter(|p| last && (p.keep_waiting)()) else {
                abort();
                return None;
            };
            (waiting.on_slow)();
            let _timer = Timeout::new(PATIENT_TIMEOUT_MS - ATTEMPT_TIMEOUT_MS, abort.clone());
            started.await.ok()?
        }
    };
    let _timer = Timeout::new(BODY_TIMEOUT_MS, abort);
    let status = response.status();
    if let Some(p) = patience
        && judge(status) == Attempt::Answer
    {
        (p.on_status)(status);
    }
    let body = response.binary().await.ok()?;
    Some(Answer { status, body })
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn get(
        url: String,
        signal: &web_sys::AbortSignal,
    ) -> LocalBoxFuture<'static, Result<gloo_net::http::Response, ()>> {
        let request = gloo_net::http::Request::get(&url).abort_signal(Some(signal));
        Box::pin(async move { request.send().await.map_err(|_| ()) })
    }

    #[wasm_bindgen_test]
    async fn a_dead_origin_is_skipped_and_the_next_one_remembered() {
        let key = "failover-test-a";
        forget(key);
        let page = page_origin().unwrap();
        // Nothing listens on port 1: the dead origin comes first.
        let dead = "http://127.0.0.1:1".to_string();
        with(key, |f| {
            *f = Failover::new(
                Some(dead.as_str()),
                std::slice::from_ref(&page),
                Some(dead.as_str()),
            );
        });
        let started = clock::now_ms();
        let answer = send(key, |origin, signal| {
            get(format!("{origin}/api/nothing"), signal)
        })
        .await
        .ok()
        .expect("the page's origin answers");
        // The test runner's server answers 404 for any /api path: final.
        assert_eq!(answer.status, 404);
        assert!(clock::now_ms() - started < i64::from(ATTEMPT_TIMEOUT_MS));
        assert_eq!(
            candidates(key)[0],
            page,
            "the origin that answered first now"
        );
        // Saved: a reload (a fresh state from localStorage) starts there too.
        KNOWN.with(|k| k.borrow_mut().remove(key));
        assert_eq!(candidates(key)[0], page);
        forget(key);
    }

    /// An attempt whose answer (200) comes after the attempt timeout.
    fn slow(
        _: &str,
        _: &web_sys::AbortSignal,
    ) -> LocalBoxFuture<'static, Result<gloo_net::http::Response, ()>> {
        Box::pin(async {
            gloo_timers::future::TimeoutFuture::new(ATTEMPT_TIMEOUT_MS + 500).await;
            let response = web_sys::Response::new_with_opt_str(Some("late")).map_err(|_| ())?;
            Ok(response.into())
        })
    }

    #[wasm_bindgen_test]
    async fn a_slow_last_origin_is_waited_for_only_when_patience_says_so() {
        let key = "failover-test-slow";
        forget(key);
        let told = std::cell::Cell::new(0);
        let on_slow = || told.set(told.get() + 1);
        let patience = |wait: bool| Patience {
            keep_waiting: if wait { &|| true } else { &|| false },
            on_slow: &on_slow,
            on_status: &|_| (),
        };
        let answer = send_patiently(key, slow, &patience(true)).await;
        assert_eq!(
            answer.ok().map(|a| (a.status, a.body)),
            Some((200, b"late".to_vec()))
        );
        assert_eq!(told.get(), 1, "the page is told it is slow");
        let given_up = send_patiently(key, slow, &patience(false)).await;
        assert!(matches!(given_up, Err(None)));
        assert_eq!(told.get(), 1);
        forget(key);
    }

    /// An answer whose headers (200) come at once and its body 400 ms later.
    fn trickling(
        _: &str,
        _: &web_sys::AbortSignal,
    ) -> LocalBoxFuture<'static, Result<gloo_net::http::Response, ()>> {
        let make = js_sys::Function::new_no_args(
            "return new Response(new ReadableStream({start(c) { setTimeout(() => \
             { c.enqueue(new TextEncoder().encode('late')); c.close(); }, 400); }}));",
        );
        Box::pin(async move {
            let response = make.call0(&wasm_bindgen::JsValue::NULL).map_err(|_| ())?;
            Ok(wasm_bindgen::JsCast::unchecked_into::<web_sys::Response>(response).into())
        })
    }

    #[wasm_bindgen_test]
    async fn the_status_is_told_before_the_body_has_come() {
        let key = "failover-test-status";
        forget(key);
        let told = std::cell::Cell::new(None);
        let on_status = |status| told.set(Some((status, clock::now_ms())));
        let patience = Patience {
            keep_waiting: &|| false,
            on_slow: &|| (),
            on_status: &on_status,
        };
        let answer = send_patiently(key, trickling, &patience).await;
        let done = clock::now_ms();
        assert_eq!(answer.ok().map(|a| a.body), Some(b"late".to_vec()));
        let (status, at) = told.get().expect("the status was told");
        assert_eq!(status, 200);
        assert!(done - at >= 300, "told {} ms before the body", done - at);
        forget(key);
    }

    #[wasm_bindgen_test]
    async fn no_origin_answering_is_no_answer() {
        let key = "failover-test-b";
        forget(key);
        with(key, |f| {
            *f = Failover::new(Some("http://127.0.0.1:1"), &[], None)
        });
        let result = send(key, |origin, signal| get(format!("{origin}/api/x"), signal)).await;
        assert!(matches!(result, Err(None)));
        forget(key);
    }
}
