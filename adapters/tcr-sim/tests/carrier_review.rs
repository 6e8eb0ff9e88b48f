//! Each carrier's review of a campaign: REVIEW then REGISTERED with webhooks, rejections fixed by
//! an update and a resubmission, suspensions, holds and nudges, and carriers acting out of band
//! (`shared/tcr-api.md` §4–§6).
mod support;

use std::time::Instant;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::*;
use tendlc_tcr_sim::SimHandleError;

#[tokio::test]
async fn a_new_campaign_goes_to_review_on_every_carrier_then_is_registered_with_webhooks() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let request = campaign_request(&brand_id);
    let started = Instant::now();
    let created = sim.create_campaign(&request).await;
    let campaign_id = text(&created, "campaignId").to_owned();
    assert!(
        campaign_id.len() == 7
            && campaign_id.starts_with('C')
            && campaign_id[1..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
        "campaignId is C + 6 uppercase alphanumerics: {campaign_id}"
    );
    let metadata = created["mnoMetadata"].as_object().expect("a map");
    assert_eq!(
        metadata.len(),
        6,
        "submitted to all six carriers: {created:#}"
    );

    let campaign = sim.get_campaign(&campaign_id).await;
    for (name, sent) in request.as_object().expect("an object") {
        assert_eq!(
            &campaign[name], sent,
            "GET shows {name} as sent: {campaign:#}"
        );
    }
    assert_eq!(campaign["status"], "ACTIVE");
    assert_eq!(campaign["monthlyFee"], 10);
    assert_eq!(campaign["mock"], true, "the brand is a mock brand");
    assert_eq!(campaign["cspId"], sim.csp_id.as_str());
    let created_at = text(&campaign, "createDate");
    assert_eq!(campaign["billedDate"], created_at, "billed at creation");
    let year: i32 = created_at[..4].parse().unwrap();
    let month: u32 = created_at[5..7].parse().unwrap();
    let (renew_year, renew_month) = if month + 3 > 12 {
        (year + 1, month + 3 - 12)
    } else {
        (year, month + 3)
    };
    assert!(
        text(&campaign, "nextRenewalOrExpirationDate")
            .starts_with(&format!("{renew_year}-{renew_month:02}-")),
        "the first renewal is 3 months after creation: {campaign:#}"
    );
    assert!(campaign.get("expirationDate").is_none());

    let statuses = sim.operation_status(&campaign_id).await;
    for mno_id in MNO_IDS {
        assert_eq!(statuses[mno_id.to_string()], "REVIEW", "{statuses}");
    }
    sim.wait_for_operation(&campaign_id, 10901, "REGISTERED")
        .await;
    assert!(
        started.elapsed() >= REVIEW,
        "registered only after the review delay"
    );
    for mno_id in MNO_IDS {
        sim.wait_for_operation(&campaign_id, mno_id, "REGISTERED")
            .await;
    }

    for mno_id in MNO_IDS {
        hooks
            .event(
                "MNO_CAMPAIGN_OPERATION_APPROVED",
                &json!({"campaignId": campaign_id, "mnoId": mno_id}),
            )
            .await;
    }
    let types = hooks.campaign_types(&campaign_id);
    assert_eq!(
        &types[..2],
        ["CAMPAIGN_ADD", "CAMPAIGN_BILLED"],
        "{types:?}"
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "MNO_CAMPAIGN_OPERATION_REVIEW")
            .count(),
        6,
        "{types:?}"
    );
    let add = hooks
        .event("CAMPAIGN_ADD", &json!({"campaignId": campaign_id}))
        .await;
    assert_eq!(add["brandId"], brand_id.as_str());
    assert_eq!(add["campaignReferenceId"], request["referenceId"]);
    assert_eq!(add["cspId"], sim.csp_id.as_str());
    assert_eq!(add["mock"], true);
    assert!(
        text(&add, "description").contains("is provisioned in the registry"),
        "{add:#}"
    );
    let billed = hooks
        .event("CAMPAIGN_BILLED", &json!({"campaignId": campaign_id}))
        .await;
    assert!(
        text(&billed, "description").contains("30.00 USD: 3 months at 10.00 USD"),
        "{billed:#}"
    );
    let approved = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_APPROVED",
            &json!({"campaignId": campaign_id, "mnoId": 10017}),
        )
        .await;
    assert_eq!(approved["mnoName"], "AT&T");
    assert_eq!(
        approved["description"],
        format!("AT&T approved campaign {campaign_id}")
    );
}

