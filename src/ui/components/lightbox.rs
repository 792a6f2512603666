//! The lightbox: one photo's `proof` rendition, previous/next with buttons,
//! arrow keys or a swipe (with momentum), pinch, double-tap, wheel or +/-
//! to zoom (rules in `proofline_core::gesture`), Escape to close; Favourite
//! (F), Select (S), approval and comments (C); a slideshow (P) moves on when
//! the photo's time is up, counted from when it shows. The open image is part of the
//! URL, so Back closes it and a link can point at one photo. Focus stays
//! inside while it is open (the page behind is inert) and returns to the
//! photo's tile in the grid when it closes.

use std::sync::Arc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use proofline_core::gesture::{GestureEnd, Gestures, Point};
use proofline_core::route::Route;
use proofline_core::{ImageId, Manifest};
use wasm_bindgen::JsCast as _;

use proofline_core::loading::Priority;
use proofline_core::wording::labels::{CLOSE, NEXT_PHOTO, PREVIOUS_PHOTO};
use proofline_core::wording::photo_position;

use crate::browser::hash_route::{back, replace};
use crate::state::loader::Loader;
use crate::state::outbox::Outbox;
use crate::state::photo::{Photo, use_photo};
use crate::ui::components::choice_buttons::{ChoiceButton, Toggle};
use crate::ui::components::downloads::DownloadButton;
use crate::ui::components::review::Review;
use crate::ui::components::slideshow::{Slideshow, SlideshowControls};
use crate::ui::words::miss_note;

