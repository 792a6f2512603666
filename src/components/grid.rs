//! The grid of thumbnails, in the studio's order, each with its Favourite and
//! Select buttons; photos the filter leaves out are hidden, not removed.

use leptos::prelude::*;
use proofline_core::Manifest;
use proofline_core::route::Route;

use crate::components::choice_buttons::{ChoiceButton, Toggle};
use crate::components::filters::Filter;
use crate::components::tile::Tile;
use crate::outbox::Outbox;

#[component]
pub fn Grid(
    manifest: StoredValue<Manifest>,
    base: Route,
    from_grid: RwSignal<bool>,
    filter: RwSignal<Filter>,
) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let images = manifest.with_value(|m| m.images.clone());
    view! {
        <ul class="grid" aria-label="Photos">
            {images
                .into_iter()
                .map(|image| {
                    let open = base.with_image(Some(image.id.clone()));
                    let (id, alt) = (image.id.clone(), image.alt.clone());
                    let hidden = {
                        let id = id.clone();
                        move || !outbox.view.with(|v| filter.get().admits(v, &id))
                    };
                    view! {
                        <li hidden=hidden>
                            <Tile image open from_grid />
                            <div class="tile-actions">
                                <ChoiceButton toggle=Toggle::Favourite image=id.clone() alt=alt.clone() />
                                <ChoiceButton toggle=Toggle::Select image=id alt />
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
