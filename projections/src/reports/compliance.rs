//! The compliance report of one customer (or one of its brands) over a period, from the events:
//! what was submitted and by whom, TCR's outcome and how long it took, each carrier's decisions
//! with their reasons, vettings, deactivations, the webhook deliveries received and refused,
//! the fees, and each registration's states over time.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use serde::Serialize;
use sqlx::PgPool;
use tendlc_domain::brand::{Brand, BrandEvent, RegistrationStatus};
use tendlc_domain::campaign::{Campaign, CampaignEvent};
use uuid::Uuid;

use super::fees::{self, FeeEntry, Prices};
use crate::runner::ProjectionError;
use crate::stream::StoredEvent;

/// Whose report: a customer's, or only one of its brands (with its campaigns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub customer: Uuid,
    pub brand: Option<Uuid>,
}

/// One report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ComplianceReport {
    pub customer_id: Uuid,
    pub customer_name: Option<String>,
    /// Set when the report covers one brand and its campaigns only.
    pub brand_id: Option<Uuid>,
    /// The period: from (inclusive) to (exclusive).
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub generated_at: DateTime<Utc>,
    pub totals: Totals,
    pub registrations: Vec<RegistrationLine>,
    pub carrier_decisions: Vec<CarrierDecision>,
    pub vettings: Vec<VettingLine>,
    pub deactivations: Vec<Deactivation>,
    pub webhooks: Vec<WebhookCount>,
    pub fees: FeeSummary,
    pub timelines: Vec<Timeline>,
}

/// The figures, counted over the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub registrations_submitted: i64,
    pub brands_submitted: i64,
    pub campaigns_submitted: i64,
    /// Outcomes of the registrations submitted in the period, as they stand at its end.
    pub registered: i64,
    pub rejected: i64,
    pub abandoned: i64,
    pub pending: i64,
    pub carrier_decisions: i64,
    pub carrier_approvals: i64,
    pub carrier_rejections: i64,
    pub carrier_suspensions: i64,
    pub vetting_events: i64,
    pub deactivations: i64,
    pub webhooks_received: i64,
    pub webhooks_refused: i64,
    pub fees_cents: i64,
}

impl Totals {
    /// Each figure by name, in a fixed order (the CSV's `total` rows).
    pub fn named(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("registrationsSubmitted", self.registrations_submitted),
            ("brandsSubmitted", self.brands_submitted),
            ("campaignsSubmitted", self.campaigns_submitted),
            ("registered", self.registered),
            ("rejected", self.rejected),
            ("abandoned", self.abandoned),
            ("pending", self.pending),
            ("carrierDecisions", self.carrier_decisions),
            ("carrierApprovals", self.carrier_approvals),
            ("carrierRejections", self.carrier_rejections),
            ("carrierSuspensions", self.carrier_suspensions),
            ("vettingEvents", self.vetting_events),
            ("deactivations", self.deactivations),
            ("webhooksReceived", self.webhooks_received),
            ("webhooksRefused", self.webhooks_refused),
            ("feesCents", self.fees_cents),
        ]
    }
}

/// One registration submitted in the period.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationLine {
    /// `BRAND` or `CAMPAIGN`.
    pub kind: String,
    pub id: String,
    pub name: String,
    pub brand_id: String,
    pub tcr_id: Option<String>,
    pub submitted_at: DateTime<Utc>,
    /// Who asked (`user:<subject>`).
    pub submitted_by: Option<String>,
    pub request_id: Option<String>,
    /// REGISTERED | REJECTED | ABANDONED | PENDING (as it stood at the period's end).
    pub outcome: String,
    pub outcome_at: Option<DateTime<Utc>>,
    pub millis_to_outcome: Option<i64>,
    /// TCR's error codes and words when it refused.
    pub tcr_errors: Vec<String>,
    /// Where it stands at the period's end (e.g. VERIFIED, ACTIVE, CARRIER_REJECTED).
    pub state: String,
}

