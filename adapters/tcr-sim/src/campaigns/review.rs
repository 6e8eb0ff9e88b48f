//! Carrier review: a carrier a campaign goes to starts in `REVIEW` and, one
//! `campaign_review_delay` later, registers it, unless a `[sim:mno-...]` marker in the campaign's
//! description (read when the carrier decides) says otherwise. Also carriers acting out of band
//! ([`SimHandle::set_operation_status`](crate::SimHandle::set_operation_status)).
//!
//! A rejection or suspension carries its reason in the event's `description`, in one format:
//! `<mnoName> <rejected|suspended> campaign <campaignId>: <CATEGORY>: <text>`.
use serde_json::Value;

use super::record::OperationStatus;
use crate::enums::{self, REJECTION_CATEGORIES, SUSPENSION_CATEGORIES};
use crate::events;
use crate::magic::{CarrierVerdict, Magic, Site};
use crate::state::{after, emit_all, Registry, SharedSim};
use crate::SimHandleError;

/// Why a carrier rejected or suspended a campaign: a category of `/enum/rejectionCategory` or
/// `/enum/suspensionCategory`, and a sentence.
pub(crate) type Reason<'a> = (&'a str, &'a str);

/// Puts `mno_ids` of the campaign (which must be on it) in `REVIEW`, schedules their verdicts
/// and returns the `MNO_CAMPAIGN_OPERATION_REVIEW` events to send.
pub(crate) fn start(
    sim: &SharedSim,
    registry: &mut Registry,
    campaign_id: &str,
    mno_ids: &[u64],
) -> Vec<Value> {
    let mut events = Vec::new();
    for &mno_id in mno_ids {
        let Some(round) = registry
            .campaigns
            .get_mut(campaign_id)
            .and_then(|c| c.carriers.get_mut(&mno_id))
            .map(|carrier| {
                carrier.round += 1;
                carrier.round
            })
        else {
            continue;
        };
        events.extend(set_status(
            sim,
            registry,
            campaign_id,
            mno_id,
            OperationStatus::Review,
            None,
        ));
        let campaign_id = campaign_id.to_owned();
        after(sim, sim.config.campaign_review_delay, move |sim| {
            decide(sim, &campaign_id, mno_id, round);
        });
    }
    events
}

/// The carrier's verdict, if its review is still the one scheduled: registered, rejected, held,
/// or registered now and suspended one review delay later.
fn decide(sim: &SharedSim, campaign_id: &str, mno_id: u64, round: u64) {
    let (event, verdict) = {
        let mut registry = sim.registry();
        let Some(verdict) = pending_verdict(
            &registry,
            campaign_id,
            mno_id,
            round,
            OperationStatus::Review,
        ) else {
            return;
        };
        let (to, reason) = match verdict {
            Some(CarrierVerdict::Hold) => return,
            Some(CarrierVerdict::Reject(category)) => (
                OperationStatus::Rejected,
                Some((category, default_text(REJECTION_CATEGORIES, category))),
            ),
            None | Some(CarrierVerdict::Suspend(_)) => (OperationStatus::Registered, None),
        };
        (
            set_status(sim, &mut registry, campaign_id, mno_id, to, reason),
            verdict,
        )
    };
    emit_all(sim, event);
    if let Some(CarrierVerdict::Suspend(_)) = verdict {
        let campaign_id = campaign_id.to_owned();
        after(sim, sim.config.campaign_review_delay, move |sim| {
            suspend(sim, &campaign_id, mno_id, round);
        });
    }
}

/// Suspends the campaign on the carrier if it is still registered there from the same review
/// and the description still asks for it.
fn suspend(sim: &SharedSim, campaign_id: &str, mno_id: u64, round: u64) {
    let event = {
        let mut registry = sim.registry();
        let Some(Some(CarrierVerdict::Suspend(category))) = pending_verdict(
            &registry,
            campaign_id,
            mno_id,
            round,
            OperationStatus::Registered,
        ) else {
            return;
        };
        let reason = (category, default_text(SUSPENSION_CATEGORIES, category));
        set_status(
            sim,
            &mut registry,
            campaign_id,
            mno_id,
            OperationStatus::Suspended,
            Some(reason),
        )
    };
    emit_all(sim, event);
}

/// What the description's markers say the carrier does, if the campaign is active and the
/// carrier is still at `expected` from review `round` (`Some(None)`: nothing special).
fn pending_verdict(
    registry: &Registry,
    campaign_id: &str,
    mno_id: u64,
    round: u64,
    expected: OperationStatus,
) -> Option<Option<CarrierVerdict>> {
    let campaign = registry.campaigns.get(campaign_id)?;
    let carrier = campaign.carriers.get(&mno_id)?;
    if !campaign.is_active() || carrier.round != round || carrier.status != expected {
        return None;
    }
    let description = campaign.fields.get("description").unwrap_or_default();
    Some(
        Magic::of_stored(description, Site::CampaignDescription)
            .carriers
            .get(&mno_id)
            .copied(),
    )
}

