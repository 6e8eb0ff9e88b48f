//! Campaign qualification (`GET /campaignBuilder/brand/{brandId}[/usecase/{usecase}]`): what each
//! carrier lets a brand do for a use case (`UsecaseMetadata`, per-MNO `Metadata`) and what the
//! use case costs. Throughput values are illustrative (`shared/tcr-api.md` §8); the table is in
//! the module docs of [the crate](crate).
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Map, Value};

use super::enums::{self, Mno, UseCase, ATT, MNOS, T_MOBILE, USE_CASES};
use super::errors::{ApiError, Rejection};
use super::state::{BrandRecord, IdentityStatus, SharedSim};

/// How far carriers trust a brand, from its entity type and best vetting score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Band {
    SoleProprietor,
    /// Verified but not vetted, or a vetting score below 25.
    Low,
    /// Vetting score 25–49.
    LowerMid,
    /// Vetting score 50–74.
    UpperMid,
    /// Vetting score 75–100.
    Top,
}

impl Band {
    pub fn of(brand: &BrandRecord) -> Self {
        if brand.fields.is_sole_proprietor() {
            return Band::SoleProprietor;
        }
        match brand.best_vetting_score() {
            Some(75..) => Band::Top,
            Some(50..) => Band::UpperMid,
            Some(25..) => Band::LowerMid,
            _ => Band::Low,
        }
    }

