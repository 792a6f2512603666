//! Secrets and their hashes: share-link and studio tokens (random, 128 bits,
//! stored only as SHA-256 and compared in constant time), random ids, and the
//! hashes of a link's PIN and of the pass its right PIN earns; [`Secret`],
//! a configured secret that never reaches a log.
//!
//! The foundation layer: imports nothing of this crate.

use base64::Engine as _;
use proofline_core::route::ShareToken;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

/// A secret from the configuration (a password, a webhook's key, a studio
/// token): its `Debug` shows `***`, so settings printed in a log or an error
/// never carry it; [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// A fresh random token for a share link (128 bits, URL-safe base64).
pub fn new_token() -> ShareToken {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    ShareToken::parse(text).expect("22 URL-safe base64 characters are a valid token")
}

/// What the database keeps instead of the token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether `presented` hashes to `stored`, without leaking where they differ.
pub fn token_matches(presented: &str, stored: &[u8]) -> bool {
    token_hash(presented).ct_eq(stored).into()
}

/// SHA-256(salt ‖ PIN): what the database keeps of a link's PIN.
pub fn pin_hash(salt: &[u8], pin: &str) -> [u8; 32] {
    Sha256::new()
        .chain_update(salt)
        .chain_update(pin.as_bytes())
        .finalize()
        .into()
}

/// The pass a customer receives for the right PIN: SHA-256(label ‖ PIN
/// hash), checkable by any origin from the database alone.
pub fn pass_of(label: &str, pin_hash: &[u8]) -> String {
    hex::encode(
        Sha256::new()
            .chain_update(label.as_bytes())
            .chain_update(pin_hash)
            .finalize(),
    )
}

/// Random lowercase id of `len` characters from an alphabet without look-alikes.
pub fn new_id(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rngs::OsRng;
    (0..len)
        .map(|_| ALPHABET[(rng.next_u32() as usize) % ALPHABET.len()] as char)
        .collect()
}

/// A new PIN of [`PIN_DIGITS`](proofline_core::links::PIN_DIGITS) random
/// digits, each uniform.
pub fn new_pin() -> String {
    use rand::Rng as _;
    let mut rng = rand::rngs::OsRng;
    (0..proofline_core::links::PIN_DIGITS)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// The PIN a studio asked for: `new` (or the bare `--pin` flag) makes one.
pub fn chosen_pin(asked: Option<String>) -> Option<String> {
    match asked.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("new") => Some(new_pin()),
        Some(pin) => Some(pin.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_match_only_their_hash() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.as_str().len(), 22);
        let stored = token_hash(a.as_str());
        assert!(token_matches(a.as_str(), &stored));
        assert!(!token_matches(b.as_str(), &stored));
        assert!(!token_matches("", &stored));
    }
}
