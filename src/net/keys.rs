//! The `localStorage` keys the app shares with `index.html`'s inline script
//! (the early manifest request), which reads them before any Rust has
//! loaded and so cannot import these constants: it spells the same two
//! prefixes itself. Change one side, change the other.

/// Per gallery: the origins the device knows and the last that answered
/// (`index.html`: `'proofline.origins.' + gallery`).
pub const ORIGINS_PREFIX: &str = "proofline.origins.";

/// Per share token: a PIN link's pass (`index.html`: `'proofline.pass.' +
/// token`).
pub const PASS_PREFIX: &str = "proofline.pass.";

/// Where what is known about `key`'s origins is kept (`key` is a gallery
/// id, or the studio-wide page's own key).
pub fn origins(key: &str) -> String {
    format!("{ORIGINS_PREFIX}{key}")
}

/// Where the pass of the link with `token` is kept.
pub fn pass(token: &str) -> String {
    format!("{PASS_PREFIX}{token}")
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn keys_are_the_prefix_and_the_id() {
        assert_eq!(origins("g1"), "proofline.origins.g1");
        assert_eq!(pass("AAAA"), "proofline.pass.AAAA");
    }
}
