//! Activity per link: what devices report through their outboxes (opened,
//! photos saved offline) reaches the studio's report once per op, in the
//! order it happened rather than arrived, through a lock, and never as the
//! customer's "received" receipt.

use proofline_core::proofing::{Action, ChoicesReply, Op, OpStatus, StudioReport};
use proofline_server::publish::PublishReport;
use proofline_test_support::{Backend, Harness, Phone, token};

use super::choices::{images, send};

/// The studio page's report on the gallery.
pub(super) async fn studio(h: &Harness, report: &PublishReport) -> StudioReport {
    h.http
        .get(format!(
            "{}/api/studio/galleries/{}",
            h.app_origin(),
            report.gallery
        ))
        .bearer_auth(report.studio_token.as_ref().unwrap().as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_report_opens_and_saved_photos_once_each_in_the_order_they_happened() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(4, 64, 48)).await;
    let ids = images(&h, &report).await;

    let mut phone = Phone::new("phone", &report.gallery);
    let opened = phone.op(Action::Opened);
    let favourite = phone.op(Action::Favourite {
        image: ids[0].clone(),
        on: true,
    });
    let saved = phone.op(Action::SavedOffline { photos: 4 });
    let batch = [opened.clone(), favourite, saved];
    let first = send(&h, &report, &batch).await;
    assert!(
        first
            .receipts
            .iter()
            .all(|r| matches!(r.outcome, OpStatus::Applied { .. })),
        "{:?}",
        first.receipts
    );
    // The customer's "received" receipt is the favourite's, not the
    // activity's that came after it.
    assert_eq!(
        first.last_receipt,
        first.receipts[1]
            .outcome
            .receipt()
            .map(|(r, t)| (r.to_owned(), t))
    );
    // A replay counts nothing twice.
    send(&h, &report, &batch).await;

    // A laptop opened the link an hour ago, offline; its report arrives now,
    // after the studio locked the gallery (activity passes a lock).
    assert!(h.db.set_locked(&report.gallery, Some(1)).unwrap());
    let mut laptop = Phone::new("laptop", &report.gallery);
    let mut earlier = laptop.op(Action::Opened);
    earlier.hlc.wall_ms -= 3_600_000;
    let late = send(&h, &report, &[earlier.clone()]).await;
    assert!(
        matches!(late.receipts[0].outcome, OpStatus::Applied { .. }),
        "{:?}",
        late.receipts
    );
    // The phone gave its copy up.
    let gone = phone.op(Action::SavedOffline { photos: 0 });
    send(&h, &report, &[gone]).await;

    let link = &studio(&h, &report).await.links[0];
    let a = &link.activity;
    assert_eq!((a.devices, a.opens), (2, 2), "{a:?}");
    assert_eq!(a.first_opened, Some((earlier.hlc.wall_ms / 1000) as i64));
    assert_eq!(a.last_opened, Some((opened.hlc.wall_ms / 1000) as i64));
    assert_eq!((a.saved_offline, a.devices_offline), (0, 0));
    assert_eq!(link.favourites.len(), 1, "choices are unchanged");
}

/// However often a page is reloaded, activity stops at half a link's room
/// and choices keep the rest.
#[tokio::test]
async fn activity_never_takes_a_choices_room() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let ids = images(&h, &report).await;
    let link = proofline_server::secret::token_hash(token(&report)).to_vec();
    let mut phone = Phone::new("phone", &report.gallery);
    let ingest = |ops: Vec<Op>| {
        h.db.ingest_capped(
            &report.gallery,
            &link,
            ops.into_iter().map(Ok).collect(),
            &[],
            proofline_server::unix_now_ms(),
            4,
        )
        .unwrap()
    };
    let opens: Vec<Op> = (0..4).map(|_| phone.op(Action::Opened)).collect();
    let reply = ingest(opens);
    let applied = |reply: &ChoicesReply| {
        reply
            .receipts
            .iter()
            .filter(|r| matches!(r.outcome, OpStatus::Applied { .. }))
            .count()
    };
    assert_eq!(applied(&reply), 2, "{:?}", reply.receipts);
    let choices: Vec<Op> = ids
        .iter()
        .map(|image| {
            phone.op(Action::Favourite {
                image: image.clone(),
                on: true,
            })
        })
        .collect();
    assert_eq!(applied(&ingest(choices)), 2);
}
