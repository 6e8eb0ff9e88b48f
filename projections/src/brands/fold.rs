//! A brand's rows as a fold of its events, one function per group of events: registration,
//! profile changes, what TCR reports (sync), identity actions, vettings.
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tendlc_domain::brand::{
    tcr_status_when_submitted, AuthPlus, BrandEvent, BrandProfile, RegistrationStatus,
};
use tendlc_domain::metadata::Source;
use tendlc_domain::values::{AppealStatus, Reported, TcrBrandStatus};
use uuid::Uuid;

use super::{BrandRow, BrandRows, VettingRow};
use crate::documents::{failed, merged, postgres_json_time};
use crate::fold::{EventContext, Fold};

/// Appends to a JSON list column.
/// An appeal's evidence as the brand's own `evidence` names it: each of TCR's attachment ids
/// with the file's SHA-256 (what the customer sent it by), when the brand sent it.
fn evidence_named(brand_evidence: &Value, attachment_ids: &[String]) -> Value {
    let digest_of = |id: &str| {
        brand_evidence.as_array().and_then(|items| {
            items
                .iter()
                .find(|item| item["attachmentId"] == id)
                .map(|item| item["sha256"].clone())
        })
    };
    attachment_ids
        .iter()
        .map(|id| json!({"attachmentId": id, "sha256": digest_of(id)}))
        .collect()
}

fn push(list: &mut Value, item: Value) {
    match list.as_array_mut() {
        Some(items) => items.push(item),
        None => *list = json!([item]),
    }
}

/// The failure an event records, as the API shows it.
fn failure_of(event: &BrandEvent, at: &EventContext) -> Option<Value> {
    let at = at.recorded_at;
    failed!(event, BrandEvent::BrandSubmissionFailed, None, at)
        .or_else(|| failed!(event, BrandEvent::BrandUpdateFailed, None, at))
        .or_else(|| failed!(event, BrandEvent::BrandActionFailed, own action, at))
}

impl Fold for BrandRows {
    type Id = Uuid;
    type Event = BrandEvent;

    fn start(id: &Uuid, event: &BrandEvent, at: &EventContext) -> Result<Self, String> {
        let BrandEvent::BrandRegistrationRequested {
            customer_id,
            reference_id,
            brand_relationship,
            profile,
            ..
        } = event
        else {
            return Err("a brand event before the brand was requested".into());
        };
        let mut brand = BrandRow {
            brand_id: *id,
            customer_id: customer_id.as_uuid(),
            reference_id: reference_id.clone(),
            tcr_brand_id: None,
            status: RegistrationStatus::Pending,
            tcr_status: None,
            identity_status: None,
            brand_relationship: *brand_relationship,
            entity_type: profile.entity_type,
            display_name: String::new(),
            company_name: None,
            ein: None,
            country: String::new(),
            state: None,
            email: String::new(),
            website: None,
            vertical: None,
            profile: profile.clone(),
            pending_update: None,
            last_error: None,
            submission_attempts: 0,
            last_attempt_at: None,
            last_synced_at: None,
            sync_source: None,
            created_at: at.recorded_at,
            updated_at: at.recorded_at,
            last_sequence: at.sequence,
            pending_action: None,
            appeal_status: None,
            appeal: None,
            evidence: json!([]),
            vetting_appeals: json!([]),
            otp_reference_id: None,
            otp_verified_at: None,
            auth_plus: None,
        };
        brand.set_profile(profile);
        Ok(BrandRows {
            brand,
            vettings: Vec::new(),
        })
    }

    fn apply(&mut self, event: &BrandEvent, at: &EventContext) {
        self.brand.last_sequence = at.sequence;
        if event.ends_pending_action() {
            self.brand.pending_action = None;
        }
        AuthPlus::follow(&mut self.brand.auth_plus, event);
        match event {
            // Starts the rows; never seen again.
            BrandEvent::BrandRegistrationRequested { .. } => {}
            BrandEvent::BrandSubmittedToTcr { .. }
            | BrandEvent::BrandSubmissionFailed { .. }
            | BrandEvent::BrandSubmissionAbandoned { .. } => self.brand.registration(event, at),
            BrandEvent::BrandUpdateRequested { .. }
            | BrandEvent::BrandUpdated { .. }
            | BrandEvent::BrandUpdateFailed { .. } => self.brand.profile_change(event, at),
            BrandEvent::BrandIdentityStatusChanged { .. }
            | BrandEvent::BrandTcrStatusChanged { .. }
            | BrandEvent::BrandSyncConfirmed { .. }
            | BrandEvent::BrandDeleted { .. } => self.brand.sync(event, at),
            BrandEvent::BrandActionRequested { .. }
            | BrandEvent::BrandActionFailed { .. }
            | BrandEvent::BrandRevetted
            | BrandEvent::BrandAppealFiled { .. }
            | BrandEvent::BrandAppealCompleted { .. }
            | BrandEvent::BrandOtpSent { .. }
            | BrandEvent::BrandOtpVerified
            | BrandEvent::BrandEvidenceUploaded { .. }
            | BrandEvent::BrandVettingAppealFiled { .. }
            | BrandEvent::BrandVettingAppealCompleted { .. }
            | BrandEvent::BrandAuthPlusEmailResent { .. } => self.brand.identity_action(event, at),
            BrandEvent::BrandVettingRecorded { .. }
            | BrandEvent::BrandVettingStatusChanged { .. } => self.vetting(event, at),
        }
    }

