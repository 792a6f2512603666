//! "Save for offline": downloads every photo of the gallery to the device
//! (with its download file, where the link may download them),
//! with the size and free space shown first, a progress bar (photos and
//! bytes), Cancel, and a resume after a reload (the wish is saved with the
//! link's copy of the gallery). Downloads go through the [`Loader`] at
//! background priority, so at most six run at once and photos on screen
//! still go first.
//!
//! The gallery's own record is written (with the wish) before any photo, and
//! "Saved for offline" is said only if it is still there at the end. A save
//! that will not fit beside the galleries already saved for offline is
//! refused before it starts, with the reason; those are never evicted for
//! it.

use std::sync::Arc;

use std::collections::HashSet;

use futures::StreamExt as _;
use futures::future::{AbortHandle, Abortable};
use futures::stream::FuturesUnordered;
use leptos::prelude::*;
use proofline_core::Manifest;
use proofline_core::loading::Priority;
use proofline_core::proofing::Action;
use proofline_core::route::LinkKey;
use proofline_core::wording::labels::{
    CANCEL, COPY_LINK, LINK_COPIED, NOT_NOW, OK, SAVE, SAVE_FOR_OFFLINE, SAVING_FOR_OFFLINE,
    TRY_AGAIN,
};
use proofline_core::wording::{
    ALL_SAVED, HOME_SCREEN_HINT, OUT_OF_SPACE, SAVE_WAITING, gallery_not_kept,
    save_offline_question, save_wont_fit, saved_for_offline, saving_progress,
};

