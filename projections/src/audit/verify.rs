//! Recomputing the chain from the events: what was altered, removed or inserted out of band,
//! and whether the chain still leads to a head someone holds.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::chain::{link_hash, ChainedEvent, CHAINED_COLUMNS, GENESIS};

/// The last link: what a third party holds to prove later that nothing before it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Head {
    pub chain_index: i64,
    pub global_position: i64,
    pub hash: String,
    /// `aggregate_type/aggregate_id#sequence event_type`.
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub algorithm: String,
}

pub const ALGORITHM: &str = "sha256-chain-v1";

/// What is wrong, at one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The event no longer hashes to its link.
    Altered,
    /// A linked event is gone.
    Removed,
    /// An event sits among linked ones without a link of its own.
    Inserted,
    /// The chain itself was edited: a link does not follow the one before.
    ChainBroken,
    /// The chain does not lead to the head held.
    HeadMismatch,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Altered => "altered",
            FindingKind::Removed => "removed",
            FindingKind::Inserted => "inserted",
            FindingKind::ChainBroken => "chain broken",
            FindingKind::HeadMismatch => "head mismatch",
        }
    }
}

/// One problem, named by the event it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub kind: FindingKind,
    pub global_position: i64,
    /// `aggregate_type/aggregate_id#sequence event_type`.
    pub event: String,
    pub detail: String,
    #[serde(skip)]
    order: (u64, i64),
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at position {}: {}: {}",
            self.kind.as_str().to_uppercase(),
            self.global_position,
            self.event,
            self.detail
        )
    }
}

/// The outcome of a verification: how many links were checked, the head, how many events the
/// chain has not reached yet, and the problems in stream order (empty: intact).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub checked: i64,
    pub head: Option<Head>,
    pub not_yet_chained: i64,
    pub verified_at: DateTime<Utc>,
    pub findings: Vec<Finding>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }
}

/// At most this many findings of each kind are listed.
const MAX_FINDINGS: usize = 20;
const PAGE: i64 = 2000;

#[derive(sqlx::FromRow)]
struct LinkRow {
    chain_index: i64,
    global_position: i64,
    transaction_id: String,
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    prev_hash: String,
    hash: String,
}

impl LinkRow {
    fn name(&self) -> String {
        format!(
            "{}/{}#{} {}",
            self.aggregate_type, self.aggregate_id, self.sequence, self.event_type
        )
    }

    fn head(&self) -> Head {
        Head {
            chain_index: self.chain_index,
            global_position: self.global_position,
            hash: self.hash.clone(),
            event: self.name(),
            algorithm: ALGORITHM.into(),
        }
    }

    fn finding(&self, kind: FindingKind, detail: String) -> Finding {
        Finding {
            kind,
            global_position: self.global_position,
            event: self.name(),
            detail,
            order: (xid(&self.transaction_id), self.global_position),
        }
    }
}

fn xid(text: &str) -> u64 {
    text.parse().unwrap_or(u64::MAX)
}

/// The chain's last link, if any event is chained yet.
pub async fn head(pool: &PgPool) -> Result<Option<Head>, sqlx::Error> {
    let last: Option<LinkRow> = sqlx::query_as(
        "SELECT chain_index, global_position, transaction_id::text AS transaction_id, aggregate_type,
                aggregate_id, sequence, event_type, prev_hash, hash
           FROM event_chain ORDER BY chain_index DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    Ok(last.map(|link| link.head()))
}

/// Recomputes every link from the events it names, finds events among the linked ones that
/// have no link, and (given a head held elsewhere) checks the chain still leads to it.
pub async fn verify(pool: &PgPool, held: Option<&Head>) -> Result<Verification, sqlx::Error> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut broken = 0;
    let mut checked = 0;
    let mut expected_prev = GENESIS.to_string();
    let mut last: Option<LinkRow> = None;
    let mut held_seen = false;
    loop {
        let after = last.as_ref().map_or(0, |l| l.chain_index);
        let page: Vec<(LinkRow, Option<ChainedEvent>)> = fetch_links(pool, after).await?;
        if page.is_empty() {
            break;
        }
        for (link, event) in page {
            let expected_index = last.as_ref().map_or(1, |l| l.chain_index + 1);
            if broken < MAX_FINDINGS && link.chain_index != expected_index {
                broken += 1;
                findings.push(link.finding(
                    FindingKind::ChainBroken,
                    format!(
                        "links {expected_index} to {} are missing from the chain",
                        link.chain_index - 1
                    ),
                ));
            } else if broken < MAX_FINDINGS && link.prev_hash != expected_prev {
                broken += 1;
                findings.push(link.finding(
                    FindingKind::ChainBroken,
                    format!(
                        "link {} does not follow link {} (its previous hash was changed)",
                        link.chain_index,
                        link.chain_index - 1
                    ),
                ));
            }
            let room = findings.len() < 4 * MAX_FINDINGS;
            match &event {
                None if room => findings.push(link.finding(
                    FindingKind::Removed,
                    format!(
                        "chained as link {}, no longer in the events",
                        link.chain_index
                    ),
                )),
                Some(event) if room && link_hash(&link.prev_hash, event) != link.hash => {
                    let mut detail = format!(
                        "no longer hashes to link {} (payload, metadata, time or identity changed)",
                        link.chain_index
                    );
                    if event.name() != link.name() {
                        detail.push_str(&format!("; it now reads {}", event.name()));
                    }
                    findings.push(link.finding(FindingKind::Altered, detail));
                }
                _ => {}
            }
            if let Some(held) = held.filter(|h| h.chain_index == link.chain_index) {
                held_seen = true;
                if held.hash != link.hash || held.global_position != link.global_position {
                    findings.push(link.finding(
                        FindingKind::HeadMismatch,
                        format!(
                            "the head held is link {} at position {} with hash {}; the chain has hash {} there: it was rewritten",
                            held.chain_index, held.global_position, held.hash, link.hash
                        ),
                    ));
                }
            }
            checked += 1;
            expected_prev = link.hash.clone();
            last = Some(link);
        }
    }
    if let Some(held) = held.filter(|_| !held_seen) {
        findings.push(Finding {
            kind: FindingKind::HeadMismatch,
            global_position: held.global_position,
            event: held.event.clone(),
            detail: format!(
                "the head held is link {}, but the chain ends at link {}: links were removed",
                held.chain_index,
                last.as_ref().map_or(0, |l| l.chain_index)
            ),
            order: (u64::MAX, held.global_position),
        });
    }
    if let Some(last) = &last {
        findings.extend(inserted(pool, last).await?);
    }
    findings.sort_by_key(|f| f.order);
    let not_yet_chained: i64 = match &last {
        None => {
            sqlx::query_scalar("SELECT count(*) FROM events")
                .fetch_one(pool)
                .await?
        }
        Some(last) => {
            sqlx::query_scalar(
                "SELECT count(*) FROM events e
                  WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2)",
            )
            .bind(&last.transaction_id)
            .bind(last.global_position)
            .fetch_one(pool)
            .await?
        }
    };
    Ok(Verification {
        checked,
        head: last.map(|l| l.head()),
        not_yet_chained,
        verified_at: Utc::now(),
        findings,
    })
}

