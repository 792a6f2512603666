//! Security headers for the browser app: a Content-Security-Policy made
//! when the origin starts, from the built pages (`index.html` and the
//! studio's `studio/index.html`: a SHA-256 hash for each inline script,
//! Trunk's loaders and the early manifest request, so no `'unsafe-inline'`) and from where the app really loads from (the studio's
//! origins, the object store, CloudFront); `frame-ancestors 'none'`; and
//! HSTS when the public URL is HTTPS.
//!
//! The app sets inline styles only through the CSSOM (Leptos's `style:`),
//! which `style-src 'self'` allows; a `style` attribute would be refused.

use axum::http::HeaderValue;
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// One year, as HSTS wants it for preload lists and most audits.
pub const HSTS: &str = "max-age=31536000";

/// The policy for an app whose `index.html` is `html`, calling `connect`
/// (origins) and loading photos from `stores`.
pub fn policy(html: &str, connect: &[String], stores: &[String]) -> String {
    let hashes: Vec<String> = inline_scripts(html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let join = |first: &[&str], rest: &[String]| {
        let mut all: Vec<String> = first.iter().map(|s| (*s).to_owned()).collect();
        for s in rest {
            if !all.contains(s) {
                all.push(s.clone());
            }
        }
        all.join(" ")
    };
    let mut reach = connect.to_vec();
    reach.extend(stores.iter().cloned());
    [
        "default-src 'self'".to_owned(),
        format!(
            "script-src {}",
            join(&["'self'", "'wasm-unsafe-eval'"], &hashes)
        ),
        "style-src 'self'".to_owned(),
        format!("img-src {}", join(&["'self'", "blob:", "data:"], stores)),
        format!("connect-src {}", join(&["'self'"], &reach)),
        "worker-src 'self'".to_owned(),
        "manifest-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        "form-action 'self'".to_owned(),
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

/// The policy as a header value (sources are URLs and keywords: ASCII).
pub fn header(policy: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(policy).ok()
}

/// The text of each `<script>` without a `src`, exactly as the browser
/// hashes it (between the tags, untouched).
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find("<script")?;
            let after = &rest[open..];
            let tag_end = after.find('>')?;
            let tag = &after[..tag_end];
            let body = &after[tag_end + 1..];
            let close = body.find("</script>")?;
            rest = &body[close + "</script>".len()..];
            if !tag.contains(" src=") {
                return Some(&body[..close]);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_inline_script_is_hashed_and_nothing_is_unsafe() {
        let html = "<head><script>alert(1)</script>\n<script src=\"/a.js\"></script>\
                    <script type=\"module\">\nimport x from '/x.js';\n</script></head>";
        let p = policy(
            html,
            &["https://b.example".into()],
            &["https://photos.example".into()],
        );
        // sha256("alert(1)"), as `openssl dgst -sha256 -binary | base64` says.
        assert!(
            p.contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"),
            "{p}"
        );
        assert_eq!(p.matches("'sha256-").count(), 2, "{p}");
        assert!(
            !p.contains("'unsafe-inline'") && !p.contains("'unsafe-eval'"),
            "{p}"
        );
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(p.contains("connect-src 'self' https://b.example https://photos.example"));
        assert!(p.contains("img-src 'self' blob: data: https://photos.example"));
        assert!(header(&p).is_some());
    }
}
