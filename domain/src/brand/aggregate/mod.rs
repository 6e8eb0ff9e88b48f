use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::BrandCommand;
use super::events::BrandEvent;
use super::identity::{BrandAction, VettingRecord};
use super::profile::BrandProfile;
use crate::values::{AppealStatus, BrandRelationship, IdentityStatus, TcrBrandStatus};

/// Where a brand's registration stands on our side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RegistrationStatus {
    /// Recorded; TCR has not (yet) confirmed it holds the brand.
    Pending,
    /// TCR holds the brand.
    Registered,
    /// TCR refused the brand and retrying cannot help.
    Rejected,
    /// TCR never took the brand and the retries gave up.
    Abandoned,
}

impl RegistrationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationStatus::Pending => "PENDING",
            RegistrationStatus::Registered => "REGISTERED",
            RegistrationStatus::Rejected => "REJECTED",
            RegistrationStatus::Abandoned => "ABANDONED",
        }
    }
}

/// Why a brand command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrandError {
    #[error("this brand has already been requested")]
    AlreadyRequested,
    #[error("no such brand")]
    NotFound,
    #[error("the brand is not registered with TCR yet (status {0})")]
    NotRegistered(&'static str),
    #[error("TCR already holds this brand as {existing}, not {reported}")]
    ConflictingTcrBrand { existing: String, reported: String },
    #[error("no update of this brand is waiting for TCR's answer")]
    NoUpdatePending,
    #[error("another {0} of this brand is waiting for TCR's answer; try again when it is done")]
    ActionPending(&'static str),
    #[error("no action on this brand is waiting for TCR's answer")]
    NoActionPending,
    #[error("{0}")]
    NotApplicable(String),
}

/// The state rebuilt from a brand's events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Brand {
    pub brand_id: Option<String>,
    pub customer_id: Option<String>,
    pub reference_id: Option<String>,
    pub brand_relationship: Option<BrandRelationship>,
    pub profile: Option<BrandProfile>,
    pub status: Option<RegistrationStatus>,
    pub tcr_brand_id: Option<String>,
    pub tcr_status: Option<TcrBrandStatus>,
    pub identity_status: Option<IdentityStatus>,
    /// The profile sent to TCR and not yet confirmed.
    pub pending_update: Option<BrandProfile>,
    pub submission_attempts: u32,
    /// When TCR's state was last read; older observations change nothing.
    pub last_observed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub vettings: Vec<VettingRecord>,
    #[serde(default)]
    pub appeal_status: Option<AppealStatus>,
    #[serde(default)]
    pub otp_reference_id: Option<String>,
    /// The vetting, appeal, OTP step or deletion sent to TCR and not yet answered.
    #[serde(default)]
    pub pending_action: Option<BrandAction>,
}

impl Brand {
    /// Pure decision: the events a command produces from this state.
    pub fn decide(&self, command: BrandCommand) -> Result<Vec<BrandEvent>, BrandError> {
        match command {
            BrandCommand::RequestRegistration {
                brand_id,
                customer_id,
                reference_id,
                brand_relationship,
                profile,
            } => {
                if self.status.is_some() {
                    return Err(BrandError::AlreadyRequested);
                }
                Ok(vec![BrandEvent::BrandRegistrationRequested {
                    brand_id,
                    customer_id,
                    reference_id,
                    brand_relationship,
                    profile,
                }])
            }
            BrandCommand::RecordSubmissionAccepted { tcr, adopted } => {
                self.require_requested()?;
                if let Some(existing) = &self.tcr_brand_id {
                    if existing == &tcr.brand_id {
                        return Ok(
                            self.identity_change(tcr.identity_status, crate::metadata::Source::Api)
                        );
                    }
                    return Err(BrandError::ConflictingTcrBrand {
                        existing: existing.clone(),
                        reported: tcr.brand_id,
                    });
                }
                Ok(vec![BrandEvent::BrandSubmittedToTcr {
                    tcr_brand_id: tcr.brand_id,
                    reference_id: self.reference_id.clone().unwrap_or_default(),
                    tcr_status: tcr.status,
                    identity_status: tcr.identity_status,
                    adopted,
                }])
            }
            BrandCommand::RecordSubmissionFailed { error } => {
                self.require_requested()?;
                if self.status != Some(RegistrationStatus::Pending) {
                    // A late failure for a brand TCR already holds (or already refused) changes nothing.
                    return Ok(vec![]);
                }
                let (reason, message, tcr_errors, retryable) = error.record_parts();
                Ok(vec![BrandEvent::BrandSubmissionFailed {
                    reason,
                    message,
                    tcr_errors,
                    retryable,
                }])
            }
            BrandCommand::RequestUpdate { profile } => {
                let current = self.require_registered()?;
                // One change at a time: TCR holds whichever arrives last, so a second change
                // sent before the first is answered would leave us unsure which TCR kept.
                if self.pending_update.is_some() {
                    return Err(BrandError::ActionPending("update"));
                }
                let changed_fields = current.changed_fields(&profile);
                if changed_fields.is_empty() {
                    return Ok(vec![]);
                }
                Ok(vec![BrandEvent::BrandUpdateRequested {
                    profile,
                    changed_fields,
                }])
            }
            BrandCommand::RecordUpdateAccepted { profile, tcr } => {
                let current = self.require_registered()?;
                if self.pending_update.as_ref() != Some(&profile) {
                    return Err(BrandError::NoUpdatePending);
                }
                let changed_fields = current.changed_fields(&profile);
                let mut events = vec![BrandEvent::BrandUpdated {
                    profile,
                    changed_fields,
                }];
                events.extend(
                    self.identity_change(tcr.identity_status, crate::metadata::Source::Api),
                );
                Ok(events)
            }
            BrandCommand::RecordUpdateFailed { error } => {
                self.require_registered()?;
                if self.pending_update.is_none() {
                    return Err(BrandError::NoUpdatePending);
                }
                let (reason, message, tcr_errors, retryable) = error.record_parts();
                Ok(vec![BrandEvent::BrandUpdateFailed {
                    reason,
                    message,
                    tcr_errors,
                    retryable,
                }])
            }
            BrandCommand::ObserveTcrState {
                identity_status,
                tcr_status,
                source,
                observed_at,
            } => {
                self.require_registered()?;
                if self
                    .last_observed_at
                    .is_some_and(|last| observed_at <= last)
                {
                    return Ok(vec![]);
                }
                let mut events = match identity_status {
                    Some(to) if Some(to) != self.identity_status => {
                        vec![BrandEvent::BrandIdentityStatusChanged {
                            from: self.identity_status,
                            to,
                            source,
                            observed_at: Some(observed_at),
                        }]
                    }
                    _ => vec![],
                };
                if let Some(to) = tcr_status.filter(|to| Some(*to) != self.tcr_status) {
                    events.push(BrandEvent::BrandTcrStatusChanged {
                        from: self.tcr_status,
                        to,
                        source,
                        observed_at,
                    });
                }
                if events.is_empty() {
                    events.push(BrandEvent::BrandSyncConfirmed {
                        source,
                        observed_at,
                    });
                }
                Ok(events)
            }
            BrandCommand::RequestAction { action } => self.request_action(action),
            BrandCommand::RecordActionAccepted { answer } => self.action_accepted(answer),
            BrandCommand::RecordActionFailed { error } => self.action_failed(&error),
            BrandCommand::AbandonAction { reason } => {
                let update = self
                    .pending_update
                    .iter()
                    .map(|_| BrandEvent::BrandUpdateFailed {
                        reason: "interrupted".to_string(),
                        message: reason.clone(),
                        tcr_errors: vec![],
                        retryable: true,
                    });
                let action =
                    self.pending_action
                        .iter()
                        .map(|action| BrandEvent::BrandActionFailed {
                            action: action.name().to_string(),
                            reason: "interrupted".to_string(),
                            message: reason.clone(),
                            tcr_errors: vec![],
                            retryable: true,
                        });
                Ok(update.chain(action).collect())
            }
            BrandCommand::ObserveIdentityRecords {
                vettings,
                appeal,
                source,
                observed_at,
            } => self.observe_identity_records(&vettings, appeal.as_ref(), source, observed_at),
            BrandCommand::AbandonSubmission { reason } => {
                self.require_requested()?;
                if self.status != Some(RegistrationStatus::Pending) {
                    return Ok(vec![]);
                }
                Ok(vec![BrandEvent::BrandSubmissionAbandoned {
                    attempts: self.submission_attempts,
                    reason,
                }])
            }
        }
    }

