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

/// Runs the `tendlc` binary with only `env` set; what it printed and how it ended. A run still
/// going after 20 s is killed and fails the test (a `serve` that should have refused to start).
fn tendlc(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut child = std::process::Command::new(tendlc_tests::harness::binary())
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start tendlc");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().expect("wait for tendlc").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("tendlc {args:?} was still running after 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("tendlc output");
    let printed = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), printed)
}

#[test]
fn serve_refuses_rs256_keys_without_an_audience() {
    let idp = issuer();
    let dir = std::env::temp_dir().join(format!("tendlc-keys-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("idp.pem");
    let jwks = dir.join("idp.jwks");
    std::fs::write(&pem, &idp.public_pem).unwrap();
    std::fs::write(&jwks, &idp.jwks).unwrap();
    let (pem, jwks) = (pem.to_str().unwrap(), jwks.to_str().unwrap());
    // A database URL that cannot even be parsed: a configuration `serve` accepts ends there.
    let base = [
        ("TCR_API_KEY", "key"),
        ("TCR_API_SECRET", "secret"),
        ("TENDLC_LISTEN", "127.0.0.1:0"),
        ("DATABASE_URL", "postgres://127.0.0.1:no-port/tendlc"),
    ];
    for key in [
        ("TENDLC_JWT_PUBLIC_KEY_FILE", pem),
        ("TENDLC_JWT_JWKS_FILE", jwks),
    ] {
        let without: Vec<_> = base.iter().copied().chain([key]).collect();
        let (code, printed) = tendlc(&["serve"], &without);
        assert_ne!(code, Some(0), "{key:?}: {printed}");
        assert!(
            printed.contains("TENDLC_JWT_AUDIENCE is not set"),
            "{key:?}: {printed}"
        );

        let with: Vec<_> = without
            .iter()
            .copied()
            .chain([("TENDLC_JWT_AUDIENCE", "tendlc")])
            .collect();
        let (code, printed) = tendlc(&["serve"], &with);
        assert_ne!(code, Some(0), "{key:?}: {printed}");
        assert!(
            !printed.contains("TENDLC_JWT_AUDIENCE") && printed.contains("database"),
            "{key:?}: the audience should have been enough: {printed}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn token_lifetimes_are_bounded_to_1_to_720_hours() {
    let secret = [(
        "TENDLC_JWT_SECRET",
        "a-local-secret-of-at-least-32-characters",
    )];
    for hours in ["0", "721", "100000000000000000"] {
        let (code, printed) = tendlc(
            &["token", "--role", "superadmin", "--hours", hours],
            &secret,
        );
        assert_ne!(code, Some(0), "--hours {hours}: {printed}");
        assert!(printed.contains("1..=720"), "--hours {hours}: {printed}");
    }
    let (code, token) = tendlc(
        &["token", "--role", "superadmin", "--hours", "720"],
        &secret,
    );
    assert_eq!(code, Some(0), "{token}");
    let payload = token.trim().split('.').nth(1).expect("a JWT");
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    let lifetime = claims["exp"].as_u64().unwrap() - now();
    assert!(
        (720 * 3600 - 60..=720 * 3600).contains(&lifetime),
        "{claims}"
    );
}