use crate::browser::clipboard;
use crate::browser::idb::DbError;
use crate::browser::storage::{estimate, persist, suggest_home_screen};
use crate::state::gallery_source::{self, Shown};
use crate::state::loader::Loader;
use crate::state::outbox::Outbox;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    /// Asking: how much to download and how much room there is.
    Confirm {
        photos: usize,
        bytes: u64,
        free: Option<u64>,
    },
    /// Asked for more than there is room for: nothing is downloaded.
    WontFit {
        photos: usize,
        bytes: u64,
        room: u64,
    },
    Saving(Progress),
    Done {
        photos: usize,
        bytes: u64,
        failed: usize,
    },
    Full,
    /// The gallery's record could not be kept: it would not open offline.
    NotKept(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Progress {
    photos_done: usize,
    photos: usize,
    bytes_done: u64,
    bytes: u64,
}

/// `shown` is the copy of the gallery on screen (written to the device
/// first if it has none yet).
#[component]
pub fn SaveOffline(
    manifest: RwSignal<Arc<Manifest>>,
    link: LinkKey,
    shown: RwSignal<Option<Shown>>,
) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let first_screen = move || manifest.with(|m| m.is_first_screen());
    let state = RwSignal::new(State::Idle);
    let abort = StoredValue::new_local(None::<AbortHandle>);
    // The studio sees how many photos each device keeps offline.
    let outbox = use_context::<Outbox>();
    let report = move |photos: usize| {
        if let Some(outbox) = outbox {
            let photos = u32::try_from(photos).unwrap_or(u32::MAX);
            outbox.report(Action::SavedOffline { photos });
        }
    };

    let start = {
        let (loader, link) = (loader.clone(), link.clone());
        move || {
            let (handle, registration) = AbortHandle::new_pair();
            abort.set_value(Some(handle));
            let (loader, link) = (loader.clone(), link.clone());
            let job = async move {
                // The record first: photos without it would not open offline.
                if let Err(e) = keep_offline(&loader, &link, shown, true).await {
                    state.set(State::NotKept(gallery_not_kept(e.to_string())));
                    return;
                }
                // Asked beside the save, never awaited: Firefox answers only
                // when the customer responds to its permission prompt, and
                // an unanswered prompt would hold the save forever.
                leptos::task::spawn_local(async {
                    persist().await;
                });
                let result = match save_all(&loader, manifest, state).await {
                    State::Done { .. } if !is_kept(&loader, &link).await => {
                        State::NotKept(gallery_not_kept(DbError::QuotaExceeded.to_string()))
                    }
                    result => result,
                };
                match &result {
                    State::Done { photos, failed, .. } => report(photos - failed),
                    State::NotKept(_) => report(0),
                    _ => {}
                }
                state.set(result);
            };
            leptos::task::spawn_local(async move {
                let _ = Abortable::new(job, registration).await;
            });
        }
    };
    let ask = {
        let loader = loader.clone();
        move || {
            let loader = loader.clone();
            leptos::task::spawn_local(async move {
                let (photos, bytes) = missing(&loader, manifest).await;
                // The room the budget leaves beside the galleries saved for
                // offline, and no more than the browser says is free (with
                // IndexedDB's overhead on each photo).
                let gallery = manifest.with_untracked(|m| m.gallery.clone());
                let room = loader.room_for_save(&gallery).await;
                let free = estimate()
                    .await
                    .map(|(used, quota)| quota.saturating_sub(used) / 3 * 2);
                let room = free.map_or(room, |f| f.min(room));
                state.set(if bytes > room {
                    State::WontFit {
                        photos,
                        bytes,
                        room,
                    }
                } else {
                    State::Confirm {
                        photos,
                        bytes,
                        free: Some(room),
                    }
                });
            });
        }
    };
    let cancel = {
        let (loader, link) = (loader.clone(), link.clone());
        move || {
            if let Some(h) = abort.get_value() {
                h.abort();
            }
            loader.cancel_background();
            state.set(State::Idle);
            report(0);
            let (loader, link) = (loader.clone(), link.clone());
            leptos::task::spawn_local(async move {
                let _ = keep_offline(&loader, &link, shown, false).await;
            });
        }
    };
    // Resume a save that a reload interrupted, once the gallery's whole
    // list is on screen (not a first screen's photos alone).
    let resume = RwSignal::new(false);
    {
        let (loader, link) = (loader.clone(), link.clone());
        leptos::task::spawn_local(async move {
            let Some(db) = loader.db() else { return };
            if db.gallery_kept(&link).await == Ok(Some(true)) {
                resume.try_set(true);
            }
        });
    }
    Effect::new({
        let start = start.clone();
        move |_| {
            if resume.get() && !first_screen() && state.get_untracked() == State::Idle {
                resume.set(false);
                start();
            }
        }
    });
    let full = loader.storage_full;
    let stalled = loader.stalled;
    Effect::new({
        let (loader, link) = (loader.clone(), link.clone());
        move |_| {
            if full.get() && matches!(state.get_untracked(), State::Saving(_)) {
                if let Some(h) = abort.get_value() {
                    h.abort();
                }
                state.set(State::Full);
                // Not saved for offline after all: what it did download may
                // make way for other photos and for choices.
                let (loader, link) = (loader.clone(), link.clone());
                leptos::task::spawn_local(async move {
                    let _ = keep_offline(&loader, &link, shown, false).await;
                });
            }
        }
    });

    view! {
        <section class="save-offline" aria-label=SAVE_FOR_OFFLINE>
            {move || {
                let (ask, start, cancel) = (ask.clone(), start.clone(), cancel.clone());
                match state.get() {
                    State::Idle => {
                        view! {
                            // Not before the gallery's whole list has come.
                            <button type="button" class="action" on:click=move |_| ask() disabled=first_screen>
                                {SAVE_FOR_OFFLINE}
                            </button>
                        }
                            .into_any()
                    }
                    State::Confirm { photos: 0, .. } => {
                        view! {
                            <p role="status">{ALL_SAVED}</p>
                            <button type="button" class="action" on:click=move |_| start()>{OK}</button>
                        }
                            .into_any()
                    }
                    State::Confirm { photos, bytes, free } => {
                        view! {
                            <p>{save_offline_question(photos, bytes, free)}</p>
                            <button type="button" class="action" on:click=move |_| start()>{SAVE}</button>
                            <button type="button" class="action quiet" on:click=move |_| state.set(State::Idle)>
                                {NOT_NOW}
                            </button>
                            {home_screen_hint()}
                        }
                            .into_any()
                    }
                    State::WontFit { photos, bytes, room } => {
                        view! {
                            <p role="alert">{save_wont_fit(photos, bytes, room)}</p>
                            <button type="button" class="action quiet" on:click=move |_| state.set(State::Idle)>
                                {OK}
                            </button>
                        }
                            .into_any()
                    }
                    State::Saving(p) => {
                        view! {
                            <progress
                                max=p.bytes.max(1) as f64
                                value=p.bytes_done as f64
                                aria-label=SAVING_FOR_OFFLINE
                            ></progress>
                            <p role="status" class="progress-text">
                                {saving_progress(p.photos_done, p.photos, p.bytes_done, p.bytes)}
                            </p>
                            <Show when=move || stalled.get()>
                                <p role="status" class="save-waiting">{SAVE_WAITING}</p>
                            </Show>
                            <button type="button" class="action quiet" on:click=move |_| cancel()>{CANCEL}</button>
                        }
                            .into_any()
                    }
                    State::Done { photos, bytes, failed } => {
                        let text = saved_for_offline(photos, bytes, failed);
                        view! {
                            <p role="status" class="saved">{text}</p>
                            {(failed > 0).then(|| view! {
                                <button type="button" class="action" on:click=move |_| start()>{TRY_AGAIN}</button>
                            })}
                            {home_screen_hint()}
                        }
                            .into_any()
                    }
                    State::Full => {
                        view! {
                            <p role="alert">{OUT_OF_SPACE}</p>
                        }
                            .into_any()
                    }
                    State::NotKept(why) => {
                        view! {
                            <p role="alert">{why}</p>
                            <button type="button" class="action" on:click=move |_| ask()>{TRY_AGAIN}</button>
                        }
                            .into_any()
                    }
                }
            }}
        </section>
    }
}

