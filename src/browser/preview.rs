//! The first screen's photos that `index.html` shows on a first visit while
//! the app downloads (its `preview`): taken off the screen once the app
//! shows a page of its own, and the thumbnails it loaded, which the app
//! then reads from the HTTP cache instead of downloading them again.

use std::cell::OnceCell;
use std::collections::HashSet;

use wasm_bindgen::JsCast as _;

/// The preview's element (`id`); where `index.html` lists the URLs of the
/// thumbnails it loaded; and the mark that tells it the app's page is on
/// screen, so an answer that comes later shows no preview over it.
const ELEMENT: &str = "preview";
const URLS: &str = "__prooflinePreview";
const APP_SHOWN: &str = "__prooflineShown";

thread_local! {
    static LOADED: OnceCell<HashSet<String>> = const { OnceCell::new() };
}

/// Takes the preview off the screen, or keeps it from showing: the app's
/// page is there now.
pub fn remove() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let _ = js_sys::Reflect::set(&window, &APP_SHOWN.into(), &true.into());
    if let Some(el) = window.document().and_then(|d| d.get_element_by_id(ELEMENT)) {
        el.remove();
    }
}

/// Whether the preview loaded `url` (a thumbnail the HTTP cache holds).
pub fn loaded(url: &str) -> bool {
    LOADED.with(|set| set.get_or_init(read).contains(url))
}

fn read() -> HashSet<String> {
    let Some(window) = web_sys::window() else {
        return HashSet::new();
    };
    js_sys::Reflect::get(&window, &URLS.into())
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
        .map(|urls| urls.iter().filter_map(|u| u.as_string()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use wasm_bindgen::JsValue;
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn the_preview_goes_and_its_urls_are_known() {
        let window = web_sys::window().unwrap();
        let document = window.document().unwrap();
        let el = document.create_element("div").unwrap();
        el.set_id(ELEMENT);
        document.body().unwrap().append_child(&el).unwrap();
        let urls = js_sys::Array::of1(&JsValue::from_str("https://store.test/a?x=1"));
        js_sys::Reflect::set(&window, &URLS.into(), &urls).unwrap();

        // (`read`, not `loaded`: another test may have read the list first.)
        let urls = read();
        assert!(urls.contains("https://store.test/a?x=1"));
        assert_eq!(urls.len(), 1);
        remove();
        assert!(document.get_element_by_id(ELEMENT).is_none());
        let shown = js_sys::Reflect::get(&window, &APP_SHOWN.into()).unwrap();
        assert_eq!(shown.as_bool(), Some(true));
        remove();
    }
}
