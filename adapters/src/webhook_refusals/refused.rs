//! What is kept of one refused delivery: no body, only its digest and the few fields it
//! claimed, shortened and free of control characters. Without IO, so the webhook fuzz target
//! (`tests/fuzz`) checks it on everything it throws at the receiver.
use std::net::IpAddr;

use base64::Engine;
use chrono::{DateTime, Utc};
use tendlc_domain::webhook::{Delivery, SignatureVerdict, WebhookCategory};

use crate::webhook_intake::Refusal;

/// The longest claimed value kept (event type, TCR ids, user agent).
pub const CLAIM_CHARS: usize = 64;

/// One refusal as it is kept: no body, only its digest and what it claimed, shortened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedDelivery {
    pub category: WebhookCategory,
    /// A stable code for counting (`signature_invalid`, `not_an_object`, …).
    pub reason_code: String,
    pub reason: String,
    pub http_status: u16,
    pub signature: SignatureVerdict,
    pub remote_addr: Option<String>,
    /// The address the per-source allowance is counted by (IPv6 by /64).
    pub source: String,
    pub body_sha256: String,
    /// `None` when the body was over the size limit (not read).
    pub body_bytes: Option<i32>,
    pub claimed_event_type: Option<String>,
    pub claimed_tcr_brand_id: Option<String>,
    pub claimed_tcr_campaign_id: Option<String>,
    pub user_agent: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// `text` without control characters (Postgres text cannot hold NUL), at most `CLAIM_CHARS`.
fn claim(text: Option<&str>) -> Option<String> {
    text.map(|t| {
        t.chars()
            .filter(|c| !c.is_control())
            .take(CLAIM_CHARS)
            .collect()
    })
}

/// The allowance key: an IPv4 address, or an IPv6 address's /64 (one host holds a whole /64).
pub fn source_of(remote: Option<IpAddr>) -> String {
    match remote {
        None => "unknown".into(),
        Some(IpAddr::V4(ip)) => ip.to_string(),
        Some(IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = ip.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

impl RefusedDelivery {
    /// What is kept of `delivery`, refused for `refusal`.
    pub fn new(delivery: &Delivery, refusal: Refusal) -> Self {
        let too_large = matches!(refusal, Refusal::TooLarge { .. });
        let remote: Option<IpAddr> = delivery.remote_addr.as_deref().and_then(|a| a.parse().ok());
        let body_bytes = (!too_large).then(|| {
            base64::engine::general_purpose::STANDARD
                .decode(&delivery.raw_body_base64)
                .map(|b| b.len())
                .unwrap_or(0)
                .min(i32::MAX as usize) as i32
        });
        Self {
            category: delivery.category,
            reason_code: refusal.code().to_string(),
            reason: refusal.reason(),
            http_status: refusal.status(),
            signature: delivery.signature,
            remote_addr: delivery.remote_addr.clone(),
            source: source_of(remote),
            body_sha256: delivery.body_sha256.clone(),
            body_bytes,
            claimed_event_type: claim(delivery.event_type.as_ref().map(|t| t.as_str())),
            claimed_tcr_brand_id: claim(delivery.tcr_brand_id.as_deref()),
            claimed_tcr_campaign_id: claim(delivery.tcr_campaign_id.as_deref()),
            user_agent: claim(delivery.headers.get("user-agent").map(String::as_str)),
            received_at: delivery.received_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_count_an_ipv6_host_by_its_64_and_a_mapped_ipv4_as_ipv4() {
        let a = source_of(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = source_of(Some("2001:db8:1:2:bbbb::9".parse().unwrap()));
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(
            source_of(Some("::ffff:10.0.0.1".parse().unwrap())),
            "10.0.0.1"
        );
        assert_eq!(source_of(None), "unknown");
    }

    #[test]
    fn it_should_keep_claims_short_and_free_of_control_characters() {
        let long = "B".repeat(500) + "\0";
        let kept = claim(Some(&long)).unwrap();
        assert_eq!(kept.chars().count(), CLAIM_CHARS);
        assert_eq!(claim(Some("BA\0D\n")).as_deref(), Some("BAD"));
    }
}
