//! Fuzz target: TCR webhook deliveries through the receiving path tendlc runs — JSON parsing, RFC
//! 8785 canonicalisation, the HMAC signature check, the accept/refuse decision and the delivery
//! that is recorded (`adapters/src/webhook_intake.rs`, `adapters/src/webhook_signature.rs`,
//! `adapters/src/webhook_refusals/refused.rs`,
//! `domain/src/webhook.rs`), compiled here from the product's own source files.
//!
//! One input is: a control byte (signature mode, allow list, oversize, which mutation), a knob
//! byte (where and what the mutation does), then the body; bytes after a first NUL byte are sent
//! as the `X-Registry-Signature` header. Invariants, any breach of which panics (a finding):
//!
//! 1. Whatever arrives, receiving never panics, and refusals are clean 4xx with a reason.
//! 2. Only a JSON object without NUL characters, properly signed (under `enforce`), is accepted;
//!    an accepted delivery's id is its category plus canonical body; a `VALID` verdict means the
//!    header is exactly the signature TCR would send.
//! 3. A body signed correctly verifies however it is formatted, and canonicalisation is stable.
//! 4. A mutation of a signed delivery (body bytes, signature, URL, secret) is rejected unless it is
//!    canonically the same delivery.
//! 5. What gets recorded reads back identically from its JSON and holds no `\u0000`, which
//!    Postgres cannot store; what is kept of a refusal is short and free of control characters.
#![no_main]

#[path = "../../../adapters/src/webhook_signature.rs"]
#[allow(dead_code)]
mod webhook_signature;

#[path = "../../../adapters/src/webhook_intake.rs"]
mod webhook_intake;

#[path = "../../../adapters/src/webhook_refusals/refused.rs"]
#[allow(dead_code)]
mod refused;

use std::collections::BTreeMap;
use std::net::IpAddr;

use base64::Engine;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tendlc_domain::tcr::TcrEventType;
use tendlc_domain::webhook::{SignatureVerdict, WebhookCategory, WebhookEvent};
use refused::RefusedDelivery;
use webhook_intake::{Arrival, Policy, Refusal, SignatureMode};
use webhook_signature::{canonical, sign, verify, Verdict};

const SECRET: &str = "fuzz-secret-0123456789";
const URL: &str = "https://tendlc.example/webhooks/tcr/brands";
const OTHER_URL: &str = "https://tendlc.example/webhooks/tcr/campaigns";
const TCR_IP: &str = "52.44.59.112";

fuzz_target!(|data: &[u8]| check(data));

fn check(data: &[u8]) {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let (&knob, rest) = rest.split_first().unwrap_or((&0, &[]));
    let (body, header) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (
            &rest[..at],
            Some(String::from_utf8_lossy(&rest[at + 1..]).into_owned()),
        ),
        None => (rest, None),
    };
    let mode = match control & 0b11 {
        1 => SignatureMode::Warn,
        2 => SignatureMode::Off,
        _ => SignatureMode::Enforce,
    };
    let parsed: Option<Value> = serde_json::from_slice(body).ok();

    receiving_what_arrived(control, mode, body, header.as_deref(), parsed.as_ref());
    if let Some(value) = &parsed {
        signed_bodies_verify(body, value);
    }
    mutations_are_rejected(control >> 4, knob, body, parsed.as_ref());
}

