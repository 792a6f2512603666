//! The origin's HTTP API and the static client.
//!
//! `GET /api/galleries/{id}` with `Authorization: Bearer {token}` answers the
//! gallery manifest with freshly presigned image URLs; `POST .../ops` takes the
//! customer's choices and `GET .../choices` answers what the studio holds for
//! the link. Everything else under `/` is the built browser app.

use std::path::PathBuf;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use proofline_core::expiry::{SigningWindow, signing_window};
use proofline_core::manifest::MANIFEST_VERSION;
use proofline_core::proofing::{ChoicesReply, MAX_OPS_PER_BATCH, StudioReport};
use proofline_core::{GalleryId, Image, Manifest, Rendition, Renditions};
use serde::Serialize;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::CorsLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::choices::{LinkChoices, read_batch, selection_csv, studio_report};
use crate::db::{Db, StoredGallery, StoredRendition};
use crate::mirror::{Mirrors, mirror_url};
use crate::store::ObjectStore;

/// How long presigned URLs live and how they are bucketed in time.
#[derive(Debug, Clone, Copy)]
pub struct SigningPolicy {
    /// URLs signed within one window are identical (cacheable).
    pub window_secs: i64,
    /// How long a URL works, counted from its window's start.
    pub validity_secs: i64,
    /// How long the URLs in a manifest mirror work (see [`crate::mirror`]).
    pub mirror_validity_secs: i64,
}

impl SigningPolicy {
    /// A policy from configuration, checked: URLs must outlive their window
    /// (or a URL handed out at a window's end would already be dead), and
    /// presigned S3 URLs live at most 7 days.
    pub fn new(
        window_secs: i64,
        validity_secs: i64,
        mirror_validity_secs: i64,
    ) -> anyhow::Result<Self> {
        let max = proofline_core::expiry::SIGV4_MAX_EXPIRES;
        anyhow::ensure!(
            window_secs > 0,
            "the signing window must be at least 1 second"
        );
        for (name, v) in [
            ("URL validity", validity_secs),
            ("mirror URL validity", mirror_validity_secs),
        ] {
            anyhow::ensure!(
                v > window_secs && v <= max,
                "the {name} ({v} s) must be longer than the signing window ({window_secs} s) \
                 and at most {max} s (7 days, S3's limit)"
            );
        }
        Ok(SigningPolicy {
            window_secs,
            validity_secs,
            mirror_validity_secs,
        })
    }
}

impl Default for SigningPolicy {
    fn default() -> Self {
        // Every URL handed out stays good for at least 5 hours: enough for a
        // long review session; the client refreshes the manifest before that.
        SigningPolicy {
            window_secs: 3600,
            validity_secs: 6 * 3600,
            mirror_validity_secs: proofline_core::expiry::SIGV4_MAX_EXPIRES,
        }
    }
}

/// Largest request body: a full batch of ops with long comments fits.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub store: ObjectStore,
    pub signing: SigningPolicy,
    pub mirrors: Mirrors,
}

/// The whole origin: API routes, then the static client as the fallback.
pub fn router(state: AppState, client_dir: Option<PathBuf>) -> axum::Router {
    let api = axum::Router::new()
        .route("/galleries/{id}", get(get_gallery))
        .route("/galleries/{id}/ops", post(post_ops))
        .route("/galleries/{id}/choices", get(get_choices))
        .route("/studio/galleries/{id}", get(get_studio_report))
        .route("/studio/galleries/{id}/selection.csv", get(get_studio_csv))
        .fallback(|| async { AppError::NotFound })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // The client may be hosted elsewhere (a CDN); tokens travel in a header,
        // never in cookies, so any origin may call the API.
        .layer(
            CorsLayer::new()
                .allow_origin(tower_http::cors::Any)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE]),
        )
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .with_state(state);
    let app = axum::Router::new().nest("/api", api);
    let app = match client_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            app.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
        }
        None => app.fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The Proofline app is not built. Run `cargo xtask demo`, or pass --client-dir.",
            )
        }),
    };
    // Manifests (about 1.2 KB per photo, mostly URLs) shrink to a fifth and
    // the app's wasm to about 40%: what a phone on a poor signal waits for.
    // Fastest levels, zstd where the browser takes it: a 10,000-photo
    // manifest (12 MB) is made per request, and gzip alone would add 130 ms.
    let app = app.layer(CompressionLayer::new().quality(CompressionLevel::Fastest));
    // Pages are never framed, types never sniffed, and no address (share links
    // carry the gallery id) is sent to the object store as a Referer.
    app.layer(SetResponseHeaderLayer::overriding(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    ))
}

