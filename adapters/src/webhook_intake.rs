//! Receiving one TCR webhook delivery, without IO: read the body, check the signature, decide
//! whether it is accepted, and build the delivery that gets recorded either way. The HTTP
//! receiver (`api::routes::webhooks`) records what this decides; the fuzz target
//! (`tests/fuzz`) drives this same code with arbitrary bodies, headers and signatures.
use std::collections::BTreeMap;
use std::net::IpAddr;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tendlc_domain::webhook::{Delivery, SignatureVerdict, WebhookCategory};

use crate::webhook_signature::{self, Verdict};

/// How webhook signatures are treated (`TENDLC_WEBHOOK_SIGNATURE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMode {
    /// Refuse deliveries without a valid signature.
    Enforce,
    /// Accept them, but log and record the verdict.
    Warn,
    /// Do not check.
    Off,
}

/// What a receiver checks deliveries against.
#[derive(Debug, Clone, Copy)]
pub struct Policy<'a> {
    /// The key TCR signs with (the API secret).
    pub secret: &'a str,
    /// The URL the delivery was sent to, as TCR signs it.
    pub url: &'a str,
    pub signature: SignatureMode,
    /// Source addresses allowed to deliver; empty allows any.
    pub allowed_ips: &'a [IpAddr],
    /// The body limit (reported when a body was over it).
    pub max_body_bytes: usize,
}

/// One delivery as it arrived.
#[derive(Debug, Clone)]
pub struct Arrival<'a> {
    pub category: WebhookCategory,
    /// The exact body, or `None` when it was larger than the limit.
    pub raw: Option<&'a [u8]>,
    /// `X-Registry-Signature`, if sent (and readable as text).
    pub signature_header: Option<&'a str>,
    /// The headers worth keeping (never credentials).
    pub headers: BTreeMap<String, String>,
    pub remote: Option<IpAddr>,
    pub received_at: DateTime<Utc>,
}

/// Why a delivery is refused (kept in the refusal store, never as an event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooLarge {
        limit: usize,
    },
    SourceNotAllowed,
    NotAnObject,
    /// A NUL character (`\u0000`) in a string or key: Postgres cannot store it as JSON.
    NulCharacter,
    /// `TENDLC_WEBHOOK_SIGNATURE=enforce` and the signature is not valid.
    Signature(SignatureVerdict),
}

impl Refusal {
    /// The HTTP status the receiver answers with.
    pub fn status(self) -> u16 {
        match self {
            Refusal::TooLarge { .. } => 413,
            Refusal::SourceNotAllowed => 403,
            Refusal::NotAnObject | Refusal::NulCharacter => 400,
            Refusal::Signature(_) => 401,
        }
    }

    /// A stable code for counting refusals by reason.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::TooLarge { .. } => "too_large",
            Refusal::SourceNotAllowed => "source_not_allowed",
            Refusal::NotAnObject => "not_an_object",
            Refusal::NulCharacter => "nul_character",
            Refusal::Signature(SignatureVerdict::Missing) => "signature_missing",
            Refusal::Signature(SignatureVerdict::Unreadable) => "signature_unreadable",
            Refusal::Signature(_) => "signature_invalid",
        }
    }

    /// Why, in words for the audit log and the answer.
    pub fn reason(self) -> String {
        match self {
            Refusal::TooLarge { limit } => format!("the body is larger than {limit} bytes"),
            Refusal::SourceNotAllowed => {
                "the delivery came from an address not on the allow list".to_string()
            }
            Refusal::NotAnObject => "the body is not a JSON object".to_string(),
            Refusal::NulCharacter => {
                "the body contains a NUL character (\\u0000), which cannot be stored as JSON; its exact bytes are kept"
                    .to_string()
            }
            Refusal::Signature(verdict) => {
                format!("the X-Registry-Signature is {verdict:?}").to_lowercase()
            }
        }
    }
}

