//! The two choices on every photo, in the grid and the lightbox: Favourite
//! and Select. Each is a toggle button (`aria-pressed`) named for the photo.

use leptos::prelude::*;
use proofline_core::ImageId;
use proofline_core::proofing::{Action, Choices};
use proofline_core::wording::labels::{
    FAVOURITE, FAVOURITE_HINT, SELECT, SELECT_HINT, SELECTED_MARK,
};

use crate::state::outbox::Outbox;

/// Which of the two on/off choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    Favourite,
    Select,
}

impl Toggle {
    fn is_on(self, choices: &Choices, image: &ImageId) -> bool {
        match self {
            Toggle::Favourite => choices.is_favourite(image),
            Toggle::Select => choices.is_selected(image),
        }
    }

    /// Records the opposite of what the customer last chose (refused with a
    /// notice if the studio's rules say no).
    pub fn flip(self, outbox: Outbox, image: &ImageId) {
        let on = !self.is_on(&outbox.intended(), image);
        let image = image.clone();
        outbox.record(match self {
            Toggle::Favourite => Action::Favourite { image, on },
            Toggle::Select => Action::Select { image, on },
        });
    }
}

#[component]
pub fn ChoiceButton(
    toggle: Toggle,
    image: ImageId,
    alt: String,
    /// Icons only (on grid tiles, which may be narrow); the name stays the same.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    let on = {
        let image = image.clone();
        Memo::new(move |_| outbox.view.with(|v| toggle.is_on(v, &image)))
    };
    let (class, name, title) = match toggle {
        Toggle::Favourite => ("choice favourite", FAVOURITE, FAVOURITE_HINT),
        Toggle::Select => ("choice select", SELECT, SELECT_HINT),
    };
    let text = move || match (toggle, on.get()) {
        (Toggle::Favourite, true) => "♥",
        (Toggle::Favourite, false) => "♡",
        (Toggle::Select, true) if compact => "✓",
        (Toggle::Select, false) if compact => "○",
        (Toggle::Select, true) => SELECTED_MARK,
        (Toggle::Select, false) => SELECT,
    };
    view! {
        <button
            type="button"
            class=class
            aria-pressed=move || on.get().to_string()
            aria-label=format!("{name} {alt}")
            title=title
            on:click=move |e| {
                e.stop_propagation();
                toggle.flip(outbox, &image);
            }
        >
            {text}
        </button>
    }
}
