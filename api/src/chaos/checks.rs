//! What must hold after the storm, each as counts: nothing acknowledged lost, nothing created
//! twice at TCR, every registration at TCR's truth, no change mailed twice, and live read
//! tables equal to a fresh rebuild.
use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;
use sqlx::PgPool;
use tendlc_domain::webhook::WebhookCategory;
use tendlc_projections::rebuild::{Rebuild, TableComparison};
use tendlc_tcr_sim::SimHandle;

use super::client::Acked;

/// The simulated TCR, read over its own API (with the faults off).
pub struct SimView {
    pub base_url: String,
    pub api_key: String,
    pub api_secret: String,
    pub handle: SimHandle,
    pub http: reqwest::Client,
}

impl SimView {
    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .http
            .get(format!("{}{path}", self.base_url))
            .basic_auth(&self.api_key, Some(&self.api_secret))
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "the simulator answered {} to GET {path}",
            response.status()
        );
        Ok(response.json().await?)
    }

    /// Every record of `GET /{kind}` (brand or campaign), page by page.
    async fn all(&self, kind: &str) -> anyhow::Result<Vec<Value>> {
        let mut records = Vec::new();
        for page in 1.. {
            let answer = self
                .get(&format!("/{kind}?recordsPerPage=500&page={page}"))
                .await?;
            let batch = answer["records"].as_array().cloned().unwrap_or_default();
            let total = answer["totalRecords"].as_u64().unwrap_or(0) as usize;
            let empty = batch.is_empty();
            records.extend(batch);
            if empty || records.len() >= total {
                break;
            }
        }
        Ok(records)
    }
}

/// One check: its counts and whether it holds.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub what: &'static str,
    pub counts: Vec<(&'static str, i64)>,
    pub passed: bool,
    /// A few examples of what broke, for a person to follow up.
    pub examples: Vec<String>,
}

impl Check {
    pub fn count(&self, name: &str) -> Option<i64> {
        self.counts
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

fn examples(mut all: Vec<String>) -> Vec<String> {
    all.truncate(5);
    all
}

/// Every acknowledged write is in the event store.
pub async fn acked_commands(pool: &PgPool, acked: &[Acked]) -> anyhow::Result<Check> {
    let mut lost = Vec::new();
    for ack in acked {
        let found: bool = match ack {
            Acked::Registered { aggregate_type, id } => {
                sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE aggregate_type = $1 AND aggregate_id = $2)",
                )
                .bind(aggregate_type)
                .bind(id)
                .fetch_one(pool)
                .await?
            }
            Acked::Changed {
                aggregate_type,
                id,
                marker,
            } => {
                sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE aggregate_type = $1 AND aggregate_id = $2
                                       AND strpos(payload::text, $3) > 0)",
                )
                .bind(aggregate_type)
                .bind(id)
                .bind(marker)
                .fetch_one(pool)
                .await?
            }
        };
        if !found {
            lost.push(format!("{ack:?}"));
        }
    }
    Ok(Check {
        id: "acked_commands",
        what: "every acknowledged (2xx) command is in the event store",
        counts: vec![("acked", acked.len() as i64), ("lost", lost.len() as i64)],
        passed: lost.is_empty(),
        examples: examples(lost),
    })
}

