//! SendGrid's v3 Mail Send API: `POST /v3/mail/send` with a bearer key. 202 is taken; 429 and
//! 5xx are busy (tried again); any other answer is a refusal. The key never leaves the
//! `Authorization` header: not in errors, answers kept, or logs.
use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::{cut, Delivered, Mail, Mailer, SendError};

/// SendGrid's API.
pub const DEFAULT_BASE_URL: &str = "https://api.sendgrid.com";

pub struct SendGrid {
    http: reqwest::Client,
    url: String,
    api_key: SecretString,
}

impl std::fmt::Debug for SendGrid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendGrid")
            .field("url", &self.url)
            .field("api_key", &"[redacted]")
            .finish()
    }
}

impl SendGrid {
    /// `base_url` is SendGrid's (or a stand-in's), without `/v3`.
    pub fn new(
        base_url: &str,
        api_key: SecretString,
        timeout: Duration,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("tendlc/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            url: format!("{}/v3/mail/send", base_url.trim_end_matches('/')),
            api_key,
        })
    }
}

/// The request body for one mail: plain text first, then HTML (SendGrid's required order);
/// the notification id as a custom argument and as the `Message-ID`, so every attempt at one
/// notification is recognisably the same mail.
pub fn body(mail: &Mail) -> serde_json::Value {
    json!({
        "personalizations": [{"to": [{"email": mail.to}]}],
        "from": {"email": mail.from_email, "name": mail.from_name},
        "subject": mail.subject,
        "content": [
            {"type": "text/plain", "value": mail.text},
            {"type": "text/html", "value": mail.html},
        ],
        "headers": {"Message-ID": mail.message_id()},
        "custom_args": {"notification_id": mail.id.to_string()},
    })
}

#[async_trait]
impl Mailer for SendGrid {
    fn provider(&self) -> &'static str {
        "sendgrid"
    }

    async fn send(&self, mail: &Mail) -> Result<Delivered, SendError> {
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(self.api_key.expose_secret())
            .json(&body(mail))
            .send()
            .await
            .map_err(|error| SendError::Busy {
                // Without the URL's query or any header: only what kind of failure it was.
                answer: if error.is_timeout() {
                    "no answer in time".to_string()
                } else if error.is_connect() {
                    "cannot connect".to_string()
                } else {
                    "the connection failed".to_string()
                },
                retry_after: None,
            })?;
        let status = response.status();
        let message_id = response
            .headers()
            .get("x-message-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let text = response.text().await.unwrap_or_default();
        let answer = cut(&format!("{} {}", status.as_u16(), text));
        if status.is_success() {
            Ok(Delivered { message_id, answer })
        } else if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            Err(SendError::Busy {
                answer,
                retry_after,
            })
        } else {
            Err(SendError::Refused { answer })
        }
    }
}
