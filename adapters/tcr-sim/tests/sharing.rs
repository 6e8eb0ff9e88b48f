//! Sharing a campaign with an upstream partner (CNP): PENDING, then ACCEPTED by the DCA or
//! DECLINED with a reason (`shared/tcr-api.md` §4).
mod support;

use reqwest::Method;
use serde_json::json;
use support::*;

#[tokio::test]
async fn a_shared_campaign_is_pending_then_accepted_by_the_dca() {
    let (sim, hooks) = sim_with_hooks().await;
    let campaign_id = shareable_campaign(
        &sim,
        "Weekly offers from Acme Widgets for signed-up customers.",
    )
    .await;
    let path = format!("/campaign/{campaign_id}/sharing/TWILO");
    let shared = sim
        .json_answer(
            Method::PUT,
            &path,
            None,
            &component("CampaignSharingStatus"),
        )
        .await;
    assert_eq!(
        (
            &shared["sharingStatus"],
            &shared["upstreamCnpId"],
            &shared["downstreamCnpId"]
        ),
        (&json!("PENDING"), &json!("TWILO"), &json!(sim.csp_id)),
        "{shared:#}"
    );
    let errors = refused(&sim, Method::PUT, &path, None).await;
    assert_refused(&errors, 592, "upstreamCnpId", "resharing while PENDING");

    let chain_path = format!("/campaign/{campaign_id}/sharing");
    let chain = sim
        .poll(&chain_path, &component("CampaignSharingChain"), |c| {
            c["sharedByMe"]["sharingStatus"] == "ACCEPTED"
        })
        .await;
    assert!(
        chain.get("sharedWithMe").is_none(),
        "nobody shares with a CSP: {chain:#}"
    );
    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/BANDW"),
        None,
    )
    .await;
    assert_refused(&errors, 592, "upstreamCnpId", "sharing again once ACCEPTED");

    hooks
        .event(
            "CAMPAIGN_SHARE_ADD",
            &json!({"campaignId": campaign_id, "cnpId": "TWILO"}),
        )
        .await;
    let accepted = hooks
        .event("CAMPAIGN_SHARE_ACCEPT", &json!({"campaignId": campaign_id}))
        .await;
    assert_eq!(
        accepted["description"],
        format!("Twilio accepted campaign {campaign_id}")
    );
    hooks
        .event("CAMPAIGN_DCA_COMPLETE", &json!({"campaignId": campaign_id}))
        .await;
    let found = sim
        .json_answer(
            Method::GET,
            "/campaign?upstreamCnpId=TWILO",
            None,
            &component("RecordSetCampaign_CSP"),
        )
        .await;
    assert_eq!(found["totalRecords"], 1, "{found:#}");

    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/NOPE"),
        None,
    )
    .await;
    assert_refused(&errors, 502, "upstreamCnpId", "an unknown partner");
    let mock_brand = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let mock_campaign = campaign_with(
        &sim,
        &mock_brand,
        "Weekly offers from Acme Widgets for signed-up customers.",
    )
    .await;
    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{mock_campaign}/sharing/TWILO"),
        None,
    )
    .await;
    assert_refused(&errors, 536, "campaignId", "sharing a mock campaign");
}

#[tokio::test]
async fn a_declined_share_explains_why_and_another_partner_can_be_asked() {
    let (sim, hooks) = sim_with_hooks().await;
    let campaign_id = shareable_campaign(
        &sim,
        "Weekly offers from Acme Widgets for signed-up customers. [sim:share-decline]",
    )
    .await;
    share(&sim, &campaign_id, "SINCH").await;
    let chain = sim
        .poll(
            &format!("/campaign/{campaign_id}/sharing"),
            &component("CampaignSharingChain"),
            |c| c["sharedByMe"]["sharingStatus"] == "DECLINED",
        )
        .await;
    let explanation = "CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES: The campaign description and attributes do not match the declared use case.";
    assert_eq!(chain["sharedByMe"]["explanation"], explanation, "{chain:#}");
    let declined = hooks
        .event("CAMPAIGN_SHARE_DELETE", &json!({"campaignId": campaign_id}))
        .await;
    assert_eq!(
        declined["description"],
        format!("Sinch declined campaign {campaign_id}: {explanation}")
    );

    let errors = refused(
        &sim,
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/SINCH"),
        None,
    )
    .await;
    assert_refused(
        &errors,
        522,
        "upstreamCnpId",
        "asking the partner that declined",
    );
    sim.json_answer(
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/BANDW"),
        None,
        &component("CampaignSharingStatus"),
    )
    .await;
}
