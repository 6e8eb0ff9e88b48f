//! SMTP through lettre (rustls). The server is given as a URL, which may carry credentials: it
//! is kept secret, and a failure is reported by its SMTP code and kind, never with the URL.
use async_trait::async_trait;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use super::{cut, Delivered, Mail, Mailer, SendError};

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Smtp { url: [redacted] }")
    }
}

impl Smtp {
    /// `url` as lettre reads it: `smtps://user:password@host:465`, `smtp://host:587?tls=required`.
    pub fn new(url: &SecretString, timeout: std::time::Duration) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            // The error would quote the URL (and its password): say only that it is wrong.
            .map_err(|_| "TENDLC_SMTP_URL is not an SMTP URL lettre can use (smtp:// or smtps://host[:port], optional user:password@, ?tls=required|opportunistic)".to_string())?
            .timeout(Some(timeout))
            .build();
        Ok(Self { transport })
    }
}

fn message(mail: &Mail) -> Result<Message, SendError> {
    let refused = |what: &str| SendError::Refused {
        answer: format!("cannot build the mail: {what}"),
    };
    let from: Mailbox = format!("{} <{}>", mail.from_name, mail.from_email)
        .parse()
        .map_err(|_| refused("the sender address"))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|_| refused("the recipient address"))?;
    let mut builder = Message::builder()
        .message_id(Some(mail.message_id()))
        .from(from)
        .to(to)
        .subject(mail.subject.clone());
    builder = builder.raw_header(HeaderValue::new(
        HeaderName::new_from_ascii_str("X-Tendlc-Notification-Id"),
        mail.id.to_string(),
    ));
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )
        .map_err(|_| refused("the body"))
}

#[async_trait]
impl Mailer for Smtp {
    fn provider(&self) -> &'static str {
        "smtp"
    }

    async fn send(&self, mail: &Mail) -> Result<Delivered, SendError> {
        let message = message(mail)?;
        match self.transport.send(message).await {
            Ok(response) => Ok(Delivered {
                message_id: None,
                answer: cut(&format!(
                    "{} {}",
                    response.code(),
                    response.message().collect::<Vec<_>>().join(" ")
                )),
            }),
            Err(error) => {
                let code = error
                    .status()
                    .map(|code| code.to_string())
                    .unwrap_or_else(|| "no SMTP answer".to_string());
                let answer = format!("{code} ({})", kind(&error));
                if error.is_permanent() {
                    Err(SendError::Refused { answer })
                } else {
                    Err(SendError::Busy {
                        answer,
                        retry_after: None,
                    })
                }
            }
        }
    }
}

fn kind(error: &lettre::transport::smtp::Error) -> &'static str {
    if error.is_permanent() {
        "refused for good"
    } else if error.is_transient() {
        "refused for now"
    } else if error.is_timeout() {
        "no answer in time"
    } else if error.is_tls() {
        "TLS failed"
    } else {
        "connection failed"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_build_a_multipart_message_with_the_notification_id() {
        let mail = Mail {
            id: uuid::Uuid::from_u128(2),
            from_email: "notifications@example.com".into(),
            from_name: "Acme Messaging".into(),
            to: "ops@example.com".into(),
            subject: "Brand verified".into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
        };
        let text = String::from_utf8(message(&mail).unwrap().formatted()).unwrap();
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("X-Tendlc-Notification-Id: 00000000-0000-0000-0000-000000000002"));
        assert!(text.contains("Message-ID: <00000000-0000-0000-0000-000000000002@tendlc>"));
    }

    #[test]
    fn a_bad_url_is_refused_without_repeating_it() {
        let url = SecretString::from("ftp://user:hunter2@example.com");
        let error = Smtp::new(&url, std::time::Duration::from_secs(1)).unwrap_err();
        assert!(!error.contains("hunter2"), "{error}");
    }
}
