//! TCR's webhook signature: `X-Registry-Signature` = base64(HMAC-SHA1(key = API secret,
//! message = webhook URL followed by the RFC 8785 (JCS) canonical form of the JSON body)).
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

pub const SIGNATURE_HEADER: &str = "x-registry-signature";

/// What checking a delivery's signature found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    Valid,
    Invalid,
    Missing,
    /// The body is not JSON, so there is nothing to canonicalise.
    Unreadable,
}

/// The RFC 8785 canonical text of a JSON value.
pub fn canonical(value: &serde_json::Value) -> String {
    serde_jcs::to_string(value).unwrap_or_else(|_| value.to_string())
}

/// The signature TCR would send for `body` delivered to `url`.
pub fn sign(secret: &str, url: &str, body: &serde_json::Value) -> String {
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    mac.update(canonical(body).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks a received delivery: the raw body, the URL it was sent to and the header value.
pub fn verify(secret: &str, url: &str, raw_body: &[u8], header: Option<&str>) -> Verdict {
    let Some(header) = header.map(str::trim).filter(|h| !h.is_empty()) else {
        return Verdict::Missing;
    };
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(raw_body) else {
        return Verdict::Unreadable;
    };
    let Ok(given) = base64::engine::general_purpose::STANDARD.decode(header) else {
        return Verdict::Invalid;
    };
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(url.as_bytes());
    mac.update(canonical(&body).as_bytes());
    // Constant-time comparison.
    match mac.verify_slice(&given) {
        Ok(()) => Verdict::Valid,
        Err(_) => Verdict::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn it_should_canonicalise_key_order_and_whitespace() {
        let body: serde_json::Value = serde_json::from_str(r#"{ "b": 1, "a": "x" }"#).unwrap();
        assert_eq!(canonical(&body), r#"{"a":"x","b":1}"#);
    }

    #[test]
    fn it_should_accept_its_own_signature_over_differently_formatted_bytes() {
        let body = json!({"eventType": "BRAND_ADD", "brandId": "B123ABC", "mock": false});
        let signature = sign("s3cret", "https://example.com/webhooks/tcr/brands", &body);
        let raw = br#"{"mock":false,  "brandId":"B123ABC","eventType":"BRAND_ADD"}"#;
        assert_eq!(
            verify(
                "s3cret",
                "https://example.com/webhooks/tcr/brands",
                raw,
                Some(&signature)
            ),
            Verdict::Valid
        );
    }

    #[test]
    fn it_should_refuse_a_signature_for_another_url_secret_or_body() {
        let body = json!({"eventType": "BRAND_ADD"});
        let signature = sign("s3cret", "https://a.example/x", &body);
        let raw = serde_json::to_vec(&body).unwrap();
        assert_eq!(
            verify("s3cret", "https://b.example/x", &raw, Some(&signature)),
            Verdict::Invalid
        );
        assert_eq!(
            verify("other", "https://a.example/x", &raw, Some(&signature)),
            Verdict::Invalid
        );
        assert_eq!(
            verify(
                "s3cret",
                "https://a.example/x",
                br#"{"eventType":"BRAND_DELETE"}"#,
                Some(&signature)
            ),
            Verdict::Invalid
        );
        assert_eq!(
            verify("s3cret", "https://a.example/x", &raw, None),
            Verdict::Missing
        );
        assert_eq!(
            verify(
                "s3cret",
                "https://a.example/x",
                b"not json",
                Some(&signature)
            ),
            Verdict::Unreadable
        );
        assert_eq!(
            verify("s3cret", "https://a.example/x", &raw, Some("%%%")),
            Verdict::Invalid
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn json_object() -> impl Strategy<Value = serde_json::Value> {
        proptest::collection::btree_map(
            "[a-zA-Z]{1,10}",
            prop_oneof![
                any::<String>().prop_map(serde_json::Value::from),
                any::<i32>().prop_map(serde_json::Value::from),
                any::<bool>().prop_map(serde_json::Value::from),
            ],
            0..8,
        )
        .prop_map(|m| serde_json::to_value(m).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn a_signed_body_verifies_however_it_is_formatted(body in json_object(), secret in "[ -~]{1,40}", path in "[a-z/]{0,20}") {
            let url = format!("https://example.com/{path}");
            let signature = sign(&secret, &url, &body);
            let pretty = serde_json::to_vec_pretty(&body).unwrap();
            prop_assert_eq!(verify(&secret, &url, &pretty, Some(&signature)), Verdict::Valid);
        }

        #[test]
        fn any_change_to_the_body_breaks_the_signature(body in json_object(), key in "[a-z]{1,10}", value in any::<i64>()) {
            let url = "https://example.com/webhooks/tcr/brands";
            let signature = sign("secret", url, &body);
            let mut changed = body.clone();
            changed[key.as_str()] = serde_json::json!(value);
            prop_assume!(changed != body);
            prop_assert_eq!(verify("secret", url, &serde_json::to_vec(&changed).unwrap(), Some(&signature)), Verdict::Invalid);
        }

        #[test]
        fn arbitrary_bytes_and_headers_never_panic_and_never_verify(raw in proptest::collection::vec(any::<u8>(), 0..256), header in proptest::option::of(any::<String>())) {
            let verdict = verify("secret", "https://example.com/x", &raw, header.as_deref());
            prop_assert_ne!(verdict, Verdict::Valid);
        }
    }
}