/// What receiving one delivery decided.
#[derive(Debug, Clone)]
pub struct Intake {
    /// What is recorded, accepted or not.
    pub delivery: Delivery,
    /// `None` when accepted.
    pub refusal: Option<Refusal>,
    /// For an accepted delivery: its id, the same for the same category and canonical body,
    /// so a redelivery meets the first one.
    pub delivery_id: Option<String>,
}

/// The delivery id: the same category and (canonical) payload always map to the same id.
pub fn delivery_id(category: WebhookCategory, body: &Value) -> String {
    let mut hash = Sha256::new();
    hash.update(category.as_str().as_bytes());
    hash.update(b":");
    hash.update(webhook_signature::canonical(body).as_bytes());
    hex::encode(hash.finalize())
}

/// Whether any string or key in `value` holds a NUL character.
pub fn contains_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(contains_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || contains_nul(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

fn verdict(v: Verdict) -> SignatureVerdict {
    match v {
        Verdict::Valid => SignatureVerdict::Valid,
        Verdict::Invalid => SignatureVerdict::Invalid,
        Verdict::Missing => SignatureVerdict::Missing,
        Verdict::Unreadable => SignatureVerdict::Unreadable,
    }
}

/// Reads, checks and judges one delivery. Never fails: whatever arrived is described in the
/// returned delivery, and a refusal says why it is not accepted.
pub fn receive(policy: &Policy<'_>, arrival: Arrival<'_>) -> Intake {
    let raw = arrival.raw.unwrap_or_default();
    let parsed: Option<Value> = serde_json::from_slice(raw).ok();
    let has_nul = parsed.as_ref().is_some_and(contains_nul);
    let signature = match policy.signature {
        SignatureMode::Off => SignatureVerdict::NotChecked,
        SignatureMode::Enforce | SignatureMode::Warn => verdict(webhook_signature::verify(
            policy.secret,
            policy.url,
            raw,
            arrival.signature_header,
        )),
    };
    let refusal = if arrival.raw.is_none() {
        Some(Refusal::TooLarge {
            limit: policy.max_body_bytes,
        })
    } else if arrival
        .remote
        .is_some_and(|ip| !policy.allowed_ips.is_empty() && !policy.allowed_ips.contains(&ip))
    {
        Some(Refusal::SourceNotAllowed)
    } else if !parsed.as_ref().is_some_and(Value::is_object) {
        Some(Refusal::NotAnObject)
    } else if has_nul {
        Some(Refusal::NulCharacter)
    } else if policy.signature == SignatureMode::Enforce && signature != SignatureVerdict::Valid {
        Some(Refusal::Signature(signature))
    } else {
        None
    };
    // A body Postgres cannot store is kept only as its exact bytes; so is a JSON `null`, which
    // the recorded `Option` would read back as "no JSON body" (found by fuzzing).
    let body = parsed.filter(|value| !has_nul && !value.is_null());
    let delivery_id = match (&refusal, &body) {
        (None, Some(body)) => Some(delivery_id(arrival.category, body)),
        _ => None,
    };
    let delivery = Delivery {
        category: arrival.category,
        event_type: None,
        tcr_brand_id: None,
        tcr_campaign_id: None,
        raw_body_base64: base64::engine::general_purpose::STANDARD.encode(raw),
        body,
        body_sha256: hex::encode(Sha256::digest(raw)),
        headers: arrival.headers,
        remote_addr: arrival.remote.map(|ip| ip.to_string()),
        signature,
        received_at: arrival.received_at,
    }
    .with_body_fields();
    Intake {
        delivery,
        refusal,
        delivery_id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URL: &str = "https://tendlc.example/webhooks/tcr/brands";

    fn policy(signature: SignatureMode) -> Policy<'static> {
        Policy {
            secret: "s3cret",
            url: URL,
            signature,
            allowed_ips: &[],
            max_body_bytes: 1024,
        }
    }

    fn arrival<'a>(raw: Option<&'a [u8]>, header: Option<&'a str>) -> Arrival<'a> {
        Arrival {
            category: WebhookCategory::Brand,
            raw,
            signature_header: header,
            headers: BTreeMap::new(),
            remote: Some("127.0.0.1".parse().unwrap()),
            received_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn it_should_accept_a_signed_object_and_read_its_fields() {
        let body = json!({"eventType": "BRAND_ADD", "brandId": "B123ABC"});
        let signature = webhook_signature::sign("s3cret", URL, &body);
        let raw = serde_json::to_vec(&body).unwrap();
        let intake = receive(
            &policy(SignatureMode::Enforce),
            arrival(Some(&raw), Some(&signature)),
        );
        assert_eq!(intake.refusal, None);
        assert_eq!(intake.delivery.signature, SignatureVerdict::Valid);
        assert_eq!(intake.delivery.tcr_brand_id.as_deref(), Some("B123ABC"));
        assert_eq!(
            intake.delivery_id,
            Some(delivery_id(WebhookCategory::Brand, &body))
        );
    }

    #[test]
    fn it_should_refuse_in_order_size_then_shape_then_signature() {
        let enforce = policy(SignatureMode::Enforce);
        let refusal = |raw: Option<&[u8]>, header| receive(&enforce, arrival(raw, header)).refusal;
        assert_eq!(
            refusal(None, Some("x")),
            Some(Refusal::TooLarge { limit: 1024 })
        );
        assert_eq!(refusal(Some(b"[1]"), None), Some(Refusal::NotAnObject));
        assert_eq!(refusal(Some(b"{"), None), Some(Refusal::NotAnObject));
        assert_eq!(
            refusal(Some(b"{}"), None),
            Some(Refusal::Signature(SignatureVerdict::Missing))
        );
        assert_eq!(
            refusal(Some(b"{}"), Some("bm9wZQ==")),
            Some(Refusal::Signature(SignatureVerdict::Invalid))
        );
        let warn = receive(&policy(SignatureMode::Warn), arrival(Some(b"{}"), None));
        assert_eq!(warn.refusal, None);
        assert_eq!(warn.delivery.signature, SignatureVerdict::Missing);
    }

    #[test]
    fn it_should_refuse_a_nul_character_and_keep_only_the_bytes() {
        let raw = br#"{"eventType":"BRAND_ADD\u0000"}"#;
        let intake = receive(&policy(SignatureMode::Off), arrival(Some(raw), None));
        assert_eq!(intake.refusal, Some(Refusal::NulCharacter));
        assert_eq!(intake.delivery.body, None);
        assert_eq!(intake.delivery.event_type, None);
        let stored = serde_json::to_string(&intake.delivery).unwrap();
        assert!(
            !stored.contains("\\u0000"),
            "the recorded delivery must be storable: {stored}"
        );
    }

    #[test]
    fn it_should_record_a_null_body_so_that_it_reads_back_the_same() {
        let intake = receive(&policy(SignatureMode::Off), arrival(Some(b"null"), None));
        assert_eq!(intake.refusal, Some(Refusal::NotAnObject));
        let stored = serde_json::to_string(&intake.delivery).unwrap();
        let read_back: Delivery = serde_json::from_str(&stored).unwrap();
        assert_eq!(read_back, intake.delivery);
    }

    #[test]
    fn it_should_refuse_a_source_off_the_allow_list() {
        let allowed: [IpAddr; 1] = ["52.44.59.112".parse().unwrap()];
        let policy = Policy {
            allowed_ips: &allowed,
            ..policy(SignatureMode::Off)
        };
        let intake = receive(&policy, arrival(Some(b"{}"), None));
        assert_eq!(intake.refusal, Some(Refusal::SourceNotAllowed));
        assert_eq!(intake.refusal.unwrap().status(), 403);
    }
}
