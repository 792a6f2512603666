//! How the studio is told that a link submitted its selection
//! ([`NotifySettings`]): by email through an SMTP server, by a signed
//! webhook, or both; from the `--smtp-url`, `--notify-email`,
//! `--notify-from`, `--webhook-url`, `--webhook-secret` and
//! `--notify-studio-link` flags (and their `PROOFLINE_*` variables) over
//! the file's `[notify]` table.
//!
//! Passwords and keys are [`Secret`]s: never printed, not even by `Debug`.
//! Mail and webhooks leave this machine encrypted: SMTP with TLS or
//! STARTTLS, webhooks over HTTPS; plain SMTP and HTTP only to a loopback
//! address (a relay on this machine, or a test's receiver).

use std::net::IpAddr;

use anyhow::{Context as _, bail};
use lettre::message::Mailbox;
use proofline_core::Route;
use serde::Deserialize;

use crate::db::Channel;
use crate::db::sql::redact;
use crate::secret::Secret;

/// Shortest webhook secret taken: a receiver checks signatures with it.
const MIN_WEBHOOK_SECRET: usize = 16;

/// The notification flags (for `serve`; every command reads them, as the
/// file is shared).
#[derive(clap::Args, Debug, Clone, Default)]
#[command(next_help_heading = "Notifications (serve)")]
pub struct NotifyArgs {
    /// SMTP server for the studio's emails: `smtps://USER:PASSWORD@HOST[:465]`
    /// (TLS) or `smtp://USER:PASSWORD@HOST[:587]` (STARTTLS, required).
    /// Plain SMTP only to this machine: `smtp://127.0.0.1:25`, or with
    /// STARTTLS required there too: `smtp://127.0.0.1:25?tls=starttls`.
    #[arg(long, env = "PROOFLINE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// A CA certificate (PEM) the SMTP server's certificate may chain to,
    /// besides the system's: a relay with a private CA.
    #[arg(long, env = "PROOFLINE_SMTP_CA")]
    pub smtp_ca: Option<std::path::PathBuf>,
    /// Who is told when a link submits its selection (comma-separated
    /// addresses).
    #[arg(long, env = "PROOFLINE_NOTIFY_EMAIL", value_delimiter = ',')]
    pub notify_email: Vec<String>,
    /// Whom the emails come from, in the studio's name: `"Studio Name
    /// <proofs@studio.example>"`.
    #[arg(long, env = "PROOFLINE_NOTIFY_FROM")]
    pub notify_from: Option<String>,
    /// URL a JSON notice is POSTed to when a link submits (HTTPS; HTTP only
    /// to this machine), signed in `X-Proofline-Signature`.
    #[arg(long, env = "PROOFLINE_WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// Key of the webhook's HMAC-SHA256 signature (16 characters at least).
    #[arg(long, env = "PROOFLINE_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// The studio page link `proofline studio-link` printed (for every
    /// gallery): emails then link to the gallery's studio page.
    #[arg(long, env = "PROOFLINE_NOTIFY_STUDIO_LINK", hide_env_values = true)]
    pub notify_studio_link: Option<String>,
}

/// The file's `[notify]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileNotify {
    smtp_url: Option<String>,
    smtp_ca: Option<std::path::PathBuf>,
    email: Option<Addresses>,
    from: Option<String>,
    webhook_url: Option<String>,
    webhook_secret: Option<String>,
    studio_link: Option<String>,
}

/// `email = "a@x"` or `email = ["a@x", "b@x"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Addresses {
    One(String),
    Many(Vec<String>),
}

/// How the studio is told of a submit; nothing configured tells nobody.
#[derive(Debug, Clone, Default)]
pub struct NotifySettings {
    pub email: Option<EmailSettings>,
    pub webhook: Option<WebhookSettings>,
    /// The studio-wide token, for links to a gallery's studio page.
    pub studio_token: Option<Secret>,
}

impl NotifySettings {
    /// The settings the flags alone give (no file).
    pub fn from_args(args: &NotifyArgs) -> anyhow::Result<NotifySettings> {
        resolve(args, FileNotify::default())
    }

    /// The configured channels, email first.
    pub fn channels(&self) -> Vec<Channel> {
        let mut channels = Vec::new();
        if self.email.is_some() {
            channels.push(Channel::Email);
        }
        if self.webhook.is_some() {
            channels.push(Channel::Webhook);
        }
        channels
    }
}

