//! Subscribes tendlc's webhook URLs with TCR, idempotently: the sync leader does it each time
//! it takes the lead, so one replica (not every one) speaks for the whole TCR account.
use std::sync::Arc;
use std::time::Duration;

use tendlc_domain::tcr::{TcrPort, WebhookSubscription};
use tendlc_domain::webhook::WebhookCategory;
use tokio::task::JoinHandle;

use super::Workers;
use crate::config::WebhookConfig;

impl Workers {
    /// Checks the subscriptions in the background as the new leader (the task is the leader's
    /// to stop when it steps down); nothing when subscribing is off or the public URL is
    /// refused, which is logged with the reason.
    pub(super) fn check_subscription(self: &Arc<Self>) -> Option<JoinHandle<()>> {
        if !self.webhooks.subscribe {
            return None;
        }
        if let Some(reason) = self.webhooks.subscription_refusal() {
            tracing::warn!(public_url = %self.webhooks.public_url, %reason,
                "not subscribing tendlc's webhook URLs with TCR; polling still keeps registrations in sync");
            return None;
        }
        let workers = self.clone();
        Some(tokio::spawn(async move {
            subscribe(workers.app.tcr.as_ref(), &workers.webhooks).await
        }))
    }
}

/// Makes TCR send each category to our URL; changes only what differs. Retries a few times,
/// and logs plainly when it cannot (webhooks are then missing and polling carries the load).
pub async fn subscribe(tcr: &dyn TcrPort, config: &WebhookConfig) {
    for attempt in 1..=5u32 {
        match subscribe_once(tcr, config).await {
            Ok(changed) => {
                tracing::info!(changed, public_url = %config.public_url, "TCR webhook subscriptions are in place");
                return;
            }
            Err(error) => {
                tracing::error!(attempt, %error, public_url = %config.public_url,
                    "could not subscribe tendlc's webhook URLs with TCR; polling still keeps brands in sync");
                tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
            }
        }
    }
}

async fn subscribe_once(tcr: &dyn TcrPort, config: &WebhookConfig) -> Result<usize, String> {
    let current = tcr
        .webhook_subscriptions()
        .await
        .result
        .map_err(|e| e.to_string())?;
    let mut changed = 0;
    for category in WebhookCategory::ALL {
        let wanted = WebhookSubscription {
            event_category: category.as_str().to_string(),
            webhook_endpoint: config.url_for(category.path()),
        };
        if current.contains(&wanted) {
            continue;
        }
        tcr.subscribe_webhook(&wanted)
            .await
            .result
            .map_err(|e| e.to_string())?;
        changed += 1;
    }
    Ok(changed)
}
