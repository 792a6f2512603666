//! The grid of thumbnails, in the studio's order.

use leptos::prelude::*;
use proofline_core::Manifest;
use proofline_core::route::Route;

use crate::components::tile::Tile;

#[component]
pub fn Grid(
    manifest: StoredValue<Manifest>,
    base: Route,
    from_grid: RwSignal<bool>,
) -> impl IntoView {
    let images = manifest.with_value(|m| m.images.clone());
    view! {
        <ul class="grid" aria-label="Photos">
            {images
                .into_iter()
                .map(|image| {
                    let open = base.with_image(Some(image.id.clone()));
                    view! {
                        <li>
                            <Tile image open from_grid />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
