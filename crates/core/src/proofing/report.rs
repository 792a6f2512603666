//! What the studio answers: the status of each op a device sent and its
//! receipt, the merged choices of a link ([`ChoicesReply`]), and the studio
//! page's report on a gallery and each of its links.

use serde::{Deserialize, Serialize};

use super::activity::LinkActivity;
use super::merge::Choices;
use super::rules::{RuleRefusal, SelectionRules};
use crate::ids::GalleryId;
use crate::links::LinkState;

/// What happened to one op the device sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OpStatus {
    /// Stored now.
    Applied { receipt: String, received_at: i64 },
    /// Stored by an earlier request: the same receipt again.
    Duplicate { receipt: String, received_at: i64 },
    /// The studio's rules refused it.
    Refused {
        refusal: RuleRefusal,
        message: String,
    },
    /// Unreadable; never stored.
    Invalid { message: String },
}

impl OpStatus {
    pub fn receipt(&self) -> Option<(&str, i64)> {
        match self {
            OpStatus::Applied {
                receipt,
                received_at,
            }
            | OpStatus::Duplicate {
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
    pub outcome: OpStatus,
}

/// `POST /api/galleries/{id}/ops` and `GET /api/galleries/{id}/choices` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoicesReply {
    #[serde(default)]
    pub receipts: Vec<OpReceipt>,
    /// Everything the studio holds for this link, merged.
    pub choices: Choices,
    /// How many of the customer's choice ops the studio holds for this link
    /// (activity and the studio's replies are not counted).
    pub op_count: u64,
    /// The newest receipt and when it was given (server Unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_receipt: Option<(String, i64)>,
    pub server_time: i64,
    /// The server's clock in Unix milliseconds as it answered: the device
    /// reads its offset from it (see [`super::Offset::measure`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_ms: Option<i64>,
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
    /// How long a link revoked now can still be used, from the signing
    /// settings: what the studio is told before revoking.
    #[serde(default)]
    pub revocation: Option<RevocationBounds>,
    /// Something the studio must know about its last action (a revoked
    /// link whose offline copy the store refused to delete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// The photos some link chose, favourited, judged or commented on, with
    /// signed URLs to see them: the studio page shows photos, not file names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shown: Vec<StudioPhoto>,
}

/// A photo the studio page shows: its file name (how links name it) and
/// signed URLs of its thumbnail and its large proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioPhoto {
    pub file_name: String,
    pub thumb: String,
    pub proof: String,
    pub width: u32,
    pub height: u32,
}

/// The real bounds of a revocation made now (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevocationBounds {
    /// The latest any photo URL the origin has handed out stops working.
    pub photo_urls_until: i64,
    /// The latest a device that stays offline keeps showing the gallery,
    /// and loading photos through its offline copy's URLs: the gallery's
    /// offline window from now (see [`crate::offline`]).
    pub offline_until: i64,
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
    /// While the link refuses PINs after too many wrong ones: until when.
    #[serde(default)]
    pub pin_locked_until: Option<i64>,
    /// Wrong PINs given for this link, in all.
    #[serde(default)]
    pub pin_failures: u64,
    /// The address the link's customer is reminded at, if the studio gave one.
    #[serde(default)]
    pub reminders_to: Option<String>,
    /// When the customer unsubscribed from the reminders, if they did.
    #[serde(default)]
    pub reminders_off_at: Option<i64>,
    /// What the link's customer may download.
    #[serde(default)]
    pub downloads: crate::downloads::Downloads,
    /// Whether downloading needs the link's download PIN.
    #[serde(default)]
    pub download_pin: bool,
    pub op_count: u64,
    pub submitted_at: Option<i64>,
    pub selected: Vec<String>,
    pub favourites: Vec<String>,
    pub approved: Vec<String>,
    pub changes_requested: Vec<String>,
    /// (file name, text), oldest first.
    pub comments: Vec<(String, String)>,
    /// Each comment's op id, in the order of `comments`: what a reply names.
    #[serde(default)]
    pub comment_ids: Vec<String>,
    /// The studio's replies: (the comment's op id, text), oldest first.
    #[serde(default)]
    pub replies: Vec<(String, String)>,
    /// When and where the link was opened, as its devices reported.
    #[serde(default)]
    pub activity: LinkActivity,
}

impl LinkReport {
    /// Every photo the link chose, favourited, judged or commented on, by
    /// file name, each once, in the order of those lists.
    pub fn named_files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = Vec::new();
        let lists = [
            &self.selected,
            &self.favourites,
            &self.approved,
            &self.changes_requested,
        ];
        let named = lists.into_iter().flatten().map(String::as_str);
        for file in named.chain(self.comments.iter().map(|(file, _)| file.as_str())) {
            if !files.contains(&file) {
                files.push(file);
            }
        }
        files
    }
}

/// A live link with nothing chosen yet, for tests to fill in.
#[cfg(test)]
impl LinkReport {
    pub(crate) fn live(id: &str, label: &str) -> LinkReport {
        LinkReport {
            id: id.into(),
            label: label.into(),
            state: LinkState::Live,
            created_at: 0,
            expires_at: None,
            pin: false,
            pin_locked_until: None,
            pin_failures: 0,
            reminders_to: None,
            reminders_off_at: None,
            downloads: Default::default(),
            download_pin: false,
            op_count: 0,
            submitted_at: None,
            selected: Vec::new(),
            favourites: Vec::new(),
            approved: Vec::new(),
            changes_requested: Vec::new(),
            comments: Vec::new(),
            comment_ids: Vec::new(),
            replies: Vec::new(),
            activity: LinkActivity::default(),
        }
    }
}

#[cfg(test)]
mod tests;
