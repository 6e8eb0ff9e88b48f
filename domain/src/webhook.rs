//! The WebhookDelivery aggregate: one TCR webhook payload as received, and what became of it.
//!
//! A delivery's id is derived from its category and canonical body, so a redelivery of the
//! same payload meets the first one's aggregate and is recorded as a duplicate, never applied
//! twice. Refused deliveries (bad signature, not JSON, wrong source) are kept too.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use crate::tcr::TcrEventType;

/// Which TCR webhook endpoint received the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WebhookCategory {
    Brand,
    Campaign,
    Vetting,
}

impl WebhookCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookCategory::Brand => "BRAND",
            WebhookCategory::Campaign => "CAMPAIGN",
            WebhookCategory::Vetting => "VETTING",
        }
    }

    /// The path segment under `/webhooks/tcr/`.
    pub fn path(self) -> &'static str {
        match self {
            WebhookCategory::Brand => "brands",
            WebhookCategory::Campaign => "campaigns",
            WebhookCategory::Vetting => "vetting",
        }
    }

    pub const ALL: [WebhookCategory; 3] = [
        WebhookCategory::Brand,
        WebhookCategory::Campaign,
        WebhookCategory::Vetting,
    ];
}

/// What the signature check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SignatureVerdict {
    Valid,
    Invalid,
    Missing,
    Unreadable,
    /// Checking is switched off (`TENDLC_WEBHOOK_SIGNATURE=off`).
    NotChecked,
}

/// One delivery exactly as it arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub category: WebhookCategory,
    /// Recorded as TCR's string, so deliveries recorded before this was typed read back alike.
    pub event_type: Option<TcrEventType>,
    pub tcr_brand_id: Option<String>,
    pub tcr_campaign_id: Option<String>,
    /// The exact bytes received, base64.
    pub raw_body_base64: String,
    /// The body parsed as JSON, when it is JSON.
    pub body: Option<serde_json::Value>,
    pub body_sha256: String,
    /// Headers that matter for the audit (content type, user agent, signature, forwarding).
    pub headers: BTreeMap<String, String>,
    pub remote_addr: Option<String>,
    pub signature: SignatureVerdict,
    pub received_at: DateTime<Utc>,
}

