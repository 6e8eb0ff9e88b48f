//! A campaign's rows as a fold of its events, one function per group of events: registration,
//! actions, what TCR reports (sync: statuses, carriers, billing, sharing); then the carriers.
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tendlc_domain::attachment::AttachmentUse;
use tendlc_domain::brand::RegistrationStatus;
use tendlc_domain::campaign::{CampaignEvent, Mno};
use tendlc_domain::metadata::Source;
use tendlc_domain::values::{CnpMigrationStatus, Reported, SharingStatus, TcrCampaignStatus};
use uuid::Uuid;

use super::{CampaignRow, CampaignRows, CarrierRow};
use crate::documents::{failed, postgres_json_time};
use crate::fold::{EventContext, Fold};

/// When and how an event learnt TCR's state, if it did.
fn sync_of(event: &CampaignEvent, at: &EventContext) -> Option<(Source, DateTime<Utc>)> {
    match event {
        CampaignEvent::CampaignSubmittedToTcr { .. } => Some((Source::Api, at.recorded_at)),
        CampaignEvent::CampaignMnoStatusChanged {
            source,
            observed_at,
            ..
        }
        | CampaignEvent::CampaignTcrStatusChanged {
            source,
            observed_at,
            ..
        }
        | CampaignEvent::CampaignSyncConfirmed {
            source,
            observed_at,
        } => Some((*source, *observed_at)),
        CampaignEvent::CampaignBillingChanged { source, .. }
        | CampaignEvent::CampaignSharingChanged { source, .. }
        | CampaignEvent::CampaignCnpMigrationChanged { source, .. }
        | CampaignEvent::CampaignCnpMigrationNotStarted { source, .. }
        | CampaignEvent::CampaignDeactivated { source } => Some((*source, at.recorded_at)),
        _ => None,
    }
}

/// The failure an event records, as the API shows it (a failed registration is the
/// `register` action's).
fn failure_of(event: &CampaignEvent, at: &EventContext) -> Option<Value> {
    let at = at.recorded_at;
    failed!(
        event,
        CampaignEvent::CampaignSubmissionFailed,
        Some("register"),
        at
    )
    .or_else(|| failed!(event, CampaignEvent::CampaignActionFailed, own action, at))
}

impl Fold for CampaignRows {
    type Id = Uuid;
    type Event = CampaignEvent;

    fn start(id: &Uuid, event: &CampaignEvent, at: &EventContext) -> Result<Self, String> {
        let campaign = match event {
            CampaignEvent::CampaignRegistrationRequested {
                customer_id,
                brand_id,
                tcr_brand_id,
                reference_id,
                profile,
                qualification,
                ..
            } => CampaignRow {
                campaign_id: *id,
                created_at: at.recorded_at,
                updated_at: at.recorded_at,
                last_sequence: at.sequence,
                customer_id: customer_id.as_uuid(),
                brand_id: brand_id.as_uuid(),
                tcr_brand_id: tcr_brand_id.as_str().to_string(),
                reference_id: reference_id.clone(),
                tcr_campaign_id: None,
                status: RegistrationStatus::Pending,
                tcr_status: None,
                usecase: profile.usecase.clone(),
                profile: profile.clone(),
                qualification: qualification.clone(),
                mno_terms: Default::default(),
                pending_action: None,
                last_error: None,
                monthly_fee: qualification.monthly_fee,
                billed_date: None,
                next_renewal_date: None,
                sharing_status: None,
                upstream_cnp_id: None,
                sharing_explanation: None,
                cnp_migration: None,
                mms_media: json!([]),
                supporting_documents: json!([]),
                submission_attempts: 0,
                last_attempt_at: None,
                last_synced_at: None,
                sync_source: None,
            },
            _ => return Err("a campaign event before its registration request".into()),
        };
        let mut rows = CampaignRows {
            campaign,
            carriers: Vec::new(),
        };
        rows.carriers_follow(event, at);
        Ok(rows)
    }

