//! A brand's evidence pack: one tar.gz with its history (and its campaigns'), the requests
//! exactly as sent to TCR, its compliance report over its whole life (JSON, CSV, HTML), its
//! state folded from the events, and the hash-chain proof of its events with the chain's head,
//! so a third party can check nothing was changed. A manifest lists each file's SHA-256.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tendlc_domain::brand::{Brand, BrandEvent};
use tendlc_domain::campaign::{Campaign, CampaignEvent};
use tendlc_projections::audit;
use tendlc_projections::history;
use tendlc_projections::reports::compliance::{self, Scope};
use tendlc_projections::reports::fees::Prices;
use tendlc_projections::reports::submitted;
use uuid::Uuid;

use super::Format;

const README: &str = "Evidence pack of one brand, made by tendlc from its recorded events.

history.json             every recorded step of the brand and its campaigns, oldest first
                         (who, through which door, which request, when, the TCR call and answer)
submitted-to-tcr.json    each request sent to TCR with the body TCR received (secrets removed)
state.json               the brand and its campaigns as their events fold today
compliance-report.json   the compliance report over the brand's whole life (also .csv, .html)
chain-proof.json         the hash-chain proof: each of these events exactly as the chain hashed it,
                         with its link; every link from the first of them to the chain's head; the
                         head. `method` says how a link's hash is computed: recompute each event's
                         hash from its content and prevHash, check each link's prevHash is the
                         hash of the link before it, and that the last link is the head you hold
                         (ask the operator for `tendlc audit head` at any time and keep it).
manifest.json            the SHA-256 of every other file
";

/// The files of a pack, by name.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The pack's files for `brand`, or `None` when no such brand was recorded.
pub async fn files(pool: &PgPool, brand: Uuid, prices: Prices) -> anyhow::Result<Option<Files>> {
    let Some(customer) = history::owner::<Brand>(pool, brand).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let until = now + chrono::Duration::seconds(1);
    let events = compliance::scoped(
        compliance::customer_events(pool, customer, until).await?,
        Some(brand),
    );
    let entries = history::entries::<Brand>(pool, brand, None).await?;
    let since: DateTime<Utc> = events.first().map_or(now, |e| e.recorded_at);
    let report = compliance::compliance(
        pool,
        Scope {
            customer,
            brand: Some(brand),
        },
        since,
        until,
        prices,
    )
    .await?;
    let positions: Vec<i64> = events.iter().map(|e| e.global_position).collect();
    let proof = audit::proof(pool, &positions).await?;

    let mut brand_state = Brand::default();
    let mut campaigns: BTreeMap<String, Campaign> = BTreeMap::new();
    for event in &events {
        match event.aggregate_type.as_str() {
            "Brand" => brand_state.apply(event.decode::<BrandEvent>()?),
            "Campaign" => campaigns
                .entry(event.aggregate_id.clone())
                .or_default()
                .apply(event.decode::<CampaignEvent>()?),
            _ => {}
        }
    }
    let state = serde_json::json!({
        "brand": history::redacted(serde_json::to_value(&brand_state)?),
        "campaigns": history::redacted(serde_json::to_value(&campaigns)?),
        "foldedAt": now,
    });

    let mut files = Files::new();
    files.insert("README.txt".into(), README.as_bytes().to_vec());
    files.insert("history.json".into(), serde_json::to_vec_pretty(&entries)?);
    files.insert(
        "submitted-to-tcr.json".into(),
        serde_json::to_vec_pretty(&submitted::requests(&events))?,
    );
    files.insert("state.json".into(), serde_json::to_vec_pretty(&state)?);
    for format in [Format::Json, Format::Csv, Format::Html] {
        files.insert(
            format!("compliance-report.{}", format.extension()),
            super::render(&report, format)?,
        );
    }
    files.insert(
        "chain-proof.json".into(),
        serde_json::to_vec_pretty(&proof)?,
    );
    let manifest: BTreeMap<&String, String> = files
        .iter()
        .map(|(name, bytes)| (name, hex::encode(Sha256::digest(bytes))))
        .collect();
    let manifest = serde_json::to_vec_pretty(&serde_json::json!({
        "brandId": brand,
        "customerId": customer,
        "madeAt": now,
        "sha256": manifest,
    }))?;
    files.insert("manifest.json".into(), manifest);
    Ok(Some(files))
}

/// The files as one tar.gz, under a folder named after the brand.
pub fn archive(brand: Uuid, files: &Files) -> anyhow::Result<Vec<u8>> {
    let mut tar = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    let folder = format!("evidence-{brand}");
    let mtime = Utc::now().timestamp().max(0) as u64;
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(mtime);
        header.set_cksum();
        tar.append_data(&mut header, format!("{folder}/{name}"), bytes.as_slice())?;
    }
    Ok(tar.into_inner()?.finish()?)
}

/// The pack for `brand` as a tar.gz, or `None` when no such brand was recorded.
pub async fn pack(pool: &PgPool, brand: Uuid, prices: Prices) -> anyhow::Result<Option<Vec<u8>>> {
    match files(pool, brand, prices).await? {
        Some(files) => Ok(Some(archive(brand, &files)?)),
        None => Ok(None),
    }
}
