//! Authentication+ of a PUBLIC_PROFIT brand as tendlc follows it: TCR checks the brand's domain,
//! e-mails a 2FA link to the business contact, and the vet completes when the contact follows
//! it. The state is folded from the brand's events by [`AuthPlus::follow`], which the aggregate
//! and the read model share, so neither re-derives it.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::events::BrandEvent;
use crate::tcr::TcrError;
use crate::values::{VettingClass, VettingStatus};

/// TCR sends one 2FA e-mail per two hours at most (shared/tcr-api.md §3.7).
pub const RESEND_INTERVAL: Duration = Duration::hours(2);

/// The profile field whose change revokes Authentication+.
pub const CONTACT_FIELD: &str = "businessContactEmail";

/// Where a brand's Authentication+ stands, after TCR's steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthPlusStatus {
    /// Ordered; TCR checks the business contact's domain (`BRAND_AUTHPLUS_VERIFICATION_ADD`).
    DomainPending,
    /// Domain verified; the 2FA e-mail went to the business contact (`BRAND_EMAIL_2FA_SEND`).
    EmailSent,
    /// The contact confirmed (`BRAND_AUTHPLUS_VERIFICATION_COMPLETE`).
    Verified,
    /// TCR failed the vet (`BRAND_AUTHPLUS_VERIFICATION_FAILED`, domain or 2FA failure).
    Failed,
    /// The vet or its link expired (`BRAND_AUTHPLUS_VERIFICATION_EXPIRED`).
    Expired,
    /// `businessContactEmail` was changed, which revokes Auth+ at TCR.
    Revoked,
}

impl AuthPlusStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthPlusStatus::DomainPending => "DOMAIN_PENDING",
            AuthPlusStatus::EmailSent => "EMAIL_SENT",
            AuthPlusStatus::Verified => "VERIFIED",
            AuthPlusStatus::Failed => "FAILED",
            AuthPlusStatus::Expired => "EXPIRED",
            AuthPlusStatus::Revoked => "REVOKED",
        }
    }
}

impl std::fmt::Display for AuthPlusStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The brand's latest Auth+ vet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthPlus {
    pub vetting_id: String,
    pub vetting_status: Option<VettingStatus>,
    /// When the last 2FA e-mail went out: first seen sent (the vet moved to UNSCORE), or
    /// resent through tendlc. Unknown when the vet was first seen already under way.
    pub email_sent_at: Option<DateTime<Utc>>,
    /// Resends TCR accepted through tendlc.
    #[serde(default)]
    pub resends: u32,
    #[serde(default)]
    pub revoked: bool,
    /// The business contact whose change revoked it.
    #[serde(default)]
    pub revoked_for: Option<String>,
}

/// Why a 2FA e-mail cannot be resent now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResendRefusal {
    /// Nothing to resend (no vet in progress, already verified, or no e-mail yet).
    NotApplicable(String),
    /// The last e-mail is less than [`RESEND_INTERVAL`] old.
    TooSoon {
        message: String,
        retry_after: DateTime<Utc>,
    },
}

/// `2026-12-06 09:15 UTC`.
fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

impl AuthPlus {
    pub fn status(&self) -> AuthPlusStatus {
        if self.revoked {
            return AuthPlusStatus::Revoked;
        }
        match self.vetting_status {
            None | Some(VettingStatus::Pending) => AuthPlusStatus::DomainPending,
            Some(VettingStatus::Unscore) => AuthPlusStatus::EmailSent,
            Some(VettingStatus::Active) => AuthPlusStatus::Verified,
            Some(VettingStatus::Failed) => AuthPlusStatus::Failed,
            Some(VettingStatus::Expired) => AuthPlusStatus::Expired,
        }
    }

    /// Under way or in force: a change of the business contact would revoke it.
    pub fn live(&self) -> bool {
        matches!(
            self.status(),
            AuthPlusStatus::DomainPending | AuthPlusStatus::EmailSent | AuthPlusStatus::Verified
        )
    }

