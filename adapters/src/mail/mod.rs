//! Sending e-mail: one [`Mail`] in, the provider's answer out. Three senders — a local outbox
//! folder (the default: one `.eml` file per mail), SendGrid's v3 API, and SMTP — and the
//! templates that write the mails ([`render`]).
use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

pub mod outbox;
pub mod render;
pub mod sendgrid;
pub mod smtp;

/// One mail to one recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    /// The notification it delivers: its `Message-ID`, and the key a provider can dedupe by.
    pub id: Uuid,
    pub from_email: String,
    pub from_name: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// `<id@tendlc>`: the same for every attempt at one notification.
    pub fn message_id(&self) -> String {
        format!("<{}@tendlc>", self.id)
    }
}

/// The provider took the mail.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered {
    /// The provider's id for it, when it gives one.
    pub message_id: Option<String>,
    /// What it answered (status, cut short), for the record.
    pub answer: String,
}

/// The provider did not take the mail.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// Busy or failing (429, 5xx, no connection): trying again later may work.
    #[error("the mail provider did not take the mail for now: {answer}")]
    Busy {
        answer: String,
        /// When the provider asked to be called again.
        retry_after: Option<Duration>,
    },
    /// Refused (a 4xx other than 429, a bad address): trying again cannot help.
    #[error("the mail provider refused the mail: {answer}")]
    Refused { answer: String },
}

/// Where mails go.
#[async_trait]
pub trait Mailer: Send + Sync {
    /// `outbox`, `sendgrid` or `smtp`: recorded with each notification.
    fn provider(&self) -> &'static str;

    async fn send(&self, mail: &Mail) -> Result<Delivered, SendError>;
}

/// At most this much of a provider's answer is kept.
const ANSWER_CHARS: usize = 500;

/// A provider's answer, cut short for the record.
pub(crate) fn cut(text: &str) -> String {
    let text = text.trim();
    match text.char_indices().nth(ANSWER_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}
