//! Sole-proprietor OTP (`POST`/`PUT /brand/{brandId}/smsOtp`, `GET /brand/smsOtp/{referenceId}`):
//! TCR texts a PIN to the brand's `mobilePhone`; the CSP sends it back and the brand becomes
//! `VERIFIED`. For a mock brand no text goes out: the PIN arrives in a `BRAND_MOCK_OTP` webhook,
//! and in the simulator it is always [`MOCK_PIN`].
use std::time::{Duration, Instant};

use axum::{
    body::Bytes,
    extract::{Path, State},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use rand::Rng;
use serde_json::{json, Value};

use super::body::{Body, Problems};
use super::errors::{no_content, ApiError, Rejection};
use super::events;
use super::state::{emit_all, now_text, random_id, BrandRecord, IdentityStatus, SharedSim};

/// The PIN every mock brand gets, so tests can type it without reading the webhook.
pub const MOCK_PIN: &str = "123456";

/// TCR's PINs are valid for 24 hours.
const PIN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Wrong PINs tolerated per OTP before error 557.
const MAX_WRONG_PINS: u32 = 5;

const MACROS: [&str; 2] = ["@OTP_PIN@", "@OTP_YES@"];

/// The latest OTP sent to a sole proprietor.
#[derive(Debug, Clone)]
pub(super) struct Otp {
    pub reference_id: String,
    pub pin: String,
    mobile_phone: String,
    request_date: String,
    sent_at: Instant,
    mock: bool,
    wrong_pins: u32,
    pub verify_date: Option<String>,
}

impl Otp {
    /// `SmsOtpStatus`. A mock brand's PIN goes by webhook, so it has no SMS delivery status.
    fn to_json(&self, brand_id: &str) -> Value {
        let mut status = json!({
            "brandId": brand_id,
            "referenceId": self.reference_id,
            "mobilePhone": self.mobile_phone,
            "requestDate": self.request_date,
        });
        if !self.mock {
            status["deliveryStatus"] = json!("DELIVERED_HANDSET");
            status["deliveryStatusDate"] = json!(self.request_date);
            status["deliveryStatusDetails"] = json!("Delivered to handset");
        }
        if let Some(verified) = &self.verify_date {
            status["verifyDate"] = json!(verified);
        }
        status
    }
}

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/brand/{brand_id}/smsOtp", post(send).put(verify))
        .route("/v2/brand/smsOtp/{reference_id}", get(status))
}

/// The sole proprietor behind `brand_id`, not yet verified: 502, 592 for other entity types,
/// 506 once VERIFIED.
fn unverified_sole_proprietor(
    brand: Option<&mut BrandRecord>,
) -> Result<&mut BrandRecord, ApiError> {
    let brand = brand
        .filter(|b| !b.deleted)
        .ok_or_else(|| ApiError::not_found("brandId"))?;
    if !brand.fields.is_sole_proprietor() {
        return Err(ApiError::new(
            592,
            "Operation declined. SMS OTP using this endpoint is only available for Sole Proprietor entity types",
            &["entityType"],
        ));
    }
    if matches!(
        brand.identity_status,
        IdentityStatus::Verified | IdentityStatus::VettedVerified
    ) {
        return Err(ApiError::simulated(506));
    }
    Ok(brand)
}

async fn send(State(sim): State<SharedSim>, Path(brand_id): Path<String>, body: Bytes) -> Response {
    match send_pin(&sim, &brand_id, &body) {
        Ok(answer) => Json(answer).into_response(),
        Err(rejection) => rejection.into_response(),
    }
}

