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
//! - `POST galleries/{id}/links`: a new share link (label, PIN, expiry);
//! - `POST galleries/{id}/links/{link}/revoke`: withdraw a link (and its
//!   manifest mirror);
//! - `POST galleries/{id}/links/{link}/replies`: the studio's reply to a
//!   comment (`{"to": the comment's op id, "text": ...}`), which the
//!   customer's devices get with the link's choices;
//! - `POST galleries/{id}/links/{link}/reminders`: where the link's
//!   customer is reminded (`{"email": ...}`, `null` for nobody), as
//!   `proofline link remind`;
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
use proofline_core::downloads::Downloads;
use proofline_core::expiry::signing_window;
use proofline_core::proofing::{LinkReport, OpId, RevocationBounds, StudioPhoto, StudioReport};
use serde::{Deserialize, Serialize};

use super::auth::bearer;
use super::error::{AppError, blocking};
use super::state::AppState;
use crate::choices::{gallery_report, selection_csv};
use crate::db::{Db, Link, NewLink, StoredGallery};
use crate::notify::email::check_address;
use crate::secret::token_matches;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/galleries", get(get_overview))
        .route("/galleries/{id}", get(get_report))
        .route("/galleries/{id}/selection.csv", get(get_csv))
        .route("/galleries/{id}/links", post(post_link))
        .route("/galleries/{id}/links/{link}/revoke", post(post_revoke))
        .route("/galleries/{id}/links/{link}/replies", post(post_reply))
        .route(
            "/galleries/{id}/links/{link}/reminders",
            post(post_reminders),
        )
        .route(
            "/galleries/{id}/links/{link}/downloads",
            post(post_downloads),
        )
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
    let policy = state.signing;
    let (report, gallery) = with_gallery(&state, id, &headers, move |db, gallery| {
        let report = report_with_bounds(db, &gallery, &policy, now)?;
        Ok((report, gallery))
    })
    .await?;
    Ok(Json(with_photos(&state, report, &gallery, now).await?))
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

/// How long a link of `gallery` revoked at `now` can still be used: the
/// photo URLs handed out in this signing window, and the copy a device that
/// reached the studio just now keeps offline (its offline window; the
/// mirror's URLs are signed for no longer).
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

#[derive(Deserialize)]
struct NewLinkBody {
    #[serde(default)]
    label: String,
    #[serde(default)]
    pin: Option<String>,
    /// Last day the link opens, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    expires: Option<String>,
    /// What the customer may download (none by default).
    #[serde(default)]
    downloads: Downloads,
    /// A PIN asked before downloading (none by default).
    #[serde(default)]
    download_pin: Option<String>,
}

#[derive(Serialize)]
struct CreatedLink {
    id: String,
    /// Shown once: only its hash is kept.
    token: String,
    /// The link's PIN, shown once (made here when the studio asked for
    /// `new`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pin: Option<String>,
    /// Said when the PIN is short enough to guess.
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
}

/// Longest label the studio may give a link.
const MAX_LABEL: usize = 200;

async fn post_link(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<NewLinkBody>,
) -> Result<Json<CreatedLink>, AppError> {
    let now = crate::unix_now();
    let label = body.label.trim().to_owned();
    if label.chars().count() > MAX_LABEL {
        return Err(AppError::BadRequest(format!(
            "A label is at most {MAX_LABEL} characters."
        )));
    }
    let pin = crate::secret::chosen_pin(body.pin);
    if let Some(pin) = &pin {
        crate::db::validate_pin(pin)
            .map_err(|e| AppError::BadRequest(format!("The PIN is not valid: {e}.")))?;
    }
    let download_pin = body.download_pin.filter(|p| !p.is_empty());
    if let Some(pin) = &download_pin {
        check_download_pin(pin)?;
    }
    let expires_at = match body.expires.as_deref().filter(|e| !e.is_empty()) {
        Some(day) => Some(proofline_core::calendar::end_of_day(day).map_err(AppError::BadRequest)?),
        None => None,
    };
    if expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::BadRequest(
            "The expiry date is in the past.".into(),
        ));
    }
    let new = NewLink {
        label,
        pin,
        expires_at,
        downloads: body.downloads,
        download_pin,
    };
    with_gallery(&state, id, &headers, move |db, gallery| {
        let (link, token) = db.create_link(&gallery.id, &new, now)?;
        Ok(Json(CreatedLink {
            id: link.id,
            token: token.as_str().to_owned(),
            warning: new
                .pin
                .as_deref()
                .and_then(proofline_core::links::pin_warning),
            pin: new.pin,
        }))
    })
    .await
}

