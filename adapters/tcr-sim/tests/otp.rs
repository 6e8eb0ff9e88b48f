//! Sole proprietors' SMS OTP: the mock PIN sent by webhook, a real brand's random PIN, and who
//! may ask for one (`shared/tcr-api.md` §3).
mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::*;
use tendlc_tcr_sim::MOCK_PIN;

#[tokio::test]
async fn a_mock_sole_proprietor_gets_pin_123456_by_webhook_and_becomes_verified() {
    let (sim, hooks) = sim_with_hooks().await;
    let brand_id = text(
        &sim.create(&brand_request("SOLE_PROPRIETOR")).await,
        "brandId",
    )
    .to_owned();
    scored(&hooks, &brand_id).await;
    let campaign = with(
        campaign_request(&brand_id),
        "usecase",
        json!("SOLE_PROPRIETOR"),
    );
    let errors = assert_errors(
        &sim.post_campaign(&campaign).await,
        "ApiError",
        "a campaign before OTP",
    );
    assert_refused(
        &errors,
        509,
        "brandId",
        "a sole proprietor campaign before OTP",
    );

    let path = format!("/brand/{brand_id}/smsOtp");
    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&json!({"pinSms": "Your code"})),
    )
    .await;
    assert_refused(&errors, 501, "pinSms", "pinSms without @OTP_PIN@");
    let sent = sim
        .json_answer(
            Method::POST,
            &path,
            Some(&json!({"pinSms": "Your Acme code is @OTP_PIN@", "successSms": "Verified!"})),
            &component("SendSmsOtpResponse"),
        )
        .await;
    assert_eq!(sent["brandId"], brand_id.as_str());
    let reference = text(&sent, "referenceId").to_owned();
    assert!(reference.starts_with("OTP"), "{reference}");
    let mock_otp = hooks
        .event("BRAND_MOCK_OTP", &json!({"brandId": brand_id}))
        .await;
    assert_eq!(
        mock_otp["otpPin"], MOCK_PIN,
        "a mock brand's PIN is always 123456"
    );
    assert_eq!(mock_otp["otpPin"], "123456");
    assert_eq!(sim.handle.otp_pin(&brand_id).as_deref(), Some("123456"));

    let errors = refused(&sim, Method::PUT, &path, Some(&json!({"otpPin": "000000"}))).await;
    assert_refused(&errors, 552, "otpPin", "a wrong PIN");
    let answer = sim
        .call(Method::PUT, &path, Some(&json!({"otpPin": "123456"})))
        .await;
    answer.expect(StatusCode::NO_CONTENT, "the right PIN");
    hooks
        .event("BRAND_OTP_VERIFIED", &json!({"brandId": brand_id}))
        .await;
    hooks
        .event(
            "BRAND_IDENTITY_STATUS_UPDATE",
            &json!({"brandId": brand_id, "brandIdentityStatus": "VERIFIED"}),
        )
        .await;
    let brand = sim.get_brand(&brand_id).await;
    assert_eq!(brand["identityStatus"], "VERIFIED");
    assert!(brand.get("mobilePhoneVerifiedDate").is_some(), "{brand:#}");
    let status = sim
        .json_answer(
            Method::GET,
            &format!("/brand/smsOtp/{reference}"),
            None,
            &component("SmsOtpStatus"),
        )
        .await;
    assert!(status.get("verifyDate").is_some(), "{status:#}");
    assert_eq!(status["mobilePhone"], "+12025550144");

    let errors = refused(
        &sim,
        Method::POST,
        &path,
        Some(&json!({"pinSms": "@OTP_PIN@"})),
    )
    .await;
    assert_refused(&errors, 506, "brandId", "an OTP for a VERIFIED brand");

    sim.create_campaign(&campaign).await;
    let second = with(
        with(
            campaign_request(&brand_id),
            "usecase",
            json!("SOLE_PROPRIETOR"),
        ),
        "referenceId",
        json!("second"),
    );
    let errors = assert_errors(
        &sim.post_campaign(&second).await,
        "ApiError",
        "a second SP campaign",
    );
    assert_refused(&errors, 511, "brandId", "a second sole proprietor campaign");
}

#[tokio::test]
async fn otp_is_for_sole_proprietors_and_a_real_one_gets_a_random_pin() {
    let (sim, hooks) = sim_with_hooks().await;
    let company = sim.verified_brand(&brand_request("PRIVATE_PROFIT")).await;
    let errors = refused(
        &sim,
        Method::POST,
        &format!("/brand/{company}/smsOtp"),
        Some(&json!({"pinSms": "@OTP_PIN@"})),
    )
    .await;
    assert_code(&errors, 592, "an OTP for a company");

    let real = with(brand_request("SOLE_PROPRIETOR"), "mock", json!(false));
    let brand_id = text(&sim.create(&real).await, "brandId").to_owned();
    let path = format!("/brand/{brand_id}/smsOtp");
    let errors = refused(&sim, Method::PUT, &path, Some(&json!({"otpPin": "123456"}))).await;
    assert_refused(&errors, 552, "otpPin", "a PIN before any was sent");
    let sent = sim
        .json_answer(
            Method::POST,
            &path,
            Some(&json!({"pinSms": "Reply YES to confirm: @OTP_YES@"})),
            &component("SendSmsOtpResponse"),
        )
        .await;
    let pin = sim.handle.otp_pin(&brand_id).expect("a PIN was sent");
    assert!(
        pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()),
        "{pin}"
    );
    let status = sim
        .json_answer(
            Method::GET,
            &format!("/brand/smsOtp/{}", text(&sent, "referenceId")),
            None,
            &component("SmsOtpStatus"),
        )
        .await;
    assert_eq!(status["deliveryStatus"], "DELIVERED_HANDSET");
    assert!(status.get("verifyDate").is_none());
    sim.call(Method::PUT, &path, Some(&json!({"otpPin": pin})))
        .await
        .expect(StatusCode::NO_CONTENT, "the PIN the handset got");
    assert!(
        hooks
            .events("BRAND_MOCK_OTP", &json!({"brandId": brand_id}))
            .is_empty(),
        "a real brand's PIN goes by SMS, not webhook"
    );
}
