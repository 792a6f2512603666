//! The origin's HTTP API and the static client: [`router`] puts together
//! `/api` (the customer's side in [`gallery`] and [`ops`], the studio's in
//! [`studio`]), `/healthz` and `/readyz` ([`health`]), the page that stops a
//! customer's reminders ([`unsubscribe`]), and the built browser
//! app as the fallback (cached by browsers as [`app_files`] says), under one
//! set of layers (compression, security
//! headers: a Content-Security-Policy made from the built app ([`csp`]),
//! HSTS over HTTPS; request ids and traces).
//!
//! `GET /api/galleries/{id}` with `Authorization: Bearer {token}` answers the
//! gallery manifest with freshly presigned image URLs; `POST .../ops` takes the
//! customer's choices and `GET .../choices` answers what the studio holds for
//! the link. Everything else under `/` is the built browser app.
//!
//! May import the domain (signing, choices), `settings`, `db`, `storage` and
//! `secret`; never `cli`.

mod app_files;
mod auth;
mod body_limit;
mod brand;
pub mod csp;
mod error;
mod gallery;
pub mod health;
mod ops;
pub mod serve;
mod state;
mod studio;
mod studio_brand;
mod studio_links;
mod unsubscribe;

use std::path::PathBuf;

use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::CorsLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use proofline_core::route::STUDIO_APP_PATH;

pub use auth::{DOWNLOAD_PASS_HEADER, PASS_HEADER};
pub use error::{AppError, blocking};
pub use state::AppState;

/// Largest request body: a full batch of ops with long comments fits.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The whole origin: API routes, then the static client as the fallback.
/// `https`: the public URL is HTTPS (browsers are then told to keep to it).
pub fn router(state: AppState, client_dir: Option<PathBuf>, https: bool) -> axum::Router {
    // The apps' policy, from their built pages (the customer's index.html,
    // the studio's studio/index.html) and where they load from.
    let csp = client_dir.as_ref().and_then(|dir| {
        let mut html = std::fs::read_to_string(dir.join("index.html")).ok()?;
        let studio = dir
            .join(STUDIO_APP_PATH.trim_matches('/'))
            .join("index.html");
        html.push_str(&std::fs::read_to_string(studio).unwrap_or_default());
        let policy = csp::policy(&html, state.store.origins(), &state.store.browser_origins());
        csp::header(&policy)
    });
    let preconnect = app_files::preconnect(state.store.photos_origin().as_deref());
    let api = body_limit::limited(
        axum::Router::new()
            .merge(gallery::routes())
            .merge(ops::routes())
            .nest(
                "/studio",
                studio::routes()
                    .merge(studio_links::routes())
                    .merge(studio_brand::routes()),
            )
            .fallback(|| async { AppError::NotFound }),
        body_limit::Limit {
            bytes: MAX_BODY_BYTES,
            what: "A request to the studio's server",
        },
    )
    // A logo may be larger than any other request: its own limit.
    .merge(axum::Router::new().nest("/studio", studio_brand::logo_routes()))
    .layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ))
    // The app served by any of the studio's origins may call this one
    // (failover); tokens travel in a header, never in cookies. Refusals
    // (a body too large) carry these headers too.
    .layer(api_cors(state.store.origins()))
    .with_state(state.clone());
    let app = axum::Router::new()
        .nest("/api", api)
        .merge(unsubscribe::routes().with_state(state.clone()))
        .merge(brand::file_routes(state.db.clone()))
        .merge(health::routes().with_state(state.clone()));
    let db = state.db.clone();
    let app = match client_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            // The page and web app manifest carry the studio's brand.
            let shell = match brand::Shell::read(&dir) {
                Some(shell) => brand::shell_routes(db, shell),
                None => axum::Router::new(),
            };
            let files = shell
                .fallback_service(
                    // `cargo xtask build-client` writes brotli and gzip copies
                    // of the content-named files; browsers that take them get
                    // those (the wasm at about 315 kB instead of 442 kB).
                    ServeDir::new(dir)
                        .precompressed_br()
                        .precompressed_gzip()
                        .fallback(ServeFile::new(index)),
                )
                .layer(axum::middleware::from_fn(app_files::set_cache_control));
            let files = match preconnect {
                Some(link) => files.layer(axum::middleware::from_fn(move |req, next| {
                    app_files::set_preconnect(link.clone(), req, next)
                })),
                None => files,
            };
            app.fallback_service(files)
        }
        None => app.fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The Proofline app is not built. Run `cargo xtask demo`, or pass --client-dir.",
            )
        }),
    };
    // Manifests (about 1.2 KB per photo, mostly URLs) shrink to a fifth:
    // what a phone on a poor signal waits for. Fastest levels, zstd where the
    // browser takes it: a 10,000-photo manifest (12 MB) is made per request,
    // and gzip alone would add 130 ms. The app's own files come compressed
    // at build time (above); what already has an encoding passes through.
    let app = app.layer(CompressionLayer::new().quality(CompressionLevel::Fastest));
    let app = match csp {
        Some(policy) => app.layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            policy,
        )),
        None => app,
    };
    let app = if https {
        app.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(csp::HSTS),
        ))
    } else {
        app
    };
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
    health::traced(app)
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
            HeaderName::from_static(DOWNLOAD_PASS_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(600))
}
