//! A customer reminded by email, against a real SMTP server (Debian's
//! aiosmtpd): a link closing within 7 days and quiet for 3 gets one
//! "closes soon" and one "not finished" email, from the studio, with a page
//! that stops them (asked on GET, done on the one-click POST); they are
//! never queued twice; a link submitted, revoked, new or unsubscribed gets
//! none, and a reminder queued before its link submitted is dropped, not
//! sent. The studio page sets or clears a link's address; saving the same
//! one again leaves an unsubscribe standing.
//!
//! The origin the harness starts sends nothing (no notification settings):
//! each test sets its links up, then starts another origin that can send
//! email, whose worker looks for due reminders as it starts.

use proofline_core::notify::Reminder;
use proofline_core::proofing::StudioReport;
use proofline_server::db::notifications::Record;
use proofline_server::db::{Channel, Link, NewLink};
use proofline_server::settings::{NotifyArgs, NotifySettings, Settings};
use proofline_test_support::{Backend, Harness, SmtpServer, awkward_samples, token};
use serde_json::json;

use super::choices::images;
use super::notify::{selection, send};

const DAY: i64 = 86_400;
const ANNA: &str = "anna@customer.test";

/// Email through `smtp`, from the studio's name (the studio is told of
/// submits too).
fn email_only(smtp: &SmtpServer) -> NotifySettings {
    NotifySettings::from_args(&NotifyArgs {
        smtp_url: Some(smtp.url()),
        notify_email: vec!["studio@smith.test".into()],
        notify_from: Some("Smith & Co Photography <proofs@smith.test>".into()),
        ..NotifyArgs::default()
    })
    .expect("notification settings")
}

/// A link made `age_days` ago that closes in `closes_in_days`; its token.
fn old_link(
    h: &Harness,
    gallery: &proofline_core::GalleryId,
    label: &str,
    age_days: i64,
    closes_in_days: i64,
) -> (Link, String) {
    let now = proofline_server::unix_now();
    let new = NewLink {
        label: label.into(),
        pin: None,
        expires_at: Some(now + closes_in_days * DAY),
        ..NewLink::default()
    };
    let (link, token) =
        h.db.create_link(gallery, &new, now - age_days * DAY)
            .unwrap();
    (link, token.as_str().to_owned())
}

/// Waits until the gallery has `n` reminders, each sent or dropped.
async fn settled(h: &Harness, gallery: &proofline_core::GalleryId, n: usize) -> Vec<Record> {
    let done = |r: &Record| r.sent_at.is_some() || r.failed_at.is_some();
    super::notify::settled(h, gallery, n, Some(Channel::Customer), done).await
}