    /// While the e-mail waits for the contact, the earliest moment TCR sends another one (when
    /// the last one's time is known).
    pub fn resend_allowed_at(&self) -> Option<DateTime<Utc>> {
        (self.status() == AuthPlusStatus::EmailSent)
            .then_some(self.email_sent_at)
            .flatten()
            .map(|at| at + RESEND_INTERVAL)
    }

    /// Whether the 2FA e-mail may be resent at `now`.
    pub fn check_resend(&self, now: DateTime<Utc>) -> Result<(), ResendRefusal> {
        let refuse = |why: String| Err(ResendRefusal::NotApplicable(why));
        match self.status() {
            AuthPlusStatus::EmailSent => {}
            AuthPlusStatus::DomainPending => {
                return refuse("TCR is still checking the brand's domain and has not sent the 2FA e-mail yet; there is nothing to resend".into())
            }
            AuthPlusStatus::Verified => {
                return refuse("Authentication+ is already VERIFIED; no e-mail is needed".into())
            }
            status => {
                return refuse(format!(
                    "no Authentication+ vet is in progress (the last one is {status}); order a new Auth+ vet instead"
                ))
            }
        }
        match self.resend_allowed_at() {
            Some(allowed) if now < allowed => Err(ResendRefusal::TooSoon {
                message: format!(
                    "the last 2FA e-mail went out at {}; TCR sends at most one every 2 hours, so the next resend is allowed at {}",
                    when(self.email_sent_at.unwrap_or(allowed)),
                    when(allowed)
                ),
                retry_after: allowed,
            }),
            _ => Ok(()),
        }
    }

    /// What the customer must do next, in one sentence; `contact` is the brand's business
    /// contact e-mail, `brand` our id of the brand (for the paths to call).
    pub fn next_step(&self, contact: Option<&str>, brand: &str) -> String {
        let contact = contact.unwrap_or("(no businessContactEmail set)");
        let new_vet = format!("order a new Auth+ vet (POST /v1/messaging/brands/{brand}/vettings with {{\"provider\": \"AEGIS\", \"vettingClass\": \"AUTHPLUS\"}})");
        match self.status() {
            AuthPlusStatus::DomainPending => format!(
                "Nothing yet: TCR is checking the domain of the business contact {contact}; it then e-mails them a verification link."
            ),
            AuthPlusStatus::EmailSent => {
                let sent = self
                    .email_sent_at
                    .map(|at| format!(" sent {}", when(at)))
                    .unwrap_or_default();
                let resend = match self.resend_allowed_at() {
                    Some(at) => format!("a resend is allowed from {}", when(at)),
                    None => "it can be resent now".to_string(),
                };
                format!(
                    "The business contact {contact} must open the verification e-mail{sent} from noreply@auth.campaignregistry.com and follow its link (valid 7 days); if it did not arrive, {resend} (POST /v1/messaging/brands/{brand}/auth-plus/email)."
                )
            }
            AuthPlusStatus::Verified => format!(
                "Nothing: Authentication+ is verified. Changing businessContactEmail ({contact}) would revoke it."
            ),
            AuthPlusStatus::Failed => {
                format!("TCR failed the Auth+ vet; check the business contact {contact} and the website's domain, then {new_vet}.")
            }
            AuthPlusStatus::Expired => {
                format!("The Auth+ vet expired before {contact} confirmed; {new_vet}.")
            }
            AuthPlusStatus::Revoked => {
                let changed_to = self.revoked_for.as_deref().unwrap_or(contact);
                format!(
                    "businessContactEmail was changed to {changed_to}, which revoked Authentication+; {new_vet} so TCR e-mails the business contact ({contact})."
                )
            }
        }
    }