#[derive(Debug, Clone)]
pub struct EmailSettings {
    pub smtp: SmtpSettings,
    /// The studio's name and address.
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// User name and password.
    pub credentials: Option<(String, Secret)>,
    /// A CA (PEM) trusted for this server besides the system's roots.
    pub ca_pem: Option<Vec<u8>>,
}

/// How the SMTP conversation is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// TLS from the first byte (`smtps://`, port 465).
    Tls,
    /// Plain, then STARTTLS, which the server must offer (`smtp://`, port 587).
    StartTls,
    /// Never encrypted: only to a loopback address.
    Plain,
}

#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub url: String,
    pub secret: Secret,
}

/// Flags over the file; each channel all set or not at all.
pub(super) fn resolve(args: &NotifyArgs, file: FileNotify) -> anyhow::Result<NotifySettings> {
    let smtp_url = args.smtp_url.clone().or(file.smtp_url);
    let smtp_ca = args.smtp_ca.clone().or(file.smtp_ca);
    let to = if args.notify_email.is_empty() {
        match file.email {
            Some(Addresses::One(a)) => vec![a],
            Some(Addresses::Many(a)) => a,
            None => Vec::new(),
        }
    } else {
        args.notify_email.clone()
    };
    let from = args.notify_from.clone().or(file.from);
    let email = match (smtp_url, to.is_empty(), from) {
        (None, true, None) => None,
        (Some(url), false, Some(from)) => Some(EmailSettings {
            smtp: SmtpSettings {
                ca_pem: smtp_ca.map(|path| read_ca(&path)).transpose()?,
                ..smtp(&url)?
            },
            from: mailbox(&from, "--notify-from")?,
            to: to
                .iter()
                .map(|a| mailbox(a, "--notify-email"))
                .collect::<anyhow::Result<_>>()?,
        }),
        (url, no_to, from) => half_configured(
            "Email notifications",
            &[
                (url.is_none(), "the SMTP server (PROOFLINE_SMTP_URL)"),
                (no_to, "the studio's address (PROOFLINE_NOTIFY_EMAIL)"),
                (from.is_none(), "the sender (PROOFLINE_NOTIFY_FROM)"),
            ],
        )?,
    };
    let webhook = match (
        args.webhook_url.clone().or(file.webhook_url),
        args.webhook_secret.clone().or(file.webhook_secret),
    ) {
        (None, None) => None,
        (Some(url), Some(secret)) => Some(webhook(&url, secret)?),
        (url, secret) => half_configured(
            "Webhook notifications",
            &[
                (url.is_none(), "the URL (PROOFLINE_WEBHOOK_URL)"),
                (secret.is_none(), "the secret (PROOFLINE_WEBHOOK_SECRET)"),
            ],
        )?,
    };
    let studio_token = args
        .notify_studio_link
        .clone()
        .or(file.studio_link)
        .map(|link| studio_token(&link))
        .transpose()?;
    Ok(NotifySettings {
        email,
        webhook,
        studio_token,
    })
}

fn half_configured<T>(what: &str, parts: &[(bool, &str)]) -> anyhow::Result<T> {
    let missing: Vec<&str> = parts
        .iter()
        .filter_map(|(gone, name)| gone.then_some(*name))
        .collect();
    let verb = if missing.len() == 1 { "is" } else { "are" };
    bail!(
        "{what} are half configured: {} {verb} missing (set all of them, or none)",
        missing.join(" and ")
    )
}

fn mailbox(text: &str, flag: &str) -> anyhow::Result<Mailbox> {
    text.trim()
        .parse()
        .with_context(|| format!("{text:?} ({flag}) is not an email address"))
}

/// Whether `url`'s host is this machine. (An `smtp://` URL's host is
/// opaque to the URL parser: an address in it is read here.)
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost")
                || d.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        }
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// The PEM of `--smtp-ca`, checked to hold a certificate.
fn read_ca(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    let pem = std::fs::read(path)
        .with_context(|| format!("cannot read the SMTP CA certificate {}", path.display()))?;
    if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
        bail!(
            "the SMTP CA certificate {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        );
    }
    Ok(pem)
}