/// The customer of link `link_id` stops its reminders with the one-click
/// POST of the page a reminder links to.
async fn unsubscribe(h: &Harness, link_id: &str) {
    let key: String =
        h.db.read(|c| {
            c.query_one(
                "SELECT reminders_key FROM links WHERE link_id = ?1",
                proofline_server::args![link_id],
            )?
            .get(0)
        })
        .unwrap();
    let page = format!("{}/unsubscribe/{key}", h.config.public_url);
    let stop = h.http.post(&page).send().await.unwrap();
    assert_eq!(stop.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_is_reminded_once_of_each_and_can_stop_them_in_one_click() {
    let smtp = SmtpServer::start();
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let (anna, _) = old_link(&h, &report.gallery, "Anna", 10, 3);
    old_link(&h, &report.gallery, "No address", 10, 3);
    h.db.set_link_email(&anna.id, Some(ANNA)).unwrap();

    h.another_origin(|c: &mut Settings| c.notify = email_only(&smtp))
        .await;
    let records = settled(&h, &report.gallery, 2).await;
    assert!(records.iter().all(|r| r.sent_at.is_some()), "{records:?}");
    let mail = smtp.messages();
    assert_eq!(mail.len(), 2, "{mail:?}");
    let subjects: Vec<&str> = mail.iter().map(|m| m.subject.as_str()).collect();
    assert!(
        subjects.contains(&"Your selection from “Test gallery” is not finished"),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s.starts_with("“Test gallery” closes on ")
                && s.ends_with(": your selection is not submitted yet")),
        "{subjects:?}"
    );
    let keys = [
        Reminder::ClosesSoon.key(&report.gallery, &anna.id),
        Reminder::Unfinished.key(&report.gallery, &anna.id),
    ];
    let unsubscribe = mail[0].list_unsubscribe.trim_matches(['<', '>']).to_owned();
    for m in &mail {
        assert_eq!(m.rcpt_to, [ANNA]);
        assert_eq!(m.from, "Smith & Co Photography <proofs@smith.test>");
        assert!(
            keys.iter()
                .any(|k| m.message_id.starts_with(&format!("<{k}."))),
            "{}",
            m.message_id
        );
        assert!(m.text.starts_with("Hello,\n\n"), "{}", m.text);
        assert!(m.text.contains("Smith & Co Photography"), "{}", m.text);
        assert!(m.text.trim_end().ends_with(&unsubscribe), "{}", m.text);
        assert_eq!(m.list_unsubscribe, format!("<{unsubscribe}>"));
        assert_eq!(m.list_unsubscribe_post, "List-Unsubscribe=One-Click");
    }
    assert!(unsubscribe.starts_with(&format!("{}/unsubscribe/", h.config.public_url)));

    // Found due again (by this origin's next look, or another's): never
    // queued twice.
    let now = proofline_server::unix_now();
    assert_eq!(h.db.queue_due_reminders(now + 60).unwrap(), 0);

    // Opening the page stops nothing; the one-click POST stops them.
    let page = h.http.get(&unsubscribe).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Stop the reminders about “Test gallery”?"),
        "{html}"
    );
    assert_eq!(
        h.db.link_email(&anna.id).unwrap(),
        Some((ANNA.into(), None))
    );
    let stop = h
        .http
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(stop.status(), 200);
    assert!(
        stop.text()
            .await
            .unwrap()
            .contains("You will get no more reminders about “Test gallery”.")
    );
    let (_, off) = h.db.link_email(&anna.id).unwrap().unwrap();
    assert!(off.is_some());
    let unknown = h
        .http
        .get(format!("{}/unsubscribe/nosuchkey", h.config.public_url))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submitted_revoked_new_and_unsubscribed_links_get_no_reminder() {
    let smtp = SmtpServer::start();
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let ids = images(&h, &report).await;
    let gallery = &report.gallery;
    let (submitted, token) = old_link(&h, gallery, "Submitted", 10, 3);
    let (revoked, _) = old_link(&h, gallery, "Revoked", 10, 3);
    let (new, _) = old_link(&h, gallery, "New", 0, 3);
    let (off, _) = old_link(&h, gallery, "Unsubscribed", 10, 3);
    let (late, late_token) = old_link(&h, gallery, "Submits after the queue", 10, 30);
    for l in [&submitted, &revoked, &new, &off, &late] {
        h.db.set_link_email(&l.id, Some(ANNA)).unwrap();
    }
    send(&h, h.origin, gallery, &token, &selection(gallery, &ids, 1)).await;
    h.db.revoke_link(&revoked.id, proofline_server::unix_now())
        .unwrap();
    // The customer of `off` stops reminders from the page a reminder links to.
    unsubscribe(&h, &off.id).await;

    // Only the late link is due (quiet for 10 days); queued, then it submits.
    let now = proofline_server::unix_now();
    assert_eq!(h.db.queue_due_reminders(now).unwrap(), 1);
    send(
        &h,
        h.origin,
        gallery,
        &late_token,
        &selection(gallery, &ids, 1),
    )
    .await;

    h.another_origin(|c: &mut Settings| c.notify = email_only(&smtp))
        .await;
    let records = settled(&h, gallery, 1).await;
    assert!(records[0].sent_at.is_none());
    assert!(
        records[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.starts_with("reminder not sent")),
        "{records:?}"
    );
    // The studio was told of the two submits; the customer got nothing.
    let customer: Vec<_> = smtp
        .messages()
        .into_iter()
        .filter(|m| m.rcpt_to == [ANNA])
        .collect();
    assert!(customer.is_empty(), "{customer:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_studio_page_sets_where_reminders_go_and_an_unsubscribe_stands() {
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&proofline_samples::numbered_set(2, 64, 48)).await;
    let studio_token = report.studio_token.as_ref().unwrap().as_str().to_owned();
    let link = super::activity::studio(&h, &report).await.links[0]
        .id
        .clone();
    let url = |link: &str| {
        format!(
            "{}/api/studio/galleries/{}/links/{link}/reminders",
            h.app_origin(),
            report.gallery
        )
    };
    let post = |link: &str, body: serde_json::Value, token: &str| {
        h.http
            .post(url(link))
            .bearer_auth(token.to_owned())
            .json(&body)
            .send()
    };

    // Not an address, another gallery's link, a share token: refused, and
    // nothing is set.
    let r = post(&link, json!({ "email": "anna at example" }), &studio_token)
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("is not an email address"));
    let r = post("nosuchlink", json!({ "email": ANNA }), &studio_token)
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    for email in [ANNA, "anna at example"] {
        let r = post(&link, json!({ "email": email }), token(&report))
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{email}");
    }
    assert_eq!(h.db.link_email(&link).unwrap(), None);

    // Set: the report says where they go.
    let set = |body| async {
        let r = post(&link, body, &studio_token).await.unwrap();
        assert_eq!(r.status(), 200);
        let after: StudioReport = r.json().await.unwrap();
        let l = after.links.iter().find(|l| l.id == link).unwrap().clone();
        (l.reminders_to, l.reminders_off_at)
    };
    assert_eq!(
        set(json!({ "email": format!(" {ANNA} ") })).await,
        (Some(ANNA.to_owned()), None)
    );

    // The customer unsubscribes; the studio saving the same address again
    // does not undo it, a new address does.
    unsubscribe(&h, &link).await;
    let (to, off) = set(json!({ "email": ANNA })).await;
    assert_eq!(to.as_deref(), Some(ANNA));
    assert!(off.is_some(), "the unsubscribe stands");
    let other = "anna.new@example.com";
    assert_eq!(
        set(json!({ "email": other })).await,
        (Some(other.to_owned()), None)
    );

    // Cleared: no reminders.
    assert_eq!(set(json!({ "email": null })).await, (None, None));
    assert_eq!(h.db.link_email(&link).unwrap(), None);
}
