//! `BroadcastChannel`: short messages to the other tabs of this site that
//! opened a channel of the same name (never to the sender itself).

use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;

/// An open channel; closed (and no longer listening) when dropped.
pub struct Channel {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
}

impl Channel {
    /// Opens the channel `name`; `on_message` hears each message another
    /// tab posts on it (its text, if it was text).
    pub fn open(name: &str, on_message: impl Fn(Option<String>) + 'static) -> Option<Channel> {
        let channel = web_sys::BroadcastChannel::new(name).ok()?;
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                on_message(e.data().as_string())
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Channel {
            channel,
            _on_message: on_message,
        })
    }

    /// Tells the other tabs `message`.
    pub fn post(&self, message: &str) {
        let _ = self
            .channel
            .post_message(&wasm_bindgen::JsValue::from_str(message));
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use gloo_timers::future::TimeoutFuture;
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    /// What a channel heard.
    type Heard = Rc<RefCell<Vec<Option<String>>>>;

    fn recorder() -> (Heard, impl Fn(Option<String>)) {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::clone(&seen);
        (seen, move |m| log.borrow_mut().push(m))
    }

    #[wasm_bindgen_test]
    async fn a_message_reaches_the_other_channel_of_that_name_not_the_sender() {
        let (heard_by_a, a) = recorder();
        let (heard_by_b, b) = recorder();
        let (heard_by_other, other) = recorder();
        let a = Channel::open("proofline-test-broadcast", a).unwrap();
        let b = Channel::open("proofline-test-broadcast", b).unwrap();
        let _other = Channel::open("proofline-test-elsewhere", other).unwrap();
        a.post("changed");
        TimeoutFuture::new(100).await;
        assert_eq!(*heard_by_b.borrow(), [Some("changed".to_string())]);
        assert!(
            heard_by_a.borrow().is_empty(),
            "the sender does not hear itself"
        );
        assert!(heard_by_other.borrow().is_empty());

        // A closed channel hears nothing more.
        drop(b);
        a.post("again");
        TimeoutFuture::new(100).await;
        assert_eq!(heard_by_b.borrow().len(), 1);
    }
}
