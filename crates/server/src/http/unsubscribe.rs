//! The page a reminder's "stop them" address opens: `GET
//! /unsubscribe/{key}` asks (one button, so a mail scanner that opens links
//! stops nothing), `POST` stops the link's reminders and says so. The POST
//! is also the one-click unsubscribe of RFC 8058, which mail apps send from
//! the `List-Unsubscribe` header. Plain HTML, no script: the gallery's
//! title is escaped.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::get;
use proofline_core::wording::{
    UNSUBSCRIBE_BUTTON, UNSUBSCRIBE_UNKNOWN, unsubscribe_question, unsubscribed,
};

use super::error::{AppError, blocking};
use super::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/unsubscribe/{key}", get(ask).post(stop))
}

type Page = (StatusCode, Html<String>);

async fn ask(State(state): State<AppState>, Path(key): Path<String>) -> Result<Page, AppError> {
    let db = state.db.clone();
    let key_for_db = key.clone();
    let found = blocking(move || Ok(db.subscription(&key_for_db)?)).await?;
    Ok(match found {
        None => page(StatusCode::NOT_FOUND, UNSUBSCRIBE_UNKNOWN, None),
        Some(s) if s.off_at.is_some() => {
            page(StatusCode::OK, &unsubscribed(&s.gallery_title), None)
        }
        Some(s) => page(
            StatusCode::OK,
            &unsubscribe_question(&s.gallery_title),
            Some(&key),
        ),
    })
}

async fn stop(State(state): State<AppState>, Path(key): Path<String>) -> Result<Page, AppError> {
    let db = state.db.clone();
    let done = blocking(move || Ok(db.unsubscribe(&key, crate::unix_now())?)).await?;
    Ok(match done {
        None => page(StatusCode::NOT_FOUND, UNSUBSCRIBE_UNKNOWN, None),
        Some(s) => page(StatusCode::OK, &unsubscribed(&s.gallery_title), None),
    })
}

/// The page: `text`, and the button that stops reminders when `form_key`
/// is given.
fn page(status: StatusCode, text: &str, form_key: Option<&str>) -> Page {
    let form = form_key.map_or(String::new(), |key| {
        format!(
            "<form method=\"post\" action=\"/unsubscribe/{}\"><button type=\"submit\">{}</button></form>",
            escape(key),
            escape(UNSUBSCRIBE_BUTTON)
        )
    });
    let (lang, title) = (
        proofline_core::wording::locale::LOCALE,
        escape(proofline_core::wording::reminders::REMINDERS_TITLE),
    );
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title></head><body><main><h1>{title}</h1><p>{}</p>{form}</main></body></html>",
        escape(text)
    );
    (status, Html(html))
}

/// `s` as HTML text or attribute value.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_text_not_markup() {
        assert_eq!(
            escape("<b>\"Tom & Jo's\"</b>"),
            "&lt;b&gt;&quot;Tom &amp; Jo&#39;s&quot;&lt;/b&gt;"
        );
        let (_, Html(html)) = page(StatusCode::OK, "<script>x</script>", Some("k1"));
        assert!(html.contains("<p>&lt;script&gt;x&lt;/script&gt;</p>"));
        assert!(html.contains("action=\"/unsubscribe/k1\""));
    }
}
