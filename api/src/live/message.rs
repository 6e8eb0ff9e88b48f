//! What the feed tells a client about one event: small JSON, one status change (or one fact)
//! with its stream position, built from the recorded event alone.
use chrono::{DateTime, Utc};
use serde::Serialize;
use tendlc_domain::brand::BrandEvent;
use tendlc_domain::campaign::CampaignEvent;
use tendlc_projections::StoredEvent;
use uuid::Uuid;

/// The aggregate types whose events the feed tells.
pub const FED_TYPES: &[&str] = &["Brand", "Campaign"];

/// One change, as sent: `{"type":"change", "position":…, "entity":{…}, "from":…, "to":…}`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The event's global position: resume with `?after=` this.
    pub position: i64,
    /// Whose it is (the tenant).
    pub customer_id: Option<Uuid>,
    pub entity: Entity,
    /// The recorded event's type, e.g. `BrandIdentityStatusChanged`.
    pub event: String,
    /// Which status moved: `status`, `identityStatus`, `tcrStatus`, `vettingStatus`,
    /// `sharingStatus`, `carrierStatus`; absent for an event that moves none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// For `carrierStatus`: the carrier's TCR network id and name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Carrier>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The door the change came through: `api`, `webhook`, `poll` or `retry`.
    pub source: Option<String>,
    /// TCR's or the carrier's words, where there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What happened, in one line.
    pub summary: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entity {
    /// `brand` or `campaign`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Carrier {
    pub mno_id: u32,
    pub name: &'static str,
}

/// The moved status an event carries: field, from, to, its own source and reason.
#[derive(Default)]
struct Moved {
    field: Option<&'static str>,
    carrier: Option<Carrier>,
    from: Option<String>,
    to: Option<String>,
    source: Option<String>,
    reason: Option<String>,
}

fn status(field: &'static str, from: Option<&str>, to: &str) -> Moved {
    Moved {
        field: Some(field),
        from: from.map(String::from),
        to: Some(to.to_string()),
        ..Moved::default()
    }
}

/// A registration TCR refused or could not take: still PENDING while it will be retried.
fn submission_failed(message: &str, retryable: bool) -> Moved {
    Moved {
        reason: Some(message.to_string()),
        ..status(
            "status",
            Some("PENDING"),
            if retryable { "PENDING" } else { "REJECTED" },
        )
    }
}

/// A registration whose retries gave up.
fn abandoned(reason: &str) -> Moved {
    Moved {
        reason: Some(reason.to_string()),
        ..status("status", Some("PENDING"), "ABANDONED")
    }
}

fn text(value: &impl Serialize) -> Option<String> {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
}

impl Change {
    /// The change an event of a fed type tells; `None` for other aggregate types.
    pub fn from_event(event: &StoredEvent) -> Option<Change> {
        let (kind, moved, summary) = match event.aggregate_type.as_str() {
            "Brand" => match event.decode::<BrandEvent>() {
                Ok(decoded) => ("brand", brand(&decoded), decoded.summary()),
                Err(_) => ("brand", Moved::default(), unread(event)),
            },
            "Campaign" => match event.decode::<CampaignEvent>() {
                Ok(decoded) => ("campaign", campaign(&decoded), decoded.summary()),
                Err(_) => ("campaign", Moved::default(), unread(event)),
            },
            _ => return None,
        };
        Some(Change {
            kind: "change",
            position: event.global_position,
            customer_id: customer_of(event),
            entity: Entity {
                kind,
                id: event.aggregate_id.clone(),
            },
            event: event.event_type.clone(),
            field: moved.field,
            carrier: moved.carrier,
            from: moved.from,
            to: moved.to,
            source: moved
                .source
                .or_else(|| event.meta("source").map(String::from)),
            reason: moved.reason,
            summary,
            at: event.recorded_at,
        })
    }

    /// Whether a client watching `scope` (`None`: every customer) may see it.
    pub fn visible_to(&self, scope: Option<Uuid>) -> bool {
        match scope {
            None => true,
            Some(customer) => self.customer_id == Some(customer),
        }
    }
}

