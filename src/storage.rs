//! `navigator.storage`: how much room the browser gives this site, and asking
//! it to keep our data (Safari otherwise deletes it after 7 days unused).

use wasm_bindgen_futures::JsFuture;

/// Bytes used and the quota, if the browser says.
pub async fn estimate() -> Option<(u64, u64)> {
    let storage = web_sys::window()?.navigator().storage();
    let estimate: web_sys::StorageEstimate =
        JsFuture::from(storage.estimate().ok()?).await.ok()?.into();
    Some((
        estimate.get_usage().unwrap_or(0.0) as u64,
        estimate.get_quota().unwrap_or(0.0) as u64,
    ))
}

/// Asks for persistent storage; true if granted.
pub async fn persist() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let Ok(p) = w.navigator().storage().persist() else {
        return false;
    };
    JsFuture::from(p)
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// iPhone or iPad Safari not started from the home screen: the case where
/// "Add to Home Screen" protects saved photos from Safari's 7-day eviction.
pub fn suggest_home_screen() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let ua = w.navigator().user_agent().unwrap_or_default();
    let ios = ua.contains("iPhone") || ua.contains("iPad");
    let standalone = w
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    ios && !standalone
}

/// Registers the service worker that keeps the app itself available offline.
pub fn register_service_worker() {
    let Some(w) = web_sys::window() else { return };
    let container = w.navigator().service_worker();
    let _ = container.register("./sw.js");
}
