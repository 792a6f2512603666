//! In the lightbox: approve or ask for changes, and comments on the photo.
//! Comments, and the studio's replies under them, are shown as text (never
//! as HTML) and limited in length.

use leptos::html;
use leptos::prelude::*;
use proofline_core::ImageId;
use proofline_core::proofing::{Action, MAX_COMMENT_CHARS, Verdict};
use proofline_core::wording::STUDIO_REPLIED;
use proofline_core::wording::labels::{
    ADD_COMMENT, APPROVE, COMMENT_LABEL, COMMENT_PLACEHOLDER, COMMENTS, REQUEST_CHANGES, review_of,
};

use crate::state::outbox::Outbox;

#[component]
pub fn Review(image: ImageId, alt: String, comment_box: NodeRef<html::Textarea>) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let verdict = {
        let image = image.clone();
        Memo::new(move |_| outbox.view.with(|v| v.verdict(&image)))
    };
    let toggle = {
        let image = image.clone();
        move |want: Verdict| {
            let verdict = if verdict.get_untracked() == want {
                Verdict::Undecided
            } else {
                want
            };
            outbox.record(Action::Review {
                image: image.clone(),
                verdict,
            });
        }
    };
    let comments = {
        let image = image.clone();
        move || {
            outbox.view.with(|v| {
                v.comments_on(&image)
                    .map(|c| {
                        let replies = v.replies_to(&c.stamp.op).map(|r| {
                            view! { <p class="reply"><span class="who">{STUDIO_REPLIED}</span>{r.text.clone()}</p> }
                        });
                        view! { <li>{c.text.clone()}{replies.collect_view()}</li> }
                    })
                    .collect_view()
            })
        }
    };
    let draft = RwSignal::new(String::new());
    let send = {
        let image = image.clone();
        move || {
            let text = draft.get_untracked();
            if text.trim().is_empty() {
                return;
            }
            outbox.record(Action::Comment {
                image: image.clone(),
                text: text.trim().to_owned(),
            });
            draft.set(String::new());
        }
    };
    let approve = toggle.clone();
    let send_on_enter = send.clone();
    view! {
        <section class="review" aria-label=review_of(&alt)>
            <div class="verdict">
                <button
                    type="button"
                    aria-pressed=move || (verdict.get() == Verdict::Approved).to_string()
                    on:click=move |_| approve(Verdict::Approved)
                >
                    {APPROVE}
                </button>
                <button
                    type="button"
                    aria-pressed=move || (verdict.get() == Verdict::ChangesRequested).to_string()
                    on:click=move |_| toggle(Verdict::ChangesRequested)
                >
                    {REQUEST_CHANGES}
                </button>
            </div>
            <ul class="comments" aria-label=COMMENTS>{comments}</ul>
            <form
                class="comment-form"
                on:submit={
                    let send = send.clone();
                    move |e| {
                        e.prevent_default();
                        send();
                    }
                }
            >
                <label for="comment">{COMMENT_LABEL}</label>
                <textarea
                    id="comment"
                    rows="2"
                    maxlength=MAX_COMMENT_CHARS
                    placeholder=COMMENT_PLACEHOLDER
                    node_ref=comment_box
                    prop:value=move || draft.get()
                    on:input=move |e| draft.set(event_target_value(&e))
                    on:keydown=move |e| {
                        // Enter sends; Shift+Enter is a new line; keys typed
                        // here are not lightbox shortcuts.
                        e.stop_propagation();
                        if e.key() == "Enter" && !e.shift_key() {
                            e.prevent_default();
                            send_on_enter();
                        }
                    }
                ></textarea>
                <button type="submit">{ADD_COMMENT}</button>
            </form>
        </section>
    }
}
