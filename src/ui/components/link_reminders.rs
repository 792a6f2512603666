//! On the studio page, per link: where the customer's reminders go (or that
//! they stopped them), and a form to set or clear the address, as
//! `proofline link remind` does. Studio-only.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::proofing::{LinkReport, StudioReport};
use proofline_core::route::ShareToken;
use proofline_core::wording::{REMINDERS_HINT, day_time, reminders_line};

use crate::browser::clock::local_time;
use crate::net::api::LoadError;
use crate::net::studio_api::set_reminders;

/// The reminders of `link`; a change replaces the page's `report`.
#[component]
pub fn LinkReminders(
    gallery: GalleryId,
    token: ShareToken,
    report: RwSignal<Option<Result<StudioReport, LoadError>>>,
    link: LinkReport,
) -> impl IntoView {
    let line = reminders_line(&link, |t| day_time(local_time(t)));
    let has_address = link.reminders_to.is_some();
    let draft = RwSignal::new(link.reminders_to.clone().unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |email: Option<String>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (gallery, token, id) = (gallery.clone(), token.clone(), link.id.clone());
        leptos::task::spawn_local(async move {
            match set_reminders(&gallery, &token, &id, email.as_deref()).await {
                Ok(r) => report.set(Some(Ok(r))),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.try_set(false);
        });
    };
    let submit = {
        let save = save.clone();
        move |e: leptos::ev::SubmitEvent| {
            e.prevent_default();
            let email = draft.get_untracked().trim().to_owned();
            save((!email.is_empty()).then_some(email));
        }
    };
    view! {
        <div class="reminders">
            <p class="reminders-line">{line}</p>
            <form novalidate on:submit=submit>
                <label>
                    "Email reminders to "
                    <input
                        type="email"
                        maxlength="254"
                        autocomplete="off"
                        placeholder="customer@example.com"
                        prop:value=move || draft.get()
                        on:input=move |e| draft.set(event_target_value(&e))
                    />
                </label>
                <button type="submit" class="action quiet" disabled=move || busy.get()>"Save address"</button>
                {has_address.then(|| view! {
                    <button type="button" class="action quiet" disabled=move || busy.get() on:click=move |_| save(None)>"No reminders"</button>
                })}
            </form>
            <p class="hint">{REMINDERS_HINT}</p>
            {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
        </div>
    }
}
