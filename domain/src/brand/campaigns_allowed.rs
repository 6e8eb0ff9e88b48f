//! The rule "may this brand register campaigns?", decided on the brand's own state.
use super::aggregate::{Brand, RegistrationStatus};
use crate::ids::TcrBrandId;
use crate::values::{IdentityStatus, KnownValue, Reported, TcrBrandStatus};

/// Why a brand may not register campaigns (yet).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotReadyForCampaigns {
    #[error("the brand is not registered with TCR (status {}), so it cannot have campaigns yet", .0.map_or("unknown", RegistrationStatus::as_str))]
    NotRegistered(Option<RegistrationStatus>),
    #[error("the brand is deleted at TCR")]
    Deleted,
    #[error("TCR is still scoring this brand (it answers 527 until then); register the campaign once the brand is VERIFIED")]
    Scoring,
    #[error("TCR lets only VERIFIED or VETTED_VERIFIED brands register campaigns; this brand is {}{}",
        .0.as_ref().map_or("still being scored", Reported::as_str),
        match .0.known() {
            Some(IdentityStatus::Unverified) => " (see its feedback, then appeal or order a vetting)",
            Some(IdentityStatus::SelfDeclared) => " (a sole proprietor is verified by OTP first)",
            _ => "",
        })]
    NotVerified(Option<Reported<IdentityStatus>>),
}

impl NotReadyForCampaigns {
    /// A stable code for machines.
    pub fn code(&self) -> &'static str {
        match self {
            NotReadyForCampaigns::NotRegistered(_) => "brand_not_registered",
            NotReadyForCampaigns::Deleted => "brand_deleted",
            NotReadyForCampaigns::Scoring | NotReadyForCampaigns::NotVerified(_) => {
                "brand_not_verified"
            }
        }
    }
}

impl Brand {
    /// TCR's brand id when TCR would let this brand register campaigns: it must hold the
    /// brand, not deleted, and have verified its identity. TCR's first answer at registration
    /// is provisional: until TCR's state has been read back, the brand is being scored.
    pub fn campaigns_allowed(&self) -> Result<&TcrBrandId, NotReadyForCampaigns> {
        let Some(tcr_brand_id) = self.tcr_brand_id.as_ref() else {
            return Err(NotReadyForCampaigns::NotRegistered(self.status));
        };
        if self.tcr_status.known() == Some(TcrBrandStatus::Deleted) {
            return Err(NotReadyForCampaigns::Deleted);
        }
        let provisional = self.last_observed_at.is_none();
        match (self.identity_status.known(), &self.identity_status) {
            (Some(IdentityStatus::Verified | IdentityStatus::VettedVerified), _) => {
                Ok(tcr_brand_id)
            }
            (None, None) | (Some(IdentityStatus::Unverified), _) if provisional => {
                Err(NotReadyForCampaigns::Scoring)
            }
            (_, other) => Err(NotReadyForCampaigns::NotVerified(other.clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn brand(identity: Option<IdentityStatus>, read_back: bool) -> Brand {
        Brand {
            status: Some(RegistrationStatus::Registered),
            tcr_brand_id: Some("BXYZ123".into()),
            tcr_status: Some(TcrBrandStatus::Active.into()),
            identity_status: identity.map(Into::into),
            last_observed_at: read_back.then(Utc::now),
            ..Brand::default()
        }
    }

    fn refusal(brand: &Brand) -> String {
        brand.campaigns_allowed().unwrap_err().to_string()
    }

    #[test]
    fn it_should_let_only_verified_brands_register_campaigns() {
        assert_eq!(
            brand(Some(IdentityStatus::Verified), true).campaigns_allowed(),
            Ok(&"BXYZ123".into())
        );
        assert!(brand(Some(IdentityStatus::VettedVerified), true)
            .campaigns_allowed()
            .is_ok());
        assert!(refusal(&brand(Some(IdentityStatus::Unverified), true)).contains("feedback"));
        assert!(refusal(&brand(Some(IdentityStatus::SelfDeclared), true)).contains("OTP"));
    }

    #[test]
    fn it_should_say_when_tcr_has_not_finished_scoring() {
        // TCR's first answer is provisional until its verdict is read back.
        assert!(refusal(&brand(Some(IdentityStatus::Unverified), false)).contains("still scoring"));
        assert!(refusal(&brand(None, false)).contains("still scoring"));
    }

    #[test]
    fn it_should_refuse_a_brand_tcr_does_not_hold_or_has_deleted() {
        let pending = Brand {
            status: Some(RegistrationStatus::Pending),
            ..Brand::default()
        };
        assert_eq!(
            pending.campaigns_allowed().unwrap_err().code(),
            "brand_not_registered"
        );
        assert!(refusal(&pending).contains("status PENDING"));
        let deleted = Brand {
            tcr_status: Some(TcrBrandStatus::Deleted.into()),
            ..brand(Some(IdentityStatus::Verified), true)
        };
        assert_eq!(
            deleted.campaigns_allowed(),
            Err(NotReadyForCampaigns::Deleted)
        );
    }
}
