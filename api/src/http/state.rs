//! What every handler shares.
use std::sync::Arc;

use secrecy::SecretString;
use sqlx::PgPool;

use super::auth::TokenKeys;
use crate::application::Application;
use crate::config::WebhookConfig;

/// Shared by every handler. Handlers read the read models through `pool` and do everything
/// else through `app`.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub tokens: TokenKeys,
    pub app: Arc<Application>,
    pub webhooks: Arc<WebhookConfig>,
    /// The key webhook signatures are checked with (TCR signs with the API secret).
    pub tcr_api_secret: SecretString,
    /// This process, recorded with what it does on its own initiative.
    pub instance: Arc<str>,
    /// Per-customer brake on submissions (billing accidents are expensive).
    pub submissions: Option<Arc<SubmissionLimiter>>,
    /// Writes are answered within this; TCR work still under way then goes on in the background.
    pub answer_within: std::time::Duration,
    /// TCR's prices for what it does not report (reports' fees).
    pub fees: tendlc_projections::reports::fees::Prices,
    /// This replica's live feed (`GET /ws`).
    pub feed: Arc<crate::live::Feed>,
}

/// Submissions allowed per customer.
pub type SubmissionLimiter = governor::DefaultKeyedRateLimiter<uuid::Uuid>;
