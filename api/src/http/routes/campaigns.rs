//! `/v1/messaging/campaigns`: register campaigns, follow each carrier, change, deactivate,
//! resubmit, nudge and share them; and `GET /brands/{id}/qualify`. Scoped to one customer,
//! exactly like brands.
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::Json;
use serde::Deserialize;
use tendlc_domain::brand::RegistrationStatus;
use tendlc_domain::campaign::profile::USE_CASES;
use tendlc_domain::campaign::{Campaign, CampaignBody, Mno};
use tendlc_domain::ids::{CampaignId, CustomerId};
use tendlc_domain::tcr::UsecaseQualification;
use tendlc_domain::values::{OperationStatus, TcrCampaignStatus};
use tendlc_projections::brands as brand_rows;
use tendlc_projections::campaigns::{self as campaign_rows, CampaignFilter, CampaignRow};
use uuid::Uuid;

use super::history::{replayed, AsOfQuery};
use super::responses::{ReadErrors, SubmitErrors};
use super::{location, path_id, query, Access, Body, Endpoint, Paging, RequestId};
use crate::application::campaign_actions::CampaignRequest;
use crate::application::campaigns::campaigns_allowed;
use crate::application::Outcome;
use crate::http::auth::{Action, Caller};
use crate::http::bodies::{
    carrier_choices, CnpMigrationCancelBody, NewCampaignBody, NudgeBody, PartnerBody, ResubmitBody,
};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::views::{with_notifications, AsOf, CampaignView, Page};

const CAMPAIGNS: &str = "/v1/messaging/campaigns";
const CAMPAIGN: &str = "/v1/messaging/campaigns/{id}";
const CNP_MIGRATION: &str = "/v1/messaging/campaigns/{id}/cnp-migration";

pub fn endpoints() -> Vec<Endpoint> {
    let read = || Access::Role(Action::ReadRegistrations);
    let submit = || Access::Role(Action::SubmitRegistrations);
    vec![
        Endpoint::new(Method::GET, CAMPAIGNS, read(), get(list)),
        Endpoint::new(Method::POST, CAMPAIGNS, submit(), post(register)),
        Endpoint::new(Method::GET, CAMPAIGN, read(), get(show)),
        Endpoint::new(Method::PATCH, CAMPAIGN, submit(), patch(update)),
        Endpoint::new(Method::DELETE, CAMPAIGN, submit(), delete(deactivate)),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/campaigns/{id}/resubmit",
            submit(),
            post(resubmit),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/campaigns/{id}/nudge",
            submit(),
            post(nudge),
        ),
        Endpoint::new(
            Method::POST,
            "/v1/messaging/campaigns/{id}/sharing",
            submit(),
            post(share),
        ),
        Endpoint::new(Method::POST, CNP_MIGRATION, submit(), post(migrate)),
        Endpoint::new(Method::GET, CNP_MIGRATION, read(), get(migration)),
        Endpoint::new(
            Method::DELETE,
            CNP_MIGRATION,
            submit(),
            delete(cancel_migration),
        ),
        Endpoint::new(
            Method::GET,
            "/v1/messaging/brands/{id}/qualify",
            read(),
            get(qualify),
        ),
    ]
}

/// The campaign as the read tables show it now (row and carriers from one snapshot).
async fn view(
    state: &AppState,
    campaign_id: Uuid,
    customer: Option<Uuid>,
) -> Result<CampaignView, ApiError> {
    let (row, carriers) = campaign_rows::get_with_carriers(&state.pool, campaign_id, customer)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    let shown = with_notifications(&state.pool, vec![CampaignView::new(row, carriers)]).await?;
    Ok(shown.into_iter().next().expect("one view in, one out"))
}

