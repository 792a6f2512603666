//! "Save for offline": downloads every photo of the gallery to the device,
//! with the size and free space shown first, a progress bar (photos and
//! bytes), Cancel, and a resume after a reload (the wish is saved with the
//! link's copy of the gallery). Downloads go through the [`Loader`] at
//! background priority, so at most six run at once and photos on screen
//! still go first.

use std::collections::HashSet;

use futures::StreamExt as _;
use futures::future::{AbortHandle, Abortable};
use futures::stream::FuturesUnordered;
use leptos::prelude::*;
use proofline_core::loading::Priority;
use proofline_core::route::LinkKey;
use proofline_core::wording::{
    ALL_SAVED, HOME_SCREEN_HINT, OUT_OF_SPACE, SAVE_WAITING, save_offline_question,
    saved_for_offline, saving_progress,
};
use proofline_core::{Manifest, RenditionKind};

use crate::browser::storage::{estimate, persist, suggest_home_screen};
use crate::state::loader::Loader;

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    /// Asking: how much to download and how much room there is.
    Confirm {
        photos: usize,
        bytes: u64,
        free: Option<u64>,
    },
    Saving(Progress),
    Done {
        photos: usize,
        bytes: u64,
        failed: usize,
    },
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Progress {
    photos_done: usize,
    photos: usize,
    bytes_done: u64,
    bytes: u64,
}

#[component]
pub fn SaveOffline(manifest: StoredValue<Manifest>, link: LinkKey) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let state = RwSignal::new(State::Idle);
    let abort = StoredValue::new_local(None::<AbortHandle>);

    let start = {
        let (loader, link) = (loader.clone(), link.clone());
        move || {
            let (handle, registration) = AbortHandle::new_pair();
            abort.set_value(Some(handle));
            let (loader, link) = (loader.clone(), link.clone());
            let job = async move {
                set_keep_offline(&loader, &link, true).await;
                persist().await;
                let result = save_all(&loader, manifest, state).await;
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
                let free = estimate()
                    .await
                    .map(|(used, quota)| quota.saturating_sub(used));
                state.set(State::Confirm {
                    photos,
                    bytes,
                    free,
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
            let (loader, link) = (loader.clone(), link.clone());
            leptos::task::spawn_local(async move { set_keep_offline(&loader, &link, false).await });
        }
    };
    // Resume a save that a reload interrupted.
    {
        let (loader, start) = (loader.clone(), start.clone());
        leptos::task::spawn_local(async move {
            let Some(db) = loader.db() else { return };
            let wanted = db
                .get_gallery(&link)
                .await
                .ok()
                .flatten()
                .is_some_and(|g| g.keep_offline);
            if wanted && state.get_untracked() == State::Idle {
                start();
            }
        });
    }
    let full = loader.storage_full;
    let stalled = loader.stalled;
    Effect::new(move |_| {
        if full.get() && matches!(state.get_untracked(), State::Saving(_)) {
            if let Some(h) = abort.get_value() {
                h.abort();
            }
            state.set(State::Full);
        }
    });

    view! {
        <section class="save-offline" aria-label="Save for offline">
            {move || {
                let (ask, start, cancel) = (ask.clone(), start.clone(), cancel.clone());
                match state.get() {
                    State::Idle => {
                        view! {
                            <button type="button" class="action" on:click=move |_| ask()>
                                "Save for offline"
                            </button>
                        }
                            .into_any()
                    }
                    State::Confirm { photos: 0, .. } => {
                        view! {
                            <p role="status">{ALL_SAVED}</p>
                            <button type="button" class="action" on:click=move |_| start()>"OK"</button>
                        }
                            .into_any()
                    }
                    State::Confirm { photos, bytes, free } => {
                        view! {
                            <p>{save_offline_question(photos, bytes, free)}</p>
                            <button type="button" class="action" on:click=move |_| start()>"Save"</button>
                            <button type="button" class="action quiet" on:click=move |_| state.set(State::Idle)>
                                "Not now"
                            </button>
                        }
                            .into_any()
                    }
                    State::Saving(p) => {
                        view! {
                            <progress
                                max=p.bytes.max(1) as f64
                                value=p.bytes_done as f64
                                aria-label="Saving for offline"
                            ></progress>
                            <p role="status" class="progress-text">
                                {saving_progress(p.photos_done, p.photos, p.bytes_done, p.bytes)}
                            </p>
                            <Show when=move || stalled.get()>
                                <p role="status" class="save-waiting">{SAVE_WAITING}</p>
                            </Show>
                            <button type="button" class="action quiet" on:click=move |_| cancel()>"Cancel"</button>
                        }
                            .into_any()
                    }
                    State::Done { photos, bytes, failed } => {
                        let text = saved_for_offline(photos, bytes, failed);
                        view! {
                            <p role="status" class="saved">{text}</p>
                            {(failed > 0).then(|| view! {
                                <button type="button" class="action" on:click=move |_| start()>"Try again"</button>
                            })}
                            {suggest_home_screen().then(|| view! {
                                <p class="hint">{HOME_SCREEN_HINT}</p>
                            })}
                        }
                            .into_any()
                    }
                    State::Full => {
                        view! {
                            <p role="alert">{OUT_OF_SPACE}</p>
                        }
                            .into_any()
                    }
                }
            }}
        </section>
    }
}

/// Photos not yet fully on the device, and their missing bytes.
async fn missing(loader: &Loader, manifest: StoredValue<Manifest>) -> (usize, u64) {
    let images = manifest.with_value(|m| m.images.clone());
    let (mut photos, mut bytes) = (0, 0);
    for image in &images {
        let mut image_missing = false;
        for kind in RenditionKind::ALL {
            let r = image.renditions.get(kind);
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
    manifest: StoredValue<Manifest>,
    state: RwSignal<State>,
) -> State {
    let images = manifest.with_value(|m| m.images.clone());
    let mut progress = Progress {
        photos: images.len(),
        ..Default::default()
    };
    let mut pending = FuturesUnordered::new();
    for (i, image) in images.iter().enumerate() {
        for kind in RenditionKind::ALL {
            let r = image.renditions.get(kind).clone();
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
    let mut halves = vec![0u8; images.len()];
    let mut failed: HashSet<usize> = HashSet::new();
    while let Some((i, bytes, ok)) = pending.next().await {
        if ok {
            progress.bytes_done += bytes;
        } else {
            failed.insert(i);
        }
        halves[i] += 1;
        if halves[i] == 2 && !failed.contains(&i) {
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

async fn set_keep_offline(loader: &Loader, link: &LinkKey, keep: bool) {
    let Some(db) = loader.db() else { return };
    if let Ok(Some(mut saved)) = db.get_gallery(link).await {
        saved.keep_offline = keep;
        let _ = db.put_gallery(link, &saved).await;
    }
}
