//! A customer's gallery: `GET /api/galleries/{id}` (the manifest, signed for
//! the current window, with the link's mirror URL; the mirror itself is
//! written after answering), `POST .../pin` (a PIN for a pass) and
//! `POST .../download-pin` (a download PIN for a download pass).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use proofline_core::expiry::signing_window;
use proofline_core::manifest::FIRST_SCREEN_QUERY;
use proofline_core::wording;
use serde::Serialize;

use super::auth::{DOWNLOAD_PASS_HEADER, authorize, presented};
use super::error::{AppError, blocking, refused};
use super::state::AppState;
use crate::db::{PinAnswer, PinKind, Refusal};
use crate::signing::mirror::mirror_url;
use crate::signing::{LinkTerms, manifest_head};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/galleries/{id}", get(get_gallery))
        .route("/galleries/{id}/pin", post(post_pin))
        .route("/galleries/{id}/download-pin", post(post_download_pin))
}

#[derive(serde::Deserialize)]
struct PinBody {
    pin: String,
}

#[derive(Serialize)]
struct PassBody {
    pass: String,
}

/// Checks a PIN for a PIN link; answers the pass to send from now on.
/// Wrong PINs are counted per link and lock it for a while.
async fn post_pin(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<PinBody>,
) -> Result<Json<PassBody>, AppError> {
    let (id, token) = presented(id, &headers)?;
    check_length(&body.pin)?;
    let db = state.db.clone();
    let now = crate::unix_now();
    let answer = blocking(move || match db.open_link(&id, &token, None, now)? {
        // A PIN never revives a withdrawn or expired link.
        Err(Refusal::PinRequired) => {
            let hash = crate::secret::token_hash(&token);
            Ok(db.try_pin(PinKind::Link, &hash, &body.pin, now)?)
        }
        Ok(_) => Err(AppError::BadRequest(wording::NO_PIN.into())),
        Err(r) => Err(refused(r)),
    })
    .await?;
    answer_pin(answer)
}

/// Checks a link's download PIN; answers the download pass to send from
/// now on. Only a link that opens (with its own pass, for a PIN link) may
/// try, and wrong ones are counted apart from the link's PIN.
async fn post_download_pin(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<PinBody>,
) -> Result<Json<PassBody>, AppError> {
    check_length(&body.pin)?;
    let (_, opened) = authorize(&state, id, &headers).await?;
    if !opened.offered(None).1 {
        return Err(AppError::BadRequest(wording::NO_DOWNLOAD_PIN.into()));
    }
    let db = state.db.clone();
    let now = crate::unix_now();
    let answer =
        blocking(move || Ok(db.try_pin(PinKind::Downloads, &opened.token_hash, &body.pin, now)?))
            .await?;
    answer_pin(answer)
}

/// Refuses what cannot be a PIN before any work is done on it.
fn check_length(pin: &str) -> Result<(), AppError> {
    if pin.len() > 32 {
        return Err(AppError::BadRequest(wording::NOT_A_PIN.into()));
    }
    Ok(())
}

/// A PIN's answer as the app reads it.
fn answer_pin(answer: PinAnswer) -> Result<Json<PassBody>, AppError> {
    match answer {
        PinAnswer::Pass(pass) => Ok(Json(PassBody { pass })),
        PinAnswer::Wrong { tries_left } => Err(AppError::WrongPin { tries_left }),
        PinAnswer::Locked { until } => Err(AppError::PinLocked {
            until,
            message: wording::pin_locked(format!(
                "{} (UTC)",
                proofline_core::calendar::time_label(until)
            )),
        }),
    }
}

/// The query that asks for a manifest in compact form.
pub const COMPACT_QUERY: &str = "form=compact";

/// The link's manifest: the gallery as it is now, its photos signed for
/// this window (kept from an earlier request of the window while the
/// gallery is unchanged: `signing::cache`), and the link's own fields.
/// In compact form (version 2) when the request says `?form=compact`, as
/// the app does; in full (version 1) otherwise, for every other reader.
/// With `&part=first` too, a large gallery's copy lists only the photos of
/// a first screen (`Manifest::first_of`), which the app shows while it
/// asks for the whole.
async fn get_gallery(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let asks = |part: &str| {
        query
            .as_deref()
            .is_some_and(|q| q.split('&').any(|p| p == part))
    };
    let (compact, first_screen) = (asks(COMPACT_QUERY), asks(FIRST_SCREEN_QUERY));
    let (id, opened) = authorize(&state, id, &headers).await?;
    let db = state.db.clone();
    let lookup = id.clone();
    let gallery = Arc::new(blocking(move || db.gallery(&lookup)?.ok_or(AppError::NotFound)).await?);
    let now = crate::unix_now();
    let policy = state.signing;
    // No URL handed to this link outlives it.
    let window =
        signing_window(now, policy.window_secs, policy.validity_secs).until(opened.expires_at);
    let download_pass = headers
        .get(DOWNLOAD_PASS_HEADER)
        .and_then(|v| v.to_str().ok());
    let (downloads, download_pin) = opened.offered(download_pass);
    // The mirror's terms: as a request without the download pass is answered.
    let (mirror_downloads, mirror_pin) = opened.offered(None);
    let link = opened.token_hash;
    let images = state
        .manifests
        .images(&state.store, &gallery, window, downloads)
        .await?;
    let mut manifest = manifest_head(&state.store, &gallery, now);
    manifest.expires_at = opened.expires_at;
    manifest.download_pin = download_pin;
    manifest.mirror = Some(
        mirror_url(
            &state.store,
            &gallery,
            &link,
            opened.expires_at,
            &policy,
            now,
        )
        .await?,
    );
    let json = images.manifest_json(&manifest, compact, first_screen)?;
    // The mirror is a fallback, written after answering: neither its upload
    // (12 MB at 10,000 photos) nor a store that refuses it may hold up or
    // cost the customer this answer. Until it lands, its URL answers 404 and
    // the app keeps the copy it has.
    let mirrors = state.mirrors.clone();
    let (db, store) = (state.db.clone(), state.store.clone());
    tokio::spawn(async move {
        let written = mirrors
            .ensure(
                &db,
                &store,
                &gallery,
                &link,
                LinkTerms {
                    expires_at: opened.expires_at,
                    downloads: mirror_downloads,
                    download_pin: mirror_pin,
                },
                &policy,
                now,
            )
            .await;
        if let Err(e) = written {
            tracing::warn!("could not write the manifest mirror of gallery {id}: {e:#}");
        }
    });
    Ok(([(header::CONTENT_TYPE, "application/json")], json).into_response())
}
