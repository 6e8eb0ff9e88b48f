//! The upstream partner's side (`/partnerCampaign/...`): campaigns other CSPs shared with this
//! account, as their connectivity partner (CNP), and the account's own campaigns it shared
//! upstream.
//!
//! Nobody else registers campaigns in the simulator, so a downstream CSP's share arrives out of
//! band: [`SimHandle::share_with_us`](crate::SimHandle::share_with_us) stores an ACTIVE
//! campaign of another CSP's brand, carrier status REGISTERED on AT&T, T-Mobile and Verizon,
//! shared with this account `PENDING`. The account then accepts it by sharing it further
//! upstream (`PUT /partnerCampaign/{id}/sharing/{cnp}`, a partner of `GET /enum/cnp`): its own
//! share is `PENDING`, the downstream share `ACCEPTED` at once (TCR: a share is accepted when the
//! CNP re-shares it), and one `sharing_delay` later the DCA accepts the re-share. Or it declines
//! (`DELETE /partnerCampaign/{id}/sharing?explanation=&rejectionCategory=`): `DECLINED` with the
//! explanation. Refused: an unknown campaign or partner (`502`), an expired one (`518`),
//! re-sharing or declining a share that is not PENDING (`592`), an unknown rejection category,
//! none, or an explanation over 2048 characters (`501`).
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
    routing::{delete, get, put},
    Json, Router,
};
use serde_json::{json, Map, Value};

use super::campaigns::{known_partner, Sharing, SharingStatus};
use super::enums::{self, REJECTION_CATEGORIES};
use super::errors::{ApiError, Rejection};
use super::query::{self, Page};
use super::state::{after, now_text, random_id, SharedSim};

const MAX_EXPLANATION: usize = 2048;
/// The carriers a partner campaign is registered with: AT&T, T-Mobile, Verizon Wireless.
const CARRIERS: &[(u64, &str)] = &[
    (10017, "AT&T"),
    (10035, "T-Mobile"),
    (10038, "Verizon Wireless"),
];

/// A campaign another CSP shared with this account.
#[derive(Debug, Clone)]
pub(crate) struct PartnerCampaign {
    campaign_id: String,
    brand_id: String,
    usecase: String,
    description: String,
    create_date: String,
    /// The downstream CSP's share with this account.
    shared_with_me: Sharing,
    downstream: String,
    /// This account's re-share further upstream.
    shared_by_me: Option<Sharing>,
}

impl PartnerCampaign {
    fn to_json(&self) -> Value {
        json!({
            "campaignId": self.campaign_id,
            "status": "ACTIVE",
            "createDate": self.create_date,
            "brandId": self.brand_id,
            "usecase": self.usecase,
            "subUsecases": [],
            "description": self.description,
            "subscriberOptin": true,
            "subscriberOptout": true,
            "subscriberHelp": true,
            "directLending": false,
            "numberPool": false,
            "embeddedLink": false,
            "embeddedPhone": false,
            "termsAndConditions": true,
            "ageGated": false,
            "sample1": "Your Acme verification code is 123456. Reply STOP to opt out.",
            "messageFlow": "Customers opt in on the sign-up form at acme.example and confirm by SMS.",
            "helpMessage": "Acme: help at support@acme.example. Reply STOP to opt out.",
            "optinKeywords": "START",
            "optoutKeywords": "STOP",
            "helpKeywords": "HELP",
            "optinMessage": "Acme: you are subscribed to account alerts. Reply STOP to opt out.",
            "optoutMessage": "Acme: you are unsubscribed and will receive no more messages.",
        })
    }

    fn with_brand(&self) -> Value {
        let mut campaign = self.to_json();
        campaign["brand"] = json!({
            "entityType": "PRIVATE_PROFIT",
            "brandId": self.brand_id,
            "companyName": format!("Partner Company {}", self.brand_id),
            "displayName": format!("Partner {}", self.brand_id),
            "website": "https://partner.example",
            "optionalAttributes": {},
            "phone": "+15555550100",
            "email": "contact@partner.example",
        });
        campaign
    }

    /// The downstream CSP's share, to this account.
    fn with_me_json(&self, csp_id: &str) -> Value {
        let mut share = self.shared_with_me.to_json(&self.downstream);
        share["upstreamCnpId"] = json!(csp_id);
        share
    }

