//! `tendlc report …`: the compliance report, the fee ledger and a brand's evidence pack, for
//! operators, straight on the database (DATABASE_URL; prices from the `TENDLC_FEE_*` variables).
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tendlc_projections::reports::compliance::{self, Scope};
use uuid::Uuid;

use crate::report::{self, Format};

/// Which report.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// A customer's compliance report over a period (JSON, CSV or HTML).
    Compliance {
        #[command(flatten)]
        customer: CustomerArg,
        #[command(flatten)]
        period: PeriodArgs,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Write it here instead of to standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// TCR's fees per customer over a period (every customer's without --customer/--ban).
    Fees {
        #[arg(long, conflicts_with = "ban")]
        customer: Option<Uuid>,
        #[arg(long)]
        ban: Option<String>,
        #[command(flatten)]
        period: PeriodArgs,
        /// json or csv (default: a table for people).
        #[arg(long, value_enum)]
        format: Option<Format>,
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// One brand's evidence pack (tar.gz): history, requests as sent to TCR, report, chain proof.
    Evidence {
        /// Our id of the brand.
        brand: Uuid,
        /// The archive to write.
        #[arg(short, long)]
        output: PathBuf,
    },
}

/// The customer, by id or by billing account number.
#[derive(Debug, clap::Args)]
pub struct CustomerArg {
    #[arg(long, conflicts_with = "ban", required_unless_present = "ban")]
    pub customer: Option<Uuid>,
    #[arg(long)]
    pub ban: Option<String>,
}

/// `[from, to)`; by default the 30 days up to now.
#[derive(Debug, clap::Args)]
pub struct PeriodArgs {
    /// RFC 3339, inclusive (default: 30 days before --to).
    #[arg(long)]
    pub from: Option<DateTime<Utc>>,
    /// RFC 3339, exclusive (default: now).
    #[arg(long)]
    pub to: Option<DateTime<Utc>>,
}

impl PeriodArgs {
    fn resolve(&self) -> anyhow::Result<(DateTime<Utc>, DateTime<Utc>)> {
        let to = self.to.unwrap_or_else(Utc::now);
        let from = self.from.unwrap_or(to - chrono::Duration::days(30));
        anyhow::ensure!(from < to, "--to must be after --from");
        Ok((from, to))
    }
}

fn customer_id(customer: Option<Uuid>, ban: Option<&str>) -> anyhow::Result<Option<Uuid>> {
    Ok(match (customer, ban) {
        (Some(id), _) => Some(id),
        (None, Some(ban)) => {
            let ban = tendlc_domain::customer::Ban::parse(ban)
                .map_err(|e| anyhow::anyhow!("--ban {e}"))?;
            Some(tendlc_domain::customer::customer_id_for_ban(&ban).as_uuid())
        }
        (None, None) => None,
    })
}

fn write(output: Option<&PathBuf>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(bytes)?;
        }
    }
    Ok(())
}

pub async fn run(command: ReportCommand) -> anyhow::Result<()> {
    let pool = super::connect().await?;
    let prices = crate::config::fee_prices()?;
    let result = match command {
        ReportCommand::Compliance {
            customer,
            period,
            format,
            output,
        } => {
            let customer = customer_id(customer.customer, customer.ban.as_deref())?
                .ok_or_else(|| anyhow::anyhow!("--customer or --ban is required"))?;
            let (from, to) = period.resolve()?;
            let scope = Scope {
                customer,
                brand: None,
            };
            let report = compliance::compliance(&pool, scope, from, to, prices).await?;
            write(output.as_ref(), &report::render(&report, format)?)
        }
        ReportCommand::Fees {
            customer,
            ban,
            period,
            format,
            output,
        } => {
            let (from, to) = period.resolve()?;
            let customers = customer_id(customer, ban.as_deref())?.map(|c| vec![c]);
            let fees = report::fee_report(&pool, customers, from, to, prices).await?;
            let bytes = match format {
                Some(Format::Csv) => report::fees_csv(&fees)?,
                Some(_) => serde_json::to_vec_pretty(&fees)?,
                None => table(&fees).into_bytes(),
            };
            write(output.as_ref(), &bytes)
        }
        ReportCommand::Evidence { brand, output } => {
            match report::evidence::pack(&pool, brand, prices).await? {
                Some(pack) => write(Some(&output), &pack),
                None => Err(anyhow::anyhow!("no brand {brand} has been recorded")),
            }
        }
    };
    pool.close().await;
    result
}

/// The fee report for people: one line per charge, a total per customer and overall.
fn table(fees: &report::FeeReport) -> String {
    let mut out = format!(
        "TCR fees {} – {}\n",
        fees.from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        fees.to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    for customer in &fees.customers {
        out.push_str(&format!(
            "\n{} ({})\n",
            customer.customer_name.as_deref().unwrap_or("-"),
            customer.customer_id
        ));
        for f in &customer.fees.entries {
            out.push_str(&format!(
                "  {}  {:<18} {:>3} × {:>9} = {:>10}  {}{}\n",
                f.charged_at.format("%Y-%m-%d %H:%M"),
                f.item.as_str(),
                f.quantity,
                report::dollars(f.unit_cents),
                report::dollars(f.amount_cents),
                f.description,
                f.tcr_id
                    .as_deref()
                    .map(|id| format!(" [{id}]"))
                    .unwrap_or_default()
            ));
        }
        out.push_str(&format!(
            "  total {}\n",
            report::dollars(customer.fees.total_cents)
        ));
    }
    out.push_str(&format!(
        "\nall customers: {}\n",
        report::dollars(fees.total_cents)
    ));
    out
}