async fn answer(
    state: &AppState,
    outcome: Outcome<CampaignRow>,
    success: StatusCode,
    what: &str,
) -> Result<Response, ApiError> {
    match outcome {
        Outcome::Done(row) => {
            let id = row.campaign_id;
            Ok((
                success,
                location(&format!("{CAMPAIGNS}/{id}")),
                Json(view(state, id, None).await?),
            )
                .into_response())
        }
        Outcome::Failed {
            id: campaign_id,
            error,
        } => {
            let recorded = if error.retryable() && what == "registration" {
                format!("The registration is recorded as pending as campaign {campaign_id} and nothing was lost.")
            } else {
                format!("The {what} is recorded on campaign {campaign_id}; nothing changed at TCR.")
            };
            Ok((
                location(&format!("{CAMPAIGNS}/{campaign_id}")),
                ApiError::from_tcr(&error, &recorded),
            )
                .into_response())
        }
    }
}

/// The acting customer's campaign, looked up before anything else so another customer's is
/// simply not found.
pub(super) async fn owned(state: &AppState, caller: &Caller, id: &str) -> Result<Owned, ApiError> {
    let customer_id = caller.acting_customer()?;
    let campaign_id = path_id(id, "campaign")?;
    let campaign = state.app.campaigns.owned(campaign_id, customer_id).await?;
    Ok(Owned {
        customer_id,
        campaign_id,
        campaign,
    })
}

/// A campaign the caller may act on, as its events say.
pub(super) struct Owned {
    pub(super) customer_id: CustomerId,
    campaign_id: CampaignId,
    campaign: Campaign,
}

#[utoipa::path(post, operation_id = "registerCampaign", path = "/v1/messaging/campaigns", tag = "campaigns", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = NewCampaignBody,
    responses((status = 201, description = "Registered with TCR (billed); each carrier's review follows", body = CampaignView),
        (status = 202, description = "Recorded, but the read models do not show it yet (a projection is behind or stuck); read it again shortly", body = crate::http::error::ErrorBody),
        SubmitErrors))]
async fn register(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Body(body): Body<NewCampaignBody>,
) -> Result<Response, ApiError> {
    let customer_id = caller.acting_customer()?;
    // Every field rule first, so a bad campaign never reaches TCR.
    let (brand_id, profile) = body.parse().map_err(ApiError::validation)?;
    let brand = state.app.brands.owned(brand_id.into(), customer_id).await?;
    super::resellers::check_named(&state, customer_id, &profile.reseller_id).await?;
    let outcome = state
        .app
        .campaigns
        .register(
            &caller.context(customer_id, request_id),
            customer_id,
            &brand,
            profile,
        )
        .await?;
    answer(&state, outcome, StatusCode::CREATED, "registration").await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    #[serde(flatten)]
    paging: Paging,
    brand_id: Option<String>,
    status: Option<String>,
    tcr_status: Option<String>,
    carrier_status: Option<String>,
    carrier: Option<String>,
}

