//! The sentences that need something only the device knows (its time zone,
//! whether it is online) on top of what the state holds: read here, then
//! worded by `proofline_core::wording`.

use proofline_core::wording::{self, StaleCopy};

use crate::browser::{clock, network};
use crate::state::gallery_source::{Shown, Source};
use crate::state::loader::Miss;
use crate::state::outbox::Delivery;

/// Server Unix seconds as the device's clock shows them: "10:42" today,
/// "24 Nov, 10:42" on another day.
pub fn saved_at(unix_secs: i64) -> String {
    wording::clock_time(clock::local_time(unix_secs))
}

/// The banner's sentence for a copy that is not fresh from the studio.
pub fn banner_text(shown: &Shown, online: bool) -> Option<String> {
    let copy = match shown.source {
        Source::Origin | Source::Confirmed => return None,
        Source::Mirror => StaleCopy::StudioMirror,
        Source::Device => StaleCopy::ThisDevice,
    };
    Some(wording::stale_copy_banner(
        copy,
        online,
        &saved_at(shown.manifest.server_time),
    ))
}

/// "All choices received by the studio at 10:42 · receipt 7F3A-91C2", or
/// how many are waiting, or what went wrong.
pub fn delivery_text(d: &Delivery, online: bool) -> Option<String> {
    let received = d
        .last_receipt
        .as_ref()
        .map(|(receipt, at)| (receipt.as_str(), saved_at(*at)));
    wording::delivery_line(
        d.waiting,
        d.stopped.as_deref(),
        received.as_ref().map(|(r, at)| (*r, at.as_str())),
        online,
    )
}

/// The note shown over a placeholder whose photo is missing.
pub fn miss_note(miss: Miss) -> &'static str {
    wording::missing_photo_note(miss == Miss::Failed, !network::is_online())
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::*;

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn receipts_are_dated_by_the_devices_clock() {
        let now = clock::now_secs();
        let at = saved_at(now);
        assert_eq!(at.len(), 5, "today: hours and minutes only ({at})");
        let d = Delivery {
            last_receipt: Some(("7F3A-91C2".into(), now)),
            ..Default::default()
        };
        assert_eq!(
            delivery_text(&d, true),
            Some(format!(
                "All choices received by the studio at {at} · receipt 7F3A-91C2"
            ))
        );
        assert!(saved_at(now - 3 * 86_400).contains(", "));
    }
}
