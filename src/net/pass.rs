//! A PIN link's pass: answered by the origin for the right PIN, then sent
//! with every request for that link; and, alike, the pass for a link's
//! download PIN. Kept in `localStorage` under the token's device key (see
//! [`super::keys`]), never under the token itself.

use proofline_core::route::ShareToken;

use super::keys;
use crate::browser::local_storage;

/// Keeps (or, with `None`, forgets) the pass for a PIN link.
pub fn remember(token: &ShareToken, pass: Option<&str>) {
    local_storage::remove(&keys::legacy_pass(token));
    keep(&keys::pass(token), pass);
}

fn keep(key: &str, pass: Option<&str>) {
    match pass {
        Some(pass) => {
            local_storage::set(key, pass);
        }
        None => local_storage::remove(key),
    }
}

/// Keeps (or, with `None`, forgets) the pass for a link's download PIN.
pub fn remember_download(token: &ShareToken, pass: Option<&str>) {
    keep(&keys::download_pass(token), pass);
}

/// The download pass kept for the link, once its download PIN was given.
pub fn download_of(token: &ShareToken) -> Option<String> {
    local_storage::get(&keys::download_pass(token))
}

/// The pass kept for the link, if it has a PIN and the PIN was given.
pub fn of(token: &ShareToken) -> Option<String> {
    if let Some(pass) = local_storage::get(&keys::pass(token)) {
        return Some(pass);
    }
    // Kept by an older app under the raw token: moved under the device key.
    let legacy = local_storage::get(&keys::legacy_pass(token))?;
    remember(token, Some(&legacy));
    Some(legacy)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_pass_is_kept_under_a_hash_of_the_token_and_forgotten() {
        let token = ShareToken::parse("PASSTESTPASSTESTPASSTE").unwrap();
        remember(&token, Some("pass-1"));
        assert_eq!(of(&token).as_deref(), Some("pass-1"));
        assert_eq!(
            local_storage::get(&format!("proofline.pass.{}", token.device_key())).as_deref(),
            Some("pass-1")
        );
        assert_eq!(
            local_storage::get("proofline.pass.PASSTESTPASSTESTPASSTE"),
            None
        );
        remember(&token, None);
        assert_eq!(of(&token), None);
    }

    #[wasm_bindgen_test]
    fn a_download_pass_is_kept_apart_from_the_links_pass() {
        let token = ShareToken::parse("DLPASSDLPASSDLPASSDLPA").unwrap();
        remember_download(&token, Some("dl-1"));
        assert_eq!(download_of(&token).as_deref(), Some("dl-1"));
        assert_eq!(of(&token), None);
        assert_eq!(
            local_storage::get(&format!("proofline.dlpass.{}", token.device_key())).as_deref(),
            Some("dl-1")
        );
        remember_download(&token, None);
        assert_eq!(download_of(&token), None);
    }

    #[wasm_bindgen_test]
    fn a_pass_an_older_app_kept_under_the_token_is_moved() {
        let token = ShareToken::parse("LEGACYPASSLEGACYPASSLE").unwrap();
        local_storage::set("proofline.pass.LEGACYPASSLEGACYPASSLE", "pass-0");
        assert_eq!(of(&token).as_deref(), Some("pass-0"));
        assert_eq!(
            local_storage::get("proofline.pass.LEGACYPASSLEGACYPASSLE"),
            None
        );
        assert_eq!(of(&token).as_deref(), Some("pass-0"));
        remember(&token, None);
    }
}
