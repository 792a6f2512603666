//! The studio's links (`/api/studio/galleries/{id}/links/...`), for the
//! studio page; the same studio tokens open them as the rest of
//! [`super::studio`].
//!
//! - `POST links`: a new share link (label, PIN, expiry, downloads);
//! - `POST links/{link}/revoke`: withdraw a link (and its manifest mirror);
//! - `POST links/{link}/replies`: the studio's reply to a comment
//!   (`{"to": the comment's op id, "text": ...}`), which the customer's
//!   devices get with the link's choices;
//! - `POST links/{link}/reminders`: where the link's customer is reminded
//!   (`{"email": ...}`, `null` for nobody), as `proofline link remind`;
//! - `POST links/{link}/downloads`: what the link may download and its
//!   download PIN, as `proofline link downloads`.
//!
//! Each change but the first answers the gallery's report as it now is.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use proofline_core::downloads::Downloads;
use proofline_core::proofing::{OpId, StudioReport};
use serde::{Deserialize, Serialize};

use super::error::AppError;
use super::state::AppState;
use super::studio::{capitalised, report_after, with_gallery};
use crate::db::{Db, Link, NewLink, StoredGallery};
use crate::notify::email::check_address;

pub fn routes() -> Router<AppState> {
    Router::new()
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
    let (mut report, _, revoked) = report_after(&state, id, &headers, now, move |db, gallery| {
        gallery_link(db, gallery, &link)?;
        db.revoke_link(&link, now)?.ok_or(AppError::NotFound)
    })
    .await?;
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
    let (report, ..) = report_after(&state, id, &headers, now, move |db, gallery| {
        let link = gallery_link(db, gallery, &link)?;
        let to = OpId::parse(body.to).map_err(|e| AppError::BadRequest(e.to_string()))?;
        db.reply(&gallery.id, &link.token_hash, &to, &body.text, now_ms)?
            .map_err(|why| AppError::BadRequest(capitalised(&why)))
    })
    .await?;
    Ok(Json(report))
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
    let email = body
        .email
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    let (report, ..) = report_after(&state, id, &headers, now, move |db, gallery| {
        // Only the studio is told what is wrong with an address.
        if let Some(email) = &email {
            check_address(email).map_err(|e| AppError::BadRequest(capitalised(&e.to_string())))?;
        }
        let link = gallery_link(db, gallery, &link)?;
        if link.reminders_to != email {
            db.set_link_email(&link.id, email.as_deref())?;
        }
        Ok(())
    })
    .await?;
    Ok(Json(report))
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
    let pin = body.pin.map(|p| p.trim().to_owned());
    if let Some(pin) = pin.as_deref().filter(|p| !p.is_empty()) {
        check_download_pin(pin)?;
    }
    let locks = pin.as_deref().is_some_and(|p| !p.is_empty());
    let (report, gallery, link) = report_after(&state, id, &headers, now, move |db, gallery| {
        let link = gallery_link(db, gallery, &link)?;
        if let Some(downloads) = body.downloads {
            db.set_link_downloads(&link.id, downloads)?;
        }
        if let Some(pin) = &pin {
            db.set_download_pin(&link.id, Some(pin.as_str()).filter(|p| !p.is_empty()))?;
        }
        Ok(link)
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
    Ok(Json(report))
}
