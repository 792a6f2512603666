//! Share links: whether one still opens its gallery (live, expired or revoked),
//! as the origin judges it and the studio sees it.

use serde::{Deserialize, Serialize};

use crate::calendar::day_label;

/// Whether a share link still opens its gallery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum LinkState {
    Live,
    Expired { at: i64 },
    Revoked { at: i64 },
}

impl LinkState {
    /// A link's state at `now`: revoked wins over expired.
    pub fn at(revoked_at: Option<i64>, expires_at: Option<i64>, now: i64) -> LinkState {
        match (revoked_at, expires_at) {
            (Some(at), _) => LinkState::Revoked { at },
            (None, Some(at)) if now >= at => LinkState::Expired { at },
            _ => LinkState::Live,
        }
    }

    pub fn is_live(self) -> bool {
        self == LinkState::Live
    }
}

impl std::fmt::Display for LinkState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkState::Live => f.write_str("live"),
            LinkState::Expired { at } => write!(f, "expired {}", day_label(*at)),
            LinkState::Revoked { at } => write!(f, "revoked {}", day_label(*at)),
        }
    }
}

/// Wrong PINs in a row before a link locks.
pub const PIN_ATTEMPTS: u32 = 5;

/// Digits in a PIN the studio is not warned about; fewer (down to 4) are
/// allowed, with [`pin_warning`].
pub const PIN_DIGITS: usize = 6;

/// How long a link refuses PINs after its `nth` lock in a row (from 1): 15
/// minutes, then 1 hour, then 24 hours each time, until the right PIN is
/// given.
pub fn pin_lockout_secs(nth: u32) -> i64 {
    match nth {
        0 | 1 => 15 * 60,
        2 => 60 * 60,
        _ => 24 * 60 * 60,
    }
}

/// Days a guesser needs, on average, to find a PIN of `digits` digits
/// against [`PIN_ATTEMPTS`] tries per lock and [`pin_lockout_secs`]: half
/// of all PINs tried, as fast as the locks allow.
pub fn pin_guessing_days(digits: u32) -> f64 {
    let guesses = 10f64.powi(digits as i32) / 2.0;
    let locks = (guesses / f64::from(PIN_ATTEMPTS)).ceil() as u32;
    let secs: i64 = (1..=locks.min(3)).map(pin_lockout_secs).sum::<i64>()
        + i64::from(locks.saturating_sub(3)) * pin_lockout_secs(3);
    secs as f64 / 86_400.0
}

/// The studio's warning for a PIN shorter than [`PIN_DIGITS`].
pub fn pin_warning(pin: &str) -> Option<String> {
    (pin.len() < PIN_DIGITS).then(|| {
        format!(
            "A {}-digit PIN can be guessed in about {} on average; a {PIN_DIGITS}-digit one takes about {}.",
            pin.len(),
            duration_words(pin_guessing_days(pin.len() as u32)),
            duration_words(pin_guessing_days(PIN_DIGITS as u32)),
        )
    })
}

/// "3 days", "2.7 years", for a number of days.
fn duration_words(days: f64) -> String {
    if days < 365.0 {
        format!("{} days", days.round() as i64)
    } else {
        let years = days / 365.25;
        if years < 10.0 {
            format!("{years:.1} years")
        } else {
            format!("{} years", years.round() as i64)
        }
    }
}

#[cfg(test)]
mod pin_tests {
    use super::*;

    #[test]
    fn lockouts_grow_to_a_day() {
        assert_eq!(pin_lockout_secs(1), 900);
        assert_eq!(pin_lockout_secs(2), 3600);
        assert_eq!(pin_lockout_secs(3), 86_400);
        assert_eq!(pin_lockout_secs(40), 86_400);
    }

    #[test]
    fn guessing_takes_years_at_four_digits_and_centuries_at_six() {
        // 5,000 guesses: 1,000 locks, 997 of them a day long.
        let four = pin_guessing_days(4);
        assert!((997.0..999.0).contains(&four), "{four}");
        let six = pin_guessing_days(6);
        assert!(six > 99_000.0, "{six}");
        assert_eq!(pin_warning("123456"), None);
        assert_eq!(
            pin_warning("1234").unwrap(),
            "A 4-digit PIN can be guessed in about 2.7 years on average; a 6-digit one takes about 274 years."
        );
    }
}
