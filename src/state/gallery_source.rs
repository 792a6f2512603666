//! Where a gallery's manifest comes from, best first: the origin API (fresh
//! signatures), the manifest mirror in object storage (the origin's last
//! copy, readable while the origin is down), the copy saved on this device.
//! Every source has a short timeout, so a dead origin costs seconds, not a
//! hanging page; the customer is told which copy they see and how old it is.
//! The device's copy is kept per share link (its [`LinkKey`]).

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use futures::channel::oneshot;
use futures::future::{Either, select};
use proofline_core::expiry::{ServerClock, is_usable};
use proofline_core::route::{LinkKey, ShareToken};
use proofline_core::wording::{
    GALLERY_STILL_LOADING, coming_time, expired_message, offline_window_over,
};
use proofline_core::{GalleryId, Manifest};

use crate::browser::clock::{local_time, now_ms, now_secs};
use crate::browser::idb::{Db, DbError, SavedGallery};
use crate::browser::network::is_online;
use crate::net::api::{LoadError, Received, fetch_manifest, fetch_mirror};
use crate::net::failover::{self, Patience};
use crate::state::loader::{Loader, RECORD_ROOM};

/// Which copy of the gallery is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Origin,
    Mirror,
    Device,
    /// The device's copy, shown because the studio's answer has just said
    /// the link stands; the studio's copy is still coming.
    Confirmed,
}

/// Cheap to clone: the page, the loader and the device's save share one
/// copy of a gallery (about 10 MB in memory at 10,000 photos).
#[derive(Debug, Clone)]
pub struct Shown {
    pub manifest: Arc<Manifest>,
    /// The manifest's text as it came (from the origin, the mirror or the
    /// device): what the device keeps.
    pub json: Arc<String>,
    pub source: Source,
    /// Judges the manifest's expiry times.
    pub clock: ServerClock,
}

/// Until when the device may show `shown` without reaching the studio, as
/// the device's clock reads it: "Tue 14:00" (see `proofline_core::offline`).
pub fn offline_until_label(shown: &Shown) -> String {
    coming_time(local_time(
        shown.manifest.offline_until() - shown.clock.shown_offset(),
    ))
}

/// A copy to show now and, when it is not yet the studio's whole copy (the
/// device's, confirmed by the studio: [`Source::Confirmed`]; or the
/// studio's first screen: [`Manifest::first_of`]), that copy on its way.
pub struct Loaded {
    pub shown: Shown,
    pub coming: Option<Coming>,
}

/// The studio's whole copy of a gallery, coming: the device's copy or the
/// studio's first screen is on screen meanwhile.
pub struct Coming {
    /// The answer already asked for, when its body is still coming (it
    /// may be a first screen's copy: then the whole is asked for next).
    answer: Option<Answer>,
    /// The first screen's copy on screen: where its mirror is and the clock
    /// to judge it by, should the studio not answer the whole.
    first_screen: Option<(Option<String>, ServerClock)>,
    gallery: GalleryId,
    token: ShareToken,
    room: Loader,
    link: LinkKey,
}

impl Coming {
    /// The studio's whole copy once it has come (and been saved, as
    /// [`load`] saves what it shows); failing the studio, after a first
    /// screen, the mirror's.
    pub async fn arrive(self) -> Result<Shown, LoadError> {
        let answered = match self.answer {
            Some(answer) => Some(answer.await.unwrap_or(Err(LoadError::Unreachable))?),
            None => None,
        };
        let received = match answered {
            Some(received) if !received.manifest.is_first_screen() => received,
            _ => {
                // After a first screen, its photos come first: the whole
                // list (178 kB compressed at 1,000 photos) would share the
                // phone's signal with them.
                if self.first_screen.is_some() {
                    self.room.quiet(FIRST_SCREEN_PHOTOS_MS).await;
                }
                // No whole copy on the device: a large gallery's manifest
                // is waited for as on a first visit.
                let patience = Patience {
                    keep_waiting: &|| self.first_screen.is_some(),
                    on_slow: &|| (),
                    on_status: &|_| (),
                };
                match fetch_manifest(&self.gallery, &self.token, &patience, false).await {
                    Ok(received) => received,
                    Err(e) if !e.may_fall_back() => return Err(e),
                    Err(e) => {
                        let Some((Some(mirror), clock)) = self.first_screen else {
                            return Err(e);
                        };
                        let mirrored = fetch_mirror(&mirror).await.map_err(|_| e)?;
                        if mirrored.manifest.gallery != *self.link.gallery() {
                            return Err(LoadError::Unreachable);
                        }
                        let shown = Shown::new(mirrored, Source::Mirror, clock);
                        return accept(&self.room, &self.link, shown);
                    }
                }
            }
        };
        accept(&self.room, &self.link, from_origin(received))
    }
}

