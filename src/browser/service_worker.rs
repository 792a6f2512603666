//! The service worker that keeps the app itself available offline.

use wasm_bindgen_futures::JsFuture;

/// Starts registering the worker at `script` (relative to the page). The
/// returned future says whether it was registered; the registration goes
/// ahead whether or not it is awaited.
pub fn register(script: &str) -> impl Future<Output = bool> + 'static {
    let promise = web_sys::window().map(|w| w.navigator().service_worker().register(script));
    async move {
        match promise {
            Some(p) => JsFuture::from(p).await.is_ok(),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn a_missing_script_is_reported_not_thrown() {
        // The test runner's server has no such file.
        assert!(!register("./no-such-worker.js").await);
    }
}