    fn require_requested(&self) -> Result<(), BrandError> {
        self.status.map(|_| ()).ok_or(BrandError::NotFound)
    }

    pub(super) fn require_registered(&self) -> Result<&BrandProfile, BrandError> {
        match (self.status, &self.profile) {
            (Some(RegistrationStatus::Registered), Some(profile)) => Ok(profile),
            (Some(status), _) => Err(BrandError::NotRegistered(status.as_str())),
            (None, _) => Err(BrandError::NotFound),
        }
    }

    /// An update that changes nothing records nothing.
    pub(super) fn identity_change(
        &self,
        reported: Option<IdentityStatus>,
        source: crate::metadata::Source,
    ) -> Vec<BrandEvent> {
        match reported {
            Some(to) if Some(to) != self.identity_status => {
                vec![BrandEvent::BrandIdentityStatusChanged {
                    from: self.identity_status,
                    to,
                    source,
                    observed_at: None,
                }]
            }
            _ => vec![],
        }
    }
}

impl Brand {
    fn observed(&mut self, at: Option<DateTime<Utc>>) {
        if let Some(at) = at {
            self.last_observed_at = Some(self.last_observed_at.map_or(at, |last| last.max(at)));
        }
    }
}

impl Aggregate for Brand {
    const TYPE: &'static str = "Brand";
    type Command = BrandCommand;
    type Event = BrandEvent;
    type Error = BrandError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            BrandEvent::BrandRegistrationRequested {
                brand_id,
                customer_id,
                reference_id,
                brand_relationship,
                profile,
            } => {
                self.brand_id = Some(brand_id);
                self.customer_id = Some(customer_id);
                self.reference_id = Some(reference_id);
                self.brand_relationship = Some(brand_relationship);
                self.profile = Some(profile);
                self.status = Some(RegistrationStatus::Pending);
            }
            BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id,
                tcr_status,
                identity_status,
                ..
            } => {
                self.submission_attempts += 1;
                self.tcr_brand_id = Some(tcr_brand_id);
                self.tcr_status = tcr_status.or(Some(TcrBrandStatus::Active));
                self.identity_status = identity_status;
                self.status = Some(RegistrationStatus::Registered);
            }
            BrandEvent::BrandSubmissionFailed { retryable, .. } => {
                self.submission_attempts += 1;
                if !retryable {
                    self.status = Some(RegistrationStatus::Rejected);
                }
            }
            BrandEvent::BrandUpdateRequested { profile, .. } => {
                self.pending_update = Some(profile);
            }
            BrandEvent::BrandUpdated { profile, .. } => {
                self.profile = Some(profile);
                self.pending_update = None;
            }
            BrandEvent::BrandUpdateFailed { .. } => {
                self.pending_update = None;
            }
            BrandEvent::BrandIdentityStatusChanged {
                to, observed_at, ..
            } => {
                self.identity_status = Some(to);
                self.observed(observed_at);
            }
            BrandEvent::BrandTcrStatusChanged {
                to, observed_at, ..
            } => {
                self.tcr_status = Some(to);
                self.observed(Some(observed_at));
            }
            BrandEvent::BrandSyncConfirmed { observed_at, .. } => self.observed(Some(observed_at)),
            BrandEvent::BrandSubmissionAbandoned { .. } => {
                self.status = Some(RegistrationStatus::Abandoned);
            }
            BrandEvent::BrandActionRequested { action } => self.pending_action = Some(action),
            BrandEvent::BrandActionFailed { .. } | BrandEvent::BrandRevetted => {
                self.pending_action = None;
            }
            BrandEvent::BrandVettingRecorded { vetting, .. } => {
                self.pending_action = None;
                self.vettings.retain(|v| v.vetting_id != vetting.vetting_id);
                self.vettings.push(vetting);
            }
            BrandEvent::BrandVettingStatusChanged {
                vetting_id,
                to,
                score,
                ..
            } => {
                if let Some(vetting) = self
                    .vettings
                    .iter_mut()
                    .find(|v| v.vetting_id == vetting_id)
                {
                    vetting.status = Some(to);
                    vetting.score = score.or(vetting.score);
                }
            }
            BrandEvent::BrandAppealFiled { .. } => {
                self.pending_action = None;
                self.appeal_status = Some(AppealStatus::Pending);
            }
            BrandEvent::BrandAppealCompleted { .. } => {
                self.appeal_status = Some(AppealStatus::Complete);
            }
            BrandEvent::BrandOtpSent { reference_id } => {
                self.pending_action = None;
                self.otp_reference_id = Some(reference_id);
            }
            BrandEvent::BrandOtpVerified => self.pending_action = None,
            BrandEvent::BrandDeleted { .. } => {
                self.pending_action = None;
                self.tcr_status = Some(TcrBrandStatus::Deleted);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cqrs_es::test::TestFramework;
    use cqrs_es::Aggregate;

    use super::*;
    use crate::brand::profile::BrandDraft;
    use crate::metadata::Source;
    use crate::tcr::{TcrApiError, TcrBrand, TcrError};

    type BrandTest = TestFramework<Brand>;

    const BRAND_ID: &str = "0b7c2a4e-brand";
    const CUSTOMER_ID: &str = "6d1f0c3e-customer";
    const REFERENCE_ID: &str = "tendlc-0b7c2a4e";
    const TCR_BRAND_ID: &str = "BXYZ123";

    // -- fixtures -------------------------------------------------------------------------------

    fn draft() -> BrandDraft {
        BrandDraft {
            entity_type: Some("PRIVATE_PROFIT".into()),
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
            vertical: Some("RETAIL".into()),
            ..BrandDraft::default()
        }
    }

    fn parse(draft: &BrandDraft) -> BrandProfile {
        BrandProfile::parse(draft)
            .unwrap_or_else(|errors| panic!("fixture draft should parse, but: {errors}"))
    }

    /// A valid PRIVATE_PROFIT profile.
    fn profile() -> BrandProfile {
        parse(&draft())
    }

    /// The same brand with a new display name and a website.
    fn changed_profile() -> BrandProfile {
        parse(&BrandDraft {
            display_name: Some("Acme Flowers & Gifts".into()),
            website: Some("https://www.acmeflowers.com".into()),
            ..draft()
        })
    }

    fn tcr_brand(brand_id: &str, identity_status: Option<IdentityStatus>) -> TcrBrand {
        TcrBrand {
            brand_id: brand_id.to_string(),
            status: Some(TcrBrandStatus::Active),
            identity_status,
            reference_id: Some(REFERENCE_ID.to_string()),
            display_name: Some("Acme Flowers".to_string()),
            entity_type: Some("PRIVATE_PROFIT".to_string()),
        }
    }

    fn tcr_error(code: i64, description: &str) -> TcrApiError {
        TcrApiError {
            code,
            description: description.to_string(),
            fields: vec![],
        }
    }

    fn request_registration() -> BrandCommand {
        BrandCommand::RequestRegistration {
            brand_id: BRAND_ID.to_string(),
            customer_id: CUSTOMER_ID.to_string(),
            reference_id: REFERENCE_ID.to_string(),
            brand_relationship: BrandRelationship::SmallAccount,
            profile: profile(),
        }
    }

    fn registration_requested() -> BrandEvent {
        BrandEvent::BrandRegistrationRequested {
            brand_id: BRAND_ID.to_string(),
            customer_id: CUSTOMER_ID.to_string(),
            reference_id: REFERENCE_ID.to_string(),
            brand_relationship: BrandRelationship::SmallAccount,
            profile: profile(),
        }
    }

    fn submitted(identity_status: Option<IdentityStatus>) -> BrandEvent {
        BrandEvent::BrandSubmittedToTcr {
            tcr_brand_id: TCR_BRAND_ID.to_string(),
            reference_id: REFERENCE_ID.to_string(),
            tcr_status: Some(TcrBrandStatus::Active),
            identity_status,
            adopted: false,
        }
    }

    /// The event the aggregate records for `error` (checked against `decide` elsewhere).
    fn submission_failed(error: &TcrError) -> BrandEvent {
        BrandEvent::BrandSubmissionFailed {
            reason: error.kind().to_string(),
            message: error.to_string(),
            tcr_errors: error.tcr_errors().to_vec(),
            retryable: error.retryable(),
        }
    }

    fn update_requested() -> BrandEvent {
        BrandEvent::BrandUpdateRequested {
            profile: changed_profile(),
            changed_fields: vec!["displayName".into(), "website".into()],
        }
    }

    /// A brand TCR holds, with the given identity status.
    fn registered(identity_status: Option<IdentityStatus>) -> Vec<BrandEvent> {
        vec![registration_requested(), submitted(identity_status)]
    }

    /// A registered, unverified brand with `changed_profile()` waiting for TCR's answer.
    fn update_pending() -> Vec<BrandEvent> {
        let mut events = registered(Some(IdentityStatus::Unverified));
        events.push(update_requested());
        events
    }

    fn state(events: Vec<BrandEvent>) -> Brand {
        let mut brand = Brand::default();
        for event in events {
            brand.apply(event);
        }
        brand
    }

    fn decide(
        events: Vec<BrandEvent>,
        command: BrandCommand,
    ) -> Result<Vec<BrandEvent>, BrandError> {
        state(events).decide(command)
    }

    // -- RequestRegistration --------------------------------------------------------------------

    #[test]
    fn it_should_record_a_registration_request_for_a_new_brand() {
        BrandTest::with(())
            .given_no_previous_events()
            .when(request_registration())
            .then_expect_events(vec![registration_requested()]);
    }

    #[test]
    fn it_should_refuse_a_second_registration_request() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(request_registration())
            .then_expect_error(BrandError::AlreadyRequested);
    }

    #[test]
    fn it_should_refuse_a_registration_request_for_a_brand_tcr_already_holds() {
        BrandTest::with(())
            .given(registered(None))
            .when(request_registration())
            .then_expect_error(BrandError::AlreadyRequested);
    }

    #[test]
    fn it_should_refuse_a_registration_request_for_a_brand_tcr_rejected() {
        let error = TcrError::Rejected(vec![tcr_error(501, "Invalid EIN")]);
        BrandTest::with(())
            .given(vec![registration_requested(), submission_failed(&error)])
            .when(request_registration())
            .then_expect_error(BrandError::AlreadyRequested);
    }

    // -- RecordSubmissionAccepted ---------------------------------------------------------------

    #[test]
    fn it_should_record_the_tcr_brand_when_tcr_accepts_the_submission() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordSubmissionAccepted {
                tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
                adopted: false,
            })
            .then_expect_events(vec![BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id: TCR_BRAND_ID.to_string(),
                reference_id: REFERENCE_ID.to_string(),
                tcr_status: Some(TcrBrandStatus::Active),
                identity_status: Some(IdentityStatus::Unverified),
                adopted: false,
            }]);
    }

    #[test]
    fn it_should_mark_a_brand_found_by_reference_as_adopted() {
        let mut tcr = tcr_brand(TCR_BRAND_ID, None);
        tcr.status = None;
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordSubmissionAccepted { tcr, adopted: true })
            .then_expect_events(vec![BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id: TCR_BRAND_ID.to_string(),
                reference_id: REFERENCE_ID.to_string(),
                tcr_status: None,
                identity_status: None,
                adopted: true,
            }]);
    }

    #[test]
    fn it_should_accept_a_submission_after_a_retryable_failure() {
        let error = TcrError::Timeout;
        BrandTest::with(())
            .given(vec![registration_requested(), submission_failed(&error)])
            .when(BrandCommand::RecordSubmissionAccepted {
                tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
                adopted: true,
            })
            .then_expect_events(vec![BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id: TCR_BRAND_ID.to_string(),
                reference_id: REFERENCE_ID.to_string(),
                tcr_status: Some(TcrBrandStatus::Active),
                identity_status: Some(IdentityStatus::Unverified),
                adopted: true,
            }]);
    }

    #[test]
    fn it_should_record_only_the_identity_change_when_tcr_accepts_the_same_brand_again() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::RecordSubmissionAccepted {
                tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Verified)),
                adopted: true,
            })
            .then_expect_events(vec![BrandEvent::BrandIdentityStatusChanged {
                from: Some(IdentityStatus::Unverified),
                to: IdentityStatus::Verified,
                source: Source::Api,
                observed_at: None,
            }]);
    }

    #[test]
    fn it_should_record_nothing_when_tcr_accepts_the_same_brand_again_unchanged() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::RecordSubmissionAccepted {
                tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
                adopted: false,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_record_nothing_when_tcr_accepts_the_same_brand_again_without_an_identity_status() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Verified)))
            .when(BrandCommand::RecordSubmissionAccepted {
                tcr: tcr_brand(TCR_BRAND_ID, None),
                adopted: false,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_refuse_a_different_tcr_brand_for_a_brand_tcr_already_holds() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::RecordSubmissionAccepted {
                tcr: tcr_brand("BOTHER99", Some(IdentityStatus::Unverified)),
                adopted: true,
            })
            .then_expect_error(BrandError::ConflictingTcrBrand {
                existing: TCR_BRAND_ID.to_string(),
                reported: "BOTHER99".to_string(),
            });
    }

    #[test]
    fn it_should_refuse_an_accepted_submission_for_an_unknown_brand() {
        BrandTest::with(())
            .given_no_previous_events()
            .when(BrandCommand::RecordSubmissionAccepted {
                tcr: tcr_brand(TCR_BRAND_ID, None),
                adopted: false,
            })
            .then_expect_error(BrandError::NotFound);
    }

    // -- RecordSubmissionFailed -----------------------------------------------------------------

    #[test]
    fn it_should_record_a_non_retryable_tcr_refusal_with_tcrs_errors() {
        let errors = vec![TcrApiError {
            code: 501,
            description: "Invalid EIN".to_string(),
            fields: vec!["ein".to_string()],
        }];
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordSubmissionFailed {
                error: TcrError::Rejected(errors.clone()),
            })
            .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
                reason: "rejected".to_string(),
                message: "TCR refused the request: 501 Invalid EIN".to_string(),
                tcr_errors: errors,
                retryable: false,
            }]);
    }

    #[test]
    fn it_should_record_a_temporary_tcr_refusal_as_retryable() {
        let errors = vec![tcr_error(591, "Temporary failure, retry in 30 seconds")];
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordSubmissionFailed {
                error: TcrError::Rejected(errors.clone()),
            })
            .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
                reason: "rejected".to_string(),
                message: "TCR refused the request: 591 Temporary failure, retry in 30 seconds"
                    .to_string(),
                tcr_errors: errors,
                retryable: true,
            }]);
    }

    #[test]
    fn it_should_record_a_refusal_mixing_temporary_and_permanent_codes_as_not_retryable() {
        let errors = vec![
            tcr_error(591, "Temporary failure"),
            tcr_error(501, "Invalid EIN"),
        ];
        let events = decide(
            vec![registration_requested()],
            BrandCommand::RecordSubmissionFailed {
                error: TcrError::Rejected(errors),
            },
        )
        .expect("a failure of a pending brand should be recorded");
        assert!(
            matches!(
                events.as_slice(),
                [BrandEvent::BrandSubmissionFailed {
                    retryable: false,
                    ..
                }]
            ),
            "one permanent code should make the failure final, got {events:?}"
        );
    }

    #[test]
    fn it_should_record_a_timeout_as_a_retryable_failure_without_tcr_errors() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordSubmissionFailed {
                error: TcrError::Timeout,
            })
            .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
                reason: "timeout".to_string(),
                message: "TCR did not answer in time".to_string(),
                tcr_errors: vec![],
                retryable: true,
            }]);
    }

    #[test]
    fn it_should_record_a_tcr_server_error_as_a_retryable_failure() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordSubmissionFailed {
                error: TcrError::ServerError { status: 503 },
            })
            .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
                reason: "server_error".to_string(),
                message: "TCR failed with HTTP 503".to_string(),
                tcr_errors: vec![],
                retryable: true,
            }]);
    }

    #[test]
    fn it_should_record_rejected_credentials_as_a_non_retryable_failure() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordSubmissionFailed {
                error: TcrError::Unauthorized,
            })
            .then_expect_events(vec![BrandEvent::BrandSubmissionFailed {
                reason: "unauthorized".to_string(),
                message: "TCR rejected the configured API credentials".to_string(),
                tcr_errors: vec![],
                retryable: false,
            }]);
    }

    #[test]
    fn it_should_record_another_failure_after_a_retryable_one() {
        let first = TcrError::ServerError { status: 502 };
        let second = TcrError::RateLimited;
        BrandTest::with(())
            .given(vec![registration_requested(), submission_failed(&first)])
            .when(BrandCommand::RecordSubmissionFailed {
                error: second.clone(),
            })
            .then_expect_events(vec![submission_failed(&second)]);
    }

    #[test]
    fn it_should_record_nothing_when_a_failure_arrives_after_registration() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::RecordSubmissionFailed {
                error: TcrError::Timeout,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_record_nothing_when_a_failure_arrives_after_a_final_rejection() {
        let error = TcrError::Rejected(vec![tcr_error(501, "Invalid EIN")]);
        BrandTest::with(())
            .given(vec![registration_requested(), submission_failed(&error)])
            .when(BrandCommand::RecordSubmissionFailed {
                error: TcrError::Timeout,
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_refuse_a_failed_submission_for_an_unknown_brand() {
        BrandTest::with(())
            .given_no_previous_events()
            .when(BrandCommand::RecordSubmissionFailed {
                error: TcrError::Timeout,
            })
            .then_expect_error(BrandError::NotFound);
    }

    // -- RequestUpdate --------------------------------------------------------------------------

    #[test]
    fn it_should_refuse_an_update_of_an_unknown_brand() {
        BrandTest::with(())
            .given_no_previous_events()
            .when(BrandCommand::RequestUpdate {
                profile: changed_profile(),
            })
            .then_expect_error(BrandError::NotFound);
    }

    #[test]
    fn it_should_refuse_an_update_before_tcr_holds_the_brand() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RequestUpdate {
                profile: changed_profile(),
            })
            .then_expect_error(BrandError::NotRegistered("PENDING"));
    }

    #[test]
    fn it_should_refuse_an_update_of_a_rejected_brand() {
        let error = TcrError::Rejected(vec![tcr_error(501, "Invalid EIN")]);
        BrandTest::with(())
            .given(vec![registration_requested(), submission_failed(&error)])
            .when(BrandCommand::RequestUpdate {
                profile: changed_profile(),
            })
            .then_expect_error(BrandError::NotRegistered("REJECTED"));
    }

    #[test]
    fn it_should_record_nothing_when_an_update_changes_nothing() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::RequestUpdate { profile: profile() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_record_an_update_request_naming_the_changed_fields() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::RequestUpdate {
                profile: changed_profile(),
            })
            .then_expect_events(vec![BrandEvent::BrandUpdateRequested {
                profile: changed_profile(),
                changed_fields: vec!["displayName".into(), "website".into()],
            }]);
    }

    #[test]
    fn it_should_compare_an_update_with_the_profile_tcr_last_accepted() {
        let accepted = vec![BrandEvent::BrandUpdated {
            profile: changed_profile(),
            changed_fields: vec!["displayName".into(), "website".into()],
        }];
        let mut history = update_pending();
        history.extend(accepted);
        BrandTest::with(())
            .given(history)
            .when(BrandCommand::RequestUpdate { profile: profile() })
            .then_expect_events(vec![BrandEvent::BrandUpdateRequested {
                profile: profile(),
                changed_fields: vec!["displayName".into(), "website".into()],
            }]);
    }

    // -- RecordUpdateAccepted -------------------------------------------------------------------

    #[test]
    fn it_should_record_the_update_when_tcr_accepts_the_pending_profile() {
        BrandTest::with(())
            .given(update_pending())
            .when(BrandCommand::RecordUpdateAccepted {
                profile: changed_profile(),
                tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
            })
            .then_expect_events(vec![BrandEvent::BrandUpdated {
                profile: changed_profile(),
                changed_fields: vec!["displayName".into(), "website".into()],
            }]);
    }

    #[test]
    fn it_should_record_the_update_and_the_identity_change_tcr_reports_with_it() {
        BrandTest::with(())
            .given(update_pending())
            .when(BrandCommand::RecordUpdateAccepted {
                profile: changed_profile(),
                tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Verified)),
            })
            .then_expect_events(vec![
                BrandEvent::BrandUpdated {
                    profile: changed_profile(),
                    changed_fields: vec!["displayName".into(), "website".into()],
                },
                BrandEvent::BrandIdentityStatusChanged {
                    from: Some(IdentityStatus::Unverified),
                    to: IdentityStatus::Verified,
                    source: Source::Api,
                    observed_at: None,
                },
            ]);
    }

    #[test]
    fn it_should_refuse_a_second_update_while_one_waits_for_tcr() {
        BrandTest::with(())
            .given(update_pending())
            .when(BrandCommand::RequestUpdate { profile: profile() })
            .then_expect_error(BrandError::ActionPending("update"));
    }

    #[test]
    fn it_should_free_an_update_that_a_crash_cut_off() {
        BrandTest::with(())
            .given(update_pending())
            .when(BrandCommand::AbandonAction {
                reason: "no answer was recorded".into(),
            })
            .then_expect_events(vec![BrandEvent::BrandUpdateFailed {
                reason: "interrupted".into(),
                message: "no answer was recorded".into(),
                tcr_errors: vec![],
                retryable: true,
            }]);
    }

    #[test]
    fn it_should_refuse_an_accepted_update_when_none_is_pending() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::RecordUpdateAccepted {
                profile: changed_profile(),
                tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
            })
            .then_expect_error(BrandError::NoUpdatePending);
    }

    #[test]
    fn it_should_refuse_an_accepted_update_for_a_profile_other_than_the_pending_one() {
        BrandTest::with(())
            .given(update_pending())
            .when(BrandCommand::RecordUpdateAccepted {
                profile: profile(),
                tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Unverified)),
            })
            .then_expect_error(BrandError::NoUpdatePending);
    }

    #[test]
    fn it_should_refuse_an_accepted_update_before_tcr_holds_the_brand() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordUpdateAccepted {
                profile: changed_profile(),
                tcr: tcr_brand(TCR_BRAND_ID, None),
            })
            .then_expect_error(BrandError::NotRegistered("PENDING"));
    }

    #[test]
    fn it_should_refuse_an_accepted_update_for_an_unknown_brand() {
        BrandTest::with(())
            .given_no_previous_events()
            .when(BrandCommand::RecordUpdateAccepted {
                profile: changed_profile(),
                tcr: tcr_brand(TCR_BRAND_ID, None),
            })
            .then_expect_error(BrandError::NotFound);
    }

    // -- RecordUpdateFailed ---------------------------------------------------------------------

    #[test]
    fn it_should_record_a_failed_update_with_tcrs_errors() {
        let errors = vec![tcr_error(502, "Invalid website")];
        BrandTest::with(())
            .given(update_pending())
            .when(BrandCommand::RecordUpdateFailed {
                error: TcrError::Rejected(errors.clone()),
            })
            .then_expect_events(vec![BrandEvent::BrandUpdateFailed {
                reason: "rejected".to_string(),
                message: "TCR refused the request: 502 Invalid website".to_string(),
                tcr_errors: errors,
                retryable: false,
            }]);
    }

    #[test]
    fn it_should_record_a_timed_out_update_as_retryable() {
        BrandTest::with(())
            .given(update_pending())
            .when(BrandCommand::RecordUpdateFailed {
                error: TcrError::Timeout,
            })
            .then_expect_events(vec![BrandEvent::BrandUpdateFailed {
                reason: "timeout".to_string(),
                message: "TCR did not answer in time".to_string(),
                tcr_errors: vec![],
                retryable: true,
            }]);
    }

    #[test]
    fn it_should_refuse_a_failed_update_when_none_is_pending() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::RecordUpdateFailed {
                error: TcrError::Timeout,
            })
            .then_expect_error(BrandError::NoUpdatePending);
    }

    #[test]
    fn it_should_refuse_a_second_answer_to_an_update_that_already_failed() {
        let mut history = update_pending();
        history.push(BrandEvent::BrandUpdateFailed {
            reason: "timeout".to_string(),
            message: "TCR did not answer in time".to_string(),
            tcr_errors: vec![],
            retryable: true,
        });
        BrandTest::with(())
            .given(history)
            .when(BrandCommand::RecordUpdateAccepted {
                profile: changed_profile(),
                tcr: tcr_brand(TCR_BRAND_ID, None),
            })
            .then_expect_error(BrandError::NoUpdatePending);
    }

    #[test]
    fn it_should_refuse_a_failed_update_before_tcr_holds_the_brand() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::RecordUpdateFailed {
                error: TcrError::Timeout,
            })
            .then_expect_error(BrandError::NotRegistered("PENDING"));
    }

    // -- ObserveTcrState ------------------------------------------------------------------

    #[test]
    fn it_should_record_an_identity_status_change_with_its_source() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Unverified)))
            .when(BrandCommand::ObserveTcrState {
                identity_status: Some(IdentityStatus::VettedVerified),
                tcr_status: None,
                source: Source::Webhook,
                observed_at: observed_at(),
            })
            .then_expect_events(vec![BrandEvent::BrandIdentityStatusChanged {
                from: Some(IdentityStatus::Unverified),
                to: IdentityStatus::VettedVerified,
                source: Source::Webhook,
                observed_at: Some(observed_at()),
            }]);
    }

    #[test]
    fn it_should_record_the_first_identity_status_tcr_reports() {
        BrandTest::with(())
            .given(registered(None))
            .when(BrandCommand::ObserveTcrState {
                identity_status: Some(IdentityStatus::Verified),
                tcr_status: None,
                source: Source::Poll,
                observed_at: observed_at(),
            })
            .then_expect_events(vec![BrandEvent::BrandIdentityStatusChanged {
                from: None,
                to: IdentityStatus::Verified,
                source: Source::Poll,
                observed_at: Some(observed_at()),
            }]);
    }

    #[test]
    fn it_should_record_only_a_sync_confirmation_when_tcr_reports_the_identity_status_we_already_have(
    ) {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Verified)))
            .when(BrandCommand::ObserveTcrState {
                identity_status: Some(IdentityStatus::Verified),
                tcr_status: None,
                source: Source::Webhook,
                observed_at: observed_at(),
            })
            .then_expect_events(vec![BrandEvent::BrandSyncConfirmed {
                source: Source::Webhook,
                observed_at: observed_at(),
            }]);
    }

    #[test]
    fn it_should_refuse_an_identity_status_for_a_brand_tcr_does_not_hold_yet() {
        BrandTest::with(())
            .given(vec![registration_requested()])
            .when(BrandCommand::ObserveTcrState {
                identity_status: Some(IdentityStatus::Verified),
                tcr_status: None,
                source: Source::Webhook,
                observed_at: observed_at(),
            })
            .then_expect_error(BrandError::NotRegistered("PENDING"));
    }

    #[test]
    fn it_should_refuse_an_identity_status_for_an_unknown_brand() {
        BrandTest::with(())
            .given_no_previous_events()
            .when(BrandCommand::ObserveTcrState {
                identity_status: Some(IdentityStatus::Verified),
                tcr_status: None,
                source: Source::Webhook,
                observed_at: observed_at(),
            })
            .then_expect_error(BrandError::NotFound);
    }

    fn observed_at() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn it_should_ignore_an_observation_older_than_one_already_recorded() {
        let mut history = registered(Some(IdentityStatus::Unverified));
        history.push(BrandEvent::BrandIdentityStatusChanged {
            from: Some(IdentityStatus::Unverified),
            to: IdentityStatus::Verified,
            source: Source::Webhook,
            observed_at: Some(observed_at()),
        });
        BrandTest::with(())
            .given(history)
            .when(BrandCommand::ObserveTcrState {
                identity_status: Some(IdentityStatus::Unverified),
                tcr_status: None,
                source: Source::Poll,
                observed_at: observed_at() - chrono::Duration::seconds(5),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_ignore_an_older_observation_even_after_a_confirmation_without_change() {
        let mut history = registered(Some(IdentityStatus::Verified));
        history.push(BrandEvent::BrandSyncConfirmed {
            source: Source::Webhook,
            observed_at: observed_at(),
        });
        BrandTest::with(())
            .given(history)
            .when(BrandCommand::ObserveTcrState {
                identity_status: Some(IdentityStatus::Unverified),
                tcr_status: None,
                source: Source::Poll,
                observed_at: observed_at() - chrono::Duration::milliseconds(1),
            })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_record_a_tcr_status_change_as_its_own_event() {
        BrandTest::with(())
            .given(registered(Some(IdentityStatus::Verified)))
            .when(BrandCommand::ObserveTcrState {
                identity_status: Some(IdentityStatus::Verified),
                tcr_status: Some(TcrBrandStatus::Deleted),
                source: Source::Poll,
                observed_at: observed_at(),
            })
            .then_expect_events(vec![BrandEvent::BrandTcrStatusChanged {
                from: Some(TcrBrandStatus::Active),
                to: TcrBrandStatus::Deleted,
                source: Source::Poll,
                observed_at: observed_at(),
            }]);
    }

    // -- AbandonSubmission ---------------------------------------------------------------------

    #[test]
    fn it_should_abandon_a_pending_submission_with_its_attempt_count() {
        BrandTest::with(())
            .given(vec![
                registration_requested(),
                BrandEvent::BrandSubmissionFailed {
                    reason: "timeout".into(),
                    message: "TCR did not answer in time".into(),
                    tcr_errors: vec![],
                    retryable: true,
                },
            ])
            .when(BrandCommand::AbandonSubmission {
                reason: "gave up after 1 attempt".into(),
            })
            .then_expect_events(vec![BrandEvent::BrandSubmissionAbandoned {
                attempts: 1,
                reason: "gave up after 1 attempt".into(),
            }]);
    }

    #[test]
    fn it_should_not_abandon_a_registered_brand() {
        BrandTest::with(())
            .given(registered(None))
            .when(BrandCommand::AbandonSubmission { reason: "x".into() })
            .then_expect_events(vec![]);
    }

    #[test]
    fn it_should_register_an_abandoned_brand_that_tcr_turns_out_to_hold() {
        let brand = state(vec![
            registration_requested(),
            BrandEvent::BrandSubmissionAbandoned {
                attempts: 10,
                reason: "x".into(),
            },
            BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id: TCR_BRAND_ID.into(),
                reference_id: REFERENCE_ID.into(),
                tcr_status: None,
                identity_status: None,
                adopted: true,
            },
        ]);
        assert_eq!(brand.status, Some(RegistrationStatus::Registered));
    }

    // -- apply ----------------------------------------------------------------------------------

    #[test]
    fn it_should_hold_the_requested_brand_as_pending() {
        let brand = state(vec![registration_requested()]);
        assert_eq!(
            brand,
            Brand {
                brand_id: Some(BRAND_ID.to_string()),
                customer_id: Some(CUSTOMER_ID.to_string()),
                reference_id: Some(REFERENCE_ID.to_string()),
                brand_relationship: Some(BrandRelationship::SmallAccount),
                profile: Some(profile()),
                status: Some(RegistrationStatus::Pending),
                tcr_brand_id: None,
                tcr_status: None,
                identity_status: None,
                pending_update: None,
                submission_attempts: 0,
                last_observed_at: None,
                ..Brand::default()
            },
            "a requested brand should be pending with nothing from TCR yet"
        );
    }

    #[test]
    fn it_should_hold_the_tcr_brand_once_tcr_accepts_it() {
        let brand = state(registered(Some(IdentityStatus::Unverified)));
        assert_eq!(brand.status, Some(RegistrationStatus::Registered));
        assert_eq!(brand.tcr_brand_id.as_deref(), Some(TCR_BRAND_ID));
        assert_eq!(brand.tcr_status, Some(TcrBrandStatus::Active));
        assert_eq!(brand.identity_status, Some(IdentityStatus::Unverified));
        assert_eq!(brand.submission_attempts, 1, "one submission was made");
    }

    #[test]
    fn it_should_assume_an_active_tcr_brand_when_tcr_does_not_say() {
        let brand = state(vec![
            registration_requested(),
            BrandEvent::BrandSubmittedToTcr {
                tcr_brand_id: TCR_BRAND_ID.to_string(),
                reference_id: REFERENCE_ID.to_string(),
                tcr_status: None,
                identity_status: None,
                adopted: true,
            },
        ]);
        assert_eq!(brand.tcr_status, Some(TcrBrandStatus::Active));
    }

    #[test]
    fn it_should_reject_the_brand_after_a_non_retryable_tcr_refusal() {
        let error = TcrError::Rejected(vec![tcr_error(501, "Invalid EIN")]);
        assert!(!error.retryable(), "TCR code 501 should not be retryable");
        let brand = state(vec![registration_requested(), submission_failed(&error)]);
        assert_eq!(brand.status, Some(RegistrationStatus::Rejected));
        assert_eq!(brand.submission_attempts, 1);
        assert_eq!(brand.tcr_brand_id, None);
    }

    #[test]
    fn it_should_keep_the_brand_pending_after_retryable_failures() {
        let failures = [
            TcrError::Rejected(vec![tcr_error(591, "Temporary failure")]),
            TcrError::Timeout,
            TcrError::ServerError { status: 500 },
            TcrError::ServerError { status: 503 },
            TcrError::RateLimited,
            TcrError::Unreachable("connection refused".to_string()),
        ];
        for error in failures {
            let events = decide(
                vec![registration_requested()],
                BrandCommand::RecordSubmissionFailed {
                    error: error.clone(),
                },
            )
            .unwrap_or_else(|e| panic!("failure {error:?} of a pending brand was refused: {e}"));
            let mut history = vec![registration_requested()];
            history.extend(events);
            let brand = state(history);
            assert_eq!(
                brand.status,
                Some(RegistrationStatus::Pending),
                "a brand should stay pending after the retryable failure {error:?}"
            );
        }
    }

    #[test]
    fn it_should_count_every_submission_attempt() {
        let mut history = vec![
            registration_requested(),
            submission_failed(&TcrError::Timeout),
            submission_failed(&TcrError::ServerError { status: 502 }),
        ];
        assert_eq!(state(history.clone()).submission_attempts, 2);
        history.push(submitted(Some(IdentityStatus::Unverified)));
        let brand = state(history);
        assert_eq!(brand.submission_attempts, 3, "two failures and one success");
        assert_eq!(brand.status, Some(RegistrationStatus::Registered));
    }

    #[test]
    fn it_should_not_count_updates_as_submission_attempts() {
        let mut history = update_pending();
        history.push(BrandEvent::BrandUpdated {
            profile: changed_profile(),
            changed_fields: vec!["displayName".into(), "website".into()],
        });
        assert_eq!(state(history).submission_attempts, 1);
    }

    #[test]
    fn it_should_hold_a_requested_update_as_pending_without_changing_the_profile() {
        let brand = state(update_pending());
        assert_eq!(brand.pending_update, Some(changed_profile()));
        assert_eq!(
            brand.profile,
            Some(profile()),
            "the profile should change only when TCR accepts the update"
        );
    }

    #[test]
    fn it_should_replace_the_profile_and_clear_the_pending_update_when_tcr_accepts_it() {
        let mut history = update_pending();
        history.push(BrandEvent::BrandUpdated {
            profile: changed_profile(),
            changed_fields: vec!["displayName".into(), "website".into()],
        });
        let brand = state(history);
        assert_eq!(brand.profile, Some(changed_profile()));
        assert_eq!(brand.pending_update, None);
        assert_eq!(brand.status, Some(RegistrationStatus::Registered));
    }

    #[test]
    fn it_should_keep_the_profile_and_clear_the_pending_update_when_the_update_fails() {
        let mut history = update_pending();
        history.push(BrandEvent::BrandUpdateFailed {
            reason: "rejected".to_string(),
            message: "TCR refused the request: 502 Invalid website".to_string(),
            tcr_errors: vec![tcr_error(502, "Invalid website")],
            retryable: false,
        });
        let brand = state(history);
        assert_eq!(brand.profile, Some(profile()));
        assert_eq!(brand.pending_update, None);
        assert_eq!(
            brand.status,
            Some(RegistrationStatus::Registered),
            "a failed update should not unregister the brand"
        );
    }

    #[test]
    fn it_should_hold_the_latest_identity_status() {
        let mut history = registered(Some(IdentityStatus::Unverified));
        history.push(BrandEvent::BrandIdentityStatusChanged {
            from: Some(IdentityStatus::Unverified),
            to: IdentityStatus::Verified,
            source: Source::Webhook,
            observed_at: None,
        });
        assert_eq!(
            state(history).identity_status,
            Some(IdentityStatus::Verified)
        );
    }

    #[test]
    fn it_should_record_through_handle_exactly_what_decide_returns() {
        let brand = state(update_pending());
        let command = BrandCommand::RecordUpdateAccepted {
            profile: changed_profile(),
            tcr: tcr_brand(TCR_BRAND_ID, Some(IdentityStatus::Verified)),
        };
        let decided = brand
            .decide(command.clone())
            .expect("the update is pending");
        BrandTest::with(())
            .given(update_pending())
            .when(command)
            .then_expect_events(decided);
    }
}
