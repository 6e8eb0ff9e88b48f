//! Beyond registration: external vetting, revet, identity appeals, sole-proprietor OTP and
//! deletion. Each is asked for (recorded), sent to TCR, and its outcome recorded.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::aggregate::{Brand, BrandError};
use super::auth_plus::ResendRefusal;
use super::events::BrandEvent;
use crate::attachment::FileRef;
use crate::metadata::Source;
use crate::tcr::{
    TcrAppeal, TcrAttachment, TcrBrand, TcrError, TcrOtpSent, TcrVetting, TcrVettingAppeal,
};
use crate::values::{
    AppealCategory, AppealStatus, EntityType, IdentityStatus, KnownValue, TcrBrandStatus,
    VettingClass, VettingProvider, VettingStatus,
};

/// Something a customer asks of a registered brand besides a profile change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum BrandAction {
    OrderVetting {
        provider: VettingProvider,
        vetting_class: VettingClass,
    },
    ImportVetting {
        provider: VettingProvider,
        vetting_id: String,
    },
    Revet,
    Appeal {
        categories: Vec<AppealCategory>,
        explanation: Option<String>,
        /// TCR's ids of the evidence files it names.
        #[serde(default)]
        evidence: Vec<String>,
    },
    SendOtp,
    VerifyOtp,
    Delete,
    /// Upload one of the customer's files to TCR as appeal evidence.
    UploadEvidence {
        file: FileRef,
    },
    /// Appeal an external vet, with evidence already at TCR (its attachment ids).
    AppealVetting {
        provider: String,
        vetting_id: String,
        categories: Vec<String>,
        evidence: Vec<String>,
        explanation: Option<String>,
    },
    /// Resend the Authentication+ 2FA e-mail of vet `vetting_id`, asked at `requested_at`.
    ResendAuthPlusEmail {
        vetting_id: String,
        requested_at: DateTime<Utc>,
    },
}

impl BrandAction {
    pub fn name(&self) -> &'static str {
        match self {
            BrandAction::OrderVetting { .. } => "order vetting",
            BrandAction::ImportVetting { .. } => "import vetting",
            BrandAction::Revet => "revet",
            BrandAction::Appeal { .. } => "appeal",
            BrandAction::SendOtp => "send OTP",
            BrandAction::VerifyOtp => "verify OTP",
            BrandAction::Delete => "delete",
            BrandAction::UploadEvidence { .. } => "upload evidence",
            BrandAction::AppealVetting { .. } => "appeal vetting",
            BrandAction::ResendAuthPlusEmail { .. } => "Auth+ e-mail resend",
        }
    }
}

/// What TCR answered to an accepted action.
#[derive(Debug, Clone, PartialEq)]
pub enum BrandActionAnswer {
    None,
    Vetting(TcrVetting),
    OtpSent(TcrOtpSent),
    Brand(TcrBrand),
    /// The file TCR now holds.
    Attachment(TcrAttachment),
}

/// One external vetting as tendlc keeps it (never the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VettingRecord {
    pub provider: String,
    pub vetting_id: String,
    pub vetting_class: Option<VettingClass>,
    pub status: Option<VettingStatus>,
    pub score: Option<i64>,
    pub vetted_date: Option<DateTime<Utc>>,
}

impl VettingRecord {
    pub fn from_tcr(vetting: &TcrVetting) -> VettingRecord {
        VettingRecord {
            provider: vetting.evp_id.clone(),
            vetting_id: vetting.vetting_id.clone(),
            vetting_class: vetting.vetting_class,
            status: vetting.vetting_status,
            score: vetting.vetting_score,
            vetted_date: vetting.vetted_date,
        }
    }
}