#[utoipa::path(get, operation_id = "listCampaigns", path = "/v1/messaging/campaigns", tag = "campaigns", security(("bearer" = [])),
    params(("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin looks at (all without it)"),
        ("brandId" = Option<String>, Query, description = "Only this brand's campaigns"),
        ("status" = Option<String>, Query, description = "PENDING | REGISTERED | REJECTED | ABANDONED"),
        ("tcrStatus" = Option<String>, Query, description = "ACTIVE | EXPIRED"),
        ("carrierStatus" = Option<String>, Query, description = "Campaigns with a carrier in REVIEW | REGISTERED | REJECTED | SUSPENDED"),
        ("carrier" = Option<String>, Query, description = "TCR network id (e.g. 10035): restricts carrierStatus to that carrier"),
        ("page" = Option<i64>, Query, description = "1-based page; pages reach row 10000 at most (page × perPage)"), ("perPage" = Option<i64>, Query, description = "1..500, default 50")),
    responses((status = 200, description = "One page of campaigns", body = Page<CampaignView>), ReadErrors))]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<axum::extract::Query<ListQuery>, QueryRejection>,
) -> Result<Json<Page<CampaignView>>, ApiError> {
    let params = query(params)?;
    let (page, per_page, offset) = params.paging.resolve()?;
    let upper = |text: &Option<String>| text.as_deref().map(str::to_ascii_uppercase);
    let status = match upper(&params.status) {
        Some(s) => Some(RegistrationStatus::parse(&s).ok_or_else(|| {
            ApiError::field(
                "status",
                "must be one of PENDING, REGISTERED, REJECTED, ABANDONED",
            )
        })?),
        None => None,
    };
    let tcr_status = match upper(&params.tcr_status) {
        Some(s) => Some(TcrCampaignStatus::parse(&s).ok_or_else(|| {
            ApiError::field(
                "tcrStatus",
                format!("must be one of {}", TcrCampaignStatus::choices()),
            )
        })?),
        None => None,
    };
    let carrier_status = match upper(&params.carrier_status) {
        Some(s) => Some(OperationStatus::parse(&s).ok_or_else(|| {
            ApiError::field(
                "carrierStatus",
                format!("must be one of {}", OperationStatus::choices()),
            )
        })?),
        None => None,
    };
    let carrier = match &params.carrier {
        None => None,
        Some(text) => {
            Some(Mno::parse(text).ok_or_else(|| ApiError::field("carrier", carrier_choices()))?)
        }
    };
    let brand = match &params.brand_id {
        None => None,
        Some(text) => Some(
            Uuid::parse_str(text)
                .map_err(|_| ApiError::field("brandId", "must be a brand id (UUID)"))?,
        ),
    };
    let filter = CampaignFilter {
        customer: caller.read_scope(),
        brand,
        status,
        tcr_status,
        carrier_status,
        carrier,
    };
    let (rows, total) = campaign_rows::list(&state.pool, &filter, per_page, offset).await?;
    let items = rows
        .into_iter()
        .map(|(row, carriers)| CampaignView::new(row, carriers))
        .collect();
    Ok(Json(Page {
        items: with_notifications(&state.pool, items).await?,
        page,
        per_page,
        total,
    }))
}

#[utoipa::path(get, operation_id = "getCampaign", path = "/v1/messaging/campaigns/{id}", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for"),
        ("asOf" = Option<String>, Query, description = "RFC 3339: the campaign as it stood at this instant, folded from its events by the domain (not the read tables). Then `asOf` is set, and what the domain's state does not hold is absent: `lastError`, `syncSource`, each carrier's `changedAt`, `lastSyncedAt` and `syncSource`; `lastSyncedAt` is its last observation of TCR; `createdAt`/`updatedAt` are when its first and last event until then were recorded. 404 before the campaign existed.")),
    responses((status = 200, description = "The campaign (now, or as of `asOf`), each carrier's status and what it means for sending, and its fees", body = CampaignView), ReadErrors))]
async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    params: Result<axum::extract::Query<AsOfQuery>, QueryRejection>,
) -> Result<Json<CampaignView>, ApiError> {
    let id = path_id(&id, "campaign")?;
    if let Some(at) = AsOfQuery::read(params)? {
        let replayed = replayed::<Campaign>(&state, &caller, id, at, "campaign").await?;
        return CampaignView::as_of(AsOf {
            replayed: &replayed,
            at,
        })
        .map(Json)
        .ok_or_else(|| ApiError::not_found("campaign"));
    }
    Ok(Json(view(&state, id, caller.read_scope()).await?))
}

/// Runs a request on the caller's campaign and answers with the campaign as it now stands.
pub(super) async fn run(
    state: &AppState,
    caller: &Caller,
    request_id: String,
    owned: Owned,
    request: CampaignRequest,
) -> Result<Response, ApiError> {
    let Owned {
        customer_id,
        campaign_id,
        campaign,
    } = owned;
    let what = request.action_name();
    let context = caller.context(customer_id, request_id);
    match state
        .app
        .campaigns
        .request(&context, campaign_id, &campaign, request)
        .await?
    {
        Some(outcome) => answer(state, outcome, StatusCode::OK, what).await,
        None => {
            state.app.campaigns.settled_row(campaign_id).await?;
            let view = view(state, campaign_id.into(), None).await?;
            Ok((StatusCode::OK, Json(view)).into_response())
        }
    }
}

