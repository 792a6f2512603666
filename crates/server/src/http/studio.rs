//! The studio's side of the API (`/api/studio/...`), for the studio page.
//!
//! Two kinds of studio token open it, each stored only as a SHA-256 hash and
//! compared in constant time: the **studio-wide** token (`proofline
//! studio-link`), which sees every gallery, and a gallery's own studio token
//! (`proofline publish` prints it; `proofline studio-link GALLERY`), which
//! sees that gallery only. A share token opens neither.
//!
//! - `GET galleries`: every gallery with its links (studio-wide token only);
//! - `GET galleries/{id}`: one gallery's links, their state and choices;
//! - `GET galleries/{id}/selection.csv`: the selected file names;
//! - `galleries/{id}/links/...`: a new link, revoking one, replies,
//!   reminders and downloads ([`super::studio_links`]);
//! - `POST galleries/{id}/settings`: what `proofline rules`, `lock` and
//!   `expire` set, from the studio page; answers the report as it now is;
//! - `galleries/{id}/brand`: the studio's brand and the gallery's cover
//!   ([`super::studio_brand`]).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use proofline_core::GalleryId;
use proofline_core::expiry::signing_window;
use proofline_core::proofing::{LinkReport, RevocationBounds, StudioPhoto, StudioReport};
use serde::Deserialize;

use super::auth::bearer;
use super::error::{AppError, blocking};
use super::state::AppState;
use crate::choices::{gallery_report, selection_csv};
use crate::db::{Db, StoredGallery};
use crate::secret::token_matches;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/galleries", get(get_overview))
        .route("/galleries/{id}", get(get_report))
        .route("/galleries/{id}/selection.csv", get(get_csv))
        .route("/galleries/{id}/settings", post(post_settings))
}

/// Whether the request carries the studio-wide token.
fn studio_wide(db: &Db, token: &str) -> anyhow::Result<bool> {
    Ok(!token.is_empty()
        && db
            .studio_wide_token_hash()?
            .is_some_and(|h| token_matches(token, &h)))
}

/// Checks the studio-wide token or the gallery's studio token (both in
/// constant time).
fn may_see(db: &Db, gallery: &GalleryId, token: &str) -> Result<(), AppError> {
    let own = db.studio_token_hash(gallery)?.ok_or(AppError::NotFound)?;
    let own = own.is_some_and(|h| token_matches(token, &h));
    let wide = studio_wide(db, token)?;
    if token.is_empty() || !(own | wide) {
        return Err(AppError::Unauthorized);
    }
    Ok(())
}

/// Runs `f` with the database and a gallery the request may see.
pub(super) async fn with_gallery<T: Send + 'static>(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
    f: impl FnOnce(&Db, StoredGallery) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let id = GalleryId::parse(id).map_err(|_| AppError::NotFound)?;
    let token = bearer(headers).unwrap_or_default().to_owned();
    let db = state.db.clone();
    blocking(move || {
        may_see(&db, &id, &token)?;
        let gallery = db.gallery(&id)?.ok_or(AppError::NotFound)?;
        f(&db, gallery)
    })
    .await
}

/// Every gallery, newest first, with its links and their choices.
async fn get_overview(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<StudioReport>>, AppError> {
    let token = bearer(&headers).unwrap_or_default().to_owned();
    let db = state.db.clone();
    let now = crate::unix_now();
    blocking(move || {
        if !studio_wide(&db, &token)? {
            return Err(AppError::Unauthorized);
        }
        let mut out = Vec::new();
        for id in db.gallery_ids()? {
            if let Some(gallery) = db.gallery(&id)? {
                out.push(gallery_report(&db, &gallery, now)?);
            }
        }
        Ok(Json(out))
    })
    .await
}

async fn get_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<StudioReport>, AppError> {
    let now = crate::unix_now();
    let (report, ..) = report_after(&state, id, &headers, now, |_, _| Ok(())).await?;
    Ok(Json(report))
}

/// The report with the photos its links name, each signed (thumbnail and
/// proof) for the current signing window, as a customer's would be.
async fn with_photos(
    state: &AppState,
    mut report: StudioReport,
    gallery: &StoredGallery,
    now: i64,
) -> Result<StudioReport, AppError> {
    let named: std::collections::HashSet<&str> = report
        .links
        .iter()
        .flat_map(LinkReport::named_files)
        .collect();
    let policy = state.signing;
    let window = signing_window(now, policy.window_secs, policy.validity_secs);
    let mut photos = Vec::new();
    for image in gallery
        .images
        .iter()
        .filter(|i| named.contains(i.file_name.as_str()))
    {
        let (thumb, _) = state
            .store
            .image_urls(&image.thumb.object_key, window)
            .await?;
        let (proof, _) = state
            .store
            .image_urls(&image.proof.object_key, window)
            .await?;
        photos.push(StudioPhoto {
            file_name: image.file_name.clone(),
            thumb,
            proof,
            width: image.proof.width,
            height: image.proof.height,
        });
    }
    report.shown = photos;
    Ok(report)
}

/// Runs `change` on a gallery the request may see, then answers the
/// gallery's report as it now is, with its revocation bounds and photos
/// (every change on the studio page answers it), and what `change` gave.
pub(super) async fn report_after<T: Send + 'static>(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
    now: i64,
    change: impl FnOnce(&Db, &StoredGallery) -> Result<T, AppError> + Send + 'static,
) -> Result<(StudioReport, StoredGallery, T), AppError> {
    let policy = state.signing;
    let (report, gallery, out) = with_gallery(state, id, headers, move |db, gallery| {
        let out = change(db, &gallery)?;
        // Read again: the change may be to the gallery itself.
        let gallery = db.gallery(&gallery.id)?.ok_or(AppError::NotFound)?;
        let report = report_with_bounds(db, &gallery, &policy, now)?;
        Ok((report, gallery, out))
    })
    .await?;
    let report = with_photos(state, report, &gallery, now).await?;
    Ok((report, gallery, out))
}