    /// Folds one brand event into the brand's Auth+ state.
    pub fn follow(state: &mut Option<AuthPlus>, event: &BrandEvent) {
        match event {
            BrandEvent::BrandVettingRecorded { vetting, .. }
                if vetting.vetting_class == Some(VettingClass::AuthPlus) =>
            {
                match state
                    .as_mut()
                    .filter(|s| s.vetting_id == vetting.vetting_id)
                {
                    Some(known) => known.vetting_status = vetting.status,
                    None => {
                        *state = Some(AuthPlus {
                            vetting_id: vetting.vetting_id.clone(),
                            vetting_status: vetting.status,
                            email_sent_at: None,
                            resends: 0,
                            revoked: false,
                            revoked_for: None,
                        })
                    }
                }
            }
            BrandEvent::BrandVettingStatusChanged {
                vetting_id,
                to,
                observed_at,
                ..
            } => {
                if let Some(auth_plus) = state.as_mut().filter(|s| &s.vetting_id == vetting_id) {
                    // The e-mail goes out as the domain check passes (the vet turns UNSCORE).
                    if *to == VettingStatus::Unscore && auth_plus.email_sent_at.is_none() {
                        auth_plus.email_sent_at = Some(*observed_at);
                    }
                    auth_plus.vetting_status = Some(*to);
                }
            }
            BrandEvent::BrandAuthPlusEmailResent {
                vetting_id,
                sent_at,
            } => {
                if let Some(auth_plus) = state.as_mut().filter(|s| &s.vetting_id == vetting_id) {
                    auth_plus.email_sent_at = Some(*sent_at);
                    auth_plus.resends += 1;
                }
            }
            BrandEvent::BrandUpdated {
                changed_fields,
                profile,
            } if changed_fields.iter().any(|f| f == CONTACT_FIELD) => {
                if let Some(auth_plus) = state.as_mut().filter(|s| s.live()) {
                    auth_plus.revoked = true;
                    auth_plus.revoked_for = profile
                        .business_contact_email
                        .as_ref()
                        .map(|e| e.as_str().to_string());
                }
            }
            _ => {}
        }
    }
}

/// What TCR's refusal of a resend means for the customer, for the codes TCR documents.
pub fn explain_resend_refusal(error: &TcrError) -> Option<&'static str> {
    error.tcr_errors().iter().find_map(|e| match e.code {
        565 => Some("TCR resends the 2FA e-mail only within 30 days of the Auth+ vet's start and while it has not failed: order a new Auth+ vet."),
        592 => Some("TCR says the business contact already completed 2FA: Auth+ shows VERIFIED once tendlc next reads TCR."),
        568 => Some("The CSP account is not enabled for this vetting class at TCR."),
        _ => None,
    })
}

