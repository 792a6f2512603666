//! The studio told of a submit, against a real SMTP server (Debian's
//! aiosmtpd, requiring a password) and a real webhook receiver (an axum
//! server checking the signature): one submit makes one email and one
//! webhook, however often its batch is resent; a receiver that fails is
//! tried again until it takes the notice, once; two origins on one database
//! deliver each notice once; a delivery cut short (its worker stopped after
//! claiming it) is made once its claim runs out.
//!
//! Nothing here waits a fixed time: each test polls, with a deadline, for
//! the database to record every notification sent, then counts what the
//! receivers got (a notification recorded sent is never claimed again).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac as _};
use proofline_core::proofing::{Action, ChoicesReply, Op};
use proofline_core::{GalleryId, ImageId};
use proofline_server::db::notifications::Record;
use proofline_server::db::{Channel, NewLink};
use proofline_server::publish::PublishReport;
use proofline_server::secret::{new_token, token_hash};

use super::choices::images;
use proofline_server::settings::{NotifyArgs, NotifySettings, Settings};
use proofline_test_support::{
    Backend, Durability, Harness, Phone, SmtpServer, TempPostgres, awkward_samples, now_ms,
};
use serde_json::{Value, json};

const SECRET: &str = "a webhook secret for the tests";
const STUDIO: &str = "studio@smith.test";

/// What the webhook receiver got in one request.
#[derive(Debug, Clone)]
struct Delivery {
    key: String,
    event: String,
    /// Whether `X-Proofline-Signature` is the body's HMAC under [`SECRET`].
    signed: bool,
    body: Value,
    /// Whether the receiver answered 200 (else it was told to fail).
    accepted: bool,
}

/// A webhook receiver on loopback that fails its first `failures`
/// requests with a 500.
#[derive(Clone)]
struct Receiver {
    addr: SocketAddr,
    failures: Arc<AtomicUsize>,
    got: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    async fn start(failures: usize) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Receiver {
            addr: listener.local_addr().unwrap(),
            failures: Arc::new(AtomicUsize::new(failures)),
            got: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(take))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    fn got(&self) -> Vec<Delivery> {
        self.got.lock().unwrap().clone()
    }

    fn accepted(&self) -> Vec<Delivery> {
        self.got().into_iter().filter(|d| d.accepted).collect()
    }
}

