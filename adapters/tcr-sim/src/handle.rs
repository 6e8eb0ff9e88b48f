//! [`SimHandle`]: reach into a running simulator from a test or tool.
use serde_json::Value;

use super::campaigns;
use super::events;
use super::faults::SimFaults;
use super::state::{IdentityStatus, SharedSim};
use super::webhooks::{self, DeliveryRecord};

/// A cheap, cloneable handle on one running simulator: change its faults, read what it
/// delivered, look at its brands and campaigns and change them out of band.
#[derive(Clone)]
pub struct SimHandle {
    pub(super) sim: SharedSim,
}

/// Why a [`SimHandle`] call was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimHandleError {
    /// No brand has this id.
    UnknownBrand(String),
    /// The brand is deleted; TCR changes nothing about it any more.
    DeletedBrand(String),
    /// Not one of `SELF_DECLARED`, `UNVERIFIED`, `VERIFIED`, `VETTED_VERIFIED`.
    UnknownIdentityStatus(String),
    /// The subscription is not one TCR would accept (category or endpoint).
    InvalidSubscription(String),
    /// No campaign has this id.
    UnknownCampaign(String),
    /// The campaign is expired; carriers change nothing about it any more.
    ExpiredCampaign(String),
    /// The campaign was never submitted to this carrier (network id).
    CarrierNotOnCampaign(u64),
    /// Not one of `REVIEW`, `REGISTERED`, `REJECTED`, `SUSPENDED`.
    UnknownOperationStatus(String),
    /// Not a `rejectionCategory` (for REJECTED) or `suspensionCategory` (for SUSPENDED).
    UnknownCategory(String),
}

impl std::fmt::Display for SimHandleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimHandleError::UnknownBrand(id) => write!(f, "the simulator has no brand {id}"),
            SimHandleError::DeletedBrand(id) => write!(f, "brand {id} is deleted"),
            SimHandleError::UnknownIdentityStatus(status) => write!(
                f,
                "{status:?} is not an identity status (SELF_DECLARED, UNVERIFIED, VERIFIED, \
                 VETTED_VERIFIED)"
            ),
            SimHandleError::InvalidSubscription(problem) => {
                write!(f, "invalid webhook subscription: {problem}")
            }
            SimHandleError::UnknownCampaign(id) => write!(f, "the simulator has no campaign {id}"),
            SimHandleError::ExpiredCampaign(id) => write!(f, "campaign {id} is expired"),
            SimHandleError::CarrierNotOnCampaign(mno_id) => {
                write!(f, "the campaign was not submitted to carrier {mno_id}")
            }
            SimHandleError::UnknownOperationStatus(status) => write!(
                f,
                "{status:?} is not an operation status (REVIEW, REGISTERED, REJECTED, SUSPENDED)"
            ),
            SimHandleError::UnknownCategory(category) => write!(
                f,
                "{category:?} is not a rejectionCategory (for REJECTED) or suspensionCategory \
                 (for SUSPENDED)"
            ),
        }
    }
}

impl std::error::Error for SimHandleError {}

impl SimHandle {
    /// Replaces the faults in force, from the next API call or webhook event on. A `seed`
    /// restarts the fault dice from it.
    pub fn set_faults(&self, faults: SimFaults) {
        tracing::info!(?faults, "TCR simulator faults changed");
        self.sim.faults.set(faults);
    }

    /// The faults in force.
    pub fn faults(&self) -> SimFaults {
        self.sim.faults.get()
    }