    fn apply(&mut self, event: &CampaignEvent, at: &EventContext) {
        let campaign = &mut self.campaign;
        campaign.last_sequence = at.sequence;
        campaign.updated_at = at.recorded_at;
        if event.ends_pending_action(campaign.pending_action.as_ref()) {
            campaign.pending_action = None;
        }
        if let Some((source, when)) = sync_of(event, at) {
            campaign.last_synced_at = Some(when);
            campaign.sync_source = Some(source);
        }
        match event {
            // Starts the rows; never seen again.
            CampaignEvent::CampaignRegistrationRequested { .. } => {}
            CampaignEvent::CampaignSubmittedToTcr { .. }
            | CampaignEvent::CampaignSubmissionFailed { .. }
            | CampaignEvent::CampaignSubmissionAbandoned { .. } => campaign.registration(event, at),
            CampaignEvent::CampaignActionRequested { .. }
            | CampaignEvent::CampaignActionFailed { .. }
            | CampaignEvent::CampaignUpdated { .. }
            | CampaignEvent::CampaignDeactivated { .. }
            | CampaignEvent::CampaignResubmitted { .. }
            | CampaignEvent::CampaignNudged { .. }
            | CampaignEvent::CampaignFileAttached { .. } => campaign.action(event, at),
            CampaignEvent::CampaignCnpMigrationChanged { .. } => campaign.migration(event, at),
            // The failed request stays the campaign's last error: it did not happen.
            CampaignEvent::CampaignCnpMigrationNotStarted { .. } => {}
            CampaignEvent::CampaignSharingChanged { .. }
            | CampaignEvent::CampaignMnoStatusChanged { .. }
            | CampaignEvent::CampaignTcrStatusChanged { .. }
            | CampaignEvent::CampaignBillingChanged { .. }
            | CampaignEvent::CampaignSyncConfirmed { .. } => campaign.sync(event),
        }
        self.carriers_follow(event, at);
    }

    fn last_sequence(&self) -> i64 {
        self.campaign.last_sequence
    }
}

impl CampaignRow {
    /// TCR took the campaign, did not, or the retries gave up.
    fn registration(&mut self, event: &CampaignEvent, at: &EventContext) {
        match event {
            CampaignEvent::CampaignSubmittedToTcr {
                tcr_campaign_id,
                mno_terms,
                ..
            } => {
                self.status = RegistrationStatus::Registered;
                self.tcr_campaign_id = Some(tcr_campaign_id.as_str().to_string());
                self.tcr_status = Some(TcrCampaignStatus::Active.into());
                self.mno_terms = mno_terms.clone();
                self.last_error = None;
                self.attempted(at);
            }
            CampaignEvent::CampaignSubmissionFailed { retryable, .. } => {
                self.status = self.status.after_failure(*retryable);
                self.last_error = failure_of(event, at);
                self.attempted(at);
            }
            CampaignEvent::CampaignSubmissionAbandoned { attempts, reason } => {
                self.status = RegistrationStatus::Abandoned;
                self.last_error = Some(json!({
                    "action": "register", "abandoned": reason, "attempts": attempts, "at": at.recorded_at,
                }));
            }
            _ => {}
        }
    }

    /// A change, deactivation, resubmission, nudge or sharing asked for, and TCR's answer
    /// (an answer clears the last failure).
    fn action(&mut self, event: &CampaignEvent, at: &EventContext) {
        match event {
            CampaignEvent::CampaignActionRequested { action } => {
                self.pending_action = Some(action.clone());
            }
            CampaignEvent::CampaignActionFailed { .. } => self.last_error = failure_of(event, at),
            CampaignEvent::CampaignUpdated { profile, .. } => {
                self.profile = profile.clone();
                self.last_error = None;
            }
            CampaignEvent::CampaignDeactivated { .. } => {
                self.tcr_status = Some(TcrCampaignStatus::Expired.into());
                self.last_error = None;
            }
            CampaignEvent::CampaignResubmitted { mno_terms, .. } => {
                self.mno_terms.extend(mno_terms.clone());
                self.last_error = None;
            }
            CampaignEvent::CampaignNudged { .. } => self.last_error = None,
            CampaignEvent::CampaignFileAttached {
                purpose,
                file,
                attachment_id,
            } => {
                let list = match purpose {
                    AttachmentUse::MmsSample => &mut self.mms_media,
                    _ => &mut self.supporting_documents,
                };
                let item = json!({
                    "sha256": file.sha256, "sizeBytes": file.size_bytes,
                    "contentType": file.content_type, "attachmentId": attachment_id,
                    "attachedAt": postgres_json_time(at.recorded_at),
                });
                match list.as_array_mut() {
                    Some(items) => items.push(item),
                    None => *list = json!([item]),
                }
                self.last_error = None;
            }
            _ => {}
        }
    }