fn smtp(text: &str) -> anyhow::Result<SmtpSettings> {
    let shown = redact(text);
    let url = url::Url::parse(text).map_err(|_| anyhow::anyhow!("{shown} is not an SMTP URL"))?;
    let host = url
        .host_str()
        .with_context(|| format!("the SMTP URL {shown} names no server"))?;
    let (security, port) = match url.scheme() {
        "smtps" => (SmtpSecurity::Tls, 465),
        "smtp" if is_loopback(&url) => (SmtpSecurity::Plain, 25),
        "smtp" => (SmtpSecurity::StartTls, 587),
        other => bail!("the SMTP URL {shown} starts with {other}://: use smtps:// or smtp://"),
    };
    // `?tls=starttls`: STARTTLS required even to this machine.
    let mut security = security;
    for (key, value) in url.query_pairs() {
        match (key.as_ref(), value.as_ref(), security) {
            ("tls", "starttls", SmtpSecurity::Plain | SmtpSecurity::StartTls) => {
                security = SmtpSecurity::StartTls;
            }
            _ => bail!(
                "the SMTP URL {shown} asks for {key}={value}: the one option is tls=starttls, on smtp://"
            ),
        }
    }
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .with_context(|| format!("the SMTP URL {shown} has an unreadable user or password"))
    };
    let credentials = match (url.username(), url.password()) {
        ("", None) => None,
        (user, password) => Some((decode(user)?, Secret::new(decode(password.unwrap_or(""))?))),
    };
    Ok(SmtpSettings {
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        port: url.port().unwrap_or(port),
        security,
        credentials,
        ca_pem: None,
    })
}

fn webhook(text: &str, secret: String) -> anyhow::Result<WebhookSettings> {
    let url = url::Url::parse(text)
        .ok()
        .filter(|u| u.host().is_some())
        .with_context(|| format!("the webhook URL {text:?} is not a URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => bail!(
            "the webhook URL {text:?} is plain HTTP: use https:// (plain HTTP only to this machine)"
        ),
        _ => bail!("the webhook URL {text:?} is not http(s)://"),
    }
    anyhow::ensure!(
        secret.chars().count() >= MIN_WEBHOOK_SECRET,
        "the webhook secret is too short: {MIN_WEBHOOK_SECRET} characters at least"
    );
    Ok(WebhookSettings {
        url: url.into(),
        secret: Secret::new(secret),
    })
}

