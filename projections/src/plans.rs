//! The queries that run on every worker tick or list page, as the read side runs them, and how
//! Postgres plans them on the data it holds. `tendlc plans` prints them for operators; a test
//! plans them on a large table and fails on any that reads a whole table.
use serde_json::Value;
use sqlx::{Connection, PgPool};

/// One hot query with sample arguments.
#[derive(Debug, Clone)]
pub struct HotQuery {
    pub name: &'static str,
    /// The statement exactly as the read side sends it.
    pub sql: String,
    /// Its parameters' types, for `PREPARE`.
    pub param_types: &'static str,
    /// Sample arguments, as SQL literals.
    pub sample: &'static str,
    /// Planned once for every argument (a generic plan), as Postgres comes to plan a statement
    /// a long-running process prepares and runs over and over, whatever its arguments.
    pub generic: bool,
}

/// Every hot query.
pub fn hot_queries() -> Vec<HotQuery> {
    let q = |name, sql, param_types, sample| HotQuery {
        name,
        sql,
        param_types,
        sample,
        generic: false,
    };
    let generic = |query: HotQuery| HotQuery {
        generic: true,
        ..query
    };
    // A reader's page, as the projection runners and the live feed read it.
    let stream_page = |name, wanted| {
        generic(q(
            name,
            crate::stream::page_sql(wanted),
            "text, int8, text, int8, text, int8, text[], text[]",
            "'1000', 200000, NULL, 2000, NULL, NULL, ARRAY['Brand'], ARRAY['BrandSyncConfirmed']",
        ))
    };
    vec![
        q(
            "brands: list by status",
            crate::brands::list_sql(),
            "uuid, text, text, int8, int8",
            "NULL, 'PENDING', NULL, 50, 0",
        ),
        q(
            "brands: due for a poll",
            crate::brands::due_for_poll_sql(),
            "float8, float8, int8",
            "900, 86400, 100",
        ),
        q(
            "brands: actions left pending by a crash",
            crate::brands::stale_actions_sql(),
            "float8, int8",
            "60, 100",
        ),
        q(
            "brands: due for a retry",
            crate::brands::due_for_retry_sql(),
            "float8, float8, float8, int8",
            "30, 15, 3600, 100",
        ),
        q(
            "campaigns: list by status",
            crate::campaigns::list_sql(),
            "uuid, uuid, text, text, text, int4, int8, int8",
            "NULL, NULL, 'PENDING', NULL, NULL, NULL, 50, 0",
        ),
        q(
            "campaigns: list by TCR status",
            crate::campaigns::list_sql(),
            "uuid, uuid, text, text, text, int4, int8, int8",
            "NULL, NULL, NULL, 'EXPIRED', NULL, NULL, 50, 0",
        ),
        q(
            "campaigns: due for a poll",
            crate::campaigns::due_for_poll_sql(),
            "float8, float8, int8",
            "900, 86400, 100",
        ),
        q(
            "campaigns: actions left pending by a crash",
            crate::campaigns::stale_actions_sql(),
            "float8, int8",
            "60, 100",
        ),
        q(
            "campaigns: due for a retry",
            crate::campaigns::due_for_retry_sql(),
            "float8, float8, float8, int8",
            "30, 15, 3600, 100",
        ),
        q(
            "webhook log: by event type",
            crate::webhook_events::list_sql(),
            "uuid, text, text, timestamptz, timestamptz, int8, int8",
            "NULL, 'CAMPAIGN_SHARE_ADD', NULL, NULL, NULL, 50, 0",
        ),
        q(
            "webhook log: by campaign",
            crate::webhook_events::list_sql(),
            "uuid, text, text, timestamptz, timestamptz, int8, int8",
            "NULL, NULL, 'C000042', NULL, NULL, 50, 0",
        ),
        q(
            "event chain: a batch read again to be linked",
            crate::audit::chain::rereading_sql(),
            "bigint[]",
            "ARRAY[200001, 200002, 200003]",
        ),
        stream_page(
            "stream: a runner's next page (one aggregate type)",
            crate::stream::Wanted {
                aggregate_types: &["Brand"],
                event_types: None,
            },
        ),
        stream_page(
            "stream: the live feed's next page (some event types)",
            crate::stream::Wanted {
                aggregate_types: crate::stream::EVERY_TYPE,
                event_types: Some(&["BrandSyncConfirmed"]),
            },
        ),
        stream_page(
            "stream: a reader of every event's next page",
            crate::stream::Wanted {
                aggregate_types: crate::stream::EVERY_TYPE,
                event_types: None,
            },
        ),
        generic(q(
            "stream: a runner's checkpoint moved past its batch",
            crate::runner::ADVANCE_CHECKPOINT.to_string(),
            "text, text, int8, text, int8",
            "'brands_10dlc', '1000', 200100, '1000', 200000",
        )),
    ]
}