/// One carrier's decision on a campaign.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CarrierDecision {
    pub at: DateTime<Utc>,
    pub campaign_id: String,
    pub campaign_name: String,
    pub tcr_campaign_id: Option<String>,
    pub mno_id: u32,
    pub carrier: String,
    pub from: Option<String>,
    pub to: String,
    pub reason_category: Option<String>,
    pub reason: Option<String>,
    pub source: String,
}

/// A vetting recorded, or one that moved.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VettingLine {
    pub at: DateTime<Utc>,
    pub brand_id: String,
    pub brand_name: String,
    pub provider: String,
    pub vetting_class: Option<String>,
    pub vetting_id: String,
    /// `ordered` | `imported` | `status`.
    pub what: String,
    pub status: Option<String>,
    pub score: Option<i64>,
    pub actor: Option<String>,
}

/// A campaign deactivated or expired, a brand deleted.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deactivation {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub id: String,
    pub name: String,
    pub what: String,
    pub actor: Option<String>,
    pub source: Option<String>,
    pub request_id: Option<String>,
}

/// Webhook deliveries about the customer's registrations, by event type and what became of
/// them: `ACCEPTED`, `DUPLICATE`, or refused (`REFUSED:<reason>`, from the bounded refusal
/// store: what the refused body claimed, unauthenticated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct WebhookCount {
    pub event_type: String,
    pub disposition: String,
    pub count: i64,
}

impl WebhookCount {
    pub fn refused(&self) -> bool {
        self.disposition.starts_with("REFUSED")
    }
}

/// The fees charged in the period.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeSummary {
    pub currency: String,
    pub total_cents: i64,
    pub entries: Vec<FeeEntry>,
    pub prices: Prices,
}

impl FeeSummary {
    pub fn of(entries: Vec<FeeEntry>, prices: Prices) -> Self {
        FeeSummary {
            currency: "USD".into(),
            total_cents: entries.iter().map(|e| e.amount_cents).sum(),
            entries,
            prices,
        }
    }
}

/// A registration's states over the period.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub spans: Vec<StateSpan>,
}

/// One state held from `from` until `to`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StateSpan {
    pub state: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// States a registration does not leave.
const FINAL_STATES: &[&str] = &["REJECTED", "ABANDONED", "DELETED", "EXPIRED"];

/// What a brand's state is called on its timeline.
pub fn brand_state(brand: &Brand) -> String {
    if brand
        .tcr_status
        .as_ref()
        .is_some_and(|s| s.as_str() == "DELETED")
    {
        return "DELETED".into();
    }
    match brand.status {
        Some(RegistrationStatus::Registered) => brand
            .identity_status
            .as_ref()
            .map_or("REGISTERED".to_string(), |s| s.as_str().to_string()),
        Some(status) => status.as_str().into(),
        None => "NONE".into(),
    }
}

/// What a campaign's state is called on its timeline: TCR's, then the carriers' together.
pub fn campaign_state(campaign: &Campaign) -> String {
    match campaign.status {
        Some(RegistrationStatus::Registered) => {}
        Some(status) => return status.as_str().into(),
        None => return "NONE".into(),
    }
    if campaign
        .tcr_status
        .as_ref()
        .is_some_and(|s| s.as_str() == "EXPIRED")
    {
        return "EXPIRED".into();
    }
    let statuses: Vec<&str> = campaign
        .carriers
        .values()
        .map(|c| c.status.as_str())
        .collect();
    if statuses.contains(&"SUSPENDED") {
        "SUSPENDED".into()
    } else if statuses.contains(&"REJECTED") {
        "CARRIER_REJECTED".into()
    } else if statuses.is_empty() || statuses.contains(&"REVIEW") {
        "CARRIER_REVIEW".into()
    } else {
        "ACTIVE".into()
    }
}

/// A registration followed through its events.
struct Track {
    kind: &'static str,
    id: String,
    name: String,
    brand_id: String,
    tcr_id: Option<String>,
    requested: Option<(DateTime<Utc>, Option<String>, Option<String>)>,
    outcome: Option<(String, DateTime<Utc>)>,
    tcr_errors: Vec<String>,
    /// (since, state), in order.
    states: Vec<(DateTime<Utc>, String)>,
    touched_in_period: bool,
}

