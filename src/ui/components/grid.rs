//! The grid of thumbnails in justified rows, virtualised: the layout of every
//! photo the filter admits is computed up front (`proofline_core::layout`,
//! from the manifest's sizes), but only the rows within a screen of the
//! viewport exist in the DOM, so a gallery of 10,000 photos costs what one of
//! 50 does. The page scrolls as a whole (the browser's own scrolling, address
//! bar and all); the grid only reads where the screen is.
//!
//! - Width changes (rotation, resize) keep the photo at the top of the screen.
//! - The lightbox hands back the photo it showed last (`reveal`): the grid
//!   scrolls to it only if it is off screen, and focuses its tile.
//! - A focused tile stays rendered while scrolled away, so focus is never lost.
//! - The first screen's rows are made, painted and their photos asked for
//!   before the rows around it.
//! - Photos start loading only when scrolling slows down, so flinging through
//!   thousands of rows does not queue thousands of downloads.
//! - A scrubber at the right edge jumps anywhere, saying which photo is there.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use proofline_core::layout::{BUTTONS_SIDE_BY_SIDE, Layout, Params, aspect, justified};
use proofline_core::route::Route;
use proofline_core::{ImageId, Manifest};
use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;

use proofline_core::wording::labels::PHOTOS;
use proofline_core::wording::{more_photos_coming, scrub_position};

use crate::state::outbox::Outbox;
use crate::ui::components::choice_buttons::{ChoiceButton, Toggle};
use crate::ui::components::filters::Filter;
use crate::ui::components::tile::Tile;

/// Rows kept in the DOM beyond the screen, above and below, in screens
/// (none until the first screen has been painted).
const OVERSCAN_SCREENS: f64 = 1.0;
/// Photos wait for scrolling to stay under a screen per frame for this long.
const SETTLE_MS: u64 = 120;
/// The scrubber appears for galleries taller than this many screens.
const SCRUBBER_SCREENS: f64 = 4.0;

