//! The notifier: sends the mails the `notifications` consumer decided, one at a time per
//! replica, each under its own lease (so every replica may send, none sends a mail twice at
//! once, and a mail whose sender died is sent by another once the lease has run out). It never
//! decides what is worth a mail and never runs inside a projection: a replay of events can only
//! add rows the unique dedupe key lets in, and only rows in the queue are ever sent.
//!
//! Delivery is at least once: a mail is recorded SENT after the provider took it, so a crash in
//! between sends it again, with the same notification id (`Message-ID`, SendGrid `custom_args`)
//! for the receiving side to recognise.
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sqlx::PgPool;
use tendlc_adapters::mail::render::{Branding, Change, Templates};
use tendlc_adapters::mail::{Mail, Mailer, SendError};
use tendlc_projections::notifications::work::{self, DueMail, Outcome};
use tendlc_projections::Wake;
use tokio::sync::{watch, Notify};

use crate::config::MailConfig;

/// The longest wait between two attempts at one mail.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(3600);

pub struct Notifier {
    pool: PgPool,
    mailer: Arc<dyn Mailer>,
    templates: Templates,
    config: MailConfig,
    /// Holds the leases: this process.
    instance: Arc<str>,
    /// How often to look for due mails when nothing wakes the notifier.
    tick: Duration,
    /// Poked when a mail is put back in the queue here (a re-send).
    poke: Arc<Notify>,
}

impl Notifier {
    pub fn new(
        pool: PgPool,
        mailer: Arc<dyn Mailer>,
        config: MailConfig,
        public_url: &str,
        instance: Arc<str>,
        tick: Duration,
    ) -> Self {
        let api = Branding::api_links(&config.operator_name, public_url);
        let branding = Branding {
            brand_link: config.brand_link.clone().unwrap_or(api.brand_link),
            campaign_link: config.campaign_link.clone().unwrap_or(api.campaign_link),
            operator_name: config.operator_name.clone(),
        };
        Self {
            pool,
            mailer,
            templates: Templates::new(branding),
            config,
            instance,
            tick,
            poke: Arc::new(Notify::new()),
        }
    }

    /// Wakes this notifier (a mail was queued again).
    pub fn poker(&self) -> Arc<Notify> {
        self.poke.clone()
    }

