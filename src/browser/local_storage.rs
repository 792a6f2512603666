//! `localStorage`: small strings, read synchronously, so `index.html`'s
//! inline script can read them before the app has loaded. Every call is
//! best effort: where storage is forbidden (some private modes) nothing is
//! kept and nothing is found.

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The value kept under `key`, if any.
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Keeps `value` under `key`; false if the browser refused.
pub fn set(key: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Forgets `key`.
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn values_round_trip_and_are_forgotten() {
        let key = "proofline.test.local-storage";
        remove(key);
        assert_eq!(get(key), None);
        assert!(set(key, "{\"good\":\"https://a.example\"}"));
        assert_eq!(
            get(key).as_deref(),
            Some("{\"good\":\"https://a.example\"}")
        );
        assert!(set(key, "second"));
        assert_eq!(get(key).as_deref(), Some("second"));
        // What the page's own script would read.
        let raw = web_sys::window()
            .unwrap()
            .local_storage()
            .unwrap()
            .unwrap()
            .get_item(key)
            .unwrap();
        assert_eq!(raw.as_deref(), Some("second"));
        remove(key);
        assert_eq!(get(key), None);
    }
}
