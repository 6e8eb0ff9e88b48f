//! The application: one command path for every aggregate, the TCR call flows and
//! read-your-writes. It records events and calls TCR; it never speaks HTTP (the edge turns its
//! [`AppError`] into answers) and never decides when background work is due (the workers do).
pub mod brand_actions;
pub mod brands;
pub mod campaign_actions;
pub mod campaigns;
pub mod catalogues;
pub mod context;
pub mod customers;
pub mod error;
pub mod handoff;
pub mod notifications;
pub mod partner_campaigns;
pub mod read_back;
pub mod recorder;
pub mod reference;
pub mod resellers;
pub mod tcr_account;
pub mod tcr_call;
pub mod webhooks;

use std::sync::Arc;

use sqlx::PgPool;
use tendlc_domain::tcr::{TcrError, TcrPort};
use tendlc_projections::Wake;
use uuid::Uuid;

pub use context::CommandContext;
pub use error::AppError;

/// What became of a change that reached TCR (or tried to).
pub enum Outcome<Row> {
    /// TCR did what was asked; the record as the read model now shows it.
    Done(Box<Row>),
    /// TCR did not; the request is recorded on `id`, and `error` says what TCR answered.
    Failed { id: Uuid, error: TcrError },
}

/// Every use case, sharing one pool, one TCR client and one wake-up signal.
pub struct Application {
    pub customers: customers::Customers,
    pub brands: brands::Brands,
    pub campaigns: campaigns::Campaigns,
    pub deliveries: webhooks::Deliveries,
    pub notifications: notifications::Notifications,
    pub reference: reference::Reference,
    pub catalogues: catalogues::Catalogues,
    pub resellers: resellers::Resellers,
    pub partner_campaigns: partner_campaigns::PartnerCampaigns,
    pub tcr_account: tcr_account::TcrAccounts,
    pub tcr: Arc<dyn TcrPort>,
}

impl Application {
    pub fn new(
        pool: PgPool,
        tcr: Arc<dyn TcrPort>,
        wake: Wake,
        refusals: tendlc_adapters::webhook_refusals::RefusalLimits,
        notifier: Arc<tokio::sync::Notify>,
    ) -> Self {
        Self {
            notifications: notifications::Notifications::new(pool.clone(), notifier),
            customers: customers::Customers::new(pool.clone(), wake.clone()),
            brands: brands::Brands::new(pool.clone(), tcr.clone(), wake.clone()),
            campaigns: campaigns::Campaigns::new(pool.clone(), tcr.clone(), wake.clone()),
            resellers: resellers::Resellers::new(pool.clone(), tcr.clone(), wake.clone()),
            tcr_account: tcr_account::TcrAccounts::new(pool.clone(), tcr.clone(), wake.clone()),
            partner_campaigns: partner_campaigns::PartnerCampaigns::new(
                pool.clone(),
                tcr.clone(),
                wake.clone(),
            ),
            deliveries: webhooks::Deliveries::new(
                recorder::Recorder::new(pool.clone(), wake, "webhook delivery"),
                tendlc_adapters::webhook_refusals::RefusalStore::new(pool, refusals),
            ),
            reference: reference::Reference::new(tcr.clone()),
            catalogues: catalogues::Catalogues::new(tcr.clone()),
            tcr,
        }
    }
}