/// How long the whole list waits at most for a first screen's photos.
const FIRST_SCREEN_PHOTOS_MS: i64 = 3_000;

/// Loads the best available copy of `link`'s gallery and saves it on the
/// device for that link.
/// A copy whose link has expired (by server time) is not shown: the link is
/// gone, as the origin would say. Nor is a copy the studio has not confirmed
/// within the gallery's offline window: it is hidden (and kept) until the
/// studio answers again. When the device has no copy and the origin
/// is slow (a first visit to a very large gallery), it is waited for, and
/// `on_slow` is told so the page can say why.
///
/// With `early`, the device's copy is shown as soon as the studio's answer
/// says the link stands, while its body is still coming. With
/// `first_screen` (a page's first load: nothing of the gallery on screen
/// yet), the studio is asked for its first screen; then, with neither on
/// the device nor in the answer the whole gallery (a 10,000-photo manifest
/// is about 0.9 MB even compressed: seconds on a phone's signal), it comes
/// after ([`Loaded::coming`]). A withdrawn link still shows nothing: the
/// studio's answer says so first.
pub async fn load(
    room: &Loader,
    link: &LinkKey,
    token: &ShareToken,
    (early, first_screen): (bool, bool),
    on_slow: Rc<dyn Fn()>,
) -> Result<Loaded, LoadError> {
    let db = room.db();
    let asked = (early, first_screen);
    let (shown, answer) = best_copy(db.as_ref(), link, token, asked, on_slow).await?;
    let first_screen = shown.manifest.is_first_screen();
    let coming = (answer.is_some() || first_screen).then(|| Coming {
        answer,
        first_screen: first_screen.then(|| (shown.manifest.mirror.clone(), shown.clock)),
        gallery: link.gallery().clone(),
        token: token.clone(),
        room: room.clone(),
        link: link.clone(),
    });
    let shown = match shown.source {
        // The studio has just said the link stands; its copy saves itself.
        Source::Confirmed => shown,
        _ => accept(room, link, shown)?,
    };
    Ok(Loaded { shown, coming })
}

/// `shown`, unless its link has expired or (not being the studio's answer)
/// its offline window is over; saved on the device.
fn accept(room: &Loader, link: &LinkKey, shown: Shown) -> Result<Shown, LoadError> {
    if let Some(at) = shown.manifest.expires_at
        && shown.clock.server_now(now_secs()) >= at
    {
        return Err(LoadError::Gone(expired_message(at)));
    }
    if shown.source != Source::Origin
        && shown.clock.server_now(now_secs()) >= shown.manifest.offline_until()
    {
        let until = offline_until_label(&shown);
        return Err(LoadError::OfflineOver(offline_window_over(&until)));
    }
    // A first screen's copy would not show the gallery offline.
    if !shown.manifest.is_first_screen() {
        save_soon(room, link, &shown);
    }
    Ok(shown)
}

type Answer = oneshot::Receiver<Result<Received, LoadError>>;