/// The token of the studio-wide link (`https://…/#/studio/TOKEN`).
fn studio_token(link: &str) -> anyhow::Result<Secret> {
    let hash = link.find('#').map_or("", |i| &link[i..]);
    match Route::parse(hash) {
        Route::StudioHome { token } => Ok(Secret::new(token.as_str())),
        Route::Studio { .. } => bail!(
            "the studio link for notifications opens one gallery: give the link for every gallery (`proofline studio-link` without a gallery)"
        ),
        _ => bail!(
            "the studio link for notifications is not a studio page link (`proofline studio-link` prints one)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> NotifyArgs {
        NotifyArgs {
            smtp_url: Some("smtps://proofs%40studio.example:p%3Ass@mail.example".into()),
            notify_email: vec!["studio@example.com".into()],
            notify_from: Some("Smith & Co <proofs@studio.example>".into()),
            webhook_url: Some("https://hooks.example/proofline".into()),
            webhook_secret: Some("0123456789abcdef".into()),
            notify_studio_link: None,
            smtp_ca: None,
        }
    }

    fn resolved(a: &NotifyArgs) -> anyhow::Result<NotifySettings> {
        resolve(a, FileNotify::default())
    }

    #[test]
    fn nothing_configured_tells_nobody() {
        let s = resolved(&NotifyArgs::default()).unwrap();
        assert!(s.channels().is_empty());
    }

    #[test]
    fn both_channels_with_decoded_credentials_that_debug_never_shows() {
        let s = resolved(&args()).unwrap();
        assert_eq!(s.channels(), [Channel::Email, Channel::Webhook]);
        let smtp = &s.email.as_ref().unwrap().smtp;
        assert_eq!((smtp.host.as_str(), smtp.port), ("mail.example", 465));
        assert_eq!(smtp.security, SmtpSecurity::Tls);
        let (user, password) = smtp.credentials.as_ref().unwrap();
        assert_eq!(
            (user.as_str(), password.expose()),
            ("proofs@studio.example", "p:ss")
        );
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("p:ss") && !shown.contains("0123456789abcdef"),
            "{shown}"
        );
        assert_eq!(s.email.unwrap().from.name.as_deref(), Some("Smith & Co"));
    }

    #[test]
    fn an_smtp_ca_that_is_missing_or_not_pem_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = args();
        a.smtp_ca = Some(dir.path().join("none.pem"));
        let err = resolved(&a).unwrap_err().to_string();
        assert!(err.contains("cannot read the SMTP CA certificate"), "{err}");
        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").unwrap();
        a.smtp_ca = Some(junk);
        let err = resolved(&a).unwrap_err().to_string();
        assert!(err.contains("holds no PEM certificate"), "{err}");
    }

    #[test]
    fn smtp_is_starttls_unless_to_this_machine() {
        let smtp = |url: &str| smtp(url).map(|s| (s.security, s.port));
        assert_eq!(
            smtp("smtp://u:p@mail.example").unwrap(),
            (SmtpSecurity::StartTls, 587)
        );
        assert_eq!(
            smtp("smtp://127.0.0.1:2525").unwrap(),
            (SmtpSecurity::Plain, 2525)
        );
        assert_eq!(smtp("smtp://localhost").unwrap(), (SmtpSecurity::Plain, 25));
        assert_eq!(smtp("smtp://[::1]:25").unwrap(), (SmtpSecurity::Plain, 25));
        assert_eq!(
            smtp("smtp://127.0.0.1.example:25").unwrap(),
            (SmtpSecurity::StartTls, 25)
        );
        assert_eq!(
            smtp("smtp://127.0.0.1:2525?tls=starttls").unwrap(),
            (SmtpSecurity::StartTls, 2525)
        );
        for wrong in [
            "smtps://mail.example?tls=starttls",
            "smtp://127.0.0.1?tls=none",
        ] {
            let err = smtp(wrong).unwrap_err().to_string();
            assert!(err.contains("the one option is tls=starttls"), "{err}");
        }
        let err = smtp("http://u:secret@mail.example")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret"), "{err}");
    }

    #[test]
    fn a_half_configured_channel_says_what_is_missing() {
        let mut a = args();
        a.notify_from = None;
        let err = resolved(&a).unwrap_err().to_string();
        assert!(
            err.contains("the sender (PROOFLINE_NOTIFY_FROM) is missing"),
            "{err}"
        );
        let mut a = args();
        a.webhook_secret = None;
        let err = resolved(&a).unwrap_err().to_string();
        assert!(
            err.contains("the secret (PROOFLINE_WEBHOOK_SECRET)"),
            "{err}"
        );
    }

    #[test]
    fn webhooks_go_over_https_with_a_real_secret() {
        let hook = |url: &str, secret: &str| webhook(url, secret.into());
        assert!(hook("http://hooks.example/x", "0123456789abcdef").is_err());
        assert!(hook("http://127.0.0.1:9/x", "0123456789abcdef").is_ok());
        assert!(hook("https://hooks.example/x", "short").is_err());
    }

    #[test]
    fn the_studio_link_must_open_every_gallery() {
        let token = "AAAAAAAAAAAAAAAAAAAAAA";
        let link = |hash: &str| studio_token(&format!("https://proofs.example/{hash}"));
        assert_eq!(link(&format!("#/studio/{token}")).unwrap().expose(), token);
        assert!(link(&format!("#/studio/g1/{token}")).is_err());
        assert!(link("#/").is_err());
    }

    #[test]
    fn the_file_gives_one_address_or_several() {
        let file: FileNotify = toml::from_str(
            r#"smtp_url = "smtp://127.0.0.1:2525"
               email = ["a@example.com", "b@example.com"]
               from = "Studio <proofs@example.com>""#,
        )
        .unwrap();
        let s = resolve(&NotifyArgs::default(), file).unwrap();
        assert_eq!(s.email.unwrap().to.len(), 2);
        let file: FileNotify = toml::from_str(r#"email = "a@example.com""#).unwrap();
        assert!(resolve(&NotifyArgs::default(), file).is_err());
    }
}