#[component]
pub fn Lightbox(
    manifest: RwSignal<Arc<Manifest>>,
    base: Route,
    image: ImageId,
    /// Whether the lightbox was opened by a tile (a history entry was pushed).
    from_grid: RwSignal<bool>,
) -> impl IntoView {
    let (index, total) =
        manifest.with_untracked(|m| (m.images.iter().position(|i| i.id == image), m.images.len()));
    let Some(index) = index else {
        // An image id the gallery doesn't have: back to the grid.
        replace(&base);
        return ().into_any();
    };
    let current = manifest.with_untracked(|m| m.images[index].clone());
    let neighbour = |delta: isize| -> Option<Route> {
        let i = index.checked_add_signed(delta).filter(|i| *i < total)?;
        Some(base.with_image(Some(manifest.with_untracked(|m| m.images[i].id.clone()))))
    };
    let (prev, next) = (neighbour(-1), neighbour(1));
    let slideshow = expect_context::<Slideshow>();
    // The slideshow's next photo: the first again after the last.
    let following = proofline_core::slideshow::next(index, total)
        .map(|i| base.with_image(Some(manifest.with_untracked(|m| m.images[i].id.clone()))));
    let close = {
        let base = base.clone();
        move || {
            slideshow.playing.set(false);
            // Opened from the grid: step back so Back/Forward stay meaningful.
            // Opened from a link: there is no grid entry to go back to.
            if from_grid.get_untracked() {
                from_grid.set(false);
                back();
            } else {
                replace(&base);
            }
        }
    };
    let go = move |to: &Option<Route>| {
        if let Some(r) = to {
            replace(r);
        }
    };
    let outbox = expect_context::<Outbox>();
    let comment_box = NodeRef::<html::Textarea>::new();
    let dialog = NodeRef::<html::Div>::new();
    let (has_prev, has_next) = (prev.is_some(), next.is_some());

    // Touch, pen and mouse on the photo.
    let stage = NodeRef::<html::Div>::new();
    let gestures = StoredValue::new_local(Gestures::new(1.0, 1.0, has_prev, has_next));
    let look = RwSignal::new((gestures.with_value(Gestures::transform), false, 0.0));
    let show = move || {
        gestures.with_value(|g| {
            // Transitions off while a finger drives the photo.
            let ms = if g.tracking() { 0.0 } else { 200.0 };
            look.set((g.transform(), g.zoomed(), ms));
        })
    };
    // The stage's box, read afresh each time (the phone may have turned) and
    // passed on to the gestures.
    let stage_box = move || {
        let r = stage.get_untracked()?.get_bounding_client_rect();
        gestures.update_value(|g| g.resize(r.width(), r.height()));
        Some(r)
    };
    // A point on the stage, from a pointer's client coordinates.
    let at = move |client_x: i32, client_y: i32| -> Point {
        let (left, top) = stage_box().map_or((0.0, 0.0), |r| (r.left(), r.top()));
        Point::new(f64::from(client_x) - left, f64::from(client_y) - top)
    };
    // Keyboard zoom, about the stage's centre (0 resets).
    let zoom = move |factor: f64| {
        let Some(r) = stage_box() else {
            return;
        };
        let centre = Point::new(r.width() / 2.0, r.height() / 2.0);
        gestures.update_value(|g| {
            if factor == 0.0 {
                g.reset()
            } else {
                g.zoom_by(factor, centre)
            }
        });
        show();
    };
    let finish = {
        let (prev, next) = (prev.clone(), next.clone());
        move |outcome: GestureEnd| {
            let to = match outcome {
                GestureEnd::Next => next.clone(),
                GestureEnd::Previous => prev.clone(),
                GestureEnd::None | GestureEnd::Tap => return,
            };
            // Slide out at the finger's speed, then show the neighbour.
            let ms = gestures.with_value(Gestures::fling_ms);
            look.update(|l| l.2 = ms);
            set_timeout(move || go(&to), std::time::Duration::from_millis(ms as u64));
        }
    };
    let keys = {
        let (prev, next, close) = (prev.clone(), next.clone(), close.clone());
        let id = current.id.clone();
        window_event_listener(ev::keydown, move |e| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            match e.key().as_str() {
                "ArrowLeft" => go(&prev),
                "ArrowRight" => go(&next),
                "Escape" => close(),
                "f" | "F" => Toggle::Favourite.flip(outbox, &id),
                "s" | "S" => Toggle::Select.flip(outbox, &id),
                "+" | "=" => zoom(1.5),
                "-" => zoom(1.0 / 1.5),
                "0" => zoom(0.0),
                "p" | "P" => slideshow.toggle(),
                "Tab" => trap_focus(dialog, &e),
                "c" | "C" => {
                    if let Some(t) = comment_box.get_untracked() {
                        e.prevent_default();
                        let _ = t.focus();
                    }
                }
                _ => {}
            }
        })
    };
    on_cleanup(move || keys.remove());
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            let _ = d.focus();
        }
    });
    let proof = current.renditions.proof.clone();
    let photo = use_photo(proof.clone(), Priority::Visible, Signal::derive(|| true));
    // Swiping on should be instant: fetch the neighbours' photos next.
    let loader = expect_context::<Loader>();
    for i in [index.checked_sub(1), Some(index + 1).filter(|i| *i < total)]
        .into_iter()
        .flatten()
    {
        let (loader, r) = (
            loader.clone(),
            manifest.with_untracked(|m| m.images[i].renditions.proof.clone()),
        );
        leptos::task::spawn_local(async move {
            let _ = loader.load(&r, Priority::Neighbour).await;
        });
    }
    // While the slideshow plays, the photo's time starts once it shows (or
    // is known to be missing: offline and not saved), and any change (pause,
    // another interval) starts it again.
    let turn = StoredValue::new_local(None::<TimeoutHandle>);
    let stop_turn = move || {
        if let Some(handle) = turn.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        stop_turn();
        let shown = photo.with(|p| !matches!(p, Photo::Waiting));
        if !slideshow.playing.get() || !shown {
            return;
        }
        let to = following.clone();
        let secs = u64::from(slideshow.seconds.get());
        let handle = set_timeout_with_handle(move || go(&to), std::time::Duration::from_secs(secs));
        turn.set_value(handle.ok());
    });
    on_cleanup(stop_turn);
    let placeholder = proofline_core::placeholder::thumbhash_data_url(&current.thumbhash)
        .map(|url| format!("url({url})"))
        .unwrap_or_default();
    let alt = current.alt.clone();
    let position = photo_position(index + 1, total);
    let label = format!("{} ({position})", current.alt);
    // Set through the CSSOM (`style:`): the Content-Security-Policy refuses
    // `style` attributes.
    let photo_transform = move || {
        let (t, _, _) = look.get();
        format!("translate({}px,{}px) scale({})", t.tx, t.ty, t.scale)
    };
    let photo_transition = move || format!("transform {}ms ease-out", look.get().2);
    view! {
        <div
            class="lightbox"
            class:playing=move || slideshow.playing.get()
            role="dialog"
            aria-modal="true"
            aria-label=label
            tabindex="-1"
            node_ref=dialog
        >
            <div
                class="stage"
                class:zoomed=move || look.with(|l| l.1)
                node_ref=stage
                on:pointerdown=move |e: ev::PointerEvent| {
                    if let Some(s) = stage.get_untracked() {
                        let _ = s.set_pointer_capture(e.pointer_id());
                    }
                    let p = at(e.client_x(), e.client_y());
                    gestures.update_value(|g| g.down(e.pointer_id(), p, e.time_stamp()));
                    show();
                }
                on:pointermove=move |e: ev::PointerEvent| {
                    let p = at(e.client_x(), e.client_y());
                    gestures.update_value(|g| g.moved(e.pointer_id(), p, e.time_stamp()));
                    show();
                }
                on:pointerup={
                    let finish = finish.clone();
                    move |e: ev::PointerEvent| {
                        let p = at(e.client_x(), e.client_y());
                        let mut outcome = GestureEnd::None;
                        gestures.update_value(|g| outcome = g.up(e.pointer_id(), p, e.time_stamp(), false));
                        show();
                        finish(outcome);
                    }
                }
                on:pointercancel=move |e: ev::PointerEvent| {
                    let p = at(e.client_x(), e.client_y());
                    gestures.update_value(|g| { g.up(e.pointer_id(), p, e.time_stamp(), true); });
                    show();
                }
                on:wheel=move |e: ev::WheelEvent| {
                    e.prevent_default();
                    let p = at(e.client_x(), e.client_y());
                    gestures.update_value(|g| g.zoom_by((-e.delta_y() * 0.002).exp(), p));
                    show();
                }
            >
            {move || match photo.get() {
                Photo::Ready(src) => {
                    view! {
                        <img
                            class="proof"
                            src=src
                            alt=alt.clone()
                            width=proof.width
                            height=proof.height
                            style:transform=photo_transform
                            style:transition=photo_transition
                            draggable="false"
                        />
                    }
                        .into_any()
                }
                other => {
                    view! {
                        <div
                            class="proof proof-placeholder"
                            role="img"
                            aria-label=alt.clone()
                            style:background-image=placeholder.clone()
                            style:aspect-ratio=format!("{}/{}", proof.width, proof.height)
                        >
                            {match other {
                                Photo::Missing(miss) => Some(view! { <span class="tile-note">{miss_note(miss)}</span> }),
                                _ => None,
                            }}
                        </div>
                    }
                        .into_any()
                }
            }}
            </div>
            <p class="caption">
                {current.set.clone().map(|s| format!("{s} · "))}
                {current.alt.clone()} " · " {position}
            </p>
            <div class="lightbox-choices">
                <ChoiceButton toggle=Toggle::Favourite image=current.id.clone() alt=current.alt.clone() />
                <ChoiceButton toggle=Toggle::Select image=current.id.clone() alt=current.alt.clone() />
                {current
                    .renditions
                    .download
                    .is_some()
                    .then(|| view! { <DownloadButton image=current.clone() /> })}
            </div>
            <Review image=current.id.clone() alt=current.alt.clone() comment_box />
            {(total > 1).then(|| view! { <SlideshowControls /> })}
            <button
                type="button"
                class="nav prev"
                aria-label=PREVIOUS_PHOTO
                disabled=!has_prev
                on:click=move |_| go(&prev)
            >
                "‹"
            </button>
            <button
                type="button"
                class="nav next"
                aria-label=NEXT_PHOTO
                disabled=!has_next
                on:click=move |_| go(&next)
            >
                "›"
            </button>
            <button type="button" class="close" aria-label=CLOSE on:click=move |_| close()>
                "×"
            </button>
        </div>
    }
    .into_any()
}

/// Keeps Tab and Shift+Tab cycling through the dialog's own controls.
fn trap_focus(dialog: NodeRef<html::Div>, e: &ev::KeyboardEvent) {
    let Some(d) = dialog.get_untracked() else {
        return;
    };
    let Ok(list) = d.query_selector_all(
        "button:not([disabled]), textarea:not([disabled]), input:not([disabled]), a[href]",
    ) else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into().ok())
        .collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return;
    };
    let active = document().active_element();
    let at = |el: &web_sys::HtmlElement| active.as_ref() == Some(el.unchecked_ref());
    let inside = active.as_ref().is_some_and(|a| d.contains(Some(a)));
    let to = if e.shift_key() && (at(first) || !inside) {
        last
    } else if !e.shift_key() && (at(last) || !inside) {
        first
    } else {
        return;
    };
    e.prevent_default();
    let _ = to.focus();
}
