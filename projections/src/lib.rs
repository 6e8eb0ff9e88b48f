//! Read models built from the ordered event stream.
pub mod brands;
pub mod campaigns;
pub mod customers;
pub mod runner;
pub mod stream;
pub mod webhook_events;

pub use runner::{Projection, ProjectionError, ProjectionRunner, Wake};
pub use stream::StoredEvent;

/// Every projection this build knows, in the order they are started.
pub fn all() -> Vec<std::sync::Arc<dyn Projection>> {
    vec![
        std::sync::Arc::new(customers::CustomersProjection),
        std::sync::Arc::new(brands::BrandsProjection),
        std::sync::Arc::new(campaigns::CampaignsProjection),
        std::sync::Arc::new(webhook_events::WebhookEventsProjection),
    ]
}
