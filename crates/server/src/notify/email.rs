//! The studio's email when a link submits: from the studio's own name and
//! address, the subject and text from `proofline_core::wording`, the
//! selection attached as CSV, and the event's key in the `Message-ID` so a
//! mail system (or a person) can tell a repeat from a new submit.
//!
//! Sent by lettre over rustls: TLS from the first byte (`smtps://`), or
//! STARTTLS the server must offer (`smtp://`; lettre sends nothing, not even
//! the password, before the upgrade); unencrypted only to a loopback
//! address (see `settings::notify`).

use std::time::Duration;

use anyhow::Context as _;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use proofline_core::notify::DELIVERY_TIMEOUT_MS;
use proofline_core::wording::{submitted_body, submitted_subject};

use super::Submission;
use crate::settings::{EmailSettings, SmtpSecurity};

/// The studio's SMTP server and addresses.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
}

impl Mailer {
    pub fn new(settings: &EmailSettings) -> anyhow::Result<Mailer> {
        let smtp = &settings.smtp;
        let builder = match smtp.security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host),
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
            }
            SmtpSecurity::Plain => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &smtp.host,
            )),
        }
        .with_context(|| format!("cannot prepare TLS for the SMTP server {}", smtp.host))?;
        let mut builder = builder
            .port(smtp.port)
            .timeout(Some(Duration::from_millis(DELIVERY_TIMEOUT_MS)));
        if let Some((user, password)) = &smtp.credentials {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: settings.from.clone(),
            to: settings.to.clone(),
        })
    }

    /// The email for `submission`.
    pub fn message(&self, submission: &Submission) -> anyhow::Result<Message> {
        let s = submission;
        let mut message = Message::builder()
            .from(self.from.clone())
            .subject(submitted_subject(&s.gallery_title, &s.link))
            .message_id(Some(format!(
                "<{}.submitted@{}>",
                s.key,
                self.from.email.domain()
            )));
        for to in &self.to {
            message = message.to(to.clone());
        }
        let text = submitted_body(
            &s.gallery_title,
            &s.link,
            s.studio_page.as_deref(),
            &s.csv_name(),
        );
        let csv = ContentType::parse("text/csv; charset=utf-8").context("the CSV's type")?;
        Ok(message.multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(text))
                .singlepart(Attachment::new(s.csv_name()).body(s.csv.clone(), csv)),
        )?)
    }

    /// Sends the email for `submission`; an error says why the server did
    /// not take it (never with the password).
    pub async fn send(&self, submission: &Submission) -> anyhow::Result<()> {
        let message = self.message(submission)?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .context("the SMTP server did not take the email")
    }
}
