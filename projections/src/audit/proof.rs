//! A chain proof for some events (one brand's, in an evidence pack): each event exactly as the
//! chain hashed it with its link, the links from the first of them to the head, and the head.
//! A third party recomputes each event's link hash from its content and the previous hash
//! (`link_hash`, documented in the pack), checks every link follows the one before, and that the
//! last is the head it holds. Links of other customers' events are given as hashes only: they
//! show the chain is unbroken without showing what those events say.
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::chain::{link_hash, ChainedEvent, CHAINED_COLUMNS};
use super::verify::{head, Head, ALGORITHM};

/// One link of the chain, hashes only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ProofLink {
    pub chain_index: i64,
    pub global_position: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// An event of the proof: its link and its content as hashed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvenEvent {
    pub link: ProofLink,
    pub event: ChainedEvent,
}

/// The proof.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainProof {
    pub algorithm: String,
    /// How each link's hash is computed.
    pub method: String,
    pub head: Option<Head>,
    pub events: Vec<ProvenEvent>,
    /// Every link from the first proven event's to the head, in order.
    pub links: Vec<ProofLink>,
    /// Positions of the events asked for that the chain has not reached yet.
    pub not_yet_chained: Vec<i64>,
}

const METHOD: &str = "hash = hex(SHA-256(part_1 || … || part_12)), each part preceded by its \
length in bytes as a big-endian u64; the parts are \"tendlc-event-chain-v1\", prevHash, \
globalPosition, transactionId, aggregateType, aggregateId, sequence, eventType, eventVersion, \
recordedAt (UTC, %Y-%m-%dT%H:%M:%S.ffffffZ), payload, metadata (as given, Postgres jsonb text). \
The first link's prevHash is 64 zeros.";

/// The proof for the events at `positions`.
pub async fn proof(pool: &PgPool, positions: &[i64]) -> Result<ChainProof, sqlx::Error> {
    let head = head(pool).await?;
    let proven: Vec<(i64, String, String, ChainedEvent)> = {
        #[derive(sqlx::FromRow)]
        struct Row {
            chain_index: i64,
            prev_hash: String,
            hash: String,
            #[sqlx(flatten)]
            event: ChainedEvent,
        }
        // Only links up to the head read above: the chain moves on meanwhile, and a link past
        // the head could not be shown to lead to it (it counts as not yet chained).
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT c.chain_index, c.prev_hash, c.hash, {CHAINED_COLUMNS}
               FROM event_chain c JOIN events e ON e.global_position = c.global_position
              WHERE c.global_position = ANY($1) AND c.chain_index <= $2
              ORDER BY c.chain_index"
        ))
        .bind(positions)
        .bind(head.as_ref().map_or(0, |h| h.chain_index))
        .fetch_all(pool)
        .await?;
        rows.into_iter()
            .map(|r| (r.chain_index, r.prev_hash, r.hash, r.event))
            .collect()
    };
    let first = proven.first().map_or(i64::MAX, |(index, ..)| *index);
    let links: Vec<ProofLink> = sqlx::query_as(
        "SELECT chain_index, global_position, prev_hash, hash FROM event_chain
          WHERE chain_index >= $1 AND chain_index <= $2 ORDER BY chain_index",
    )
    .bind(first)
    .bind(head.as_ref().map_or(0, |h| h.chain_index))
    .fetch_all(pool)
    .await?;
    let chained: Vec<i64> = proven.iter().map(|(.., e)| e.global_position).collect();
    Ok(ChainProof {
        algorithm: ALGORITHM.into(),
        method: METHOD.into(),
        head,
        events: proven
            .into_iter()
            .map(|(chain_index, prev_hash, hash, event)| ProvenEvent {
                link: ProofLink {
                    chain_index,
                    global_position: event.global_position,
                    prev_hash,
                    hash,
                },
                event,
            })
            .collect(),
        links,
        not_yet_chained: positions
            .iter()
            .filter(|p| !chained.contains(p))
            .copied()
            .collect(),
    })
}

/// Checks a proof on its own: every proven event hashes to its link, its link is among the
/// links, the links follow one another without a gap, and the last is the head. `Ok` with the
/// number of events proven; `Err` naming the first problem.
pub fn check_proof(proof: &ChainProof) -> Result<usize, String> {
    if proof.algorithm != ALGORITHM {
        return Err(format!("unknown algorithm {}", proof.algorithm));
    }
    let head = proof.head.as_ref().ok_or("the proof has no head")?;
    for pair in proof.links.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        if after.chain_index != before.chain_index + 1 {
            return Err(format!(
                "links {} to {} are missing",
                before.chain_index + 1,
                after.chain_index - 1
            ));
        }
        if after.prev_hash != before.hash {
            return Err(format!(
                "link {} does not follow link {}",
                after.chain_index, before.chain_index
            ));
        }
    }
    match proof.links.last() {
        Some(last) if last.chain_index == head.chain_index && last.hash == head.hash => {}
        Some(last) => {
            return Err(format!(
                "the links end at {} ({}), not at the head {} ({})",
                last.chain_index, last.hash, head.chain_index, head.hash
            ))
        }
        None if proof.events.is_empty() => return Ok(0),
        None => return Err("the proof has events but no links".into()),
    }
    for proven in &proof.events {
        let name = proven.event.name();
        let recomputed = link_hash(&proven.link.prev_hash, &proven.event);
        if recomputed != proven.link.hash {
            return Err(format!(
                "{name} does not hash to its link {} (content altered)",
                proven.link.chain_index
            ));
        }
        if proven.link.global_position != proven.event.global_position
            || !proof.links.contains(&proven.link)
        {
            return Err(format!(
                "{name}: its link {} is not in the chain given",
                proven.link.chain_index
            ));
        }
    }
    Ok(proof.events.len())
}
