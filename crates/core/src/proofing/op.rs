//! Ops: the customer's choices as recorded on a device and sent to the studio,
//! their wire form (`{op_id, device_id, gallery, image, kind, value, hlc}`),
//! why one cannot be read, a batch as a device posts it ([`read_batch`]), the
//! batch sizes they travel in, and the receipt id the studio gives one it
//! stored.

use serde::{Deserialize, Serialize};

use super::merge::Stamp;
use crate::hlc::Hlc;
use crate::ids::{GalleryId, IdError, ImageId, id_type};

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// Most ops the server takes in one request.
pub const MAX_OPS_PER_BATCH: usize = 500;
/// Ops a device sends per request.
pub const SEND_BATCH: usize = 100;

id_type!(
    /// A browser profile's random id, made once and kept in IndexedDB.
    DeviceId,
    "a device id",
    8,
    64
);
id_type!(
    /// An op's random id, made on the device: the server applies each at most once.
    OpId,
    "an op id",
    8,
    64
);

/// The customer's verdict on one photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Undecided,
    Approved,
    ChangesRequested,
}

/// What the customer did.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    Favourite {
        image: ImageId,
        on: bool,
    },
    Select {
        image: ImageId,
        on: bool,
    },
    Review {
        image: ImageId,
        verdict: Verdict,
    },
    Comment {
        image: ImageId,
        text: String,
    },
    /// "Submit selection": final.
    Submit,
    /// Activity, not a choice: the customer opened the gallery on this
    /// device (once per visit, online or not).
    Opened,
    /// Activity: this device now keeps `photos` photos of the gallery for
    /// offline use (0 once it no longer does).
    SavedOffline {
        photos: u32,
    },
    /// Activity: the customer downloaded `photos` photos (one from the
    /// lightbox, or a ZIP of several).
    Downloaded {
        photos: u32,
    },
    /// The studio's answer to the customer's comment `to` (the comment's op
    /// id). Made only by the studio's page, never taken from a device.
    Reply {
        to: OpId,
        text: String,
    },
}

impl Action {
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Favourite { .. } => "favourite",
            Action::Select { .. } => "select",
            Action::Review { .. } => "review",
            Action::Comment { .. } => "comment",
            Action::Submit => "submit",
            Action::Opened => "opened",
            Action::SavedOffline { .. } => "saved_offline",
            Action::Downloaded { .. } => "downloaded",
            Action::Reply { .. } => "reply",
        }
    }

    /// Activity the studio sees per link ("first opened", "saved offline"),
    /// which no rule refuses and no choice is made of: it travels in the
    /// outbox like a choice, but the customer is never told of it.
    pub fn is_activity(&self) -> bool {
        matches!(
            self,
            Action::Opened | Action::SavedOffline { .. } | Action::Downloaded { .. }
        )
    }

    /// Made by the studio, never taken from a customer's device.
    pub fn is_studios(&self) -> bool {
        matches!(self, Action::Reply { .. })
    }

    /// A choice the customer made (what their receipts are for): neither
    /// activity nor the studio's.
    pub fn is_customers_choice(&self) -> bool {
        !self.is_activity() && !self.is_studios()
    }

    pub fn image(&self) -> Option<&ImageId> {
        match self {
            Action::Favourite { image, .. }
            | Action::Select { image, .. }
            | Action::Review { image, .. }
            | Action::Comment { image, .. } => Some(image),
            Action::Submit
            | Action::Opened
            | Action::SavedOffline { .. }
            | Action::Downloaded { .. }
            | Action::Reply { .. } => None,
        }
    }
}

/// A comment's or a reply's text, trimmed: present, not blank, not too long.
fn text_of(
    value: Option<&str>,
    kind: &'static str,
    expected: &'static str,
) -> Result<String, OpError> {
    let text = value.ok_or(OpError::BadValue { kind, expected })?.trim();
    if text.is_empty() {
        return Err(OpError::EmptyComment);
    }
    let len = text.chars().count();
    if len > MAX_COMMENT_CHARS {
        return Err(OpError::CommentTooLong {
            len,
            max: MAX_COMMENT_CHARS,
        });
    }
    Ok(text.to_owned())
}