    /// What TCR reports of the campaign itself (its carriers follow in `carriers_follow`).
    fn sync(&mut self, event: &CampaignEvent) {
        match event {
            CampaignEvent::CampaignSharingChanged {
                upstream_cnp_id,
                to,
                explanation,
                ..
            } => {
                self.sharing_status = Some(to.clone());
                self.upstream_cnp_id = upstream_cnp_id.clone();
                // TCR says "" for no explanation (recorded so before tendlc took it for none).
                self.sharing_explanation = explanation.clone().filter(|e| !e.trim().is_empty());
            }
            CampaignEvent::CampaignTcrStatusChanged { to, .. } => {
                self.tcr_status = Some(to.clone());
            }
            CampaignEvent::CampaignBillingChanged { billing, .. } => {
                self.monthly_fee = billing.monthly_fee;
                self.billed_date = billing.billed_date;
                self.next_renewal_date = billing.next_renewal_or_expiration_date;
            }
            _ => {}
        }
    }

    /// A CNP migration started, was cancelled or completed (the campaign is then with the new
    /// partner, as the aggregate holds it).
    fn migration(&mut self, event: &CampaignEvent, at: &EventContext) {
        let CampaignEvent::CampaignCnpMigrationChanged {
            upstream_cnp_id,
            to,
            cancellation_reason,
            source,
            ..
        } = event
        else {
            return;
        };
        if *to == CnpMigrationStatus::Completed {
            self.sharing_status = Some(SharingStatus::Accepted.into());
            self.upstream_cnp_id = Some(upstream_cnp_id.clone());
            self.sharing_explanation = None;
        }
        // Our own request answered, or a start adopted after its answer was lost.
        if *source == Source::Api || *to == CnpMigrationStatus::Active {
            self.last_error = None;
        }
        self.cnp_migration = Some(json!({
            "upstreamCnpId": upstream_cnp_id,
            "status": to,
            "cancellationReason": cancellation_reason,
            "changedAt": postgres_json_time(at.recorded_at),
            "source": source.as_str(),
        }));
    }

    fn attempted(&mut self, at: &EventContext) {
        self.submission_attempts += 1;
        self.last_attempt_at = Some(at.recorded_at);
    }
}

impl CampaignRows {
    /// Each carrier the campaign is sent to has a row; a carrier's verdict changes its row, and
    /// what the event learnt of TCR stamps every carrier as synced.
    fn carriers_follow(&mut self, event: &CampaignEvent, at: &EventContext) {
        let campaign = &self.campaign;
        for mno in &campaign.profile.mno_ids {
            if !self.carriers.iter().any(|c| c.mno_id == *mno) {
                self.carriers.push(CarrierRow::new(campaign, *mno, at));
            }
        }
        let verdict = event.carrier_verdict();
        let sync = sync_of(event, at);
        let sent_to = &campaign.profile.mno_ids;
        for carrier in self.carriers.iter_mut() {
            if !sent_to.contains(&carrier.mno_id) {
                continue;
            }
            if let Some((_, state)) = verdict.as_ref().filter(|(mno, _)| *mno == carrier.mno_id) {
                carrier.status = Some(state.status.clone());
                carrier.reason_category = state.reason.as_ref().and_then(|r| r.category.clone());
                carrier.reason_text = state.reason.as_ref().map(|r| r.text.clone());
                carrier.changed_at = sync.map(|(_, when)| when);
            }
            if let Some((source, when)) = sync {
                carrier.last_synced_at = Some(when);
                carrier.sync_source = Some(source);
            }
            carrier.last_sequence = at.sequence;
        }
    }
}

impl CarrierRow {
    /// A carrier the campaign was sent to, before it reports.
    fn new(campaign: &CampaignRow, mno: Mno, at: &EventContext) -> CarrierRow {
        CarrierRow {
            campaign_id: campaign.campaign_id,
            mno_id: mno,
            customer_id: campaign.customer_id,
            mno_name: mno.name().to_string(),
            status: None::<Reported<_>>,
            reason_category: None,
            reason_text: None,
            changed_at: None,
            last_synced_at: None,
            sync_source: None,
            last_sequence: at.sequence,
        }
    }
}
