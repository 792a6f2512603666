//! The manifest request `index.html` starts for a share link while the app
//! is still downloading (see its inline script, which builds the same URL
//! and headers from the keys in [`super::keys`]): the app takes it over,
//! once, instead of asking again.

use proofline_core::route::ShareToken;
use wasm_bindgen::JsCast as _;
use wasm_bindgen::JsValue;

/// Where `index.html` leaves the request (`window.__prooflineEarly`).
const GLOBAL: &str = "__prooflineEarly";

/// The early request, if `index.html` started one for this very `url` and
/// `token`: its response promise and the function that aborts it. Taken
/// once: a second call (or one for another URL) finds nothing.
pub fn take(url: &str, token: &ShareToken) -> Option<(js_sys::Promise, Option<js_sys::Function>)> {
    let window = web_sys::window()?;
    let key = JsValue::from_str(GLOBAL);
    let early = js_sys::Reflect::get(&window, &key).ok()?;
    if early.is_undefined() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let field = |name: &str| js_sys::Reflect::get(&early, &name.into()).ok()?.as_string();
    let absolute = web_sys::Url::new_with_base(&field("url")?, &window.location().href().ok()?)
        .ok()?
        .href();
    if absolute != url || field("token")? != token.as_str() {
        return None;
    }
    let abort = js_sys::Reflect::get(&early, &"abort".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    // The early request goes without a PIN link's pass or a download pass
    // (`index.html` never sees where passes are kept): for such a link the
    // app asks itself.
    if super::pass::of(token).is_some() || super::pass::download_of(token).is_some() {
        if let Some(abort) = &abort {
            let _ = abort.call0(&JsValue::NULL);
        }
        return None;
    }
    let response = js_sys::Reflect::get(&early, &"response".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((response, abort))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// What `index.html`'s script leaves behind, for a relative `url`.
    fn leave(url: &str, token: &str) {
        let early = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&early, &k.into(), v).unwrap();
        set("url", &url.into());
        set("token", &token.into());
        set(
            "response",
            &js_sys::Promise::resolve(&JsValue::from_str("answer")),
        );
        set("abort", &js_sys::Function::new_no_args(""));
        let window = web_sys::window().unwrap();
        js_sys::Reflect::set(&window, &GLOBAL.into(), &early).unwrap();
    }

    #[wasm_bindgen_test]
    async fn the_request_for_this_link_is_taken_once() {
        let token = ShareToken::parse("AAAAAAAAAAAAAAAAAAAAAA").unwrap();
        let origin = web_sys::window().unwrap().location().origin().unwrap();
        let url = format!("{origin}/api/galleries/g1");

        leave("/api/galleries/g1", token.as_str());
        let (response, abort) = take(&url, &token).expect("the early request");
        let answer = wasm_bindgen_futures::JsFuture::from(response)
            .await
            .unwrap();
        assert_eq!(answer.as_string().as_deref(), Some("answer"));
        assert!(abort.is_some());
        assert!(take(&url, &token).is_none(), "taken once");

        // Another gallery's, or another link's, request is not used (and
        // not left behind either).
        leave("/api/galleries/g2", token.as_str());
        assert!(take(&url, &token).is_none());
        assert!(take(&format!("{origin}/api/galleries/g2"), &token).is_none());
        leave("/api/galleries/g1", "BBBBBBBBBBBBBBBBBBBBBB");
        assert!(take(&url, &token).is_none());
        let other = ShareToken::parse("BBBBBBBBBBBBBBBBBBBBBB").unwrap();
        assert!(take(&url, &other).is_none());
    }
}