    fn chain(&self, csp_id: &str) -> Value {
        let mut chain = json!({"sharedWithMe": self.with_me_json(csp_id)});
        if let Some(share) = &self.shared_by_me {
            chain["sharedByMe"] = share.to_json(csp_id);
        }
        chain
    }
}

fn metadata() -> Value {
    Value::Object(
        CARRIERS
            .iter()
            .map(|(id, name)| {
                let mut terms = json!({
                    "mno": name, "mnoSupport": true, "mnoReview": false, "qualify": true,
                    "minMsgSamples": 1, "reqSubscriberOptin": true, "reqSubscriberOptout": false,
                    "reqSubscriberHelp": true, "noEmbeddedLink": false, "noEmbeddedPhone": false,
                });
                match id {
                    10017 => {
                        terms["msgClass"] = json!("T");
                        terms["tpm"] = json!(75);
                        terms["mmsTpm"] = json!(50);
                        terms["tpmScope"] = json!("CAMPAIGN");
                    }
                    10035 => {
                        terms["brandTier"] = json!("LOW");
                        terms["brandDailyCap"] = json!(2000);
                    }
                    _ => {}
                }
                (id.to_string(), terms)
            })
            .collect::<Map<_, _>>(),
    )
}

fn operation_status() -> Value {
    Value::Object(
        CARRIERS
            .iter()
            .map(|(id, _)| (id.to_string(), json!("REGISTERED")))
            .collect(),
    )
}

/// Every campaign shared with the account, in order of sharing.
#[derive(Debug, Default)]
pub(crate) struct PartnerCampaigns {
    list: Vec<PartnerCampaign>,
}

impl PartnerCampaigns {
    fn get(&self, campaign_id: &str) -> Option<&PartnerCampaign> {
        self.list.iter().find(|c| c.campaign_id == campaign_id)
    }

    fn get_mut(&mut self, campaign_id: &str) -> Option<&mut PartnerCampaign> {
        self.list.iter_mut().find(|c| c.campaign_id == campaign_id)
    }
}

/// Stores a campaign of `downstream`'s brand shared with this account; answers its id.
pub(crate) fn share_with_us(sim: &SharedSim, downstream: &str, usecase: &str) -> String {
    let mut registry = sim.registry();
    let campaign_id = loop {
        let candidate = random_id("C", 6);
        if registry.campaigns.get(&candidate).is_none()
            && registry.partners.get(&candidate).is_none()
        {
            break candidate;
        }
    };
    let now = now_text();
    registry.partners.list.push(PartnerCampaign {
        campaign_id: campaign_id.clone(),
        brand_id: random_id("B", 6),
        usecase: usecase.to_owned(),
        description: format!(
            "Account alerts for customers of a {downstream} client, sent after they opt in online."
        ),
        create_date: now.clone(),
        shared_with_me: Sharing {
            upstream: "",
            status: SharingStatus::Pending,
            explanation: String::new(),
            shared_date: now.clone(),
            status_date: now,
            cnp_migration: false,
        },
        downstream: downstream.to_owned(),
        shared_by_me: None,
    });
    tracing::info!(campaign_id, downstream, "campaign shared with the account");
    campaign_id
}

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/partnerCampaign/sharedWithMe", get(shared_with_me))
        .route("/v2/partnerCampaign/sharedByMe", get(shared_by_me))
        .route("/v2/partnerCampaign/{campaign_id}", get(details))
        .route(
            "/v2/partnerCampaign/{campaign_id}/mnoMetadata",
            get(mno_metadata),
        )
        .route(
            "/v2/partnerCampaign/{campaign_id}/operationStatus",
            get(operation_status_of),
        )
        .route(
            "/v2/partnerCampaign/{campaign_id}/sharing",
            get(sharing).merge(delete(decline)),
        )
        .route(
            "/v2/partnerCampaign/{campaign_id}/sharing/{upstream_cnp_id}",
            put(reshare),
        )
}

fn answer(outcome: Result<Value, ApiError>) -> Response {
    match outcome {
        Ok(value) => Json(value).into_response(),
        Err(error) => Rejection::from(error).into_response(),
    }
}

/// The filters both searches share; `party` is `downstreamCnpId` or `upstreamCnpId`.
struct Filter {
    party: Option<String>,
    brand_id: Option<String>,
    status: Option<String>,
    sharing_status: Vec<String>,
    page: Page,
}