async fn fetch_links(
    pool: &PgPool,
    after: i64,
) -> Result<Vec<(LinkRow, Option<ChainedEvent>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        link: LinkRow,
        present: bool,
        e_global_position: Option<i64>,
        e_transaction_id: Option<String>,
        e_aggregate_type: Option<String>,
        e_aggregate_id: Option<String>,
        e_sequence: Option<i64>,
        e_event_type: Option<String>,
        e_event_version: Option<String>,
        e_recorded_at: Option<DateTime<Utc>>,
        e_payload: Option<String>,
        e_metadata: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.chain_index, c.global_position, c.transaction_id::text AS transaction_id,
                c.aggregate_type, c.aggregate_id, c.sequence, c.event_type, c.prev_hash, c.hash,
                e.global_position IS NOT NULL AS present,
                e.global_position AS e_global_position, e.transaction_id::text AS e_transaction_id,
                e.aggregate_type AS e_aggregate_type, e.aggregate_id AS e_aggregate_id,
                e.sequence AS e_sequence, e.event_type AS e_event_type,
                e.event_version AS e_event_version, e.recorded_at AS e_recorded_at,
                e.payload::text AS e_payload, e.metadata::text AS e_metadata
           FROM event_chain c
           LEFT JOIN events e ON e.global_position = c.global_position
          WHERE c.chain_index > $1
          ORDER BY c.chain_index
          LIMIT $2",
    )
    .bind(after)
    .bind(PAGE)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let event = row.present.then(|| ChainedEvent {
                global_position: row.e_global_position.unwrap_or_default(),
                transaction_id: row.e_transaction_id.unwrap_or_default(),
                aggregate_type: row.e_aggregate_type.unwrap_or_default(),
                aggregate_id: row.e_aggregate_id.unwrap_or_default(),
                sequence: row.e_sequence.unwrap_or_default(),
                event_type: row.e_event_type.unwrap_or_default(),
                event_version: row.e_event_version.unwrap_or_default(),
                recorded_at: row.e_recorded_at.unwrap_or_default(),
                payload: row.e_payload.unwrap_or_default(),
                metadata: row.e_metadata.unwrap_or_default(),
            });
            (row.link, event)
        })
        .collect())
}

/// Events that sit before the chain's last link in the stream's order but have no link: the
/// chain reads every event in that order, so these were put there out of band.
async fn inserted(pool: &PgPool, last: &LinkRow) -> Result<Vec<Finding>, sqlx::Error> {
    let rows: Vec<ChainedEvent> = sqlx::query_as(&format!(
        "SELECT {CHAINED_COLUMNS} FROM events e
          WHERE (e.transaction_id, e.global_position) < ($1::xid8, $2)
            AND NOT EXISTS (SELECT 1 FROM event_chain c WHERE c.global_position = e.global_position)
          ORDER BY e.transaction_id, e.global_position
          LIMIT $3"
    ))
    .bind(&last.transaction_id)
    .bind(last.global_position)
    .bind(MAX_FINDINGS as i64)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|event| Finding {
            kind: FindingKind::Inserted,
            global_position: event.global_position,
            event: event.name(),
            detail: "sits among chained events but was never chained: inserted out of band".into(),
            order: (xid(&event.transaction_id), event.global_position),
        })
        .collect())
}
