//! The studio's brand on the customer's app, without the app doing anything:
//! the origin writes it into what it serves.
//!
//! - The page (`/`, `/index.html`): the studio's name as its title and in a
//!   header (`#brand`, logo and name: the app mounts below it, so every
//!   page, the loading screen before the app has downloaded too, is the
//!   studio's), its accent as a style sheet, its logo as the icon.
//! - `/manifest.webmanifest`: the installed app's name, theme colour and
//!   icons are the studio's.
//! - `/brand/{file}`: the logo's files ([`crate::brand`]) and the accent's
//!   style sheet, each named by its content and kept for a year; the
//!   service worker keeps what the page names, so all of it works offline.
//!
//! With no brand set, the built page and manifest are served as they are.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use proofline_core::brand::{LIGHT_PAGE, stylesheet};
use sha2::{Digest, Sha256};

use super::app_files::IMMUTABLE;
use super::error::{AppError, blocking};
use super::unsubscribe::escape;
use crate::brand::{icon_file, icon_stems, logo_file};
use crate::db::{Db, StoredBrand};

/// The built app's page and web app manifest, read once at start.
pub struct Shell {
    page: String,
    webmanifest: Option<serde_json::Value>,
}

impl Shell {
    pub fn read(dir: &Path) -> Option<Shell> {
        let page = std::fs::read_to_string(dir.join("index.html")).ok()?;
        let webmanifest = std::fs::read_to_string(dir.join("manifest.webmanifest"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
        Some(Shell { page, webmanifest })
    }
}

#[derive(Clone)]
struct BrandState {
    db: Db,
    shell: Arc<Shell>,
}

/// The page and the web app manifest, branded (inside the app's files:
/// they are cached as the page is).
pub fn shell_routes(db: Db, shell: Shell) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/index.html", get(page))
        .route("/manifest.webmanifest", get(webmanifest))
        .with_state(BrandState {
            db,
            shell: Arc::new(shell),
        })
}

/// The logo's files and the accent's style sheet.
pub fn file_routes(db: Db) -> Router {
    Router::new()
        .route("/brand/{file}", get(brand_file))
        .with_state(db)
}

async fn current(db: &Db) -> Result<StoredBrand, AppError> {
    let db = db.clone();
    blocking(move || Ok(db.brand()?)).await
}

async fn page(State(s): State<BrandState>) -> Result<Html<String>, AppError> {
    Ok(Html(branded_page(&s.shell.page, &current(&s.db).await?)))
}

async fn webmanifest(State(s): State<BrandState>) -> Result<Response, AppError> {
    let Some(manifest) = &s.shell.webmanifest else {
        return Err(AppError::NotFound);
    };
    let body = branded_webmanifest(manifest.clone(), &current(&s.db).await?);
    Ok((
        [(header::CONTENT_TYPE, "application/manifest+json")],
        body.to_string(),
    )
        .into_response())
}

async fn brand_file(
    State(db): State<Db>,
    UrlPath(file): UrlPath<String>,
) -> Result<Response, AppError> {
    let (body, kind) = if file.ends_with(".css") {
        let brand = current(&db).await?;
        let css = brand.accent.map(stylesheet).ok_or(AppError::NotFound)?;
        if file != style_file(&css) {
            return Err(AppError::NotFound);
        }
        (css.into_bytes(), "text/css; charset=utf-8")
    } else {
        let bytes = blocking(move || Ok(db.brand_file(&file)?)).await?;
        (bytes.ok_or(AppError::NotFound)?, "image/png")
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
        ],
        body,
    )
        .into_response())
}

/// The accent style sheet's name: by its content.
fn style_file(css: &str) -> String {
    format!("style-{}.css", hex::encode(&Sha256::digest(css)[..8]))
}

/// Replaces the value of the attribute that ends `marker` (`... content="`)
/// with `value`; leaves the page as it is when the marker is not there.
fn set_value(page: &mut String, marker: &str, value: &str) {
    if let Some(at) = page.find(marker).map(|i| i + marker.len())
        && let Some(len) = page[at..].find('"')
    {
        page.replace_range(at..at + len, value);
    }
}

/// The built page with the studio's brand written in.
pub fn branded_page(page: &str, brand: &StoredBrand) -> String {
    let mut page = page.to_owned();
    if brand.is_empty() {
        return page;
    }
    if let Some(name) = &brand.name {
        let name = escape(name);
        page = page.replacen(
            "<title>Proofline</title>",
            &format!("<title>{name}</title>"),
            1,
        );
        set_value(
            &mut page,
            "name=\"apple-mobile-web-app-title\" content=\"",
            &name,
        );
    }
    if let Some(accent) = brand.accent {
        let css = stylesheet(accent);
        let theme = accent.readable_on(LIGHT_PAGE).to_string();
        set_value(&mut page, "name=\"theme-color\" content=\"", &theme);
        let link = format!(
            "<link rel=\"stylesheet\" href=\"brand/{}\" />\n  </head>",
            style_file(&css)
        );
        page = page.replacen("</head>", &link, 1);
    }
    if let Some(logo) = &brand.logo {
        let touch = format!("brand/{}", icon_file("apple-touch-icon", &logo.hash));
        set_value(&mut page, "rel=\"apple-touch-icon\" href=\"", &touch);
        let icon = format!(
            "href=\"brand/{}\" type=\"image/png\"",
            icon_file("icon-192", &logo.hash)
        );
        page = page.replacen("href=\"icons/icon.svg\" type=\"image/svg+xml\"", &icon, 1);
    }
    // The studio's header, above the app (`src/ui/brand.rs`); decorative
    // logo, the name as text.
    let mut inner = String::new();
    if let Some(logo) = &brand.logo {
        let src = format!("brand/{}", logo_file(&logo.hash));
        inner.push_str(&format!(
            "<img class=\"brand-logo\" src=\"{src}\" alt=\"\" width=\"{}\" height=\"{}\" />",
            logo.width, logo.height
        ));
    }
    if let Some(name) = &brand.name {
        inner.push_str(&format!(
            "<span class=\"brand-name\">{}</span>",
            escape(name)
        ));
    }
    if brand.name.is_some() || brand.logo.is_some() {
        page = page.replacen(
            "<body>",
            &format!("<body>\n    <header id=\"brand\" class=\"brand-bar\">{inner}</header>"),
            1,
        );
    }
    page
}

