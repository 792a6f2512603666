//! `Manifest::from_json`, the only way a manifest comes in from the network or
//! the disk, on any text. Besides never panicking: a manifest it accepts is
//! valid, and its own JSON (what the origin sends and the device saves), or
//! the same JSON written another way, reads back as the same manifest.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proofline_core::Manifest;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let manifest = match Manifest::from_json(text) {
        Ok(manifest) => manifest,
        Err(e) => {
            // The sentence a person reads is built without panicking too.
            let _ = e.to_string();
            return;
        }
    };
    assert_eq!(manifest.validate(), Ok(()));
    let json = manifest.to_json();
    assert_eq!(
        Manifest::from_json(&json).as_ref(),
        Ok(&manifest),
        "its own JSON reads back differently: {json}"
    );
    // The same JSON written another way (spacing, key order, escapes) is
    // the same manifest.
    let value: serde_json::Value = serde_json::from_str(text).expect("it was read as JSON");
    let rewritten = serde_json::to_string_pretty(&value).expect("a JSON value serialises");
    assert_eq!(Manifest::from_json(&rewritten).as_ref(), Ok(&manifest));
    let _ = manifest.earliest_expiry();
    // A device hides its copy by then: never before the studio made it.
    let until = manifest.offline_until();
    assert!(
        until
            <= manifest
                .server_time
                .saturating_add(proofline_core::offline::MAX_SECS)
    );
    assert!(manifest.expires_at.is_some() || until > manifest.server_time);
});
