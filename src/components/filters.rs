//! Which photos the grid shows: all, favourites, selected, or commented on.

use leptos::prelude::*;
use proofline_core::ImageId;
use proofline_core::proofing::Choices;

use crate::outbox::Outbox;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Favourites,
    Selected,
    Commented,
}

impl Filter {
    pub fn admits(self, choices: &Choices, image: &ImageId) -> bool {
        match self {
            Filter::All => true,
            Filter::Favourites => choices.is_favourite(image),
            Filter::Selected => choices.is_selected(image),
            Filter::Commented => choices.comments_on(image).next().is_some(),
        }
    }
}

#[component]
pub fn Filters(filter: RwSignal<Filter>, images: Vec<ImageId>) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let images = StoredValue::new(images);
    let button = move |f: Filter, label: &'static str| {
        let count = move || {
            outbox
                .view
                .with(|v| images.with_value(|ids| ids.iter().filter(|i| f.admits(v, i)).count()))
        };
        view! {
            <button
                type="button"
                aria-pressed=move || (filter.get() == f).to_string()
                on:click=move |_| filter.set(f)
            >
                {label}
                " "
                <span class="filter-count">{count}</span>
            </button>
        }
    };
    view! {
        <nav class="filters" aria-label="Show">
            {button(Filter::All, "All")}
            {button(Filter::Favourites, "Favourites")}
            {button(Filter::Selected, "Selected")}
            {button(Filter::Commented, "Commented")}
        </nav>
    }
}