impl Track {
    fn new(kind: &'static str, id: &str) -> Self {
        Track {
            kind,
            id: id.to_string(),
            name: id.to_string(),
            brand_id: String::new(),
            tcr_id: None,
            requested: None,
            outcome: None,
            tcr_errors: vec![],
            states: vec![],
            touched_in_period: false,
        }
    }

    fn moved(&mut self, at: DateTime<Utc>, state: String, status: Option<RegistrationStatus>) {
        if self.states.last().map(|(_, s)| s) != Some(&state) {
            self.states.push((at, state));
        }
        if self.outcome.is_none() {
            if let Some(status) = status.filter(|s| *s != RegistrationStatus::Pending) {
                self.outcome = Some((status.as_str().to_string(), at));
            }
        }
    }

    fn state_at(&self, at: DateTime<Utc>) -> Option<&str> {
        self.states
            .iter()
            .take_while(|(since, _)| *since <= at)
            .last()
            .map(|(_, s)| s.as_str())
    }
}

fn within(at: DateTime<Utc>, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    at >= from && at < to
}

/// The events of `scope`: a brand's keeps itself and its campaigns (pure; `events` in commit
/// order, a campaign's first event before its others).
pub fn scoped(events: Vec<StoredEvent>, brand: Option<Uuid>) -> Vec<StoredEvent> {
    let Some(brand) = brand.map(|b| b.to_string()) else {
        return events;
    };
    let mut campaigns_of_brand: Vec<String> = vec![];
    events
        .into_iter()
        .filter(|e| match e.aggregate_type.as_str() {
            "Brand" => e.aggregate_id == brand,
            "Campaign" => {
                if e.sequence == 1 {
                    if let Ok(CampaignEvent::CampaignRegistrationRequested { brand_id, .. }) =
                        e.decode::<CampaignEvent>()
                    {
                        if brand_id.to_string() == brand {
                            campaigns_of_brand.push(e.aggregate_id.clone());
                        }
                    }
                }
                campaigns_of_brand.contains(&e.aggregate_id)
            }
            _ => false,
        })
        .collect()
}

/// Everything the report says that comes from outside the events of its registrations.
pub struct Inputs {
    pub customer_name: Option<String>,
    pub webhooks: Vec<WebhookCount>,
    pub prices: Prices,
    pub generated_at: DateTime<Utc>,
}