fn default_text(table: &[(&str, &'static str)], category: &str) -> &'static str {
    table
        .iter()
        .find(|(id, _)| *id == category)
        .map_or("", |(_, text)| text)
}

/// Moves the carrier to `to` and returns the event telling so.
fn set_status(
    sim: &SharedSim,
    registry: &mut Registry,
    campaign_id: &str,
    mno_id: u64,
    to: OperationStatus,
    reason: Option<Reason<'_>>,
) -> Option<Value> {
    let carrier = registry
        .campaigns
        .get_mut(campaign_id)?
        .carriers
        .get_mut(&mno_id)?;
    let from = std::mem::replace(&mut carrier.status, to);
    let (campaign, brand) = registry.campaign_and_brand(campaign_id)?;
    let mno = enums::mno(mno_id)?;
    let id = &campaign.campaign_id;
    let (event_type, description) = match (to, reason) {
        (OperationStatus::Review, _) => {
            ("REVIEW", format!("{} is reviewing campaign {id}", mno.name))
        }
        (OperationStatus::Registered, _) if from == OperationStatus::Suspended => (
            "UNSUSPENDED",
            format!("{} unsuspended campaign {id}", mno.name),
        ),
        (OperationStatus::Registered, _) => {
            ("APPROVED", format!("{} approved campaign {id}", mno.name))
        }
        (OperationStatus::Rejected, reason) => (
            "REJECTED",
            reason_description(mno.name, "rejected", id, reason.unwrap_or_default()),
        ),
        (OperationStatus::Suspended, reason) => (
            "SUSPENDED",
            reason_description(mno.name, "suspended", id, reason.unwrap_or_default()),
        ),
    };
    tracing::info!(
        campaign_id,
        mno_id,
        status = to.as_str(),
        "carrier operation status changed"
    );
    Some(events::mno_event(
        sim,
        &format!("MNO_CAMPAIGN_OPERATION_{event_type}"),
        campaign,
        brand,
        mno,
        description,
    ))
}

/// `<mnoName> <rejected|suspended> campaign <campaignId>: <CATEGORY>: <text>`.
fn reason_description(
    mno: &str,
    verb: &str,
    campaign_id: &str,
    (category, text): Reason<'_>,
) -> String {
    format!("{mno} {verb} campaign {campaign_id}: {category}: {text}")
}

/// A carrier acting out of band: the campaign shows `status` on carrier `mno_id` at once (a
/// review under way no longer counts) and the matching `MNO_CAMPAIGN_OPERATION_*` event goes out.
/// A rejection takes a `rejectionCategory` (default `SAMPLE_MESSAGE`), a suspension a
/// `suspensionCategory` (default `SPAM`); `text` defaults to the category's sentence.
pub(crate) fn act_out_of_band(
    sim: &SharedSim,
    campaign_id: &str,
    mno_id: u64,
    status: &str,
    category: Option<&str>,
    text: Option<&str>,
) -> Result<(), SimHandleError> {
    let to = OperationStatus::parse(status)
        .ok_or_else(|| SimHandleError::UnknownOperationStatus(status.to_owned()))?;
    let reason = match to {
        OperationStatus::Rejected => Some((REJECTION_CATEGORIES, "SAMPLE_MESSAGE")),
        OperationStatus::Suspended => Some((SUSPENSION_CATEGORIES, "SPAM")),
        _ => None,
    }
    .map(|(table, default)| {
        let name = category.unwrap_or(default);
        enums::category(table, name)
            .map(|(id, sentence)| (id, text.unwrap_or(sentence)))
            .ok_or_else(|| SimHandleError::UnknownCategory(name.to_owned()))
    })
    .transpose()?;
    let event = {
        let mut registry = sim.registry();
        let campaign = registry
            .campaigns
            .get_mut(campaign_id)
            .ok_or_else(|| SimHandleError::UnknownCampaign(campaign_id.to_owned()))?;
        if !campaign.is_active() {
            return Err(SimHandleError::ExpiredCampaign(campaign_id.to_owned()));
        }
        let carrier = campaign
            .carriers
            .get_mut(&mno_id)
            .ok_or(SimHandleError::CarrierNotOnCampaign(mno_id))?;
        carrier.round += 1;
        set_status(sim, &mut registry, campaign_id, mno_id, to, reason)
    };
    emit_all(sim, event);
    Ok(())
}
