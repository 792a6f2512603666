//! An event listener that is removed when dropped: what the adapters hand
//! out for "tell me when this changes".

use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;

/// Listens while alive; dropping it removes the listener.
pub struct Listener {
    target: web_sys::EventTarget,
    kind: &'static str,
    callback: Closure<dyn Fn(web_sys::Event)>,
}

impl Listener {
    /// Calls `f` on every `kind` event at `target`.
    pub(super) fn add(
        target: &web_sys::EventTarget,
        kind: &'static str,
        f: impl Fn(&web_sys::Event) + 'static,
    ) -> Option<Listener> {
        let callback = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| f(&e));
        target
            .add_event_listener_with_callback(kind, callback.as_ref().unchecked_ref())
            .ok()?;
        Some(Listener {
            target: target.clone(),
            kind,
            callback,
        })
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.kind, self.callback.as_ref().unchecked_ref());
    }
}
