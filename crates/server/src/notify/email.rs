//! The studio's email when a link submits: from the studio's own name and
//! address, the subject and text from `proofline_core::wording`, the
//! selection attached as CSV, and the event's key in the `Message-ID` so a
//! mail system (or a person) can tell a repeat from a new submit. And a
//! customer's reminder, from the studio, with its unsubscribe page.
//!
//! Sent by lettre over rustls: TLS from the first byte (`smtps://`), or
//! STARTTLS the server must offer (`smtp://`; lettre sends nothing, not even
//! the password, before the upgrade); unencrypted only to a loopback
//! address (see `settings::notify`). The server's certificate must chain to
//! the system's roots or to the CA given with `--smtp-ca`.

use std::time::Duration;

use anyhow::Context as _;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use proofline_core::notify::DELIVERY_TIMEOUT_MS;
use proofline_core::notify::Reminder;
use proofline_core::wording::{reminder_body, reminder_subject, submitted_body, submitted_subject};

use super::Submission;
use crate::db::ReminderFacts;
use crate::settings::{EmailSettings, SmtpSecurity};

/// Refuses what is not one email address.
pub fn check_address(address: &str) -> anyhow::Result<()> {
    address
        .parse::<lettre::Address>()
        .map(drop)
        .map_err(|e| anyhow::anyhow!("{address:?} is not an email address ({e})"))
}

/// The studio's SMTP server and addresses.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
}

impl Mailer {
    pub fn new(settings: &EmailSettings) -> anyhow::Result<Mailer> {
        let smtp = &settings.smtp;
        let tls = || -> anyhow::Result<TlsParameters> {
            let mut params = TlsParameters::builder(smtp.host.clone());
            if let Some(pem) = &smtp.ca_pem {
                params = params.add_root_certificate(
                    Certificate::from_pem(pem).context("the SMTP CA certificate is unreadable")?,
                );
            }
            params
                .build_rustls()
                .with_context(|| format!("cannot prepare TLS for the SMTP server {}", smtp.host))
        };
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host);
        let builder = match smtp.security {
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls()?)),
            SmtpSecurity::StartTls => builder.tls(Tls::Required(tls()?)),
            SmtpSecurity::Plain => builder,
        };
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

    /// A reminder to a link's customer: from the studio, to the address the
    /// studio gave, with the page that stops reminders in the text and in
    /// `List-Unsubscribe` (one click, RFC 8058). `key` is the event's.
    pub fn reminder(
        &self,
        kind: Reminder,
        key: &str,
        facts: &ReminderFacts,
        unsubscribe: &str,
    ) -> anyhow::Result<Message> {
        let to: Mailbox = facts
            .to
            .parse()
            .with_context(|| format!("the customer's address {:?} is not valid", facts.to))?;
        let studio = self.from.name.as_deref().unwrap_or("The studio");
        let text = reminder_body(
            kind,
            studio,
            &facts.gallery_title,
            facts.closes_at,
            facts.selected,
            unsubscribe,
        );
        Ok(Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(reminder_subject(
                kind,
                &facts.gallery_title,
                facts.closes_at,
            ))
            .message_id(Some(format!(
                "<{key}.{}@{}>",
                kind.as_str(),
                self.from.email.domain()
            )))
            .header(ListUnsubscribe(format!("<{unsubscribe}>")))
            .header(ListUnsubscribePost)
            .header(ContentType::TEXT_PLAIN)
            .body(text)?)
    }

    /// Sends `message`; an error says why the server did not take it (never
    /// with the password).
    pub async fn send(&self, message: Message) -> anyhow::Result<()> {
        self.transport
            .send(message)
            .await
            .map(drop)
            .context("the SMTP server did not take the email")
    }
}

/// `List-Unsubscribe: <https://…/unsubscribe/KEY>`.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}
