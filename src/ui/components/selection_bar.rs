//! The selection's progress against the studio's rules, and "Submit
//! selection": checked first (saying exactly what is missing or over), then
//! confirmed, then final. Shows the studio's receipt once it has it.

use std::sync::Arc;

use leptos::prelude::*;
use proofline_core::Manifest;
use proofline_core::proofing::Action;
use proofline_core::wording::labels::{NOT_YET, SUBMIT, SUBMIT_SELECTION, YOUR_SELECTION};
use proofline_core::wording::{day_time, selection_status, submit_question};

use crate::browser::clock::local_time;
use crate::state::outbox::Outbox;

#[component]
pub fn SelectionBar(manifest: RwSignal<Arc<Manifest>>) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let rules = manifest.with_untracked(|m| m.rules.summary());
    let locked = manifest.with_untracked(|m| m.locked_at);
    let confirming = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let count = move || outbox.view.with(|v| v.selected_count());
    let submitted = move || outbox.view.with(|v| v.submitted_at());
    let ask = move |_| {
        problem.set(None);
        match outbox.check(&Action::Submit) {
            Ok(()) => confirming.set(true),
            Err(message) => problem.set(Some(message)),
        }
    };
    let submit = move |_| {
        confirming.set(false);
        outbox.record(Action::Submit);
    };
    let status = move || {
        // The receipt is read (and followed) only once submitted.
        let receipt = |at| (at, outbox.delivery.with(|d| d.submit_receipt.clone()));
        let submitted = submitted().map(receipt);
        let submitted = submitted.as_ref().map(|(at, r)| (*at, r.as_deref()));
        let in_device_time = |at: i64| day_time(local_time(at));
        selection_status(
            count(),
            submitted,
            locked,
            rules.as_deref(),
            &in_device_time,
        )
    };
    view! {
        <section class="selection-bar" aria-label=YOUR_SELECTION>
            <p class="selection-status">{status}</p>
            <Show when=move || submitted().is_none() && locked.is_none()>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! { <button type="button" class="action" on:click=ask>{SUBMIT_SELECTION}</button> }
                >
                    <p role="alert">
                        {move || submit_question(count())}
                    </p>
                    <button type="button" class="action" on:click=submit>{SUBMIT}</button>
                    <button type="button" on:click=move |_| confirming.set(false)>{NOT_YET}</button>
                </Show>
            </Show>
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
        </section>
    }
}
