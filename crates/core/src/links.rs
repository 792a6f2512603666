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