async fn best_copy(
    db: Option<&Db>,
    link: &LinkKey,
    token: &ShareToken,
    (early, first_screen): (bool, bool),
    on_slow: Rc<dyn Fn()>,
) -> Result<(Shown, Option<Answer>), LoadError> {
    let gallery = link.gallery();
    let online = is_online();
    // Whether the device has a copy of its own, once known.
    let has_copy = Rc::new(Cell::new(None::<bool>));
    let (stands_tx, stands) = oneshot::channel::<()>();
    let (answer_tx, mut answer) = oneshot::channel();
    if online {
        // Asked on its own, so its body may come after the device's copy
        // is on screen; the device's copy is read meanwhile.
        let (gallery, token, has_copy) = (gallery.clone(), token.clone(), Rc::clone(&has_copy));
        let stands_tx = Cell::new(Some(stands_tx));
        leptos::task::spawn_local(async move {
            let patience = Patience {
                keep_waiting: &|| has_copy.get() == Some(false),
                on_slow: &*on_slow,
                on_status: &|status| {
                    if status == 200
                        && let Some(tx) = stands_tx.take()
                    {
                        let _ = tx.send(());
                    }
                },
            };
            let answer = fetch_manifest(&gallery, &token, &patience, first_screen).await;
            let _ = answer_tx.send(answer);
        });
    } else {
        let _ = answer_tx.send(Err(LoadError::Unreachable));
    }
    let saved = match db {
        Some(db) => db.get_gallery(link).await.ok().flatten(),
        None => None,
    };
    has_copy.set(Some(saved.is_some()));
    let mut first = None;
    if early && saved.is_some() {
        match select(&mut answer, stands).await {
            // A first screen's answer, whole before its headers were seen:
            // the link stands, and the device's copy shows all the photos.
            Either::Left((Ok(Ok(received)), _)) if received.manifest.is_first_screen() => {
                if let Some((copy, clock)) = parse_saved(saved.as_ref(), gallery) {
                    let (tx, answered) = oneshot::channel();
                    let _ = tx.send(Ok(received));
                    return Ok((Shown::new(copy, Source::Confirmed, clock), Some(answered)));
                }
                first = Some(Ok(Ok(received)));
            }
            Either::Left((result, _)) => first = Some(result),
            Either::Right((Ok(()), _)) => {
                if let Some((copy, clock)) = parse_saved(saved.as_ref(), gallery) {
                    return Ok((Shown::new(copy, Source::Confirmed, clock), Some(answer)));
                }
            }
            Either::Right((Err(_), _)) => {}
        }
    }
    let first = match first {
        Some(result) => result,
        None => answer.await,
    };
    let error = match first.unwrap_or(Err(LoadError::Unreachable)) {
        Ok(received) => return Ok((from_origin(received), None)),
        Err(e) if !e.may_fall_back() => return Err(e),
        Err(e) => e,
    };
    let saved = parse_saved(saved.as_ref(), gallery);
    let patience = Patience {
        keep_waiting: &|| false,
        on_slow: &|| (),
        on_status: &|_| (),
    };
    // The saved copy may list origins this device had forgotten: ask them.
    if online
        && let Some((s, _)) = &saved
        && failover::learn(gallery.as_str(), &s.manifest.origins)
    {
        match fetch_manifest(gallery, token, &patience, false).await {
            Ok(received) => return Ok((from_origin(received), None)),
            Err(e) if !e.may_fall_back() => return Err(e),
            Err(_) => {}
        }
    }
    if online
        && let Some((mirror, clock)) = saved
            .as_ref()
            .and_then(|(s, c)| Some((s.manifest.mirror.clone()?, *c)))
        && mirror_usable(&mirror, clock)
        && let Ok(mirrored) = fetch_mirror(&mirror).await
        && mirrored.manifest.gallery == *gallery
        && saved
            .as_ref()
            .is_none_or(|(s, _)| mirrored.manifest.server_time >= s.manifest.server_time)
    {
        // The mirror carries no fresh server time; keep the offset last seen.
        let clock = saved.as_ref().map(|(_, c)| *c).unwrap_or_default();
        failover::learn(gallery.as_str(), &mirrored.manifest.origins);
        return Ok((Shown::new(mirrored, Source::Mirror, clock), None));
    }
    match saved {
        Some((saved, clock)) => Ok((Shown::new(saved, Source::Device, clock), None)),
        None => Err(error),
    }
}