/// One choice, as recorded on the device and sent to the studio.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "WireOp", into = "WireOp")]
pub struct Op {
    pub id: OpId,
    pub device: DeviceId,
    pub gallery: GalleryId,
    pub hlc: Hlc,
    pub action: Action,
}

/// The op on the wire and in IndexedDB:
/// `{op_id, device_id, gallery, image, kind, value, hlc}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireOp {
    op_id: String,
    device_id: String,
    gallery: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    kind: String,
    #[serde(default)]
    value: serde_json::Value,
    hlc: Hlc,
}

/// Why an op cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    #[error("the op is not valid: {0}")]
    Malformed(String),
    #[error("`{field}` is invalid: {source}")]
    BadId {
        field: &'static str,
        source: IdError,
    },
    #[error(
        "unknown kind {0:?} (expected favourite, select, review, comment, submit, opened, saved_offline or reply)"
    )]
    UnknownKind(String),
    #[error("a {kind} op needs an `image`")]
    MissingImage { kind: &'static str },
    #[error("a {kind} op has no `image`")]
    UnexpectedImage { kind: &'static str },
    #[error("the `value` of a {kind} op must be {expected}")]
    BadValue {
        kind: &'static str,
        expected: &'static str,
    },
    #[error("a comment must not be empty")]
    EmptyComment,
    #[error("a comment is limited to {max} characters (this one has {len})")]
    CommentTooLong { len: usize, max: usize },
    #[error("the op is for gallery {found}, not {expected}")]
    WrongGallery { found: String, expected: String },
}

impl TryFrom<WireOp> for Op {
    type Error = OpError;

    fn try_from(w: WireOp) -> Result<Op, OpError> {
        let id = OpId::parse(w.op_id).map_err(|source| OpError::BadId {
            field: "op_id",
            source,
        })?;
        let device = DeviceId::parse(w.device_id).map_err(|source| OpError::BadId {
            field: "device_id",
            source,
        })?;
        let gallery = GalleryId::parse(w.gallery).map_err(|source| OpError::BadId {
            field: "gallery",
            source,
        })?;
        let image = |kind| -> Result<ImageId, OpError> {
            let raw = w.image.clone().ok_or(OpError::MissingImage { kind })?;
            ImageId::parse(raw).map_err(|source| OpError::BadId {
                field: "image",
                source,
            })
        };
        let no_image = |kind| match w.image {
            Some(_) => Err(OpError::UnexpectedImage { kind }),
            None => Ok(()),
        };
        let flag = |kind| {
            w.value.as_bool().ok_or(OpError::BadValue {
                kind,
                expected: "true or false",
            })
        };
        // An activity's count of photos: no image, a whole number.
        let photos = |kind| {
            no_image(kind)?;
            w.value
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(OpError::BadValue {
                    kind,
                    expected: "a number of photos",
                })
        };
        let action = match w.kind.as_str() {
            "favourite" => Action::Favourite {
                image: image("favourite")?,
                on: flag("favourite")?,
            },
            "select" => Action::Select {
                image: image("select")?,
                on: flag("select")?,
            },
            "review" => Action::Review {
                image: image("review")?,
                verdict: serde_json::from_value(w.value.clone()).map_err(|_| {
                    OpError::BadValue {
                        kind: "review",
                        expected: "\"approved\", \"changes_requested\" or \"undecided\"",
                    }
                })?,
            },
            "comment" => Action::Comment {
                image: image("comment")?,
                text: text_of(w.value.as_str(), "comment", "text")?,
            },
            "submit" => {
                no_image("submit")?;
                Action::Submit
            }
            "opened" => {
                no_image("opened")?;
                Action::Opened
            }
            "reply" => {
                no_image("reply")?;
                let bad = || OpError::BadValue {
                    kind: "reply",
                    expected: "{\"to\": a comment's op id, \"text\": text}",
                };
                let to = w.value.get("to").and_then(|v| v.as_str()).ok_or_else(bad)?;
                Action::Reply {
                    to: OpId::parse(to).map_err(|source| OpError::BadId {
                        field: "to",
                        source,
                    })?,
                    text: text_of(
                        w.value.get("text").and_then(|v| v.as_str()),
                        "reply",
                        "{\"to\": a comment's op id, \"text\": text}",
                    )?,
                }
            }
            "saved_offline" => Action::SavedOffline {
                photos: photos("saved_offline")?,
            },
            "downloaded" => Action::Downloaded {
                photos: photos("downloaded")?,
            },
            other => return Err(OpError::UnknownKind(other.to_owned())),
        };
        Ok(Op {
            id,
            device,
            gallery,
            hlc: w.hlc,
            action,
        })
    }
}

impl From<Op> for WireOp {
    fn from(op: Op) -> WireOp {
        let kind = op.action.kind().to_owned();
        let image = op.action.image().map(|i| i.as_str().to_owned());
        let value = match op.action {
            Action::Favourite { on, .. } | Action::Select { on, .. } => on.into(),
            Action::Review { verdict, .. } => {
                serde_json::to_value(verdict).expect("a verdict serialises")
            }
            Action::Comment { text, .. } => text.into(),
            Action::SavedOffline { photos } | Action::Downloaded { photos } => photos.into(),
            Action::Reply { to, text } => serde_json::json!({ "to": to.as_str(), "text": text }),
            Action::Submit | Action::Opened => serde_json::Value::Null,
        };
        WireOp {
            op_id: op.id.into(),
            device_id: op.device.into(),
            gallery: op.gallery.into(),
            image,
            kind,
            value,
            hlc: op.hlc,
        }
    }
}

impl Op {
    /// Reads one op from JSON, saying precisely what is wrong with a bad one,
    /// so one bad op in a batch does not sink the others.
    pub fn from_value(value: serde_json::Value) -> Result<Op, OpError> {
        let wire: WireOp =
            serde_json::from_value(value).map_err(|e| OpError::Malformed(e.to_string()))?;
        Op::try_from(wire)
    }

    /// Where this op sits in last-writer-wins order.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            hlc: self.hlc,
            device: self.device.clone(),
            op: self.id.clone(),
        }
    }
}