#[tokio::test]
async fn a_rejected_carrier_gets_the_campaign_again_after_an_update_and_a_resubmission() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let clean = "Weekly offers and new arrivals from Acme Widgets for customers who signed up.";
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        &format!("{clean} [sim:mno-reject-10017-PRIVACY_POLICY] [sim:mno-reject-10035]"),
    )
    .await;
    sim.wait_for_operation(&campaign_id, 10017, "REJECTED")
        .await;
    sim.wait_for_operation(&campaign_id, 10035, "REJECTED")
        .await;
    sim.wait_for_operation(&campaign_id, 10038, "REGISTERED")
        .await;
    let rejected = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_REJECTED",
            &json!({"campaignId": campaign_id, "mnoId": 10017}),
        )
        .await;
    assert_eq!(
        rejected["description"],
        format!("AT&T rejected campaign {campaign_id}: PRIVACY_POLICY: No clear privacy policy is provided."),
        "the reason format is `<mnoName> rejected campaign <id>: <CATEGORY>: <text>`"
    );
    let default = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_REJECTED",
            &json!({"campaignId": campaign_id, "mnoId": 10035}),
        )
        .await;
    assert_eq!(
        default["description"],
        format!("T-Mobile rejected campaign {campaign_id}: SAMPLE_MESSAGE: Sample messages do not reflect the campaign description.")
    );

    sim.json_answer(
        Method::POST,
        &format!("/campaign/{campaign_id}/nudge"),
        Some(&json!({"nudgeIntent": "APPEAL_REJECTION", "description": "Privacy policy added."})),
        &json!({"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}),
    )
    .await;
    let nudged = hooks
        .event("CAMPAIGN_NUDGE", &json!({"campaignId": campaign_id}))
        .await;
    assert_eq!(nudged["nudgeIntent"], "APPEAL_REJECTION");

    let updated = sim
        .json_answer(
            Method::PUT,
            &format!("/campaign/{campaign_id}"),
            Some(&json!({"description": clean})),
            &component("Campaign_CSP_EX"),
        )
        .await;
    assert_eq!(updated["description"], clean);
    hooks
        .event("CAMPAIGN_UPDATE", &json!({"campaignId": campaign_id}))
        .await;

    let resubmitted = sim
        .json_answer(
            Method::PUT,
            &format!("/campaign/{campaign_id}/resubmit"),
            Some(&json!({"mnoIds": [10017, 10035]})),
            &component("CampaignSubmissionResponse"),
        )
        .await;
    assert_eq!(resubmitted["campaignId"], campaign_id.as_str());
    let statuses = sim.operation_status(&campaign_id).await;
    assert_eq!(
        (&statuses["10017"], &statuses["10035"], &statuses["10038"]),
        (&json!("REVIEW"), &json!("REVIEW"), &json!("REGISTERED")),
        "only the resubmitted carriers go back to REVIEW: {statuses}"
    );
    sim.wait_for_operation(&campaign_id, 10017, "REGISTERED")
        .await;
    sim.wait_for_operation(&campaign_id, 10035, "REGISTERED")
        .await;
    let resubmission = hooks
        .event("CAMPAIGN_RESUBMISSION", &json!({"campaignId": campaign_id}))
        .await;
    assert!(
        text(&resubmission, "description").contains("AT&T, T-Mobile"),
        "{resubmission:#}"
    );
}

#[tokio::test]
async fn a_suspend_marker_registers_then_suspends_and_a_carrier_can_lift_it_out_of_band() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let started = Instant::now();
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        "Weekly offers from Acme Widgets for signed-up customers. [sim:mno-suspend-10035]",
    )
    .await;
    sim.wait_for_operation(&campaign_id, 10035, "REGISTERED")
        .await;
    sim.wait_for_operation(&campaign_id, 10035, "SUSPENDED")
        .await;
    assert!(
        started.elapsed() >= 2 * REVIEW,
        "suspended one review delay after approval"
    );
    let suspended = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_SUSPENDED",
            &json!({"campaignId": campaign_id, "mnoId": 10035}),
        )
        .await;
    assert_eq!(
        suspended["description"],
        format!("T-Mobile suspended campaign {campaign_id}: SPAM: Any kind of unwanted or unsolicited messaging.")
    );
    let types = hooks.campaign_types(&campaign_id);
    let approved = types
        .iter()
        .position(|t| t == "MNO_CAMPAIGN_OPERATION_APPROVED")
        .expect("approved first");
    assert!(
        approved
            < types
                .iter()
                .position(|t| t == "MNO_CAMPAIGN_OPERATION_SUSPENDED")
                .unwrap(),
        "{types:?}"
    );

    sim.handle
        .set_operation_status(&campaign_id, 10035, "REGISTERED", None, None)
        .expect("T-Mobile lifts the suspension");
    assert_eq!(
        sim.operation_status(&campaign_id).await["10035"],
        "REGISTERED"
    );
    let lifted = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_UNSUSPENDED",
            &json!({"campaignId": campaign_id, "mnoId": 10035}),
        )
        .await;
    assert_eq!(lifted["mnoName"], "T-Mobile");

    sim.handle
        .set_operation_status(
            &campaign_id,
            10017,
            "SUSPENDED",
            Some("EXCESSIVE_COMPLAINTS"),
            Some("Too many complaints this week."),
        )
        .expect("AT&T suspends out of band");
    let by_hand = hooks
        .event(
            "MNO_CAMPAIGN_OPERATION_SUSPENDED",
            &json!({"campaignId": campaign_id, "mnoId": 10017}),
        )
        .await;
    assert_eq!(
        by_hand["description"],
        format!("AT&T suspended campaign {campaign_id}: EXCESSIVE_COMPLAINTS: Too many complaints this week.")
    );
    for (result, expected) in [
        (
            sim.handle
                .set_operation_status(&campaign_id, 10017, "PAUSED", None, None),
            SimHandleError::UnknownOperationStatus("PAUSED".into()),
        ),
        (
            sim.handle
                .set_operation_status(&campaign_id, 10017, "REJECTED", Some("SPAM"), None),
            SimHandleError::UnknownCategory("SPAM".into()),
        ),
        (
            sim.handle
                .set_operation_status("CNOPE00", 10017, "REVIEW", None, None),
            SimHandleError::UnknownCampaign("CNOPE00".into()),
        ),
    ] {
        assert_eq!(result, Err(expected));
    }
}