/// Photos not yet fully on the device, and their missing bytes.
async fn missing(loader: &Loader, manifest: RwSignal<Arc<Manifest>>) -> (usize, u64) {
    let images = manifest.with_untracked(|m| m.images.clone());
    let (mut photos, mut bytes) = (0, 0);
    for image in &images {
        let mut image_missing = false;
        for (_, r) in image.renditions.each() {
            if !loader.is_stored(&r.sha256).await {
                image_missing = true;
                bytes += r.bytes;
            }
        }
        photos += usize::from(image_missing);
    }
    (photos, bytes)
}

async fn save_all(
    loader: &Loader,
    manifest: RwSignal<Arc<Manifest>>,
    state: RwSignal<State>,
) -> State {
    let images = manifest.with_untracked(|m| m.images.clone());
    let mut progress = Progress {
        photos: images.len(),
        ..Default::default()
    };
    let mut pending = FuturesUnordered::new();
    for (i, image) in images.iter().enumerate() {
        for (_, r) in image.renditions.each() {
            let r = r.clone();
            progress.bytes += r.bytes;
            let loader = loader.clone();
            pending.push(async move {
                let stored = loader.is_stored(&r.sha256).await;
                let ok = stored || loader.load(&r, Priority::Background).await.is_ok();
                (i, r.bytes, ok)
            });
        }
    }
    state.set(State::Saving(progress));
    // Files of each photo still to come (its thumb, proof and download).
    let mut left: Vec<usize> = images.iter().map(|i| i.renditions.each().count()).collect();
    let mut failed: HashSet<usize> = HashSet::new();
    while let Some((i, bytes, ok)) = pending.next().await {
        if ok {
            progress.bytes_done += bytes;
        } else {
            failed.insert(i);
        }
        left[i] -= 1;
        if left[i] == 0 && !failed.contains(&i) {
            progress.photos_done += 1;
        }
        state.set(State::Saving(progress));
    }
    if loader.storage_full.get_untracked() {
        return State::Full;
    }
    State::Done {
        photos: images.len(),
        bytes: progress.bytes_done,
        failed: failed.len(),
    }
}

/// Records the customer's wish with the link's copy of the gallery, writing
/// the copy first if the device has none yet (a large gallery's is saved a
/// moment after it is shown).
async fn keep_offline(
    loader: &Loader,
    link: &LinkKey,
    shown: RwSignal<Option<Shown>>,
    keep: bool,
) -> Result<(), DbError> {
    let Some(db) = loader.db() else {
        return Err(DbError::Unavailable("no IndexedDB".into()));
    };
    let saved = match db.get_gallery(link).await? {
        Some(saved) => saved,
        None => {
            let shown = shown
                .get_untracked()
                .ok_or_else(|| DbError::Failed("no gallery on screen".into()))?;
            gallery_source::save(loader, link, &shown).await?;
            db.get_gallery(link)
                .await?
                .ok_or_else(|| DbError::Failed("the gallery was not kept".into()))?
        }
    };
    loader.mark_kept(&saved.gallery, keep);
    if saved.keep_offline == keep {
        return Ok(());
    }
    let saved = crate::browser::idb::SavedGallery {
        keep_offline: keep,
        ..saved
    };
    gallery_source::put_with_room(loader, &db, link, &saved).await
}

/// Whether the link's copy of the gallery is on the device, saved for offline.
async fn is_kept(loader: &Loader, link: &LinkKey) -> bool {
    let Some(db) = loader.db() else { return false };
    db.gallery_kept(link).await == Ok(Some(true))
}

/// On iPhone and iPad Safari outside the home screen: why saved photos may
/// go after 7 days, how to keep them, and the gallery's link to copy for
/// the home screen's app (which has no address bar).
fn home_screen_hint() -> Option<impl IntoView> {
    if !suggest_home_screen() {
        return None;
    }
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let link = window().location().href().unwrap_or_default();
        copied.set(clipboard::copy(&link));
    };
    Some(view! {
        <p class="hint">{HOME_SCREEN_HINT}</p>
        <button type="button" class="action quiet" on:click=copy>
            {move || if copied.get() { LINK_COPIED } else { COPY_LINK }}
        </button>
    })
}
