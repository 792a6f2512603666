//! Which photos the grid shows: all, favourites, selected, or commented on.

use std::sync::Arc;

use leptos::prelude::*;
use proofline_core::proofing::Choices;
use proofline_core::wording::labels::{
    ALL, COMMENTED, EVERY_SET, FAVOURITES, SELECTED, SETS, SHOW,
};
use proofline_core::{ImageId, Manifest};

use crate::state::outbox::Outbox;

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

/// The counts follow `manifest`: a first screen's copy counts all the
/// gallery's photos, and the whole list the rest when it comes.
#[component]
pub fn Filters(filter: RwSignal<Filter>, manifest: RwSignal<Arc<Manifest>>) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let button = move |f: Filter, label: &'static str| {
        let count = move || match f {
            Filter::All => manifest.with(|m| m.photo_count()),
            _ => outbox.view.with(|v| {
                manifest.with(|m| m.images.iter().filter(|i| f.admits(v, &i.id)).count())
            }),
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
        <nav class="filters" aria-label=SHOW>
            {button(Filter::All, ALL)}
            {button(Filter::Favourites, FAVOURITES)}
            {button(Filter::Selected, SELECTED)}
            {button(Filter::Commented, COMMENTED)}
        </nav>
    }
}

/// The gallery's sets (its sub-folders), to show one at a time; nothing when
/// the gallery has none.
#[component]
pub fn SetPicker(
    set: RwSignal<Option<String>>,
    manifest: RwSignal<Arc<Manifest>>,
) -> impl IntoView {
    // The sets and their counts, and how many photos in all: made again
    // only when they change (the whole list after a first screen), not
    // when a refresh brings new URLs.
    let sets = Memo::new(move |_| {
        manifest.with(|m| {
            let mut sets: Vec<(String, usize)> = Vec::new();
            for name in m.images.iter().filter_map(|i| i.set.as_ref()) {
                match sets.iter_mut().find(|(n, _)| n == name) {
                    Some((_, count)) => *count += 1,
                    None => sets.push((name.clone(), 1)),
                }
            }
            (sets, m.photo_count())
        })
    });
    move || {
        let (sets, total) = sets.get();
        let button = move |choice: Option<String>, label: String, count: usize| {
            let pressed = choice.clone();
            view! {
                <button
                    type="button"
                    aria-pressed=move || (set.with(|s| *s == pressed)).to_string()
                    on:click=move |_| set.set(choice.clone())
                >
                    {label}
                    " "
                    <span class="filter-count">{count}</span>
                </button>
            }
        };
        (!sets.is_empty()).then(|| {
            view! {
                <nav class="filters sets" aria-label=SETS>
                    {button(None, EVERY_SET.into(), total)}
                    {sets
                        .into_iter()
                        .map(|(name, n)| button(Some(name.clone()), name, n))
                        .collect_view()}
                </nav>
            }
        })
    }
}
