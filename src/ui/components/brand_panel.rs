//! The studio page's brand panel: the studio's name, colour and logo (for
//! every gallery: what `publish --studio-name --accent --logo` set) and this
//! gallery's cover photo. Customers see a change on their next visit.

use leptos::prelude::*;
use proofline_core::GalleryId;
use proofline_core::brand::{MAX_LOGO_BYTES, StudioBrand};
use proofline_core::route::ShareToken;
use proofline_core::wording::errors::too_large_bytes;
use wasm_bindgen::JsCast;

use crate::net::api::LoadError;
use crate::net::studio_api::{fetch_brand, save_brand, upload_logo};

#[component]
pub fn BrandPanel(gallery: GalleryId, token: ShareToken) -> impl IntoView {
    let panel = RwSignal::new(None::<StudioBrand>);
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<&'static str>);
    let name = RwSignal::new(String::new());
    let accent = RwSignal::new(String::new());
    let cover = RwSignal::new(String::new());
    // The form shows what the studio holds, after every answer.
    let show =
        move |answer: Result<StudioBrand, LoadError>, what: Option<&'static str>| match answer {
            Ok(b) => {
                name.set(b.name.clone().unwrap_or_default());
                accent.set(b.accent.clone().unwrap_or_default());
                cover.set(b.cover.clone().unwrap_or_default());
                panel.set(Some(b));
                error.set(None);
                saved.set(what);
            }
            Err(e) => {
                saved.set(None);
                error.set(Some(e.to_string()));
            }
        };
    {
        let (gallery, token) = (gallery.clone(), token.clone());
        leptos::task::spawn_local(async move { show(fetch_brand(&gallery, &token).await, None) });
    }
    let save = {
        let (gallery, token) = (gallery.clone(), token.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let body = StudioBrand {
                name: Some(name.get_untracked()),
                accent: Some(accent.get_untracked()),
                cover: Some(cover.get_untracked()),
                ..Default::default()
            };
            let (gallery, token) = (gallery.clone(), token.clone());
            leptos::task::spawn_local(async move {
                show(
                    save_brand(&gallery, &token, &body).await,
                    Some("Brand saved."),
                );
            });
        }
    };
    let send_logo = move |file: Option<web_sys::File>, what: &'static str| {
        let (gallery, token) = (gallery.clone(), token.clone());
        leptos::task::spawn_local(async move {
            show(upload_logo(&gallery, &token, file).await, Some(what));
        });
    };
    let pick_logo = {
        let send_logo = send_logo.clone();
        move |ev: leptos::ev::Event| {
            let input = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
            if let Some(file) = input
                .as_ref()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
            {
                // Said here, not after sending 20 MB on a phone's signal.
                let size = file.size() as u64;
                if size > MAX_LOGO_BYTES as u64 {
                    saved.set(None);
                    error.set(Some(too_large_bytes("A logo", MAX_LOGO_BYTES as u64, size)));
                } else {
                    send_logo(Some(file), "Logo saved.");
                }
            }
        }
    };
    let has_logo = move || panel.with(|p| p.as_ref().and_then(|p| p.logo.clone()));
    let photos = move || panel.with(|p| p.as_ref().map(|p| p.photos.clone()).unwrap_or_default());
    view! {
        <section class="brand-panel" aria-labelledby="brand-heading">
            <h2 id="brand-heading">"Brand"</h2>
            <form on:submit=save>
                <fieldset>
                    <legend>"What customers see"</legend>
                    <label>"Studio name (every gallery)" <input type="text" maxlength="80" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                    <label>"Colour (every gallery)" <input type="color" prop:value=move || { let a = accent.get(); if a.is_empty() { "#0f766e".to_owned() } else { a } } on:input=move |ev| accent.set(event_target_value(&ev)) /></label>
                    <button type="button" class="action" on:click=move |_| accent.set(String::new()) disabled=move || accent.with(String::is_empty)>
                        "Default colour"
                    </button>
                    <label>
                        "Cover photo (this gallery)"
                        <select prop:value=move || cover.get() on:change=move |ev| cover.set(event_target_value(&ev))>
                            <option value="">"None"</option>
                            {move || photos().into_iter().map(|p| {
                                let selected = cover.get_untracked() == p;
                                view! { <option value=p.clone() selected=selected>{p.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="action">"Save brand"</button>
                </fieldset>
            </form>
            <p class="logo">
                {move || has_logo().map(|src| view! { <img class="brand-logo" src=src alt="The studio's logo" /> })}
                <label>"Logo (PNG or JPEG, up to 5 MB)" <input type="file" accept="image/png,image/jpeg" on:change=pick_logo /></label>
                {move || has_logo().map(|_| {
                    let send_logo = send_logo.clone();
                    view! {
                        <button type="button" class="action" on:click=move |_| send_logo(None, "Logo removed.")>
                            "Remove logo"
                        </button>
                    }
                })}
            </p>
            {move || error.get().map(|e| view! { <p role="alert">{e}</p> })}
            {move || saved.get().map(|s| view! { <p role="status">{s}</p> })}
        </section>
    }
}
