//! One line per brand event, saying what happened in words an operator or auditor reads.
use super::events::BrandEvent;
use crate::tcr::TcrApiError;
use crate::values::{Reported, TcrValue};

/// TCR's codes as `529, 501` (empty when TCR gave none).
pub(crate) fn codes(errors: &[TcrApiError]) -> String {
    errors
        .iter()
        .map(|e| e.code.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A refusal or failure: the message, TCR's codes if any, and whether it will be retried.
pub(crate) fn failure(message: &str, errors: &[TcrApiError], retryable: bool) -> String {
    let mut text = message.to_string();
    if !errors.is_empty() {
        text.push_str(&format!(" (TCR codes {})", codes(errors)));
    }
    text.push_str(if retryable {
        "; will be retried"
    } else {
        "; not retried"
    });
    text
}

/// `from → to`, `none` for a first value.
pub(crate) fn moved<T: TcrValue>(from: &Option<Reported<T>>, to: &Reported<T>) -> String {
    let from = from.as_ref().map_or("none", |f| f.as_str());
    format!("{from} → {to}")
}

impl BrandEvent {
    /// What happened, in one line.
    pub fn summary(&self) -> String {
        match self {
            BrandEvent::BrandRegistrationRequested { profile, .. } => format!(
                "registration of \"{}\" requested",
                profile.to_draft().display_name.unwrap_or_default()
            ),
            BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id,
                identity_status,
                adopted,
                ..
            } => {
                let how = if *adopted {
                    "found at TCR by its reference and adopted"
                } else {
                    "registered at TCR"
                };
                let identity = identity_status
                    .as_ref()
                    .map(|s| format!(", identity {s}"))
                    .unwrap_or_default();
                format!("{how} as {tcr_brand_id}{identity}")
            }
            BrandEvent::BrandSubmissionFailed {
                message,
                tcr_errors,
                retryable,
                ..
            } => format!(
                "registration not taken by TCR: {}",
                failure(message, tcr_errors, *retryable)
            ),
            BrandEvent::BrandUpdateRequested { changed_fields, .. } => {
                format!("change requested: {}", changed_fields.join(", "))
            }
            BrandEvent::BrandUpdated { changed_fields, .. } => {
                format!("change accepted by TCR: {}", changed_fields.join(", "))
            }
            BrandEvent::BrandUpdateFailed {
                message,
                tcr_errors,
                retryable,
                ..
            } => format!(
                "change not taken by TCR: {}",
                failure(message, tcr_errors, *retryable)
            ),
            BrandEvent::BrandIdentityStatusChanged {
                from, to, source, ..
            } => format!("identity {} (seen by {})", moved(from, to), source.as_str()),
            BrandEvent::BrandTcrStatusChanged {
                from, to, source, ..
            } => format!(
                "TCR status {} (seen by {})",
                moved(from, to),
                source.as_str()
            ),
            BrandEvent::BrandSyncConfirmed { source, .. } => {
                format!(
                    "TCR agreed with what we hold (checked by {})",
                    source.as_str()
                )
            }
            BrandEvent::BrandSubmissionAbandoned { attempts, reason } => {
                format!("retries gave up after {attempts} attempts: {reason}")
            }
            BrandEvent::BrandActionRequested { action } => {
                format!("{} requested", action.name())
            }
            BrandEvent::BrandActionFailed {
                action,
                message,
                tcr_errors,
                retryable,
                ..
            } => format!(
                "{action} not taken by TCR: {}",
                failure(message, tcr_errors, *retryable)
            ),
            BrandEvent::BrandVettingRecorded {
                vetting, imported, ..
            } => format!(
                "{} vetting {} {} ({})",
                vetting.provider,
                vetting.vetting_id,
                if *imported { "imported" } else { "recorded" },
                vetting
                    .status
                    .map_or("no status yet".into(), |s| s.to_string())
            ),
            BrandEvent::BrandVettingStatusChanged {
                vetting_id,
                provider,
                from,
                to,
                score,
                source,
                ..
            } => format!(
                "{provider} vetting {vetting_id} {} → {to}{} (seen by {})",
                from.map_or("none".into(), |f| f.to_string()),
                score.map(|s| format!(", score {s}")).unwrap_or_default(),
                source.as_str()
            ),
            BrandEvent::BrandRevetted => "re-verification taken by TCR".into(),
            BrandEvent::BrandAppealFiled { categories, .. } => format!(
                "identity appeal filed ({})",
                categories
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            BrandEvent::BrandAppealCompleted { outcome, source } => format!(
                "identity appeal decided: {} (seen by {})",
                outcome.as_deref().unwrap_or("no outcome given"),
                source.as_str()
            ),
            BrandEvent::BrandOtpSent { reference_id } => {
                format!("PIN sent to the sole proprietor (reference {reference_id})")
            }
            BrandEvent::BrandOtpVerified => "PIN accepted by TCR".into(),
            BrandEvent::BrandDeleted { source } => {
                format!("deleted at TCR (seen by {})", source.as_str())
            }
            BrandEvent::BrandEvidenceUploaded {
                file,
                attachment_id,
            } => format!(
                "evidence {} ({}, {} bytes) held by TCR as {attachment_id}",
                file.sha256, file.content_type, file.size_bytes
            ),
            BrandEvent::BrandVettingAppealCompleted {
                provider,
                vetting_id,
                vet_status,
                vet_score,
                reasons,
                source,
            } => format!(
                "{provider} vetting {vetting_id} appeal decided: {}{}{} (seen by {})",
                vet_status.as_deref().unwrap_or("no status given"),
                vet_score
                    .map(|s| format!(", score {s}"))
                    .unwrap_or_default(),
                if reasons.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", reasons.join("; "))
                },
                source.as_str()
            ),
            BrandEvent::BrandVettingAppealFiled {
                provider,
                vetting_id,
                categories,
                evidence,
                ..
            } => format!(
                "{provider} vetting {vetting_id} appealed ({}) with {} evidence file(s)",
                categories.join(", "),
                evidence.len()
            ),
            BrandEvent::BrandAuthPlusEmailResent { vetting_id, .. } => format!(
                "Authentication+ 2FA e-mail resent to the business contact (vetting {vetting_id})"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Source;
    use crate::values::IdentityStatus;

    #[test]
    fn a_refusal_names_tcrs_codes_and_says_it_is_not_retried() {
        let event = BrandEvent::BrandSubmissionFailed {
            reason: "tcr_rejected".into(),
            message: "TCR refused the request".into(),
            tcr_errors: vec![TcrApiError {
                code: 529,
                description: "bad".into(),
                fields: vec![],
            }],
            retryable: false,
        };
        assert_eq!(
            event.summary(),
            "registration not taken by TCR: TCR refused the request (TCR codes 529); not retried"
        );
    }

    #[test]
    fn an_identity_change_says_from_what_to_what_and_who_saw_it() {
        let event = BrandEvent::BrandIdentityStatusChanged {
            from: Some(IdentityStatus::Unverified.into()),
            to: IdentityStatus::Verified.into(),
            source: Source::Poll,
            observed_at: None,
        };
        assert_eq!(
            event.summary(),
            "identity UNVERIFIED → VERIFIED (seen by poll)"
        );
    }
}
