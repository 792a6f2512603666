//! The Web Locks API (`navigator.locks`): a job runs in one tab at a time.
//!
//! web-sys has it only behind `web_sys_unstable_apis`, so the two calls used
//! are bound here, typed: `navigator.locks` and `request(name, {ifAvailable:
//! true}, callback)`.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    type LockManager;

    #[wasm_bindgen(method, catch, js_name = request)]
    fn request_with_options(
        this: &LockManager,
        name: &str,
        options: &Object,
        callback: &JsValue,
    ) -> Result<Promise, JsValue>;
}

fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    // Older browsers have no `navigator.locks`, or no `request` on it.
    let request = Reflect::get(&locks, &"request".into()).ok()?;
    (!locks.is_undefined() && request.is_function()).then(|| locks.unchecked_into())
}

/// Runs `job` holding the lock `name` if no other holder (here or in another
/// tab) has it, else calls `busy`. Without Web Locks (old browsers) the job
/// just runs: the callers' work must tolerate two runners (the studio
/// applies each op once, so two senders cost bandwidth, not correctness).
pub fn if_available(
    name: &str,
    job: impl Future<Output = ()> + 'static,
    busy: impl FnOnce() + 'static,
) {
    let Some(locks) = lock_manager() else {
        wasm_bindgen_futures::spawn_local(job);
        return;
    };
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        if lock.is_null() {
            busy();
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        // The lock is held until this promise settles.
        wasm_bindgen_futures::future_to_promise(async move {
            job.await;
            Ok(JsValue::UNDEFINED)
        })
    });
    if locks
        .request_with_options(name, &options, &callback)
        .is_err()
    {
        leptos::logging::warn!("the Web Locks API refused a request");
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use futures::channel::oneshot;
    use gloo_timers::future::TimeoutFuture;
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn while_one_job_holds_the_lock_another_is_turned_away_then_runs() {
        assert!(lock_manager().is_some(), "Chromium has Web Locks");
        let name = "proofline-test-lock";
        let log = Rc::new(RefCell::new(Vec::<&str>::new()));
        let (release, released) = oneshot::channel::<()>();
        let note = |what: &'static str| {
            let log = Rc::clone(&log);
            move || log.borrow_mut().push(what)
        };
        let (first_started, first_done) = (note("first started"), note("first done"));
        if_available(
            name,
            async move {
                first_started();
                let _ = released.await;
                first_done();
            },
            note("first busy"),
        );
        until(|| log.borrow().len() == 1).await;
        let second = note("second ran");
        if_available(name, async move { second() }, note("second busy"));
        until(|| log.borrow().len() == 2).await;
        assert_eq!(*log.borrow(), ["first started", "second busy"]);

        let _ = release.send(());
        until(|| log.borrow().len() == 3).await;
        unheld(name).await;
        let third = note("third ran");
        if_available(name, async move { third() }, note("third busy"));
        until(|| log.borrow().len() == 4).await;
        assert_eq!(
            *log.borrow(),
            ["first started", "second busy", "first done", "third ran"]
        );
    }

    /// Waits (up to 5 s) for `done`: the browser grants and refuses locks
    /// in its own time, slower on a loaded machine.
    async fn until(done: impl Fn() -> bool) {
        for _ in 0..500 {
            if done() {
                return;
            }
            TimeoutFuture::new(10).await;
        }
    }

    /// Waits (up to 5 s) until no one holds the lock `name`, as
    /// `navigator.locks.query()` says.
    async fn unheld(name: &str) {
        let locks = lock_manager().expect("Chromium has Web Locks");
        let query: js_sys::Function = Reflect::get(&locks, &"query".into())
            .expect("locks.query")
            .unchecked_into();
        for _ in 0..500 {
            let snapshot = query.call0(&locks).expect("query runs");
            let snapshot = wasm_bindgen_futures::JsFuture::from(Promise::from(snapshot))
                .await
                .expect("query answers");
            let held = js_sys::Array::from(&Reflect::get(&snapshot, &"held".into()).unwrap());
            let named = |l: JsValue| Reflect::get(&l, &"name".into()).ok()?.as_string();
            if !held.iter().any(|l| named(l).as_deref() == Some(name)) {
                return;
            }
            TimeoutFuture::new(10).await;
        }
    }
}
