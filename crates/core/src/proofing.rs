//! The customer's choices (favourites, selection, approvals, comments, submit)
//! as operations, how any set of them merges into one state, and the studio's
//! rules that may refuse one. The device and the server run the same code, so
//! they agree on the state and on what is refused.
//!
//! **Merge rule.** Each (image, field) is a last-writer-wins register ordered by
//! [`Stamp`]: hybrid logical clock, then device id, then op id. Comments are
//! append-only (a set keyed by op id). The first submit is final. Merging is a
//! join: any order, any duplication, same state.
//!
//! **Rules** ([`Policy::check`]) are judged where an op is accepted: on the
//! device before it is queued (so the customer hears at once) and on the server
//! before it is stored (so two phones together cannot pass the maximum).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::expiry::{civil_from_days, days_from_civil, days_in_month};
use crate::hlc::Hlc;
use crate::ids::{GalleryId, IdError, ImageId, id_type};

/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 2_000;
/// Most ops the server takes in one request.
pub const MAX_OPS_PER_BATCH: usize = 500;
/// Ops a device sends per request.
pub const SEND_BATCH: usize = 100;
/// How far ahead of the server an op's clock may be: the device's clock is
/// corrected by the server's, so more than this is a broken clock.
pub const MAX_CLOCK_AHEAD_MS: u64 = 10 * 60 * 1000;

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
}

impl Action {
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Favourite { .. } => "favourite",
            Action::Select { .. } => "select",
            Action::Review { .. } => "review",
            Action::Comment { .. } => "comment",
            Action::Submit => "submit",
        }
    }

    pub fn image(&self) -> Option<&ImageId> {
        match self {
            Action::Favourite { image, .. }
            | Action::Select { image, .. }
            | Action::Review { image, .. }
            | Action::Comment { image, .. } => Some(image),
            Action::Submit => None,
        }
    }
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
    #[error("unknown kind {0:?} (expected favourite, select, review, comment or submit)")]
    UnknownKind(String),
    #[error("a {kind} op needs an `image`")]
    MissingImage { kind: &'static str },
    #[error("a submit op has no `image`")]
    UnexpectedImage,
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
        let flag = |kind| {
            w.value.as_bool().ok_or(OpError::BadValue {
                kind,
                expected: "true or false",
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
            "comment" => {
                let image = image("comment")?;
                let text = w.value.as_str().ok_or(OpError::BadValue {
                    kind: "comment",
                    expected: "text",
                })?;
                let text = text.trim();
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
                Action::Comment {
                    image,
                    text: text.to_owned(),
                }
            }
            "submit" => {
                if w.image.is_some() {
                    return Err(OpError::UnexpectedImage);
                }
                Action::Submit
            }
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
            Action::Submit => serde_json::Value::Null,
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

/// Every choice of one share link, merged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    pub images: BTreeMap<ImageId, ImageChoices>,
    /// Oldest first; unique by op id.
    pub comments: Vec<Comment>,
    /// The first submit; final.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<Stamp>,
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

    pub fn selected(&self) -> impl Iterator<Item = &ImageId> {
        self.images
            .iter()
            .filter(|(_, c)| c.selected.as_ref().is_some_and(|r| r.value))
            .map(|(id, _)| id)
    }

    pub fn selected_count(&self) -> u32 {
        u32::try_from(self.selected().count()).unwrap_or(u32::MAX)
    }

    /// Unix seconds (by the op's clock) of the submit, if any.
    pub fn submitted_at(&self) -> Option<i64> {
        self.submitted.as_ref().map(|s| s.hlc.unix_secs())
    }
}

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
            (0, Some(max)) => Some(format!("Choose up to {max} {}", photos(max))),
            (min, None) => Some(format!("Choose at least {min} {}", photos(min))),
            (min, Some(max)) if min == max => Some(format!("Choose {min} {}", photos(min))),
            (min, Some(max)) => Some(format!("Choose {min} to {max} photos")),
        };
        match (count, self.deadline) {
            (None, None) => None,
            (Some(c), None) => Some(format!("{c}.")),
            (Some(c), Some(d)) => Some(format!("{c} by {}.", day_label(d))),
            (None, Some(d)) => Some(format!("Selections close on {}.", day_label(d))),
        }
    }
}

fn photos(n: u32) -> &'static str {
    if n == 1 { "photo" } else { "photos" }
}

/// Why the studio's rules refuse an op. The message is for the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Refusal {
    #[error("The studio locked this gallery on {}; this change was not sent.", day_label(*at))]
    Locked { at: i64 },
    #[error("Your selection was submitted on {}; it can no longer change.", day_label(*at))]
    Submitted { at: i64 },
    #[error("Selections closed on {}.", day_label(*deadline))]
    PastDeadline { deadline: i64 },
    #[error(
        "You have selected the most the studio allows ({max}). Unselect one to choose another."
    )]
    SelectionFull { max: u32 },
    #[error("{}", too_few(*min, *have))]
    TooFew { min: u32, have: u32 },
    #[error("The studio allows at most {max} {}; you have {have}. Unselect {} to submit.", photos(*max), have - max)]
    TooMany { max: u32, have: u32 },
    #[error("This photo is no longer in the gallery.")]
    UnknownImage { image: ImageId },
    #[error("This device's clock is far ahead of the studio's; check the date and time settings.")]
    ClockAhead,
}

