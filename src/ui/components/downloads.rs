//! Downloads, where the studio allows them for this link: the lightbox's
//! Download button ([`DownloadButton`]), and "Download favourites /
//! selected / all" as a ZIP built on the device ([`DownloadPhotos`]), with
//! progress and Cancel. Both come from the device's saved copies when it
//! has them, else straight from the store: no server is in the path. The
//! studio sees how many photos were downloaded (reported through the
//! outbox, like a visit, so downloads made offline count too).

use std::sync::Arc;

use futures::future::{AbortHandle, Abortable};
use leptos::prelude::*;
use proofline_core::downloads::zip_name;
use proofline_core::proofing::Action;
use proofline_core::wording::downloads::{
    DOWNLOAD, DOWNLOAD_UNREACHABLE, DOWNLOADING, ZIP_CANCELLED, ZIP_FAILED, ZipChoice, zip_done,
    zip_progress,
};
use proofline_core::wording::labels::{CANCEL, DOWNLOAD_PHOTOS, PREPARING_DOWNLOAD};
use proofline_core::{Image, Manifest};

use crate::state::downloads::{DownloadError, ZipProgress, save_photo, save_zip};
use crate::state::loader::Loader;
use crate::state::outbox::Outbox;

/// Tells the studio `photos` photos were downloaded.
fn report(outbox: Option<Outbox>, photos: usize) {
    if let (Some(outbox), 1..) = (outbox, photos) {
        let photos = u32::try_from(photos).unwrap_or(u32::MAX);
        outbox.report(Action::Downloaded { photos });
    }
}

fn error_text(e: DownloadError) -> &'static str {
    match e {
        DownloadError::Unreachable(_) => DOWNLOAD_UNREACHABLE,
        DownloadError::Browser => ZIP_FAILED,
    }
}

/// The lightbox's Download button: the photo's file, as the studio named it.
#[component]
pub fn DownloadButton(image: Image) -> impl IntoView {
    let loader = expect_context::<Loader>();
    let outbox = use_context::<Outbox>();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    let image = StoredValue::new(image);
    let download = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let loader = loader.clone();
        leptos::task::spawn_local(async move {
            let result = save_photo(&loader, &image.get_value()).await;
            if result.is_ok() {
                report(outbox, 1);
            }
            busy.try_set(false);
            problem.try_set(result.err().map(error_text));
        });
    };
    view! {
        <button type="button" class="choice download" on:click=download disabled=move || busy.get()>
            {move || if busy.get() { DOWNLOADING } else { DOWNLOAD }}
        </button>
        {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
    }
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    Building(ZipProgress),
    Done(String),
    Failed(&'static str),
}

/// "Download favourites / selected / all": a ZIP of those photos' files,
/// built on the device. Shown only when this link may download.
#[component]
pub fn DownloadPhotos(manifest: RwSignal<Arc<Manifest>>) -> impl IntoView {
    let downloadable = manifest.with_untracked(|m| {
        m.images
            .iter()
            .filter(|i| i.renditions.download.is_some())
            .count()
    });
    if downloadable == 0 {
        return None;
    }
    // Not before the gallery's whole list has come.
    let first_screen = move || manifest.with(|m| m.is_first_screen());
    let loader = StoredValue::new(expect_context::<Loader>());
    let outbox = expect_context::<Outbox>();
    let state = RwSignal::new(State::Idle);
    let abort = StoredValue::new_local(None::<AbortHandle>);
    // Each downloadable photo of `choice`, handed to `take`: the buttons
    // count them on every choice made, so nothing is copied for that.
    let chosen = move |choice: ZipChoice, take: &mut dyn FnMut(&Image)| {
        manifest.with_untracked(|m| {
            outbox.view.with(|v| {
                m.images
                    .iter()
                    .filter(|i| i.renditions.download.is_some())
                    .filter(|i| match choice {
                        ZipChoice::Favourites => v.is_favourite(&i.id),
                        ZipChoice::Selected => v.is_selected(&i.id),
                        ZipChoice::All => true,
                    })
                    .for_each(take)
            })
        })
    };
    let start = move |choice: ZipChoice| {
        let mut images = Vec::new();
        chosen(choice, &mut |i| images.push(i.clone()));
        let name = manifest.with_untracked(|m| zip_name(&m.title, &choice.word()));
        let (handle, registration) = AbortHandle::new_pair();
        abort.set_value(Some(handle));
        state.set(State::Building(ZipProgress {
            total: images.len(),
            ..ZipProgress::default()
        }));
        let loader = loader.get_value();
        let job = async move {
            let progress = |p| {
                state.try_set(State::Building(p));
            };
            let result = save_zip(&loader, &images, &name, progress).await;
            state.try_set(match result {
                Ok(done) => {
                    report(Some(outbox), done.photos);
                    State::Done(zip_done(&name, done.photos, done.bytes, done.missed))
                }
                Err(e) => State::Failed(error_text(e)),
            });
        };
        leptos::task::spawn_local(async move {
            let _ = Abortable::new(job, registration).await;
        });
    };
    let cancel = move |_| {
        if let Some(h) = abort.get_value() {
            h.abort();
        }
        state.set(State::Failed(ZIP_CANCELLED));
    };
    let buttons = move || {
        ZipChoice::ALL
            .into_iter()
            .map(|choice| {
                let n = move || {
                    let mut n = 0;
                    chosen(choice, &mut |_| n += 1);
                    n
                };
                view! {
                    <button
                        type="button"
                        class="action quiet"
                        disabled=move || n() == 0 || first_screen()
                        on:click=move |_| start(choice)
                    >
                        {move || choice.button(n())}
                    </button>
                }
            })
            .collect_view()
    };
    Some(view! {
        <section class="download-photos" aria-label=DOWNLOAD_PHOTOS>
            {move || match state.get() {
                State::Building(p) => {
                    view! {
                        <progress
                            max=p.total.max(1) as f64
                            value=p.done as f64
                            aria-label=PREPARING_DOWNLOAD
                        ></progress>
                        <p role="status" class="progress-text">{zip_progress(p.done, p.total, p.bytes)}</p>
                        <button type="button" class="action quiet" on:click=cancel>{CANCEL}</button>
                    }
                        .into_any()
                }
                other => {
                    let note = match other {
                        State::Done(text) => Some(view! { <p role="status" class="saved">{text}</p> }.into_any()),
                        State::Failed(text) => Some(view! { <p role="alert">{text}</p> }.into_any()),
                        _ => None,
                    };
                    view! { {buttons()} {note} }.into_any()
                }
            }}
        </section>
    })
}