impl Delivery {
    /// Reads `eventType`, `brandId` and `campaignId` from the body, if it has them.
    pub fn with_body_fields(mut self) -> Self {
        let text = |key: &str| {
            self.body
                .as_ref()
                .and_then(|b| b.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        self.event_type = text("eventType").map(TcrEventType::from);
        self.tcr_brand_id = text("brandId");
        self.tcr_campaign_id = text("campaignId");
        self
    }
}

/// What routing a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingOutcome {
    /// TCR's confirmed state changed ours.
    Applied,
    /// TCR's confirmed state was what we already had.
    NoChange,
    /// Nothing to do with it (not a brand we manage, or a category without a handler yet).
    Ignored,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WebhookCommand {
    Receive(Delivery),
    RecordOutcome {
        outcome: ProcessingOutcome,
        detail: String,
    },
    /// Could not be applied yet (brand unknown, TCR unreachable); try again later.
    Defer {
        reason: String,
        retry_after_secs: f64,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WebhookEvent {
    WebhookReceived(Delivery),
    WebhookDuplicateReceived {
        received_at: DateTime<Utc>,
        signature: SignatureVerdict,
        remote_addr: Option<String>,
    },
    /// A refused delivery, as recorded before refusals moved to the bounded refusal store
    /// (migration 0011); no longer written, still read.
    WebhookRejected {
        delivery: Delivery,
        reason: String,
    },
    WebhookProcessed {
        outcome: ProcessingOutcome,
        detail: String,
    },
    WebhookDeferred {
        reason: String,
        retry_after_secs: f64,
    },
}

impl DomainEvent for WebhookEvent {
    fn event_type(&self) -> String {
        match self {
            WebhookEvent::WebhookReceived(_) => "WebhookReceived",
            WebhookEvent::WebhookDuplicateReceived { .. } => "WebhookDuplicateReceived",
            WebhookEvent::WebhookRejected { .. } => "WebhookRejected",
            WebhookEvent::WebhookProcessed { .. } => "WebhookProcessed",
            WebhookEvent::WebhookDeferred { .. } => "WebhookDeferred",
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("no such webhook delivery")]
    NotFound,
}

/// State rebuilt from a delivery's events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub delivery: Option<Delivery>,
    pub rejected: bool,
    pub duplicates: u32,
    pub processed: Option<ProcessingOutcome>,
    pub deferrals: u32,
}

impl WebhookDelivery {
    pub fn decide(&self, command: WebhookCommand) -> Result<Vec<WebhookEvent>, WebhookError> {
        match command {
            WebhookCommand::Receive(delivery) => match &self.delivery {
                None => Ok(vec![WebhookEvent::WebhookReceived(delivery)]),
                Some(_) => Ok(vec![WebhookEvent::WebhookDuplicateReceived {
                    received_at: delivery.received_at,
                    signature: delivery.signature,
                    remote_addr: delivery.remote_addr,
                }]),
            },
            WebhookCommand::RecordOutcome { outcome, detail } => {
                if self.delivery.is_none() || self.rejected {
                    return Err(WebhookError::NotFound);
                }
                if self.processed.is_some() {
                    return Ok(vec![]);
                }
                Ok(vec![WebhookEvent::WebhookProcessed { outcome, detail }])
            }
            WebhookCommand::Defer {
                reason,
                retry_after_secs,
            } => {
                if self.delivery.is_none() || self.rejected {
                    return Err(WebhookError::NotFound);
                }
                if self.processed.is_some() {
                    return Ok(vec![]);
                }
                Ok(vec![WebhookEvent::WebhookDeferred {
                    reason,
                    retry_after_secs,
                }])
            }
        }
    }
}

crate::aggregate!(
    WebhookDelivery,
    "WebhookDelivery",
    WebhookCommand,
    WebhookEvent,
    WebhookError
);

impl WebhookDelivery {
    /// Pure evolution: the state after one more event.
    pub fn evolve(&mut self, event: WebhookEvent) {
        match event {
            WebhookEvent::WebhookReceived(delivery) => self.delivery = Some(delivery),
            WebhookEvent::WebhookDuplicateReceived { .. } => self.duplicates += 1,
            WebhookEvent::WebhookRejected { delivery, .. } => {
                self.delivery = Some(delivery);
                self.rejected = true;
            }
            WebhookEvent::WebhookProcessed { outcome, .. } => self.processed = Some(outcome),
            WebhookEvent::WebhookDeferred { .. } => self.deferrals += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::TestFramework;

    fn delivery(body: serde_json::Value) -> Delivery {
        Delivery {
            category: WebhookCategory::Brand,
            event_type: None,
            tcr_brand_id: None,
            tcr_campaign_id: None,
            raw_body_base64: String::new(),
            body: Some(body),
            body_sha256: "00".into(),
            headers: BTreeMap::new(),
            remote_addr: Some("127.0.0.1".into()),
            signature: SignatureVerdict::Valid,
            received_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        }
        .with_body_fields()
    }

    fn first() -> Delivery {
        delivery(serde_json::json!({"eventType": "BRAND_ADD", "brandId": "B123ABC"}))
    }

    #[test]
    fn it_should_read_the_event_type_and_ids_from_the_body() {
        let d = first();
        assert_eq!(d.event_type, Some(TcrEventType::BrandAdd));
        assert_eq!(d.tcr_brand_id.as_deref(), Some("B123ABC"));
        assert_eq!(d.tcr_campaign_id, None);
    }

    #[test]
    fn it_should_record_a_first_delivery_as_received() {
        TestFramework::<WebhookDelivery>::with(())
            .given_no_previous_events()
            .when(WebhookCommand::Receive(first()))
            .then_expect_events(vec![WebhookEvent::WebhookReceived(first())]);
    }

    #[test]
    fn it_should_record_a_redelivery_as_a_duplicate() {
        TestFramework::<WebhookDelivery>::with(())
            .given(vec![WebhookEvent::WebhookReceived(first())])
            .when(WebhookCommand::Receive(first()))
            .then_expect_events(vec![WebhookEvent::WebhookDuplicateReceived {
                received_at: first().received_at,
                signature: SignatureVerdict::Valid,
                remote_addr: Some("127.0.0.1".into()),
            }]);
    }

    #[test]
    fn it_should_record_a_processing_outcome_only_once() {
        TestFramework::<WebhookDelivery>::with(())
            .given(vec![
                WebhookEvent::WebhookReceived(first()),
                WebhookEvent::WebhookProcessed {
                    outcome: ProcessingOutcome::Applied,
                    detail: "x".into(),
                },
            ])
            .when(WebhookCommand::RecordOutcome {
                outcome: ProcessingOutcome::NoChange,
                detail: "again".into(),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_not_process_a_rejected_delivery() {
        TestFramework::<WebhookDelivery>::with(())
            .given(vec![WebhookEvent::WebhookRejected {
                delivery: first(),
                reason: "bad signature".into(),
            }])
            .when(WebhookCommand::RecordOutcome {
                outcome: ProcessingOutcome::Applied,
                detail: String::new(),
            })
            .then_expect_error(WebhookError::NotFound);
    }

    #[test]
    fn it_should_defer_an_unprocessed_delivery_and_count_deferrals() {
        let mut state = WebhookDelivery::default();
        state.evolve(WebhookEvent::WebhookReceived(first()));
        let events = state
            .decide(WebhookCommand::Defer {
                reason: "brand not known yet".into(),
                retry_after_secs: 30.0,
            })
            .unwrap();
        assert_eq!(events.len(), 1);
        state.evolve(events[0].clone());
        assert_eq!(state.deferrals, 1);
    }

    #[test]
    fn it_should_read_a_delivery_recorded_with_the_event_type_as_a_string_and_write_it_back_alike()
    {
        for (recorded, event_type) in [
            (
                r#"{"WebhookReceived":{"category":"BRAND","eventType":"BRAND_REVET","tcrBrandId":"B123ABC","tcrCampaignId":null,"rawBodyBase64":"eyJldmVudFR5cGUiOiJCUkFORF9SRVZFVCIsImJyYW5kSWQiOiJCMTIzQUJDIn0=","body":{"brandId":"B123ABC","eventType":"BRAND_REVET"},"bodySha256":"00","headers":{"content-type":"application/json"},"remoteAddr":"52.44.59.112","signature":"VALID","receivedAt":"2023-11-14T22:13:20Z"}}"#,
                Some(TcrEventType::BrandRevet),
            ),
            (
                r#"{"WebhookReceived":{"category":"BRAND","eventType":"BRAND_NEW_IN_2027","tcrBrandId":"B123ABC","tcrCampaignId":null,"rawBodyBase64":"","body":{"brandId":"B123ABC","eventType":"BRAND_NEW_IN_2027"},"bodySha256":"00","headers":{},"remoteAddr":null,"signature":"VALID","receivedAt":"2023-11-14T22:13:20Z"}}"#,
                Some(TcrEventType::Other("BRAND_NEW_IN_2027".into())),
            ),
            (
                r#"{"WebhookRejected":{"delivery":{"category":"VETTING","eventType":null,"tcrBrandId":null,"tcrCampaignId":null,"rawBodyBase64":"bm9wZQ==","body":null,"bodySha256":"00","headers":{},"remoteAddr":null,"signature":"MISSING","receivedAt":"2023-11-14T22:13:20Z"},"reason":"not JSON"}}"#,
                None,
            ),
        ] {
            // given an event as recorded while the event type was a plain string
            // when
            let event: WebhookEvent = serde_json::from_str(recorded).expect("reads back");
            // then
            let delivery = match &event {
                WebhookEvent::WebhookReceived(delivery) => delivery,
                WebhookEvent::WebhookRejected { delivery, .. } => delivery,
                other => panic!("unexpected {other:?}"),
            };
            assert_eq!(delivery.event_type, event_type);
            assert_eq!(serde_json::to_string(&event).unwrap(), recorded);
        }
    }
}
