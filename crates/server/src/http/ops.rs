//! A customer's choices: `POST /api/galleries/{id}/ops` (a batch, answered
//! only after it is committed) and `GET .../choices` (everything the studio
//! holds for the link). A batch that stores a submit queues the studio's
//! notifications in its transaction and wakes this origin's worker.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use proofline_core::proofing::{Action, ChoicesReply, MAX_OPS_PER_BATCH, OpReceipt, OpStatus};

use super::auth::authorize;
use super::error::{AppError, blocking};
use super::state::AppState;
use crate::choices::read_batch;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/galleries/{id}/ops", post(post_ops))
        .route("/galleries/{id}/choices", get(get_choices))
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
    let submits = batch
        .iter()
        .any(|entry| matches!(entry, Ok(op) if op.action == Action::Submit));
    let db = state.db.clone();
    let channels = state.notify.channels();
    let now_ms = crate::unix_now_ms();
    let reply = blocking(move || Ok(db.ingest(&id, &link, batch, &channels, now_ms)?)).await?;
    let applied = |r: &OpReceipt| matches!(r.outcome, OpStatus::Applied { .. });
    if submits && reply.receipts.iter().any(applied) {
        state.notify.wake();
    }
    Ok(Json(timed(reply)))
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
    Ok(Json(timed(reply)))
}

/// The reply with the server's clock read as it goes out, so the device's
/// reading of it is off by at most half the round trip.
fn timed(mut reply: ChoicesReply) -> ChoicesReply {
    reply.server_ms = i64::try_from(crate::unix_now_ms()).ok();
    reply
}