    /// AT&T `(msgClass for dedicated use cases, msgClass for mixed ones, tpm, mmsTpm)` and
    /// T-Mobile `(brandTier, brandDailyCap)`.
    fn terms(self) -> ((&'static str, &'static str, u32, u32), (&'static str, u32)) {
        match self {
            Band::SoleProprietor => (("S", "S", 15, 50), ("LOW", 1_000)),
            Band::Low => (("T", "T", 75, 50), ("LOW", 2_000)),
            Band::LowerMid => (("E", "F", 240, 150), ("LOWER_MID", 10_000)),
            Band::UpperMid => (("C", "D", 2_400, 1_200), ("UPPER_MID", 40_000)),
            Band::Top => (("A", "B", 4_500, 2_400), ("TOP", 200_000)),
        }
    }
}

/// Use cases carrying several kinds of traffic: AT&T gives them its "mixed" message class.
const MIXED_USE_CASES: &[&str] = &["MIXED", "LOW_VOLUME"];

/// Use cases for which AT&T and T-Mobile want two samples and an opt-out.
const PROMOTIONAL_USE_CASES: &[&str] = &["MARKETING", "MIXED", "LOW_VOLUME"];

/// Carriers that review special use cases by hand, and that mandate opt-in and help.
const STRICT_CARRIERS: &[u64] = &[ATT, T_MOBILE];
const REVIEWING_CARRIERS: &[u64] = &[ATT, T_MOBILE, 10038];

/// One carrier's terms for one use case and brand (`Metadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Metadata {
    pub mno: &'static Mno,
    pub support: bool,
    pub review: bool,
    pub qualify: bool,
    pub min_samples: u8,
    pub req_optin: bool,
    pub req_optout: bool,
    pub req_help: bool,
    /// AT&T only: `(msgClass, tpm, mmsTpm)`.
    att: Option<(&'static str, u32, u32)>,
    /// T-Mobile only: `(brandTier, brandDailyCap)`.
    t_mobile: Option<(&'static str, u32)>,
}

impl Metadata {
    /// `mno`'s terms for `brand` on `usecase`.
    pub fn of(mno: &'static Mno, usecase: &UseCase, brand: &BrandRecord) -> Self {
        let strict = STRICT_CARRIERS.contains(&mno.network_id);
        let promotional = PROMOTIONAL_USE_CASES.contains(&usecase.code);
        let ((dedicated, mixed, tpm, mms_tpm), tier) = Band::of(brand).terms();
        let class = if MIXED_USE_CASES.contains(&usecase.code) {
            mixed
        } else {
            dedicated
        };
        Self {
            mno,
            support: true,
            review: usecase.special && REVIEWING_CARRIERS.contains(&mno.network_id),
            qualify: qualifies(usecase, brand),
            min_samples: if strict && promotional { 2 } else { 1 },
            req_optin: strict,
            req_optout: strict && promotional,
            req_help: strict,
            att: (mno.network_id == ATT).then_some((class, tpm, mms_tpm)),
            t_mobile: (mno.network_id == T_MOBILE).then_some(tier),
        }
    }

    /// Whether a campaign can run on this carrier at all.
    pub fn accepts(&self) -> bool {
        self.support && self.qualify
    }

    pub fn to_json(&self) -> Value {
        let mut metadata = json!({
            "mno": self.mno.name,
            "mnoSupport": self.support,
            "mnoReview": self.review,
            "qualify": self.qualify,
            "minMsgSamples": self.min_samples,
            "reqSubscriberOptin": self.req_optin,
            "reqSubscriberOptout": self.req_optout,
            "reqSubscriberHelp": self.req_help,
            "noEmbeddedLink": false,
            "noEmbeddedPhone": false,
        });
        if let Some((class, tpm, mms_tpm)) = self.att {
            metadata["msgClass"] = json!(class);
            metadata["tpm"] = json!(tpm);
            metadata["mmsTpm"] = json!(mms_tpm);
            metadata["tpmScope"] = json!("CAMPAIGN");
        }
        if let Some((tier, cap)) = self.t_mobile {
            metadata["brandTier"] = json!(tier);
            metadata["brandDailyCap"] = json!(cap);
        }
        metadata
    }
}

/// Use-case rules beyond identity: political campaigns need an ACTIVE political vet, platform
/// free trials a PFT brand (the simulator has none).
fn qualifies(usecase: &UseCase, brand: &BrandRecord) -> bool {
    match usecase.code {
        "POLITICAL" => brand
            .vettings
            .iter()
            .any(|v| v.is_active() && v.class == "POLITICAL"),
        "TRIAL" => false,
        _ => true,
    }
}

/// `network id → Metadata` as JSON.
pub(super) fn metadata_map<'m>(metadata: impl IntoIterator<Item = &'m Metadata>) -> Value {
    let map: Map<String, Value> = metadata
        .into_iter()
        .map(|m| (m.mno.network_id.to_string(), m.to_json()))
        .collect();
    Value::Object(map)
}

/// The monthly fee of a use case in US cents (`shared/tcr-api.md` §8; Low Volume Mixed at
/// Bandwidth's $1.50, the unlisted special use cases at the standard $10).
pub(super) fn monthly_fee_cents(usecase: &str) -> u32 {
    match usecase {
        "LOW_VOLUME" => 150,
        "SOLE_PROPRIETOR" => 200,
        "CHARITY" => 300,
        "EMERGENCY" => 500,
        "AGENTS_FRANCHISES" => 3_000,
        "TRIAL" => 0,
        _ => 1_000,
    }
}

/// Months billed up front at creation: TCR's 3-month minimum, from which political campaigns
/// are exempt.
pub(super) fn months_billed_up_front(usecase: &str) -> u32 {
    if usecase == "POLITICAL" {
        1
    } else {
        3
    }
}

/// An amount in cents as a JSON number of dollars (`10`, `1.5`).
pub(super) fn dollars(cents: u32) -> Value {
    if cents.is_multiple_of(100) {
        json!(cents / 100)
    } else {
        json!(f64::from(cents) / 100.0)
    }
}

/// `UsecaseMetadata` for `brand` on `usecase`: fees, sub-use-case bounds and every carrier's
/// terms.
fn usecase_metadata(usecase: &UseCase, brand: &BrandRecord) -> Value {
    let monthly = monthly_fee_cents(usecase.code);
    let metadata: Vec<Metadata> = MNOS
        .iter()
        .map(|mno| Metadata::of(mno, usecase, brand))
        .collect();
    json!({
        "usecase": usecase.code,
        "monthlyFee": dollars(monthly),
        "quarterlyFee": dollars(3 * monthly),
        "annualFee": dollars(12 * monthly),
        "minSubUsecases": usecase.min_sub,
        "maxSubUsecases": usecase.max_sub,
        "greyoutFields": [],
        "mnoMetadata": metadata_map(&metadata),
    })
}

/// The brand behind `brand_id`, if it may run campaigns at all: known and not deleted (502),
/// scored (527), and neither UNVERIFIED nor a SELF_DECLARED brand outside SOLE_PROPRIETOR (509).
pub(super) fn usable_brand(brand: Option<&BrandRecord>) -> Result<&BrandRecord, ApiError> {
    let brand = brand
        .filter(|b| !b.deleted)
        .ok_or_else(|| ApiError::not_found("brandId"))?;
    if brand.is_scoring() {
        return Err(ApiError::new(
            527,
            "Brand is in a PENDING state waiting for brand scoring to complete. The webhook BRAND_IDENTITY_STATUS_UPDATE event will be sent when the brand is scored and ready for campaign registration",
            &["brandId"],
        ));
    }
    if brand.identity_status == IdentityStatus::Unverified {
        return Err(not_qualified(
            "Brand is not qualified: its identity status is UNVERIFIED. Appeal, revet or externally vet the brand first",
            "brandId",
        ));
    }
    Ok(brand)
}

/// Whether `brand` (usable, see [`usable_brand`]) may run `usecase`: sole proprietors run
/// exactly the SOLE_PROPRIETOR use case, and only they do (509).
pub(super) fn check_use_case(brand: &BrandRecord, usecase: &UseCase) -> Result<(), ApiError> {
    let sole_proprietor = brand.fields.is_sole_proprietor();
    let for_sole_proprietors = usecase.code == "SOLE_PROPRIETOR";
    if for_sole_proprietors && !sole_proprietor {
        return Err(not_qualified(
            "Brand is not qualified for use case SOLE_PROPRIETOR: it is for SOLE_PROPRIETOR brands only",
            "usecase",
        ));
    }
    if sole_proprietor && !for_sole_proprietors {
        return Err(not_qualified(
            &format!(
                "Brand is not qualified for use case {}: SOLE_PROPRIETOR brands run SOLE_PROPRIETOR campaigns only",
                usecase.code
            ),
            "usecase",
        ));
    }
    if brand.identity_status == IdentityStatus::SelfDeclared && !for_sole_proprietors {
        return Err(not_qualified(
            "Brand is not qualified: a SELF_DECLARED brand may only run SOLE_PROPRIETOR campaigns",
            "brandId",
        ));
    }
    Ok(())
}

fn not_qualified(description: &str, field: &str) -> ApiError {
    ApiError::new(509, description, &[field])
}

/// The use case named `code`, else error 501 on `usecase`.
pub(super) fn known_use_case(code: &str) -> Result<&'static UseCase, ApiError> {
    enums::use_case(code).ok_or_else(|| {
        ApiError::invalid(
            "usecase",
            format!("Invalid usecase {code:?}; see GET /enum/usecase"),
        )
    })
}

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/campaignBuilder/brand/{brand_id}", get(all_use_cases))
        .route(
            "/v2/campaignBuilder/brand/{brand_id}/usecase/{usecase}",
            get(one_use_case),
        )
}