impl Brand {
    /// A new action, refused when it cannot apply to this brand.
    pub(super) fn request_action(
        &self,
        action: BrandAction,
    ) -> Result<Vec<BrandEvent>, BrandError> {
        let profile = self.require_registered()?;
        if self.tcr_status.known() == Some(TcrBrandStatus::Deleted) {
            return Err(BrandError::NotApplicable(
                "the brand is deleted at TCR; nothing more can be asked of it".into(),
            ));
        }
        if let Some(pending) = &self.pending_action {
            return Err(BrandError::ActionPending(pending.name()));
        }
        let sole_proprietor = profile.entity_type == EntityType::SoleProprietor;
        let refuse = |why: &str| Err(BrandError::NotApplicable(why.to_string()));
        match &action {
            BrandAction::OrderVetting {
                provider,
                vetting_class,
            } => {
                if sole_proprietor {
                    return refuse("sole proprietors cannot be externally vetted");
                }
                if !provider.can_be_ordered() {
                    return refuse(&format!(
                        "{provider} vettings cannot be ordered through TCR, only imported"
                    ));
                }
                if !provider.classes().contains(vetting_class) {
                    return refuse(&format!(
                        "{provider} does not offer {vetting_class} vetting"
                    ));
                }
                if *vetting_class == VettingClass::AuthPlus {
                    if profile.entity_type != EntityType::PublicProfit {
                        return refuse("Authentication+ is for PUBLIC_PROFIT brands only");
                    }
                    if profile.business_contact_email.is_none() {
                        return refuse("Authentication+ e-mails the business contact: set businessContactEmail first");
                    }
                }
                if profile.website.is_none() {
                    return refuse("TCR needs the brand's website before a vetting can be ordered; add it first");
                }
                if self.vettings.iter().any(|v| {
                    v.provider == provider.as_str()
                        && v.vetting_class == Some(*vetting_class)
                        && matches!(
                            v.status,
                            Some(VettingStatus::Pending | VettingStatus::Unscore)
                        )
                }) {
                    return refuse(&format!(
                        "a {provider} {vetting_class} vetting is already in progress"
                    ));
                }
            }
            BrandAction::ImportVetting { provider, .. } => {
                if sole_proprietor && *provider != VettingProvider::CampaignVerify {
                    return refuse("sole proprietors cannot be externally vetted");
                }
            }
            BrandAction::Revet => {
                if sole_proprietor {
                    return refuse("sole proprietors are verified by OTP, not revetted");
                }
            }
            BrandAction::Appeal { categories, .. } => {
                if categories.is_empty() {
                    return refuse("name at least one appeal category");
                }
                if self.identity_status.known() != Some(IdentityStatus::Unverified) {
                    return refuse("only an UNVERIFIED brand's identity can be appealed");
                }
                if self.appeal_status == Some(AppealStatus::Pending) {
                    return refuse("an appeal of this brand is already pending");
                }
            }
            BrandAction::SendOtp | BrandAction::VerifyOtp => {
                if !sole_proprietor {
                    return refuse("OTP verification is for sole proprietor brands only");
                }
                if self.identity_status.known() == Some(IdentityStatus::Verified) {
                    return refuse("the brand is already VERIFIED");
                }
                if action == BrandAction::VerifyOtp && self.otp_reference_id.is_none() {
                    return refuse("send the OTP first");
                }
            }
            BrandAction::Delete => {}
            // TCR holds it as evidence already: sending it again changes nothing.
            BrandAction::UploadEvidence { file } => {
                if self.evidence.contains(&file.sha256) {
                    return Ok(vec![]);
                }
            }
            BrandAction::AppealVetting {
                provider,
                vetting_id,
                categories,
                ..
            } => {
                if categories.is_empty() {
                    return refuse("name at least one appeal category");
                }
                let Some(vetting) = self
                    .vettings
                    .iter()
                    .find(|v| &v.provider == provider && &v.vetting_id == vetting_id)
                else {
                    return refuse(&format!("the brand has no {provider} vetting {vetting_id}"));
                };
                if matches!(vetting.status, Some(VettingStatus::Pending) | None) {
                    return refuse("only a completed vetting can be appealed");
                }
                if self.pending_vetting_appeals.contains_key(vetting_id) {
                    return refuse("an appeal of this vetting is already pending at TCR");
                }
            }
            BrandAction::ResendAuthPlusEmail {
                vetting_id,
                requested_at,
            } => {
                let Some(auth_plus) = &self.auth_plus else {
                    return refuse("the brand has no Authentication+ vet; order one first (vettingClass AUTHPLUS)");
                };
                if &auth_plus.vetting_id != vetting_id {
                    return refuse(&format!(
                        "the brand's Auth+ vet is {}, not {vetting_id}",
                        auth_plus.vetting_id
                    ));
                }
                auth_plus
                    .check_resend(*requested_at)
                    .map_err(|refusal| match refusal {
                        ResendRefusal::NotApplicable(why) => BrandError::NotApplicable(why),
                        ResendRefusal::TooSoon {
                            message,
                            retry_after,
                        } => BrandError::TooSoon {
                            message,
                            retry_after,
                        },
                    })?;
            }
        }
        Ok(vec![BrandEvent::BrandActionRequested { action }])
    }

