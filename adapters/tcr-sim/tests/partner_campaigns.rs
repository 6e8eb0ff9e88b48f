//! The upstream partner's side (`/partnerCampaign/...`) and CNP migration
//! (`/campaign/{id}/migrateCnp`, `/settings/cnpMigration`), as `shared/tcr-api.md` §4.7 and TCR's
//! document describe them.
mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::*;

#[tokio::test]
async fn a_campaign_shared_with_us_is_listed_then_accepted_by_sharing_it_upstream() {
    let (sim, _hooks) = sim_with_hooks().await;
    let campaign_id = sim.handle.share_with_us("S123ABC", "2FA");

    let listed = sim
        .json_answer(
            Method::GET,
            "/partnerCampaign/sharedWithMe?sharingStatus=PENDING",
            None,
            &component("RecordSetSharedCampaign"),
        )
        .await;
    assert_eq!(
        (&listed["totalRecords"], &listed["records"][0]["campaignId"]),
        (&json!(1), &json!(campaign_id)),
        "the shared campaign should be listed PENDING: {listed:#}"
    );
    let other = sim
        .json_answer(
            Method::GET,
            "/partnerCampaign/sharedWithMe?downstreamCnpId=S999ZZZ",
            None,
            &component("RecordSetSharedCampaign"),
        )
        .await;
    assert_eq!(
        other["totalRecords"], 0,
        "filter by downstream CSP: {other:#}"
    );

    let details = sim
        .json_answer(
            Method::GET,
            &format!("/partnerCampaign/{campaign_id}"),
            None,
            &component("SharedCampaign_CSP"),
        )
        .await;
    assert_eq!(details["usecase"], "2FA", "{details:#}");
    assert!(details["brand"]["brandId"].is_string(), "{details:#}");
    let status = sim
        .get(&format!("/partnerCampaign/{campaign_id}/operationStatus"))
        .await
        .expect(StatusCode::OK, "operation status")
        .json("operation status");
    assert_eq!(status["10017"], "REGISTERED", "{status:#}");
    let terms = sim
        .get(&format!("/partnerCampaign/{campaign_id}/mnoMetadata"))
        .await
        .expect(StatusCode::OK, "mno metadata")
        .json("mno metadata");
    assert_eq!(terms["10035"]["mno"], "T-Mobile", "{terms:#}");

    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/partnerCampaign/{campaign_id}/sharing/NOPE1"),
        None,
    )
    .await;
    assert_refused(&errors, 502, "upstreamCnpId", "an unknown partner");
    let share = sim
        .json_answer(
            Method::PUT,
            &format!("/partnerCampaign/{campaign_id}/sharing/TWILO"),
            None,
            &component("CampaignSharingStatus"),
        )
        .await;
    assert_eq!(
        (&share["sharingStatus"], &share["downstreamCnpId"]),
        (&json!("PENDING"), &json!(sim.csp_id)),
        "{share:#}"
    );
    let chain = sim
        .poll(
            &format!("/partnerCampaign/{campaign_id}/sharing"),
            &component("CampaignSharingChain"),
            |c| c["sharedByMe"]["sharingStatus"] == "ACCEPTED",
        )
        .await;
    assert_eq!(
        (
            &chain["sharedWithMe"]["sharingStatus"],
            &chain["sharedWithMe"]["downstreamCnpId"],
            &chain["sharedWithMe"]["upstreamCnpId"]
        ),
        (&json!("ACCEPTED"), &json!("S123ABC"), &json!(sim.csp_id)),
        "re-sharing accepts the downstream share: {chain:#}"
    );
    let errors = refused(
        &sim,
        Method::DELETE,
        &format!("/partnerCampaign/{campaign_id}/sharing?explanation=late&rejectionCategory=OTHER"),
        None,
    )
    .await;
    assert_refused(&errors, 592, "campaignId", "declining an accepted share");
}

#[tokio::test]
async fn a_campaign_shared_with_us_can_be_declined_with_categories() {
    let sim = spawn_sim(|_| {}).await;
    let campaign_id = sim.handle.share_with_us("S123ABC", "MARKETING");
    let path = format!("/partnerCampaign/{campaign_id}/sharing");
    let errors = refused(
        &sim,
        Method::DELETE,
        &format!("{path}?explanation=no&rejectionCategory=NOT_A_CATEGORY"),
        None,
    )
    .await;
    assert_refused(&errors, 501, "rejectionCategory", "an unknown category");
    let errors = refused(
        &sim,
        Method::DELETE,
        &format!("{path}?explanation=no"),
        None,
    )
    .await;
    assert_refused(&errors, 501, "rejectionCategory", "no category");

    let declined = sim
        .json_answer(
            Method::DELETE,
            &format!(
                "{path}?explanation=Sample%20lacks%20opt-out&rejectionCategory=SAMPLE_MESSAGE"
            ),
            None,
            &component("CampaignSharingStatus"),
        )
        .await;
    assert_eq!(
        (&declined["sharingStatus"], &declined["explanation"]),
        (&json!("DECLINED"), &json!("Sample lacks opt-out")),
        "{declined:#}"
    );
    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/partnerCampaign/{campaign_id}/sharing/TWILO"),
        None,
    )
    .await;
    assert_refused(&errors, 592, "campaignId", "re-sharing a declined campaign");
    let errors = refused(&sim, Method::GET, "/partnerCampaign/CNOPE00", None).await;
    assert_refused(&errors, 502, "campaignId", "an unknown partner campaign");
}