/// One entry of a batch as read: the op, or why it cannot be read together
/// with its `op_id` when it has one, so the studio's receipt can name it.
pub type BatchEntry = Result<Op, (Option<String>, OpError)>;

/// Why a request body is not a batch of ops at all. (One bad op refuses only
/// itself: see [`BatchEntry`].)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    #[error("the body must be {{\"ops\": [...]}}: {0}")]
    NotABatch(String),
    #[error("send at most {max} choices per request (this one has {found})")]
    TooMany { max: usize, found: usize },
}

/// Reads a request body `{"ops": [...]}` (what a device posts) into at most
/// `max_ops` entries, each op on its own, so one bad op does not refuse the
/// batch.
pub fn read_batch(body: &[u8], max_ops: usize) -> Result<Vec<BatchEntry>, BatchError> {
    #[derive(Deserialize)]
    struct Batch {
        ops: Vec<serde_json::Value>,
    }
    let batch: Batch =
        serde_json::from_slice(body).map_err(|e| BatchError::NotABatch(e.to_string()))?;
    if batch.ops.len() > max_ops {
        return Err(BatchError::TooMany {
            max: max_ops,
            found: batch.ops.len(),
        });
    }
    Ok(batch
        .ops
        .into_iter()
        .map(|value| {
            let op_id = value
                .get("op_id")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            Op::from_value(value).map_err(|e| (op_id, e))
        })
        .collect())
}

/// A short receipt id the customer can quote, derived from what the studio stored.
pub fn receipt_id(gallery: &GalleryId, op: &OpId, seq: u64) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(gallery.as_str())
        .chain_update([0])
        .chain_update(op.as_str())
        .chain_update([0])
        .chain_update(seq.to_be_bytes())
        .finalize();
    let hex: String = digest[..4].iter().map(|b| format!("{b:02X}")).collect();
    format!("{}-{}", &hex[..4], &hex[4..])
}

#[cfg(test)]
mod tests;