/// A notification's status change, as sent: `{"type":"notification", "id", "customerId", "kind",
/// "subject": {type, id, name}, "status", "previousStatus", "recipient", "at"}`.
///
/// Notification state is not in the event stream, so this carries no stream position and is
/// not replayed on `?after=`: a client that reconnects reads `GET /v1/notifications` for what
/// it missed. The recipient is shown as `GET /v1/notifications` shows it to the same caller
/// (only the customer's own clients and super admins ever receive it).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NotificationChange {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: Uuid,
    pub customer_id: Uuid,
    /// BRAND_VERIFIED, CAMPAIGN_REJECTED, ...
    #[serde(rename = "kind")]
    pub notification_kind: String,
    pub subject: Subject,
    /// PENDING | SENT | FAILED | DEAD | SUPPRESSED
    pub status: String,
    /// The status before this change; absent when the notification was just decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_status: Option<String>,
    pub recipient: String,
    /// Why it was not sent (SUPPRESSED) or the provider's answer (FAILED, DEAD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// The brand or campaign a notification is about.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Subject {
    /// BRAND | CAMPAIGN
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Uuid,
    pub name: Option<String>,
}

/// The tenant an event belongs to, from its metadata.
pub fn customer_of(event: &StoredEvent) -> Option<Uuid> {
    event.meta("customer_id").and_then(|c| c.parse().ok())
}

fn unread(event: &StoredEvent) -> String {
    format!("{} (version {})", event.event_type, event.event_version)
}

fn brand(event: &BrandEvent) -> Moved {
    use BrandEvent::*;
    match event {
        BrandRegistrationRequested { .. } => status("status", None, "PENDING"),
        BrandSubmittedToTcr { .. } => status("status", Some("PENDING"), "REGISTERED"),
        BrandSubmissionFailed {
            message, retryable, ..
        } => submission_failed(message, *retryable),
        BrandSubmissionAbandoned { reason, .. } => abandoned(reason),
        BrandIdentityStatusChanged {
            from, to, source, ..
        } => Moved {
            source: Some(source.as_str().to_string()),
            ..status(
                "identityStatus",
                from.as_ref().map(|f| f.as_str()),
                to.as_str(),
            )
        },
        BrandTcrStatusChanged {
            from, to, source, ..
        } => Moved {
            source: Some(source.as_str().to_string()),
            ..status("tcrStatus", from.as_ref().map(|f| f.as_str()), to.as_str())
        },
        BrandVettingStatusChanged {
            provider,
            from,
            to,
            score,
            source,
            ..
        } => Moved {
            field: Some("vettingStatus"),
            from: from.as_ref().and_then(text),
            to: text(to),
            source: Some(source.as_str().to_string()),
            reason: Some(match score {
                Some(score) => format!("{provider} vetting, score {score}"),
                None => format!("{provider} vetting"),
            }),
            ..Moved::default()
        },
        BrandDeleted { source } => Moved {
            source: Some(source.as_str().to_string()),
            ..status("tcrStatus", None, "DELETED")
        },
        BrandUpdateFailed { message, .. } | BrandActionFailed { message, .. } => Moved {
            reason: Some(message.clone()),
            ..Moved::default()
        },
        _ => Moved::default(),
    }
}

fn campaign(event: &CampaignEvent) -> Moved {
    use CampaignEvent::*;
    match event {
        CampaignRegistrationRequested { .. } => status("status", None, "PENDING"),
        CampaignSubmittedToTcr { .. } => status("status", Some("PENDING"), "REGISTERED"),
        CampaignSubmissionFailed {
            message, retryable, ..
        } => submission_failed(message, *retryable),
        CampaignSubmissionAbandoned { reason, .. } => abandoned(reason),
        CampaignMnoStatusChanged {
            mno,
            from,
            to,
            reason,
            source,
            ..
        } => Moved {
            carrier: Some(Carrier {
                mno_id: mno.0,
                name: mno.name(),
            }),
            source: Some(source.as_str().to_string()),
            reason: reason.as_ref().map(|r| match &r.category {
                Some(category) if !r.text.contains(category.as_str()) => {
                    format!("{category}: {}", r.text)
                }
                _ => r.text.clone(),
            }),
            ..status(
                "carrierStatus",
                from.as_ref().map(|f| f.as_str()),
                to.as_str(),
            )
        },
        CampaignTcrStatusChanged {
            from, to, source, ..
        } => Moved {
            source: Some(source.as_str().to_string()),
            ..status("tcrStatus", from.as_ref().map(|f| f.as_str()), to.as_str())
        },
        CampaignDeactivated { source } => Moved {
            source: Some(source.as_str().to_string()),
            ..status("tcrStatus", Some("ACTIVE"), "EXPIRED")
        },
        CampaignSharingChanged {
            from,
            to,
            explanation,
            source,
            ..
        } => Moved {
            source: Some(source.as_str().to_string()),
            reason: explanation.clone(),
            ..status(
                "sharingStatus",
                from.as_ref().map(|f| f.as_str()),
                to.as_str(),
            )
        },
        CampaignActionFailed { message, .. } => Moved {
            reason: Some(message.clone()),
            ..Moved::default()
        },
        _ => Moved::default(),
    }
}
