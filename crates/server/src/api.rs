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
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use proofline_core::expiry::{SigningWindow, signing_window};
use proofline_core::manifest::MANIFEST_VERSION;
use proofline_core::proofing::{ChoicesReply, MAX_OPS_PER_BATCH};
use proofline_core::{GalleryId, Image, Manifest, Rendition, Renditions};
use serde::Serialize;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::CorsLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::choices::read_batch;
use crate::db::{Db, StoredGallery, StoredRendition};
use crate::links::{Opened, PinAnswer, Refusal};
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
        .route("/galleries/{id}/pin", post(post_pin))
        .nest("/studio", crate::studio::routes())
        .fallback(|| async { AppError::NotFound })
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // The app served by any of the studio's origins may call this one
        // (failover); tokens travel in a header, never in cookies.
        .layer(api_cors(state.store.origins()))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .with_state(state.clone());
    let app = axum::Router::new()
        .nest("/api", api)
        .merge(crate::health::routes().with_state(state));
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
    let app = app
        .layer(SetResponseHeaderLayer::overriding(
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
        ));
    crate::health::traced(app)
}

/// CORS for `/api`: exactly the studio's origins (the app on one of them
/// calls another when the first is down), the methods and headers the app
/// sends, and preflights cached for 10 minutes (browsers cap it there or
/// lower), so a failover costs no extra round trip per request.
fn api_cors(origins: &[String]) -> CorsLayer {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(allowed)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static(PASS_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// An error the API answers with: a status and a JSON body a client can show.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("This gallery does not exist, or is no longer shared.")]
    NotFound,
    #[error("This link is not valid. Please ask the studio for a new one.")]
    Unauthorized,
    /// The link was withdrawn or has expired: final, and the app forgets the
    /// gallery. `code` is `revoked` or `expired`.
    #[error("{message}")]
    Gone { code: &'static str, message: String },
    #[error("This gallery is protected by a PIN. Please enter the PIN the studio gave you.")]
    PinRequired,
    #[error("That PIN is not right. {tries_left} more tries before the link locks for a while.")]
    WrongPin { tries_left: u32 },
    #[error("Too many wrong PINs. Please try again after {until_label} (UTC).")]
    PinLocked { until: i64, until_label: String },
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
            AppError::Gone { code, .. } => (StatusCode::GONE, *code),
            AppError::PinRequired => (StatusCode::UNAUTHORIZED, "pin_required"),
            AppError::WrongPin { .. } => (StatusCode::UNAUTHORIZED, "wrong_pin"),
            AppError::PinLocked { .. } => (StatusCode::TOO_MANY_REQUESTS, "pin_locked"),
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
        let mut response = (status, Json(body)).into_response();
        if let AppError::PinLocked { until, .. } = self {
            let wait = (until - crate::unix_now()).max(1);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        }
        response
    }
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Header carrying the pass a PIN link's customer received for the right PIN.
pub const PASS_HEADER: &str = "x-proofline-pass";

/// Checks the bearer token (and, for a PIN link, the pass) against the
/// gallery's links in constant time; answers the link that opened.
async fn authorize(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
) -> Result<(GalleryId, Opened), AppError> {
    let (id, token) = presented(id, headers)?;
    let pass = headers
        .get(PASS_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let db = state.db.clone();
    let lookup = id.clone();
    let now = crate::unix_now();
    let opened = blocking(move || {
        db.open_link(&lookup, &token, pass.as_deref(), now)?
            .map_err(refused)
    })
    .await?;
    Ok((id, opened))
}

/// The gallery id and bearer token of a request.
fn presented(id: String, headers: &HeaderMap) -> Result<(GalleryId, String), AppError> {
    let id = GalleryId::parse(id).map_err(|_| AppError::NotFound)?;
    Ok((id, bearer(headers).unwrap_or_default().to_string()))
}

pub(crate) fn refused(r: Refusal) -> AppError {
    match r {
        Refusal::NoGallery => AppError::NotFound,
        Refusal::UnknownToken => AppError::Unauthorized,
        Refusal::Revoked => AppError::Gone {
            code: "revoked",
            message: "The studio has withdrawn this link, so the gallery is no longer available \
                      here. Please contact the studio if you need it."
                .into(),
        },
        Refusal::Expired { at } => AppError::Gone {
            code: "expired",
            message: proofline_core::expiry::expired_message(at),
        },
        Refusal::PinRequired => AppError::PinRequired,
    }
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
    if body.pin.len() > 32 {
        return Err(AppError::BadRequest("A PIN is 4 to 8 digits.".into()));
    }
    let db = state.db.clone();
    let now = crate::unix_now();
    let answer = blocking(move || match db.open_link(&id, &token, None, now)? {
        // A PIN never revives a withdrawn or expired link.
        Err(Refusal::PinRequired) => {
            Ok(db.try_pin(&crate::secret::token_hash(&token), &body.pin, now)?)
        }
        Ok(_) => Err(AppError::BadRequest("This link has no PIN.".into())),
        Err(r) => Err(refused(r)),
    })
    .await?;
    match answer {
        PinAnswer::Pass(pass) => Ok(Json(PassBody { pass })),
        PinAnswer::Wrong { tries_left } => Err(AppError::WrongPin { tries_left }),
        PinAnswer::Locked { until } => Err(AppError::PinLocked {
            until,
            until_label: clock_label(until),
        }),
    }
}

/// "14:05" (UTC) for Unix seconds.
fn clock_label(unix: i64) -> String {
    let s = unix.rem_euclid(86_400);
    format!("{:02}:{:02}", s / 3600, s / 60 % 60)
}

/// Runs database work off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
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
    let (id, opened) = authorize(&state, id, &headers).await?;
    let link = opened.token_hash;
    let db = state.db.clone();
    let lookup = id.clone();
    let gallery = blocking(move || db.gallery(&lookup)?.ok_or(AppError::NotFound)).await?;
    let now = crate::unix_now();
    let policy = state.signing;
    let window = signing_window(now, policy.window_secs, policy.validity_secs);
    let mut manifest = sign_manifest(&state.store, &gallery, window, now).await?;
    manifest.expires_at = opened.expires_at;
    manifest.mirror = Some(mirror_url(&state.store, &id, &link, &policy, now).await?);
    // The mirror is a fallback, written after answering: neither its upload
    // (12 MB at 10,000 photos) nor a store that refuses it may hold up or
    // cost the customer this answer. Until it lands, its URL answers 404 and
    // the app keeps the copy it has.
    let mirrors = state.mirrors.clone();
    let store = state.store.clone();
    tokio::spawn(async move {
        let written = mirrors
            .ensure(&store, &gallery, &link, opened.expires_at, &policy, now)
            .await;
        if let Err(e) = written {
            tracing::warn!("could not write the manifest mirror of gallery {id}: {e:#}");
        }
    });
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
    let link = link.token_hash;
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
    let link = link.token_hash;
    let db = state.db.clone();
    let reply = blocking(move || Ok(db.choices(&id, &link, crate::unix_now())?)).await?;
    Ok(Json(reply))
}

/// Builds the manifest for `gallery` with every rendition signed for `window`
/// (through CloudFront first, with the store's URL as fallback, when a
/// distribution is configured).
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
        // A studio with one origin lists none: the app uses the page's own,
        // and apps cached before `origins` existed still read the manifest.
        origins: match store.origins() {
            [_, _, ..] => store.origins().to_vec(),
            _ => Vec::new(),
        },
        rules: gallery.rules.clone(),
        locked_at: gallery.locked_at,
        expires_at: None,
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
    let (url, fallbacks) = store.image_urls(&r.object_key, window).await?;
    Ok(Rendition {
        width: r.width,
        height: r.height,
        bytes: r.bytes,
        sha256: r.sha256.clone(),
        url,
        expires_at: window.expires_at,
        fallbacks,
    })
}