    fn last_sequence(&self) -> i64 {
        self.brand.last_sequence
    }
}

impl BrandRow {
    /// TCR took the brand, did not, or the retries gave up.
    fn registration(&mut self, event: &BrandEvent, at: &EventContext) {
        self.updated_at = at.recorded_at;
        match event {
            BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id,
                tcr_status,
                identity_status,
                ..
            } => {
                self.status = RegistrationStatus::Registered;
                self.tcr_brand_id = Some(tcr_brand_id.as_str().to_string());
                self.tcr_status = Some(tcr_status_when_submitted(tcr_status.clone()));
                self.identity_status = identity_status.clone();
                self.last_error = None;
                self.attempted(at);
                self.synced(at.recorded_at, at.source);
            }
            BrandEvent::BrandSubmissionFailed { retryable, .. } => {
                self.status = self.status.after_failure(*retryable);
                self.last_error = failure_of(event, at);
                self.attempted(at);
            }
            BrandEvent::BrandSubmissionAbandoned { attempts, reason } => {
                self.status = RegistrationStatus::Abandoned;
                self.last_error = Some(merged(
                    self.last_error.take(),
                    json!({"abandoned": reason, "attempts": attempts}),
                ));
            }
            _ => {}
        }
    }

    /// A profile change asked for, and TCR's answer.
    fn profile_change(&mut self, event: &BrandEvent, at: &EventContext) {
        self.updated_at = at.recorded_at;
        match event {
            BrandEvent::BrandUpdateRequested { profile, .. } => {
                self.pending_update = Some(profile.clone());
            }
            BrandEvent::BrandUpdated { profile, .. } => {
                self.set_profile(profile);
                self.pending_update = None;
                self.last_error = None;
                self.synced(at.recorded_at, at.source);
            }
            BrandEvent::BrandUpdateFailed { .. } => {
                self.pending_update = None;
                self.last_error = failure_of(event, at);
            }
            _ => {}
        }
    }

    /// What TCR says of the brand: a status it reports, the deletion it made, or that nothing
    /// changed (which moves when the brand was synced, not when it changed).
    fn sync(&mut self, event: &BrandEvent, at: &EventContext) {
        match event {
            BrandEvent::BrandIdentityStatusChanged {
                to,
                source,
                observed_at,
                ..
            } => {
                self.identity_status = Some(to.clone());
                self.synced(observed_at.unwrap_or(at.recorded_at), *source);
                self.updated_at = at.recorded_at;
            }
            BrandEvent::BrandTcrStatusChanged {
                to,
                source,
                observed_at,
                ..
            } => {
                self.tcr_status = Some(to.clone());
                self.synced(*observed_at, *source);
                self.updated_at = at.recorded_at;
            }
            BrandEvent::BrandSyncConfirmed {
                source,
                observed_at,
            } => self.synced(*observed_at, *source),
            BrandEvent::BrandDeleted { source } => {
                self.tcr_status = Some(TcrBrandStatus::Deleted.into());
                self.synced(at.recorded_at, *source);
                self.updated_at = at.recorded_at;
            }
            _ => {}
        }
    }

    /// Revets, appeals and OTP steps (and vetting orders) asked for, answered or failed.
    fn identity_action(&mut self, event: &BrandEvent, at: &EventContext) {
        self.updated_at = at.recorded_at;
        match event {
            BrandEvent::BrandActionRequested { action } => {
                self.pending_action = Some(action.clone());
            }
            BrandEvent::BrandActionFailed { .. } => self.last_error = failure_of(event, at),
            BrandEvent::BrandAppealFiled {
                categories,
                explanation,
                evidence,
            } => {
                self.appeal_status = Some(AppealStatus::Pending);
                self.appeal = Some(json!({
                    "categories": categories, "explanation": explanation,
                    "evidence": evidence_named(&self.evidence, evidence),
                    "filedAt": at.recorded_at,
                }));
            }
            BrandEvent::BrandAppealCompleted { outcome, source } => {
                self.appeal_status = Some(AppealStatus::Complete);
                self.appeal = Some(merged(
                    self.appeal.take(),
                    json!({"outcome": outcome, "completedAt": postgres_json_time(at.recorded_at)}),
                ));
                self.synced(at.recorded_at, *source);
            }
            BrandEvent::BrandOtpSent { reference_id } => {
                self.otp_reference_id = Some(reference_id.clone());
            }
            BrandEvent::BrandEvidenceUploaded {
                file,
                attachment_id,
            } => push(
                &mut self.evidence,
                json!({
                    "sha256": file.sha256, "sizeBytes": file.size_bytes,
                    "contentType": file.content_type, "attachmentId": attachment_id,
                    "uploadedAt": postgres_json_time(at.recorded_at),
                }),
            ),
            BrandEvent::BrandVettingAppealFiled {
                provider,
                vetting_id,
                categories,
                evidence,
                explanation,
            } => push(
                &mut self.vetting_appeals,
                json!({
                    "provider": provider, "vettingId": vetting_id, "categories": categories,
                    "evidence": evidence_named(&self.evidence, evidence),
                    "explanation": explanation, "status": "PENDING",
                    "filedAt": postgres_json_time(at.recorded_at),
                }),
            ),
            BrandEvent::BrandVettingAppealCompleted {
                vetting_id,
                vet_status,
                vet_score,
                reasons,
                source,
                ..
            } => {
                // The vet's latest appeal still waiting for TCR's decision.
                let waiting = self.vetting_appeals.as_array_mut().and_then(|appeals| {
                    appeals.iter_mut().rev().find(|a| {
                        a["vettingId"] == json!(vetting_id) && a["status"] != json!("COMPLETE")
                    })
                });
                if let Some(appeal) = waiting {
                    *appeal = merged(
                        Some(appeal.take()),
                        json!({
                            "status": "COMPLETE",
                            "outcome": {"vetStatus": vet_status, "vetScore": vet_score, "reasons": reasons},
                            "completedAt": postgres_json_time(at.recorded_at),
                        }),
                    );
                }
                self.synced(at.recorded_at, *source);
            }
            BrandEvent::BrandOtpVerified => self.otp_verified_at = Some(at.recorded_at),
            _ => {}
        }
    }

    /// The profile, and its main fields as columns (spelled as the draft spells them).
    fn set_profile(&mut self, profile: &BrandProfile) {
        let draft = profile.to_draft();
        self.entity_type = profile.entity_type;
        self.display_name = draft.display_name.unwrap_or_default();
        self.company_name = draft.company_name;
        self.ein = draft.ein;
        self.country = draft.country.unwrap_or_default();
        self.state = draft.state;
        self.email = draft.email.unwrap_or_default();
        self.website = draft.website;
        self.vertical = profile.vertical;
        self.profile = profile.clone();
    }

    fn attempted(&mut self, at: &EventContext) {
        self.submission_attempts += 1;
        self.last_attempt_at = Some(at.recorded_at);
    }

    fn synced(&mut self, when: DateTime<Utc>, source: Source) {
        self.last_synced_at = Some(when);
        self.sync_source = Some(source);
    }
}

