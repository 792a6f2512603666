//! The studio's email over TLS, against aiosmtpd with a certificate from a
//! CA of its own (`--smtp-ca`): STARTTLS, which the server requires before
//! AUTH, and TLS from the first byte each deliver the submit's email once;
//! a certificate the studio does not trust is refused, and the email waits
//! to be tried again rather than go unencrypted or be lost.

use std::time::Duration;

use proofline_core::GalleryId;
use proofline_server::db::Channel;
use proofline_server::settings::{NotifyArgs, NotifySettings, Settings};
use proofline_test_support::{Backend, Harness, SmtpServer, SmtpTls, awkward_samples};

use super::choices::images;
use super::notify::{all_sent, link, selection, send, settled};

/// Email only, through `smtp`, trusting `ca` for its certificate.
fn email(smtp: &SmtpServer, ca: Option<std::path::PathBuf>) -> NotifySettings {
    NotifySettings::from_args(&NotifyArgs {
        smtp_url: Some(smtp.url()),
        smtp_ca: ca,
        notify_email: vec!["studio@smith.test".into()],
        notify_from: Some("Smith & Co Photography <proofs@smith.test>".into()),
        ..NotifyArgs::default()
    })
    .expect("notification settings")
}

/// Starts an origin telling `smtp` of submits, and submits a selection.
async fn submit_through(smtp: &SmtpServer, ca: Option<std::path::PathBuf>) -> (Harness, GalleryId) {
    let settings = email(smtp, ca);
    let h = Harness::start_configured(Backend::Embedded, |c: &mut Settings| {
        c.notify = settings;
    })
    .await;
    let report = h.publish(&awkward_samples()).await;
    let ids = images(&h, &report).await;
    let anna = link(&h, &report, "Anna");
    send(
        &h,
        h.origin,
        &report.gallery,
        &anna,
        &selection(&report.gallery, &ids, 2),
    )
    .await;
    (h, report.gallery)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_studios_email_goes_over_starttls_and_over_tls() {
    for tls in [SmtpTls::StartTls, SmtpTls::Implicit] {
        let smtp = SmtpServer::start_with(tls);
        let (h, gallery) = submit_through(&smtp, smtp.ca_file()).await;
        let records = all_sent(&h, &gallery, 1).await;
        assert_eq!(records[0].attempts, 1, "{tls:?}: {records:?}");
        let mail = smtp.messages();
        assert_eq!(mail.len(), 1, "{tls:?}: {mail:?}");
        assert_eq!(
            mail[0].subject,
            "Anna submitted a selection — Test gallery (2 photos)"
        );
        assert_eq!(mail[0].attachments.len(), 1, "{tls:?}: the CSV");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_the_studio_does_not_trust_is_refused_and_the_email_waits() {
    for tls in [SmtpTls::StartTls, SmtpTls::Implicit] {
        let smtp = SmtpServer::start_with(tls);
        // The system's roots only: the server's private CA is not among them.
        let (h, gallery) = submit_through(&smtp, None).await;
        let records = settled(&h, &gallery, 1, Some(Channel::Email), |r| {
            r.last_error.is_some()
        })
        .await;
        let record = &records[0];
        assert_eq!(record.sent_at, None, "{tls:?}: {record:?}");
        assert_eq!(record.failed_at, None, "{tls:?}: tried again: {record:?}");
        let error = record.last_error.as_deref().unwrap_or_default();
        assert!(
            error.to_lowercase().contains("certificate"),
            "{tls:?}: {error}"
        );
        // Nothing was taken: not the message, and (AUTH needing TLS) not
        // the password.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(smtp.messages().is_empty(), "{tls:?}");
    }
}