fn filter(
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
    party: &str,
) -> Result<Filter, ApiError> {
    let params = query::read(params)?;
    let mut filter = Filter {
        party: None,
        brand_id: None,
        status: None,
        sharing_status: query::values(&params, "sharingStatus")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        page: Page::default(),
    };
    for status in &filter.sharing_status {
        if !matches!(status.as_str(), "PENDING" | "ACCEPTED" | "DECLINED") {
            return Err(ApiError::invalid(
                "sharingStatus",
                "sharingStatus must be PENDING, ACCEPTED or DECLINED",
            ));
        }
    }
    for (name, value) in &params {
        match name.as_str() {
            n if Page::is_param(n) => filter.page.set(n, value)?,
            n if n == party => filter.party = Some(value.clone()),
            "brandId" => filter.brand_id = Some(value.clone()),
            "status" if value == "ACTIVE" || value == "EXPIRED" => {
                filter.status = Some(value.clone())
            }
            "status" => {
                return Err(ApiError::invalid(
                    "status",
                    "status must be ACTIVE or EXPIRED",
                ))
            }
            _ => {}
        }
    }
    Ok(filter)
}

impl Filter {
    fn keeps(&self, party: &str, brand_id: &str, status: &str, sharing: SharingStatus) -> bool {
        self.party.as_deref().is_none_or(|p| p == party)
            && self.brand_id.as_deref().is_none_or(|b| b == brand_id)
            && self.status.as_deref().is_none_or(|s| s == status)
            && (self.sharing_status.is_empty()
                || self.sharing_status.iter().any(|s| s == sharing.as_str()))
    }
}

async fn shared_with_me(
    State(sim): State<SharedSim>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    answer(filter(params, "downstreamCnpId").map(|filter| {
        let registry = sim.registry();
        let found = registry
            .partners
            .list
            .iter()
            .filter(|c| {
                filter.keeps(
                    &c.downstream,
                    &c.brand_id,
                    "ACTIVE",
                    c.shared_with_me.status,
                )
            })
            .map(PartnerCampaign::to_json)
            .collect();
        filter.page.record_set(found)
    }))
}

/// The account's own campaigns it shared upstream (by their current share) and the partner
/// campaigns it re-shared.
async fn shared_by_me(
    State(sim): State<SharedSim>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    answer(filter(params, "upstreamCnpId").map(|filter| {
        let registry = sim.registry();
        let own = registry.campaigns.iter().filter_map(|c| {
            let share = c.sharing()?;
            let status = if c.is_active() { "ACTIVE" } else { "EXPIRED" };
            filter
                .keeps(share.upstream, &c.brand_id, status, share.status)
                .then(|| c.to_json(&sim.config.csp_id))
        });
        let reshared = registry.partners.list.iter().filter_map(|c| {
            let share = c.shared_by_me.as_ref()?;
            filter
                .keeps(share.upstream, &c.brand_id, "ACTIVE", share.status)
                .then(|| c.to_json())
        });
        filter.page.record_set(own.chain(reshared).collect())
    }))
}

fn with_partner<T>(
    sim: &SharedSim,
    campaign_id: &str,
    read: impl FnOnce(&PartnerCampaign) -> T,
) -> Result<T, ApiError> {
    let registry = sim.registry();
    registry
        .partners
        .get(campaign_id)
        .map(read)
        .ok_or_else(|| ApiError::not_found("campaignId"))
}

async fn details(State(sim): State<SharedSim>, Path(campaign_id): Path<String>) -> Response {
    answer(with_partner(
        &sim,
        &campaign_id,
        PartnerCampaign::with_brand,
    ))
}

async fn mno_metadata(State(sim): State<SharedSim>, Path(campaign_id): Path<String>) -> Response {
    answer(with_partner(&sim, &campaign_id, |_| metadata()))
}

async fn operation_status_of(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
) -> Response {
    answer(with_partner(&sim, &campaign_id, |_| operation_status()))
}

