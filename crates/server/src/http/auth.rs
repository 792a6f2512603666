//! Who a customer's request is: the bearer token (and, for a PIN link, the
//! pass) checked against the gallery's links in constant time.

use axum::http::{HeaderMap, header};
use proofline_core::GalleryId;

use super::error::{AppError, blocking, refused};
use super::state::AppState;
use crate::db::Opened;

/// The request's bearer token, if it has one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Header carrying the pass a PIN link's customer received for the right PIN.
pub const PASS_HEADER: &str = "x-proofline-pass";

/// Header carrying the pass a customer received for a link's download PIN.
pub const DOWNLOAD_PASS_HEADER: &str = "x-proofline-download-pass";

/// Checks the bearer token (and, for a PIN link, the pass) against the
/// gallery's links in constant time; answers the link that opened.
pub async fn authorize(
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
pub fn presented(id: String, headers: &HeaderMap) -> Result<(GalleryId, String), AppError> {
    let id = GalleryId::parse(id).map_err(|_| AppError::NotFound)?;
    Ok((id, bearer(headers).unwrap_or_default().to_string()))
}
