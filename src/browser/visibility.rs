//! The Page Visibility API: whether the page is on screen, and the
//! `visibilitychange` event.

use super::Listener;

/// Whether the page is visible (true where the browser cannot tell).
pub fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// Calls `on_change` with [`is_visible`] whenever the page's visibility
/// changes, until the returned listener is dropped.
pub fn watch(on_change: impl Fn(bool) + 'static) -> Option<Listener> {
    let document = web_sys::window()?.document()?;
    Listener::add(&document, "visibilitychange", move |_| {
        on_change(is_visible())
    })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn fire() {
        let event = web_sys::Event::new("visibilitychange").unwrap();
        let document = web_sys::window().unwrap().document().unwrap();
        document.dispatch_event(&event).unwrap();
    }

    #[wasm_bindgen_test]
    fn changes_are_reported_with_the_pages_state_until_dropped() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let listener = watch({
            let seen = Rc::clone(&seen);
            move |visible| seen.borrow_mut().push(visible)
        })
        .expect("a document to listen on");
        fire();
        let state = web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .visibility_state();
        assert_eq!(*seen.borrow(), [state == web_sys::VisibilityState::Visible]);
        drop(listener);
        fire();
        assert_eq!(seen.borrow().len(), 1, "no longer listening");
    }
}
