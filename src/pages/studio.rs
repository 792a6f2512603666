//! The studio's page for one gallery (opened with the studio link that
//! `proofline publish` prints): each share link's selection, favourites,
//! verdicts and comments, and the selected file names as CSV.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::proofing::{LinkReport, StudioReport, day_label};
use proofline_core::route::ShareToken;

use crate::api::{LoadError, fetch_studio_csv, fetch_studio_report};
use crate::components::message::Message;

#[component]
pub fn StudioPage(gallery: GalleryId, token: ShareToken) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    let report = {
        let (gallery, token, origin) = (gallery.clone(), token.clone(), origin.clone());
        LocalResource::new(move || {
            let (gallery, token, origin) = (gallery.clone(), token.clone(), origin.clone());
            async move { fetch_studio_report(&origin, &gallery, &token).await }
        })
    };
    let download_error = RwSignal::new(None::<String>);
    let download = move |_| {
        let (gallery, token, origin) = (gallery.clone(), token.clone(), origin.clone());
        leptos::task::spawn_local(async move {
            match fetch_studio_csv(&origin, &gallery, &token).await {
                Ok(csv) => save_file(&format!("{gallery}-selection.csv"), &csv),
                Err(e) => download_error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the studio page…"</p> }>
            {move || {
                report
                    .get()
                    .map(|result: Result<StudioReport, LoadError>| match result {
                        Ok(r) => {
                            view! {
                                <main class="studio">
                                    <h1>{r.title.clone()}</h1>
                                    <p>
                                        {r.rules.summary().unwrap_or_else(|| "No selection rules.".into())}
                                        {r.locked_at.map(|at| format!(" Locked on {}.", day_label(at)))}
                                    </p>
                                    <button type="button" class="action" on:click=download.clone()>
                                        "Download selection (CSV)"
                                    </button>
                                    {move || download_error.get().map(|e| view! { <p role="alert">{e}</p> })}
                                    {r.links.into_iter().map(link_view).collect_view()}
                                </main>
                            }
                                .into_any()
                        }
                        Err(e) => {
                            view! { <Message title="We can't show this studio page">{e.to_string()}</Message> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

fn link_view(l: LinkReport) -> impl IntoView {
    let name = if l.label.is_empty() {
        "Share link".to_owned()
    } else {
        l.label.clone()
    };
    let state = match (l.revoked, l.submitted_at) {
        (true, _) => "revoked".to_owned(),
        (false, Some(at)) => format!("submitted on {}", day_label(at)),
        (false, None) => "not submitted yet".to_owned(),
    };
    let list = |title: &'static str, files: Vec<String>| {
        (!files.is_empty()).then(|| {
            view! {
                <h3>{format!("{title} ({})", files.len())}</h3>
                <p class="files">{files.join(", ")}</p>
            }
        })
    };
    let heading = name.clone();
    view! {
        <section class="studio-link" aria-label=name>
            <h2>{heading}</h2>
            <p class="summary">
                {format!(
                    "{} selected · {} favourites · {} comments · {state}",
                    l.selected.len(),
                    l.favourites.len(),
                    l.comments.len(),
                )}
            </p>
            {list("Selected", l.selected)}
            {list("Favourites", l.favourites)}
            {list("Approved", l.approved)}
            {list("Changes requested", l.changes_requested)}
            {(!l.comments.is_empty())
                .then(|| {
                    view! {
                        <h3>"Comments"</h3>
                        <ul class="comments">
                            {l
                                .comments
                                .into_iter()
                                .map(|(file, text)| view! { <li><strong>{file}</strong> ": " {text}</li> })
                                .collect_view()}
                        </ul>
                    }
                })}
        </section>
    }
}

/// Offers `text` as a file download.
fn save_file(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document().create_element("a") {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", name);
        if let Some(a) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&a) {
            a.click();
        }
    }
    // Long enough for the download to have read it.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}
