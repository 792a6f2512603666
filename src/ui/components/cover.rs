//! The gallery's cover: the photo the studio chose to head it, across the
//! top of the gallery, from the device when saved (as every photo is). Its
//! place is kept from the start (a fixed shape, the ThumbHash under it), so
//! nothing moves when it arrives. None when the studio chose none.

use std::sync::Arc;

use leptos::prelude::*;
use proofline_core::Manifest;
use proofline_core::loading::Priority;
use proofline_core::placeholder::thumbhash_data_url;

use crate::state::photo::{Photo, use_photo};

#[component]
pub fn Cover(manifest: RwSignal<Arc<Manifest>>) -> impl IntoView {
    let image = manifest.with_untracked(|m| {
        let cover = m.cover.as_ref()?;
        m.images.iter().find(|i| &i.id == cover).cloned()
    })?;
    let photo = use_photo(
        image.renditions.proof.clone(),
        Priority::Visible,
        Signal::derive(|| true),
    );
    let placeholder = thumbhash_data_url(&image.thumbhash)
        .map(|url| format!("url({url})"))
        .unwrap_or_default();
    let proof = image.renditions.proof.clone();
    Some(view! {
        <div class="cover" style:background-image=placeholder>
            {move || match photo.get() {
                Photo::Ready(src) => {
                    view! {
                        <img src=src alt="" width=proof.width height=proof.height decoding="async" />
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
        </div>
    })
}
