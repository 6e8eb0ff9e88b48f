//! Bearer tokens: HS256 and RS256 (PEM or JWKS), issuer/audience/nbf/exp checked with bounded
//! skew, and `alg: none` and algorithm confusion refused.
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use tendlc_api::http::auth::TokenKeys;
use tendlc_tests::harness::AppOptions;
use tendlc_tests::TestApp;

struct Issuer {
    private_pem: String,
    public_pem: String,
    jwks: String,
}

fn issuer() -> Issuer {
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("RSA key");
    let public = key.to_public_key();
    let b64 = |bytes: Vec<u8>| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    Issuer {
        private_pem: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public_pem: public.to_public_key_pem(LineEnding::LF).unwrap(),
        jwks: json!({"keys": [{"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
            "n": b64(public.n().to_bytes_be()), "e": b64(public.e().to_bytes_be())}]})
        .to_string(),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn claims(extra: Value) -> Value {
    let mut claims = json!({"sub": "idp-user", "role": "superadmin", "exp": now() + 600,
        "iss": "https://idp.example.com", "aud": "tendlc"});
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

fn rs256(issuer: &Issuer, kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(String::from);
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_rsa_pem(issuer.private_pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

async fn status(app: &TestApp, token: &str) -> (u16, String) {
    let response = app
        .request(Method::GET, "/v1/messaging/brands", token)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn app_with(keys: TokenKeys) -> TestApp {
    TestApp::spawn_with(AppOptions {
        tokens: Some(keys),
        ..AppOptions::default()
    })
    .await
}

#[tokio::test]
async fn rs256_tokens_from_a_public_key_are_checked_for_issuer_audience_and_time() {
    let idp = issuer();
    let keys = TokenKeys::none()
        .with_rsa_public_pem(idp.public_pem.as_bytes())
        .unwrap()
        .with_issuer(Some("https://idp.example.com".into()))
        .with_audience(Some("tendlc".into()));
    let app = app_with(keys).await;

    assert_eq!(
        status(&app, &rs256(&idp, None, &claims(json!({})))).await.0,
        200
    );
    for (what, bad) in [
        ("wrong audience", json!({"aud": "someone-else"})),
        ("no audience", json!({"aud": null})),
        ("wrong issuer", json!({"iss": "https://evil.example.com"})),
        ("no issuer", json!({"iss": null})),
        ("not valid for another hour", json!({"nbf": now() + 3600})),
        ("expired two minutes ago", json!({"exp": now() - 120})),
        ("no expiry", json!({"exp": null})),
    ] {
        let (code, body) = status(&app, &rs256(&idp, None, &claims(bad))).await;
        assert_eq!(code, 401, "{what}: {body}");
    }
    // Within the bounded skew (30 s) a just-expired token still passes.
    assert_eq!(
        status(
            &app,
            &rs256(&idp, None, &claims(json!({"exp": now() - 10})))
        )
        .await
        .0,
        200
    );
    // A token signed by another key is refused.
    let other = issuer();
    assert_eq!(
        status(&app, &rs256(&other, None, &claims(json!({}))))
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn rs256_tokens_are_matched_to_jwks_keys_by_kid() {
    let idp = issuer();
    let app = app_with(TokenKeys::none().with_jwks(&idp.jwks).unwrap()).await;
    let plain = claims(json!({"iss": null, "aud": null}));
    assert_eq!(status(&app, &rs256(&idp, Some("k1"), &plain)).await.0, 200);
    assert_eq!(
        status(&app, &rs256(&idp, Some("unknown"), &plain)).await.0,
        401
    );
}

#[tokio::test]
async fn alg_none_and_algorithm_confusion_are_refused() {
    let idp = issuer();
    let keys = TokenKeys::hs256(&secrecy::SecretString::from("s".repeat(40)))
        .with_rsa_public_pem(idp.public_pem.as_bytes())
        .unwrap();
    let app = app_with(keys).await;
    let plain = claims(json!({"iss": null, "aud": null}));
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());

    let none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&plain)
    );
    assert_eq!(status(&app, &none).await.0, 401, "alg none");

    // HS256 "signed" with the RSA public key as the HMAC secret.
    let confused = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &plain,
        &EncodingKey::from_secret(idp.public_pem.as_bytes()),
    )
    .unwrap();
    assert_eq!(status(&app, &confused).await.0, 401, "algorithm confusion");

    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &plain,
        &EncodingKey::from_secret("s".repeat(40).as_bytes()),
    )
    .unwrap();
    assert_eq!(
        status(&app, &hs512).await.0,
        401,
        "an algorithm nobody configured"
    );
    // The configured HS256 secret still works alongside RS256.
    let hs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &plain,
        &EncodingKey::from_secret("s".repeat(40).as_bytes()),
    )
    .unwrap();
    assert_eq!(status(&app, &hs256).await.0, 200);
}
