//! The studio's replies to customers' comments: an op the studio's page
//! makes (`Action::Reply`), stored with the link's choices so it reaches
//! every device of the link with them, and offline copies keep it.

use proofline_core::GalleryId;
use proofline_core::proofing::{ChoicesReply, MAX_OPS_PER_LINK, Op, OpId, OpStatus};
use serde_json::json;

use super::Db;
use super::choices::Sender;

/// The device id the studio's replies carry.
const STUDIO_DEVICE: &str = "studio-page";

impl Db {
    /// Stores the studio's reply `text` to the comment made by op `to` on a
    /// link (by its token's hash). `Err` is why not, for the studio: no
    /// such comment, or text that is empty or too long.
    pub fn reply(
        &self,
        gallery: &GalleryId,
        link: &[u8],
        to: &OpId,
        text: &str,
        now_ms: u64,
    ) -> anyhow::Result<Result<ChoicesReply, String>> {
        // Read as a device's op is, so a reply meets the same checks as a
        // comment.
        let op = Op::from_value(json!({
            "op_id": format!("studio-{}", crate::secret::new_id(16)),
            "device_id": STUDIO_DEVICE,
            "gallery": gallery.as_str(),
            "kind": "reply",
            "value": { "to": to.as_str(), "text": text },
            "hlc": { "wall_ms": now_ms, "counter": 0 },
        }));
        let op = match op {
            Ok(op) => op,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let reply = self.ingest_from(
            gallery,
            link,
            vec![Ok(op)],
            &[],
            now_ms,
            MAX_OPS_PER_LINK,
            Sender::Studio,
        )?;
        Ok(match &reply.receipts[0].outcome {
            OpStatus::Applied { .. } | OpStatus::Duplicate { .. } => Ok(reply),
            OpStatus::Refused { message, .. } | OpStatus::Invalid { message } => {
                Err(message.clone())
            }
        })
    }
}
