//! Activity per link: what each device reported (opened, photos saved
//! offline), one `link_devices` row per device holding its
//! `proofline_core::proofing::DeviceActivity`. Written by [`super::choices`]
//! in the transaction that stores the activity ops, from the ops stored for
//! the first time only, so a replayed op counts once.

use std::collections::BTreeMap;

use anyhow::Context as _;
use proofline_core::GalleryId;
use proofline_core::proofing::{DeviceActivity, Op};

use super::sql::Conn;
use crate::args;

/// Joins newly stored activity ops into their devices' rows.
pub(super) fn record(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
    ops: &[&Op],
) -> anyhow::Result<()> {
    let mut devices: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for op in ops.iter().filter(|op| op.action.is_activity()) {
        devices.entry(op.device.as_str()).or_default().push(op);
    }
    for (device, ops) in devices {
        let mut activity: DeviceActivity = match c.query_opt(
            "SELECT activity FROM link_devices
             WHERE gallery_id = ?1 AND link_hash = ?2 AND device_id = ?3",
            args![gallery.as_str(), link, device],
        )? {
            Some(row) => serde_json::from_str(&row.get::<String>(0)?)
                .context("a device's activity in the database is unreadable")?,
            None => DeviceActivity::default(),
        };
        for op in ops {
            activity.apply(op);
        }
        c.execute(
            "INSERT INTO link_devices (gallery_id, link_hash, device_id, activity)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (gallery_id, link_hash, device_id)
             DO UPDATE SET activity = excluded.activity",
            args![
                gallery.as_str(),
                link,
                device,
                serde_json::to_string(&activity)?
            ],
        )?;
    }
    Ok(())
}

/// Each device's activity for one link.
pub(super) fn of_link(
    c: &mut Conn<'_>,
    gallery: &GalleryId,
    link: &[u8],
) -> anyhow::Result<Vec<DeviceActivity>> {
    c.query(
        "SELECT activity FROM link_devices WHERE gallery_id = ?1 AND link_hash = ?2",
        args![gallery.as_str(), link],
    )?
    .iter()
    .map(|row| {
        serde_json::from_str(&row.get::<String>(0)?)
            .context("a device's activity in the database is unreadable")
    })
    .collect()
}
