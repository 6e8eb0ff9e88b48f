//! Sharing a campaign with an upstream connectivity partner (`PUT /campaign/{id}/sharing/{cnp}`,
//! `GET /campaign/{id}/sharing`). A share is `PENDING`, then one `sharing_delay` later
//! `ACCEPTED` (the partners are DCAs, so DCA election completes too) or, with
//! `[sim:share-decline]` in the description, `DECLINED` with an explanation.
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};

use super::record::{CampaignRecord, Campaigns};
use crate::enums::{self, REJECTION_CATEGORIES};
use crate::errors::{ApiError, Rejection};
use crate::events;
use crate::magic::{Magic, Site};
use crate::state::{after, emit_all, now_text, BrandRecord, SharedSim, Sim};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SharingStatus {
    Pending,
    Accepted,
    Declined,
}

impl SharingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SharingStatus::Pending => "PENDING",
            SharingStatus::Accepted => "ACCEPTED",
            SharingStatus::Declined => "DECLINED",
        }
    }
}

/// One request to share the campaign upstream (`CampaignSharingStatus`).
#[derive(Debug, Clone)]
pub(crate) struct Sharing {
    pub upstream: &'static str,
    pub status: SharingStatus,
    /// Why the partner declined (`<CATEGORY>: <text>`); `""` otherwise, as `explanation` is a
    /// required string.
    pub explanation: String,
    pub shared_date: String,
    pub status_date: String,
    /// Whether this share is the provisional chain of a CNP migration.
    pub cnp_migration: bool,
}

impl Sharing {
    pub fn to_json(&self, csp_id: &str) -> Value {
        json!({
            "downstreamCnpId": csp_id,
            "upstreamCnpId": self.upstream,
            "sharingStatus": self.status.as_str(),
            "explanation": self.explanation,
            "sharedDate": self.shared_date,
            "statusDate": self.status_date,
            "cnpMigration": self.cnp_migration,
        })
    }
}

/// A connectivity partner of `GET /enum/cnp`, as the registry spells it; `502` naming
/// `upstreamCnpId` otherwise.
pub(crate) fn known_partner(upstream: &str) -> Result<&'static str, ApiError> {
    enums::cnp(upstream).map(|(id, _)| id).ok_or_else(|| {
        ApiError::new(
            502,
            format!("Record not found: no connectivity partner {upstream}; see GET /enum/cnp"),
            &["upstreamCnpId"],
        )
    })
}

/// The campaign to share (or migrate) with `upstream`, and the partner, once TCR's rules for
/// both pass: an unknown campaign or partner is refused (502), an expired campaign (518), a
/// mock one (536).
pub(super) fn shareable<'r>(
    campaigns: &'r mut Campaigns,
    campaign_id: &str,
    upstream: &str,
) -> Result<(&'r mut CampaignRecord, &'static str), ApiError> {
    let campaign = campaigns
        .get_mut(campaign_id)
        .ok_or_else(|| ApiError::not_found("campaignId"))?;
    let upstream = known_partner(upstream)?;
    if !campaign.is_active() {
        return Err(ApiError::simulated(518));
    }
    if campaign.mock {
        return Err(ApiError::new(
            536,
            "Operation not supported for a mock brand or campaign: mock campaigns cannot be shared",
            &["campaignId"],
        ));
    }
    Ok((campaign, upstream))
}

/// Shares the campaign: refused as [`shareable`] says, while a share is PENDING or ACCEPTED
/// (592) and with a partner that declined it before (522).
pub(super) async fn share(
    State(sim): State<SharedSim>,
    Path((campaign_id, upstream)): Path<(String, String)>,
) -> Response {
    match start(&sim, &campaign_id, &upstream) {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => Rejection::from(error).into_response(),
    }
}

