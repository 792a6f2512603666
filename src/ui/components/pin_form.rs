//! Asks for one of a link's PINs: the link's own, as the page before the
//! gallery opens, or its download PIN, folded under "Download photos" in
//! the gallery's header. The origin checks it (and counts wrong ones); on
//! success this device keeps the pass it answers and `on_pass` runs.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::route::ShareToken;
use proofline_core::wording::downloads::DOWNLOAD_PIN;
use proofline_core::wording::{GALLERY_PIN, PIN_EMPTY};

use crate::net::api::{LoadError, PinFor, submit_pin};

#[component]
pub fn PinForm(
    gallery: GalleryId,
    token: ShareToken,
    /// Which PIN: the gallery's (a page of its own) or the downloads'.
    what: PinFor,
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
            match submit_pin(&gallery, &token, &value, what).await {
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
    let words = match what {
        PinFor::Gallery => GALLERY_PIN,
        PinFor::Downloads => DOWNLOAD_PIN,
    };
    let id = match what {
        PinFor::Gallery => "pin",
        PinFor::Downloads => "download-pin",
    };
    let form = view! {
        <p>{words.lead}</p>
        <form on:submit=submit>
            <label for=id>{words.label}</label>
            <input
                id=id
                type="password"
                inputmode="numeric"
                autocomplete="off"
                maxlength="8"
                required
                prop:value=move || pin.get()
                on:input=move |ev| pin.set(event_target_value(&ev))
            />
            <button type="submit" disabled=move || busy.get()>{words.button}</button>
        </form>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
    };
    match what {
        PinFor::Gallery => view! {
            <main class="message pin">
                <h1>{words.title}</h1>
                {form}
            </main>
        }
        .into_any(),
        PinFor::Downloads => view! {
            <details class="download-pin">
                <summary>{words.title}</summary>
                {form}
            </details>
        }
        .into_any(),
    }
}