/// The built web app manifest with the studio's name, colour and icons.
pub fn branded_webmanifest(
    mut manifest: serde_json::Value,
    brand: &StoredBrand,
) -> serde_json::Value {
    use serde_json::json;
    if let Some(name) = &brand.name {
        manifest["name"] = json!(name);
        let short: String = name.chars().take(12).collect();
        manifest["short_name"] = json!(short.trim_end());
        manifest["description"] = json!(format!("Your photo proofs from {name}"));
    }
    if let Some(accent) = brand.accent {
        manifest["theme_color"] = json!(accent.readable_on(LIGHT_PAGE).to_string());
    }
    if let Some(logo) = &brand.logo {
        let icons: Vec<serde_json::Value> = icon_stems()
            .filter(|(stem, _)| *stem != "apple-touch-icon")
            .map(|(stem, size)| {
                json!({
                    "src": format!("brand/{}", icon_file(stem, &logo.hash)),
                    "sizes": format!("{size}x{size}"),
                    "type": "image/png",
                    "purpose": if stem.contains("maskable") { "maskable" } else { "any" },
                })
            })
            .collect();
        manifest["icons"] = json!(icons);
    }
    manifest
}

#[cfg(test)]
mod tests {
    use proofline_core::brand::Accent;

    use super::*;
    use crate::db::StoredLogo;

    const PAGE: &str = include_str!("../../../../index.html");

    fn brand() -> StoredBrand {
        StoredBrand {
            name: Some("Lumen & <Co>".into()),
            accent: Some(Accent::parse("#f5d90a").unwrap()),
            logo: Some(StoredLogo {
                hash: "0123456789abcdef".into(),
                width: 600,
                height: 160,
            }),
        }
    }

    #[test]
    fn no_brand_leaves_the_page_as_built() {
        assert_eq!(branded_page(PAGE, &StoredBrand::default()), PAGE);
    }

    #[test]
    fn the_page_carries_the_studios_name_colour_and_logo() {
        let page = branded_page(PAGE, &brand());
        assert!(page.contains("<title>Lumen &amp; &lt;Co&gt;</title>"));
        assert!(
            page.contains("name=\"apple-mobile-web-app-title\" content=\"Lumen &amp; &lt;Co&gt;\"")
        );
        assert!(!page.contains("Proofline</title>"));
        let theme = Accent::parse("#f5d90a").unwrap().readable_on(LIGHT_PAGE);
        assert!(page.contains(&format!("name=\"theme-color\" content=\"{theme}\"")));
        let css = style_file(&stylesheet(Accent::parse("#f5d90a").unwrap()));
        assert!(page.contains(&format!(
            "<link rel=\"stylesheet\" href=\"brand/{css}\" />\n  </head>"
        )));
        assert!(page.contains("href=\"brand/apple-touch-icon-0123456789abcdef.png\""));
        assert!(page.contains("href=\"brand/icon-192-0123456789abcdef.png\" type=\"image/png\""));
        assert!(page.contains(
            "<body>\n    <header id=\"brand\" class=\"brand-bar\"><img class=\"brand-logo\" src=\"brand/logo-0123456789abcdef.png\" alt=\"\" width=\"600\" height=\"160\" />\
             <span class=\"brand-name\">Lumen &amp; &lt;Co&gt;</span></header>"
        ));
        // The inline script the CSP hashes is untouched.
        let script =
            |p: &str| p[p.find("<script>").unwrap()..p.find("</script>").unwrap()].to_owned();
        assert_eq!(script(&page), script(PAGE));
    }

    #[test]
    fn a_colour_alone_adds_no_header() {
        let only = StoredBrand {
            accent: Some(Accent::parse("#112233").unwrap()),
            ..Default::default()
        };
        let page = branded_page(PAGE, &only);
        assert!(!page.contains("id=\"brand\""));
        assert!(page.contains("<title>Proofline</title>"));
    }

    #[test]
    fn the_installed_app_is_the_studios() {
        let built: serde_json::Value =
            serde_json::from_str(include_str!("../../../../public/manifest.webmanifest")).unwrap();
        let m = branded_webmanifest(built.clone(), &brand());
        assert_eq!(m["name"], "Lumen & <Co>");
        assert_eq!(m["short_name"], "Lumen & <Co>");
        assert_eq!(m["display"], built["display"]);
        let icons = m["icons"].as_array().unwrap();
        assert_eq!(icons.len(), 3);
        assert_eq!(icons[0]["src"], "brand/icon-192-0123456789abcdef.png");
        assert_eq!(icons[2]["purpose"], "maskable");
        assert_eq!(
            branded_webmanifest(built.clone(), &StoredBrand::default()),
            built
        );
    }
}
