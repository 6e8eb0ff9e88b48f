//! The bench's table (markdown, as the README shows it) and its JSON result file.
use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

/// One row of the table: the figure as printed, and its numbers for machines.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Stable name (`rebuild_all`, `rebuild_webhook_log`, `webhook_intake`, `brand_list`,
    /// `brand_registration`, `memory`).
    pub id: &'static str,
    pub figure: String,
    pub tendlc: String,
    pub raw: String,
    pub ratio: String,
    pub target: &'static str,
    pub values: BTreeMap<&'static str, f64>,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub size: String,
    /// `debug` or `release`: absolute figures of a debug build say little.
    pub build: &'static str,
    pub cores: usize,
    pub seconds: f64,
    pub rows: Vec<Row>,
}

pub fn build() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

/// `1234567.8` → `1,234,568`.
pub fn thousands(value: f64) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 {
        out.insert(0, '-');
    }
    out
}

pub fn ratio(tendlc: f64, raw: f64) -> String {
    if raw > 0.0 && tendlc.is_finite() {
        format!("{:.3}", tendlc / raw)
    } else {
        "—".into()
    }
}

/// The table as markdown.
pub fn table(report: &Report) -> String {
    let mut out = String::from(
        "| figure | tendlc | raw Postgres, same work | ratio | target |\n|---|---|---|---|---|\n",
    );
    for row in &report.rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            row.figure, row.tendlc, row.raw, row.ratio, row.target
        ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_group_thousands() {
        assert_eq!(thousands(1234567.8), "1,234,568");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(0.4), "0");
        assert_eq!(ratio(1.0, 4.0), "0.250");
        assert_eq!(ratio(1.0, 0.0), "—");
    }
}
