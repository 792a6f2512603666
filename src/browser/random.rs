//! Randomness: ids from the browser's CSPRNG (`crypto.getRandomValues`),
//! and jitter from `Math.random`.

/// 128 random bits as 32 lower-case hex characters.
pub fn hex_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A number in `[0, 1)`, for jitter (not for secrets).
pub fn unit() -> f64 {
    js_sys::Math::random()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn ids_are_32_hex_characters_and_do_not_repeat() {
        let ids: HashSet<String> = (0..200).map(|_| hex_id()).collect();
        assert_eq!(ids.len(), 200);
        for id in &ids {
            assert_eq!(id.len(), 32);
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
            );
        }
    }

    #[wasm_bindgen_test]
    fn jitter_stays_in_range() {
        for _ in 0..200 {
            let u = unit();
            assert!((0.0..1.0).contains(&u), "{u}");
        }
    }
}
