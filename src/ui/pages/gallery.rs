//! A shared gallery: the best available copy of the manifest (origin, mirror,
//! or this device), a banner saying which, the grid, the lightbox when the
//! route names an image, "Save for offline", and the customer's choices:
//! filters, the selection bar and where the choices are (the outbox).
//! The device keeps all of it per share link ([`LinkKey`]), not per gallery.
//!
//! While shown, the manifest is refreshed in the background: shortly before
//! its URLs expire (judged by server time), when its offline window ends,
//! every few seconds while the studio's server is unreachable or the device
//! is offline, and at once when the browser comes back online. A refresh
//! that shows the same page (only its URLs newly signed) swaps the URLs the
//! loader uses, so nothing on screen flickers; one with a new title, cover
//! or photos shows the gallery again.

use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use proofline_core::cache::default_budget;
use proofline_core::proofing::Action;
use proofline_core::route::{LinkKey, Route, ShareToken};
use proofline_core::wording::labels::CANT_SHOW_GALLERY;
use proofline_core::wording::{
    LOADING_GALLERY, LOADING_LARGE, OFFLINE_OVER_TITLE, STORAGE_FULL_BANNER,
    available_offline_until, closing_note, day_time, photo_count,
};
use proofline_core::{GalleryId, Manifest};
use send_wrapper::SendWrapper;

use crate::browser::clock::{local_time, now_secs};
use crate::browser::{network, preview, storage, visibility};
use crate::net::api::{LoadError, PinFor};
use crate::net::failover::BODY_TIMEOUT_MS;
use crate::state::device_db::{adopt_legacy, device_db};
use crate::state::gallery_source::{Coming, Loaded, Shown, Source, load, offline_until_label};
use crate::state::loader::Loader;
use crate::state::outbox::Outbox;
use crate::state::withdrawn::{Withdrawn, forget, recorded};
use crate::ui::brand::SmallPrint;
use crate::ui::components::cover::Cover;
use crate::ui::components::downloads::DownloadPhotos;
use crate::ui::components::filters::{Filter, Filters, SetPicker};
use crate::ui::components::grid::Grid;
use crate::ui::components::lightbox::Lightbox;
use crate::ui::components::message::Message;
use crate::ui::components::outbox_badge::OutboxBadge;
use crate::ui::components::pin_form::PinForm;
use crate::ui::components::save_offline::SaveOffline;
use crate::ui::components::selection_bar::SelectionBar;
use crate::ui::components::slideshow::Slideshow;
use crate::ui::components::withdrawn_notice::WithdrawnNotice;
use crate::ui::words::banner_text;

/// Refresh this long before the earliest URL expires.
const REFRESH_MARGIN_SECS: i64 = 15 * 60;
/// While the origin is unreachable, try it again this often.
const RETRY_SECS: i64 = 15;

/// Seconds until `shown` should be refreshed: shortly before its URLs
/// expire and at the end of its offline window (which hides it if the studio
/// is out of reach then); soon while it is not the origin's copy.
fn refresh_in(shown: &Shown) -> i64 {
    let server_now = shown.clock.server_now(now_secs());
    match shown.source {
        // After a first screen the whole list is on its way; ask again only
        // if it never comes.
        Source::Origin if shown.manifest.is_first_screen() => {
            i64::from(BODY_TIMEOUT_MS / 1000) + RETRY_SECS
        }
        Source::Origin => shown
            .manifest
            .earliest_expiry()
            .map_or(3600, |e| e - REFRESH_MARGIN_SECS - server_now)
            .min(shown.manifest.offline_until() - server_now),
        Source::Mirror | Source::Device => RETRY_SECS,
        // The studio's copy is on its way; ask again only if it never comes.
        Source::Confirmed => i64::from(BODY_TIMEOUT_MS / 1000) + RETRY_SECS,
    }
}