fn start(sim: &SharedSim, campaign_id: &str, upstream: &str) -> Result<Value, ApiError> {
    let (answer, event) = {
        let mut registry = sim.registry();
        let (campaign, upstream) = shareable(&mut registry.campaigns, campaign_id, upstream)?;
        if campaign
            .sharing()
            .is_some_and(|s| s.status != SharingStatus::Declined)
        {
            return Err(ApiError::new(
                592,
                "Operation declined. Rescinding a pending or accepted sharing request is not allowed",
                &["upstreamCnpId"],
            ));
        }
        if campaign.shares.iter().any(|s| s.upstream == upstream) {
            return Err(ApiError::simulated(522));
        }
        let now = now_text();
        campaign.shares.push(Sharing {
            upstream,
            status: SharingStatus::Pending,
            explanation: String::new(),
            shared_date: now.clone(),
            status_date: now,
            cnp_migration: false,
        });
        let index = campaign.shares.len() - 1;
        let (campaign, brand) = registry
            .campaign_and_brand(campaign_id)
            .expect("just found");
        let answer = campaign.shares[index].to_json(&sim.config.csp_id);
        let mut event = events::campaign_event(
            sim,
            "CAMPAIGN_SHARE_ADD",
            campaign,
            brand,
            format!("Campaign {campaign_id} is shared with {upstream}"),
        );
        event["cnpId"] = json!(upstream);
        let campaign_id = campaign_id.to_owned();
        after(sim, sim.config.sharing_delay, move |sim| {
            decide(sim, &campaign_id, index)
        });
        (answer, event)
    };
    tracing::info!(campaign_id, upstream, "campaign shared");
    emit_all(sim, [event]);
    Ok(answer)
}

/// The partner's answer to share `index`, if it is still pending on an active campaign.
pub(super) fn decide(sim: &SharedSim, campaign_id: &str, index: usize) {
    let events = {
        let mut registry = sim.registry();
        let Some(share) = registry
            .campaigns
            .get_mut(campaign_id)
            .filter(|c| c.is_active())
            .and_then(|c| c.shares.get_mut(index))
            .filter(|s| s.status == SharingStatus::Pending)
        else {
            return;
        };
        let upstream = share.upstream;
        share.status_date = now_text();
        let (campaign, brand) = registry
            .campaign_and_brand(campaign_id)
            .expect("just found");
        let decline = Magic::of_stored(
            campaign.fields.get("description").unwrap_or_default(),
            Site::CampaignDescription,
        )
        .share_decline;
        let outcome = match decline {
            Some(category) => {
                let (_, text) = enums::category(REJECTION_CATEGORIES, category).unwrap_or_default();
                Outcome::Declined(format!("{category}: {text}"))
            }
            None => Outcome::Accepted,
        };
        let events = outcome.events(sim, campaign, brand, upstream);
        let share = &mut registry
            .campaigns
            .get_mut(campaign_id)
            .expect("just found")
            .shares[index];
        match outcome {
            Outcome::Accepted => share.status = SharingStatus::Accepted,
            Outcome::Declined(explanation) => {
                share.status = SharingStatus::Declined;
                share.explanation = explanation;
            }
        }
        tracing::info!(
            campaign_id,
            upstream,
            status = share.status.as_str(),
            "campaign sharing decided"
        );
        events
    };
    emit_all(sim, events);
}

enum Outcome {
    Accepted,
    /// With the explanation `<CATEGORY>: <text>`.
    Declined(String),
}

impl Outcome {
    /// `CAMPAIGN_SHARE_ACCEPT` and `CAMPAIGN_DCA_COMPLETE`, or `CAMPAIGN_SHARE_DELETE` whose
    /// description reads `<partner> declined campaign <id>: <CATEGORY>: <text>`.
    fn events(
        &self,
        sim: &Sim,
        campaign: &CampaignRecord,
        brand: &BrandRecord,
        upstream: &str,
    ) -> Vec<Value> {
        let id = &campaign.campaign_id;
        let name = enums::cnp(upstream).map_or(upstream, |(_, name)| name);
        let event = |event_type: &str, description: String| {
            let mut event = events::campaign_event(sim, event_type, campaign, brand, description);
            event["cnpId"] = json!(upstream);
            event
        };
        match self {
            Outcome::Accepted => vec![
                event(
                    "CAMPAIGN_SHARE_ACCEPT",
                    format!("{name} accepted campaign {id}"),
                ),
                event(
                    "CAMPAIGN_DCA_COMPLETE",
                    format!("Campaign DCAs have been fully elected for campaign {id}"),
                ),
            ],
            Outcome::Declined(explanation) => vec![event(
                "CAMPAIGN_SHARE_DELETE",
                format!("{name} declined campaign {id}: {explanation}"),
            )],
        }
    }
}

/// `{sharedWithMe, sharedByMe}`: nobody shares campaigns with a CSP, so only `sharedByMe`, once
/// the campaign was shared.
pub(super) async fn status(
    State(sim): State<SharedSim>,
    Path(campaign_id): Path<String>,
) -> Response {
    let registry = sim.registry();
    let Some(campaign) = registry.campaigns.get(&campaign_id) else {
        return Rejection::from(ApiError::not_found("campaignId")).into_response();
    };
    let mut chain = json!({});
    if let Some(share) = campaign.sharing() {
        chain["sharedByMe"] = share.to_json(&sim.config.csp_id);
    }
    Json(chain).into_response()
}
