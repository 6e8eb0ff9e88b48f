//! `serve` terminating TLS itself, and picking up a renewed certificate without a restart.
use std::time::Duration;

use tendlc_api::http::tls::TlsConfig;
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;

fn certificate() -> (String, String) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .expect("self-signed certificate");
    (certified.cert.pem(), certified.signing_key.serialize_pem())
}

fn client_trusting(pem: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn serve_terminates_tls_and_reloads_a_renewed_certificate() {
    let dir = std::env::temp_dir().join(format!("tendlc-tls-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    let (first_cert, first_key) = certificate();
    std::fs::write(&cert_path, &first_cert).unwrap();
    std::fs::write(&key_path, &first_key).unwrap();

    let app = TestApp::spawn_with(AppOptions {
        tls: Some(TlsConfig {
            cert_path: cert_path.clone(),
            key_path: key_path.clone(),
            reload_every: Duration::from_millis(200),
        }),
        tls_trust: Some(first_cert.clone().into_bytes()),
        ..AppOptions::default()
    })
    .await;
    assert!(app.base_url.starts_with("https://"));
    let health = app
        .http
        .get(format!("{}/health", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "served over TLS");
    let plain = reqwest::get(format!("http://localhost:{}/health", app.address.port())).await;
    assert!(
        plain.map(|r| !r.status().is_success()).unwrap_or(true),
        "no plain HTTP on the TLS port"
    );

    // Renewal: new files in place; new connections get the new certificate.
    let (second_cert, second_key) = certificate();
    std::fs::write(&key_path, &second_key).unwrap();
    std::fs::write(&cert_path, &second_cert).unwrap();
    let renewed = client_trusting(&second_cert);
    eventually(
        Duration::from_secs(10),
        "the renewed certificate to be served",
        || async {
            renewed
                .get(format!("{}/health", app.base_url))
                .send()
                .await
                .ok()
                .filter(|r| r.status() == 200)
        },
    )
    .await;
    let old = client_trusting(&first_cert)
        .get(format!("{}/health", app.base_url))
        .send()
        .await;
    assert!(old.is_err(), "the old certificate is no longer served");
    let _ = std::fs::remove_dir_all(dir);
}
