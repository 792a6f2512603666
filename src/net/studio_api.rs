//! The studio page's requests: its galleries and their links' choices,
//! creating and revoking links, a gallery's settings and brand, replies to
//! comments, a link's downloads and reminders. Studio token, not a share
//! token; through the studio's origins like every other request
//! ([`super::api`]).

use gloo_net::http::Request;
use proofline_core::GalleryId;
use proofline_core::brand::StudioBrand;
use proofline_core::downloads::Downloads;
use proofline_core::proofing::StudioReport;
use proofline_core::route::ShareToken;

use super::api::{LoadError, api_get, api_post, bearer, ok_text, send};
use super::failover;

/// The studio's page: every link's choices (studio token, not a share token).
pub async fn fetch_studio_report(
    gallery: &GalleryId,
    token: &ShareToken,
) -> Result<StudioReport, LoadError> {
    let text = api_get(
        gallery.as_str(),
        &format!("/api/studio/galleries/{gallery}"),
        token,
    )
    .await?;
    serde_json::from_str(&text).map_err(|_| LoadError::Server(200))
}

/// The selected file names as CSV.
pub async fn fetch_studio_csv(
    gallery: &GalleryId,
    token: &ShareToken,
) -> Result<String, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/selection.csv");
    api_get(gallery.as_str(), &path, token).await
}

/// Which failover state the studio-wide page uses (no gallery).
const STUDIO_KEY: &str = "studio";

/// Every gallery (studio-wide token).
pub async fn fetch_studio_overview(token: &ShareToken) -> Result<Vec<StudioReport>, LoadError> {
    let text = api_get(STUDIO_KEY, "/api/studio/galleries", token).await?;
    serde_json::from_str(&text).map_err(|_| LoadError::Server(200))
}

/// A studio POST with a JSON body; answers the JSON reply.
async fn studio_post<T: serde::de::DeserializeOwned>(
    gallery: &GalleryId,
    path: &str,
    token: &ShareToken,
    body: &serde_json::Value,
) -> Result<T, LoadError> {
    let text = ok_text(api_post(gallery.as_str(), path, token, body).await)?;
    serde_json::from_str(&text).map_err(|_| LoadError::Server(200))
}

/// A new share link's token (shown once: the origin keeps only its hash).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct CreatedLink {
    pub token: String,
    /// The link's PIN, shown once.
    #[serde(default)]
    pub pin: Option<String>,
    /// Said when the PIN is short enough to guess.
    #[serde(default)]
    pub warning: Option<String>,
}

/// Makes a share link for a gallery from the studio page.
pub async fn create_link(
    gallery: &GalleryId,
    token: &ShareToken,
    label: &str,
    pin: &str,
    expires: &str,
    downloads: Downloads,
) -> Result<CreatedLink, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/links");
    let body = serde_json::json!({
        "label": label,
        "pin": pin,
        "expires": expires,
        "downloads": downloads,
    });
    studio_post(gallery, &path, token, &body).await
}

/// Changes a gallery's settings from the studio page (`body`: any of
/// `rules`, `locked`, `expires`); answers the gallery's report as it now is.
pub async fn save_settings(
    gallery: &GalleryId,
    token: &ShareToken,
    body: &serde_json::Value,
) -> Result<StudioReport, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/settings");
    studio_post(gallery, &path, token, body).await
}

/// A change to a link's downloads from the studio page.
pub enum DownloadsChange {
    /// What the link may download.
    Allow(Downloads),
    /// Its download PIN (empty: none).
    Pin(String),
}

/// Changes what a link's customer may download, or its download PIN;
/// answers the gallery's report as it now is.
pub async fn set_link_downloads(
    gallery: &GalleryId,
    token: &ShareToken,
    link: &str,
    change: DownloadsChange,
) -> Result<StudioReport, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/links/{link}/downloads");
    let body = match change {
        DownloadsChange::Allow(downloads) => serde_json::json!({ "downloads": downloads }),
        DownloadsChange::Pin(pin) => serde_json::json!({ "pin": pin }),
    };
    studio_post(gallery, &path, token, &body).await
}

/// The studio page's brand panel: the studio's brand and this gallery's cover.
pub async fn fetch_brand(
    gallery: &GalleryId,
    token: &ShareToken,
) -> Result<StudioBrand, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/brand");
    let text = api_get(gallery.as_str(), &path, token).await?;
    serde_json::from_str(&text).map_err(|_| LoadError::Server(200))
}

/// Saves the panel's name, colour and cover; answers the panel as it now is.
pub async fn save_brand(
    gallery: &GalleryId,
    token: &ShareToken,
    brand: &StudioBrand,
) -> Result<StudioBrand, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/brand");
    let body = serde_json::to_value(brand).map_err(|_| LoadError::Server(0))?;
    studio_post(gallery, &path, token, &body).await
}

/// Sends the studio's logo file (`None` takes the logo away).
pub async fn upload_logo(
    gallery: &GalleryId,
    token: &ShareToken,
    file: Option<web_sys::File>,
) -> Result<StudioBrand, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/brand/logo");
    let answer = failover::send(gallery.as_str(), |origin, signal| {
        let builder =
            bearer(Request::post(&format!("{origin}{path}")), token).abort_signal(Some(signal));
        send(match &file {
            Some(f) => builder.header("Content-Type", &f.type_()).body(f.clone()),
            None => builder.body(""),
        })
    })
    .await;
    serde_json::from_str(&ok_text(answer)?).map_err(|_| LoadError::Server(200))
}

/// Withdraws a share link; answers the gallery's report as it now is.
pub async fn revoke_link(
    gallery: &GalleryId,
    token: &ShareToken,
    link: &str,
) -> Result<StudioReport, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/links/{link}/revoke");
    studio_post(gallery, &path, token, &serde_json::json!({})).await
}

/// The studio's reply to the comment made by op `to` on `link`; answers
/// the report as it now is.
pub async fn reply_to_comment(
    gallery: &GalleryId,
    token: &ShareToken,
    link: &str,
    to: &str,
    text: &str,
) -> Result<StudioReport, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/links/{link}/replies");
    let body = serde_json::json!({ "to": to, "text": text });
    studio_post(gallery, &path, token, &body).await
}

/// Sets where link `link`'s reminders go (`None`: nobody); answers the
/// report as it now is.
pub async fn set_reminders(
    gallery: &GalleryId,
    token: &ShareToken,
    link: &str,
    email: Option<&str>,
) -> Result<StudioReport, LoadError> {
    let path = format!("/api/studio/galleries/{gallery}/links/{link}/reminders");
    let body = serde_json::json!({ "email": email });
    studio_post(gallery, &path, token, &body).await
}
