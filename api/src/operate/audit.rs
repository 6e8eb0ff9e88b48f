//! `tendlc audit verify|head`: recompute the hash chain over every event and name the first
//! one altered, removed or inserted out of band; export the chain's head for a third party to
//! hold, and check the chain still leads to a held head.
use std::path::PathBuf;

use tendlc_projections::audit::{self, Head};

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Recompute the chain from the events; exits non-zero naming what was altered, removed or
    /// inserted out of band (and, with --head, whether the chain still leads to that head).
    Verify {
        /// A head exported earlier by `tendlc audit head` (a JSON file), to check against.
        #[arg(long)]
        head: Option<PathBuf>,
        /// The outcome as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the chain's head (link, event position, hash) as JSON, for a third party to hold.
    Head,
    /// Check an evidence pack's chain proof on its own (no database): each event hashes to its
    /// link, the links follow one another to the proof's head, and (with --head) the chain
    /// passes through the head you hold.
    Proof {
        /// `chain-proof.json` from an evidence pack.
        file: PathBuf,
        /// A head exported earlier by `tendlc audit head`.
        #[arg(long)]
        head: Option<PathBuf>,
    },
}

pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
    if let AuditCommand::Proof { file, head } = &command {
        return proof(file, head.as_ref());
    }
    let pool = super::connect().await?;
    let result = match command {
        AuditCommand::Head => match audit::head(&pool).await? {
            Some(head) => {
                println!("{}", serde_json::to_string_pretty(&head)?);
                Ok(())
            }
            None => Err(anyhow::anyhow!("no event is chained yet")),
        },
        AuditCommand::Verify { head, json } => verify(&pool, head, json).await,
        AuditCommand::Proof { .. } => unreachable!("checked without a database above"),
    };
    pool.close().await;
    result
}

fn held_head(head: Option<&PathBuf>) -> anyhow::Result<Option<Head>> {
    Ok(match head {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("--head {}: {e}", path.display()))?;
            Some(serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!(
                    "--head {}: not a head `tendlc audit head` exported: {e}",
                    path.display()
                )
            })?)
        }
    })
}

/// Checks a chain proof without the database, and that it passes through a held head.
fn proof(file: &PathBuf, head: Option<&PathBuf>) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let proof: audit::ChainProof = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}: not a chain proof: {e}", file.display()))?;
    let proven =
        audit::check_proof(&proof).map_err(|e| anyhow::anyhow!("the proof does not hold: {e}"))?;
    let end = proof.head.as_ref().map_or(0, |h| h.chain_index);
    println!(
        "{proven} events hash to their links; links {} to {end} follow one another to the proof's head",
        proof.links.first().map_or(0, |l| l.chain_index)
    );
    if let Some(held) = held_head(head)? {
        match proof.links.iter().find(|l| l.chain_index == held.chain_index) {
            Some(link) if link.hash == held.hash => {
                println!("the chain passes through the head you hold (link {})", held.chain_index)
            }
            Some(link) => anyhow::bail!(
                "link {} is {} here, but the head you hold says {}: the chain was rewritten",
                held.chain_index,
                link.hash,
                held.hash
            ),
            None => anyhow::bail!(
                "the head you hold (link {}) is outside this proof's links ({} to {end}); ask for a newer pack, or check it with `tendlc audit verify --head`",
                held.chain_index,
                proof.links.first().map_or(0, |l| l.chain_index)
            ),
        }
    }
    Ok(())
}

async fn verify(pool: &sqlx::PgPool, head: Option<PathBuf>, json: bool) -> anyhow::Result<()> {
    let held = held_head(head.as_ref())?;
    let outcome = audit::verify(pool, held.as_ref()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else {
        for finding in &outcome.findings {
            println!("{finding}");
        }
        match &outcome.head {
            Some(head) => println!(
                "checked {} links; head: link {} at position {} ({}), hash {}",
                outcome.checked, head.chain_index, head.global_position, head.event, head.hash
            ),
            None => println!("no event is chained yet"),
        }
        if outcome.not_yet_chained > 0 {
            println!(
                "{} events recorded after the head are not chained yet",
                outcome.not_yet_chained
            );
        }
    }
    match outcome.findings.first() {
        None => {
            if !json {
                println!("the chain is intact");
            }
            Ok(())
        }
        Some(first) => Err(anyhow::anyhow!(
            "the event history was tampered with; first: {first}"
        )),
    }
}