/// The report over `[from, to)` from `events` (the scope's, in commit order, recorded before
/// `to`). Pure.
pub fn assemble(
    scope: Scope,
    events: &[StoredEvent],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    inputs: Inputs,
) -> Result<ComplianceReport, ProjectionError> {
    let mut brands: HashMap<String, Brand> = HashMap::new();
    let mut campaigns: HashMap<String, Campaign> = HashMap::new();
    let mut tracks: BTreeMap<(i64, String), Track> = BTreeMap::new();
    let mut order: HashMap<String, i64> = HashMap::new();
    let mut decisions = vec![];
    let mut vettings = vec![];
    let mut deactivations = vec![];
    for event in events {
        let at = event.recorded_at;
        let in_period = within(at, from, to);
        let first = *order
            .entry(event.aggregate_id.clone())
            .or_insert(event.global_position);
        let meta = |key: &str| event.meta(key).map(str::to_string);
        match event.aggregate_type.as_str() {
            "Brand" => {
                let decoded: BrandEvent = event
                    .decode()
                    .map_err(|e| ProjectionError::undecodable(event, e))?;
                let brand = brands.entry(event.aggregate_id.clone()).or_default();
                brand.apply(decoded.clone());
                let track = tracks
                    .entry((first, event.aggregate_id.clone()))
                    .or_insert_with(|| Track::new("BRAND", &event.aggregate_id));
                track.touched_in_period |= in_period;
                if let Some(profile) = &brand.profile {
                    track.name = profile.display_name.clone();
                }
                track.brand_id = event.aggregate_id.clone();
                track.tcr_id = brand.tcr_brand_id.as_ref().map(|t| t.to_string());
                match &decoded {
                    BrandEvent::BrandRegistrationRequested { .. } => {
                        track.requested = Some((at, meta("actor"), meta("request_id")));
                    }
                    BrandEvent::BrandSubmissionFailed {
                        tcr_errors,
                        message,
                        ..
                    } => {
                        track.tcr_errors = errors(tcr_errors, message);
                    }
                    BrandEvent::BrandVettingRecorded {
                        vetting, imported, ..
                    } if in_period => vettings.push(VettingLine {
                        at,
                        brand_id: event.aggregate_id.clone(),
                        brand_name: track.name.clone(),
                        provider: vetting.provider.clone(),
                        vetting_class: vetting.vetting_class.map(|c| c.as_str().to_string()),
                        vetting_id: vetting.vetting_id.clone(),
                        what: if *imported { "imported" } else { "ordered" }.into(),
                        status: vetting.status.map(|s| s.as_str().to_string()),
                        score: vetting.score,
                        actor: meta("actor"),
                    }),
                    BrandEvent::BrandVettingStatusChanged {
                        vetting_id,
                        provider,
                        to: status,
                        score,
                        ..
                    } if in_period => vettings.push(VettingLine {
                        at,
                        brand_id: event.aggregate_id.clone(),
                        brand_name: track.name.clone(),
                        provider: provider.clone(),
                        vetting_class: brand
                            .vettings
                            .iter()
                            .find(|v| &v.vetting_id == vetting_id)
                            .and_then(|v| v.vetting_class)
                            .map(|c| c.as_str().to_string()),
                        vetting_id: vetting_id.clone(),
                        what: "status".into(),
                        status: Some(status.as_str().to_string()),
                        score: *score,
                        actor: meta("actor"),
                    }),
                    BrandEvent::BrandDeleted { .. } if in_period => {
                        deactivations.push(Deactivation {
                            at,
                            kind: "BRAND".into(),
                            id: event.aggregate_id.clone(),
                            name: track.name.clone(),
                            what: "brand deleted at TCR".into(),
                            actor: meta("actor"),
                            source: meta("source"),
                            request_id: meta("request_id"),
                        })
                    }
                    _ => {}
                }
                track.moved(at, brand_state(brand), brand.status);
            }
            "Campaign" => {
                let decoded: CampaignEvent = event
                    .decode()
                    .map_err(|e| ProjectionError::undecodable(event, e))?;
                let campaign = campaigns.entry(event.aggregate_id.clone()).or_default();
                let before_tcr_status = campaign.tcr_status.clone();
                campaign.apply(decoded.clone());
                let track = tracks
                    .entry((first, event.aggregate_id.clone()))
                    .or_insert_with(|| Track::new("CAMPAIGN", &event.aggregate_id));
                track.touched_in_period |= in_period;
                if let Some(brand_id) = campaign.brand_id {
                    track.brand_id = brand_id.to_string();
                    let brand_name = brands
                        .get(&track.brand_id)
                        .and_then(|b| b.profile.as_ref())
                        .map(|p| p.display_name.clone());
                    let usecase = campaign.profile.as_ref().map_or("", |p| p.usecase.as_str());
                    track.name = match brand_name {
                        Some(brand) => format!("{usecase} campaign of {brand}"),
                        None => format!("{usecase} campaign"),
                    };
                }
                track.tcr_id = campaign.tcr_campaign_id.as_ref().map(|t| t.to_string());
                match &decoded {
                    CampaignEvent::CampaignRegistrationRequested { .. } => {
                        track.requested = Some((at, meta("actor"), meta("request_id")));
                    }
                    CampaignEvent::CampaignSubmissionFailed {
                        tcr_errors,
                        message,
                        ..
                    } => {
                        track.tcr_errors = errors(tcr_errors, message);
                    }
                    CampaignEvent::CampaignMnoStatusChanged {
                        mno,
                        from: was,
                        to: now,
                        reason,
                        source,
                        ..
                    } if in_period => {
                        let to_state = now.as_str().to_string();
                        // A reason that came after the status (a late webhook): it explains the
                        // decision already listed, it is not another one.
                        let explained =
                            decisions.iter_mut().rev().find(|d: &&mut CarrierDecision| {
                                d.campaign_id == event.aggregate_id && d.mno_id == mno.0
                            });
                        match explained {
                            Some(decision)
                                if was.as_ref().map(|w| w.as_str()) == Some(to_state.as_str())
                                    && decision.to == to_state
                                    && decision.reason.is_none() =>
                            {
                                decision.reason_category =
                                    reason.as_ref().and_then(|r| r.category.clone());
                                decision.reason = reason.as_ref().map(|r| r.text.clone());
                            }
                            _ => decisions.push(CarrierDecision {
                                at,
                                campaign_id: event.aggregate_id.clone(),
                                campaign_name: track.name.clone(),
                                tcr_campaign_id: track.tcr_id.clone(),
                                mno_id: mno.0,
                                carrier: mno.name().to_string(),
                                from: was.as_ref().map(|s| s.as_str().to_string()),
                                to: to_state,
                                reason_category: reason.as_ref().and_then(|r| r.category.clone()),
                                reason: reason.as_ref().map(|r| r.text.clone()),
                                source: source.as_str().to_string(),
                            }),
                        }
                    }
                    CampaignEvent::CampaignDeactivated { source } if in_period => deactivations
                        .push(Deactivation {
                            at,
                            kind: "CAMPAIGN".into(),
                            id: event.aggregate_id.clone(),
                            name: track.name.clone(),
                            what: "campaign deactivated (EXPIRED at TCR)".into(),
                            actor: meta("actor"),
                            source: Some(source.as_str().to_string()),
                            request_id: meta("request_id"),
                        }),
                    CampaignEvent::CampaignTcrStatusChanged {
                        to: now, source, ..
                    } if in_period
                        && now.as_str() == "EXPIRED"
                        && before_tcr_status.as_ref().map(|s| s.as_str()) != Some("EXPIRED") =>
                    {
                        deactivations.push(Deactivation {
                            at,
                            kind: "CAMPAIGN".into(),
                            id: event.aggregate_id.clone(),
                            name: track.name.clone(),
                            what: "TCR reports the campaign EXPIRED".into(),
                            actor: meta("actor"),
                            source: Some(source.as_str().to_string()),
                            request_id: meta("request_id"),
                        })
                    }
                    _ => {}
                }
                track.moved(at, campaign_state(campaign), campaign.status);
            }
            _ => {}
        }
    }

    let end = to.min(inputs.generated_at);
    let mut registrations = vec![];
    let mut timelines = vec![];
    let mut totals = Totals::default();
    for track in tracks.values() {
        if let Some((submitted_at, actor, request_id)) = &track.requested {
            if within(*submitted_at, from, to) {
                let outcome = track.outcome.clone().filter(|(_, at)| *at < to);
                let (name, outcome_at) = match &outcome {
                    Some((name, at)) => (name.clone(), Some(*at)),
                    None => ("PENDING".to_string(), None),
                };
                match name.as_str() {
                    "REGISTERED" => totals.registered += 1,
                    "REJECTED" => totals.rejected += 1,
                    "ABANDONED" => totals.abandoned += 1,
                    _ => totals.pending += 1,
                }
                match track.kind {
                    "BRAND" => totals.brands_submitted += 1,
                    _ => totals.campaigns_submitted += 1,
                }
                registrations.push(RegistrationLine {
                    kind: track.kind.into(),
                    id: track.id.clone(),
                    name: track.name.clone(),
                    brand_id: track.brand_id.clone(),
                    tcr_id: track.tcr_id.clone(),
                    submitted_at: *submitted_at,
                    submitted_by: actor.clone(),
                    request_id: request_id.clone(),
                    outcome: name,
                    outcome_at,
                    millis_to_outcome: outcome_at.map(|at| (at - *submitted_at).num_milliseconds()),
                    tcr_errors: track.tcr_errors.clone(),
                    state: track.state_at(end).unwrap_or("NONE").to_string(),
                });
            }
        }
        // On the chart: what moved in the period, or stood in a state it could still leave.
        let at_start = track.state_at(from);
        let shown = track.touched_in_period || at_start.is_some_and(|s| !FINAL_STATES.contains(&s));
        if !shown || end <= from {
            continue;
        }
        let mut spans = vec![];
        for (i, (since, state)) in track.states.iter().enumerate() {
            let until = track.states.get(i + 1).map_or(end, |(next, _)| *next);
            let (start, stop) = ((*since).max(from), until.min(end));
            if start < stop {
                spans.push(StateSpan {
                    state: state.clone(),
                    from: start,
                    to: stop,
                });
            }
        }
        if !spans.is_empty() {
            timelines.push(Timeline {
                kind: track.kind.into(),
                id: track.id.clone(),
                name: track.name.clone(),
                spans,
            });
        }
    }

    let fee_entries = fees::within(fees::ledger(events, &inputs.prices), from, to);
    let fees = FeeSummary::of(fee_entries, inputs.prices);
    totals.registrations_submitted = totals.brands_submitted + totals.campaigns_submitted;
    totals.carrier_decisions = decisions.len() as i64;
    let count = |status: &str| decisions.iter().filter(|d| d.to == status).count() as i64;
    totals.carrier_approvals = count("REGISTERED");
    totals.carrier_rejections = count("REJECTED");
    totals.carrier_suspensions = count("SUSPENDED");
    totals.vetting_events = vettings.len() as i64;
    totals.deactivations = deactivations.len() as i64;
    totals.webhooks_received = inputs
        .webhooks
        .iter()
        .filter(|w| !w.refused())
        .map(|w| w.count)
        .sum();
    totals.webhooks_refused = inputs
        .webhooks
        .iter()
        .filter(|w| w.refused())
        .map(|w| w.count)
        .sum();
    totals.fees_cents = fees.total_cents;
    Ok(ComplianceReport {
        customer_id: scope.customer,
        customer_name: inputs.customer_name,
        brand_id: scope.brand,
        from,
        to,
        generated_at: inputs.generated_at,
        totals,
        registrations,
        carrier_decisions: decisions,
        vettings,
        deactivations,
        webhooks: inputs.webhooks,
        fees,
        timelines,
    })
}

