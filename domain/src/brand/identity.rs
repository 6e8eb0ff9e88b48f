//! Beyond registration: external vetting, revet, identity appeals, sole-proprietor OTP and
//! deletion. Each is asked for (recorded), sent to TCR, and its outcome recorded.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::aggregate::{Brand, BrandError};
use super::events::BrandEvent;
use crate::metadata::Source;
use crate::tcr::{TcrAppeal, TcrBrand, TcrError, TcrOtpSent, TcrVetting};
use crate::values::{
    AppealCategory, AppealStatus, EntityType, IdentityStatus, TcrBrandStatus, VettingClass,
    VettingProvider, VettingStatus,
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
    },
    SendOtp,
    VerifyOtp,
    Delete,
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
        if self.tcr_status == Some(TcrBrandStatus::Deleted) {
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
                if self.identity_status != Some(IdentityStatus::Unverified) {
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
                if self.identity_status == Some(IdentityStatus::Verified) {
                    return refuse("the brand is already VERIFIED");
                }
                if action == BrandAction::VerifyOtp && self.otp_reference_id.is_none() {
                    return refuse("send the OTP first");
                }
            }
            BrandAction::Delete => {}
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
                });
            }
            (BrandAction::ImportVetting { .. }, BrandActionAnswer::Vetting(vetting)) => {
                events.push(BrandEvent::BrandVettingRecorded {
                    vetting: VettingRecord::from_tcr(&vetting),
                    imported: true,
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
                },
                _,
            ) => {
                events.push(BrandEvent::BrandAppealFiled {
                    categories,
                    explanation,
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
                None => events.push(BrandEvent::BrandVettingRecorded {
                    vetting: theirs,
                    imported: false,
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

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;
    use cqrs_es::Aggregate;

    use super::*;
    use crate::brand::profile::{BrandDraft, BrandProfile};
    use crate::brand::BrandCommand;
    use crate::values::BrandRelationship;

    type BrandTest = TestFramework<Brand>;

    fn profile(entity_type: &str, website: Option<&str>) -> BrandProfile {
        let draft = if entity_type == "SOLE_PROPRIETOR" {
            BrandDraft {
                entity_type: Some(entity_type.into()),
                first_name: Some("Jane".into()),
                last_name: Some("Doe".into()),
                display_name: Some("Jane's Cakes".into()),
                phone: Some("+12025550123".into()),
                mobile_phone: Some("+12025550124".into()),
                street: Some("1 Main St".into()),
                city: Some("Austin".into()),
                state: Some("TX".into()),
                postal_code: Some("73301".into()),
                country: Some("US".into()),
                email: Some("jane@janescakes.com".into()),
                vertical: Some("RETAIL".into()),
                ..BrandDraft::default()
            }
        } else {
            BrandDraft {
                entity_type: Some(entity_type.into()),
                display_name: Some("Acme Flowers".into()),
                company_name: Some("Acme Flowers LLC".into()),
                ein: Some("123456789".into()),
                phone: Some("+12025550123".into()),
                street: Some("123 6th Ave".into()),
                city: Some("New York".into()),
                state: Some("NY".into()),
                postal_code: Some("10001".into()),
                country: Some("US".into()),
                email: Some("support@acmeflowers.com".into()),
                website: website.map(str::to_string),
                vertical: Some("RETAIL".into()),
                ..BrandDraft::default()
            }
        };
        BrandProfile::parse(&draft).unwrap_or_else(|e| panic!("fixture: {e}"))
    }

    fn registered(profile: BrandProfile, identity: IdentityStatus) -> Vec<BrandEvent> {
        vec![
            BrandEvent::BrandRegistrationRequested {
                brand_id: "brand-1".into(),
                customer_id: "customer-1".into(),
                reference_id: "tendlc-brand-1".into(),
                brand_relationship: BrandRelationship::BasicAccount,
                profile,
            },
            BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id: "BXYZ123".into(),
                reference_id: "tendlc-brand-1".into(),
                tcr_status: Some(TcrBrandStatus::Active),
                identity_status: Some(identity),
                adopted: false,
            },
        ]
    }

    fn company(identity: IdentityStatus) -> Vec<BrandEvent> {
        registered(
            profile("PRIVATE_PROFIT", Some("https://acmeflowers.com")),
            identity,
        )
    }

    fn order() -> BrandAction {
        BrandAction::OrderVetting {
            provider: VettingProvider::Aegis,
            vetting_class: VettingClass::Standard,
        }
    }

    fn vetting(status: VettingStatus, score: Option<i64>) -> TcrVetting {
        TcrVetting {
            evp_id: "AEGIS".into(),
            vetting_id: "V123".into(),
            vetting_class: Some(VettingClass::Standard),
            vetting_status: Some(status),
            vetting_score: score,
            vetted_date: None,
            create_date: None,
        }
    }

    fn decide(
        events: Vec<BrandEvent>,
        command: BrandCommand,
    ) -> Result<Vec<BrandEvent>, BrandError> {
        let mut brand = Brand::default();
        for event in events {
            brand.apply(event);
        }
        brand.decide(command)
    }

    fn refusal(events: Vec<BrandEvent>, action: BrandAction) -> String {
        match decide(events, BrandCommand::RequestAction { action }) {
            Err(BrandError::NotApplicable(why)) => why,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn it_should_order_a_vetting_then_record_tcr_s_answer_and_its_score() {
        BrandTest::with(())
            .given(company(IdentityStatus::Verified))
            .when(BrandCommand::RequestAction { action: order() })
            .then_expect_events(vec![BrandEvent::BrandActionRequested { action: order() }]);
        let mut given = company(IdentityStatus::Verified);
        given.push(BrandEvent::BrandActionRequested { action: order() });
        let pending = VettingRecord::from_tcr(&vetting(VettingStatus::Pending, None));
        BrandTest::with(())
            .given(given.clone())
            .when(BrandCommand::RecordActionAccepted {
                answer: BrandActionAnswer::Vetting(vetting(VettingStatus::Pending, None)),
            })
            .then_expect_events(vec![BrandEvent::BrandVettingRecorded {
                vetting: pending.clone(),
                imported: false,
            }]);
        given.push(BrandEvent::BrandVettingRecorded {
            vetting: pending,
            imported: false,
        });
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-25T10:00:00Z")
            .unwrap()
            .to_utc();
        BrandTest::with(())
            .given(given)
            .when(BrandCommand::ObserveIdentityRecords {
                vettings: vec![vetting(VettingStatus::Active, Some(85))],
                appeal: None,
                source: Source::Webhook,
                observed_at: at,
            })
            .then_expect_events(vec![BrandEvent::BrandVettingStatusChanged {
                vetting_id: "V123".into(),
                provider: "AEGIS".into(),
                from: Some(VettingStatus::Pending),
                to: VettingStatus::Active,
                score: Some(85),
                source: Source::Webhook,
                observed_at: at,
            }]);
    }

    #[test]
    fn it_should_refuse_vettings_tcr_would_refuse() {
        let no_website = registered(profile("PRIVATE_PROFIT", None), IdentityStatus::Verified);
        assert!(refusal(no_website, order()).contains("website"));
        let cv = BrandAction::OrderVetting {
            provider: VettingProvider::CampaignVerify,
            vetting_class: VettingClass::Political,
        };
        assert!(refusal(company(IdentityStatus::Verified), cv).contains("only imported"));
        let wmc_enhanced = BrandAction::OrderVetting {
            provider: VettingProvider::Wmc,
            vetting_class: VettingClass::Enhanced,
        };
        assert!(refusal(company(IdentityStatus::Verified), wmc_enhanced).contains("does not offer"));
        let sole = registered(
            profile("SOLE_PROPRIETOR", None),
            IdentityStatus::SelfDeclared,
        );
        assert!(refusal(sole, order()).contains("sole proprietors"));
    }

    #[test]
    fn it_should_allow_one_action_at_a_time() {
        let mut given = company(IdentityStatus::Verified);
        given.push(BrandEvent::BrandActionRequested { action: order() });
        assert_eq!(
            decide(
                given,
                BrandCommand::RequestAction {
                    action: BrandAction::Revet
                }
            ),
            Err(BrandError::ActionPending("order vetting"))
        );
    }

    #[test]
    fn it_should_appeal_only_an_unverified_brand() {
        let appeal = BrandAction::Appeal {
            categories: vec![AppealCategory::VerifyTaxId],
            explanation: Some("EIN letter attached".into()),
        };
        assert!(refusal(company(IdentityStatus::Verified), appeal.clone()).contains("UNVERIFIED"));
        let mut given = company(IdentityStatus::Unverified);
        given.push(BrandEvent::BrandActionRequested {
            action: appeal.clone(),
        });
        BrandTest::with(())
            .given(given)
            .when(BrandCommand::RecordActionAccepted {
                answer: BrandActionAnswer::None,
            })
            .then_expect_events(vec![BrandEvent::BrandAppealFiled {
                categories: vec![AppealCategory::VerifyTaxId],
                explanation: Some("EIN letter attached".into()),
            }]);
    }

    #[test]
    fn it_should_run_the_otp_steps_for_sole_proprietors_only() {
        assert!(
            refusal(company(IdentityStatus::Unverified), BrandAction::SendOtp)
                .contains("sole proprietor")
        );
        let sole = registered(
            profile("SOLE_PROPRIETOR", None),
            IdentityStatus::SelfDeclared,
        );
        assert!(refusal(sole.clone(), BrandAction::VerifyOtp).contains("send the OTP first"));
        let mut given = sole;
        given.push(BrandEvent::BrandActionRequested {
            action: BrandAction::SendOtp,
        });
        BrandTest::with(())
            .given(given)
            .when(BrandCommand::RecordActionAccepted {
                answer: BrandActionAnswer::OtpSent(TcrOtpSent {
                    reference_id: "OTP1".into(),
                }),
            })
            .then_expect_events(vec![BrandEvent::BrandOtpSent {
                reference_id: "OTP1".into(),
            }]);
    }

    #[test]
    fn it_should_record_a_failed_action_and_free_the_brand_for_the_next() {
        let mut given = company(IdentityStatus::Verified);
        given.push(BrandEvent::BrandActionRequested {
            action: BrandAction::Delete,
        });
        let error = TcrError::Rejected(vec![crate::tcr::TcrApiError {
            code: 542,
            description: "brand has active campaigns".into(),
            fields: vec![],
        }]);
        let events = decide(given.clone(), BrandCommand::RecordActionFailed { error }).unwrap();
        assert!(
            matches!(&events[0], BrandEvent::BrandActionFailed { action, retryable: false, .. } if action == "delete")
        );
        given.extend(events);
        assert!(decide(
            given,
            BrandCommand::RequestAction {
                action: BrandAction::Revet
            }
        )
        .is_ok());
    }

    #[test]
    fn it_should_free_a_brand_whose_action_was_interrupted() {
        let mut given = company(IdentityStatus::Verified);
        given.push(BrandEvent::BrandActionRequested {
            action: BrandAction::Revet,
        });
        BrandTest::with(())
            .given(given)
            .when(BrandCommand::AbandonAction {
                reason: "no answer was recorded".into(),
            })
            .then_expect_events(vec![BrandEvent::BrandActionFailed {
                action: "revet".into(),
                reason: "interrupted".into(),
                message: "no answer was recorded".into(),
                tcr_errors: vec![],
                retryable: true,
            }]);
    }

    #[test]
    fn it_should_refuse_everything_once_deleted() {
        let mut given = company(IdentityStatus::Verified);
        given.push(BrandEvent::BrandActionRequested {
            action: BrandAction::Delete,
        });
        given.push(BrandEvent::BrandDeleted {
            source: Source::Api,
        });
        assert!(refusal(given, BrandAction::Revet).contains("deleted"));
    }
}
