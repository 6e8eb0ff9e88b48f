//! The load: customers, then lanes of brand journeys (register, wait for TCR's verdict, change
//! the website, register a campaign, change its description), and carriers deciding on
//! campaigns out of band at the simulated TCR.
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};
use sqlx::PgPool;
use tendlc_tcr_sim::SimHandle;
use uuid::Uuid;

use super::client::{Acked, Client, Outcome};

/// How far each journey got (for the report).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Journeys {
    pub started: usize,
    pub brands_acked: usize,
    pub verified_in_time: usize,
    pub campaigns_acked: usize,
    pub carrier_decisions: usize,
}

/// The customers the brands belong to, created through the API.
pub async fn customers(client: &Client, count: usize, run: &str) -> anyhow::Result<Vec<Uuid>> {
    let mut ids = Vec::new();
    for n in 0..count {
        let body = json!({
            "ban": format!("CHAOS-{run}-{n}"),
            "name": format!("Chaos Customer {n}"),
            "serviceTier": "BASIC",
            "notificationEmails": [format!("ops{n}@chaos.example.com")]
        });
        match client
            .write(Method::POST, "/v1/customers", None, &body)
            .await
        {
            Outcome::Acked(answer) => {
                let id = answer["id"]
                    .as_str()
                    .and_then(|id| id.parse().ok())
                    .ok_or_else(|| anyhow::anyhow!("a customer answer without id: {answer}"))?;
                client.ack(Acked::Registered {
                    aggregate_type: "Customer",
                    id: answer["id"].as_str().unwrap_or_default().to_string(),
                });
                ids.push(id);
            }
            Outcome::NotAcked(status, answer) => {
                anyhow::bail!("customer {n} could not be created: {status} {answer}")
            }
        }
    }
    Ok(ids)
}

/// A campaign body for `brand_id` (ours); `n` makes its texts its own.
fn campaign_body(brand_id: &str, n: usize) -> Value {
    json!({
        "brandId": brand_id,
        "usecase": "2FA",
        "description": format!("One-time passcodes for chaos brand {n} customers signing in to their accounts."),
        "messageFlow": "Customers enter their mobile number when signing up at acmewidgets.com and confirm it.",
        "sample1": "Your Acme Widgets code is 123456. It expires in 10 minutes. Reply STOP to opt out.",
        "sample2": "Acme Widgets: use 654321 to sign in. Never share this code. Reply HELP for help.",
        "subscriberOptin": true,
        "optinKeywords": "START",
        "optinMessage": "Acme Widgets: you will receive sign-in codes by text. Reply STOP to opt out.",
        "subscriberOptout": true,
        "optoutKeywords": "STOP",
        "optoutMessage": "You will no longer receive Acme Widgets sign-in codes by text.",
        "subscriberHelp": true,
        "helpKeywords": "HELP",
        "helpMessage": "Acme Widgets codes: email support@acmewidgets.com for help. Reply STOP to opt out.",
        "privacyPolicyLink": "https://acmewidgets.com/privacy"
    })
}

fn marker() -> String {
    Uuid::new_v4().simple().to_string()[..12].to_string()
}