async fn one_use_case(
    State(sim): State<SharedSim>,
    Path((brand_id, code)): Path<(String, String)>,
) -> Response {
    let answer = (|| {
        let usecase = known_use_case(&code)?;
        let registry = sim.registry();
        let brand = usable_brand(registry.get(&brand_id))?;
        check_use_case(brand, usecase)?;
        Ok::<_, ApiError>(usecase_metadata(usecase, brand))
    })();
    match answer {
        Ok(metadata) => Json(metadata).into_response(),
        Err(error) => Rejection::from(error).into_response(),
    }
}

/// Every use case the brand may run (none at all is 509).
async fn all_use_cases(State(sim): State<SharedSim>, Path(brand_id): Path<String>) -> Response {
    let registry = sim.registry();
    let brand = match usable_brand(registry.get(&brand_id)) {
        Ok(brand) => brand,
        Err(error) => return Rejection::from(error).into_response(),
    };
    let all: Vec<Value> = USE_CASES
        .iter()
        .filter(|u| check_use_case(brand, u).is_ok())
        .map(|u| usecase_metadata(u, brand))
        .collect();
    if all.is_empty() {
        return Rejection::from(not_qualified(
            "Brand is not qualified for any use case",
            "brandId",
        ))
        .into_response();
    }
    Json(Value::Array(all)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{BrandFields, Registry};
    use crate::vetting::Vetting;

    fn brand(entity_type: &str, score: Option<u8>) -> BrandRecord {
        let mut fields = BrandFields::default();
        fields.text.insert("entityType", entity_type.to_owned());
        let mut registry = Registry::default();
        let brand = registry.register(fields);
        brand.identity_status = IdentityStatus::Verified;
        if let Some(score) = score {
            brand
                .vettings
                .push(Vetting::scored_for_test("STANDARD", score));
        }
        brand.clone()
    }

    fn terms(brand: &BrandRecord, usecase: &str) -> (Value, Value) {
        let usecase = enums::use_case(usecase).unwrap();
        let att = Metadata::of(enums::mno(ATT).unwrap(), usecase, brand).to_json();
        let t_mobile = Metadata::of(enums::mno(T_MOBILE).unwrap(), usecase, brand).to_json();
        (att, t_mobile)
    }

    #[test]
    fn throughput_follows_the_best_vetting_score() {
        for (score, class, tpm, tier, cap) in [
            (None, "T", 75, "LOW", 2_000),
            (Some(10), "T", 75, "LOW", 2_000),
            (Some(25), "E", 240, "LOWER_MID", 10_000),
            (Some(60), "C", 2_400, "UPPER_MID", 40_000),
            (Some(75), "A", 4_500, "TOP", 200_000),
            (Some(100), "A", 4_500, "TOP", 200_000),
        ] {
            let (att, t_mobile) = terms(&brand("PRIVATE_PROFIT", score), "2FA");
            assert_eq!(
                (&att["msgClass"], &att["tpm"]),
                (&json!(class), &json!(tpm)),
                "{score:?}"
            );
            assert_eq!(
                (&t_mobile["brandTier"], &t_mobile["brandDailyCap"]),
                (&json!(tier), &json!(cap)),
                "{score:?}"
            );
        }
    }

    #[test]
    fn mixed_use_cases_get_the_mixed_message_class() {
        let top = brand("PRIVATE_PROFIT", Some(90));
        assert_eq!(terms(&top, "MIXED").0["msgClass"], "B");
        assert_eq!(terms(&top, "MARKETING").0["msgClass"], "A");
    }

    #[test]
    fn sole_proprietors_get_the_lowest_terms() {
        let (att, t_mobile) = terms(&brand("SOLE_PROPRIETOR", None), "SOLE_PROPRIETOR");
        assert_eq!((&att["msgClass"], &att["tpm"]), (&json!("S"), &json!(15)));
        assert_eq!(t_mobile["brandDailyCap"], 1_000);
    }

    #[test]
    fn strict_carriers_want_two_samples_and_opt_out_for_promotional_use_cases() {
        let verified = brand("PRIVATE_PROFIT", None);
        let marketing = enums::use_case("MARKETING").unwrap();
        let two_fa = enums::use_case("2FA").unwrap();
        for mno in MNOS {
            let strict = STRICT_CARRIERS.contains(&mno.network_id);
            let m = Metadata::of(mno, marketing, &verified);
            assert_eq!(m.min_samples, if strict { 2 } else { 1 }, "{}", mno.name);
            assert_eq!(
                (m.req_optin, m.req_optout, m.req_help),
                (strict, strict, strict)
            );
            let m = Metadata::of(mno, two_fa, &verified);
            assert_eq!((m.min_samples, m.req_optout), (1, false), "{}", mno.name);
        }
    }

    #[test]
    fn political_campaigns_need_a_political_vet() {
        let mut verified = brand("NON_PROFIT", None);
        let political = enums::use_case("POLITICAL").unwrap();
        assert!(!qualifies(political, &verified));
        verified
            .vettings
            .push(Vetting::scored_for_test("POLITICAL", 0));
        assert!(qualifies(political, &verified));
    }

    #[test]
    fn fees_follow_section_8_with_quarterly_and_annual_multiples() {
        assert_eq!(dollars(monthly_fee_cents("2FA")), json!(10));
        assert_eq!(dollars(3 * monthly_fee_cents("2FA")), json!(30));
        assert_eq!(dollars(12 * monthly_fee_cents("2FA")), json!(120));
        assert_eq!(dollars(monthly_fee_cents("LOW_VOLUME")), json!(1.5));
        assert_eq!(dollars(monthly_fee_cents("SOLE_PROPRIETOR")), json!(2));
        assert_eq!(dollars(monthly_fee_cents("AGENTS_FRANCHISES")), json!(30));
    }

    #[test]
    fn sole_proprietor_use_case_and_brands_go_together() {
        let sp = enums::use_case("SOLE_PROPRIETOR").unwrap();
        let marketing = enums::use_case("MARKETING").unwrap();
        let company = brand("PRIVATE_PROFIT", None);
        let mut person = brand("SOLE_PROPRIETOR", None);
        assert_eq!(check_use_case(&company, sp).unwrap_err().code, 509);
        assert_eq!(check_use_case(&person, marketing).unwrap_err().code, 509);
        person.identity_status = IdentityStatus::SelfDeclared;
        assert!(check_use_case(&person, sp).is_ok());
    }
}
