//! How long browsers keep the built app's files ([`cache_control`]): a file
//! Trunk names by its content hash (`proofline-client-<hex>.js`,
//! `…_bg.wasm`, `main-<hex>.css`) never changes under its name, so it is
//! kept for a year without asking again (`immutable`); everything else (the
//! page, the service worker, the web app manifest, icons) is asked about
//! each time (`no-cache`, answered 304 while unchanged), so a new release
//! reaches the device on its next visit.

use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::Next;
use axum::response::Response;
use proofline_core::app_files::is_content_named;

/// For a file named by its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For a file that may change under its name.
pub const REVALIDATE: &str = "no-cache";

/// The `Cache-Control` for the app file at `path`.
pub fn cache_control(path: &str) -> &'static str {
    if is_content_named(path) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Sets [`cache_control`] on every successful answer from the app's files,
/// and `Vary: Accept-Encoding`: a content-named file may be answered with
/// its brotli or gzip copy (`ServeDir` does not say so itself), and a cache
/// in front (a CDN, a proxy) must not hand one browser's encoding to another.
pub async fn set_cache_control(req: Request<Body>, next: Next) -> Response {
    let policy = cache_control(req.uri().path());
    let mut response = next.run(req).await;
    let status = response.status();
    if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// `Link: <photos>; rel=preconnect; crossorigin` for the app's pages: the
/// browser opens its connection to where the photos come from (DNS, TCP and
/// TLS: three round trips or more on a phone) while the app downloads,
/// instead of after the manifest arrives. `crossorigin`: the app fetches
/// photos with CORS, which needs a connection of its own. `None` when there
/// is nothing to name or it is not a valid header.
pub fn preconnect(photos_origin: Option<&str>) -> Option<HeaderValue> {
    let origin = photos_origin?;
    let valid = (origin.starts_with("https://") || origin.starts_with("http://"))
        && !origin.contains(['<', '>', ',', ';', ' ', '"']);
    if !valid {
        return None;
    }
    HeaderValue::from_str(&format!("<{origin}>; rel=preconnect; crossorigin")).ok()
}

/// Sets `link` ([`preconnect`]) on the app's HTML pages (the page itself and
/// the paths it answers for), not on its other files.
pub async fn set_preconnect(link: HeaderValue, req: Request<Body>, next: Next) -> Response {
    let mut response = next.run(req).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        response.headers_mut().insert(header::LINK, link);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    // Which names carry the content hash is tested in proofline_core::app_files.
    #[test]
    fn content_named_files_are_kept_for_a_year_and_the_rest_asked_about() {
        assert_eq!(
            cache_control("/proofline-client-70090b530288d134_bg.wasm"),
            IMMUTABLE
        );
        for path in ["/", "/index.html", "/sw.js", "/icons/icon.svg"] {
            assert_eq!(cache_control(path), REVALIDATE, "{path}");
        }
    }

    #[test]
    fn the_page_preconnects_to_where_the_photos_come_from() {
        assert_eq!(
            preconnect(Some("https://d111.cloudfront.net")).unwrap(),
            "<https://d111.cloudfront.net>; rel=preconnect; crossorigin"
        );
        for odd in [
            None,
            Some(""),
            Some("ftp://x"),
            Some("https://a>, <https://b"),
        ] {
            assert!(preconnect(odd).is_none(), "{odd:?}");
        }
    }
}
