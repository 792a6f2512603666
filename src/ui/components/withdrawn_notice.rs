//! What a customer sees when the studio withdrew the link or it expired:
//! why, that the photos were removed from this device (or kept for another
//! link of the gallery), and every choice that had not reached the studio,
//! to copy before it is removed too.

use leptos::prelude::*;
use proofline_core::route::LinkKey;
use proofline_core::wording::labels::{
    COPIED, COPY_THE_LIST, PHOTOS_KEPT, PHOTOS_REMOVED, REMOVE_FROM_DEVICE, UNSENT_HINT,
};
use proofline_core::wording::{unsent_heading, withdrawn_title};

use crate::browser::clipboard;
use crate::browser::idb::Db;
use crate::state::withdrawn::{Withdrawn, dismiss};

#[component]
pub fn WithdrawnNotice(withdrawn: Withdrawn, link: LinkKey, db: Option<Db>) -> impl IntoView {
    let unsent = RwSignal::new(withdrawn.unsent.clone());
    let copied = RwSignal::new(false);
    let text = withdrawn.unsent.join("\n");
    let copy = move |_| {
        if clipboard::copy(&text) {
            copied.set(true);
        }
    };
    let remove = move |_| {
        let (db, link) = (db.clone(), link.clone());
        leptos::task::spawn_local(async move {
            dismiss(db.as_ref(), &link).await;
            unsent.set(Vec::new());
        });
    };
    let title = withdrawn_title(withdrawn.title.as_deref());
    view! {
        <main class="message withdrawn">
            <h1>{title}</h1>
            <p role="alert">{withdrawn.message.clone()}</p>
            <p>
                {if withdrawn.photos_kept {
                    PHOTOS_KEPT
                } else {
                    PHOTOS_REMOVED
                }}
            </p>
            <Show when=move || !unsent.with(Vec::is_empty)>
                <section class="unsent" aria-labelledby="unsent-heading">
                    <h2 id="unsent-heading">
                        {move || unsent_heading(unsent.with(Vec::len))}
                    </h2>
                    <p>{UNSENT_HINT}</p>
                    <ul>
                        {move || unsent.get().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                    <div class="actions">
                        <button type="button" on:click=copy.clone()>
                            {move || if copied.get() { COPIED } else { COPY_THE_LIST }}
                        </button>
                        <button type="button" on:click=remove.clone()>{REMOVE_FROM_DEVICE}</button>
                    </div>
                </section>
            </Show>
        </main>
    }
}
