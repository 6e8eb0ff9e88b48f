//! `tendlc bench` at its smallest size, so the benchmark cannot rot: it runs, prints every row
//! of the table and writes JSON with every figure. Never a speed: the machine is shared.
use std::process::Command;

use serde_json::Value;
use tendlc_tests::db::server_url;
use tendlc_tests::harness::binary;

const ROWS: [(&str, &str); 8] = [
    ("rebuild_all", "rebuilding every read model from scratch"),
    ("rebuild_webhook_log", "rebuilding the webhook log alone"),
    ("webhook_intake", "webhook intake, 64 senders"),
    ("brand_list", "brand list page"),
    ("brand_registration", "brand registration, 1 client"),
    ("live_feed", "live feed, 20 connected clients"),
    ("memory", "resident memory of `serve`"),
    ("long_aggregate", "loading a brand with 10,"),
];

#[test]
fn the_benchmark_should_run_at_its_smallest_size_and_report_every_figure() {
    let json = std::env::temp_dir().join(format!(
        "tendlc-bench-{}.json",
        uuid::Uuid::new_v4().simple()
    ));
    let output = Command::new(binary())
        .args(["bench", "--size", "tiny", "--json"])
        .arg(&json)
        .env("DATABASE_URL", server_url())
        .output()
        .expect("run tendlc bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tendlc bench failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    for (_, figure) in ROWS {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&format!("| {figure}"))),
            "the table has no row for {figure}:\n{stdout}"
        );
    }
    assert!(
        stderr.contains("dropped"),
        "the bench's database was not dropped:\n{stderr}"
    );

    let text = std::fs::read_to_string(&json).expect("the JSON result file");
    let _ = std::fs::remove_file(&json);
    let report: Value = serde_json::from_str(&text).expect("the result file is JSON");
    assert_eq!(report["size"], "tiny");
    let rows = report["rows"].as_array().expect("rows");
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ROWS.map(|(id, _)| id), "the rows, in order");
    for row in rows {
        let values = row["values"].as_object().expect("values");
        assert!(!values.is_empty(), "{} has no figures", row["id"]);
        for (name, value) in values {
            assert!(
                value.as_f64().is_some_and(f64::is_finite),
                "{}.{name} is not a number: {value}",
                row["id"]
            );
        }
    }
    let figure = |id: &str, name: &str| {
        rows.iter().find(|r| r["id"] == id).expect("row")["values"][name]
            .as_f64()
            .unwrap_or_default()
    };
    for (id, name) in [
        ("rebuild_all", "tendlc_events_per_s"),
        ("rebuild_all", "raw_events_per_s"),
        ("rebuild_webhook_log", "tendlc_events_per_s"),
        ("webhook_intake", "tendlc_per_s"),
        ("webhook_intake", "raw_per_s"),
        ("brand_list", "tendlc_per_s"),
        ("brand_list", "raw_per_s"),
        ("brand_registration", "tendlc_p50_ms"),
        ("brand_registration", "raw_p50_ms"),
        ("live_feed", "p99_ms"),
        ("live_feed", "deliveries"),
        ("memory", "idle_mib"),
        ("memory", "after_load_mib"),
        ("long_aggregate", "first_load_ms"),
        ("long_aggregate", "tendlc_p50_ms"),
        ("long_aggregate", "raw_p50_ms"),
    ] {
        assert!(figure(id, name) > 0.0, "{id}.{name} was not measured");
    }
}
