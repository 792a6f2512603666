//! A real SMTP server on loopback, its own process: Debian's aiosmtpd
//! (`python3-aiosmtpd`, which `cargo xtask setup` installs) run by
//! `smtp_server.py`, requiring a user name and password, and keeping each
//! message it takes, as Python's MIME parser reads it ([`Mail`]). Plain
//! SMTP, or TLS with a certificate from a throwaway CA ([`SmtpTls`]), AUTH
//! then refused before the upgrade. Dropping it stops the process.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde::Deserialize;

use crate::free_port;

/// One message the server took, decoded.
#[derive(Debug, Clone, Deserialize)]
pub struct Mail {
    /// The envelope's sender and recipients.
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    /// `List-Unsubscribe` and `List-Unsubscribe-Post` (empty when absent).
    #[serde(default)]
    pub list_unsubscribe: String,
    #[serde(default)]
    pub list_unsubscribe_post: String,
    /// The text part, its lines ending in `\n`.
    pub text: String,
    pub attachments: Vec<MailAttachment>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MailAttachment {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

/// The script the server runs.
const SCRIPT: &str = include_str!("smtp_server.py");

/// Debian's Python, where `python3-aiosmtpd` installs (a `python3` earlier
/// in `PATH`, such as pyenv's, lacks it).
const PYTHON: &str = "/usr/bin/python3";

/// How the server protects the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// None (what Proofline allows on loopback).
    Plain,
    /// Plain, then STARTTLS, which it requires before anything else.
    StartTls,
    /// TLS from the first byte (`smtps://`).
    Implicit,
}

/// An SMTP server taking mail for the tests.
pub struct SmtpServer {
    child: Child,
    pub addr: SocketAddr,
    pub user: String,
    pub password: String,
    pub tls: SmtpTls,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        SmtpServer::start_with(SmtpTls::Plain)
    }

    /// A server speaking `tls`, its certificate (for 127.0.0.1) from a CA
    /// of its own: [`SmtpServer::ca_file`].
    pub fn start_with(tls: SmtpTls) -> SmtpServer {
        let dir = tempfile::tempdir().expect("a temp dir");
        if tls != SmtpTls::Plain {
            write_certificates(dir.path());
        }
        let script = dir.path().join("smtp_server.py");
        std::fs::write(&script, SCRIPT).expect("writing the SMTP server's script");
        let mail = dir.path().join("mail");
        std::fs::create_dir(&mail).expect("the mail folder");
        let port = free_port();
        let (user, password) = (
            "studio@proofline.test".to_owned(),
            "s3cret: pass".to_owned(),
        );
        let mut child = Command::new(PYTHON)
            .arg(&script)
            .arg(port.to_string())
            .arg(&mail)
            .args([&user, &password])
            .arg(match tls {
                SmtpTls::Plain => "plain",
                SmtpTls::StartTls => "starttls",
                SmtpTls::Implicit => "tls",
            })
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {PYTHON} ({e}); run `cargo xtask setup` (python3-aiosmtpd)")
            });
        let mut ready = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut ready)
            .expect("the SMTP server's first line");
        assert_eq!(
            ready.trim(),
            "ready",
            "the SMTP server did not start; is python3-aiosmtpd installed (`cargo xtask setup`)?"
        );
        SmtpServer {
            child,
            addr: format!("127.0.0.1:{port}").parse().unwrap(),
            user,
            password,
            tls,
            dir,
        }
    }

    /// The PEM of the CA the server's certificate chains to (`None` for a
    /// plain server).
    pub fn ca_file(&self) -> Option<PathBuf> {
        (self.tls != SmtpTls::Plain).then(|| self.dir.path().join("ca.pem"))
    }

    /// `smtp://USER:PASSWORD@127.0.0.1:PORT`, percent-encoded; `smtps://`
    /// for TLS, `?tls=starttls` for STARTTLS.
    pub fn url(&self) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => {
                        (b as char).to_string()
                    }
                    b => format!("%{b:02X}"),
                })
                .collect()
        };
        let (scheme, query) = match self.tls {
            SmtpTls::Plain => ("smtp", ""),
            SmtpTls::StartTls => ("smtp", "?tls=starttls"),
            SmtpTls::Implicit => ("smtps", ""),
        };
        format!(
            "{scheme}://{}:{}@{}{query}",
            enc(&self.user),
            enc(&self.password),
            self.addr
        )
    }

    /// Every message taken so far, in order.
    pub fn messages(&self) -> Vec<Mail> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("mail"))
            .expect("the mail folder")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).expect("a message");
                let mut mail: Mail =
                    serde_json::from_str(&text).expect("a message as the server wrote it");
                // Lines end as the sender encoded them (CRLF in base64).
                mail.text = mail.text.replace("\r\n", "\n");
                mail
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA (`ca.pem`) and the server's certificate for 127.0.0.1 signed by it
/// (`cert.pem`, `key.pem`), in `dir`.
fn write_certificates(dir: &std::path::Path) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().expect("a CA key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Proofline test SMTP CA");
    let ca_cert = ca.self_signed(&ca_key).expect("the CA certificate");
    let key = KeyPair::generate().expect("a server key");
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .expect("server parameters");
    let issuer = Issuer::new(ca, ca_key);
    let cert = server
        .signed_by(&key, &issuer)
        .expect("the server certificate");
    for (name, label, der) in [
        ("ca.pem", "CERTIFICATE", ca_cert.der().to_vec()),
        ("cert.pem", "CERTIFICATE", cert.der().to_vec()),
        ("key.pem", "PRIVATE KEY", key.serialize_der()),
    ] {
        std::fs::write(dir.join(name), pem(label, &der)).expect("writing a certificate");
    }
}

/// `der` as PEM under `label`.
fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in text.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