/// An error the API answers with: a status and a JSON body a client can show.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("This gallery does not exist, or is no longer shared.")]
    NotFound,
    #[error("This link is not valid. Please ask the studio for a new one.")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error("The studio server had a problem. Please try again in a moment.")]
    Internal(#[from] anyhow::Error),
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::Internal(e) => {
                tracing::error!("internal error: {e:#}");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let body = ErrorBody {
            error: code,
            message: self.to_string(),
        };
        (status, Json(body)).into_response()
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Checks the bearer token against the gallery's live links in constant time;
/// answers the matching link's token hash.
async fn authorize(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
) -> Result<(GalleryId, Vec<u8>), AppError> {
    let id = GalleryId::parse(id).map_err(|_| AppError::NotFound)?;
    let token = bearer(headers).unwrap_or_default().to_string();
    let db = state.db.clone();
    let lookup = id.clone();
    let link = blocking(move || {
        let hashes = db.live_link_hashes(&lookup)?.ok_or(AppError::NotFound)?;
        // Check every live link, so timing does not tell which one nearly
        // matched; remember which one did, without branching on it.
        let mut link = None;
        for h in &hashes {
            let hit = crate::secret::token_matches(&token, h);
            link = if hit { Some(h.clone()) } else { link };
        }
        link.filter(|_| !token.is_empty())
            .ok_or(AppError::Unauthorized)
    })
    .await?;
    Ok((id, link))
}

/// Runs database work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
}

async fn get_gallery(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Manifest>, AppError> {
    let (id, link) = authorize(&state, id, &headers).await?;
    let db = state.db.clone();
    let lookup = id.clone();
    let gallery = blocking(move || db.gallery(&lookup)?.ok_or(AppError::NotFound)).await?;
    let now = crate::unix_now();
    let policy = state.signing;
    let window = signing_window(now, policy.window_secs, policy.validity_secs);
    let mut manifest = sign_manifest(&state.store, &gallery, window, now).await?;
    // The mirror is a fallback: a store that cannot take it must not cost the
    // customer this answer.
    match state
        .mirrors
        .ensure(&state.store, &gallery, &link, &policy, now)
        .await
    {
        Ok(()) => manifest.mirror = Some(mirror_url(&state.store, &id, &link, &policy, now).await?),
        Err(e) => tracing::warn!("could not write the manifest mirror of gallery {id}: {e:#}"),
    }
    Ok(Json(manifest))
}

/// Takes a batch of the customer's choices; answers a receipt per op and
/// everything the studio now holds for this link. Only after the batch is
/// committed to disk.
async fn post_ops(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ChoicesReply>, AppError> {
    let (id, link) = authorize(&state, id, &headers).await?;
    let batch = read_batch(&body, MAX_OPS_PER_BATCH).map_err(AppError::BadRequest)?;
    let db = state.db.clone();
    let now_ms = crate::unix_now_ms();
    let reply = blocking(move || Ok(db.ingest(&id, &link, batch, now_ms)?)).await?;
    Ok(Json(reply))
}

/// Everything the studio holds for this link.
async fn get_choices(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<ChoicesReply>, AppError> {
    let (id, link) = authorize(&state, id, &headers).await?;
    let db = state.db.clone();
    let reply = blocking(move || Ok(db.choices(&id, &link, crate::unix_now())?)).await?;
    Ok(Json(reply))
}

/// Checks a studio token (constant time) and loads the gallery's choices.
async fn studio(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
) -> Result<(StoredGallery, Vec<LinkChoices>), AppError> {
    let id = GalleryId::parse(id).map_err(|_| AppError::NotFound)?;
    let token = bearer(headers).unwrap_or_default().to_string();
    let db = state.db.clone();
    blocking(move || {
        let stored = db.studio_token_hash(&id)?.ok_or(AppError::NotFound)?;
        let ok = stored.is_some_and(|h| crate::secret::token_matches(&token, &h));
        if !ok || token.is_empty() {
            return Err(AppError::Unauthorized);
        }
        let gallery = db.gallery(&id)?.ok_or(AppError::NotFound)?;
        let links = db.gallery_choices(&id)?;
        Ok((gallery, links))
    })
    .await
}

/// The studio's page data: every link's choices by file name.
async fn get_studio_report(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<StudioReport>, AppError> {
    let (gallery, links) = studio(&state, id, &headers).await?;
    Ok(Json(studio_report(&gallery, &links)))
}

/// The selected file names as CSV, for the studio's editing tool.
async fn get_studio_csv(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (gallery, links) = studio(&state, id, &headers).await?;
    let disposition = format!("attachment; filename=\"{}-selection.csv\"", gallery.id);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        selection_csv(&gallery, &links),
    )
        .into_response())
}

/// Builds the manifest for `gallery` with every rendition presigned for `window`.
pub async fn sign_manifest(
    store: &ObjectStore,
    gallery: &StoredGallery,
    window: SigningWindow,
    now: i64,
) -> anyhow::Result<Manifest> {
    let mut images = Vec::with_capacity(gallery.images.len());
    for image in &gallery.images {
        images.push(Image {
            id: image.id.clone(),
            file_name: image.file_name.clone(),
            alt: image.alt.clone(),
            width: image.width,
            height: image.height,
            thumbhash: image.thumbhash.clone(),
            renditions: Renditions {
                thumb: sign(store, &image.thumb, window).await?,
                proof: sign(store, &image.proof, window).await?,
            },
            set: image.set.clone(),
        });
    }
    let manifest = Manifest {
        version: MANIFEST_VERSION,
        gallery: gallery.id.clone(),
        title: gallery.title.clone(),
        server_time: now,
        mirror: None,
        rules: gallery.rules.clone(),
        locked_at: gallery.locked_at,
        images,
    };
    manifest.validate()?;
    Ok(manifest)
}

async fn sign(
    store: &ObjectStore,
    r: &StoredRendition,
    window: SigningWindow,
) -> anyhow::Result<Rendition> {
    Ok(Rendition {
        width: r.width,
        height: r.height,
        bytes: r.bytes,
        sha256: r.sha256.clone(),
        url: store.presign_get(&r.object_key, window).await?,
        expires_at: window.expires_at,
    })
}
