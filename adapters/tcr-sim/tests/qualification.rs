//! Campaign qualification (`GET /campaignBuilder/brand/{brandId}[/usecase/{usecase}]`): fees
//! and each carrier's terms following the brand and its best vetting score, and the brands that
//! do not qualify (`shared/tcr-api.md` §7–§8).
mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::*;

#[tokio::test]
async fn qualification_follows_the_brand_and_its_best_vetting_score() {
    let (sim, _hooks) = sim_with_hooks().await;
    let name = "Acme [sim:vet-score-90]";
    let brand_id = sim
        .verified_brand(&with(
            brand_request("PRIVATE_PROFIT"),
            "displayName",
            json!(name),
        ))
        .await;

    let marketing = qualification(&sim, &brand_id, "MARKETING").await;
    assert_eq!(
        (
            &marketing["monthlyFee"],
            &marketing["quarterlyFee"],
            &marketing["annualFee"]
        ),
        (&json!(10), &json!(30), &json!(120)),
        "MARKETING costs $10 a month, 3x a quarter, 12x a year: {marketing:#}"
    );
    let metadata = &marketing["mnoMetadata"];
    let ids: Vec<&String> = metadata.as_object().expect("a map").keys().collect();
    assert_eq!(ids.len(), 6, "all six carriers answer: {metadata:#}");
    let att = &metadata["10017"];
    assert_eq!(
        (&att["mno"], &att["msgClass"], &att["tpm"], &att["tpmScope"]),
        (&json!("AT&T"), &json!("T"), &json!(75), &json!("CAMPAIGN")),
        "an unvetted verified brand gets AT&T class T at 75 TPM: {att:#}"
    );
    assert_eq!(
        att["minMsgSamples"], 2,
        "AT&T wants two samples for MARKETING"
    );
    let t_mobile = &metadata["10035"];
    assert_eq!(
        (&t_mobile["brandTier"], &t_mobile["brandDailyCap"]),
        (&json!("LOW"), &json!(2000)),
        "an unvetted verified brand is T-Mobile LOW at 2000 a day: {t_mobile:#}"
    );
    assert_eq!(metadata["10038"]["mno"], "Verizon Wireless");
    assert_eq!(metadata["10038"]["minMsgSamples"], 1);

    let low_volume = qualification(&sim, &brand_id, "LOW_VOLUME").await;
    assert_eq!(
        low_volume["monthlyFee"],
        json!(1.5),
        "Low Volume Mixed is $1.50"
    );
    assert_eq!(
        (&low_volume["minSubUsecases"], &low_volume["maxSubUsecases"]),
        (&json!(1), &json!(5))
    );

    // An imported Aegis vet; the brand's name gives it score 90.
    let import = json!({"evpId": "AEGIS", "vettingId": "aegis-123", "vettingToken": "cert-ok"});
    let vetting = sim
        .json_answer(
            Method::PUT,
            &format!("/brand/{brand_id}/externalVetting"),
            Some(&import),
            &component("ExternalVetting"),
        )
        .await;
    assert_eq!(vetting["vettingScore"], 90, "{vetting:#}");
    let vetted = qualification(&sim, &brand_id, "MARKETING").await;
    let (att, t_mobile) = (
        &vetted["mnoMetadata"]["10017"],
        &vetted["mnoMetadata"]["10035"],
    );
    assert_eq!(
        (&att["msgClass"], &att["tpm"]),
        (&json!("A"), &json!(4500)),
        "score 75+ gets AT&T class A at 4500 TPM: {att:#}"
    );
    assert_eq!(
        (&t_mobile["brandTier"], &t_mobile["brandDailyCap"]),
        (&json!("TOP"), &json!(200000)),
        "score 75+ is T-Mobile TOP: {t_mobile:#}"
    );
    assert_eq!(
        vetted["mnoMetadata"]["10017"]["msgClass"], "A",
        "dedicated use cases get class A"
    );
    let mixed = qualification(&sim, &brand_id, "MIXED").await;
    assert_eq!(
        mixed["mnoMetadata"]["10017"]["msgClass"], "B",
        "mixed use cases get class B"
    );

    let all = sim
        .json_answer(
            Method::GET,
            &format!("/campaignBuilder/brand/{brand_id}"),
            None,
            &json!({"type": "array", "items": component("UsecaseMetadata")}),
        )
        .await;
    let codes: Vec<&str> = all
        .as_array()
        .expect("an array")
        .iter()
        .map(|u| text(u, "usecase"))
        .collect();
    assert!(
        codes.contains(&"MARKETING") && !codes.contains(&"SOLE_PROPRIETOR"),
        "a company qualifies for MARKETING, not SOLE_PROPRIETOR: {codes:?}"
    );
}

#[tokio::test]
async fn qualification_is_refused_while_scoring_and_for_brands_that_do_not_qualify() {
    let (sim, hooks) = sim_with_hooks().await;
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path("BNOPE00", "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 502, "brandId", "an unknown brand");

    let scoring = text(
        &sim.create(&brand_request("PRIVATE_PROFIT")).await,
        "brandId",
    )
    .to_owned();
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&scoring, "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 527, "brandId", "a brand still being scored");
    let errors = refused(
        &sim,
        Method::GET,
        &format!("/campaignBuilder/brand/{scoring}"),
        None,
    )
    .await;
    assert_refused(&errors, 527, "brandId", "all use cases while scoring");
    sim.wait_for_identity(&scoring, "VERIFIED").await;
    qualification(&sim, &scoring, "2FA").await;

    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&scoring, "TELEPATHY"),
        None,
    )
    .await;
    assert_refused(&errors, 501, "usecase", "an unknown use case");
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&scoring, "SOLE_PROPRIETOR"),
        None,
    )
    .await;
    assert_refused(&errors, 509, "usecase", "SOLE_PROPRIETOR for a company");

    let unverified = brand_named(&sim, "PRIVATE_PROFIT", "Acme [sim:unverified]").await;
    scored(&hooks, &unverified).await;
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&unverified, "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 509, "brandId", "an UNVERIFIED brand");

    let sole = text(
        &sim.create(&brand_request("SOLE_PROPRIETOR")).await,
        "brandId",
    )
    .to_owned();
    scored(&hooks, &sole).await;
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&sole, "MARKETING"),
        None,
    )
    .await;
    assert_refused(&errors, 509, "usecase", "MARKETING for a sole proprietor");
    let sp = qualification(&sim, &sole, "SOLE_PROPRIETOR").await;
    assert_eq!(
        sp["monthlyFee"], 2,
        "a sole proprietor campaign is $2 a month"
    );
    assert_eq!(sp["mnoMetadata"]["10017"]["msgClass"], "S");

    let self_declared = brand_named(&sim, "NON_PROFIT", "Acme [sim:self-declared]").await;
    scored(&hooks, &self_declared).await;
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&self_declared, "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 509, "brandId", "a SELF_DECLARED company");

    sim.call(Method::DELETE, &format!("/brand/{scoring}"), None)
        .await
        .expect(StatusCode::NO_CONTENT, "deleting a brand without campaigns");
    let errors = refused(
        &sim,
        Method::GET,
        &qualification_path(&scoring, "2FA"),
        None,
    )
    .await;
    assert_refused(&errors, 502, "brandId", "a deleted brand");
}
