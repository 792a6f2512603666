//! Object URLs for files the customer or the studio downloads: text (the
//! studio's CSV), bytes (a photo) or a file built piece by piece
//! ([`Pieces`], a ZIP), as a `blob:` URL revoked once the browser has had
//! time to read it. Photos on screen are `data:` URLs
//! (`proofline_core::data_url`).

use wasm_bindgen::JsCast as _;

fn url_of(parts: &js_sys::Array, mime: &str) -> Option<String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// `bytes` of type `mime` as a URL, valid until [`revoke`]d.
#[cfg(test)]
pub fn from_bytes(bytes: &[u8], mime: &str) -> Option<String> {
    url_of(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)), mime)
}

/// Frees the URL (and, once nothing shows it, its bytes).
pub fn revoke(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}

/// How long a download's URL is kept: long enough for the browser to read it.
const DOWNLOAD_KEEP_MS: u32 = 60_000;

/// Offers `text` as a file named `file_name`.
pub fn download(file_name: &str, text: &str, mime: &str) {
    offer(file_name, &js_sys::Array::of1(&text.into()), mime);
}

/// Offers `bytes` as a file named `file_name`.
pub fn download_bytes(file_name: &str, bytes: &[u8], mime: &str) -> bool {
    offer(
        file_name,
        &js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)),
        mime,
    )
}

/// The pieces of a file being built (a ZIP): each piece goes to the
/// browser as it comes, so the app's own memory holds none of it.
#[derive(Default)]
pub struct Pieces {
    parts: Vec<web_sys::Blob>,
}

impl Pieces {
    /// Hands `bytes` to the browser as the file's next piece.
    pub fn push(&mut self, bytes: &[u8]) -> bool {
        let part = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
        match web_sys::Blob::new_with_u8_array_sequence(&part) {
            Ok(blob) => {
                self.parts.push(blob);
                true
            }
            Err(_) => false,
        }
    }

    /// Offers the pieces, in order, as a file named `file_name`.
    pub fn offer(self, file_name: &str, mime: &str) -> bool {
        offer(file_name, &self.into_parts(), mime)
    }

    fn into_parts(self) -> js_sys::Array {
        self.parts.into_iter().collect()
    }
}

/// Offers `parts` (strings, bytes or blobs) as a file named `file_name`
/// through a link the browser downloads; `false` if the browser could not
/// make it.
fn offer(file_name: &str, parts: &js_sys::Array, mime: &str) -> bool {
    let Some(url) = url_of(parts, mime) else {
        return false;
    };
    let clicked = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| {
            a.set_attribute("href", &url).ok()?;
            a.set_attribute("download", file_name).ok()?;
            a.dyn_ref::<web_sys::HtmlElement>()?.click();
            Some(())
        })
        .is_some();
    gloo_timers::callback::Timeout::new(DOWNLOAD_KEEP_MS, move || revoke(&url)).forget();
    clicked
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn read(url: &str) -> Result<(String, Vec<u8>), ()> {
        let response = gloo_net::http::Request::get(url)
            .send()
            .await
            .map_err(|_| ())?;
        let kind = response.headers().get("content-type").unwrap_or_default();
        Ok((kind, response.binary().await.map_err(|_| ())?))
    }

    #[wasm_bindgen_test]
    async fn a_url_serves_its_bytes_until_revoked() {
        let bytes = [0xff, 0xd8, 0xff, 0xe0, 1, 2, 3];
        let url = from_bytes(&bytes, "image/jpeg").expect("a blob URL");
        assert!(url.starts_with("blob:"), "{url}");
        assert_eq!(read(&url).await, Ok(("image/jpeg".into(), bytes.to_vec())));
        revoke(&url);
        assert_eq!(read(&url).await, Err(()), "revoked: gone");
    }

    #[wasm_bindgen_test]
    async fn pieces_make_one_file_in_order() {
        let mut pieces = Pieces::default();
        for piece in [&b"PK\x03\x04"[..], b"", b"photo bytes", b"end"] {
            assert!(pieces.push(piece));
        }
        let url = url_of(&pieces.into_parts(), "application/zip").expect("a blob URL");
        assert_eq!(
            read(&url).await,
            Ok((
                "application/zip".into(),
                b"PK\x03\x04photo bytesend".to_vec()
            ))
        );
        revoke(&url);
    }

    #[wasm_bindgen_test]
    async fn text_becomes_a_url_with_its_type() {
        let url =
            url_of(&js_sys::Array::of1(&"file\na.jpg\n".into()), "text/csv").expect("a blob URL");
        assert_eq!(
            read(&url).await,
            Ok(("text/csv".into(), b"file\na.jpg\n".to_vec()))
        );
        revoke(&url);
    }
}
