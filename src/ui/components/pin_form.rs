//! Asks for a PIN link's PIN. The origin checks it (and counts wrong ones);
//! on success this device keeps the pass it answers and the page loads.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::route::ShareToken;

use proofline_core::wording::PIN_EMPTY;

use crate::net::api::{LoadError, submit_pin};

#[component]
pub fn PinForm(
    gallery: GalleryId,
    token: ShareToken,
    /// Called once the PIN was accepted.
    on_pass: Callback<()>,
) -> impl IntoView {
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let value = pin.get_untracked().trim().to_owned();
        if value.is_empty() {
            error.set(Some(PIN_EMPTY.into()));
            return;
        }
        let (gallery, token) = (gallery.clone(), token.clone());
        busy.set(true);
        leptos::task::spawn_local(async move {
            match submit_pin(&gallery, &token, &value).await {
                Ok(()) => on_pass.run(()),
                Err(e @ (LoadError::PinRefused(_) | LoadError::Gone(_))) => {
                    error.set(Some(e.to_string()));
                    pin.set(String::new());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="message pin">
            <h1>"Enter your PIN"</h1>
            <p>"The studio protected this gallery with a PIN. You'll find it in their message to you."</p>
            <form on:submit=submit>
                <label for="pin">"PIN"</label>
                <input
                    id="pin"
                    type="password"
                    inputmode="numeric"
                    autocomplete="off"
                    maxlength="8"
                    required
                    prop:value=move || pin.get()
                    on:input=move |ev| pin.set(event_target_value(&ev))
                />
                <button type="submit" disabled=move || busy.get()>"Open gallery"</button>
            </form>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </main>
    }
}
