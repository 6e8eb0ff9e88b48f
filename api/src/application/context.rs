//! Who asked for a command, for whom and through which door: the metadata every event carries.
use std::sync::Arc;

use tendlc_domain::ids::CustomerId;
use tendlc_domain::metadata::{EventMetadata, Source};

/// The origin of a command: a caller of the API, or a worker acting on its own initiative.
#[derive(Debug, Clone)]
pub struct CommandContext {
    /// The tenant the command concerns (none for deliveries not yet tied to one).
    pub customer_id: Option<CustomerId>,
    pub actor: String,
    pub request_id: String,
    /// The id the API client gave its request, if it gave one.
    pub client_request_id: Option<String>,
    pub source: Source,
    /// The process that recorded it (set for workers: which replica polled, retried, …).
    pub instance: Option<Arc<str>>,
}

impl CommandContext {
    /// A person (or system) calling the API; name the customer with [`Self::for_customer`].
    pub fn api(actor: impl Into<String>, request_id: impl Into<String>) -> Self {
        Self {
            customer_id: None,
            actor: actor.into(),
            request_id: request_id.into(),
            client_request_id: None,
            source: Source::Api,
            instance: None,
        }
    }

    /// A worker of this process (`actor` such as `system:poller`).
    pub fn system(
        actor: &str,
        request_id: impl Into<String>,
        source: Source,
        instance: &Arc<str>,
    ) -> Self {
        Self {
            customer_id: None,
            actor: actor.into(),
            request_id: request_id.into(),
            client_request_id: None,
            source,
            instance: Some(instance.clone()),
        }
    }

    /// The same origin, acting for `customer_id`.
    pub fn for_customer(mut self, customer_id: CustomerId) -> Self {
        self.customer_id = Some(customer_id);
        self
    }

    /// The same origin, with the id the client gave its request.
    pub fn with_client_request_id(mut self, id: Option<String>) -> Self {
        self.client_request_id = id;
        self
    }

    pub fn metadata(&self) -> EventMetadata {
        let metadata = EventMetadata::new(
            self.customer_id.map(|c| c.to_string()),
            self.actor.clone(),
            self.request_id.clone(),
            self.source,
        )
        .with_client_request_id(self.client_request_id.clone());
        match &self.instance {
            Some(instance) => metadata.with_instance(instance.to_string()),
            None => metadata,
        }
    }
}
