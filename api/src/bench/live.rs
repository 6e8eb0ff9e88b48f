//! The live feed under load: many WebSocket clients connected to `serve`, each told of every
//! change; how long from an event's commit to each client, and what a client costs in memory.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::StreamExt;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use super::load::{self, Stand};
use super::report::{thousands, Row};
use super::values;
use crate::http::auth::Role;

/// What the clients saw.
pub struct Measured {
    pub clients: usize,
    pub changes: usize,
    /// Commit-to-client delays of every change at every client, ms, sorted.
    pub latencies_ms: Vec<f64>,
    pub kib_per_client: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Connects `clients` operators' feeds, registers `registrations` brands for `customer` one
/// after another, and waits until every client has heard of every change.
pub async fn measure(
    stand: &Stand,
    clients: usize,
    registrations: usize,
    customer: Uuid,
) -> anyhow::Result<Measured> {
    let token = stand.token(Role::Superadmin, None)?;
    let url = format!("{}/ws", stand.base_url.replacen("http", "ws", 1));
    let before = stand.resident_mib()?;
    let mut sockets = Vec::with_capacity(clients);
    for _ in 0..clients {
        let mut request = url.as_str().into_client_request()?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            format!("tendlc.v1, bearer.{token}").parse()?,
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
        // hello, then live: subscribed.
        for _ in 0..2 {
            socket.next().await.transpose()?;
        }
        sockets.push(socket);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let connected = stand.resident_mib()?;
    let kib_per_client = ((connected - before) * 1024.0 / clients as f64).max(0.0);

    let latencies = Arc::new(Mutex::new(Vec::new()));
    let mut readers = Vec::new();
    for mut socket in sockets {
        let latencies = latencies.clone();
        readers.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut last_brand_registered = 0usize;
            while let Some(Ok(frame)) = socket.next().await {
                let Message::Text(text) = frame else { continue };
                let received = Utc::now();
                let change: serde_json::Value = match serde_json::from_str(&text) {
                    Ok(change) => change,
                    Err(_) => continue,
                };
                if change["type"] != "change" {
                    continue;
                }
                if let Some(at) = change["at"]
                    .as_str()
                    .and_then(|a| a.parse::<DateTime<Utc>>().ok())
                {
                    seen.push((received - at).num_microseconds().unwrap_or(0) as f64 / 1000.0);
                }
                if change["field"] == "status" && change["to"] == "REGISTERED" {
                    last_brand_registered += 1;
                    if last_brand_registered == registrations {
                        break;
                    }
                }
            }
            latencies.lock().expect("latencies lock").extend(seen);
        }));
    }

    let admin = stand.token(Role::CustomerAdmin, Some(customer))?;
    let brands = format!("{}/v1/messaging/brands", stand.base_url);
    for n in 0..registrations {
        let response = stand
            .http
            .post(&brands)
            .bearer_auth(&admin)
            .json(&load::brand_body(1_000_000 + n))
            .send()
            .await?;
        load::expect_success(response).await?;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    for reader in readers {
        let left = deadline.saturating_duration_since(Instant::now());
        anyhow::ensure!(
            tokio::time::timeout(left, reader).await.is_ok(),
            "not every live-feed client heard of every registration within 120 s"
        );
    }
    let mut latencies_ms = std::mem::take(&mut *latencies.lock().expect("latencies lock"));
    latencies_ms.sort_by(f64::total_cmp);
    Ok(Measured {
        clients,
        changes: latencies_ms.len() / clients.max(1),
        latencies_ms,
        kib_per_client,
    })
}

pub fn row(measured: &Measured) -> Row {
    let (p50, p99) = (
        percentile(&measured.latencies_ms, 50.0),
        percentile(&measured.latencies_ms, 99.0),
    );
    Row {
        id: "live_feed",
        figure: format!(
            "live feed, {} connected clients (each told of ~{} changes)",
            thousands(measured.clients as f64),
            measured.changes
        ),
        tendlc: format!(
            "commit to client p50 {p50:.1} ms, p99 {p99:.1} ms; {:.0} KiB per client",
            measured.kib_per_client
        ),
        raw: "—".into(),
        ratio: "—".into(),
        target: "p99 < 250 ms",
        values: values([
            ("clients", measured.clients as f64),
            ("deliveries", measured.latencies_ms.len() as f64),
            ("p50_ms", p50),
            ("p99_ms", p99),
            ("kib_per_client", measured.kib_per_client),
        ]),
    }
}
