//! The fault-injection run at its test size (`tendlc chaos --size small`): three replicas on a
//! Postgres server of the run's own, the simulator failing calls and mangling webhooks, replicas
//! killed with -9, Postgres restarted, a projection stuck and released. Nothing acknowledged
//! may be lost, nothing registered twice, every registration must end at TCR's truth, no change
//! mailed twice, and the live read tables must equal a fresh rebuild.
use std::process::Command;

use serde_json::Value;
use tendlc_tests::harness::binary;

/// The named count of the named check in the JSON report.
fn count(report: &Value, check: &str, name: &str) -> i64 {
    let check = report["checks"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["id"] == check))
        .unwrap_or_else(|| panic!("the report has no check {check}: {report}"));
    check["counts"]
        .as_array()
        .and_then(|counts| counts.iter().find(|c| c[0] == name))
        .and_then(|c| c[1].as_i64())
        .unwrap_or_else(|| panic!("check {check} has no count {name}"))
}

#[test]
fn under_kills_a_postgres_restart_a_stuck_projection_and_a_faulty_tcr_nothing_acknowledged_is_lost_or_done_twice(
) {
    let json = std::env::temp_dir().join(format!(
        "tendlc-chaos-{}.json",
        uuid::Uuid::new_v4().simple()
    ));
    let output = Command::new(binary())
        .args(["chaos", "--size", "small", "--json"])
        .arg(&json)
        .output()
        .expect("run tendlc chaos");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let text = std::fs::read_to_string(&json).unwrap_or_default();
    let _ = std::fs::remove_file(&json);
    let Ok(report) = serde_json::from_str::<Value>(&text) else {
        panic!(
            "tendlc chaos wrote no report ({}):\n{stdout}\n{stderr}",
            output.status
        );
    };
    let context = format!("\n{stdout}\n{stderr}");

    // The storm happened: load through the replicas, kills, a Postgres restart, a stuck projection.
    let disruptions: Vec<&str> = report["disruptions"]
        .as_array()
        .expect("disruptions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        disruptions.iter().filter(|d| d.contains("kill -9")).count() >= 2,
        "replicas were not killed repeatedly: {disruptions:?}"
    );
    assert!(
        disruptions.iter().any(|d| d.contains("Postgres back")),
        "Postgres was not restarted: {disruptions:?}"
    );
    assert!(
        disruptions.iter().any(|d| d.contains("stuck at position"))
            && disruptions.iter().any(|d| d.contains("projections retry")),
        "no projection was stuck and released: {disruptions:?}"
    );
    assert!(
        disruptions.iter().any(|d| d.contains("projections skip")),
        "no unreadable event was skipped by the operator: {disruptions:?}"
    );
    assert!(
        count(&report, "acked_commands", "acked") >= 20,
        "too little load was acknowledged to prove anything{context}"
    );
    assert!(
        count(&report, "acked_webhooks", "acked") >= 50,
        "too few webhooks were acknowledged to prove anything{context}"
    );
    assert!(
        count(&report, "acked_webhooks", "dropped_by_sim") > 0
            && count(&report, "acked_webhooks", "duplicated_by_sim") > 0,
        "the simulator mangled no webhooks{context}"
    );

    // What tendlc promises.
    assert_eq!(
        count(&report, "acked_commands", "lost"),
        0,
        "acknowledged commands are missing from the event store{context}"
    );
    assert_eq!(
        count(&report, "acked_webhooks", "lost"),
        0,
        "acknowledged webhook deliveries are missing from the event store{context}"
    );
    for duplicates in ["duplicate_brands", "duplicate_campaigns", "double_fees_usd"] {
        assert_eq!(
            count(&report, "no_duplicates", duplicates),
            0,
            "{duplicates}: something was registered twice at TCR{context}"
        );
    }
    assert_eq!(
        count(&report, "no_duplicates", "unknown_to_tendlc"),
        0,
        "TCR holds registrations tendlc lost track of{context}"
    );
    assert!(
        count(&report, "converged", "brands") > 0 && count(&report, "converged", "campaigns") > 0,
        "nothing to converge{context}"
    );
    assert_eq!(
        count(&report, "converged", "diverged"),
        0,
        "registrations did not converge to TCR's truth{context}"
    );
    assert!(
        count(&report, "mails", "sent") > 0,
        "no mail was sent{context}"
    );
    assert_eq!(
        count(&report, "mails", "mailed_twice"),
        0,
        "a change was mailed twice{context}"
    );
    assert_eq!(
        count(&report, "mails", "outbox_files"),
        count(&report, "mails", "sent"),
        "the outbox does not hold each sent mail once{context}"
    );
    assert_eq!(
        count(&report, "rebuild_equal", "tables_differing")
            + count(&report, "rebuild_equal", "rebuilds_failed"),
        0,
        "the live read tables differ from a fresh rebuild{context}"
    );
    assert!(
        output.status.success(),
        "tendlc chaos failed ({}){context}",
        output.status
    );
}
