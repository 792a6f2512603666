//! `Route::parse` (the app's reading of the location hash, share links
//! included) and `ShareToken::parse` on any text. Besides never panicking:
//! every route reads back from its own hash and writes the same hash again,
//! and a share token is exactly 16 to 128 characters of `[A-Za-z0-9_-]`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proofline_core::{Route, ShareToken};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let route = Route::parse(text);
    let hash = route.to_hash();
    let again = Route::parse(&hash);
    assert_eq!(again, route, "{hash:?} reads back differently");
    assert_eq!(again.to_hash(), hash);
    // The hash with its `#` left off, or one trailing `/`, is the same route.
    assert_eq!(Route::parse(&hash[1..]), route);
    if let Route::Gallery { .. } = &route {
        assert_eq!(Route::parse(&format!("{hash}/")), route);
        let closed = route.with_image(None);
        assert_eq!(Route::parse(&closed.to_hash()), closed);
    }

    let url_safe = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let expected = url_safe && (ShareToken::MIN_LEN..=ShareToken::MAX_LEN).contains(&text.len());
    match ShareToken::parse(text) {
        Ok(token) => {
            assert!(expected, "{text:?} was taken as a share token");
            assert_eq!(token.as_str(), text);
            let key = token.device_key();
            assert!(key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit()));
        }
        Err(e) => {
            assert!(!expected, "{text:?} was refused as a share token: {e}");
        }
    }
});
