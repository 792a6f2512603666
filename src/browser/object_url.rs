//! Object URLs: bytes or text as a `blob:` URL (photos from the device,
//! the studio's CSV), revoked when no longer shown; and offering text as a
//! file download.

use wasm_bindgen::JsCast as _;

fn url_of(parts: &js_sys::Array, mime: &str) -> Option<String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// `bytes` of type `mime` as a URL, valid until [`revoke`]d.
pub fn from_bytes(bytes: &[u8], mime: &str) -> Option<String> {
    url_of(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)), mime)
}

/// `text` of type `mime` as a URL, valid until [`revoke`]d.
pub fn from_text(text: &str, mime: &str) -> Option<String> {
    url_of(&js_sys::Array::of1(&text.into()), mime)
}

/// Frees the URL (and, once nothing shows it, its bytes).
pub fn revoke(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}

/// How long a download's URL is kept: long enough for the browser to read it.
const DOWNLOAD_KEEP_MS: u32 = 10_000;

/// Offers `text` as a file named `file_name`.
pub fn download(file_name: &str, text: &str, mime: &str) {
    let Some(url) = from_text(text, mime) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
    {
        let _ = a.set_attribute("href", &url);
        let _ = a.set_attribute("download", file_name);
        if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
            a.click();
        }
    }
    gloo_timers::callback::Timeout::new(DOWNLOAD_KEEP_MS, move || revoke(&url)).forget();
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
    async fn text_becomes_a_url_with_its_type() {
        let url = from_text("file\na.jpg\n", "text/csv").expect("a blob URL");
        assert_eq!(
            read(&url).await,
            Ok(("text/csv".into(), b"file\na.jpg\n".to_vec()))
        );
        revoke(&url);
    }
}
