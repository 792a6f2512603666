//! On the studio page, under a customer's comment: the studio's replies
//! (as text) and a box to reply. The customer's devices get the reply with
//! the link's choices. Studio-only: the customer's app never shows it.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::proofing::{MAX_COMMENT_CHARS, StudioReport};
use proofline_core::route::ShareToken;

use crate::net::api::LoadError;
use crate::net::studio_api::reply_to_comment;

/// One comment of link `link` (its op id `comment`), its replies, and the
/// reply box. A reply sent replaces the page's `report`.
#[component]
pub fn CommentReply(
    gallery: GalleryId,
    token: ShareToken,
    report: RwSignal<Option<Result<StudioReport, LoadError>>>,
    link: String,
    comment: String,
    text: String,
    replies: Vec<String>,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let send = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let reply = draft.get_untracked();
        if reply.trim().is_empty() || sending.get_untracked() {
            return;
        }
        sending.set(true);
        let (gallery, token, link, comment) = (
            gallery.clone(),
            token.clone(),
            link.clone(),
            comment.clone(),
        );
        leptos::task::spawn_local(async move {
            match reply_to_comment(&gallery, &token, &link, &comment, &reply).await {
                Ok(r) => report.set(Some(Ok(r))),
                Err(e) => error.set(Some(e.to_string())),
            }
            sending.try_set(false);
        });
    };
    let label = format!("Reply to “{text}”");
    view! {
        <div class="comment-thread">
            <p class="comment">{text}</p>
            {replies.into_iter().map(|r| view! {
                <p class="reply"><span class="who">"Studio: "</span>{r}</p>
            }).collect_view()}
            <form class="reply-form" on:submit=send>
                <input
                    type="text"
                    aria-label=label
                    maxlength=MAX_COMMENT_CHARS
                    placeholder="Reply"
                    prop:value=move || draft.get()
                    on:input=move |e| draft.set(event_target_value(&e))
                />
                <button type="submit" class="action quiet" disabled=move || sending.get()>"Reply"</button>
            </form>
            {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
        </div>
    }
}
