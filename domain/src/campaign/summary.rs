//! One line per campaign event, saying what happened in words an operator or auditor reads.
use super::events::{CampaignAction, CampaignEvent};
use crate::brand::summary::{failure, moved};

fn carriers(mnos: &[super::carriers::Mno]) -> String {
    mnos.iter()
        .map(|m| format!("{} ({})", m.name(), m.0))
        .collect::<Vec<_>>()
        .join(", ")
}

impl CampaignEvent {
    /// What happened, in one line.
    pub fn summary(&self) -> String {
        match self {
            CampaignEvent::CampaignRegistrationRequested {
                tcr_brand_id,
                qualification,
                ..
            } => format!(
                "registration requested for brand {tcr_brand_id} (use case {}, qualified by TCR)",
                qualification.usecase
            ),
            CampaignEvent::CampaignSubmittedToTcr {
                tcr_campaign_id,
                adopted,
                ..
            } => {
                if *adopted {
                    format!("found at TCR by its reference and adopted as {tcr_campaign_id}")
                } else {
                    format!("registered at TCR as {tcr_campaign_id}")
                }
            }
            CampaignEvent::CampaignSubmissionFailed {
                message,
                tcr_errors,
                retryable,
                ..
            } => format!(
                "registration not taken by TCR: {}",
                failure(message, tcr_errors, *retryable)
            ),
            CampaignEvent::CampaignSubmissionAbandoned { attempts, reason } => {
                format!("retries gave up after {attempts} attempts: {reason}")
            }
            CampaignEvent::CampaignActionRequested { action } => match action {
                CampaignAction::Update { changed_fields, .. } => {
                    format!("change requested: {}", changed_fields.join(", "))
                }
                CampaignAction::Resubmit { mno_ids } => {
                    format!("resubmission requested to {}", carriers(mno_ids))
                }
                other => format!("{} requested", other.name()),
            },
            CampaignEvent::CampaignActionFailed {
                action,
                message,
                tcr_errors,
                retryable,
                ..
            } => format!(
                "{action} not taken by TCR: {}",
                failure(message, tcr_errors, *retryable)
            ),
            CampaignEvent::CampaignUpdated { changed_fields, .. } => {
                format!("change accepted by TCR: {}", changed_fields.join(", "))
            }
            CampaignEvent::CampaignDeactivated { source } => {
                format!("deactivated at TCR (seen by {})", source.as_str())
            }
            CampaignEvent::CampaignResubmitted { mno_ids, .. } => {
                format!("resubmitted by TCR to {}", carriers(mno_ids))
            }
            CampaignEvent::CampaignNudged { intent, .. } => {
                format!("nudge {intent} passed on by TCR")
            }
            CampaignEvent::CampaignFileAttached {
                purpose,
                file,
                attachment_id,
            } => format!(
                "{} {} ({}, {} bytes) held by TCR as {attachment_id}",
                match purpose {
                    crate::attachment::AttachmentUse::MmsSample => "MMS sample",
                    crate::attachment::AttachmentUse::SupportingDocument => "supporting document",
                    crate::attachment::AttachmentUse::AppealEvidence => "evidence",
                },
                file.sha256,
                file.content_type,
                file.size_bytes
            ),
            CampaignEvent::CampaignSharingChanged {
                upstream_cnp_id,
                from,
                to,
                source,
                ..
            } => format!(
                "sharing with {} {} (seen by {})",
                upstream_cnp_id.as_deref().unwrap_or("upstream partner"),
                moved(from, to),
                source.as_str()
            ),
            CampaignEvent::CampaignCnpMigrationChanged {
                upstream_cnp_id,
                from,
                to,
                cancellation_reason,
                source,
            } => format!(
                "CNP migration to {upstream_cnp_id} {} → {to}{} (seen by {})",
                from.map_or("none", |f| f.as_str()),
                cancellation_reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default(),
                source.as_str()
            ),
            CampaignEvent::CampaignCnpMigrationNotStarted {
                upstream_cnp_id,
                source,
            } => format!(
                "CNP migration to {upstream_cnp_id} not started at TCR: its request's answer was lost (seen by {})",
                source.as_str()
            ),
            CampaignEvent::CampaignMnoStatusChanged {
                mno,
                from,
                to,
                reason,
                source,
                ..
            } => format!(
                "{} ({}) {}{} (seen by {})",
                mno.name(),
                mno.0,
                moved(from, to),
                reason
                    .as_ref()
                    .map(|r| format!(
                        ": {}{}",
                        r.category
                            .as_deref()
                            .map(|c| format!("{c}: "))
                            .unwrap_or_default(),
                        r.text
                    ))
                    .unwrap_or_default(),
                source.as_str()
            ),
            CampaignEvent::CampaignTcrStatusChanged {
                from, to, source, ..
            } => format!(
                "TCR status {} (seen by {})",
                moved(from, to),
                source.as_str()
            ),
            CampaignEvent::CampaignBillingChanged { billing, source } => format!(
                "billing changed: monthly fee {}, billed {}, next renewal {} (seen by {})",
                billing
                    .monthly_fee
                    .map_or("unknown".into(), |f| format!("{f:.2}")),
                billing
                    .billed_date
                    .map_or("unknown".into(), |d| d.to_string()),
                billing
                    .next_renewal_or_expiration_date
                    .map_or("unknown".into(), |d| d.to_string()),
                source.as_str()
            ),
            CampaignEvent::CampaignSyncConfirmed { source, .. } => {
                format!(
                    "TCR agreed with what we hold (checked by {})",
                    source.as_str()
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::carriers::{CarrierReason, Mno};
    use crate::metadata::Source;
    use crate::values::OperationStatus;

    #[test]
    fn a_carrier_rejection_names_the_carrier_its_category_and_its_words() {
        let event = CampaignEvent::CampaignMnoStatusChanged {
            mno: Mno(10035),
            from: Some(OperationStatus::Review.into()),
            to: OperationStatus::Rejected.into(),
            reason: Some(CarrierReason {
                category: Some("SAMPLE_MESSAGE".into()),
                text: "samples do not match".into(),
            }),
            source: Source::Webhook,
            observed_at: chrono::Utc::now(),
        };
        assert_eq!(
            event.summary(),
            "T-Mobile (10035) REVIEW → REJECTED: SAMPLE_MESSAGE: samples do not match (seen by webhook)"
        );
    }
}
