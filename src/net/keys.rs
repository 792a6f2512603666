//! The `localStorage` keys the app shares with `index.html`'s inline script
//! (the early manifest request), which reads them before any Rust has
//! loaded and so cannot import these constants: it spells the origins'
//! prefix itself. Change one side, change the other.

use proofline_core::route::ShareToken;

/// Per gallery: the origins the device knows and the last that answered
/// (`index.html`: `'proofline.origins.' + gallery`).
pub const ORIGINS_PREFIX: &str = "proofline.origins.";

/// Per link: a PIN link's pass, under the token's device key (a hash:
/// never the token itself). `index.html` does not read it: its early
/// request goes without a pass, and the app does not take it over for a
/// PIN link.
pub const PASS_PREFIX: &str = "proofline.pass.";

/// Per link: the pass for its download PIN, under the token's device key.
/// `index.html` does not read it either.
pub const DOWNLOAD_PASS_PREFIX: &str = "proofline.dlpass.";

/// Where what is known about `key`'s origins is kept (`key` is a gallery
/// id, or the studio-wide page's own key).
pub fn origins(key: &str) -> String {
    format!("{ORIGINS_PREFIX}{key}")
}

/// Where the pass of the link with `token` is kept.
pub fn pass(token: &ShareToken) -> String {
    format!("{PASS_PREFIX}{}", token.device_key())
}

/// Where the download pass of the link with `token` is kept.
pub fn download_pass(token: &ShareToken) -> String {
    format!("{DOWNLOAD_PASS_PREFIX}{}", token.device_key())
}

/// Where an older app kept it: under the raw token.
pub fn legacy_pass(token: &ShareToken) -> String {
    format!("{PASS_PREFIX}{}", token.as_str())
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn keys_are_the_prefix_and_the_id() {
        assert_eq!(origins("g1"), "proofline.origins.g1");
        let token = ShareToken::parse("PASSTESTPASSTESTPASSTE").unwrap();
        assert_eq!(
            pass(&token),
            format!("proofline.pass.{}", token.device_key())
        );
        assert!(!pass(&token).contains(token.as_str()));
    }
}
