//! The studio page's settings for a gallery: the selection rules (fewest,
//! most, last day), lock and unlock, and the gallery's last day: what
//! `proofline rules`, `lock` and `expire` set, from the page. Each form
//! saves on its own and the page redraws from the studio's answer.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::calendar::iso_day;
use proofline_core::proofing::StudioReport;
use proofline_core::route::ShareToken;
use serde_json::json;

use crate::net::api::LoadError;
use crate::net::studio_api::save_settings;

#[component]
pub fn GallerySettings(
    gallery: GalleryId,
    token: ShareToken,
    /// The report the page shows; replaced by the studio's answer.
    report: RwSignal<Option<Result<StudioReport, LoadError>>>,
    /// The report this form starts from.
    current: StudioReport,
    /// What was saved last: kept by the page, as the form is drawn afresh
    /// from the studio's answer.
    saved: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let send = move |body: serde_json::Value, what: &'static str| {
        let (gallery, token) = (gallery.clone(), token.clone());
        leptos::task::spawn_local(async move {
            match save_settings(&gallery, &token, &body).await {
                Ok(fresh) => {
                    error.set(None);
                    saved.set(Some(what));
                    report.set(Some(Ok(fresh)));
                }
                Err(e) => {
                    saved.set(None);
                    error.set(Some(e.to_string()));
                }
            }
        });
    };
    let rules = current.rules.clone();
    let min = RwSignal::new(rules.min.to_string());
    let max = RwSignal::new(rules.max.map(|m| m.to_string()).unwrap_or_default());
    let deadline = RwSignal::new(rules.deadline.map(iso_day).unwrap_or_default());
    let expires = RwSignal::new(current.expires_at.map(iso_day).unwrap_or_default());
    let locked = current.locked_at.is_some();

    let save_rules = {
        let send = send.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let number = |s: String| s.trim().parse::<u32>().ok();
            let body = json!({ "rules": {
                "min": number(min.get_untracked()).unwrap_or(0),
                "max": number(max.get_untracked()),
                "deadline": deadline.get_untracked(),
            }});
            send(body, "Selection rules saved.");
        }
    };
    let save_expiry = {
        let send = send.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            send(
                json!({ "expires": expires.get_untracked() }),
                "Last day saved.",
            );
        }
    };
    let toggle_lock = {
        let send = send.clone();
        move |_| {
            let what = if locked {
                "Gallery unlocked."
            } else {
                "Gallery locked."
            };
            send(json!({ "locked": !locked }), what);
        }
    };
    view! {
        <section class="gallery-settings" aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Settings"</h2>
            <form class="rules" on:submit=save_rules>
                <fieldset>
                    <legend>"Selection rules"</legend>
                    <label>"Fewest photos" <input type="number" min="0" max=current.photos inputmode="numeric" prop:value=move || min.get() on:input=move |ev| min.set(event_target_value(&ev)) /></label>
                    <label>"Most photos (blank: no limit)" <input type="number" min="1" inputmode="numeric" prop:value=move || max.get() on:input=move |ev| max.set(event_target_value(&ev)) /></label>
                    <label>"Choose by (optional)" <input type="date" prop:value=move || deadline.get() on:input=move |ev| deadline.set(event_target_value(&ev)) /></label>
                    <button type="submit" class="action">"Save rules"</button>
                </fieldset>
            </form>
            <form class="expiry" on:submit=save_expiry>
                <fieldset>
                    <legend>"Sharing"</legend>
                    <label>"Last day the gallery opens (blank: no end)" <input type="date" prop:value=move || expires.get() on:input=move |ev| expires.set(event_target_value(&ev)) /></label>
                    <button type="submit" class="action">"Save last day"</button>
                </fieldset>
            </form>
            <p class="lock">
                {if locked {
                    "Locked: customers' changes are refused. "
                } else {
                    "Open: customers can change their choices. "
                }}
                <button type="button" class="action" on:click=toggle_lock>
                    {if locked { "Unlock the gallery" } else { "Lock the gallery" }}
                </button>
            </p>
            {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
            {move || saved.get().map(|s| view! { <p role="status">{s}</p> })}
        </section>
    }
}
