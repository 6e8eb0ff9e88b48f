//! Background work: applying webhook deliveries, polling TCR, retrying registrations TCR never
//! confirmed, healing interrupted actions and subscribing the webhook URLs. Workers decide what
//! is due and when, and do it through the application; they never answer HTTP requests and
//! never write read models (their own queue aside).
//!
//! Webhooks and polls meet in one command (`ObserveTcrState`), and both read TCR's current
//! state before applying it, so duplicates, reordering and stale reads cannot move a
//! registration backwards.
use std::sync::Arc;

use sqlx::PgPool;
use tendlc_domain::metadata::Source;
use tendlc_projections::Wake;
use uuid::Uuid;

use crate::application::{Application, CommandContext};
use crate::config::{SyncConfig, WebhookConfig};

pub mod healer;
pub mod leader;
pub mod notifier;
pub mod poller;
pub mod retrier;
pub mod subscription;
pub mod webhook_queue;
pub mod webhooks;

/// Everything the workers share.
pub struct Workers {
    pub pool: PgPool,
    pub app: Arc<Application>,
    pub config: SyncConfig,
    /// The webhook URLs the leader subscribes with TCR.
    pub webhooks: WebhookConfig,
    /// This process, recorded with what its workers do.
    pub instance: Arc<str>,
    /// Tells the webhook worker that the queue moved (a delivery may have landed).
    pub wake: Wake,
    /// When the leader last read TCR's campaigns shared with the operator (first after one
    /// `poll_partner`).
    pub partner_polled: std::sync::Mutex<tokio::time::Instant>,
}

impl Workers {
    /// Who a worker is when it acts for `customer_id`.
    fn context(
        &self,
        actor: &str,
        request_id: impl Into<String>,
        source: Source,
        customer_id: Uuid,
    ) -> CommandContext {
        CommandContext::system(actor, request_id, source, &self.instance)
            .for_customer(customer_id.into())
    }
}