#[tokio::test]
async fn a_held_carrier_stays_in_review_and_nudges_must_make_sense() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let campaign_id = campaign_with(
        &sim,
        &brand_id,
        "Weekly offers from Acme Widgets for signed-up customers. [sim:mno-hold-10038]",
    )
    .await;
    for mno_id in [10017, 10035, 10037, 10631, 10901] {
        sim.wait_for_operation(&campaign_id, mno_id, "REGISTERED")
            .await;
    }
    tokio::time::sleep(REVIEW / 2).await;
    assert_eq!(
        sim.operation_status(&campaign_id).await["10038"],
        "REVIEW",
        "[sim:mno-hold-10038] keeps Verizon reviewing"
    );

    let nudge = |intent: &str, description: Value| json!({"nudgeIntent": intent, "description": description});
    let path = format!("/campaign/{campaign_id}/nudge");
    sim.call(
        Method::POST,
        &path,
        Some(&nudge("REVIEW", json!("Still waiting."))),
    )
    .await
    .expect(StatusCode::OK, "nudging a carrier in REVIEW");
    let event = hooks
        .event(
            "CAMPAIGN_NUDGE",
            &json!({"campaignId": campaign_id, "nudgeIntent": "REVIEW"}),
        )
        .await;
    assert!(
        text(&event, "description").contains("Still waiting."),
        "{event:#}"
    );

    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&nudge("APPEAL_REJECTION", Value::Null)),
    )
    .await;
    assert_refused(
        &errors,
        592,
        "nudgeIntent",
        "appealing with nothing rejected",
    );
    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&nudge("PLEASE", Value::Null)),
    )
    .await;
    assert_refused(&errors, 501, "nudgeIntent", "an unknown nudge intent");
    let errors = refused(&sim, Method::POST, &path, Some(&json!({}))).await;
    assert_refused(&errors, 501, "nudgeIntent", "a nudge without intent");
    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&nudge("REVIEW", json!("x".repeat(1025)))),
    )
    .await;
    assert_refused(&errors, 501, "description", "a nudge description over 1024");
    let errors = refused(
        &sim,
        Method::POST,
        "/campaign/CNOPE00/nudge",
        Some(&nudge("REVIEW", Value::Null)),
    )
    .await;
    assert_refused(&errors, 502, "campaignId", "nudging an unknown campaign");

    sim.handle
        .set_operation_status(&campaign_id, 10038, "REGISTERED", None, None)
        .expect("Verizon decides out of band");
    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&nudge("REVIEW", Value::Null)),
    )
    .await;
    assert_refused(
        &errors,
        592,
        "nudgeIntent",
        "nudging with nothing in REVIEW",
    );
}