    pub(super) fn action_accepted(
        &self,
        answer: BrandActionAnswer,
    ) -> Result<Vec<BrandEvent>, BrandError> {
        let action = self
            .pending_action
            .clone()
            .ok_or(BrandError::NoActionPending)?;
        let mut events = vec![];
        match (action, answer) {
            (BrandAction::OrderVetting { .. }, BrandActionAnswer::Vetting(vetting)) => {
                events.push(BrandEvent::BrandVettingRecorded {
                    vetting: VettingRecord::from_tcr(&vetting),
                    imported: false,
                    billed: true,
                });
            }
            (BrandAction::ImportVetting { .. }, BrandActionAnswer::Vetting(vetting)) => {
                events.push(BrandEvent::BrandVettingRecorded {
                    vetting: VettingRecord::from_tcr(&vetting),
                    imported: true,
                    billed: false,
                });
            }
            (BrandAction::Revet, answer) => {
                events.push(BrandEvent::BrandRevetted);
                if let BrandActionAnswer::Brand(tcr) = answer {
                    events.extend(self.identity_change(tcr.identity_status, Source::Api));
                }
            }
            (
                BrandAction::Appeal {
                    categories,
                    explanation,
                    evidence,
                },
                _,
            ) => {
                events.push(BrandEvent::BrandAppealFiled {
                    categories,
                    explanation,
                    evidence,
                });
            }
            (BrandAction::SendOtp, BrandActionAnswer::OtpSent(sent)) => {
                events.push(BrandEvent::BrandOtpSent {
                    reference_id: sent.reference_id,
                });
            }
            (BrandAction::VerifyOtp, _) => events.push(BrandEvent::BrandOtpVerified),
            (BrandAction::Delete, _) => events.push(BrandEvent::BrandDeleted {
                source: Source::Api,
            }),
            (BrandAction::UploadEvidence { file }, BrandActionAnswer::Attachment(attachment)) => {
                events.push(BrandEvent::BrandEvidenceUploaded {
                    file,
                    attachment_id: attachment.uuid,
                });
            }
            (
                BrandAction::AppealVetting {
                    provider,
                    vetting_id,
                    categories,
                    evidence,
                    explanation,
                },
                _,
            ) => events.push(BrandEvent::BrandVettingAppealFiled {
                provider,
                vetting_id,
                categories,
                evidence,
                explanation,
            }),
            (
                BrandAction::ResendAuthPlusEmail {
                    vetting_id,
                    requested_at,
                },
                _,
            ) => events.push(BrandEvent::BrandAuthPlusEmailResent {
                vetting_id,
                sent_at: requested_at,
            }),
            (action, answer) => {
                return Err(BrandError::NotApplicable(format!(
                    "TCR's answer {answer:?} does not fit the pending {}",
                    action.name()
                )))
            }
        }
        Ok(events)
    }

