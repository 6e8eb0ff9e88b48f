//! The compliance report as one HTML page: inline CSS, the timeline as inline SVG, nothing
//! fetched from anywhere (the template is compiled into the binary).
use chrono::{DateTime, Utc};
use minijinja::{context, Environment};
use serde::Serialize;
use tendlc_projections::reports::compliance::{ComplianceReport, Timeline};

use super::dollars;

const TEMPLATE: &str = include_str!("report.html");

/// Chart geometry, in SVG user units.
const WIDTH: f64 = 1000.0;
const LABEL_WIDTH: f64 = 260.0;
const ROW_HEIGHT: f64 = 26.0;
const TOP: f64 = 24.0;

/// A state's colour on the chart.
fn color(state: &str) -> &'static str {
    match state {
        "PENDING" => "#f0ad4e",
        "REGISTERED" | "UNVERIFIED" => "#9bb7d4",
        "SELF_DECLARED" => "#8bc34a",
        "VERIFIED" => "#5cb85c",
        "VETTED_VERIFIED" => "#2e7d32",
        "CARRIER_REVIEW" => "#5bc0de",
        "ACTIVE" => "#3c8d40",
        "CARRIER_REJECTED" => "#e57373",
        "REJECTED" => "#d9534f",
        "SUSPENDED" => "#b71c1c",
        "ABANDONED" => "#777777",
        "EXPIRED" | "DELETED" => "#9e9e9e",
        _ => "#bdbdbd",
    }
}

#[derive(Serialize)]
struct Segment {
    x: String,
    width: String,
    color: &'static str,
    state: String,
    title: String,
}

#[derive(Serialize)]
struct Row {
    id: String,
    label: String,
    y: f64,
    segments: Vec<Segment>,
}

#[derive(Serialize)]
struct Tick {
    x: String,
    label: String,
}

#[derive(Serialize)]
struct LegendItem {
    state: String,
    color: &'static str,
}

#[derive(Serialize)]
struct Chart {
    width: f64,
    height: f64,
    rows: Vec<Row>,
    ticks: Vec<Tick>,
    legend: Vec<LegendItem>,
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

fn stamp(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The chart spans from the first state shown to the last, so a lifecycle of minutes in a
/// month's report is still readable; the ticks say when.
fn chart(timelines: &[Timeline]) -> Chart {
    let start = timelines
        .iter()
        .flat_map(|t| t.spans.first())
        .map(|s| s.from)
        .min();
    let end = timelines
        .iter()
        .flat_map(|t| t.spans.last())
        .map(|s| s.to)
        .max();
    let (Some(start), Some(end)) = (start, end) else {
        return Chart {
            width: WIDTH,
            height: 0.0,
            rows: vec![],
            ticks: vec![],
            legend: vec![],
        };
    };
    let span_ms = ((end - start).num_milliseconds() as f64).max(1.0);
    let area = WIDTH - LABEL_WIDTH - 8.0;
    let x =
        |at: DateTime<Utc>| LABEL_WIDTH + (at - start).num_milliseconds() as f64 / span_ms * area;
    let mut legend: Vec<LegendItem> = vec![];
    let rows = timelines
        .iter()
        .enumerate()
        .map(|(i, timeline)| Row {
            id: timeline.id.clone(),
            label: short(
                &format!("{} {}", timeline.kind.to_lowercase(), timeline.name),
                38,
            ),
            y: TOP + i as f64 * ROW_HEIGHT,
            segments: timeline
                .spans
                .iter()
                .map(|span| {
                    if !legend.iter().any(|l| l.state == span.state) {
                        legend.push(LegendItem {
                            state: span.state.clone(),
                            color: color(&span.state),
                        });
                    }
                    let left = x(span.from);
                    Segment {
                        x: format!("{left:.1}"),
                        width: format!("{:.1}", (x(span.to) - left).max(1.5)),
                        color: color(&span.state),
                        state: span.state.clone(),
                        title: format!(
                            "{}: {} – {}",
                            span.state,
                            stamp(&span.from),
                            stamp(&span.to)
                        ),
                    }
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    let ticks = (0..=4)
        .map(|i| {
            let at = start + chrono::Duration::milliseconds((span_ms * i as f64 / 4.0) as i64);
            Tick {
                x: format!("{:.1}", x(at)),
                label: if span_ms < 86_400_000.0 {
                    at.format("%H:%M:%S").to_string()
                } else {
                    at.format("%Y-%m-%d").to_string()
                },
            }
        })
        .collect();
    Chart {
        width: WIDTH,
        height: TOP + rows.len() as f64 * ROW_HEIGHT + 4.0,
        rows,
        ticks,
        legend,
    }
}

#[derive(Serialize)]
struct Figure {
    name: &'static str,
    label: &'static str,
    value: String,
}

fn figures(report: &ComplianceReport) -> Vec<Figure> {
    let t = &report.totals;
    let figure = |name, label, value: i64| Figure {
        name,
        label,
        value: value.to_string(),
    };
    vec![
        figure(
            "registrationsSubmitted",
            "registrations submitted",
            t.registrations_submitted,
        ),
        figure("registered", "registered by TCR", t.registered),
        figure("rejected", "refused by TCR", t.rejected),
        figure("pending", "still pending", t.pending),
        figure("carrierApprovals", "carrier approvals", t.carrier_approvals),
        figure(
            "carrierRejections",
            "carrier rejections",
            t.carrier_rejections,
        ),
        figure("vettingEvents", "vetting events", t.vetting_events),
        figure("deactivations", "deactivations", t.deactivations),
        figure(
            "webhooksReceived",
            "webhook deliveries received",
            t.webhooks_received,
        ),
        figure(
            "webhooksRefused",
            "webhook deliveries refused",
            t.webhooks_refused,
        ),
        figure("abandoned", "abandoned", t.abandoned),
        Figure {
            name: "fees",
            label: "TCR fees",
            value: dollars(t.fees_cents),
        },
    ]
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FeeLine {
    charged_at: String,
    item: &'static str,
    description: String,
    tcr_id: Option<String>,
    quantity: i64,
    unit: String,
    amount: String,
    price_source: String,
    billed_date: Option<String>,
    paid_through: Option<String>,
}

/// The report as an HTML page.
pub fn html(report: &ComplianceReport) -> anyhow::Result<String> {
    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let template = env.get_template("report.html")?;
    let customer = report
        .customer_name
        .clone()
        .unwrap_or_else(|| report.customer_id.to_string());
    let fees: Vec<FeeLine> = report
        .fees
        .entries
        .iter()
        .map(|f| FeeLine {
            charged_at: stamp(&f.charged_at),
            item: f.item.as_str(),
            description: f.description.clone(),
            tcr_id: f.tcr_id.clone(),
            quantity: f.quantity,
            unit: dollars(f.unit_cents),
            amount: dollars(f.amount_cents),
            price_source: f.price_source.clone(),
            billed_date: f.billed_date.map(|d| d.to_string()),
            paid_through: f.paid_through.map(|d| d.to_string()),
        })
        .collect();
    Ok(template.render(context! {
        report => report,
        customer => customer,
        period => format!("{} – {}", stamp(&report.from), stamp(&report.to)),
        figures => figures(report),
        chart => chart(&report.timelines),
        fees => fees,
        fees_total => dollars(report.fees.total_cents),
    })?)
}
