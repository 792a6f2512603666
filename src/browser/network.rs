//! Whether the browser thinks it is online (`navigator.onLine`), and the
//! `online` / `offline` events that say when that changes.

use std::rc::Rc;

use super::Listener;

/// Whether the browser says it is online (true where it cannot tell).
pub fn is_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Listens for the device going online (`true`) or offline (`false`) while
/// alive.
pub struct Watch {
    _online: Option<Listener>,
    _offline: Option<Listener>,
}

/// Calls `on_change` with the new status whenever the browser goes online
/// or offline, until the returned [`Watch`] is dropped.
pub fn watch(on_change: impl Fn(bool) + 'static) -> Watch {
    let on_change = Rc::new(on_change);
    let window = web_sys::window();
    let listen = |kind: &'static str, online: bool| {
        let f = Rc::clone(&on_change);
        Listener::add(window.as_ref()?, kind, move |_| f(online))
    };
    Watch {
        _online: listen("online", true),
        _offline: listen("offline", false),
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn fire(kind: &str) {
        let event = web_sys::Event::new(kind).unwrap();
        web_sys::window().unwrap().dispatch_event(&event).unwrap();
    }

    #[wasm_bindgen_test]
    fn the_status_follows_the_browsers_events_until_the_watch_is_dropped() {
        assert!(is_online(), "the test browser is online");
        let seen = Rc::new(RefCell::new(Vec::new()));
        let watch = watch({
            let seen = Rc::clone(&seen);
            move |up| seen.borrow_mut().push(up)
        });
        fire("offline");
        fire("online");
        assert_eq!(*seen.borrow(), [false, true]);
        drop(watch);
        fire("offline");
        assert_eq!(seen.borrow().len(), 2, "no longer listening");
    }
}
