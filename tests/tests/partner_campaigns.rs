//! tendlc's TCR client on the partner's side and for CNP migration, against the simulator over
//! real HTTP: campaigns another CSP shares with the operator's account are listed, read with
//! their carrier status, accepted (shared further upstream) or declined; migration settings are
//! read and changed, and a migration that TCR refuses says why.
use std::time::Duration;

use secrecy::SecretString;
use tendlc_adapters::tcr_client::{TcrClientConfig, TcrHttpClient};
use tendlc_domain::ids::TcrCampaignId;
use tendlc_domain::tcr::{TcrCnpMigrationSettings, TcrPartnerDecline, TcrPort};
use tendlc_tcr_sim::testing::SimServer;

async fn client_and_sim() -> (TcrHttpClient, SimServer) {
    let sim = SimServer::start(|c| c.sharing_delay = Duration::from_millis(100)).await;
    let client = TcrHttpClient::new(TcrClientConfig {
        base_url: sim.base_url.clone(),
        api_key: SecretString::from(sim.api_key.clone()),
        api_secret: SecretString::from(sim.api_secret.clone()),
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        read_rate_per_sec: 0,
        write_rate_per_10s: 0,
    })
    .expect("building the TCR client");
    (client, sim)
}

#[tokio::test]
async fn the_client_lists_reads_accepts_and_declines_campaigns_shared_with_us() {
    let (tcr, sim) = client_and_sim().await;
    let accepted_id = sim.handle.share_with_us("S123ABC", "2FA");
    let declined_id = sim.handle.share_with_us("S456DEF", "MARKETING");

    let page = tcr
        .campaigns_shared_with_me(1)
        .await
        .result
        .expect("listing campaigns shared with us");
    let mut listed: Vec<&str> = page
        .records
        .iter()
        .map(|c| c.campaign_id.as_str())
        .collect();
    listed.sort();
    let mut wanted = vec![accepted_id.as_str(), declined_id.as_str()];
    wanted.sort();
    assert_eq!(listed, wanted, "both shared campaigns should be listed");
    assert_eq!(page.total_records, 2);

    let id = TcrCampaignId::parse(&accepted_id).expect("a TCR campaign id");
    let campaign = tcr.partner_campaign(&id).await.result.expect("reading it");
    assert_eq!(campaign.usecase.as_deref(), Some("2FA"));
    let status = tcr
        .partner_campaign_operation_status(&id)
        .await
        .result
        .expect("its carrier status");
    assert_eq!(
        status.get("10017").map(|s| s.to_string()).as_deref(),
        Some("REGISTERED"),
        "AT&T's status: {status:?}"
    );
    let terms = tcr
        .partner_campaign_mno_metadata(&id)
        .await
        .result
        .expect("its carrier terms");
    assert!(terms.contains_key("10035"), "T-Mobile's terms: {terms:?}");

    let share = tcr
        .reshare_partner_campaign(&id, "TWILO")
        .await
        .result
        .expect("accepting by sharing upstream");
    assert_eq!(share.sharing_status, "PENDING");
    let chain = tcr
        .partner_campaign_sharing(&id)
        .await
        .result
        .expect("the sharing chain");
    assert_eq!(
        chain.shared_with_me.map(|s| s.sharing_status).as_deref(),
        Some("ACCEPTED"),
        "re-sharing accepts the downstream share"
    );

    let declined = TcrCampaignId::parse(&declined_id).expect("a TCR campaign id");
    let refused = tcr
        .decline_partner_campaign(
            &declined,
            &TcrPartnerDecline {
                explanation: "no".into(),
                rejection_categories: vec!["NOT_A_CATEGORY".into()],
            },
        )
        .await
        .result
        .expect_err("an unknown category must be refused");
    assert!(
        refused.tcr_errors().iter().any(|e| e.code == 501),
        "expected TCR error 501: {refused}"
    );
    let answer = tcr
        .decline_partner_campaign(
            &declined,
            &TcrPartnerDecline {
                explanation: "Samples lack opt-out language".into(),
                rejection_categories: vec!["SAMPLE_MESSAGE".into(), "OTHER".into()],
            },
        )
        .await
        .result
        .expect("declining");
    assert_eq!(
        (
            answer.sharing_status.as_str(),
            answer.explanation.as_deref()
        ),
        ("DECLINED", Some("Samples lack opt-out language"))
    );
}

#[tokio::test]
async fn the_client_reads_and_changes_migration_settings_and_hears_a_refused_migration() {
    let (tcr, sim) = client_and_sim().await;
    let settings = tcr
        .cnp_migration_settings()
        .await
        .result
        .expect("reading the settings");
    assert_eq!(settings.migration_supported, Some(false));
    let changed = tcr
        .update_cnp_migration_settings(&TcrCnpMigrationSettings {
            migration_supported: Some(true),
            migration_auto_complete: None,
        })
        .await
        .result
        .expect("turning migration on");
    assert_eq!(
        (changed.migration_supported, changed.migration_auto_complete),
        (Some(true), Some(false))
    );
    // A campaign that does not exist cannot migrate: TCR's 502 reaches the caller.
    let unknown = TcrCampaignId::parse("CNOPE00").expect("a TCR campaign id");
    let refused = tcr
        .start_cnp_migration(&unknown, "BANDW")
        .await
        .result
        .expect_err("migrating an unknown campaign");
    assert!(
        refused.tcr_errors().iter().any(|e| e.code == 502),
        "expected TCR error 502: {refused}"
    );
    let none = tcr.cnp_migration(&unknown).await.result;
    assert!(none.is_err(), "no migration to read: {none:?}");
    drop(sim);
}
