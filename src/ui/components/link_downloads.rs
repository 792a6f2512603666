//! On the studio page, per live link: what its customer may download, and
//! the PIN asked before downloading, as `proofline link downloads` sets
//! them. Studio-only.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::downloads::Downloads;
use proofline_core::proofing::{LinkReport, StudioReport};
use proofline_core::route::ShareToken;
use proofline_core::wording::PIN_EMPTY;

use crate::net::api::LoadError;
use crate::net::studio_api::{DownloadsChange, set_link_downloads};

/// The downloads of `link`; a change replaces the page's `report`.
#[component]
pub fn LinkDownloads(
    gallery: GalleryId,
    token: ShareToken,
    report: RwSignal<Option<Result<StudioReport, LoadError>>>,
    link: LinkReport,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let name = proofline_core::wording::link_name(&link);
    let send = move |change: DownloadsChange| {
        let (gallery, token, id) = (gallery.clone(), token.clone(), link.id.clone());
        leptos::task::spawn_local(async move {
            match set_link_downloads(&gallery, &token, &id, change).await {
                Ok(r) => {
                    error.set(None);
                    report.set(Some(Ok(r)));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let change = {
        let send = send.clone();
        move |ev: leptos::ev::Event| {
            if let Ok(downloads) = Downloads::parse(&event_target_value(&ev)) {
                send(DownloadsChange::Allow(downloads));
            }
        }
    };
    let pin_form = (link.downloads != Downloads::None).then(|| {
        let pin = RwSignal::new(String::new());
        let has_pin = link.download_pin;
        let pin_name = name.clone();
        let set = {
            let send = send.clone();
            move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                match pin.get_untracked().trim() {
                    "" => error.set(Some(PIN_EMPTY.into())),
                    p => send(DownloadsChange::Pin(p.to_owned())),
                }
            }
        };
        let remove = move |_| send(DownloadsChange::Pin(String::new()));
        view! {
            <form class="link-download-pin" on:submit=set>
                <label>
                    {if has_pin { "Download PIN (set) " } else { "Download PIN " }}
                    <input
                        aria-label=format!("Download PIN for {pin_name}")
                        inputmode="numeric"
                        autocomplete="off"
                        maxlength="8"
                        prop:value=move || pin.get()
                        on:input=move |ev| pin.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="action quiet">{if has_pin { "Change PIN" } else { "Set PIN" }}</button>
                {has_pin.then(|| view! { <button type="button" class="action quiet" on:click=remove>"Remove PIN"</button> })}
            </form>
        }
    });
    view! {
        <label class="link-downloads">
            "Downloads "
            <select
                aria-label=format!("Downloads for {name}")
                prop:value=link.downloads.as_str()
                on:change=change
            >
                <option value="none">"None"</option>
                <option value="web">"Web size (2048 px)"</option>
                <option value="full">"Full size (as published)"</option>
            </select>
        </label>
        {pin_form}
        {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
    }
}
