//! The local outbox: each mail is written as `<notification id>.eml` (RFC 5322, 8-bit, text and HTML
//! as `multipart/alternative`) into a folder, so a new user sees the mails without any account.
//! A file is written aside and renamed into place, so a reader never sees half a mail, and
//! sending one notification again overwrites its file rather than adding a second.
use std::path::PathBuf;

use async_trait::async_trait;
use base64::Engine;

use super::{Delivered, Mail, Mailer, SendError};

#[derive(Debug, Clone)]
pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}

/// A header value as RFC 2047 words when it is not plain ASCII.
fn header_text(text: &str) -> String {
    if text.is_ascii() && !text.contains(['\r', '\n']) {
        text.to_string()
    } else {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(text.replace(['\r', '\n'], " "));
        format!("=?UTF-8?B?{encoded}?=")
    }
}

/// A body as 8-bit lines ending in CRLF (readable as it is; the templates keep lines short).
fn crlf_lines(text: &str) -> String {
    text.lines().collect::<Vec<_>>().join("\r\n")
}

/// The mail as an RFC 5322 message.
pub fn eml(mail: &Mail, date: chrono::DateTime<chrono::Utc>) -> String {
    let boundary = format!("tendlc-{}", mail.id.simple());
    let headers = [
        format!("Message-ID: {}", mail.message_id()),
        format!("Date: {}", date.to_rfc2822()),
        format!(
            "From: {} <{}>",
            header_text(&mail.from_name),
            mail.from_email
        ),
        format!("To: <{}>", mail.to),
        format!("Subject: {}", header_text(&mail.subject)),
        "MIME-Version: 1.0".to_string(),
        format!("Content-Type: multipart/alternative; boundary=\"{boundary}\""),
        format!("X-Tendlc-Notification-Id: {}", mail.id),
    ];
    let part = |content_type: &str, body: &str| {
        format!(
            "--{boundary}\r\nContent-Type: {content_type}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
            crlf_lines(body)
        )
    };
    format!(
        "{}\r\n\r\n{}{}--{boundary}--\r\n",
        headers.join("\r\n"),
        part("text/plain", &mail.text),
        part("text/html", &mail.html),
    )
}

#[async_trait]
impl Mailer for Outbox {
    fn provider(&self) -> &'static str {
        "outbox"
    }

    async fn send(&self, mail: &Mail) -> Result<Delivered, SendError> {
        let busy = |what: &str, error: std::io::Error| SendError::Busy {
            answer: format!("cannot {what} in {}: {error}", self.dir.display()),
            retry_after: None,
        };
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| busy("create the outbox folder", e))?;
        let name = format!("{}.eml", mail.id);
        let partial = self.dir.join(format!(".{name}.partial"));
        let path = self.dir.join(&name);
        tokio::fs::write(&partial, eml(mail, chrono::Utc::now()))
            .await
            .map_err(|e| busy("write the mail", e))?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(|e| busy("move the mail into place", e))?;
        Ok(Delivered {
            message_id: Some(name),
            answer: format!("written to {}", path.display()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_write_both_parts_and_encode_a_non_ascii_subject() {
        let mail = Mail {
            id: uuid::Uuid::from_u128(1),
            from_email: "notifications@example.com".into(),
            from_name: "Acme Messaging".into(),
            to: "ops@example.com".into(),
            subject: "Brand “Café” verified".into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
        };
        let text = eml(&mail, chrono::DateTime::from_timestamp(0, 0).unwrap());
        assert!(text.contains("Subject: =?UTF-8?B?"), "{text}");
        assert!(text.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(text.contains("Content-Type: text/html; charset=utf-8"));
        assert!(text.contains("Message-ID: <00000000-0000-0000-0000-000000000001@tendlc>"));
        assert!(text.ends_with("--\r\n"));
    }
}
