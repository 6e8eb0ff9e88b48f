//! The run's result: a table to read, and the same as JSON.
use std::path::Path;

use serde::Serialize;

use super::checks::Check;
use super::client::Traffic;
use super::workload::Journeys;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub size: String,
    pub seed: u64,
    /// `debug` or `release`.
    pub build: &'static str,
    pub cores: usize,
    pub seconds: f64,
    pub storm_seconds: f64,
    pub settle_seconds: f64,
    /// Whether tendlc agreed with TCR and had no work left before the settle limit.
    pub settled: bool,
    pub events: i64,
    pub traffic: Traffic,
    pub journeys: Journeys,
    /// Kills, restarts, the Postgres restart and the stuck projection, with their times.
    pub disruptions: Vec<String>,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.id == id)
    }
}

/// The report as markdown: what was done, then one row per check.
pub fn table(report: &Report) -> String {
    let kills = report
        .disruptions
        .iter()
        .filter(|d| d.contains("kill -9"))
        .count();
    let t = &report.traffic;
    let j = &report.journeys;
    let mut out = format!(
        "tendlc chaos, size {}, seed {}, {} build, {} cores, {:.0} s (storm {:.0} s, settled in {:.0} s{})\n\n\
         load: {} writes ({} acked, {} not), {} retried attempts ({} unanswered, {} 5xx, {} replayed); \
         {} brands acked, {} verified in time, {} campaigns acked, {} carrier decisions; {} events\n\
         disruptions: {kills} replicas killed with -9 and restarted, Postgres restarted once, \
         one projection stuck and released\n\n",
        report.size,
        report.seed,
        report.build,
        report.cores,
        report.seconds,
        report.storm_seconds,
        report.settle_seconds,
        if report.settled { "" } else { ", NOT settled" },
        t.writes,
        t.acked,
        t.not_acked,
        t.retries,
        t.no_answer,
        t.answers_5xx,
        t.replayed,
        j.brands_acked,
        j.verified_in_time,
        j.campaigns_acked,
        j.carrier_decisions,
        report.events,
    );
    out.push_str("| check | counts | result |\n|---|---|---|\n");
    for check in &report.checks {
        let counts: Vec<String> = check
            .counts
            .iter()
            .map(|(name, value)| format!("{} {value}", name.replace('_', " ")))
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            check.what,
            counts.join(", "),
            if check.passed { "ok" } else { "FAILED" }
        ));
    }
    for check in report.checks.iter().filter(|c| !c.passed) {
        out.push_str(&format!("\n{} failed, e.g.:\n", check.id));
        for example in &check.examples {
            out.push_str(&format!("  - {example}\n"));
        }
    }
    out
}

pub fn write_json(path: &Path, report: &Report) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, serde_json::to_vec_pretty(report)?)?;
    Ok(())
}