/// The plan Postgres chooses for `query` with its sample arguments (`EXPLAIN (FORMAT JSON)`).
pub async fn explain(pool: &PgPool, query: &HotQuery) -> Result<Value, sqlx::Error> {
    // Its own connection, closed after: the pool's connections keep sqlx's prepared statements.
    let mut conn = pool.acquire().await?.detach();
    if query.generic {
        sqlx::query("SET plan_cache_mode = force_generic_plan")
            .execute(&mut conn)
            .await?;
    }
    sqlx::query(&format!(
        "PREPARE hot_query ({}) AS {}",
        query.param_types, query.sql
    ))
    .execute(&mut conn)
    .await?;
    let plan: Value = sqlx::query_scalar(&format!(
        "EXPLAIN (FORMAT JSON) EXECUTE hot_query({})",
        query.sample
    ))
    .fetch_one(&mut conn)
    .await?;
    conn.close().await?;
    Ok(plan)
}

/// Postgres's estimate of how many rows `table` holds (as of its last analyse).
pub async fn estimated_rows(pool: &PgPool, table: &str) -> Result<i64, sqlx::Error> {
    let rows: Option<f32> =
        sqlx::query_scalar("SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)")
            .bind(table)
            .fetch_optional(pool)
            .await?;
    Ok(rows.unwrap_or(0.0).max(0.0) as i64)
}

/// Below this many rows, reading a table whole is what Postgres should do.
pub const SMALL_TABLE_ROWS: i64 = 1_000;

/// One step of a plan: its node type, and the table and index it reads, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    pub node: String,
    pub relation: Option<String>,
    pub index: Option<String>,
}

/// Every step of `plan`, depth first.
pub fn steps(plan: &Value) -> Vec<PlanStep> {
    fn walk(node: &Value, out: &mut Vec<PlanStep>) {
        let text = |key: &str| node.get(key).and_then(Value::as_str).map(str::to_string);
        if let Some(kind) = text("Node Type") {
            out.push(PlanStep {
                node: kind,
                relation: text("Relation Name"),
                index: text("Index Name"),
            });
        }
        if let Some(inner) = node.get("Plan") {
            walk(inner, out);
        }
        for child in node
            .get("Plans")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    for root in plan.as_array().into_iter().flatten() {
        walk(root, &mut out);
    }
    out
}

/// The tables `plan` reads whole.
pub fn full_scans(plan: &Value) -> Vec<String> {
    steps(plan)
        .into_iter()
        .filter(|s| s.node == "Seq Scan")
        .filter_map(|s| s.relation)
        .collect()
}

/// `plan` in one line: each step's node, table and index.
pub fn summary(plan: &Value) -> String {
    steps(plan)
        .into_iter()
        .map(|s| match (s.relation, s.index) {
            (Some(r), Some(i)) => format!("{} on {r} using {i}", s.node),
            (Some(r), None) => format!("{} on {r}", s.node),
            (None, Some(i)) => format!("{} using {i}", s.node),
            (None, None) => s.node,
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn it_should_find_a_full_scan_anywhere_in_a_plan() {
        let plan = json!([{"Plan": {"Node Type": "Limit", "Plans": [
            {"Node Type": "Index Scan", "Relation Name": "brands_10dlc", "Index Name": "brands_10dlc_pending"},
            {"Node Type": "Seq Scan", "Relation Name": "campaign_mno_status"}
        ]}}]);
        assert_eq!(full_scans(&plan), vec!["campaign_mno_status".to_string()]);
        assert_eq!(
            summary(&plan),
            "Limit → Index Scan on brands_10dlc using brands_10dlc_pending → Seq Scan on campaign_mno_status"
        );
    }
}