/// The campaign's latest CNP migration, as `GET /campaign/{id}/migrateCnp` answers it.
async fn migration_of(sim: &TestSim, campaign_id: &str) -> serde_json::Value {
    sim.json_answer(
        Method::GET,
        &format!("/campaign/{campaign_id}/migrateCnp"),
        None,
        &component("CnpMigration"),
    )
    .await
}

#[tokio::test]
async fn a_shared_campaign_migrates_to_another_partner_once_migration_is_enabled() {
    let (sim, _hooks) = sim_with_hooks().await;
    let campaign_id = shareable_campaign(
        &sim,
        "Weekly offers from Acme Widgets for signed-up customers.",
    )
    .await;
    share(&sim, &campaign_id, "TWILO").await;
    sim.poll(
        &format!("/campaign/{campaign_id}/sharing"),
        &component("CampaignSharingChain"),
        |c| c["sharedByMe"]["sharingStatus"] == "ACCEPTED",
    )
    .await;

    let start = format!("/campaign/{campaign_id}/migrateCnp/BANDW");
    let errors = refused(&sim, Method::POST, &start, None).await;
    assert!(
        errors.iter().any(|e| e["code"] == 592),
        "migration before enabling it should be 592: {errors:#?}"
    );
    let settings = sim
        .json_answer(
            Method::PUT,
            "/settings/cnpMigration",
            Some(&json!({"migrationSupported": true})),
            &component("CnpMigrationSettings"),
        )
        .await;
    assert_eq!(
        settings,
        json!({"migrationSupported": true, "migrationAutoComplete": false})
    );
    let errors = refused(
        &sim,
        Method::POST,
        &format!("/campaign/{campaign_id}/migrateCnp/TWILO"),
        None,
    )
    .await;
    assert_refused(
        &errors,
        592,
        "upstreamCnpId",
        "migrating to the current partner",
    );

    sim.call(Method::POST, &start, None)
        .await
        .expect(StatusCode::NO_CONTENT, "starting the migration");
    let migration = migration_of(&sim, &campaign_id).await;
    assert_eq!(migration["status"], "ACTIVE", "{migration:#}");
    sim.call(
        Method::DELETE,
        &format!("/campaign/{campaign_id}/migrateCnp?explanation=changed%20our%20mind"),
        None,
    )
    .await
    .expect(StatusCode::NO_CONTENT, "cancelling the migration");
    let cancelled = migration_of(&sim, &campaign_id).await;
    assert_eq!(
        (&cancelled["status"], &cancelled["cancellationReason"]),
        (&json!("CANCELLED"), &json!("changed our mind")),
        "{cancelled:#}"
    );
    let chain = sim
        .get(&format!("/campaign/{campaign_id}/sharing"))
        .await
        .json("sharing chain");
    assert_eq!(
        chain["sharedByMe"]["upstreamCnpId"], "TWILO",
        "a cancelled migration leaves the campaign with its partner: {chain:#}"
    );

    sim.call(Method::POST, &start, None)
        .await
        .expect(StatusCode::NO_CONTENT, "starting the migration again");
    let done = sim
        .poll(
            &format!("/campaign/{campaign_id}/migrateCnp"),
            &component("CnpMigration"),
            |m| m["status"] == "COMPLETED",
        )
        .await;
    assert_eq!(done["status"], "COMPLETED");
    let chain = sim
        .get(&format!("/campaign/{campaign_id}/sharing"))
        .await
        .json("sharing chain");
    assert_eq!(
        (
            &chain["sharedByMe"]["upstreamCnpId"],
            &chain["sharedByMe"]["cnpMigration"]
        ),
        (&json!("BANDW"), &json!(true)),
        "a completed migration moves the campaign to the new partner: {chain:#}"
    );
    let by_me = sim
        .json_answer(
            Method::GET,
            "/partnerCampaign/sharedByMe?upstreamCnpId=BANDW",
            None,
            &component("RecordSetSharedCampaign"),
        )
        .await;
    assert_eq!(by_me["totalRecords"], 1, "{by_me:#}");
    sim.call(
        Method::DELETE,
        &format!("/campaign/{campaign_id}/migrateCnp"),
        None,
    )
    .await
    .expect(StatusCode::BAD_REQUEST, "cancelling a completed migration");
}
