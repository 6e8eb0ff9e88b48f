//! Keeping in sync with TCR: applying webhooks, polling, retrying submissions, subscribing.
//!
//! Webhooks and polls meet in one command (`ObserveTcrState`), and both read TCR's current
//! state before applying it, so duplicates, reordering and stale reads cannot move a brand
//! backwards.
use std::sync::Arc;

use postgres_es::PostgresCqrs;
use sqlx::PgPool;
use tendlc_domain::metadata::{EventMetadata, Source};
use tendlc_domain::tcr::{TcrError, TcrPort};
use tendlc_domain::webhook::WebhookDelivery;
use tendlc_projections::brands::BrandRow;

use crate::brand_service::BrandService;
use crate::config::SyncConfig;
use crate::error::ApiError;

pub mod campaigns;
pub mod interrupted;
pub mod leader;
pub mod retrier;
pub mod subscription;
pub mod webhooks;

/// Everything the sync workers share.
pub struct SyncWorkers {
    pub pool: PgPool,
    pub brands: Arc<BrandService>,
    pub campaigns: Arc<crate::campaign_service::CampaignService>,
    pub tcr: Arc<dyn TcrPort>,
    pub deliveries: Arc<PostgresCqrs<WebhookDelivery>>,
    pub config: SyncConfig,
    /// This process, recorded with what its workers do.
    pub instance: Arc<str>,
    /// Tells the webhook worker that read models moved (a delivery may have landed).
    pub wake: tendlc_projections::Wake,
}

/// What reading TCR's state did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    Changed,
    Unchanged,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("TCR: {0}")]
    Tcr(#[from] TcrError),
    #[error("recording failed: {}", .0.body.message)]
    Record(ApiError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl From<ApiError> for SyncError {
    fn from(error: ApiError) -> Self {
        SyncError::Record(error)
    }
}

impl SyncWorkers {
    pub fn metadata(
        &self,
        brand: &BrandRow,
        actor: &str,
        request_id: &str,
        source: Source,
    ) -> EventMetadata {
        EventMetadata::new(
            Some(brand.customer_id.to_string()),
            actor,
            request_id,
            source,
        )
        .with_instance(self.instance.to_string())
    }

    /// Reads the brand from TCR and records what TCR holds (a change, or a confirmation).
    pub async fn observe_brand(
        &self,
        brand: &BrandRow,
        actor: &str,
        request_id: &str,
        source: Source,
    ) -> Result<Observed, SyncError> {
        self.observe_brand_records(brand, actor, request_id, source, false)
            .await
    }

    /// As [`observe_brand`](Self::observe_brand), also reading vettings and appeals when asked.
    pub async fn observe_brand_records(
        &self,
        brand: &BrandRow,
        actor: &str,
        request_id: &str,
        source: Source,
        identity_records: bool,
    ) -> Result<Observed, SyncError> {
        let metadata = self.metadata(brand, actor, request_id, source);
        let changed = self
            .brands
            .observe(brand.brand_id, metadata, source, identity_records)
            .await?;
        if changed {
            tracing::info!(brand = %brand.brand_id, source = source.as_str(), "TCR state of a brand changed");
        }
        Ok(if changed {
            Observed::Changed
        } else {
            Observed::Unchanged
        })
    }
}
