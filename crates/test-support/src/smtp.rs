//! A real SMTP server on loopback, its own process: Debian's aiosmtpd
//! (`python3-aiosmtpd`, which `cargo xtask setup` installs) run by
//! `smtp_server.py`, requiring a user name and password, and keeping each
//! message it takes, as Python's MIME parser reads it ([`Mail`]). Dropping
//! it stops the process.

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

/// An SMTP server taking mail for the tests.
pub struct SmtpServer {
    child: Child,
    pub addr: SocketAddr,
    pub user: String,
    pub password: String,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let dir = tempfile::tempdir().expect("a temp dir");
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
            dir,
        }
    }

    /// `smtp://USER:PASSWORD@127.0.0.1:PORT`, percent-encoded.
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
        format!(
            "smtp://{}:{}@{}",
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