#[utoipa::path(patch, operation_id = "updateCampaign", path = "/v1/messaging/campaigns/{id}", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = CampaignBody,
    responses((status = 200, description = "The campaign after TCR accepted the change (or unchanged)", body = CampaignView), SubmitErrors))]
async fn update(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(changes): Body<CampaignBody>,
) -> Result<Response, ApiError> {
    let owned = owned(&state, &caller, &id).await?;
    run(
        &state,
        &caller,
        request_id,
        owned,
        CampaignRequest::Update {
            changes: Box::new(changes),
        },
    )
    .await
}

#[utoipa::path(delete, path = "/v1/messaging/campaigns/{id}", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "Deactivated at TCR (EXPIRED; irreversible). Deactivating again changes nothing.", body = CampaignView), SubmitErrors))]
async fn deactivate(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let owned = owned(&state, &caller, &id).await?;
    run(
        &state,
        &caller,
        request_id,
        owned,
        CampaignRequest::Deactivate,
    )
    .await
}

#[utoipa::path(post, path = "/v1/messaging/campaigns/{id}/resubmit", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = ResubmitBody,
    responses((status = 200, description = "TCR sent the campaign back to the carriers for review", body = CampaignView), SubmitErrors))]
async fn resubmit(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    body: Option<Body<ResubmitBody>>,
) -> Result<Response, ApiError> {
    let owned = owned(&state, &caller, &id).await?;
    let body = body.map(|Body(body)| body).unwrap_or_default();
    let request = CampaignRequest::try_from(body).map_err(ApiError::validation)?;
    run(&state, &caller, request_id, owned, request).await
}

#[utoipa::path(post, path = "/v1/messaging/campaigns/{id}/nudge", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = NudgeBody,
    responses((status = 200, description = "TCR passed the nudge on", body = CampaignView), SubmitErrors))]
async fn nudge(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<NudgeBody>,
) -> Result<Response, ApiError> {
    let owned = owned(&state, &caller, &id).await?;
    let request = CampaignRequest::try_from(body).map_err(ApiError::validation)?;
    run(&state, &caller, request_id, owned, request).await
}

#[utoipa::path(post, path = "/v1/messaging/campaigns/{id}/sharing", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = PartnerBody,
    responses((status = 200, description = "Shared; the partner's acceptance or decline follows", body = CampaignView), SubmitErrors))]
async fn share(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<PartnerBody>,
) -> Result<Response, ApiError> {
    let owned = owned(&state, &caller, &id).await?;
    let upstream_cnp_id = body.partner().map_err(ApiError::validation)?;
    let request = CampaignRequest::Share { upstream_cnp_id };
    run(&state, &caller, request_id, owned, request).await
}

#[utoipa::path(post, operation_id = "startCnpMigration", path = "/v1/messaging/campaigns/{id}/cnp-migration", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body = PartnerBody,
    responses((status = 200, description = "TCR started the migration (`cnpMigration.status` ACTIVE); the new partner's acceptance completes it, its decline cancels it. Only a campaign whose sharing a partner ACCEPTED can migrate, to another partner, one migration at a time (409 `not_applicable` otherwise), and only once the operator's TCR account allows CNP migration (TCR's 592 otherwise).", body = CampaignView), SubmitErrors))]
async fn migrate(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    Body(body): Body<PartnerBody>,
) -> Result<Response, ApiError> {
    let owned = owned(&state, &caller, &id).await?;
    let upstream_cnp_id = body.partner().map_err(ApiError::validation)?;
    let request = CampaignRequest::MigrateCnp { upstream_cnp_id };
    run(&state, &caller, request_id, owned, request).await
}