thread_local! {
    /// The width of the grid last measured, in CSS px.
    static LAST_WIDTH: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

#[component]
pub fn Grid(
    manifest: RwSignal<Arc<Manifest>>,
    base: Route,
    from_grid: RwSignal<bool>,
    filter: RwSignal<Filter>,
    /// The set (sub-folder) to show, or every photo.
    set: RwSignal<Option<String>>,
    /// Set by the lightbox when it closes: the photo to bring back into view.
    reveal: RwSignal<Option<ImageId>>,
) -> impl IntoView {
    let outbox = expect_context::<Outbox>();
    // Follows the manifest: after a first screen, the whole list adds its
    // photos below the ones on screen, which stay as they are.
    let aspects = Memo::new(move |_| {
        manifest.with(|m| {
            m.images
                .iter()
                .map(|i| aspect(i.renditions.thumb.width, i.renditions.thumb.height))
                .collect::<Vec<f64>>()
        })
    });
    // How many more photos are coming after a first screen.
    let coming = move || manifest.with(|m| m.photo_count() - m.images.len());

    // Manifest indices of the photos the filter and set admit, ascending.
    let shown = Memo::new(move |_| match (filter.get(), set.get()) {
        (Filter::All, None) => (0..aspects.with(Vec::len)).collect::<Vec<usize>>(),
        (f, set) => {
            let in_set = |i: &proofline_core::Image| set.is_none() || i.set == set;
            let admits = |i: &proofline_core::Image| {
                f == Filter::All || outbox.view.with(|v| f.admits(v, &i.id))
            };
            manifest.with(|m| {
                m.images
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| in_set(i) && admits(i))
                    .map(|(k, _)| k)
                    .collect()
            })
        }
    });
    // The width the last grid had, until this one's is measured: a grid
    // made again (the whole list after a first screen) then lays out at
    // once, instead of being empty for a frame and the page's scroll
    // clamped to its top.
    let width = RwSignal::new(LAST_WIDTH.get());
    let layout = Memo::new(move |_| {
        let w = width.get();
        if w <= 0.0 {
            return Layout::default();
        }
        let row: Vec<f64> = shown.with(|s| aspects.with(|a| s.iter().map(|&k| a[k]).collect()));
        justified(&row, Params::for_width(w))
    });

    // Where the screen is, relative to the grid's top.
    let list = NodeRef::<html::Ul>::new();
    let view_top = RwSignal::new(0.0_f64);
    let view_height = RwSignal::new(viewport_height());
    let fast = RwSignal::new(false);
    let scrolling = RwSignal::new(false);
    let settle = StoredValue::new_local(None::<TimeoutHandle>);
    let measure = move || {
        let Some(el) = list.get_untracked() else {
            return;
        };
        let top = -el.get_bounding_client_rect().top();
        let height = viewport_height();
        let jump = (top - view_top.get_untracked()).abs();
        view_top.set(top);
        view_height.set(height);
        if jump > height {
            fast.set(true);
        }
        scrolling.set(true);
        if let Some(h) = settle.get_value() {
            h.clear();
        }
        settle.set_value(
            set_timeout_with_handle(
                move || {
                    fast.try_set(false);
                    scrolling.try_set(false);
                },
                std::time::Duration::from_millis(SETTLE_MS),
            )
            .ok(),
        );
    };
    let frame_pending = StoredValue::new(false);
    let on_scroll = move || {
        if !frame_pending.get_value() {
            frame_pending.set_value(true);
            request_animation_frame(move || {
                frame_pending.try_set_value(false);
                measure();
            });
        }
    };
    let scroll_listener = window_event_listener(ev::scroll, move |_| on_scroll());
    let resize_listener = window_event_listener(ev::resize, move |_| on_scroll());

    // The grid's width, from a ResizeObserver (which also fires once at the
    // start). A new width keeps the photo at the top of the screen in place.
    let observer = StoredValue::new_local(None::<web_sys::ResizeObserver>);
    type Callback = Closure<dyn Fn(js_sys::Array)>;
    let held = StoredValue::new_local(None::<Callback>);
    Effect::new(move |_| {
        let Some(el) = list.get() else { return };
        let callback = Callback::new(move |_entries: js_sys::Array| {
            let Some(el) = list.get_untracked() else {
                return;
            };
            let w = f64::from(el.client_width());
            LAST_WIDTH.set(w);
            if w == width.get_untracked() {
                measure();
                return;
            }
            let top = view_top.get_untracked();
            let anchor = (top > 0.0)
                .then(|| layout.with_untracked(|l| l.anchor_at(top)))
                .flatten();
            width.set(w);
            if let Some(anchor) = anchor {
                // At once, before the next paint (and before anything else
                // scrolls): the list takes its new height, then the page
                // moves so the anchor photo is where it was.
                let (target, height) = layout.with_untracked(|l| (l.top_for(anchor), l.height));
                let _ =
                    web_sys::HtmlElement::style(&el).set_property("height", &format!("{height}px"));
                window().scroll_by_with_x_and_y(0.0, target - top);
            }
            measure();
        });
        if let Ok(obs) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
            obs.observe(&el);
            observer.set_value(Some(obs));
        }
        held.set_value(Some(callback));
    });
    on_cleanup(move || {
        scroll_listener.remove();
        resize_listener.remove();
        if let Some(obs) = observer.try_get_value().flatten() {
            obs.disconnect();
        }
    });

    // The rows on screen come first, alone: the first paint is theirs, and
    // so are the first downloads (on a phone, those of the rows around it
    // shared the signal with them). The rows around follow once it is
    // painted, in a task of their own.
    let overscan = RwSignal::new(0.0_f64);
    Effect::new(move |widened: Option<bool>| {
        if widened == Some(true) || layout.with(|l| l.items.is_empty()) {
            return widened.unwrap_or(false);
        }
        // Called from the frame that lays the first rows out: the next
        // frame's callback, then a task after its paint.
        request_animation_frame(move || {
            set_timeout(
                move || {
                    overscan.try_set(OVERSCAN_SCREENS);
                },
                std::time::Duration::ZERO,
            );
        });
        true
    });

    // The photo that last had focus stays rendered (see module doc).
    let pinned = RwSignal::new(None::<usize>);
    let near = Memo::new(move |_| {
        let (top, height) = (view_top.get(), view_height.get());
        let margin = height * overscan.get();
        layout.with(|l| l.items_between(top - margin, top + height + margin))
    });
    let rendered = Memo::new(move |_| {
        let range = near.get();
        let mut keys: Vec<usize> = shown.with(|s| {
            s.get(range.clone())
                .map(<[usize]>::to_vec)
                .unwrap_or_default()
        });
        if let Some(k) = pinned.get()
            && !keys.contains(&k)
            && shown.with(|s| s.binary_search(&k).is_ok())
        {
            keys.push(k);
        }
        keys
    });

    // Back from the lightbox: show the photo (only scrolling if it is off
    // screen) and give its tile focus.
    Effect::new(move |_| {
        let Some(id) = reveal.get() else { return };
        reveal.set(None);
        let Some(k) = manifest.with_untracked(|m| m.images.iter().position(|i| i.id == id)) else {
            return;
        };
        let Some(pos) = shown.with_untracked(|s| s.binary_search(&k).ok()) else {
            return;
        };
        let top = view_top.get_untracked();
        let target =
            layout.with_untracked(|l| l.reveal(pos, top, view_height.get_untracked() * 0.8));
        if target != top {
            window().scroll_by_with_x_and_y(0.0, target - top);
            measure();
        }
        pinned.set(Some(k));
        request_animation_frame(move || focus_tile(&id));
    });

    // Each row is placed when it is made, and again by one effect when the
    // layout changes, rather than by effects of its own: Leptos 0.8
    // (reactive_graph 0.2) never drops a removed row's subscriptions from
    // the grid's long-lived signals, and five per row piled up about half a
    // kilobyte a row, megabytes in a scroll through 10,000 photos.
    let rows = StoredValue::new_local(HashMap::<usize, web_sys::HtmlElement>::new());
    Effect::new(move |_| {
        layout.track();
        shown.track();
        rows.with_value(|rows| {
            for (&k, el) in rows {
                place(el, k, shown, layout);
            }
        });
    });
    let start = Signal::derive(move || !fast.get());
    let tile = move |k: usize| {
        let image = manifest.with_untracked(|m| m.images[k].clone());
        let open = base.with_image(Some(image.id.clone()));
        let (id, alt) = (image.id.clone(), image.alt.clone());
        let row = NodeRef::<html::Li>::new();
        row.on_load(move |el| {
            let el: web_sys::HtmlElement = el.into();
            place(&el, k, shown, layout);
            rows.update_value(|rows| {
                rows.insert(k, el);
            });
        });
        on_cleanup(move || {
            rows.try_update_value(|rows| rows.remove(&k));
        });
        view! {
            <li node_ref=row on:focusin=move |_| pinned.set(Some(k))>
                <Tile image open from_grid start />
                <div class="tile-actions">
                    <ChoiceButton toggle=Toggle::Favourite image=id.clone() alt=alt.clone() compact=true />
                    <ChoiceButton toggle=Toggle::Select image=id alt compact=true />
                </div>
            </li>
        }
    };

    view! {
        <ul
            class="grid"
            aria-label=PHOTOS
            node_ref=list
            style:height=move || format!("{}px", layout.with(|l| l.height))
        >
            <For each=move || rendered.get() key=|k| *k let:k>
                {tile(k)}
            </For>
        </ul>
        // Shown once the photos are laid out, so that it never moves down
        // the screen.
        <Show when=move || { coming() > 0 && layout.with(|l| l.height > 0.0) }>
            <p class="more-coming" role="status">{move || more_photos_coming(coming())}</p>
        </Show>
        <Scrubber layout shown view_top view_height scrolling list />
    }
}

