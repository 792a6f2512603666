//! The merge: every (image, field) is a last-writer-wins [`Register`] ordered
//! by [`Stamp`]; comments are an append-only set; the first submit is final.
//! [`Choices`] is the join of any set of ops, and [`local_view`] is what a
//! device shows while some of its own are not yet confirmed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::op::{Action, DeviceId, Op, OpId, Verdict};
use crate::hlc::Hlc;
use crate::ids::ImageId;

/// The total order of ops: clock, then device (two devices at the same clock),
/// then op id (never equal for different ops).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    pub hlc: Hlc,
    pub device: DeviceId,
    pub op: OpId,
}

/// A value and the stamp of the op that wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register<T> {
    pub value: T,
    pub stamp: Stamp,
}

fn write<T>(slot: &mut Option<Register<T>>, value: T, stamp: &Stamp) {
    if slot.as_ref().is_none_or(|r| r.stamp < *stamp) {
        *slot = Some(Register {
            value,
            stamp: stamp.clone(),
        });
    }
}

/// One photo's choices.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageChoices {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favourite: Option<Register<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<Register<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Register<Verdict>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub image: ImageId,
    pub text: String,
    pub stamp: Stamp,
}

/// The studio's answer to a comment, shown under it to the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// The comment's op id.
    pub to: OpId,
    pub text: String,
    pub stamp: Stamp,
}

/// Every choice of one share link, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub images: BTreeMap<ImageId, ImageChoices>,
    /// Oldest first; unique by op id.
    pub comments: Vec<Comment>,
    /// The first submit; final.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<Stamp>,
    /// The studio's replies to comments, oldest first; unique by op id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replies: Vec<Reply>,
}

impl Choices {
    /// Merges a set of ops in any order.
    pub fn from_ops<'a>(ops: impl IntoIterator<Item = &'a Op>) -> Choices {
        let mut choices = Choices::default();
        for op in ops {
            choices.apply(op);
        }
        choices
    }

    /// Joins one op into the state. Idempotent and order-independent.
    pub fn apply(&mut self, op: &Op) {
        let stamp = op.stamp();
        match &op.action {
            Action::Favourite { image, on } => {
                write(&mut self.image_mut(image).favourite, *on, &stamp);
            }
            Action::Select { image, on } => {
                write(&mut self.image_mut(image).selected, *on, &stamp);
            }
            Action::Review { image, verdict } => {
                write(&mut self.image_mut(image).verdict, *verdict, &stamp);
            }
            Action::Comment { image, text } => {
                if let Err(at) = self.comments.binary_search_by(|c| c.stamp.cmp(&stamp)) {
                    self.comments.insert(
                        at,
                        Comment {
                            image: image.clone(),
                            text: text.clone(),
                            stamp,
                        },
                    );
                }
            }
            Action::Submit => {
                if self.submitted.as_ref().is_none_or(|s| stamp < *s) {
                    self.submitted = Some(stamp);
                }
            }
            Action::Reply { to, text } => {
                if let Err(at) = self.replies.binary_search_by(|r| r.stamp.cmp(&stamp)) {
                    self.replies.insert(
                        at,
                        Reply {
                            to: to.clone(),
                            text: text.clone(),
                            stamp,
                        },
                    );
                }
            }
            // Activity is no choice (the studio keeps it apart).
            Action::Opened | Action::SavedOffline { .. } | Action::Downloaded { .. } => {}
        }
    }

    fn image_mut(&mut self, image: &ImageId) -> &mut ImageChoices {
        self.images.entry(image.clone()).or_default()
    }

    fn flag(&self, image: &ImageId, field: fn(&ImageChoices) -> &Option<Register<bool>>) -> bool {
        self.images
            .get(image)
            .and_then(|c| field(c).as_ref())
            .is_some_and(|r| r.value)
    }

    pub fn is_favourite(&self, image: &ImageId) -> bool {
        self.flag(image, |c| &c.favourite)
    }

    pub fn is_selected(&self, image: &ImageId) -> bool {
        self.flag(image, |c| &c.selected)
    }

    pub fn verdict(&self, image: &ImageId) -> Verdict {
        self.images
            .get(image)
            .and_then(|c| c.verdict.as_ref())
            .map_or(Verdict::Undecided, |r| r.value)
    }

    pub fn comments_on<'a>(
        &'a self,
        image: &ImageId,
    ) -> impl Iterator<Item = &'a Comment> + use<'a> {
        let image = image.clone();
        self.comments.iter().filter(move |c| c.image == image)
    }

    /// The studio's replies to the comment made by op `comment`, oldest first.
    pub fn replies_to<'a>(&'a self, comment: &'a OpId) -> impl Iterator<Item = &'a Reply> {
        self.replies.iter().filter(move |r| r.to == *comment)
    }

    pub fn selected(&self) -> impl Iterator<Item = &ImageId> {
        self.images
            .iter()
            .filter(|(_, c)| c.selected.as_ref().is_some_and(|r| r.value))
            .map(|(id, _)| id)
    }

    pub fn selected_count(&self) -> u32 {
        u32::try_from(self.selected().count()).unwrap_or(u32::MAX)
    }

    /// The latest stamp's clock in the state: a device that has seen this
    /// state stamps its next op after it.
    pub fn latest(&self) -> Hlc {
        let registers = self.images.values().flat_map(|c| {
            [
                c.favourite.as_ref().map(|r| r.stamp.hlc),
                c.selected.as_ref().map(|r| r.stamp.hlc),
                c.verdict.as_ref().map(|r| r.stamp.hlc),
            ]
        });
        registers
            .flatten()
            .chain(self.comments.iter().map(|c| c.stamp.hlc))
            .chain(self.replies.iter().map(|r| r.stamp.hlc))
            .chain(self.submitted.as_ref().map(|s| s.hlc))
            .max()
            .unwrap_or(Hlc::ZERO)
    }

    /// Unix seconds (by the op's clock) of the submit, if any.
    pub fn submitted_at(&self) -> Option<i64> {
        self.submitted.as_ref().map(|s| s.hlc.unix_secs())
    }
}

/// The state a device shows: what the studio confirmed, then its own ops not
/// yet confirmed on top.
pub fn local_view<'a>(confirmed: &Choices, pending: impl IntoIterator<Item = &'a Op>) -> Choices {
    let mut view = confirmed.clone();
    for op in pending {
        view.apply(op);
    }
    view
}

#[cfg(test)]
mod tests;
