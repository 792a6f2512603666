//! On the studio page, per live link: what its customer may download, as
//! `proofline link downloads` sets it. Studio-only.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::downloads::Downloads;
use proofline_core::proofing::{LinkReport, StudioReport};
use proofline_core::route::ShareToken;

use crate::net::api::{LoadError, set_link_downloads};

/// The downloads of `link`; a change replaces the page's `report`.
#[component]
pub fn LinkDownloads(
    gallery: GalleryId,
    token: ShareToken,
    report: RwSignal<Option<Result<StudioReport, LoadError>>>,
    link: LinkReport,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let label = format!(
        "Downloads for {}",
        proofline_core::wording::link_name(&link)
    );
    let change = move |ev: leptos::ev::Event| {
        let Ok(downloads) = Downloads::parse(&event_target_value(&ev)) else {
            return;
        };
        let (gallery, token, id) = (gallery.clone(), token.clone(), link.id.clone());
        leptos::task::spawn_local(async move {
            match set_link_downloads(&gallery, &token, &id, downloads).await {
                Ok(r) => report.set(Some(Ok(r))),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <label class="link-downloads">
            "Downloads "
            <select aria-label=label prop:value=link.downloads.as_str() on:change=change>
                <option value="none">"None"</option>
                <option value="web">"Web size (2048 px)"</option>
                <option value="full">"Full size (as published)"</option>
            </select>
        </label>
        {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
    }
}
