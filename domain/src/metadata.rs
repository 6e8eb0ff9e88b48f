//! Metadata carried by every event: who, for which tenant, through which door.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Where a command came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Api,
    Webhook,
    Poll,
    Retry,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Webhook => "webhook",
            Source::Poll => "poll",
            Source::Retry => "retry",
        }
    }
}

/// The metadata every recorded event carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMetadata {
    pub customer_id: Option<String>,
    pub actor: String,
    /// The id the server gave the request (or a worker its pass).
    pub request_id: String,
    /// The id the client gave its request (its `X-Request-ID`), kept beside ours.
    pub client_request_id: Option<String>,
    pub source: Source,
    /// Set when the event records the outcome of a call to TCR.
    pub tcr_call: Option<crate::tcr::TcrCall>,
    /// Which process recorded it (for system actors: which replica polled, retried, …).
    pub instance: Option<String>,
}

impl EventMetadata {
    pub fn new(
        customer_id: Option<String>,
        actor: impl Into<String>,
        request_id: impl Into<String>,
        source: Source,
    ) -> Self {
        Self {
            customer_id,
            actor: actor.into(),
            request_id: request_id.into(),
            client_request_id: None,
            source,
            tcr_call: None,
            instance: None,
        }
    }

    pub fn with_instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    pub fn with_client_request_id(mut self, id: Option<String>) -> Self {
        self.client_request_id = id;
        self
    }

    pub fn with_tcr_call(mut self, call: crate::tcr::TcrCall) -> Self {
        self.tcr_call = Some(call);
        self
    }

    /// The flat string map cqrs-es stores next to each event.
    pub fn to_map(&self) -> HashMap<String, String> {
        let mut map = HashMap::new();
        if let Some(customer) = &self.customer_id {
            map.insert("customer_id".into(), customer.clone());
        }
        map.insert("actor".into(), self.actor.clone());
        map.insert("request_id".into(), self.request_id.clone());
        if let Some(client) = &self.client_request_id {
            map.insert("client_request_id".into(), client.clone());
        }
        map.insert("source".into(), self.source.as_str().into());
        if let Some(instance) = &self.instance {
            map.insert("instance".into(), instance.clone());
        }
        if let Some(call) = &self.tcr_call {
            map.insert(
                "tcr_endpoint".into(),
                format!("{} {}", call.method, call.endpoint),
            );
            if let Some(status) = call.http_status {
                map.insert("tcr_http_status".into(), status.to_string());
            }
            map.insert("tcr_latency_ms".into(), call.latency_ms.to_string());
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clients_request_id_is_stored_beside_ours_never_instead() {
        let ours = EventMetadata::new(None, "user:a", "8b1e6f0a", Source::Api);
        let map = ours.clone().to_map();
        assert_eq!(map["request_id"], "8b1e6f0a");
        assert!(!map.contains_key("client_request_id"));

        let map = ours
            .with_client_request_id(Some("portal-7".into()))
            .to_map();
        assert_eq!(map["request_id"], "8b1e6f0a");
        assert_eq!(map["client_request_id"], "portal-7");
    }
}
