//! How the API fails: [`AppError`] (a status and a JSON body with a sentence
//! the app can show), a database [`Refusal`] in those terms, and [`blocking`]
//! to run database work off the async threads.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use proofline_core::wording;
use serde::Serialize;

use crate::db::Refusal;

/// An error the API answers with: a status and a JSON body a client can show.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{}", wording::NOT_FOUND)]
    NotFound,
    #[error("{}", wording::UNAUTHORIZED)]
    Unauthorized,
    /// The link was withdrawn or has expired: final, and the app forgets the
    /// gallery. `code` is `revoked` or `expired`.
    #[error("{message}")]
    Gone { code: &'static str, message: String },
    #[error("{}", wording::PIN_REQUIRED)]
    PinRequired,
    #[error("{}", wording::wrong_pin(*tries_left))]
    WrongPin { tries_left: u32 },
    /// `message` in UTC; the body carries `until` for the app to say it in
    /// the customer's time.
    #[error("{message}")]
    PinLocked { until: i64, message: String },
    #[error("{0}")]
    BadRequest(String),
    /// A body over the route's limit: 413, the sentence saying the limit.
    #[error("{0}")]
    TooLarge(String),
    /// The database cannot take writes just now (a disk gone read-only, a
    /// read-only PostgreSQL): 503 with `Retry-After`, so the app keeps the
    /// choices and sends them again, here or to another origin.
    #[error("{}", wording::CANNOT_SAVE_NOW)]
    Unavailable,
    #[error("{}", wording::SERVER_FAILED)]
    Internal(#[from] anyhow::Error),
}

/// Seconds a client is asked to wait after a 503.
pub const RETRY_AFTER_SECS: u32 = 30;

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
    /// When a locked link takes PINs again (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<i64>,
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
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            AppError::Internal(e) if crate::db::cannot_write(e) => {
                tracing::error!("the database cannot take writes: {e:#}");
                return AppError::Unavailable.into_response();
            }
            AppError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(e) => {
                tracing::error!("internal error: {e:#}");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let body = ErrorBody {
            error: code,
            message: self.to_string(),
            until: match &self {
                AppError::PinLocked { until, .. } => Some(*until),
                _ => None,
            },
        };
        let mut response = (status, Json(body)).into_response();
        let wait = match self {
            AppError::PinLocked { until, .. } => Some((until - crate::unix_now()).max(1)),
            AppError::Unavailable => Some(i64::from(RETRY_AFTER_SECS)),
            _ => None,
        };
        if let Some(wait) = wait {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        }
        response
    }
}

pub fn refused(r: Refusal) -> AppError {
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

/// Runs database work off the async threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
}