    /// Sends due mails until shutdown; woken when the `notifications` consumer applies a batch (a
    /// decision may have been made), when poked, or every tick.
    pub async fn run(self: Arc<Self>, wake: Wake, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(provider = self.mailer.provider(), "notifier started");
        let decided = wake.applied_by(tendlc_projections::notifications::PROJECTION);
        loop {
            if *shutdown.borrow() {
                break;
            }
            let applied = decided.notified();
            let poked = self.poke.notified();
            tokio::pin!(applied, poked);
            applied.as_mut().enable();
            poked.as_mut().enable();
            let pause = match self.send_next().await {
                Ok(true) => continue,
                Ok(false) => self.tick,
                Err(error) => {
                    tracing::warn!(%error, "the notifier cannot read its queue; trying again");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                _ = applied => {}
                _ = poked => {}
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("notifier stopped");
    }

    /// Sends the next due mail, if there is one.
    #[tracing::instrument(skip_all, name = "notify")]
    pub async fn send_next(&self) -> Result<bool, sqlx::Error> {
        let Some(due) = work::lease_next(&self.pool, &self.instance, self.config.lease).await?
        else {
            return Ok(false);
        };
        let change = change_of(&due);
        let (subject, outcome) = match self.templates.render(&change) {
            Ok(rendered) => {
                let mail = Mail {
                    id: due.notification_id,
                    from_email: self.config.from_email.clone(),
                    from_name: self.config.from_name.clone(),
                    to: due.recipient.clone(),
                    subject: rendered.subject.clone(),
                    text: rendered.text,
                    html: rendered.html,
                };
                (rendered.subject, self.attempt(&mail, due.attempts).await)
            }
            Err(error) => (
                String::new(),
                Outcome::Failed {
                    provider: "templates".into(),
                    answer: error.to_string(),
                },
            ),
        };
        let recorded = work::record(
            &self.pool,
            due.notification_id,
            &self.instance,
            &subject,
            &outcome,
        )
        .await?;
        let id = due.notification_id;
        let kind = due.kind.as_str();
        match (&outcome, recorded) {
            (_, false) => {
                tracing::warn!(notification = %id, kind, "another sender took this mail over while it was being sent; its outcome counts")
            }
            (Outcome::Sent { provider, .. }, true) => {
                tracing::info!(notification = %id, kind, provider = %provider, attempts = due.attempts, "notification sent")
            }
            (
                Outcome::Retry {
                    answer, retry_at, ..
                },
                true,
            ) => {
                tracing::warn!(notification = %id, kind, attempts = due.attempts, %answer, %retry_at, "the mail provider did not take a notification; trying again later")
            }
            (Outcome::Failed { answer, .. }, true) => {
                tracing::warn!(notification = %id, kind, %answer, "the mail provider refused a notification; a super admin can send it again")
            }
            (Outcome::Dead { answer, .. }, true) => {
                tracing::error!(notification = %id, kind, attempts = due.attempts, %answer, "a notification could not be sent after every attempt (dead letter); a super admin can send it again")
            }
        }
        Ok(true)
    }

    /// One attempt at a mail, and what it means for the queue.
    async fn attempt(&self, mail: &Mail, attempts: i32) -> Outcome {
        let provider = self.mailer.provider().to_string();
        let sent = tokio::time::timeout(self.config.timeout, self.mailer.send(mail))
            .await
            .unwrap_or_else(|_| {
                Err(SendError::Busy {
                    answer: "no answer in time".into(),
                    retry_after: None,
                })
            });
        match sent {
            Ok(delivered) => Outcome::Sent {
                provider,
                message_id: delivered.message_id,
                answer: delivered.answer,
            },
            Err(SendError::Refused { answer }) => Outcome::Failed { provider, answer },
            Err(SendError::Busy { answer, .. }) if attempts >= self.config.max_attempts as i32 => {
                Outcome::Dead {
                    provider,
                    answer: format!("{answer} (gave up after {attempts} attempts)"),
                }
            }
            Err(SendError::Busy {
                answer,
                retry_after,
            }) => {
                let wait = retry_wait(self.config.retry_base, attempts, retry_after);
                Outcome::Retry {
                    provider,
                    answer,
                    retry_at: Utc::now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1)),
                }
            }
        }
    }
}

/// The wait before attempt `attempts + 1`: `base` doubled per attempt made, at least what the
/// provider asked for, at most an hour.
pub fn retry_wait(base: Duration, attempts: i32, asked: Option<Duration>) -> Duration {
    let doubled =
        base.saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1).clamp(0, 20) as u32));
    doubled.max(asked.unwrap_or_default()).min(MAX_RETRY_WAIT)
}

fn change_of(due: &DueMail) -> Change {
    let brand_name = due
        .brand_name
        .clone()
        .unwrap_or_else(|| due.brand_id.to_string());
    Change {
        kind: due.kind.clone(),
        subject_type: due.subject_type.clone(),
        subject_id: due.subject_id.to_string(),
        subject_name: due
            .subject_name
            .clone()
            .unwrap_or_else(|| brand_name.clone()),
        brand_id: due.brand_id.to_string(),
        brand_name,
        customer_name: due.customer_name.clone(),
        recipient: due.recipient.clone(),
        facts: due.facts.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_from_the_base_and_honour_the_provider() {
        let base = Duration::from_secs(5);
        assert_eq!(retry_wait(base, 1, None), Duration::from_secs(5));
        assert_eq!(retry_wait(base, 3, None), Duration::from_secs(20));
        assert_eq!(
            retry_wait(base, 1, Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
        assert_eq!(retry_wait(base, 40, None), MAX_RETRY_WAIT);
    }
}
