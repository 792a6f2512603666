//! The studio's selection rules (fewest, most, deadline), the gallery's terms
//! for its choices ([`Policy`]), and why they refuse an op ([`RuleRefusal`]),
//! in the customer's words.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::merge::Choices;
use super::op::{Action, Op};
use crate::calendar::day_label;
use crate::ids::ImageId;
use crate::wording::rules as words;

/// How far ahead of the server an op's clock may be: the device's clock is
/// corrected by the server's, so more than this is a broken clock.
pub const MAX_CLOCK_AHEAD_MS: u64 = 10 * 60 * 1000;

/// The studio's selection rules, published in the manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectionRules {
    /// Fewest photos a submitted selection may have.
    #[serde(default)]
    pub min: u32,
    /// Most photos that may be selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// Unix seconds after which the selection can no longer change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<i64>,
}

impl SelectionRules {
    pub fn validate(&self) -> Result<(), String> {
        match self.max {
            Some(0) => Err("the maximum selection must be at least 1".into()),
            Some(max) if max < self.min => Err(format!(
                "the maximum selection ({max}) is below the minimum ({})",
                self.min
            )),
            _ => Ok(()),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == SelectionRules::default()
    }

    /// A sentence for the customer: "Choose 10 to 20 photos by 12 Nov 2026."
    pub fn summary(&self) -> Option<String> {
        let count = match (self.min, self.max) {
            (0, None) => None,
            (0, Some(max)) => Some(words::choose_up_to(max)),
            (min, None) => Some(words::choose_at_least(min)),
            (min, Some(max)) if min == max => Some(words::choose_exactly(min)),
            (min, Some(max)) => Some(words::choose_between(min, max)),
        };
        match (count, self.deadline) {
            (None, None) => None,
            (Some(c), None) => Some(words::rules_sentence(c)),
            (Some(c), Some(d)) => Some(words::rules_by(c, day_label(d))),
            (None, Some(d)) => Some(words::selections_close(day_label(d))),
        }
    }
}

/// Why the studio's rules refuse an op. The message is for the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RuleRefusal {
    #[error("{}", words::refused_locked(day_label(*at)))]
    Locked { at: i64 },
    #[error("{}", words::refused_submitted(day_label(*at)))]
    Submitted { at: i64 },
    #[error("{}", words::refused_past_deadline(day_label(*deadline)))]
    PastDeadline { deadline: i64 },
    #[error("{}", words::refused_full(*max))]
    SelectionFull { max: u32 },
    #[error("{}", words::refused_too_few(min - have, min, have))]
    TooFew { min: u32, have: u32 },
    #[error("{}", words::refused_too_many(*max, have, have - max))]
    TooMany { max: u32, have: u32 },
    #[error("{}", words::REFUSED_UNKNOWN_PHOTO)]
    UnknownImage { image: ImageId },
    #[error("{}", words::REFUSED_CLOCK_AHEAD)]
    ClockAhead,
    #[error("{}", words::refused_link_full(max))]
    LinkFull { max: u64 },
    #[error("{}", words::REFUSED_UNKNOWN_COMMENT)]
    UnknownComment,
}

/// The most ops (choices and comments) the studio keeps for one link: far
/// more than any review needs (20 changes to each of 1,000 photos), and a
/// bound on what a leaked link can make the studio store. Activity (see
/// [`super::Action::is_activity`]) is kept only in the first half, so however
/// often a page is reloaded it never takes a choice's room.
pub const MAX_OPS_PER_LINK: u64 = 20_000;

/// A gallery's terms for its choices.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub rules: SelectionRules,
    /// Unix seconds when the studio locked the gallery.
    pub locked_at: Option<i64>,
    pub images: BTreeSet<ImageId>,
}

impl Policy {
    /// Whether `op` may join `state`, at server time `server_now_ms`.
    pub fn check(&self, state: &Choices, op: &Op, server_now_ms: u64) -> Result<(), RuleRefusal> {
        let ahead = op.hlc.wall_ms > server_now_ms.saturating_add(MAX_CLOCK_AHEAD_MS);
        // Activity is taken whatever the rules say: a locked gallery is
        // still opened. Only its time must be believable.
        if op.action.is_activity() {
            return if ahead {
                Err(RuleRefusal::ClockAhead)
            } else {
                Ok(())
            };
        }
        // The studio answers a comment it has, locked or not.
        if let Action::Reply { to, .. } = &op.action {
            return match state.comments.iter().any(|c| c.stamp.op == *to) {
                true => Ok(()),
                false => Err(RuleRefusal::UnknownComment),
            };
        }
        if let Some(at) = self.locked_at {
            return Err(RuleRefusal::Locked { at });
        }
        if ahead {
            return Err(RuleRefusal::ClockAhead);
        }
        if let Some(image) = op.action.image()
            && !self.images.contains(image)
        {
            return Err(RuleRefusal::UnknownImage {
                image: image.clone(),
            });
        }
        let changes_selection = matches!(
            op.action,
            Action::Select { .. } | Action::Review { .. } | Action::Submit
        );
        if !changes_selection {
            return Ok(());
        }
        if let Some(deadline) = self.rules.deadline
            && op.hlc.unix_secs() > deadline
        {
            return Err(RuleRefusal::PastDeadline { deadline });
        }
        if matches!(op.action, Action::Select { .. } | Action::Submit)
            && let Some(at) = state.submitted_at()
        {
            return Err(RuleRefusal::Submitted { at });
        }
        let have = state.selected_count();
        match &op.action {
            Action::Select { image, on: true } if !state.is_selected(image) => {
                if let Some(max) = self.rules.max
                    && have >= max
                {
                    return Err(RuleRefusal::SelectionFull { max });
                }
            }
            Action::Submit => {
                if have < self.rules.min {
                    return Err(RuleRefusal::TooFew {
                        min: self.rules.min,
                        have,
                    });
                }
                if let Some(max) = self.rules.max
                    && have > max
                {
                    return Err(RuleRefusal::TooMany { max, have });
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
