//! The reports as CSV: one table whose `section` column says what each row is, so a
//! spreadsheet can filter it and a program can read every figure back.
use chrono::{DateTime, Utc};
use tendlc_projections::reports::compliance::ComplianceReport;

use super::FeeReport;

/// The compliance report's columns.
pub const COLUMNS: &[&str] = &[
    "section",
    "subjectType",
    "subjectId",
    "tcrId",
    "name",
    "what",
    "outcome",
    "reason",
    "actor",
    "source",
    "requestId",
    "at",
    "outcomeAt",
    "millis",
    "value",
    "amountCents",
];

fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One row, by column name (the rest empty).
#[derive(Default)]
struct Row<'a> {
    cells: Vec<(&'a str, String)>,
}

impl<'a> Row<'a> {
    fn new(section: &str) -> Self {
        Row {
            cells: vec![("section", section.to_string())],
        }
    }
    fn set(mut self, column: &'a str, value: impl ToString) -> Self {
        self.cells.push((column, value.to_string()));
        self
    }
    fn opt(self, column: &'a str, value: Option<impl ToString>) -> Self {
        match value {
            Some(value) => self.set(column, value),
            None => self,
        }
    }
    fn record(&self) -> Vec<String> {
        COLUMNS
            .iter()
            .map(|c| {
                self.cells
                    .iter()
                    .rev()
                    .find(|(name, _)| name == c)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect()
    }
}

/// The compliance report as CSV: `total` rows (one per figure, in `value`), then one row per
/// registration, carrier decision, vetting, deactivation, webhook count and fee.
pub fn compliance_csv(report: &ComplianceReport) -> anyhow::Result<Vec<u8>> {
    let mut rows = vec![];
    for (name, value) in report.totals.named() {
        rows.push(Row::new("total").set("what", name).set("value", value));
    }
    for r in &report.registrations {
        rows.push(
            Row::new("registration")
                .set("subjectType", &r.kind)
                .set("subjectId", &r.id)
                .opt("tcrId", r.tcr_id.as_ref())
                .set("name", &r.name)
                .set("what", &r.state)
                .set("outcome", &r.outcome)
                .set("reason", r.tcr_errors.join("; "))
                .opt("actor", r.submitted_by.as_ref())
                .opt("requestId", r.request_id.as_ref())
                .set("at", time(&r.submitted_at))
                .opt("outcomeAt", r.outcome_at.as_ref().map(time))
                .opt("millis", r.millis_to_outcome),
        );
    }
    for d in &report.carrier_decisions {
        let reason = match (&d.reason_category, &d.reason) {
            (Some(category), Some(text)) => Some(format!("{category}: {text}")),
            (Some(category), None) => Some(category.clone()),
            (None, text) => text.clone(),
        };
        rows.push(
            Row::new("carrier_decision")
                .set("subjectType", "CAMPAIGN")
                .set("subjectId", &d.campaign_id)
                .opt("tcrId", d.tcr_campaign_id.as_ref())
                .set("name", &d.carrier)
                .set("what", d.mno_id)
                .set("outcome", &d.to)
                .opt("reason", reason)
                .set("source", &d.source)
                .set("at", time(&d.at)),
        );
    }
    for v in &report.vettings {
        rows.push(
            Row::new("vetting")
                .set("subjectType", "BRAND")
                .set("subjectId", &v.brand_id)
                .set("name", format!("{} {}", v.provider, v.vetting_id))
                .set("what", &v.what)
                .opt("outcome", v.status.as_ref())
                .opt("reason", v.vetting_class.as_ref())
                .opt("actor", v.actor.as_ref())
                .set("at", time(&v.at))
                .opt("value", v.score),
        );
    }
    for d in &report.deactivations {
        rows.push(
            Row::new("deactivation")
                .set("subjectType", &d.kind)
                .set("subjectId", &d.id)
                .set("name", &d.name)
                .set("what", &d.what)
                .opt("actor", d.actor.as_ref())
                .opt("source", d.source.as_ref())
                .opt("requestId", d.request_id.as_ref())
                .set("at", time(&d.at)),
        );
    }
    for w in &report.webhooks {
        rows.push(
            Row::new("webhook")
                .set("what", &w.event_type)
                .set("outcome", &w.disposition)
                .set("value", w.count),
        );
    }
    for f in &report.fees.entries {
        rows.push(
            Row::new("fee")
                .set("subjectType", &f.subject_type)
                .set("subjectId", &f.subject_id)
                .opt("tcrId", f.tcr_id.as_ref())
                .set("name", &f.description)
                .set("what", f.item.as_str())
                .set("source", &f.price_source)
                .set("at", time(&f.charged_at))
                .set("value", f.quantity)
                .set("amountCents", f.amount_cents),
        );
    }
    let mut writer = csv::Writer::from_writer(vec![]);
    writer.write_record(COLUMNS)?;
    for row in rows {
        writer.write_record(row.record())?;
    }
    Ok(writer.into_inner()?)
}

/// The fee report as CSV: one row per charge, with its customer.
pub fn fees_csv(report: &FeeReport) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(vec![]);
    writer.write_record([
        "customerId",
        "customerName",
        "chargedAt",
        "item",
        "subjectType",
        "subjectId",
        "brandId",
        "tcrId",
        "description",
        "quantity",
        "unitCents",
        "amountCents",
        "priceSource",
        "billedDate",
        "paidThrough",
        "position",
    ])?;
    for customer in &report.customers {
        for f in &customer.fees.entries {
            writer.write_record([
                customer.customer_id.to_string(),
                customer.customer_name.clone().unwrap_or_default(),
                time(&f.charged_at),
                f.item.as_str().to_string(),
                f.subject_type.clone(),
                f.subject_id.clone(),
                f.brand_id.clone(),
                f.tcr_id.clone().unwrap_or_default(),
                f.description.clone(),
                f.quantity.to_string(),
                f.unit_cents.to_string(),
                f.amount_cents.to_string(),
                f.price_source.clone(),
                f.billed_date.map(|d| d.to_string()).unwrap_or_default(),
                f.paid_through.map(|d| d.to_string()).unwrap_or_default(),
                f.position.to_string(),
            ])?;
        }
    }
    Ok(writer.into_inner()?)
}