    /// Every webhook delivery attempt so far (and every event dropped by fault injection), in
    /// the order they happened; the newest 10 000 are kept.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.sim.webhooks.records()
    }

    /// Forgets the delivery records.
    pub fn clear_deliveries(&self) {
        self.sim.webhooks.clear_records();
    }

    /// The webhook subscriptions, as `(eventCategory, webhookEndpoint)`.
    pub fn subscriptions(&self) -> Vec<(String, String)> {
        self.sim.webhooks.subscriptions()
    }

    /// Subscribes `category` to `endpoint` as `PUT /webhook/subscription` would.
    pub fn subscribe(&self, category: &str, endpoint: &str) -> Result<(), SimHandleError> {
        self.sim
            .webhooks
            .subscribe(category, endpoint)
            .map_err(|r| {
                SimHandleError::InvalidSubscription(
                    r.0.iter()
                        .map(|e| e.description.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })
    }

    /// The brand's business contact follows the Auth+ 2FA link: its Auth+ vet completes.
    /// `false` when the brand has no Auth+ vet waiting for 2FA.
    pub fn complete_auth_plus_2fa(&self, brand_id: &str) -> bool {
        crate::auth_plus::complete_2fa(&self.sim, brand_id)
    }

    /// The reseller as `GET /reseller/{resellerId}` shows it, if the account holds it.
    pub fn reseller(&self, reseller_id: &str) -> Option<Value> {
        self.sim
            .registry()
            .resellers
            .get(reseller_id)
            .map(|reseller| reseller.to_json(&self.sim.config.csp_id))
    }

    /// The brand as `GET /brand/{brandId}` shows it (`Brand_CSP`).
    pub fn brand(&self, brand_id: &str) -> Option<Value> {
        self.sim
            .registry()
            .get(brand_id)
            .map(|brand| brand.to_json(&self.sim.config.csp_id))
    }

    /// How many calls were answered `429` for being over TCR's limits: (reads, writes).
    pub fn rate_limited(&self) -> (u64, u64) {
        self.sim.rate_limited()
    }

    /// How many brands were registered, deleted ones included.
    pub fn brand_count(&self) -> usize {
        self.sim.registry().len()
    }

    /// TCR changes a brand's identity status out of band (say, after an appeal): the brand shows
    /// `status` at once, a scoring still under way is cancelled, and `BRAND_IDENTITY_STATUS_UPDATE`
    /// goes out as after scoring. Must be called inside a Tokio runtime.
    pub fn set_identity_status(&self, brand_id: &str, status: &str) -> Result<(), SimHandleError> {
        let status = IdentityStatus::parse(status)
            .ok_or_else(|| SimHandleError::UnknownIdentityStatus(status.to_owned()))?;
        let event = {
            let mut registry = self.sim.registry();
            let brand = registry
                .get_mut(brand_id)
                .ok_or_else(|| SimHandleError::UnknownBrand(brand_id.to_owned()))?;
            if brand.deleted {
                return Err(SimHandleError::DeletedBrand(brand_id.to_owned()));
            }
            brand.override_identity(status);
            events::brand_event(&self.sim, "BRAND_IDENTITY_STATUS_UPDATE", brand)
        };
        tracing::info!(
            brand_id,
            identity_status = status.as_str(),
            "brand identity status set out of band"
        );
        webhooks::emit(&self.sim, event);
        Ok(())
    }

    /// The campaign as `GET /campaign/{campaignId}` shows it (`Campaign_CSP_EX`).
    pub fn campaign(&self, campaign_id: &str) -> Option<Value> {
        campaigns::campaign_json(&self.sim, campaign_id)
    }

    /// Another CSP, `downstream_csp_id` (e.g. `S123ABC`), shares one of its `usecase` campaigns
    /// with this account as its upstream connectivity partner: the campaign is ACTIVE,
    /// REGISTERED with AT&T, T-Mobile and Verizon, and its sharing with this account PENDING
    /// (see `GET /partnerCampaign/sharedWithMe`). Answers the campaign id.
    pub fn share_with_us(&self, downstream_csp_id: &str, usecase: &str) -> String {
        super::partner::share_with_us(&self.sim, downstream_csp_id, usecase)
    }

    /// A carrier acts out of band: campaign `campaign_id` shows `status` (`REVIEW`, `REGISTERED`,
    /// `REJECTED`, `SUSPENDED`) on carrier `mno_id` at once, a review under way there no longer
    /// counts, and the matching `MNO_CAMPAIGN_OPERATION_*` event goes out (`_UNSUSPENDED` for
    /// REGISTERED after SUSPENDED). The status stays until the next such call or a resubmission
    /// (REVIEW set this way is not decided later). REJECTED takes a `rejectionCategory` (default
    /// `SAMPLE_MESSAGE`), SUSPENDED a `suspensionCategory` (default `SPAM`); `text` defaults to
    /// the category's sentence. Must be called inside a Tokio runtime.
    pub fn set_operation_status(
        &self,
        campaign_id: &str,
        mno_id: u64,
        status: &str,
        category: Option<&str>,
        text: Option<&str>,
    ) -> Result<(), SimHandleError> {
        campaigns::act_out_of_band(&self.sim, campaign_id, mno_id, status, category, text)
    }

    /// The PIN of the latest OTP sent to the sole proprietor (always `123456` for a mock brand).
    pub fn otp_pin(&self, brand_id: &str) -> Option<String> {
        self.sim
            .registry()
            .get(brand_id)
            .and_then(|brand| brand.otp.as_ref().map(|otp| otp.pin.clone()))
    }

    /// The brand's external vets as `GET /brand/{brandId}/externalVetting` shows them
    /// (`ExternalVetting`), oldest first; empty for an unknown brand.
    pub fn vettings(&self, brand_id: &str) -> Vec<Value> {
        self.sim
            .registry()
            .get(brand_id)
            .map_or_else(Vec::new, |brand| {
                brand.vettings.iter().map(|v| v.to_json()).collect()
            })
    }
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("csp_id", &self.sim.config.csp_id)
            .field("brands", &self.brand_count())
            .finish_non_exhaustive()
    }
}