fn errors(tcr_errors: &[tendlc_domain::tcr::TcrApiError], message: &str) -> Vec<String> {
    if tcr_errors.is_empty() {
        vec![message.to_string()]
    } else {
        tcr_errors
            .iter()
            .map(|e| format!("{}: {}", e.code, e.description))
            .collect()
    }
}

const EVENT_COLUMNS: &str = "e.aggregate_type, e.aggregate_id, e.sequence, e.event_type, e.event_version,
    e.payload, e.metadata, e.global_position, e.transaction_id::text AS transaction_id, e.recorded_at";

/// Every event of the customer's brands and campaigns recorded before `until`, in commit
/// order. A registration is the customer's when its first event says so (the metadata index
/// narrows the search; the payload decides).
pub async fn customer_events(
    pool: &PgPool,
    customer: Uuid,
    until: DateTime<Utc>,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let rows: Vec<crate::history::EventRow> = sqlx::query_as(&format!(
        "WITH mine AS (
             SELECT aggregate_type, aggregate_id FROM events
              WHERE metadata ->> 'customer_id' = $1 AND sequence = 1
                AND ((aggregate_type = 'Brand'
                      AND payload -> 'BrandRegistrationRequested' ->> 'customer_id' = $1)
                  OR (aggregate_type = 'Campaign'
                      AND payload -> 'CampaignRegistrationRequested' ->> 'customer_id' = $1)))
         SELECT {EVENT_COLUMNS} FROM events e JOIN mine USING (aggregate_type, aggregate_id)
          WHERE e.recorded_at < $2
          ORDER BY e.transaction_id, e.global_position"
    ))
    .bind(customer.to_string())
    .bind(until)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(StoredEvent::from).collect())
}