/// A handle on the right edge for crossing big galleries in one drag, with the
/// position in photos. A pointer convenience over the page's own scrolling
/// (keyboards have Page Down, Home and End), so it is hidden from assistive
/// technology.
#[component]
fn Scrubber(
    layout: Memo<Layout>,
    shown: Memo<Vec<usize>>,
    view_top: RwSignal<f64>,
    view_height: RwSignal<f64>,
    scrolling: RwSignal<bool>,
    list: NodeRef<html::Ul>,
) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let wanted = move || layout.with(|l| l.height) > view_height.get() * SCRUBBER_SCREENS;
    let travel = move || (layout.with(|l| l.height) - view_height.get()).max(1.0);
    let fraction = move || (view_top.get() / travel()).clamp(0.0, 1.0);
    let track = NodeRef::<html::Div>::new();
    let jump = move |client_y: f64| {
        let (Some(t), Some(l)) = (track.get_untracked(), list.get_untracked()) else {
            return;
        };
        let rect = t.get_bounding_client_rect();
        let f = ((client_y - rect.top()) / rect.height().max(1.0)).clamp(0.0, 1.0);
        let grid_top = window().scroll_y().unwrap_or(0.0) + l.get_bounding_client_rect().top();
        let target = grid_top + f * travel();
        window().scroll_to_with_x_and_y(0.0, target);
    };
    let label = move || {
        let n = shown.with(Vec::len);
        let first = layout.with(|l| l.anchor_at(view_top.get().max(0.0)).map(|a| a.item));
        first.map(|i| scrub_position(i + 1, n))
    };
    view! {
        <Show when=wanted>
            <div
                class="scrubber"
                class:active=move || scrolling.get() || dragging.get()
                aria-hidden="true"
                node_ref=track
                on:pointerdown=move |e: ev::PointerEvent| {
                    e.prevent_default();
                    if let Some(t) = track.get_untracked() {
                        let _ = t.set_pointer_capture(e.pointer_id());
                    }
                    dragging.set(true);
                    jump(f64::from(e.client_y()));
                }
                on:pointermove=move |e: ev::PointerEvent| {
                    if dragging.get_untracked() {
                        jump(f64::from(e.client_y()));
                    }
                }
                on:pointerup=move |_| dragging.set(false)
                on:pointercancel=move |_| dragging.set(false)
            >
                <div class="scrubber-thumb" style:top=move || format!("{}%", fraction() * 100.0)>
                    <Show when=move || dragging.get()>
                        <span class="scrubber-label">{label}</span>
                    </Show>
                </div>
            </div>
        </Show>
    }
}

