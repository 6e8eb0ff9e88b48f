//! Every filter has an index and every worker query reads only what it needs: on tables of tens
//! of thousands of rows, no hot query (`tendlc_projections::plans`) reads a whole table (but
//! for tables of a few rows), as planned for its arguments or, for the stream's queries that
//! runners repeat, once for any.
use tendlc_projections::plans::{
    estimated_rows, explain, full_scans, hot_queries, summary, SMALL_TABLE_ROWS,
};
use tendlc_tests::db::TestDatabase;

/// Fills the read tables the way a few years of use would: mostly registered and synced, a
/// few pending, a few with an action in flight; a webhook log of many deliveries.
async fn seed(pool: &sqlx::PgPool) {
    for statement in [
        "INSERT INTO brands_10dlc (brand_id, customer_id, reference_id, status, brand_relationship,
             entity_type, display_name, country, email, profile, created_at, updated_at,
             last_sequence, tcr_brand_id, identity_status, last_synced_at, pending_action)
         SELECT gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad((i % 300)::text, 12, '0'))::uuid,
             'ref-' || i,
             CASE WHEN i % 500 = 0 THEN 'PENDING' WHEN i % 700 = 0 THEN 'REJECTED' ELSE 'REGISTERED' END,
             'BASIC_ACCOUNT', 'PRIVATE_PROFIT', 'Brand ' || i, 'US', 'b' || i || '@example.com', '{}',
             now() - (i || ' minutes')::interval, now() - (i % 50 || ' seconds')::interval, 1,
             'B' || lpad(i::text, 6, '0'),
             CASE WHEN i % 3 = 0 THEN 'UNVERIFIED' ELSE 'VERIFIED' END,
             now() - (i % 600 || ' seconds')::interval,
             CASE WHEN i % 2000 = 0 THEN jsonb_build_object('kind', 'update') END
           FROM generate_series(1, 40000) i",
        "INSERT INTO campaigns_10dlc (campaign_id, customer_id, brand_id, tcr_brand_id, reference_id,
             status, usecase, profile, qualification, created_at, updated_at, last_sequence,
             tcr_campaign_id, tcr_status, last_synced_at, pending_action)
         SELECT gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad((i % 300)::text, 12, '0'))::uuid,
             gen_random_uuid(), 'B' || lpad(i::text, 6, '0'), 'cref-' || i,
             CASE WHEN i % 500 = 0 THEN 'PENDING' ELSE 'REGISTERED' END, 'MARKETING', '{}', '{}',
             now() - (i || ' minutes')::interval, now() - (i % 50 || ' seconds')::interval, 1,
             'C' || lpad(i::text, 6, '0'),
             CASE WHEN i % 900 = 0 THEN 'EXPIRED' ELSE 'ACTIVE' END,
             now() - (i % 600 || ' seconds')::interval,
             CASE WHEN i % 2000 = 0 THEN jsonb_build_object('kind', 'deactivate') END
           FROM generate_series(1, 40000) i",
        "INSERT INTO campaign_mno_status (campaign_id, mno_id, customer_id, mno_name, status, last_sequence)
         SELECT campaign_id, mno, customer_id, 'carrier', 'REGISTERED', 1
           FROM campaigns_10dlc, unnest(ARRAY[10017, 10035, 10037]) mno",
        "INSERT INTO tcr_webhook_events (id, delivery_id, category, event_type, tcr_brand_id,
             tcr_campaign_id, raw_body_base64, body_sha256, signature, disposition, received_at,
             last_sequence)
         SELECT 'd' || i, 'd' || i, CASE WHEN i % 2 = 0 THEN 'BRAND' ELSE 'CAMPAIGN' END,
             (ARRAY['BRAND_IDENTITY_STATUS_UPDATE', 'CAMPAIGN_DCA_COMPLETE', 'MNO_CAMPAIGN_OPERATION_APPROVED',
                    'CAMPAIGN_SHARE_ADD', 'BRAND_SCORE_UPDATE'])[1 + i % 5],
             'B' || lpad((i % 40000)::text, 6, '0'),
             CASE WHEN i % 2 = 1 THEN 'C' || lpad((i % 40000)::text, 6, '0') END,
             '', '', 'VALID', 'ACCEPTED', now() - (i || ' seconds')::interval, 1
           FROM generate_series(1, 100000) i",
        // The crash healer reads when a pending action was requested from the events.
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT 'Campaign', campaign_id::text, s,
             CASE WHEN s = 2 THEN 'CampaignActionRequested' ELSE 'CampaignSyncConfirmed' END, '1.0', '{}', '{}'
           FROM campaigns_10dlc, generate_series(1, 3) s",
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT 'Brand', brand_id::text, s,
             CASE WHEN s = 2 THEN 'BrandUpdateRequested' ELSE 'BrandSyncConfirmed' END, '1.0', '{}', '{}'
           FROM brands_10dlc, generate_series(1, 3) s",
        // The hash chain has linked most of them.
        "INSERT INTO event_chain (chain_index, global_position, transaction_id, aggregate_type,
             aggregate_id, sequence, event_type, prev_hash, hash)
         SELECT global_position, global_position, transaction_id, aggregate_type, aggregate_id,
             sequence, event_type, '', ''
           FROM events WHERE global_position <= 200000",
        "ANALYZE",
    ] {
        sqlx::query(statement)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("seeding: {e}\n{statement}"));
    }
}

#[tokio::test]
async fn no_hot_query_reads_a_whole_table() {
    let db = TestDatabase::create().await;
    let pool = tendlc_adapters::db::connect_bounded(&db.url, 2, None)
        .await
        .expect("connect");
    tendlc_adapters::db::migrate(&pool).await.expect("migrate");
    seed(&pool).await;

    let mut scanning = Vec::new();
    for query in hot_queries() {
        let plan = explain(&pool, &query)
            .await
            .unwrap_or_else(|e| panic!("planning {}: {e}", query.name));
        println!("{}: {}", query.name, summary(&plan));
        // A table of a few rows (the checkpoints, a catalog) is read whole, as it should be.
        let mut scans = Vec::new();
        for table in full_scans(&plan) {
            let rows = estimated_rows(&pool, &table)
                .await
                .unwrap_or_else(|e| panic!("the size of {table}: {e}"));
            if rows >= SMALL_TABLE_ROWS {
                scans.push(table);
            }
        }
        if !scans.is_empty() {
            scanning.push(format!(
                "{} reads all of {scans:?}: {}",
                query.name,
                summary(&plan)
            ));
        }
    }
    assert!(
        scanning.is_empty(),
        "queries without an index:\n{}",
        scanning.join("\n")
    );
}
