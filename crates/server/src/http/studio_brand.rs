//! The studio page's brand panel (`/api/studio/galleries/{id}/brand`): the
//! studio's name, accent colour and logo, and the gallery's cover photo.
//! Either studio token opens it (the brand is the studio's, whichever
//! gallery's page changes it).
//!
//! - `GET brand`: the panel ([`StudioBrand`]);
//! - `POST brand`: `{"name", "accent", "cover"}`, each optional, an empty
//!   text clearing it; everything is checked before anything changes;
//! - `POST brand/logo`: the logo's bytes (PNG or JPEG, up to
//!   [`MAX_LOGO_BYTES`]; an empty body takes the logo away).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use proofline_core::brand::StudioBrand;

use super::body_limit::{Limit, limited};
use super::error::AppError;
use super::state::AppState;
use super::studio::{capitalised, with_gallery};
use crate::brand::{BrandChange, MAX_LOGO_BYTES, apply, logo_file};
use crate::db::{Db, StoredGallery};

pub fn routes() -> Router<AppState> {
    Router::new().route("/galleries/{id}/brand", get(get_brand).post(post_brand))
}

/// The logo's upload, with a body limit of its own (above the API's).
pub fn logo_routes() -> Router<AppState> {
    limited(
        Router::new().route("/galleries/{id}/brand/logo", post(post_logo)),
        Limit {
            bytes: MAX_LOGO_BYTES,
            what: "A logo",
        },
    )
}

/// The panel as it is now.
fn panel(db: &Db, gallery: &StoredGallery) -> Result<StudioBrand, AppError> {
    let brand = db.brand()?;
    Ok(StudioBrand {
        name: brand.name,
        accent: brand.accent.map(|a| a.to_string()),
        logo: brand.logo.map(|l| format!("/brand/{}", logo_file(&l.hash))),
        cover: gallery.cover.as_ref().and_then(|id| {
            let image = gallery.images.iter().find(|i| &i.id == id)?;
            Some(image.file_name.clone())
        }),
        photos: gallery.images.iter().map(|i| i.file_name.clone()).collect(),
    })
}

fn refused(e: anyhow::Error) -> AppError {
    AppError::BadRequest(format!("{}.", capitalised(&e.to_string())))
}

async fn get_brand(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<StudioBrand>, AppError> {
    with_gallery(&state, id, &headers, |db, g| panel(db, &g).map(Json)).await
}

async fn post_brand(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<StudioBrand>,
) -> Result<Json<StudioBrand>, AppError> {
    with_gallery(&state, id, &headers, move |db, mut gallery| {
        let cover = match body.cover.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(name) => Some(Some(
                gallery
                    .image_named(name)
                    .map(|i| i.id.clone())
                    .ok_or_else(|| {
                        AppError::BadRequest(format!("There is no photo “{name}” in this gallery."))
                    })?,
            )),
        };
        let change = BrandChange {
            name: body.name,
            accent: body.accent,
            logo: None,
        };
        apply(db, &change).map_err(refused)?;
        if let Some(cover) = cover {
            db.set_cover(&gallery.id, cover.as_ref())?;
            gallery.cover = cover;
        }
        panel(db, &gallery).map(Json)
    })
    .await
}

async fn post_logo(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<StudioBrand>, AppError> {
    with_gallery(&state, id, &headers, move |db, gallery| {
        let change = BrandChange {
            logo: Some(body.to_vec()),
            ..Default::default()
        };
        apply(db, &change).map_err(refused)?;
        panel(db, &gallery).map(Json)
    })
    .await
}
