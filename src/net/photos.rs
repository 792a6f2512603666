//! A photo's bytes from object storage: a GET of its signed URL with a
//! timeout, kept out of the HTTP cache (the device store owns saved bytes).

use gloo_net::http::Request;

/// A download gets this long before it counts as failed.
const FETCH_TIMEOUT_MS: u32 = 20_000;

/// The body of a 200 within [`FETCH_TIMEOUT_MS`]; `None` for any failure
/// (network, timeout, another status).
pub async fn fetch_bytes(url: &str) -> Option<Vec<u8>> {
    let controller = web_sys::AbortController::new().ok()?;
    let signal = controller.signal();
    let timeout = gloo_timers::callback::Timeout::new(FETCH_TIMEOUT_MS, move || controller.abort());
    let response = Request::get(url)
        .cache(web_sys::RequestCache::NoStore)
        .abort_signal(Some(&signal))
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    let bytes = response.binary().await.ok();
    drop(timeout);
    bytes
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
