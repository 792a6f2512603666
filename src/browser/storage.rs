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
    let navigator = w.navigator();
    let ua = navigator.user_agent().unwrap_or_default();
    // iPadOS Safari says "Macintosh"; a Mac has no touch screen.
    let ios = ua.contains("iPhone")
        || ua.contains("iPad")
        || (ua.contains("Macintosh") && navigator.max_touch_points() > 1);
    let standalone = w
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    ios && !standalone
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn chromium_gives_an_estimate_within_its_quota() {
        let (used, quota) = estimate().await.expect("Chromium estimates");
        assert!(quota > 0);
        assert!(used <= quota);
    }

    #[wasm_bindgen_test]
    async fn asking_to_persist_answers_and_desktop_chromium_is_not_ios() {
        // Granted or not is the browser's call; it answers either way.
        let _granted: bool = persist().await;
        assert!(!suggest_home_screen());
    }
}