/// The device's copy of `gallery`, if it reads, with the clock offset it was
/// saved with.
fn parse_saved(
    saved: Option<&SavedGallery>,
    gallery: &GalleryId,
) -> Option<(Received, ServerClock)> {
    let s = saved?;
    let copy = Received::parse(Arc::clone(&s.manifest)).ok()?;
    (copy.manifest.gallery == *gallery).then_some((copy, ServerClock::from_offset(s.clock_offset)))
}

impl Shown {
    fn new(received: Received, source: Source, clock: ServerClock) -> Shown {
        Shown {
            manifest: Arc::new(received.manifest),
            json: received.json,
            source,
            clock,
        }
    }
}

/// A manifest an origin just answered, with the clock offset it shows.
fn from_origin(received: Received) -> Shown {
    let clock = ServerClock::observe(received.manifest.server_time, now_secs());
    Shown::new(received, Source::Origin, clock)
}

/// Whether the saved mirror URL still works (by server time): an expired one
/// is not even tried.
fn mirror_usable(url: &str, clock: ServerClock) -> bool {
    proofline_core::expiry::url_validity(url)
        .is_ok_and(|v| is_usable(v.expires_at, clock.server_now(now_secs()), 0))
}

/// Records the copy on screen (and that it was viewed now, for eviction): a
/// large one once the page has been drawn, since serialising and storing a
/// 10,000-photo manifest (about 3 MB in its compact form) must not delay the
/// first thumbnails; a
/// smaller one at once, so a phone that loses signal (or reloads) right after
/// opening the link still has it.
fn save_soon(room: &Loader, link: &LinkKey, shown: &Shown) {
    let (room, link, shown) = (room.clone(), link.clone(), shown.clone());
    leptos::task::spawn_local(async move {
        if shown.manifest.images.len() > SAVE_AT_ONCE_UP_TO {
            gloo_timers::future::TimeoutFuture::new(SAVE_DELAY_MS).await;
        }
        if let Err(e) = save(&room, &link, &shown).await {
            leptos::logging::warn!("could not save the gallery on this device: {e}");
        }
    });
}

/// Copies of up to this many photos (well under 1 MB, in full or compact)
/// are saved at once.
const SAVE_AT_ONCE_UP_TO: usize = 500;
/// How long after showing a larger copy it is saved on the device.
const SAVE_DELAY_MS: u32 = 500;

/// Saves the copy on screen for `link`. On a full device, photos make way
/// for a link's first copy (a gallery's record comes before its photos); a
/// later one that does not fit leaves the earlier, which still opens the
/// gallery, rather than evict photos on every visit and refresh.
pub async fn save(room: &Loader, link: &LinkKey, shown: &Shown) -> Result<(), DbError> {
    let Some(db) = room.db() else { return Ok(()) };
    if shown.manifest.is_first_screen() {
        // It would not show the gallery offline; the whole copy saves itself.
        return Err(DbError::Failed(GALLERY_STILL_LOADING.into()));
    }
    // Whether there is an earlier copy, and the customer's "Save for
    // offline" wish as it is now (kept): read without the copy itself, a
    // large gallery's second 3 MB beside the one on screen.
    let earlier = db.gallery_kept(link).await.ok().flatten();
    let keep_offline = earlier == Some(true);
    let saved = SavedGallery {
        gallery: shown.manifest.gallery.clone(),
        manifest: Arc::clone(&shown.json),
        source: match shown.source {
            Source::Origin => "origin",
            Source::Mirror => "mirror",
            Source::Device | Source::Confirmed => "device",
        }
        .into(),
        clock_offset: shown.clock.offset(),
        last_viewed: now_ms() as f64,
        keep_offline,
    };
    match earlier {
        Some(_) => db.put_gallery(link, &saved).await,
        None => put_with_room(room, &db, link, &saved).await,
    }
}

/// Writes a gallery's record; on a full device photos make way for it.
pub async fn put_with_room(
    room: &Loader,
    db: &Db,
    link: &LinkKey,
    saved: &SavedGallery,
) -> Result<(), DbError> {
    let mut result = db.put_gallery(link, saved).await;
    let needed = saved.manifest.len() as u64 * 2 + RECORD_ROOM;
    if result == Err(DbError::QuotaExceeded) && room.make_room(needed).await {
        result = db.put_gallery(link, saved).await;
    }
    result
}
