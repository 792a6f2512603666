//! A photo's bytes from object storage: a GET of its signed URL with a
//! timeout, kept out of the HTTP cache (the device store owns saved bytes),
//! except a thumbnail `index.html`'s preview has just put there.

use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::JsFuture;

use crate::browser::preview;

/// A download gets this long before it counts as failed.
const FETCH_TIMEOUT_MS: u32 = 20_000;

/// The body of a 200 within [`FETCH_TIMEOUT_MS`]; `None` for any failure
/// (network, timeout, another status). The URL is fetched exactly as given
/// (gloo-net's request builder would add a `&` to a URL with a query, and
/// so miss the HTTP cache the preview filled).
pub async fn fetch_bytes(url: &str) -> Option<Vec<u8>> {
    let controller = web_sys::AbortController::new().ok()?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_signal(Some(&controller.signal()));
    init.set_cache(if preview::loaded(url) {
        web_sys::RequestCache::Default
    } else {
        web_sys::RequestCache::NoStore
    });
    let timeout = gloo_timers::callback::Timeout::new(FETCH_TIMEOUT_MS, move || controller.abort());
    let fetch = web_sys::window()?.fetch_with_str_and_init(url, &init);
    let response: web_sys::Response = JsFuture::from(fetch).await.ok()?.dyn_into().ok()?;
    if response.status() != 200 {
        return None;
    }
    let body = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    drop(timeout);
    Some(js_sys::Uint8Array::new(&body).to_vec())
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;
    use crate::browser::object_url;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn bytes_arrive_and_failures_are_none() {
        let url = object_url::from_bytes(b"jpeg bytes", "image/jpeg").unwrap();
        assert_eq!(fetch_bytes(&url).await.as_deref(), Some(&b"jpeg bytes"[..]));
        object_url::revoke(&url);
        // The test runner's server answers 404 here; nothing listens on port 1.
        assert_eq!(fetch_bytes("/no-such-photo.jpg").await, None);
        assert_eq!(fetch_bytes("http://127.0.0.1:1/x.jpg").await, None);
    }
}