/// One brand's way through the API; returns how far it got.
async fn journey(client: &Client, customer: Uuid, n: usize, journeys: &Mutex<Journeys>) {
    let count = |f: fn(&mut Journeys)| f(&mut journeys.lock().expect("journeys lock"));
    count(|j| j.started += 1);
    let mut body = crate::bench::load::brand_body(n);
    body["displayName"] = json!(format!("Chaos Brand {n}"));
    let brand = match client
        .write(Method::POST, "/v1/messaging/brands", Some(customer), &body)
        .await
    {
        Outcome::Acked(answer) => answer,
        Outcome::NotAcked(..) => return,
    };
    let Some(id) = brand["id"].as_str().map(str::to_string) else {
        return;
    };
    client.ack(Acked::Registered {
        aggregate_type: "Brand",
        id: id.clone(),
    });
    count(|j| j.brands_acked += 1);

    // TCR scores the brand a moment later; campaigns need it verified.
    let deadline = Instant::now() + Duration::from_secs(45);
    let path = format!("/v1/messaging/brands/{id}");
    loop {
        let view = client.get(&path, Some(customer)).await;
        if view
            .as_ref()
            .is_some_and(|v| v["identityStatus"] == "VERIFIED")
        {
            break;
        }
        if Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    count(|j| j.verified_in_time += 1);

    let host = format!("b{n}-{}.example.com", marker());
    let change = json!({"website": format!("https://{host}")});
    if let Outcome::Acked(_) = client
        .write(Method::PATCH, &path, Some(customer), &change)
        .await
    {
        client.ack(Acked::Changed {
            aggregate_type: "Brand",
            id: id.clone(),
            marker: host,
        });
    }

    let campaign = match client
        .write(
            Method::POST,
            "/v1/messaging/campaigns",
            Some(customer),
            &campaign_body(&id, n),
        )
        .await
    {
        Outcome::Acked(answer) => answer,
        Outcome::NotAcked(..) => return,
    };
    let Some(campaign_id) = campaign["id"].as_str().map(str::to_string) else {
        return;
    };
    client.ack(Acked::Registered {
        aggregate_type: "Campaign",
        id: campaign_id.clone(),
    });
    count(|j| j.campaigns_acked += 1);

    let note = marker();
    let change = json!({"description": format!(
        "One-time passcodes for chaos brand {n} customers signing in, revision {note}."
    )});
    let path = format!("/v1/messaging/campaigns/{campaign_id}");
    if let Outcome::Acked(_) = client
        .write(Method::PATCH, &path, Some(customer), &change)
        .await
    {
        client.ack(Acked::Changed {
            aggregate_type: "Campaign",
            id: campaign_id,
            marker: note,
        });
    }
}

/// Lanes of journeys, each starting the next until `until` or `total` journeys were started.
pub async fn run_lanes(
    client: Client,
    customers: Vec<Uuid>,
    lanes: usize,
    total: usize,
    until: Instant,
    journeys: Arc<Mutex<Journeys>>,
) {
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..lanes)
        .map(|_| {
            let (client, customers, next, journeys) = (
                client.clone(),
                customers.clone(),
                next.clone(),
                journeys.clone(),
            );
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= total || Instant::now() > until {
                        break;
                    }
                    journey(&client, customers[n % customers.len()], n, &journeys).await;
                }
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
}

/// Carriers decide on campaigns out of band, one decision per campaign: T-Mobile rejects or
/// AT&T suspends (each sends its webhook, through the faults).
pub async fn carrier_decisions(
    sim: SimHandle,
    pool: PgPool,
    every: Duration,
    until: Instant,
    seed: u64,
    journeys: Arc<Mutex<Journeys>>,
) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0xCA221E2);
    let mut decided = HashSet::new();
    while Instant::now() < until {
        tokio::time::sleep(every).await;
        let campaigns: Vec<String> = sqlx::query_scalar(
            "SELECT tcr_campaign_id FROM campaigns_10dlc WHERE tcr_campaign_id IS NOT NULL",
        )
        .fetch_all(&pool)
        .await
        .unwrap_or_default();
        let open: Vec<&String> = campaigns.iter().filter(|c| !decided.contains(*c)).collect();
        if open.is_empty() {
            continue;
        }
        let campaign = open[rng.gen_range(0..open.len())].clone();
        let (mno, status) = if rng.gen_bool(0.5) {
            (10035, "REJECTED")
        } else {
            (10017, "SUSPENDED")
        };
        if sim
            .set_operation_status(&campaign, mno, status, None, None)
            .is_ok()
        {
            journeys.lock().expect("journeys lock").carrier_decisions += 1;
        }
        decided.insert(campaign);
    }
}