fn viewport_height() -> f64 {
    window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0)
}

/// Puts photo `k`'s row where the layout says, through the CSSOM (never a
/// `style` attribute, which the Content-Security-Policy refuses), with its
/// place in the list for assistive technology.
fn place(el: &web_sys::HtmlElement, k: usize, shown: Memo<Vec<usize>>, layout: Memo<Layout>) {
    let (position, count) = shown.with_untracked(|s| (s.binary_search(&k).ok(), s.len()));
    let placed = position.and_then(|p| layout.with_untracked(|l| l.items.get(p).copied()));
    let style = el.style();
    let px = |v: f64| format!("{v}px");
    let (transform, width, height) = match placed {
        Some(p) => (
            format!("translate({}px,{}px)", p.x, p.y),
            px(p.width),
            px(p.height),
        ),
        None => Default::default(),
    };
    // Its buttons stacked (style/main.css): a class, not a container query,
    // which made every tile a container for the browser to lay out apart.
    let narrow = placed.is_some_and(|p| p.width < BUTTONS_SIDE_BY_SIDE);
    el.set_class_name(if narrow { "narrow" } else { "" });
    let _ = style.set_property("transform", &transform);
    let _ = style.set_property("width", &width);
    let _ = style.set_property("height", &height);
    let _ = el.set_attribute("aria-posinset", &position.map_or(0, |p| p + 1).to_string());
    let _ = el.set_attribute("aria-setsize", &count.to_string());
}

fn focus_tile(id: &ImageId) {
    if let Some(el) = document().get_element_by_id(&format!("tile-{id}"))
        && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
    {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = el.focus_with_options(&options);
    }
}
