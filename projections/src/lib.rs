//! Read models built from the ordered event stream. Each is a fold of its aggregate's events
//! over rows the projection owns (`fold`), kept as explicit columns (`columns`), applied batch
//! by batch by a checkpointed runner (`runner`).
pub mod audit;
pub mod brands;
pub mod campaigns;
pub mod columns;
pub mod customers;
mod documents;
pub mod fold;
pub mod history;
pub mod listen;
pub mod notifications;
pub mod operations;
pub mod partner_campaigns;
pub mod plans;
pub mod rebuild;
pub mod reports;
pub mod resellers;
pub mod retries;
pub mod runner;
pub mod stream;
pub mod wake;
pub mod webhook_events;

pub use runner::{Projection, ProjectionError, ProjectionRunner};
pub use stream::StoredEvent;
pub use wake::Wake;

/// Every projection this build knows, in the order they are started.
pub fn all() -> Vec<std::sync::Arc<dyn Projection>> {
    vec![
        std::sync::Arc::new(customers::CustomersProjection::new()),
        std::sync::Arc::new(brands::BrandsProjection::new()),
        std::sync::Arc::new(campaigns::CampaignsProjection::new()),
        std::sync::Arc::new(resellers::ResellersProjection::new()),
        std::sync::Arc::new(partner_campaigns::PartnerCampaignsProjection::new()),
        std::sync::Arc::new(webhook_events::WebhookEventsProjection::new()),
        std::sync::Arc::new(notifications::NotificationsProjection::new()),
    ]
}