fn too_few(min: u32, have: u32) -> String {
    let missing = min - have;
    format!(
        "Choose {missing} more {}: the studio asks for at least {min} (you have {have}).",
        photos(missing)
    )
}

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
    pub fn check(&self, state: &Choices, op: &Op, server_now_ms: u64) -> Result<(), Refusal> {
        if let Some(at) = self.locked_at {
            return Err(Refusal::Locked { at });
        }
        if op.hlc.wall_ms > server_now_ms.saturating_add(MAX_CLOCK_AHEAD_MS) {
            return Err(Refusal::ClockAhead);
        }
        if let Some(image) = op.action.image()
            && !self.images.contains(image)
        {
            return Err(Refusal::UnknownImage {
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
            return Err(Refusal::PastDeadline { deadline });
        }
        if matches!(op.action, Action::Select { .. } | Action::Submit)
            && let Some(at) = state.submitted_at()
        {
            return Err(Refusal::Submitted { at });
        }
        let have = state.selected_count();
        match &op.action {
            Action::Select { image, on: true } if !state.is_selected(image) => {
                if let Some(max) = self.rules.max
                    && have >= max
                {
                    return Err(Refusal::SelectionFull { max });
                }
            }
            Action::Submit => {
                if have < self.rules.min {
                    return Err(Refusal::TooFew {
                        min: self.rules.min,
                        have,
                    });
                }
                if let Some(max) = self.rules.max
                    && have > max
                {
                    return Err(Refusal::TooMany { max, have });
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// What happened to one op the device sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Stored now.
    Applied { receipt: String, received_at: i64 },
    /// Stored by an earlier request: the same receipt again.
    Duplicate { receipt: String, received_at: i64 },
    /// The studio's rules refused it.
    Refused { refusal: Refusal, message: String },
    /// Unreadable; never stored.
    Invalid { message: String },
}

impl Outcome {
    pub fn receipt(&self) -> Option<(&str, i64)> {
        match self {
            Outcome::Applied {
                receipt,
                received_at,
            }
            | Outcome::Duplicate {
                receipt,
                received_at,
            } => Some((receipt, *received_at)),
            _ => None,
        }
    }
}

/// The server's answer about one op, by id (absent when even the id was unreadable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpReceipt {
    pub op_id: Option<String>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// `POST /api/galleries/{id}/ops` and `GET /api/galleries/{id}/choices` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoicesReply {
    #[serde(default)]
    pub receipts: Vec<OpReceipt>,
    /// Everything the studio holds for this link, merged.
    pub choices: Choices,
    /// How many ops the studio holds for this link.
    pub op_count: u64,
    /// The newest receipt and when it was given (server Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_receipt: Option<(String, i64)>,
    pub server_time: i64,
}

/// What the studio's page shows for a gallery (`GET /api/studio/galleries/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioReport {
    pub gallery: GalleryId,
    pub title: String,
    /// How many photos the gallery has.
    #[serde(default)]
    pub photos: usize,
    #[serde(default)]
    pub rules: SelectionRules,
    #[serde(default)]
    pub locked_at: Option<i64>,
    /// When the whole gallery stops being shared.
    #[serde(default)]
    pub expires_at: Option<i64>,
    pub links: Vec<LinkReport>,
}

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

/// One share link: who it is for, whether it still opens, and its choices
/// by file name, in gallery order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkReport {
    /// The id the studio names the link by (`proofline link revoke ID`).
    #[serde(default)]
    pub id: String,
    pub label: String,
    pub state: LinkState,
    #[serde(default)]
    pub created_at: i64,
    /// When the link stops opening the gallery (its own expiry).
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Whether the link asks for a PIN.
    #[serde(default)]
    pub pin: bool,
    pub op_count: u64,
    pub submitted_at: Option<i64>,
    pub selected: Vec<String>,
    pub favourites: Vec<String>,
    pub approved: Vec<String>,
    pub changes_requested: Vec<String>,
    /// (file name, text), oldest first.
    pub comments: Vec<(String, String)>,
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

/// The last second (UTC) of a day written `YYYY-MM-DD`: a deadline "on the
/// 31st" includes the 31st.
pub fn end_of_day(date: &str) -> Result<i64, String> {
    let bad = || format!("{date:?} is not a date like 2026-12-31");
    let mut parts = date.trim().splitn(3, '-');
    let mut next = |max: i64| -> Result<i64, String> {
        let n: i64 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
        if (1..=max).contains(&n) {
            Ok(n)
        } else {
            Err(bad())
        }
    };
    let (year, month, day) = (next(9999)?, next(12)?, next(31)?);
    if day > days_in_month(year, month) {
        return Err(bad());
    }
    Ok(days_from_civil(year, month, day) * 86_400 + 86_399)
}

/// "12 Nov 2026" for Unix seconds, in UTC.
pub fn day_label(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    format!("{day} {} {year}", MONTHS[(month - 1) as usize])
}

#[cfg(test)]
mod tests;
