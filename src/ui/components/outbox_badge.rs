//! Where the customer's choices are: "3 choices waiting to be sent", "All
//! choices received by the studio at 10:42 · receipt 7F3A-91C2", the latest
//! refusal, and every choice the studio refused, with its reason.

use leptos::prelude::*;

use proofline_core::wording::labels::DISMISS;
use proofline_core::wording::not_accepted_heading;

use crate::state::outbox::Outbox;
use crate::ui::words::delivery_text;

#[component]
pub fn OutboxBadge(online: RwSignal<bool>) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let text = move || outbox.delivery.with(|d| delivery_text(d, online.get()));
    let not_sent = move || outbox.delivery.with(|d| d.not_sent.clone());
    view! {
        <p class="outbox" role="status">{text}</p>
        {move || {
            outbox
                .notice
                .get()
                .map(|n| {
                    view! {
                        <p class="notice" role="alert">
                            {n}
                            <button type="button" aria-label=DISMISS on:click=move |_| outbox.notice.set(None)>
                                "×"
                            </button>
                        </p>
                    }
                })
        }}
        <Show when=move || !not_sent().is_empty()>
            <details class="not-sent">
                <summary>{move || not_accepted_heading(not_sent().len())}</summary>
                <ul>{move || not_sent().into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
            </details>
        </Show>
    }
}