/// Events of an Auth+ vet `VAP1`, for the tests of its rules here and in the aggregate.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::brand::VettingRecord;
    use crate::metadata::Source;

    /// `hh:mm` on 2026-12-06, UTC.
    pub fn at(hh_mm: &str) -> DateTime<Utc> {
        format!("2026-12-06T{hh_mm}:00Z").parse().unwrap()
    }

    /// TCR took the order of Auth+ vet `VAP1` (PENDING).
    pub fn ordered() -> BrandEvent {
        BrandEvent::BrandVettingRecorded {
            vetting: VettingRecord {
                provider: "AEGIS".into(),
                vetting_id: "VAP1".into(),
                vetting_class: Some(VettingClass::AuthPlus),
                status: Some(VettingStatus::Pending),
                score: None,
                vetted_date: None,
            },
            imported: false,
            billed: true,
        }
    }

    /// `VAP1` moved to `to`, seen at `observed` (`hh:mm`).
    pub fn moved(to: VettingStatus, observed: &str) -> BrandEvent {
        BrandEvent::BrandVettingStatusChanged {
            vetting_id: "VAP1".into(),
            provider: "AEGIS".into(),
            from: None,
            to,
            score: None,
            source: Source::Webhook,
            observed_at: at(observed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{self, at};
    use super::*;

    fn ordered() -> Option<AuthPlus> {
        let mut state = None;
        AuthPlus::follow(&mut state, &fixtures::ordered());
        state
    }

    fn moved(state: &mut Option<AuthPlus>, to: VettingStatus, observed: &str) {
        AuthPlus::follow(state, &fixtures::moved(to, observed));
    }

    #[test]
    fn it_should_follow_tcrs_steps_and_note_when_the_email_went_out() {
        // given an Auth+ vet just ordered
        let mut state = ordered();
        assert_eq!(
            state.as_ref().map(AuthPlus::status),
            Some(AuthPlusStatus::DomainPending)
        );
        // when the domain check passes and the e-mail goes out, then the contact confirms
        moved(&mut state, VettingStatus::Unscore, "08:00");
        let sent = state.clone().unwrap();
        moved(&mut state, VettingStatus::Active, "08:30");
        // then
        assert_eq!(sent.status(), AuthPlusStatus::EmailSent);
        assert_eq!(sent.email_sent_at, Some(at("08:00")));
        assert_eq!(sent.resend_allowed_at(), Some(at("10:00")));
        let verified = state.unwrap();
        assert_eq!(verified.status(), AuthPlusStatus::Verified);
        assert_eq!(verified.resend_allowed_at(), None);
    }

    #[test]
    fn it_should_refuse_a_resend_within_two_hours_of_the_last_email_and_say_when() {
        // given the e-mail sent at 08:00
        let mut state = ordered();
        moved(&mut state, VettingStatus::Unscore, "08:00");
        let auth_plus = state.unwrap();
        // when a resend is asked at 09:00, then at 10:00
        let early = auth_plus.check_resend(at("09:00"));
        let later = auth_plus.check_resend(at("10:00"));
        // then
        match early {
            Err(ResendRefusal::TooSoon {
                message,
                retry_after,
            }) => {
                assert_eq!(retry_after, at("10:00"));
                assert!(message.contains("2026-12-06 10:00 UTC"), "{message}");
            }
            other => panic!("expected TooSoon, got {other:?}"),
        }
        assert_eq!(later, Ok(()));
    }

    #[test]
    fn it_should_count_a_resend_as_the_last_email() {
        // given the e-mail resent at 11:00
        let mut state = ordered();
        moved(&mut state, VettingStatus::Unscore, "08:00");
        AuthPlus::follow(
            &mut state,
            &BrandEvent::BrandAuthPlusEmailResent {
                vetting_id: "VAP1".into(),
                sent_at: at("11:00"),
            },
        );
        let auth_plus = state.unwrap();
        // when / then
        assert_eq!(auth_plus.resends, 1);
        assert!(matches!(
            auth_plus.check_resend(at("12:59")),
            Err(ResendRefusal::TooSoon { .. })
        ));
        assert_eq!(auth_plus.check_resend(at("13:00")), Ok(()));
    }

    #[test]
    fn it_should_refuse_a_resend_before_the_first_email_and_after_verification() {
        // given a vet whose domain is being checked, and one verified
        let pending = ordered().unwrap();
        let mut state = ordered();
        moved(&mut state, VettingStatus::Active, "08:00");
        let verified = state.unwrap();
        // when / then
        for (auth_plus, says) in [(pending, "domain"), (verified, "VERIFIED")] {
            match auth_plus.check_resend(at("12:00")) {
                Err(ResendRefusal::NotApplicable(why)) => assert!(why.contains(says), "{why}"),
                other => panic!("expected a refusal naming {says}, got {other:?}"),
            }
        }
    }

    #[test]
    fn it_should_explain_tcrs_refusals_of_a_resend() {
        // given TCR's refusals
        let refusal = |code| {
            TcrError::Rejected(vec![crate::tcr::TcrApiError {
                code,
                description: "Operation declined".into(),
                fields: vec![],
            }])
        };
        // when / then
        assert!(
            explain_resend_refusal(&refusal(565)).is_some_and(|why| why.contains("new Auth+ vet"))
        );
        assert!(explain_resend_refusal(&refusal(592)).is_some_and(|why| why.contains("2FA")));
        assert_eq!(explain_resend_refusal(&refusal(501)), None);
        assert_eq!(explain_resend_refusal(&TcrError::Timeout), None);
    }

    #[test]
    fn it_should_tell_the_contact_to_confirm_and_when_a_resend_is_allowed() {
        // given the e-mail sent at 08:00
        let mut state = ordered();
        moved(&mut state, VettingStatus::Unscore, "08:00");
        // when
        let next = state.unwrap().next_step(Some("jane.doe@acme.com"), "b1");
        // then
        assert!(next.contains("jane.doe@acme.com"), "{next}");
        assert!(next.contains("sent 2026-12-06 08:00 UTC"), "{next}");
        assert!(
            next.contains("resend is allowed from 2026-12-06 10:00 UTC"),
            "{next}"
        );
    }
}
