//! The asynchronous Clipboard API: copying text. The write starts at once,
//! inside the user's gesture (browsers require one); its outcome can be
//! awaited, or ignored.

use wasm_bindgen_futures::JsFuture;

/// A clipboard write that has been started.
pub struct Write(Option<js_sys::Promise>);

/// Starts copying `text` to the clipboard.
pub fn write_text(text: &str) -> Write {
    Write(web_sys::window().map(|w| w.navigator().clipboard().write_text(text)))
}

/// Copies `text`, noting a refusal in the console; answers whether the
/// browser was asked (the caller may say "Copied" at once).
pub fn copy(text: &str) -> bool {
    let write = write_text(text);
    let started = write.started();
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = write.outcome().await {
            leptos::logging::warn!("could not copy to the clipboard: {e}");
        }
    });
    started
}

impl Write {
    /// Whether the browser was asked at all (there is a window).
    pub fn started(&self) -> bool {
        self.0.is_some()
    }

    /// Waits for the write: `Err` with the browser's reason if it refused.
    pub async fn outcome(self) -> Result<(), String> {
        let promise = self.0.ok_or("no window")?;
        JsFuture::from(promise).await.map(|_| ()).map_err(|e| {
            wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(&e)
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| format!("{e:?}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn a_write_is_started_and_settles() {
        let write = write_text("Selecting “Ceremony 03”");
        assert!(write.started());
        // Headless Chromium may refuse without a focused document or a user
        // gesture; either way the adapter reports, never throws or hangs.
        match write.outcome().await {
            Ok(()) => {}
            Err(reason) => assert!(!reason.is_empty()),
        }
    }
}
