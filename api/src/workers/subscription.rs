//! Subscribes tendlc's webhook URLs with TCR at start-up, idempotently.
use std::time::Duration;

use tendlc_domain::tcr::{TcrPort, WebhookSubscription};
use tendlc_domain::webhook::WebhookCategory;

use crate::config::WebhookConfig;

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
