//! Why something could not be loaded, sent or saved, as the customer reads
//! it: what the app says itself, and the refusals the studio's server
//! answers with (a wrong PIN, a server that cannot save), which the app
//! shows as they come. The words are in `locales/en-GB/errors.ftl`.

include!(concat!(env!("OUT_DIR"), "/errors.rs"));

/// "A logo can be up to 5.0 MB; this one is 6.3 MB." `what` starts the
/// sentence; sizes in bytes.
pub fn too_large_bytes(what: &str, limit: u64, size: u64) -> String {
    use super::numbers::byte_size;
    too_large(what, byte_size(limit), byte_size(size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_status_or_reason() {
        assert_eq!(
            too_large_bytes("A logo", 5_000_000, 6_340_000),
            "A logo can be up to 5.0 MB; this one is 6.3 MB."
        );
        assert_eq!(
            server_problem(503),
            "The studio's server had a problem (503). Please try again in a moment."
        );
        assert_eq!(
            damaged("images[0].id: empty"),
            "The gallery's data is damaged, so we can't show it. Please tell the studio. (images[0].id: empty)"
        );
        assert_eq!(server_answered(418), "the studio's server answered 418");
        assert_eq!(
            storage_unavailable("no IndexedDB"),
            "this browser does not allow saving data (no IndexedDB)"
        );
        assert_eq!(
            device_store_failed("DataError: x"),
            "the device store failed: DataError: x"
        );
    }

    #[test]
    fn a_wrong_pin_counts_the_tries_left() {
        assert_eq!(
            wrong_pin(4u32),
            "That PIN is not right. 4 more tries before it locks for a while."
        );
        assert_eq!(
            wrong_pin(1u32),
            "That PIN is not right. 1 more try before it locks for a while."
        );
    }

    #[test]
    fn fixed_sentences_are_sentences() {
        for s in [UNREACHABLE, NOT_FOUND, UNAUTHORIZED, PIN_REQUIRED] {
            assert!(s.ends_with('.'), "{s}");
            assert!(s.starts_with(char::is_uppercase), "{s}");
        }
        // These are completed by another sentence, so they start in lower case.
        for s in [SEND_UNREACHABLE, DEVICE_FULL] {
            assert!(s.starts_with(char::is_lowercase), "{s}");
        }
    }
}
