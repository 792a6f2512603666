//! A PIN link's pass: answered by the origin for the right PIN, then sent
//! with every request for that link. Kept in `localStorage` (see
//! [`super::keys`]), which `index.html`'s early manifest request can read
//! synchronously.

use proofline_core::route::ShareToken;

use super::keys;
use crate::browser::local_storage;

/// Keeps (or, with `None`, forgets) the pass for a PIN link.
pub fn remember(token: &ShareToken, pass: Option<&str>) {
    let key = keys::pass(token.as_str());
    match pass {
        Some(pass) => {
            local_storage::set(&key, pass);
        }
        None => local_storage::remove(&key),
    }
}

/// The pass kept for the link, if it has a PIN and the PIN was given.
pub fn of(token: &ShareToken) -> Option<String> {
    local_storage::get(&keys::pass(token.as_str()))
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_pass_is_kept_under_the_key_index_html_reads_and_forgotten() {
        let token = ShareToken::parse("PASSTESTPASSTESTPASSTE").unwrap();
        remember(&token, Some("pass-1"));
        assert_eq!(of(&token).as_deref(), Some("pass-1"));
        assert_eq!(
            local_storage::get("proofline.pass.PASSTESTPASSTESTPASSTE").as_deref(),
            Some("pass-1")
        );
        remember(&token, None);
        assert_eq!(of(&token), None);
    }
}