async fn take(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(&body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    let fail = r
        .failures
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    r.got.lock().unwrap().push(Delivery {
        key: header("x-proofline-delivery"),
        event: header("x-proofline-event"),
        signed: header("x-proofline-signature") == expected,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        accepted: !fail,
    });
    if fail {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::OK
    }
}

/// Email through `smtp` and the webhook to `hook`, from the studio's name;
/// emails link to the studio page when `studio_link` is given.
fn notify(smtp: &SmtpServer, hook: &Receiver, studio_link: Option<String>) -> NotifySettings {
    NotifySettings::from_args(&NotifyArgs {
        smtp_url: Some(smtp.url()),
        notify_email: vec![STUDIO.into()],
        notify_from: Some("Smith & Co Photography <proofs@smith.test>".into()),
        webhook_url: Some(format!("http://{}/hook", hook.addr)),
        webhook_secret: Some(SECRET.into()),
        notify_studio_link: studio_link,
        smtp_ca: smtp.ca_file(),
    })
    .expect("notification settings")
}

/// A new share link for `label`: its token.
pub(super) fn link(h: &Harness, report: &PublishReport, label: &str) -> String {
    let new = NewLink {
        label: label.into(),
        pin: None,
        expires_at: None,
        ..NewLink::default()
    };
    let (_, token) =
        h.db.create_link(&report.gallery, &new, proofline_server::unix_now())
            .unwrap();
    token.as_str().to_owned()
}

/// The customer on `token` selects the first `n` photos and submits.
pub(super) fn selection(gallery: &GalleryId, images: &[ImageId], n: usize) -> Vec<Op> {
    let mut phone = Phone::new("phone", gallery);
    let mut ops: Vec<Op> = images[..n]
        .iter()
        .map(|image| {
            phone.op(Action::Select {
                image: image.clone(),
                on: true,
            })
        })
        .collect();
    ops.push(phone.op(Action::Favourite {
        image: images[0].clone(),
        on: true,
    }));
    ops.push(phone.op(Action::Submit));
    ops
}

pub(super) async fn send(
    h: &Harness,
    at: SocketAddr,
    gallery: &GalleryId,
    token: &str,
    ops: &[Op],
) {
    let resp = h
        .http
        .post(format!("http://{at}/api/galleries/{gallery}/ops"))
        .bearer_auth(token)
        .json(&json!({ "ops": ops }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let reply: ChoicesReply = resp.json().await.unwrap();
    assert_eq!(reply.receipts.len(), ops.len());
}

/// Waits (a minute at most) until the gallery has `n` notifications, every
/// one recorded sent; answers them.
pub(super) async fn all_sent(h: &Harness, gallery: &GalleryId, n: usize) -> Vec<Record> {
    settled(h, gallery, n, None, |r| r.sent_at.is_some()).await
}

/// Waits (a minute at most) until the gallery has `n` notifications (on
/// `channel`, or on any), every one `done`; answers them.
pub(super) async fn settled(
    h: &Harness,
    gallery: &GalleryId,
    n: usize,
    channel: Option<Channel>,
    done: impl Fn(&Record) -> bool,
) -> Vec<Record> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let records: Vec<Record> =
            h.db.notifications(gallery)
                .unwrap()
                .into_iter()
                .filter(|r| channel.is_none_or(|c| r.channel == c))
                .collect();
        if records.len() == n && records.iter().all(&done) {
            return records;
        }
        assert!(
            Instant::now() < deadline,
            "after a minute, not all {n} notifications are settled: {records:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_tells_the_studio_once_by_email_and_by_webhook_however_often_it_is_resent() {
    let (smtp, hook) = (SmtpServer::start(), Receiver::start(0).await);
    let studio_token = new_token();
    let h = Harness::start_configured(Backend::Embedded, |c: &mut Settings| {
        let studio_link = format!("{}/#/studio/{}", c.public_url, studio_token.as_str());
        c.notify = notify(&smtp, &hook, Some(studio_link));
    })
    .await;
    h.db.set_studio_wide_token(&token_hash(studio_token.as_str()))
        .unwrap();
    let report = h.publish(&awkward_samples()).await;
    let ids = images(&h, &report).await;
    let anna = link(&h, &report, "Anna");
    let batch = selection(&report.gallery, &ids, 2);
    send(&h, h.origin, &report.gallery, &anna, &batch).await;

    let records = all_sent(&h, &report.gallery, 2).await;
    let key = &records[0].key;
    assert_eq!(
        records.iter().map(|r| r.channel).collect::<Vec<_>>(),
        [Channel::Email, Channel::Webhook]
    );
    assert!(records.iter().all(|r| &r.key == key && r.attempts == 1));

    let mail = smtp.messages();
    assert_eq!(mail.len(), 1, "{mail:?}");
    let mail = &mail[0];
    assert_eq!(mail.rcpt_to, [STUDIO]);
    assert_eq!(mail.from, "Smith & Co Photography <proofs@smith.test>");
    assert_eq!(
        mail.subject,
        "Anna submitted a selection — Test gallery (2 photos)"
    );
    assert_eq!(mail.message_id, format!("<{key}.submitted@smith.test>"));
    assert!(
        mail.text
            .starts_with("Anna submitted a selection of 2 photos from Test gallery at "),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("2 selected · 1 favourite"),
        "{}",
        mail.text
    );
    // The studio page link in the email opens the gallery's studio page.
    let page = format!(
        "{}/studio/#/studio/{}/{}",
        h.config.public_url,
        report.gallery,
        studio_token.as_str()
    );
    assert!(mail.text.contains(&page), "{}", mail.text);
    let studio = h
        .http
        .get(format!(
            "{}/api/studio/galleries/{}",
            h.app_origin(),
            report.gallery
        ))
        .bearer_auth(studio_token.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(studio.status(), 200);
    let [csv] = &mail.attachments[..] else {
        panic!("one attachment: {:?}", mail.attachments)
    };
    assert!(csv.filename.ends_with("-selection.csv"), "{}", csv.filename);
    assert_eq!(csv.content_type, "text/csv");
    let rows: Vec<&str> = csv.content.lines().collect();
    assert_eq!(rows[0], "file_name,link,favourite,verdict,comments");
    assert_eq!(rows.len(), 3, "{}", csv.content);
    assert!(rows[1].contains("\"Anna\",yes"), "{}", rows[1]);

    let hooks = hook.got();
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    let hook_got = &hooks[0];
    assert!(hook_got.signed && hook_got.accepted);
    assert_eq!(&hook_got.key, key);
    assert_eq!(hook_got.event, "selection.submitted");
    assert_eq!(hook_got.body["delivery"], key.as_str());
    assert_eq!(hook_got.body["gallery"]["name"], "Test gallery");
    assert_eq!(hook_got.body["link"]["name"], "Anna");
    assert_eq!(hook_got.body["selected"].as_array().unwrap().len(), 2);
    assert_eq!(hook_got.body["favourites"], 1);

    // The device never heard back and sends the same batch again, to this
    // origin and to another: the submit is stored once, so nothing new is
    // queued and nothing more is sent.
    send(&h, h.origin, &report.gallery, &anna, &batch).await;
    let other = h.another_origin(|_| {}).await;
    send(&h, other, &report.gallery, &anna, &batch).await;
    assert_eq!(all_sent(&h, &report.gallery, 2).await, records);
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(hook.got().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_webhook_is_tried_again_until_it_takes_the_notice_once() {
    let (smtp, hook) = (SmtpServer::start(), Receiver::start(2).await);
    let h = Harness::start_configured(Backend::Embedded, |c: &mut Settings| {
        c.notify = notify(&smtp, &hook, None);
    })
    .await;
    let report = h.publish(&awkward_samples()).await;
    let ids = images(&h, &report).await;
    let token = link(&h, &report, "Grandma");
    send(
        &h,
        h.origin,
        &report.gallery,
        &token,
        &selection(&report.gallery, &ids, 1),
    )
    .await;

    let records = all_sent(&h, &report.gallery, 2).await;
    let webhook = records
        .iter()
        .find(|r| r.channel == Channel::Webhook)
        .unwrap();
    assert_eq!(webhook.attempts, 3, "{records:?}");
    let got = hook.got();
    assert_eq!(
        got.iter().map(|d| d.accepted).collect::<Vec<_>>(),
        [false, false, true]
    );
    assert!(got.iter().all(|d| d.signed && d.key == webhook.key));
    assert_eq!(hook.accepted().len(), 1);
    assert_eq!(smtp.messages().len(), 1);
}

/// Six links submit, three through each of two origins sharing one
/// database: every submit is told once by email and once by webhook.
async fn two_origins_tell_each_submit_once(h: Harness, smtp: &SmtpServer, hook: &Receiver) {
    let other = h.another_origin(|_| {}).await;
    let report = h.publish(&awkward_samples()).await;
    let ids = images(&h, &report).await;
    let names = ["Anna", "Ben", "Cleo", "Dev", "Ema", "Finn"];
    for (i, name) in names.iter().enumerate() {
        let token = link(&h, &report, name);
        let at = if i % 2 == 0 { h.origin } else { other };
        send(
            &h,
            at,
            &report.gallery,
            &token,
            &selection(&report.gallery, &ids, 1),
        )
        .await;
    }

    let records = all_sent(&h, &report.gallery, 2 * names.len()).await;
    assert!(records.iter().all(|r| r.attempts == 1), "{records:?}");
    let mut subjects: Vec<String> = smtp.messages().into_iter().map(|m| m.subject).collect();
    subjects.sort();
    let expected: Vec<String> = names
        .iter()
        .map(|n| format!("{n} submitted a selection — Test gallery (1 photo)"))
        .collect();
    assert_eq!(subjects, expected);
    let mut links: Vec<String> = hook
        .got()
        .iter()
        .map(|d| d.body["link"]["name"].as_str().unwrap().to_owned())
        .collect();
    links.sort();
    assert_eq!(links, names);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_origins_on_one_sqlite_file_tell_each_submit_once() {
    let (smtp, hook) = (SmtpServer::start(), Receiver::start(0).await);
    let h = Harness::start_configured(Backend::Embedded, |c: &mut Settings| {
        c.notify = notify(&smtp, &hook, None);
    })
    .await;
    two_origins_tell_each_submit_once(h, &smtp, &hook).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_origins_on_one_postgresql_tell_each_submit_once() {
    let pg = TempPostgres::start(Durability::Fast).unwrap();
    let (smtp, hook) = (SmtpServer::start(), Receiver::start(0).await);
    let h = Harness::start_configured(Backend::Embedded, |c: &mut Settings| {
        c.database = pg.url("proofline");
        c.notify = notify(&smtp, &hook, None);
    })
    .await;
    two_origins_tell_each_submit_once(h, &smtp, &hook).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_cut_short_is_made_once_its_claim_runs_out() {
    let (smtp, hook) = (SmtpServer::start(), Receiver::start(0).await);
    // The origin the customer reaches has no notifications of its own: the
    // submit is stored, and its notifications queued, as one with them
    // would.
    let h = Harness::start(Backend::Embedded).await;
    let report = h.publish(&awkward_samples()).await;
    let ids = images(&h, &report).await;
    let token = link(&h, &report, "Anna");
    let channels = [Channel::Email, Channel::Webhook];
    h.db.ingest(
        &report.gallery,
        &token_hash(&token),
        selection(&report.gallery, &ids, 1)
            .into_iter()
            .map(Ok)
            .collect(),
        &channels,
        now_ms(),
    )
    .unwrap();
    // A worker claims both, then its process stops before sending.
    let now = now_ms();
    for _ in &channels {
        let claimed =
            h.db.claim_notification("stopped-origin", &channels, now, now + 1_500)
                .unwrap();
        assert!(claimed.is_some());
    }
    assert!(
        h.db.claim_notification("another", &channels, now, now + 1_500)
            .unwrap()
            .is_none(),
        "a claimed notification is not claimed again within its lease"
    );

    // An origin with notifications starts (the stopped one restarting) and
    // delivers both once their claims run out.
    let restarted = h
        .start_another(|c: &mut Settings| c.notify = notify(&smtp, &hook, None))
        .await;
    let records = all_sent(&h, &report.gallery, 2).await;
    assert!(records.iter().all(|r| r.attempts == 2), "{records:?}");
    assert_eq!(smtp.messages().len(), 1);
    assert_eq!(hook.got().len(), 1);
    restarted.shutdown().await.unwrap();
}