    pub(super) fn action_failed(&self, error: &TcrError) -> Result<Vec<BrandEvent>, BrandError> {
        let action = self
            .pending_action
            .as_ref()
            .ok_or(BrandError::NoActionPending)?;
        let (reason, message, tcr_errors, retryable) = error.record_parts();
        Ok(vec![BrandEvent::BrandActionFailed {
            action: action.name().to_string(),
            reason,
            message,
            tcr_errors,
            retryable,
        }])
    }

    /// Whether an appeal of an external vet waits for TCR's decision.
    pub fn vetting_appeal_pending(&self) -> bool {
        !self.pending_vetting_appeals.is_empty()
    }

    /// TCR's decisions on the vet appeals we filed and hold pending, each recorded once (the
    /// latest appeal TCR lists for the vet, once COMPLETE).
    pub(super) fn observe_vetting_appeals(
        &self,
        appeals: &[TcrVettingAppeal],
        source: Source,
    ) -> Vec<BrandEvent> {
        self.pending_vetting_appeals
            .iter()
            .filter_map(|(vetting_id, provider)| {
                let decided = appeals
                    .iter()
                    .rev()
                    .find(|a| a.vetting_id.as_deref() == Some(vetting_id.as_str()))
                    .filter(|a| a.appeal_status == "COMPLETE")?;
                let outcome = decided.appeal_outcome.as_ref();
                let field = |name: &str| outcome.and_then(|o| o.get(name));
                Some(BrandEvent::BrandVettingAppealCompleted {
                    provider: provider.clone(),
                    vetting_id: vetting_id.clone(),
                    vet_status: field("vetStatus").and_then(|v| v.as_str()).map(Into::into),
                    vet_score: field("vetScore")
                        .and_then(|v| v.as_u64())
                        .and_then(|score| u32::try_from(score).ok()),
                    reasons: field("feedback")
                        .and_then(|f| f.get("reasons"))
                        .and_then(|r| r.as_array())
                        .map(|reasons| reasons.iter().filter_map(reason_text).collect())
                        .unwrap_or_default(),
                    source,
                })
            })
            .collect()
    }

    /// Compares TCR's vettings and latest appeal with ours; records each change once.
    pub(super) fn observe_identity_records(
        &self,
        vettings: &[TcrVetting],
        appeal: Option<&TcrAppeal>,
        source: Source,
        observed_at: DateTime<Utc>,
    ) -> Result<Vec<BrandEvent>, BrandError> {
        self.require_registered()?;
        let mut events = vec![];
        for vetting in vettings {
            let theirs = VettingRecord::from_tcr(vetting);
            match self
                .vettings
                .iter()
                .find(|v| v.vetting_id == theirs.vetting_id)
            {
                // Not imported through us: ordered through TCR (here or in its portal), so billed.
                None => events.push(BrandEvent::BrandVettingRecorded {
                    vetting: theirs,
                    imported: false,
                    billed: true,
                }),
                Some(ours) if ours.status != theirs.status || ours.score != theirs.score => {
                    if let Some(to) = theirs.status {
                        events.push(BrandEvent::BrandVettingStatusChanged {
                            vetting_id: theirs.vetting_id,
                            provider: theirs.provider,
                            from: ours.status,
                            to,
                            score: theirs.score,
                            source,
                            observed_at,
                        });
                    }
                }
                Some(_) => {}
            }
        }
        if let Some(appeal) = appeal {
            if self.appeal_status == Some(AppealStatus::Pending)
                && appeal.appeal_status == AppealStatus::Complete
            {
                events.push(BrandEvent::BrandAppealCompleted {
                    outcome: appeal
                        .appeal_outcome
                        .as_ref()
                        .and_then(|o| o.vet_status.clone()),
                    source,
                });
            }
        }
        Ok(events)
    }
}

/// A provider's reason as TCR lists it: a text, or an object with its description.
fn reason_text(reason: &serde_json::Value) -> Option<String> {
    reason
        .as_str()
        .or_else(|| {
            ["description", "displayName", "id"]
                .iter()
                .find_map(|key| reason.get(key).and_then(|v| v.as_str()))
        })
        .map(Into::into)
}