#[component]
pub fn GalleryPage(
    gallery: GalleryId,
    token: ShareToken,
    route: ReadSignal<Route>,
) -> impl IntoView {
    let loader = Loader::new();
    provide_context(loader.clone());
    // What the banner describes; updated by background refreshes too.
    let status = RwSignal::new(None::<Shown>);
    let online = RwSignal::new(network::is_online());
    // Made once the first copy of the manifest is known; kept across refetches.
    let outbox_slot = StoredValue::new_local(None::<Outbox>);
    // Set when the link turned out to be withdrawn or expired.
    let withdrawn = RwSignal::new(None::<Withdrawn>);
    // Set while a first visit waits for a slow origin (a very large gallery).
    let slow = RwSignal::new(false);
    let link = LinkKey::new(&gallery, &token);
    // The outbox outlives each load of the manifest: its signals belong to
    // the page, not to the load that started it (a refetch disposes what
    // that load owned).
    let page = Owner::current().unwrap_or_default();
    // A copy a refresh found with other photos: shown next without asking
    // the studio again.
    let next = StoredValue::new_local(None::<Shown>);
    // Set below: takes in the studio's copy once it has come, after the
    // device's was shown.
    let take_in = StoredValue::new_local(None::<Rc<dyn Fn(Coming)>>);
    // The manifest the gallery on screen reads: a refresh with the same
    // photos swaps it, so the copy it replaces is freed rather than kept
    // for the page's life (at 10,000 photos, about 10 MB of wasm memory).
    let on_screen = StoredValue::new_local(None::<RwSignal<Arc<Manifest>>>);
    let first = {
        let (link, token, loader) = (link.clone(), token.clone(), loader.clone());
        LocalResource::new(move || {
            let (link, token, loader) = (link.clone(), token.clone(), loader.clone());
            let page = page.clone();
            async move {
                let db = device_db().await;
                if let Some(db) = &db {
                    adopt_legacy(db, &link).await;
                }
                let budget = default_budget(storage::estimate().await.map(|(_, q)| q));
                loader.attach(db.clone(), budget);
                let loaded = match next.try_update_value(Option::take).flatten() {
                    Some(shown) => Ok(Loaded {
                        shown,
                        coming: None,
                    }),
                    None => {
                        // A first screen only while nothing is on screen:
                        // loaded again (a download PIN given), the page
                        // keeps its photos and place until the whole list.
                        let first_screen = status.with_untracked(Option::is_none);
                        load(
                            &loader,
                            &link,
                            &token,
                            (true, first_screen),
                            Rc::new(move || slow.set(true)),
                        )
                        .await
                    }
                };
                let (shown, coming) = match loaded {
                    Ok(Loaded { shown, coming }) => (shown, coming),
                    Err(LoadError::Gone(message)) => {
                        if let Some(outbox) = outbox_slot.get_value() {
                            outbox.close();
                        }
                        let gone = forget(db.as_ref(), &link, &token, message.clone()).await;
                        withdrawn.set(Some(gone));
                        return Err(LoadError::Gone(message));
                    }
                    // Withdrawn on an earlier visit, with choices the
                    // customer has not removed yet: say so again, offline
                    // or with the studio down too.
                    Err(e) => match recorded(db.as_ref(), &link).await {
                        Some(gone) => {
                            let message = gone.message.clone();
                            withdrawn.set(Some(gone));
                            return Err(LoadError::Gone(message));
                        }
                        None => return Err(e),
                    },
                };
                loader.set_manifest(&shown.manifest, shown.clock);
                status.set(Some(shown.clone()));
                if let Some(coming) = coming
                    && let Some(take_in) = take_in.get_value()
                {
                    take_in(coming);
                }
                let outbox = match outbox_slot.get_value() {
                    Some(outbox) => {
                        outbox.set_terms(&shown.manifest, shown.clock);
                        outbox
                    }
                    None => {
                        let start =
                            Outbox::start(loader, link, token, &shown.manifest, shown.clock);
                        let outbox = page.with(|| ScopedFuture::new_untracked(start)).await;
                        // One visit: the studio sees when and on how many
                        // devices the link was opened, offline ones later.
                        outbox.report(Action::Opened);
                        outbox_slot.set_value(Some(outbox));
                        outbox
                    }
                };
                // The page reads the manifest from `status`, so a refresh
                // can let go of the copy it replaces.
                Ok::<Outbox, LoadError>(outbox)
            }
        })
    };

    // Background refresh: a fresh copy of the manifest replaces the one
    // shown: only the URLs the page loads from when it shows the same page
    // ([`Manifest::shows_same`]), and the photos after them when it is the
    // whole list of the first screen on screen ([`Manifest::continues`]);
    // the whole gallery again otherwise.
    let apply = {
        let loader = loader.clone();
        move |shown: Shown| {
            let same_page = status.with_untracked(|s| {
                s.as_ref().is_some_and(|s| {
                    s.manifest.shows_same(&shown.manifest) || shown.manifest.continues(&s.manifest)
                })
            });
            // A copy hidden when its offline window ran out.
            let hidden = first.with_untracked(|r| matches!(r, Some(Err(_))));
            loader.set_manifest(&shown.manifest, shown.clock);
            if let Some(outbox) = outbox_slot.try_get_value().flatten() {
                outbox.set_terms(&shown.manifest, shown.clock);
                if shown.source == Source::Origin {
                    // The studio is back: deliver what waited.
                    outbox.sync();
                }
            }
            let again = !same_page || hidden;
            if again {
                next.try_set_value(Some(shown.clone()));
            } else if let Some(m) = on_screen.try_get_value().flatten() {
                m.try_set(Arc::clone(&shown.manifest));
            }
            status.try_set(Some(shown));
            if again {
                first.refetch();
            }
        }
    };
    let settle = Rc::new(move |result: Result<Shown, LoadError>| match result {
        Ok(shown) => apply(shown),
        // Withdrawn or expired while on screen: the first load path
        // forgets the gallery and says why. Or the offline window ran out:
        // it hides the gallery.
        Err(LoadError::Gone(_) | LoadError::OfflineOver(_)) => first.refetch(),
        Err(e) => leptos::logging::warn!("refreshing the gallery failed: {e}"),
    });
    take_in.set_value(Some(Rc::new({
        let settle = Rc::clone(&settle);
        move |coming: Coming| {
            let settle = Rc::clone(&settle);
            leptos::task::spawn_local(async move { settle(coming.arrive().await) })
        }
    })));
    // The page (the gallery, or why it cannot be shown) replaces the
    // preview of the first screen `index.html` showed meanwhile.
    Effect::new(move |_| {
        if first.with(Option::is_some) {
            preview::remove();
        }
    });
    let timer = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let refresh = {
        let (link, token, loader) = (link.clone(), token.clone(), loader.clone());
        move || {
            let (link, token, loader) = (link.clone(), token.clone(), loader.clone());
            let settle = Rc::clone(&settle);
            leptos::task::spawn_local(async move {
                let loaded = load(&loader, &link, &token, (false, false), Rc::new(|| ())).await;
                settle(loaded.map(|l| l.shown))
            });
        }
    };
    Effect::new({
        let refresh = refresh.clone();
        move |_| {
            let Some(shown) = status.get() else { return };
            let ms = (refresh_in(&shown).clamp(5, 86_400) * 1000) as u32;
            let refresh = refresh.clone();
            timer.set_value(Some(gloo_timers::callback::Timeout::new(ms, move || {
                refresh()
            })));
        }
    });
    let sync = move || {
        if let Some(outbox) = outbox_slot.try_get_value().flatten() {
            outbox.sync();
        }
    };
    let network = network::watch({
        let refresh = refresh.clone();
        move |up| {
            online.set(up);
            if up {
                refresh();
                sync();
            }
        }
    });
    // A timer sleeps with the phone: one that should have fired meanwhile
    // (the offline window ended, URLs expire) fires when the page is back.
    let visible = visibility::watch({
        let refresh = refresh.clone();
        move |visible| {
            if visible {
                sync();
                if status.with_untracked(|s| s.as_ref().is_some_and(|s| refresh_in(s) <= 0)) {
                    refresh();
                }
            }
        }
    });
    // Both listen until the page goes (the browser app has one thread).
    let listening = SendWrapper::new((network, visible));
    on_cleanup(move || {
        drop(listening);
        if let Some(outbox) = outbox_slot.try_get_value().flatten() {
            outbox.close();
        }
    });

    let open_image = Memo::new(move |_| match route.get() {
        Route::Gallery { image, .. } => image,
        _ => None,
    });
    let from_grid = RwSignal::new(false);
    Slideshow::provide();
    // However the lightbox closes (Close, Escape, Back), the slideshow stops.
    let slideshow = expect_context::<Slideshow>();
    Effect::new(move |_| {
        if open_image.with(Option::is_none) {
            slideshow.playing.set(false);
        }
    });
    // When the lightbox closes, the grid brings its last photo into view.
    let reveal = RwSignal::new(None::<proofline_core::ImageId>);
    Effect::new(move |previous: Option<Option<proofline_core::ImageId>>| {
        let open = open_image.get();
        if open.is_none()
            && let Some(Some(last)) = previous
        {
            reveal.set(Some(last));
        }
        open
    });
    // Behind an open lightbox the page is inert: no focus, no screen reader.
    let behind = move || open_image.with(Option::is_some);
    let pin_target = (gallery.clone(), token.clone());
    let base = Route::Gallery {
        gallery,
        token,
        image: None,
    };
    let banner = move || {
        let text = status.with(|s| s.as_ref().and_then(|s| banner_text(s, online.get())))?;
        Some(view! { <p class="banner" role="status">{text}</p> })
    };
    let closing = move || {
        let (text, urgent) = status.with(|s| {
            let s = s.as_ref()?;
            let in_device_time = |at: i64| day_time(local_time(at - s.clock.shown_offset()));
            closing_note(
                s.manifest.expires_at,
                s.clock.server_now(now_secs()),
                &in_device_time,
            )
        })?;
        Some(view! {
            <p class=if urgent { "banner closing" } else { "closing" } role="status">{text}</p>
        })
    };
    // Told ahead: how long this device may show the gallery offline.
    let offline_until = move || {
        status.with(|s| {
            s.as_ref()
                .map(|s| available_offline_until(offline_until_label(s)))
        })
    };
    let full = loader.storage_full;
    let filter = RwSignal::new(Filter::All);
    let set = RwSignal::new(None::<String>);
    view! {
        <Transition fallback=move || {
            view! {
                <p class="loading" role="status">
                    {move || if slow.get() { LOADING_LARGE } else { LOADING_GALLERY }}
                </p>
            }
        }>
            {move || {
                let base = base.clone();
                let pin_target = pin_target.clone();
                let loader = loader.clone();
                let link = link.clone();
                first
                    .get()
                    .map(move |result: Result<Outbox, LoadError>| match result {
                        Ok(outbox) => {
                            let Some(m) = status.with_untracked(|s| s.as_ref().map(|s| Arc::clone(&s.manifest))) else {
                                return ().into_any();
                            };
                            provide_context(outbox);
                            // The studio refused the choices: the link is gone.
                            Effect::new(move |_| {
                                if outbox.gone.with(Option::is_some) {
                                    first.refetch();
                                }
                            });
                            // Downloads wait for the link's download PIN.
                            let download_pin = m.download_pin.then(|| {
                                let (gallery, token) = pin_target.clone();
                                let on_pass = Callback::new(move |_| first.refetch());
                                view! { <PinForm gallery token what=PinFor::Downloads on_pass /> }
                            });
                            let m = RwSignal::new(m);
                            on_screen.set_value(Some(m));
                            view! {
                                <div class="behind" inert=behind>
                                <header class="gallery-header">
                                    <Cover manifest=m />
                                    <h1>{m.with_untracked(|m| m.title.clone())}</h1>
                                    <p class="count">{move || m.with(|m| photo_count(m.photo_count()))}</p>
                                    <SmallPrint />
                                    {banner}
                                    {closing}
                                    <p class="offline-until">{offline_until}</p>
                                    <Show when=move || full.get()>
                                        <p class="banner" role="alert">{STORAGE_FULL_BANNER}</p>
                                    </Show>
                                    <SaveOffline manifest=m link=link.clone() shown=status />
                                    <DownloadPhotos manifest=m />
                                    {download_pin}
                                    <OutboxBadge online />
                                    <SetPicker set manifest=m />
                                    <Filters filter manifest=m />
                                </header>
                                <Grid manifest=m base=base.clone() from_grid filter set reveal />
                                <SelectionBar manifest=m />
                                </div>
                                {move || {
                                    open_image
                                        .get()
                                        .map(|id| view! { <Lightbox manifest=m base=base.clone() image=id from_grid /> })
                                }}
                            }
                                .into_any()
                        }
                        Err(LoadError::Gone(message)) => {
                            let w = withdrawn.get().unwrap_or(Withdrawn { message, ..Default::default() });
                            view! { <WithdrawnNotice withdrawn=w link=link.clone() db=loader.db() /> }
                                .into_any()
                        }
                        Err(e @ LoadError::OfflineOver(_)) => {
                            view! { <Message title=OFFLINE_OVER_TITLE>{e.to_string()}</Message> }
                                .into_any()
                        }
                        Err(LoadError::PinRequired) => {
                            let (gallery, token) = pin_target.clone();
                            let on_pass = Callback::new(move |_| first.refetch());
                            view! { <PinForm gallery token what=PinFor::Gallery on_pass /> }.into_any()
                        }
                        Err(e) => {
                            view! { <Message title=CANT_SHOW_GALLERY>{e.to_string()}</Message> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}