/// `{sharedWithMe, sharedByMe}` for a partner campaign; `{sharedByMe}` for the account's own.
async fn sharing(State(sim): State<SharedSim>, Path(campaign_id): Path<String>) -> Response {
    let registry = sim.registry();
    if let Some(campaign) = registry.partners.get(&campaign_id) {
        return Json(campaign.chain(&sim.config.csp_id)).into_response();
    }
    match registry.campaigns.get(&campaign_id) {
        Some(campaign) => {
            let mut chain = json!({});
            if let Some(share) = campaign.sharing() {
                chain["sharedByMe"] = share.to_json(&sim.config.csp_id);
            }
            Json(chain).into_response()
        }
        None => Rejection::from(ApiError::not_found("campaignId")).into_response(),
    }
}

fn not_pending(what: &str) -> ApiError {
    ApiError::new(
        592,
        format!("Operation declined. Only a PENDING sharing request can be {what}"),
        &["campaignId"],
    )
}

/// Declines the downstream CSP's share: `explanation` (required, ≤ 2048) and one or more
/// `rejectionCategory` of `/enum/campaignRejectionCategory`.
async fn decline(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    answer((|| {
        let params = query::read(params)?;
        let explanation: Vec<&str> = params
            .iter()
            .filter(|(name, _)| name == "explanation")
            .map(|(_, value)| value.as_str())
            .collect();
        let Some(explanation) = explanation.first() else {
            return Err(ApiError::invalid("explanation", "explanation is required"));
        };
        if explanation.chars().count() > MAX_EXPLANATION {
            return Err(ApiError::invalid(
                "explanation",
                format!("explanation must be at most {MAX_EXPLANATION} characters"),
            ));
        }
        let categories = query::values(&params, "rejectionCategory");
        if categories.is_empty() {
            return Err(ApiError::invalid(
                "rejectionCategory",
                "at least one rejectionCategory is required",
            ));
        }
        if let Some(unknown) = categories
            .iter()
            .find(|c| enums::category(REJECTION_CATEGORIES, c).is_none())
        {
            return Err(ApiError::invalid(
                "rejectionCategory",
                format!(
                    "{unknown} is not a rejectionCategory; see GET /enum/campaignRejectionCategory"
                ),
            ));
        }
        let mut registry = sim.registry();
        let campaign = registry
            .partners
            .get_mut(&campaign_id)
            .ok_or_else(|| ApiError::not_found("campaignId"))?;
        if campaign.shared_with_me.status != SharingStatus::Pending {
            return Err(not_pending("declined"));
        }
        let share = &mut campaign.shared_with_me;
        share.status = SharingStatus::Declined;
        share.explanation = (*explanation).to_owned();
        share.status_date = now_text();
        tracing::info!(campaign_id, "partner campaign declined");
        Ok(campaign.with_me_json(&sim.config.csp_id))
    })())
}

/// Accepts the downstream share by sharing the campaign further upstream.
async fn reshare(
    State(sim): State<SharedSim>,
    Path((campaign_id, upstream)): Path<(String, String)>,
) -> Response {
    answer((|| {
        let upstream = known_partner(&upstream)?;
        let mut registry = sim.registry();
        let campaign = registry
            .partners
            .get_mut(&campaign_id)
            .ok_or_else(|| ApiError::not_found("campaignId"))?;
        if campaign.shared_with_me.status != SharingStatus::Pending
            || campaign.shared_by_me.is_some()
        {
            return Err(not_pending("shared further"));
        }
        let now = now_text();
        campaign.shared_with_me.status = SharingStatus::Accepted;
        campaign.shared_with_me.status_date = now.clone();
        let share = Sharing {
            upstream,
            status: SharingStatus::Pending,
            explanation: String::new(),
            shared_date: now.clone(),
            status_date: now,
            cnp_migration: false,
        };
        let answer = share.to_json(&sim.config.csp_id);
        campaign.shared_by_me = Some(share);
        let id = campaign_id.clone();
        // The partners are DCAs: they accept a campaign that reached them this way.
        after(&sim, sim.config.sharing_delay, move |sim| {
            if let Some(share) = sim
                .registry()
                .partners
                .get_mut(&id)
                .and_then(|c| c.shared_by_me.as_mut())
                .filter(|s| s.status == SharingStatus::Pending)
            {
                share.status = SharingStatus::Accepted;
                share.status_date = now_text();
            }
        });
        tracing::info!(campaign_id, upstream, "partner campaign shared upstream");
        Ok(answer)
    })())
}
