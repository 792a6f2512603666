//! Activity per link, for the studio page: when a link was first and last
//! opened, on how many devices, and how many photos are saved offline. A
//! device reports it as ops ([`Action::is_activity`]) through its outbox, so
//! what happened offline arrives later and is counted once; the studio keeps
//! one [`DeviceActivity`] per device and link, and shows their
//! [`LinkActivity`].

use serde::{Deserialize, Serialize};

use super::op::{Action, Op};

/// What one device has reported for one link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceActivity {
    /// Unix milliseconds, by the device's clock set to the studio's.
    pub first_opened_ms: Option<u64>,
    pub last_opened_ms: Option<u64>,
    pub opens: u64,
    /// Photos the device last said it keeps offline.
    pub saved_offline: u32,
    /// When it said so (the newest report wins, whatever order they arrive in).
    pub saved_offline_ms: Option<u64>,
    /// Photos downloaded, in all (each op counted once by the studio).
    #[serde(default)]
    pub downloaded: u64,
}

impl DeviceActivity {
    /// Joins one op the studio stored for the first time (choices are
    /// ignored). Order-independent.
    pub fn apply(&mut self, op: &Op) {
        let at = op.hlc.wall_ms;
        match op.action {
            Action::Opened => {
                self.opens += 1;
                self.first_opened_ms = Some(self.first_opened_ms.map_or(at, |t| t.min(at)));
                self.last_opened_ms = Some(self.last_opened_ms.map_or(at, |t| t.max(at)));
            }
            Action::SavedOffline { photos } if self.saved_offline_ms.is_none_or(|t| t <= at) => {
                self.saved_offline = photos;
                self.saved_offline_ms = Some(at);
            }
            Action::Downloaded { photos } => self.downloaded += u64::from(photos),
            _ => {}
        }
    }
}

/// A link's activity as the studio page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkActivity {
    /// Unix seconds.
    pub first_opened: Option<i64>,
    pub last_opened: Option<i64>,
    /// Devices that opened the link (or reported anything).
    pub devices: u32,
    /// Visits, on all devices.
    pub opens: u64,
    /// The most photos any one device keeps offline, and how many devices
    /// keep some.
    pub saved_offline: u32,
    pub devices_offline: u32,
    /// Photos downloaded, on all devices.
    #[serde(default)]
    pub downloaded: u64,
}

impl LinkActivity {
    /// The link's activity from each of its devices'.
    pub fn of<'a>(devices: impl IntoIterator<Item = &'a DeviceActivity>) -> LinkActivity {
        let secs = |ms: u64| i64::try_from(ms / 1000).unwrap_or(i64::MAX);
        let mut link = LinkActivity::default();
        for d in devices {
            link.devices += 1;
            link.opens += d.opens;
            link.downloaded += d.downloaded;
            if let Some(first) = d.first_opened_ms.map(secs) {
                link.first_opened = Some(link.first_opened.map_or(first, |t| t.min(first)));
            }
            if let Some(last) = d.last_opened_ms.map(secs) {
                link.last_opened = Some(link.last_opened.map_or(last, |t| t.max(last)));
            }
            if d.saved_offline > 0 {
                link.devices_offline += 1;
                link.saved_offline = link.saved_offline.max(d.saved_offline);
            }
        }
        link
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proofing::fixtures::{img, op};

    fn op_at(wall_ms: u64, action: Action) -> Op {
        op("phone", wall_ms, wall_ms, action)
    }

    fn device(ops: &[Op]) -> DeviceActivity {
        let mut d = DeviceActivity::default();
        for op in ops {
            d.apply(op);
        }
        d
    }

    #[test]
    fn opens_keep_the_first_and_last_in_any_order() {
        let ops = [
            op_at(5_000, Action::Opened),
            op_at(2_000, Action::Opened),
            op_at(9_000, Action::Opened),
        ];
        let mut reversed = ops.clone();
        reversed.reverse();
        let d = device(&ops);
        assert_eq!(d, device(&reversed));
        assert_eq!(
            (d.first_opened_ms, d.last_opened_ms, d.opens),
            (Some(2_000), Some(9_000), 3)
        );
    }

    #[test]
    fn the_newest_saved_offline_report_wins_whatever_arrives_last() {
        let newer = op_at(8_000, Action::SavedOffline { photos: 0 });
        let older = op_at(3_000, Action::SavedOffline { photos: 40 });
        assert_eq!(device(&[newer.clone(), older.clone()]).saved_offline, 0);
        assert_eq!(device(&[older, newer]).saved_offline, 0);
    }

    #[test]
    fn choices_are_not_activity_and_activity_is_no_choice() {
        let fav = op_at(
            1_000,
            Action::Favourite {
                image: img(1),
                on: true,
            },
        );
        assert_eq!(device(&[fav]), DeviceActivity::default());
        let opened = [op_at(1_000, Action::Opened)];
        assert_eq!(
            crate::proofing::Choices::from_ops(&opened),
            Default::default()
        );
    }

    #[test]
    fn a_link_sums_its_devices() {
        let phone = device(&[
            op_at(10_000, Action::Opened),
            op_at(12_000, Action::SavedOffline { photos: 40 }),
            op_at(13_000, Action::Downloaded { photos: 12 }),
        ]);
        let laptop = device(&[
            op_at(4_000, Action::Opened),
            op_at(30_000, Action::Opened),
            op_at(31_000, Action::Downloaded { photos: 1 }),
        ]);
        let link = LinkActivity::of([&phone, &laptop]);
        assert_eq!(
            link,
            LinkActivity {
                first_opened: Some(4),
                last_opened: Some(30),
                devices: 2,
                opens: 3,
                saved_offline: 40,
                devices_offline: 1,
                downloaded: 13,
            }
        );
        assert_eq!(LinkActivity::of([]), LinkActivity::default());
    }
}
