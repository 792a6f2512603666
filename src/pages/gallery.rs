//! A shared gallery: loads the manifest, shows the grid, and the lightbox when
//! the route names an image.

use leptos::prelude::*;
use proofline_core::route::{Route, ShareToken};
use proofline_core::{GalleryId, Manifest};

use crate::api::{LoadError, fetch_manifest};
use crate::components::grid::Grid;
use crate::components::lightbox::Lightbox;
use crate::components::message::Message;

#[component]
pub fn GalleryPage(
    gallery: GalleryId,
    token: ShareToken,
    route: ReadSignal<Route>,
) -> impl IntoView {
    let manifest = {
        let (gallery, token) = (gallery.clone(), token.clone());
        LocalResource::new(move || {
            let (gallery, token) = (gallery.clone(), token.clone());
            async move {
                let origin = window().location().origin().unwrap_or_default();
                fetch_manifest(&origin, &gallery, &token).await
            }
        })
    };
    let open_image = Memo::new(move |_| match route.get() {
        Route::Gallery { image, .. } => image,
        _ => None,
    });
    let from_grid = RwSignal::new(false);
    let base = Route::Gallery {
        gallery,
        token,
        image: None,
    };
    view! {
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading your gallery…"</p> }>
            {move || {
                let base = base.clone();
                manifest
                    .get()
                    .map(move |result: Result<Manifest, LoadError>| match result {
                        Ok(m) => {
                            let m = StoredValue::new(m);
                            view! {
                                <header class="gallery-header">
                                    <h1>{m.with_value(|m| m.title.clone())}</h1>
                                    <p class="count">{m.with_value(|m| photo_count(m.images.len()))}</p>
                                </header>
                                <Grid manifest=m base=base.clone() from_grid />
                                {move || {
                                    open_image
                                        .get()
                                        .map(|id| view! { <Lightbox manifest=m base=base.clone() image=id from_grid /> })
                                }}
                            }
                                .into_any()
                        }
                        Err(e) => {
                            view! { <Message title="We can't show this gallery">{e.to_string()}</Message> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

fn photo_count(n: usize) -> String {
    match n {
        1 => "1 photo".into(),
        n => format!("{n} photos"),
    }
}
