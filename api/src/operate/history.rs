//! `tendlc history brand|campaign ID`: a registration's history straight from the events, for
//! operators (every customer's; the API scopes it by tenant).
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use tendlc_domain::brand::Brand;
use tendlc_domain::campaign::Campaign;
use tendlc_projections::history::{self, HistoryEntry, Registration};
use uuid::Uuid;

/// Whose history to tell.
#[derive(Debug, clap::Subcommand)]
pub enum HistoryCommand {
    /// A brand's history (our brand id).
    Brand(HistoryArgs),
    /// A campaign's history (our campaign id).
    Campaign(HistoryArgs),
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Our id of the brand or campaign.
    pub id: Uuid,
    /// Only what was recorded at or before this RFC 3339 instant.
    #[arg(long)]
    pub as_of: Option<DateTime<Utc>>,
    /// One JSON array of entries instead of lines.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(command: HistoryCommand) -> anyhow::Result<()> {
    let pool = super::connect().await?;
    let result = match command {
        HistoryCommand::Brand(args) => tell::<Brand>(&pool, args, "brand").await,
        HistoryCommand::Campaign(args) => tell::<Campaign>(&pool, args, "campaign").await,
    };
    pool.close().await;
    result
}

async fn tell<A: Registration>(
    pool: &sqlx::PgPool,
    args: HistoryArgs,
    what: &str,
) -> anyhow::Result<()>
where
    A::Event: DeserializeOwned,
{
    let entries = history::entries::<A>(pool, args.id, args.as_of).await?;
    if entries.is_empty() && history::owner::<A>(pool, args.id).await?.is_none() {
        anyhow::bail!("no {what} {} has been recorded", args.id);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
    } else {
        for entry in &entries {
            println!("{}", line(entry));
        }
    }
    Ok(())
}

/// `Type/id#seq time source actor request: EventType — summary [TCR …]`.
pub fn line(entry: &HistoryEntry) -> String {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let mut line = format!(
        "{}/{}#{} {} {} {} request {}: {} — {}",
        entry.aggregate_type,
        entry.aggregate_id,
        entry.sequence,
        entry
            .recorded_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        or_dash(&entry.source),
        or_dash(&entry.actor),
        or_dash(&entry.request_id),
        entry.event_type,
        entry.summary
    );
    if let Some(call) = &entry.tcr_call {
        let status = call
            .http_status
            .map_or("no answer".to_string(), |s| format!("HTTP {s}"));
        let latency = call
            .latency_ms
            .map(|ms| format!(" in {ms} ms"))
            .unwrap_or_default();
        line.push_str(&format!(" [TCR {} → {status}{latency}]", call.endpoint));
    }
    line
}
