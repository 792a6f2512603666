//! The lightbox's slideshow controls: play/pause and how long each photo
//! stays (kept on the device). The state outlives one photo's lightbox (the
//! lightbox is made afresh for each photo), so the gallery page provides it
//! as a context; the lightbox moves on when its photo's time is up.

use leptos::prelude::*;
use proofline_core::slideshow::{INTERVALS_SECS, interval_from, interval_label, play_label};
use proofline_core::wording::labels::TIME_PER_PHOTO;

use crate::browser::local_storage;

/// Where the chosen interval is kept (one for every gallery).
const INTERVAL_KEY: &str = "proofline.slideshow.interval";

/// Whether the slideshow plays, and for how long each photo stays.
#[derive(Clone, Copy)]
pub struct Slideshow {
    pub playing: RwSignal<bool>,
    pub seconds: RwSignal<u32>,
}

impl Slideshow {
    /// Stopped, at the interval the device kept.
    pub fn provide() {
        provide_context(Slideshow {
            playing: RwSignal::new(false),
            seconds: RwSignal::new(interval_from(local_storage::get(INTERVAL_KEY).as_deref())),
        });
    }

    pub fn toggle(self) {
        self.playing.update(|p| *p = !*p);
    }
}

#[component]
pub fn SlideshowControls() -> impl IntoView {
    let show = expect_context::<Slideshow>();
    let choose = move |e: leptos::ev::Event| {
        let secs = interval_from(Some(&event_target_value(&e)));
        show.seconds.set(secs);
        local_storage::set(INTERVAL_KEY, &secs.to_string());
    };
    view! {
        <div class="slideshow">
            <button
                type="button"
                class="play"
                aria-label=move || play_label(show.playing.get())
                title=move || format!("{} (P)", play_label(show.playing.get()))
                on:click=move |_| show.toggle()
            >
                {move || if show.playing.get() { "❚❚" } else { "▶" }}
            </button>
            <select aria-label=TIME_PER_PHOTO on:change=choose>
                {INTERVALS_SECS
                    .map(|secs| {
                        view! {
                            <option value=secs.to_string() selected=move || show.seconds.get() == secs>
                                {interval_label(secs)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