/// Sends a new PIN (replacing an earlier one): `{brandId, referenceId}`, plus `BRAND_MOCK_OTP`
/// with `otpPin` for a mock brand.
fn send_pin(sim: &SharedSim, brand_id: &str, bytes: &[u8]) -> Result<Value, Rejection> {
    let body = Body::parse(bytes)?;
    let mut problems = Problems::default();
    let pin_sms = problems.take(body.required_text("pinSms").map(Some));
    problems.take(body.text("successSms"));
    if pin_sms.is_some_and(|sms| !MACROS.iter().any(|m| sms.contains(m))) {
        problems.push(ApiError::invalid(
            "pinSms",
            "pinSms must contain @OTP_PIN@ or @OTP_YES@",
        ));
    }
    problems.into_result()?;

    let mut registry = sim.registry();
    let brand = unverified_sole_proprietor(registry.get_mut(brand_id))?;
    let Some(mobile_phone) = brand.fields.get("mobilePhone").map(str::to_owned) else {
        return Err(ApiError::invalid(
            "mobilePhone",
            "The brand has no mobilePhone to send the OTP to",
        )
        .into());
    };
    let mock = brand.fields.mock;
    let pin = if mock {
        MOCK_PIN.to_owned()
    } else {
        format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
    };
    let otp = Otp {
        reference_id: random_id("OTP", 7),
        pin,
        mobile_phone,
        request_date: now_text(),
        sent_at: Instant::now(),
        mock,
        wrong_pins: 0,
        verify_date: None,
    };
    let answer = json!({"brandId": brand_id, "referenceId": otp.reference_id});
    let event = mock.then(|| {
        let mut event = events::brand_event(sim, "BRAND_MOCK_OTP", brand);
        event["otpPin"] = json!(otp.pin);
        event
    });
    brand.otp = Some(otp);
    drop(registry);
    tracing::info!(brand_id, mock, "sole proprietor OTP sent");
    emit_all(sim, event);
    Ok(answer)
}

async fn verify(
    State(sim): State<SharedSim>,
    Path(brand_id): Path<String>,
    body: Bytes,
) -> Response {
    no_content(verify_pin(&sim, &brand_id, &body))
}

/// Checks the PIN: `204`, the brand `VERIFIED`, `BRAND_OTP_VERIFIED` then
/// `BRAND_IDENTITY_STATUS_UPDATE`. Unknown, wrong or stale PINs are 552; after
/// [`MAX_WRONG_PINS`] wrong ones, 557.
fn verify_pin(sim: &SharedSim, brand_id: &str, bytes: &[u8]) -> Result<(), Rejection> {
    let body = Body::parse(bytes)?;
    let pin = body.required_text("otpPin")?.to_owned();
    let mut registry = sim.registry();
    let brand = unverified_sole_proprietor(registry.get_mut(brand_id))?;
    let Some(otp) = brand
        .otp
        .as_mut()
        .filter(|otp| otp.sent_at.elapsed() < PIN_LIFETIME)
    else {
        return Err(ApiError::simulated(552).into());
    };
    if otp.wrong_pins >= MAX_WRONG_PINS {
        return Err(ApiError::simulated(557).into());
    }
    if otp.pin != pin {
        otp.wrong_pins += 1;
        return Err(ApiError::simulated(552).into());
    }
    otp.verify_date = Some(now_text());
    brand.override_identity(IdentityStatus::Verified);
    let events = [
        events::brand_event(sim, "BRAND_OTP_VERIFIED", brand),
        events::brand_event(sim, "BRAND_IDENTITY_STATUS_UPDATE", brand),
    ];
    drop(registry);
    tracing::info!(brand_id, "sole proprietor verified by OTP");
    emit_all(sim, events);
    Ok(())
}

/// `SmsOtpStatus` of the OTP with this reference (only the brand's latest is kept).
async fn status(State(sim): State<SharedSim>, Path(reference_id): Path<String>) -> Response {
    let registry = sim.registry();
    let found = registry.iter().find_map(|brand| {
        brand
            .otp
            .as_ref()
            .filter(|otp| otp.reference_id == reference_id)
            .map(|otp| otp.to_json(&brand.brand_id))
    });
    match found {
        Some(status) => Json(status).into_response(),
        None => Rejection::from(ApiError::not_found("referenceId")).into_response(),
    }
}