async fn post_revoke(
    State(state): State<AppState>,
    Path((id, link)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<StudioReport>, AppError> {
    let now = crate::unix_now();
    let policy = state.signing;
    let (revoked, report, gallery) = with_gallery(&state, id, &headers, move |db, gallery| {
        gallery_link(db, &gallery, &link)?;
        let revoked = db.revoke_link(&link, now)?.ok_or(AppError::NotFound)?;
        let report = report_with_bounds(db, &gallery, &policy, now)?;
        Ok((revoked, report, gallery))
    })
    .await?;
    let mut report = with_photos(&state, report, &gallery, now).await?;
    // The link's manifest mirror goes too. If the store refuses, the studio
    // is told: the offline copy's URLs then work until their bound (and the
    // periodic sweep tries again).
    if let Err(e) = state
        .mirrors
        .delete(&state.store, &revoked.gallery, &revoked.token_hash)
        .await
    {
        tracing::warn!(
            "could not delete the mirror of revoked link {}: {e:#}",
            revoked.id
        );
        report.notice = Some(format!(
            "The link is revoked, but the object store refused to delete its offline copy ({e:#}). \
             Devices that saved it can still load its photos until {} UTC. \
             Give the store's key s3:DeleteObject (`proofline doctor` checks it).",
            proofline_core::calendar::time_label(
                report.revocation.map_or(now, |b| b.offline_until)
            )
        ));
    }
    Ok(Json(report))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplyBody {
    /// The comment's op id (`LinkReport::comment_ids`).
    to: String,
    text: String,
}

/// The studio answers a customer's comment; answers the report as it now is.
async fn post_reply(
    State(state): State<AppState>,
    Path((id, link)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<ReplyBody>,
) -> Result<Json<StudioReport>, AppError> {
    let now_ms = crate::unix_now_ms();
    let now = (now_ms / 1000) as i64;
    let policy = state.signing;
    let (report, gallery) = with_gallery(&state, id, &headers, move |db, gallery| {
        let link = gallery_link(db, &gallery, &link)?;
        let to = OpId::parse(body.to).map_err(|e| AppError::BadRequest(e.to_string()))?;
        db.reply(&gallery.id, &link.token_hash, &to, &body.text, now_ms)?
            .map_err(|why| AppError::BadRequest(capitalised(&why)))?;
        let report = report_with_bounds(db, &gallery, &policy, now)?;
        Ok((report, gallery))
    })
    .await?;
    Ok(Json(with_photos(&state, report, &gallery, now).await?))
}

/// The gallery's link `id`: one of another gallery is not found.
fn gallery_link(db: &Db, gallery: &StoredGallery, id: &str) -> Result<Link, AppError> {
    db.links(Some(&gallery.id))?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(AppError::NotFound)
}

/// Where a link's reminders go: an address, or `null` (or empty) for none.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemindersBody {
    email: Option<String>,
}

/// The studio sets or clears the address a link's customer is reminded at
/// (as `proofline link remind`). The address the link already has is left
/// as it is, so saving it again does not undo the customer's unsubscribe.
async fn post_reminders(
    State(state): State<AppState>,
    Path((id, link)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<RemindersBody>,
) -> Result<Json<StudioReport>, AppError> {
    let now = crate::unix_now();
    let policy = state.signing;
    let email = body
        .email
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    let (report, gallery) = with_gallery(&state, id, &headers, move |db, gallery| {
        // Only the studio is told what is wrong with an address.
        if let Some(email) = &email {
            check_address(email).map_err(|e| AppError::BadRequest(capitalised(&e.to_string())))?;
        }
        let link = gallery_link(db, &gallery, &link)?;
        if link.reminders_to != email {
            db.set_link_email(&link.id, email.as_deref())?;
        }
        let report = report_with_bounds(db, &gallery, &policy, now)?;
        Ok((report, gallery))
    })
    .await?;
    Ok(Json(with_photos(&state, report, &gallery, now).await?))
}

/// Refuses a download PIN that cannot be one, in the studio's words.
fn check_download_pin(pin: &str) -> Result<(), AppError> {
    crate::db::validate_pin(pin)
        .map_err(|e| AppError::BadRequest(format!("The download PIN is not valid: {e}.")))
}

/// A change to a link's downloads; each part is optional and left as it
/// is when absent.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DownloadsBody {
    #[serde(default)]
    downloads: Option<Downloads>,
    /// The download PIN: 4 to 8 digits, or empty to remove it.
    #[serde(default)]
    pin: Option<String>,
}

/// The studio sets what a link's customer may download, and its download
/// PIN (as `proofline link downloads`); the customer's app offers it on
/// its next visit.
async fn post_downloads(
    State(state): State<AppState>,
    Path((id, link)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<DownloadsBody>,
) -> Result<Json<StudioReport>, AppError> {
    let now = crate::unix_now();
    let policy = state.signing;
    let pin = body.pin.map(|p| p.trim().to_owned());
    if let Some(pin) = pin.as_deref().filter(|p| !p.is_empty()) {
        check_download_pin(pin)?;
    }
    let locks = pin.as_deref().is_some_and(|p| !p.is_empty());
    let (report, gallery, link) = with_gallery(&state, id, &headers, move |db, gallery| {
        let link = gallery_link(db, &gallery, &link)?;
        if let Some(downloads) = body.downloads {
            db.set_link_downloads(&link.id, downloads)?;
        }
        if let Some(pin) = &pin {
            db.set_download_pin(&link.id, Some(pin.as_str()).filter(|p| !p.is_empty()))?;
        }
        let report = report_with_bounds(db, &gallery, &policy, now)?;
        Ok((report, gallery, link))
    })
    .await?;
    // A new download PIN: the link's mirror, written before it with the
    // download URLs, goes at once (the next visit writes it without them).
    if locks
        && let Err(e) = state
            .mirrors
            .delete(&state.store, &gallery.id, &link.token_hash)
            .await
    {
        tracing::warn!("could not delete the mirror of link {}: {e:#}", link.id);
    }
    Ok(Json(with_photos(&state, report, &gallery, now).await?))
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
    let policy = state.signing;
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
    let (report, gallery) = with_gallery(&state, id, &headers, move |db, gallery| {
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
        let gallery = db.gallery(&gallery.id)?.ok_or(AppError::NotFound)?;
        let report = report_with_bounds(db, &gallery, &policy, now)?;
        Ok((report, gallery))
    })
    .await?;
    Ok(Json(with_photos(&state, report, &gallery, now).await?))
}

/// `s` with its first letter in capitals (core's messages start in lower case).
pub(super) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