impl BrandRows {
    /// A vetting TCR holds (ordered, imported or first seen), and how it moves.
    fn vetting(&mut self, event: &BrandEvent, at: &EventContext) {
        match event {
            BrandEvent::BrandVettingRecorded {
                vetting, imported, ..
            } => {
                self.brand.updated_at = at.recorded_at;
                let row = match self
                    .vettings
                    .iter_mut()
                    .find(|v| v.vetting_id == vetting.vetting_id)
                {
                    Some(row) => row,
                    None => {
                        self.vettings.push(VettingRow {
                            brand_id: self.brand.brand_id,
                            vetting_id: vetting.vetting_id.clone(),
                            customer_id: self.brand.customer_id,
                            provider: Reported::parse(&vetting.provider),
                            vetting_class: vetting.vetting_class.map(Reported::from),
                            status: None,
                            score: None,
                            vetted_date: None,
                            imported: *imported,
                            last_synced_at: None,
                            sync_source: None,
                            created_at: at.recorded_at,
                            updated_at: at.recorded_at,
                            last_sequence: at.sequence,
                        });
                        self.vettings.last_mut().expect("just pushed")
                    }
                };
                row.status = vetting.status.map(Reported::from);
                row.score = vetting.score.map(|score| score as i32);
                row.vetted_date = vetting.vetted_date;
                row.moved(at.recorded_at, at.source, at);
            }
            BrandEvent::BrandVettingStatusChanged {
                vetting_id,
                to,
                score,
                source,
                observed_at,
                ..
            } => {
                if let Some(row) = self
                    .vettings
                    .iter_mut()
                    .find(|v| &v.vetting_id == vetting_id)
                {
                    row.status = Some((*to).into());
                    // A change without a score keeps the score TCR gave before.
                    row.score = score.map(|score| score as i32).or(row.score);
                    row.moved(*observed_at, *source, at);
                }
            }
            _ => {}
        }
    }
}

impl VettingRow {
    fn moved(&mut self, synced_at: DateTime<Utc>, source: Source, at: &EventContext) {
        self.last_synced_at = Some(synced_at);
        self.sync_source = Some(source);
        self.updated_at = at.recorded_at;
        self.last_sequence = at.sequence;
    }
}