#[utoipa::path(get, operation_id = "getCnpMigration", path = "/v1/messaging/campaigns/{id}/cnp-migration", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    responses((status = 200, description = "The campaign with its latest CNP migration (`cnpMigration`, absent when it never had one). A migration under way is read from TCR first, so its end (COMPLETED, or CANCELLED with TCR's reason) is recorded and shown; so is a request whose answer was lost (a timeout): the migration TCR started is adopted, or the history records that it started none.", body = CampaignView),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        ReadErrors))]
async fn migration(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
) -> Result<Json<CampaignView>, ApiError> {
    let id = path_id(&id, "campaign")?;
    // Any campaign the caller may read: a super admin without X-Customer-ID reads them all.
    let row = campaign_rows::get(&state.pool, id, caller.read_scope())
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))?;
    let campaign_id = CampaignId::from(id);
    let (campaign, _) = state.app.campaigns.load(campaign_id).await?;
    if campaign.cnp_migration_to_read() {
        let context = caller.context(CustomerId::from(row.customer_id), request_id);
        state
            .app
            .campaigns
            .read_cnp_migration(campaign_id, &campaign, &context)
            .await?;
    }
    Ok(Json(view(&state, id, None).await?))
}

#[utoipa::path(delete, operation_id = "cancelCnpMigration", path = "/v1/messaging/campaigns/{id}/cnp-migration", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Campaign id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for")),
    request_body(content = Option<CnpMigrationCancelBody>, description = "Optional: why, for TCR"),
    responses((status = 200, description = "TCR cancelled the migration (`cnpMigration.status` CANCELLED); the campaign stays with its current partner. 409 `not_applicable` when none is under way.", body = CampaignView), SubmitErrors))]
async fn cancel_migration(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(request_id): RequestId,
    Path(id): Path<String>,
    body: Option<Body<CnpMigrationCancelBody>>,
) -> Result<Response, ApiError> {
    let owned = owned(&state, &caller, &id).await?;
    let body = body.map(|Body(body)| body).unwrap_or_default();
    let request = CampaignRequest::try_from(body).map_err(ApiError::validation)?;
    run(&state, &caller, request_id, owned, request).await
}

#[derive(Debug, Deserialize)]
struct QualifyQuery {
    usecase: Option<String>,
}

#[utoipa::path(get, path = "/v1/messaging/brands/{id}/qualify", tag = "campaigns", security(("bearer" = [])),
    params(("id" = String, Path, description = "Brand id (ours)"), ("X-Customer-ID" = Option<String>, Header, description = "The customer a super admin acts for"),
        ("usecase" = String, Query, description = "A TCR use case, e.g. 2FA, MARKETING, MIXED")),
    responses((status = 200, description = "TCR's terms for the brand and use case: fees, sub-use-case counts, and per carrier whether it qualifies, samples needed, opt-in/out/help demands, AT&T class and TPM, T-Mobile tier and cap", body = UsecaseQualification),
        (status = 409, description = "The brand cannot have campaigns yet (not registered or not verified)", body = crate::http::error::ErrorBody),
        (status = 502, description = "TCR failed or could not be reached", body = crate::http::error::ErrorBody),
        (status = 504, description = "TCR did not answer in time", body = crate::http::error::ErrorBody),
        ReadErrors))]
async fn qualify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    params: Result<axum::extract::Query<QualifyQuery>, QueryRejection>,
) -> Result<Json<UsecaseQualification>, ApiError> {
    let id = path_id(&id, "brand")?;
    // Any brand the caller may read: a super admin without X-Customer-ID reads them all.
    brand_rows::get(&state.pool, id, caller.read_scope())
        .await?
        .ok_or_else(|| ApiError::not_found("brand"))?;
    let (brand, _) = state.app.brands.load(id.into()).await?;
    let params = query(params)?;
    let usecase = params
        .usecase
        .map(|u| u.trim().to_ascii_uppercase())
        .filter(|u| USE_CASES.contains(&u.as_str()))
        .ok_or_else(|| {
            ApiError::field(
                "usecase",
                format!("is required, one of {}", USE_CASES.join(", ")),
            )
        })?;
    let tcr_brand_id = campaigns_allowed(&brand)?;
    Ok(Json(
        state.app.campaigns.qualify(tcr_brand_id, &usecase).await?,
    ))
}