/// Every customer that has registered anything, by id.
pub async fn customers_with_registrations(pool: &PgPool) -> Result<Vec<Uuid>, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT payload -> 'BrandRegistrationRequested' ->> 'customer_id' FROM events
          WHERE aggregate_type = 'Brand' AND sequence = 1
            AND payload ? 'BrandRegistrationRequested'
          ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    Ok(ids.iter().filter_map(|id| id.parse().ok()).collect())
}

/// The customer's name, as its read model holds it.
pub async fn customer_name(pool: &PgPool, customer: Uuid) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM customers WHERE customer_id = $1")
        .bind(customer)
        .fetch_optional(pool)
        .await
}

/// Webhook deliveries received (recorded, `tcr_webhook_events`) and refused (the bounded
/// refusal store: what the refused bodies claimed) in `[from, to)` about these TCR ids.
pub async fn webhook_counts(
    pool: &PgPool,
    tcr_brand_ids: &[String],
    tcr_campaign_ids: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<WebhookCount>, sqlx::Error> {
    sqlx::query_as(
        "SELECT COALESCE(event_type, '(none)') AS event_type, disposition, count(*) AS count
           FROM tcr_webhook_events
          WHERE received_at >= $3 AND received_at < $4
            AND (tcr_brand_id = ANY($1) OR tcr_campaign_id = ANY($2))
          GROUP BY 1, 2
         UNION ALL
         SELECT COALESCE(claimed_event_type, '(unreadable)'), 'REFUSED:' || reason_code, count(*)
           FROM webhook_refusals
          WHERE received_at >= $3 AND received_at < $4
            AND (claimed_tcr_brand_id = ANY($1) OR claimed_tcr_campaign_id = ANY($2))
          GROUP BY 1, 2
          ORDER BY 2, 1",
    )
    .bind(tcr_brand_ids)
    .bind(tcr_campaign_ids)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}

/// The TCR ids of the brands and campaigns among `events`.
pub fn tcr_ids(events: &[StoredEvent]) -> (Vec<String>, Vec<String>) {
    let mut brands = vec![];
    let mut campaigns = vec![];
    for event in events {
        match event.event_type.as_str() {
            "BrandSubmittedToTcr" => {
                if let Ok(BrandEvent::BrandSubmittedToTcr { tcr_brand_id, .. }) = event.decode() {
                    brands.push(tcr_brand_id.to_string());
                }
            }
            "CampaignSubmittedToTcr" => {
                if let Ok(CampaignEvent::CampaignSubmittedToTcr {
                    tcr_campaign_id, ..
                }) = event.decode()
                {
                    campaigns.push(tcr_campaign_id.to_string());
                }
            }
            _ => {}
        }
    }
    brands.dedup();
    campaigns.dedup();
    (brands, campaigns)
}

/// The report of `scope` over `[from, to)`, read from the database.
pub async fn compliance(
    pool: &PgPool,
    scope: Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    prices: Prices,
) -> Result<ComplianceReport, ProjectionError> {
    let events = scoped(
        customer_events(pool, scope.customer, to).await?,
        scope.brand,
    );
    let (brands, campaigns) = tcr_ids(&events);
    let inputs = Inputs {
        customer_name: customer_name(pool, scope.customer).await?,
        webhooks: webhook_counts(pool, &brands, &campaigns, from, to).await?,
        prices,
        generated_at: Utc::now(),
    };
    assemble(scope, &events, from, to, inputs)
}

/// A customer's fee ledger over `[from, to)`.
pub async fn fee_summary(
    pool: &PgPool,
    customer: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    prices: Prices,
) -> Result<FeeSummary, sqlx::Error> {
    let events = customer_events(pool, customer, to).await?;
    Ok(FeeSummary::of(
        fees::within(fees::ledger(&events, &prices), from, to),
        prices,
    ))
}
