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
}

pub async fn run(command: AuditCommand) -> anyhow::Result<()> {
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
    };
    pool.close().await;
    result
}

async fn verify(pool: &sqlx::PgPool, head: Option<PathBuf>, json: bool) -> anyhow::Result<()> {
    let held: Option<Head> = match head {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| anyhow::anyhow!("--head {}: {e}", path.display()))?;
            Some(serde_json::from_str(&text).map_err(|e| {
                anyhow::anyhow!(
                    "--head {}: not a head `tendlc audit head` exported: {e}",
                    path.display()
                )
            })?)
        }
    };
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