/// Every delivery the simulator saw answered 2xx is in the event store (by its delivery id).
pub async fn acked_webhooks(pool: &PgPool, sim: &SimHandle) -> anyhow::Result<Check> {
    let recorded: HashSet<String> = sqlx::query_scalar(
        "SELECT DISTINCT aggregate_id FROM events WHERE aggregate_type = 'WebhookDelivery'",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    let (mut acked, mut lost) = (0i64, Vec::new());
    let deliveries = sim.deliveries();
    for delivery in deliveries.iter().filter(|d| d.succeeded()) {
        acked += 1;
        let category = WebhookCategory::ALL
            .into_iter()
            .find(|c| delivery.endpoint.ends_with(&format!("/{}", c.path())));
        let body: Option<Value> = serde_json::from_str(&delivery.body).ok();
        let id = category
            .zip(body)
            .map(|(c, body)| tendlc_adapters::webhook_intake::delivery_id(c, &body));
        if !id.is_some_and(|id| recorded.contains(&id)) {
            lost.push(format!(
                "event {} {} to {} (attempt {})",
                delivery.event_id, delivery.event_type, delivery.endpoint, delivery.attempt
            ));
        }
    }
    let count = |f: fn(&tendlc_tcr_sim::DeliveryRecord) -> bool| {
        deliveries.iter().filter(|d| f(d)).count() as i64
    };
    Ok(Check {
        id: "acked_webhooks",
        what: "every webhook delivery answered 2xx is in the event store",
        counts: vec![
            ("attempts", deliveries.len() as i64),
            ("acked", acked),
            ("lost", lost.len() as i64),
            ("dropped_by_sim", count(|d| d.dropped)),
            ("duplicated_by_sim", count(|d| d.duplicate)),
            ("corrupted_by_sim", count(|d| d.corruption.is_some())),
            (
                "not_acked",
                count(|d| !d.dropped && !d.succeeded() && d.corruption.is_none()),
            ),
        ],
        passed: lost.is_empty(),
        examples: examples(lost),
    })
}

/// References held by more than one record, and the records beyond the first.
fn extras_by_reference(records: &[Value]) -> (i64, Vec<String>) {
    let mut by_reference: HashMap<String, Vec<String>> = HashMap::new();
    for record in records {
        if let Some(reference) = record["referenceId"].as_str() {
            let id = record["brandId"].as_str().unwrap_or_default();
            let id = record["campaignId"].as_str().unwrap_or(id);
            by_reference
                .entry(reference.to_ascii_lowercase())
                .or_default()
                .push(id.to_string());
        }
    }
    let mut extra = 0;
    let mut examples = Vec::new();
    for (reference, ids) in by_reference {
        if ids.len() > 1 {
            extra += ids.len() as i64 - 1;
            examples.push(format!("{reference}: {}", ids.join(", ")));
        }
    }
    (extra, examples)
}

/// No brand or campaign was created twice at TCR, and TCR holds nothing tendlc lost track of.
pub async fn no_duplicates(pool: &PgPool, sim: &SimView) -> anyhow::Result<Check> {
    let brands = sim.all("brand").await?;
    let campaigns = sim.all("campaign").await?;
    let (brand_extras, mut found) = extras_by_reference(&brands);
    let (campaign_extras, more) = extras_by_reference(&campaigns);
    found.extend(more);
    let fee = |r: &Value| r["monthlyFee"].as_f64().unwrap_or(0.0);
    // A campaign billed twice: the fee of every extra campaign for one reference.
    let mut seen = HashSet::new();
    let double_fees: f64 = campaigns
        .iter()
        .filter(|c| {
            let reference = c["referenceId"].as_str().unwrap_or_default();
            !seen.insert(reference.to_ascii_lowercase())
        })
        .map(fee)
        .sum();
    let known: HashSet<String> = sqlx::query_scalar(
        "SELECT tcr_brand_id FROM brands_10dlc WHERE tcr_brand_id IS NOT NULL
         UNION ALL SELECT tcr_campaign_id FROM campaigns_10dlc WHERE tcr_campaign_id IS NOT NULL",
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    let unknown: Vec<String> = brands
        .iter()
        .filter_map(|b| b["brandId"].as_str())
        .chain(campaigns.iter().filter_map(|c| c["campaignId"].as_str()))
        .filter(|id| !known.contains(*id))
        .map(|id| format!("{id} at TCR, unknown to tendlc"))
        .collect();
    let passed = brand_extras == 0 && campaign_extras == 0 && unknown.is_empty();
    found.extend(unknown.iter().cloned());
    Ok(Check {
        id: "no_duplicates",
        what: "no brand or campaign created twice at TCR (and none TCR holds unknown to tendlc)",
        counts: vec![
            ("brands_at_tcr", brands.len() as i64),
            ("campaigns_at_tcr", campaigns.len() as i64),
            ("duplicate_brands", brand_extras),
            ("duplicate_campaigns", campaign_extras),
            ("double_fees_usd", double_fees.round() as i64),
            ("unknown_to_tendlc", unknown.len() as i64),
        ],
        passed,
        examples: examples(found),
    })
}

#[derive(sqlx::FromRow)]
struct BrandState {
    brand_id: uuid::Uuid,
    reference_id: String,
    tcr_brand_id: Option<String>,
    status: String,
    tcr_status: Option<String>,
    identity_status: Option<String>,
    website: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CampaignState {
    campaign_id: uuid::Uuid,
    reference_id: String,
    tcr_campaign_id: Option<String>,
    status: String,
    tcr_status: Option<String>,
    description: Option<String>,
}

/// What the registration lacks to equal TCR's record, if anything.
fn differences(pairs: &[(&str, Option<&str>, Option<&str>)]) -> Option<String> {
    let diffs: Vec<String> = pairs
        .iter()
        .filter(|(_, ours, theirs)| ours != theirs)
        .map(|(field, ours, theirs)| format!("{field} {ours:?} vs TCR {theirs:?}"))
        .collect();
    (!diffs.is_empty()).then(|| diffs.join(", "))
}

/// Where tendlc and TCR disagree now: (brands checked, campaigns checked, carriers checked,
/// disagreements).
pub async fn disagreements(
    pool: &PgPool,
    sim: &SimView,
) -> anyhow::Result<(i64, i64, i64, Vec<String>)> {
    let at_tcr = |records: Vec<Value>| -> HashMap<String, Value> {
        records
            .into_iter()
            .filter_map(|r| Some((r["referenceId"].as_str()?.to_ascii_lowercase(), r.clone())))
            .collect()
    };
    let tcr_brands = at_tcr(sim.all("brand").await?);
    let tcr_campaigns = at_tcr(sim.all("campaign").await?);
    let mut diverged = Vec::new();
    let brands: Vec<BrandState> = sqlx::query_as(
        "SELECT brand_id, reference_id, tcr_brand_id, status, tcr_status, identity_status, website
           FROM brands_10dlc",
    )
    .fetch_all(pool)
    .await?;
    for brand in &brands {
        let theirs = tcr_brands.get(&brand.reference_id.to_ascii_lowercase());
        let problem = match (theirs, &brand.tcr_brand_id) {
            (None, None) if matches!(brand.status.as_str(), "REJECTED" | "ABANDONED") => None,
            (None, _) => Some(format!("status {}, TCR has no such brand", brand.status)),
            (Some(theirs), _) => differences(&[
                (
                    "tcrBrandId",
                    brand.tcr_brand_id.as_deref(),
                    theirs["brandId"].as_str(),
                ),
                (
                    "status",
                    brand.tcr_status.as_deref(),
                    theirs["status"].as_str(),
                ),
                (
                    "identityStatus",
                    brand.identity_status.as_deref(),
                    theirs["identityStatus"].as_str(),
                ),
                (
                    "website",
                    brand.website.as_deref(),
                    theirs["website"].as_str(),
                ),
            ]),
        };
        if let Some(problem) = problem {
            diverged.push(format!("brand {}: {problem}", brand.brand_id));
        }
    }
    let campaigns: Vec<CampaignState> = sqlx::query_as(
        "SELECT campaign_id, reference_id, tcr_campaign_id, status, tcr_status,
                profile->>'description' AS description
           FROM campaigns_10dlc",
    )
    .fetch_all(pool)
    .await?;
    let mut carriers = 0i64;
    for campaign in &campaigns {
        let theirs = tcr_campaigns.get(&campaign.reference_id.to_ascii_lowercase());
        let problem = match (theirs, &campaign.tcr_campaign_id) {
            (None, None) if matches!(campaign.status.as_str(), "REJECTED" | "ABANDONED") => None,
            (None, _) => Some(format!(
                "status {}, TCR has no such campaign",
                campaign.status
            )),
            (Some(theirs), _) => {
                let mut problem = differences(&[
                    (
                        "tcrCampaignId",
                        campaign.tcr_campaign_id.as_deref(),
                        theirs["campaignId"].as_str(),
                    ),
                    (
                        "status",
                        campaign.tcr_status.as_deref(),
                        theirs["status"].as_str(),
                    ),
                    (
                        "description",
                        campaign.description.as_deref(),
                        theirs["description"].as_str(),
                    ),
                ]);
                let tcr_id = theirs["campaignId"].as_str().unwrap_or_default();
                let operation = sim
                    .get(&format!("/campaign/{tcr_id}/operationStatus"))
                    .await?;
                let ours: HashMap<String, Option<String>> =
                    sqlx::query_as::<_, (i32, Option<String>)>(
                        "SELECT mno_id, status FROM campaign_mno_status WHERE campaign_id = $1",
                    )
                    .bind(campaign.campaign_id)
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .map(|(mno, status)| (mno.to_string(), status))
                    .collect();
                for (mno, status) in operation.as_object().into_iter().flatten() {
                    carriers += 1;
                    let mine = ours.get(mno).cloned().flatten();
                    if mine.as_deref() != status.as_str() {
                        let carrier = format!("carrier {mno} {mine:?} vs TCR {status}");
                        problem = Some(match problem {
                            Some(p) => format!("{p}, {carrier}"),
                            None => carrier,
                        });
                    }
                }
                problem
            }
        };
        if let Some(problem) = problem {
            diverged.push(format!("campaign {}: {problem}", campaign.campaign_id));
        }
    }
    Ok((
        brands.len() as i64,
        campaigns.len() as i64,
        carriers,
        diverged,
    ))
}

/// Every registration equals TCR's record.
pub async fn converged(pool: &PgPool, sim: &SimView) -> anyhow::Result<Check> {
    let (brands, campaigns, carriers, diverged) = disagreements(pool, sim).await?;
    Ok(Check {
        id: "converged",
        what: "every registration equals TCR's record (status, identity, website/description, each carrier)",
        counts: vec![
            ("brands", brands),
            ("campaigns", campaigns),
            ("carrier_statuses", carriers),
            ("diverged", diverged.len() as i64),
        ],
        passed: diverged.is_empty(),
        examples: examples(diverged),
    })
}

/// No change mailed twice to one recipient; every mail sent is in the outbox once.
pub async fn mails(pool: &PgPool, outbox: &Path) -> anyhow::Result<Check> {
    let (decided, sent, due): (i64, i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE status = 'SENT'),
                count(*) FILTER (WHERE status = 'PENDING')
           FROM notifications",
    )
    .fetch_one(pool)
    .await?;
    let twice: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT subject_id::text, kind, recipient, count(*) FROM notifications
          WHERE status = 'SENT'
          GROUP BY subject_id, kind, track, recipient HAVING count(*) > 1",
    )
    .fetch_all(pool)
    .await?;
    let files = std::fs::read_dir(outbox)
        .map(|dir| {
            dir.flatten()
                .filter(|f| f.path().extension().is_some_and(|e| e == "eml"))
                .count() as i64
        })
        .unwrap_or(0);
    let passed = twice.is_empty() && files == sent && due == 0;
    Ok(Check {
        id: "mails",
        what: "no change mailed twice to one recipient; every mail sent is in the outbox once",
        counts: vec![
            ("decided", decided),
            ("sent", sent),
            ("outbox_files", files),
            ("still_due", due),
            ("mailed_twice", twice.len() as i64),
        ],
        passed,
        examples: examples(
            twice
                .into_iter()
                .map(|(subject, kind, to, n)| format!("{kind} of {subject} to {to}: {n} times"))
                .collect(),
        ),
    })
}

/// Every read model rebuilt from the events, compared with the live one at the same position.
pub async fn rebuilds(pool: &PgPool, shadow: &PgPool) -> anyhow::Result<Check> {
    let mut tables: Vec<TableComparison> = Vec::new();
    let mut failed = Vec::new();
    for projection in tendlc_projections::all()
        .into_iter()
        .filter(|p| !p.tables().is_empty())
    {
        let name = projection.name();
        let outcome = async {
            let rebuild = Rebuild::new(pool.clone(), shadow.clone(), projection, 5000)?;
            rebuild.prepare(true).await?;
            while rebuild.step().await? > 0 {}
            anyhow::Ok(rebuild.switch().await?)
        }
        .await;
        match outcome {
            Ok(switched) => tables.extend(switched.tables),
            Err(error) => failed.push(format!("{name}: {error:#}")),
        }
    }
    let differ: Vec<String> = tables
        .iter()
        .filter(|t| !t.matches())
        .map(|t| {
            format!(
                "{}: live {} rows {}, rebuilt {} rows {}",
                t.table, t.live_rows, t.live_checksum, t.rebuilt_rows, t.rebuilt_checksum
            )
        })
        .collect();
    let passed = differ.is_empty() && failed.is_empty();
    let rows: i64 = tables.iter().map(|t| t.live_rows).sum();
    Ok(Check {
        id: "rebuild_equal",
        what: "the live read tables equal a fresh rebuild (row counts and checksums)",
        counts: vec![
            ("tables", tables.len() as i64),
            ("rows", rows),
            ("tables_differing", differ.len() as i64),
            ("rebuilds_failed", failed.len() as i64),
        ],
        passed,
        examples: examples(failed.into_iter().chain(differ).collect()),
    })
}
