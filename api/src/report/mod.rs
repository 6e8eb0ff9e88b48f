//! Reports as files: the compliance report as JSON, CSV or an HTML page (with the timeline as
//! inline SVG), the fee ledger as JSON or CSV, and a brand's evidence pack (a tar.gz). Shared by
//! `GET /v1/reports/…` and `tendlc report …`; the figures come from
//! `tendlc_projections::reports`.
use tendlc_projections::reports::compliance::{ComplianceReport, FeeSummary};
use uuid::Uuid;

pub mod evidence;
mod html;
mod table;

pub use html::html;
pub use table::{compliance_csv, fees_csv};

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Html,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "html" => Some(Format::Html),
            _ => None,
        }
    }

    /// The format an `Accept` header prefers among those given (JSON when it names none).
    pub fn from_accept(accept: &str, offered: &[Format]) -> Format {
        let mut best: Option<(f32, Format)> = None;
        for part in accept.split(',') {
            let mut pieces = part.split(';');
            let media = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let format = match media.as_str() {
                "text/csv" => Format::Csv,
                "text/html" => Format::Html,
                "application/json" => Format::Json,
                _ => continue,
            };
            if offered.contains(&format) && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, format));
            }
        }
        best.map_or(Format::Json, |(_, format)| format)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }
}

/// The compliance report written in `format`.
pub fn render(report: &ComplianceReport, format: Format) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Json => serde_json::to_vec_pretty(report)?,
        Format::Csv => compliance_csv(report)?,
        Format::Html => html(report)?.into_bytes(),
    })
}

/// One customer's fees, as the fee report lists them.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerFees {
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    #[serde(flatten)]
    pub fees: FeeSummary,
}

/// The fee report: each customer's ledger over the period and the total.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeReport {
    pub from: chrono::DateTime<chrono::Utc>,
    pub to: chrono::DateTime<chrono::Utc>,
    pub currency: String,
    pub total_cents: i64,
    pub customers: Vec<CustomerFees>,
}

impl FeeReport {
    pub fn new(
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
        customers: Vec<CustomerFees>,
    ) -> Self {
        FeeReport {
            from,
            to,
            currency: "USD".into(),
            total_cents: customers.iter().map(|c| c.fees.total_cents).sum(),
            customers,
        }
    }
}

/// The fee report of `customers` (every customer with registrations when `None`) over
/// `[from, to)`.
pub async fn fee_report(
    pool: &sqlx::PgPool,
    customers: Option<Vec<Uuid>>,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
    prices: tendlc_projections::reports::fees::Prices,
) -> Result<FeeReport, sqlx::Error> {
    use tendlc_projections::reports::compliance;
    let ids = match customers {
        Some(ids) => ids,
        None => compliance::customers_with_registrations(pool).await?,
    };
    let mut all = vec![];
    for customer in ids {
        all.push(CustomerFees {
            customer_id: customer,
            customer_name: compliance::customer_name(pool, customer).await?,
            fees: compliance::fee_summary(pool, customer, from, to, prices).await?,
        });
    }
    Ok(FeeReport::new(from, to, all))
}

/// Dollars and cents, for people (`$1,234.50`).
pub fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_picks_the_preferred_offered_format() {
        let all = [Format::Json, Format::Csv, Format::Html];
        assert_eq!(Format::from_accept("text/csv", &all), Format::Csv);
        assert_eq!(
            Format::from_accept("text/html,application/xhtml+xml,*/*;q=0.8", &all),
            Format::Html
        );
        assert_eq!(
            Format::from_accept("application/json;q=0.5, text/csv;q=0.9", &all),
            Format::Csv
        );
        assert_eq!(Format::from_accept("*/*", &all), Format::Json);
        assert_eq!(
            Format::from_accept("text/html", &[Format::Json, Format::Csv]),
            Format::Json
        );
    }

    #[test]
    fn dollars_are_grouped() {
        assert_eq!(dollars(0), "$0.00");
        assert_eq!(dollars(3000), "$30.00");
        assert_eq!(dollars(123_456_789), "$1,234,567.89");
    }
}