/// Invariants 1, 2 and 5 for the delivery exactly as it arrived.
fn receiving_what_arrived(
    control: u8,
    mode: SignatureMode,
    body: &[u8],
    header: Option<&str>,
    parsed: Option<&Value>,
) {
    let allowed: Vec<IpAddr> = if control & 0b100 != 0 {
        vec![TCR_IP.parse().unwrap()]
    } else {
        vec![]
    };
    let too_large = control & 0b1000 != 0;
    let policy = Policy {
        secret: SECRET,
        url: URL,
        signature: mode,
        allowed_ips: &allowed,
        max_body_bytes: 64 * 1024,
    };
    let intake = webhook_intake::receive(&policy, arrival((!too_large).then_some(body), header));
    let delivery = &intake.delivery;

    // What is recorded describes exactly what arrived.
    let kept = if too_large { &[][..] } else { body };
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(&delivery.raw_body_base64)
            .expect("recorded bytes are base64"),
        kept,
        "the recorded bytes are not the bytes received"
    );
    assert_eq!(delivery.body_sha256, hex::encode(Sha256::digest(kept)));

    // The signature verdict.
    let expected_verdict = match mode {
        SignatureMode::Off => SignatureVerdict::NotChecked,
        _ => match verify(SECRET, URL, kept, header) {
            Verdict::Valid => SignatureVerdict::Valid,
            Verdict::Invalid => SignatureVerdict::Invalid,
            Verdict::Missing => SignatureVerdict::Missing,
            Verdict::Unreadable => SignatureVerdict::Unreadable,
        },
    };
    assert_eq!(delivery.signature, expected_verdict);
    if delivery.signature == SignatureVerdict::Valid {
        let value: Value = serde_json::from_slice(kept).expect("a VALID body is JSON");
        assert_eq!(
            header.map(str::trim),
            Some(sign(SECRET, URL, &value).as_str()),
            "VALID for a header that is not the signature of this body"
        );
    }
    if header.is_none_or(|h| h.trim().is_empty()) && mode != SignatureMode::Off {
        assert_eq!(delivery.signature, SignatureVerdict::Missing);
    }

    // The decision.
    let nul = parsed.is_some_and(webhook_intake::contains_nul);
    match intake.refusal {
        Some(refusal) => {
            assert!(
                (400..500).contains(&refusal.status()),
                "{refusal:?} answers {}",
                refusal.status()
            );
            assert!(!refusal.reason().is_empty());
            assert_eq!(intake.delivery_id, None, "a refused delivery has no id");
            match refusal {
                Refusal::TooLarge { .. } => assert!(too_large),
                Refusal::SourceNotAllowed => assert!(!allowed.is_empty()),
                Refusal::NotAnObject => assert!(!parsed.is_some_and(Value::is_object)),
                Refusal::NulCharacter => assert!(nul),
                Refusal::Signature(verdict) => {
                    assert_eq!(mode, SignatureMode::Enforce);
                    assert_ne!(verdict, SignatureVerdict::Valid);
                }
            }
        }
        None => {
            let value = parsed.expect("an accepted body is JSON");
            assert!(value.is_object(), "accepted a body that is not an object");
            assert!(!nul, "accepted a body Postgres cannot store");
            assert!(!too_large && allowed.is_empty());
            if mode == SignatureMode::Enforce {
                assert_eq!(delivery.signature, SignatureVerdict::Valid);
            }
            assert_eq!(
                intake.delivery_id.as_deref(),
                Some(webhook_intake::delivery_id(WebhookCategory::Brand, value).as_str())
            );
            assert_eq!(delivery.body.as_ref(), Some(value));
        }
    }

    // The fields the worker routes by are read from the kept body, and only from it.
    let text = |key: &str| {
        delivery
            .body
            .as_ref()
            .and_then(|b| b.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    assert_eq!(
        delivery.event_type.as_ref().map(TcrEventType::as_str),
        text("eventType").as_deref()
    );
    assert_eq!(delivery.tcr_brand_id, text("brandId"));
    assert_eq!(delivery.tcr_campaign_id, text("campaignId"));
    assert_eq!(
        delivery.body.is_some(),
        parsed.is_some_and(|v| !v.is_null()) && !nul && !too_large
    );

    // What is recorded is storable and reads back as it was written: an accepted delivery as
    // an event, a refusal as a bounded row with no control characters in its text.
    match intake.refusal {
        Some(refusal) => {
            let kept = RefusedDelivery::new(delivery, refusal);
            for text in [
                kept.claimed_event_type.as_deref(),
                kept.claimed_tcr_brand_id.as_deref(),
                kept.claimed_tcr_campaign_id.as_deref(),
                kept.user_agent.as_deref(),
            ]
            .into_iter()
            .flatten()
            {
                assert!(text.chars().count() <= 64, "a kept claim is longer than 64");
                assert!(!text.chars().any(char::is_control), "a kept claim holds {text:?}");
            }
            assert_eq!(kept.http_status, refusal.status());
        }
        None => {
            let event = WebhookEvent::WebhookReceived(delivery.clone());
            let stored = serde_json::to_string(&event).expect("a delivery event serialises");
            assert!(
                !webhook_intake::contains_nul(&serde_json::from_str(&stored).unwrap()),
                "the recorded event holds a NUL character Postgres cannot store"
            );
            let read_back: WebhookEvent =
                serde_json::from_str(&stored).expect("the event reads back");
            assert_eq!(read_back, event, "the event changed through its JSON");
        }
    }
}

/// Invariant 3: our own signature over any JSON verifies over the received bytes and over any
/// other formatting of the same value; canonicalisation is a fixed point.
fn signed_bodies_verify(body: &[u8], value: &Value) {
    let signature = sign(SECRET, URL, value);
    assert_eq!(verify(SECRET, URL, body, Some(&signature)), Verdict::Valid);
    let pretty = serde_json::to_vec_pretty(value).unwrap();
    assert_eq!(
        verify(SECRET, URL, &pretty, Some(&signature)),
        Verdict::Valid
    );
    let padded = format!("  {signature}\t");
    assert_eq!(
        verify(SECRET, URL, body, Some(&padded)),
        Verdict::Valid,
        "surrounding whitespace in the header is not part of the signature"
    );
    let text = canonical(value);
    let again: Value = serde_json::from_str(&text).expect("canonical text parses");
    assert_eq!(canonical(&again), text, "canonicalisation is not stable");
}

/// A real-looking signed delivery to mutate: the fuzzer's own object, or a TCR event carrying
/// the fuzzer's bytes as text.
fn base_delivery(body: &[u8], parsed: Option<&Value>) -> Value {
    match parsed {
        Some(value) if value.is_object() => value.clone(),
        _ => json!({
            "eventType": "BRAND_IDENTITY_STATUS_UPDATE",
            "cspId": "S1MCSP0",
            "brandId": "B123ABC",
            "brandName": String::from_utf8_lossy(body),
            "brandIdentityStatus": "VERIFIED",
            "mock": false,
        }),
    }
}

/// Invariant 4.
fn mutations_are_rejected(kind: u8, knob: u8, body: &[u8], parsed: Option<&Value>) {
    let base = base_delivery(body, parsed);
    let raw = serde_json::to_vec(&base).unwrap();
    let signature = sign(SECRET, URL, &base);
    let (mut raw2, mut signature2, mut url2, mut secret2) =
        (raw.clone(), signature.clone(), URL, SECRET.to_string());
    let at = |len: usize| if len == 0 { 0 } else { knob as usize % len };
    match kind {
        0 => {
            let i = at(raw2.len());
            raw2[i] ^= 1 << (knob % 8);
        }
        1 => {
            let i = at(raw2.len() + 1);
            raw2.insert(i, knob);
        }
        2 => {
            let i = at(raw2.len());
            raw2.remove(i);
        }
        3 => {
            let i = at(raw2.len());
            raw2[i] = knob;
        }
        4 => {
            let mut bytes = signature2.into_bytes();
            let i = at(bytes.len());
            bytes[i] ^= 1 << (knob % 7);
            signature2 = String::from_utf8_lossy(&bytes).into_owned();
        }
        5 => {
            signature2.truncate(at(signature2.len()));
        }
        6 => signature2.push(char::from(knob)),
        7 => url2 = OTHER_URL,
        // Not NUL: HMAC pads keys with zero bytes, so "k" and "k\0" are the same key.
        8 => secret2.push(char::from(knob.max(1))),
        9 => {
            let (i, j) = (at(raw2.len()), at(raw2.len() / 2 + 1));
            raw2.swap(i, j);
        }
        10 => {
            // A second value for a key, appended: JSON parsers keep the last one.
            raw2.pop();
            raw2.extend_from_slice(br#","eventType":"BRAND_DELETE"}"#);
        }
        11 => {
            // Whitespace between tokens: the same delivery, which must still verify.
            let i = at(raw2.len() + 1);
            raw2.insert(i, b' ');
        }
        _ => {
            // The fuzzer's own bytes presented with the base's signature: a forgery attempt.
            raw2 = body.to_vec();
        }
    }
    let verdict = verify(&secret2, url2, &raw2, Some(&signature2));
    let same_body = serde_json::from_slice::<Value>(&raw2)
        .ok()
        .is_some_and(|v| canonical(&v) == canonical(&base));
    if verdict == Verdict::Valid {
        assert!(
            same_body && url2 == URL && secret2 == SECRET && signature2.trim() == signature,
            "a changed delivery verified (mutation {kind}): {:?} signed {signature2:?}",
            String::from_utf8_lossy(&raw2)
        );
    } else if same_body && url2 == URL && secret2 == SECRET && signature2 == signature {
        panic!(
            "the same delivery, only reformatted, failed to verify (mutation {kind}): {:?}",
            String::from_utf8_lossy(&raw2)
        );
    }
}

fn arrival<'a>(raw: Option<&'a [u8]>, header: Option<&'a str>) -> Arrival<'a> {
    Arrival {
        category: WebhookCategory::Brand,
        raw,
        signature_header: header,
        headers: BTreeMap::from([("content-type".to_string(), "application/json".to_string())]),
        remote: Some("127.0.0.1".parse().unwrap()),
        received_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
    }
}