/// The gallery's report as of `now`, with what revoking a link now would
/// leave (every answer of the studio page carries both).
fn report_with_bounds(
    db: &Db,
    gallery: &StoredGallery,
    policy: &crate::signing::SigningPolicy,
    now: i64,
) -> anyhow::Result<StudioReport> {
    let mut report = gallery_report(db, gallery, now)?;
    report.revocation = Some(revocation_bounds(policy, gallery, now));
    Ok(report)
}

/// How long a link of `gallery` revoked at `now` can still be used: the
/// photo URLs handed out in this signing window, and the copy a device that
/// reached the studio just now keeps offline (its offline window; the
/// mirror's URLs are signed for no longer).
fn revocation_bounds(
    policy: &crate::signing::SigningPolicy,
    gallery: &StoredGallery,
    now: i64,
) -> RevocationBounds {
    let window = gallery
        .offline_window
        .unwrap_or(proofline_core::offline::DEFAULT_SECS);
    RevocationBounds {
        photo_urls_until: signing_window(now, policy.window_secs, policy.validity_secs).expires_at,
        offline_until: proofline_core::offline::until(now, window, None),
    }
}

/// The selected file names as CSV, for the studio's editing tool.
async fn get_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    with_gallery(&state, id, &headers, |db, gallery| {
        let links = db.gallery_choices(&gallery.id)?;
        let disposition = format!("attachment; filename=\"{}-selection.csv\"", gallery.id);
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            selection_csv(&gallery, &links),
        )
            .into_response())
    })
    .await
}

/// A change to a gallery's settings from the studio page; each part is
/// optional and left as it is when absent.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsBody {
    /// The selection rules: fewest photos, most (none: no limit) and the
    /// last day (`YYYY-MM-DD`, UTC; empty: none).
    #[serde(default)]
    rules: Option<RulesBody>,
    /// Lock (customers' changes refused from now on) or unlock.
    #[serde(default)]
    locked: Option<bool>,
    /// The last day the gallery opens (`YYYY-MM-DD`, UTC); empty: never.
    #[serde(default)]
    expires: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesBody {
    #[serde(default)]
    min: u32,
    #[serde(default)]
    max: Option<u32>,
    #[serde(default)]
    deadline: String,
}

/// A day the studio typed (`YYYY-MM-DD`): the end of it (UTC), which must
/// not have passed; empty for none.
fn future_day(day: &str, what: &str, now: i64) -> Result<Option<i64>, AppError> {
    let day = day.trim();
    if day.is_empty() {
        return Ok(None);
    }
    let at = proofline_core::calendar::end_of_day(day)
        .map_err(|e| AppError::BadRequest(format!("The {what} is not a date: {e}.")))?;
    if at <= now {
        return Err(AppError::BadRequest(format!("The {what} is in the past.")));
    }
    Ok(Some(at))
}

async fn post_settings(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<SettingsBody>,
) -> Result<Json<StudioReport>, AppError> {
    let now = crate::unix_now();
    // Everything is checked before anything is changed.
    let expires = match &body.expires {
        Some(day) => Some(future_day(day, "last day of the gallery", now)?),
        None => None,
    };
    let rules = match &body.rules {
        Some(r) => {
            let rules = proofline_core::proofing::SelectionRules {
                min: r.min,
                max: r.max,
                deadline: future_day(&r.deadline, "selection deadline", now)?,
            };
            rules
                .validate()
                .map_err(|e| AppError::BadRequest(format!("{}.", capitalised(&e))))?;
            Some(rules)
        }
        None => None,
    };
    let (report, ..) = report_after(&state, id, &headers, now, move |db, gallery| {
        let photos = gallery.images.len();
        if let Some(rules) = &rules {
            if rules.min as usize > photos {
                return Err(AppError::BadRequest(format!(
                    "The minimum ({}) is more than the gallery's {photos} photos.",
                    rules.min
                )));
            }
            db.set_rules(&gallery.id, rules)?;
        }
        match body.locked {
            // Locking a locked gallery keeps the day it was locked.
            Some(true) if gallery.locked_at.is_none() => {
                db.set_locked(&gallery.id, Some(now))?;
            }
            Some(false) => {
                db.set_locked(&gallery.id, None)?;
            }
            _ => {}
        }
        if let Some(at) = expires {
            db.set_gallery_expiry(&gallery.id, at)?;
        }
        Ok(())
    })
    .await?;
    Ok(Json(report))
}

/// `s` with its first letter in capitals (core's messages start in lower case).
pub(super) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
