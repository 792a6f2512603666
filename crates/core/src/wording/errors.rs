//! Why something could not be loaded, sent or saved, as the customer reads
//! it: what the app says itself, and the refusals the studio's server
//! answers with (a wrong PIN, a server that cannot save), which the app
//! shows as they come.

/// No origin (nor the mirror) answered.
pub const UNREACHABLE: &str =
    "We couldn't reach the studio's server. Check your connection and try again.";
/// The origin does not know the gallery.
pub const NOT_FOUND: &str = "This gallery doesn't exist, or the studio has stopped sharing it.";
/// The origin refused the link's token.
pub const UNAUTHORIZED: &str =
    "This link isn't valid any more. Please ask the studio for a new one.";
/// The link has a PIN and this device has no valid pass for it.
pub const PIN_REQUIRED: &str =
    "This gallery is protected by a PIN. Please enter the PIN the studio gave you.";
/// A batch of choices found no origin answering (it is tried again).
pub const SEND_UNREACHABLE: &str = "the studio's server could not be reached";
/// The browser refused a write for lack of space.
pub const DEVICE_FULL: &str = "this device has no more room for saved photos";

/// A wrong PIN, with the tries left before the PIN locks.
pub fn wrong_pin(tries_left: u32) -> String {
    format!("That PIN is not right. {tries_left} more tries before it locks for a while.")
}
/// A PIN sent that cannot be one.
pub const NOT_A_PIN: &str = "A PIN is 4 to 8 digits.";
/// A PIN sent for a link that has none.
pub const NO_PIN: &str = "This link has no PIN.";
/// A download PIN sent for a link whose downloads need none.
pub const NO_DOWNLOAD_PIN: &str = "This link's downloads need no PIN.";
/// The server cannot save choices just now: they wait on the device.
pub const CANNOT_SAVE_NOW: &str = "The studio server cannot save choices just now. They are kept on this device and sent again shortly.";
/// The server failed in a way it does not explain.
pub const SERVER_FAILED: &str = "The studio server had a problem. Please try again in a moment.";

/// After too many wrong PINs, until `when` ("today 14:05", "14:05 on 3 Dec
/// 2026 (UTC)").
pub fn pin_locked(when: &str) -> String {
    format!("Too many wrong PINs. Please try again after {when}.")
}

/// The origin answered an unexpected error status.
pub fn server_problem(status: u16) -> String {
    format!("The studio's server had a problem ({status}). Please try again in a moment.")
}

/// The manifest failed validation; `why` is the validator's reason.
pub fn damaged(why: &str) -> String {
    format!("The gallery's data is damaged, so we can't show it. Please tell the studio. ({why})")
}

/// The studio refused a batch of choices without saying why.
pub fn server_answered(status: u16) -> String {
    format!("the studio's server answered {status}")
}

/// The browser does not let this site store anything (some private modes).
pub fn storage_unavailable(why: &str) -> String {
    format!("this browser does not allow saving data ({why})")
}

/// The device store failed for another reason.
pub fn device_store_failed(why: &str) -> String {
    format!("the device store failed: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_status_or_reason() {
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
