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

/// Whether the file's name carries Trunk's content hash: a script, wasm or
/// style sheet named with `-` and the hash in lower-case hex before its
/// extension (or before `_bg.wasm`). Trunk writes the 64-bit hash without
/// leading zeros, so it is 16 digits or (one time in 16) fewer.
fn is_content_named(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, extension)) = name.split_once('.') else {
        return false;
    };
    if !matches!(extension, "js" | "wasm" | "css") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(base, hash)| {
        !base.is_empty()
            && (8..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Sets [`cache_control`] on every successful answer from the app's files.
pub async fn set_cache_control(req: Request<Body>, next: Next) -> Response {
    let policy = cache_control(req.uri().path());
    let mut response = next.run(req).await;
    let status = response.status();
    if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_named_by_their_content_are_kept_for_a_year() {
        for path in [
            "/proofline-client-70090b530288d134.js",
            "/proofline-client-70090b530288d134_bg.wasm",
            "/main-64ede365bc66bd06.css",
            "/main-856e54af373f629.css",
            "/studio/proofline-studio-e59ecb1aeb7d513d_bg.wasm",
        ] {
            assert_eq!(cache_control(path), IMMUTABLE, "{path}");
        }
    }

    #[test]
    fn the_page_the_worker_and_other_files_are_asked_about_each_time() {
        for path in [
            "/",
            "/index.html",
            "/sw.js",
            "/manifest.webmanifest",
            "/icons/icon.svg",
            "/icons/apple-touch-icon.png",
            "/-70090b530288d134.js",
            "/proofline-client-70090B530288D134.js",
            "/proofline-client-7009.js",
            "/icons/icon-70090b530288d134.png",
        ] {
            assert_eq!(cache_control(path), REVALIDATE, "{path}");
        }
    }
}
