//! A campaign as TCR holds it, and the account's campaigns.
use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use super::migration::Migration;
use super::request::CampaignFields;
use super::sharing::Sharing;
use crate::qualify::{self, Metadata};
use crate::state::random_id;

/// A carrier's verdict on a campaign (`/enum/operationStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OperationStatus {
    Review,
    Registered,
    Rejected,
    Suspended,
}

impl OperationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OperationStatus::Review => "REVIEW",
            OperationStatus::Registered => "REGISTERED",
            OperationStatus::Rejected => "REJECTED",
            OperationStatus::Suspended => "SUSPENDED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            OperationStatus::Review,
            OperationStatus::Registered,
            OperationStatus::Rejected,
            OperationStatus::Suspended,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// Where one carrier stands with the campaign.
#[derive(Debug, Clone)]
pub(crate) struct Carrier {
    pub status: OperationStatus,
    /// The terms it gave at the last (re)submission.
    pub metadata: Metadata,
    /// Bumped whenever the carrier's review restarts or it acts out of band, so a stale
    /// scheduled verdict cannot land.
    pub round: u64,
}

/// One campaign.
#[derive(Debug, Clone)]
pub(crate) struct CampaignRecord {
    pub campaign_id: String,
    pub brand_id: String,
    pub fields: CampaignFields,
    pub mock: bool,
    pub create_date: String,
    pub billed_date: String,
    /// `YYYY-MM-DD`.
    pub next_renewal: String,
    pub monthly_fee_cents: u32,
    pub expiration_date: Option<String>,
    /// By network id.
    pub carriers: BTreeMap<u64, Carrier>,
    /// Every sharing request, oldest first; the last one is the current.
    pub shares: Vec<Sharing>,
    /// Every CNP migration, oldest first.
    pub migrations: Vec<Migration>,
}

impl CampaignRecord {
    pub fn is_active(&self) -> bool {
        self.expiration_date.is_none()
    }

    /// The campaign as `Campaign_CSP_EX` (absent optional fields are left out, not `null`).
    pub fn to_json(&self, csp_id: &str) -> Value {
        let mut campaign = self.fields.to_json();
        let mut set = |name: &str, value: Value| {
            campaign[name] = value;
        };
        set("campaignId", json!(self.campaign_id));
        set("cspId", json!(csp_id));
        set(
            "status",
            json!(if self.is_active() {
                "ACTIVE"
            } else {
                "EXPIRED"
            }),
        );
        set("createDate", json!(self.create_date));
        set("billedDate", json!(self.billed_date));
        set("nextRenewalOrExpirationDate", json!(self.next_renewal));
        set("mock", json!(self.mock));
        set("monthlyFee", qualify::dollars(self.monthly_fee_cents));
        if let Some(expired) = &self.expiration_date {
            set("expirationDate", json!(expired));
        }
        campaign
    }

    /// `{ "<networkId>": Metadata }` of the carriers the campaign went to.
    pub fn metadata_json(&self) -> Value {
        qualify::metadata_map(self.carriers.values().map(|c| &c.metadata))
    }

    /// `{ "<networkId>": "<operation status>" }`.
    pub fn operation_status_json(&self) -> Value {
        Value::Object(
            self.carriers
                .iter()
                .map(|(id, c)| (id.to_string(), json!(c.status.as_str())))
                .collect(),
        )
    }

    /// The current sharing request.
    pub fn sharing(&self) -> Option<&Sharing> {
        self.shares.last()
    }
}

/// Every campaign of the account, in creation order.
#[derive(Debug, Default)]
pub(crate) struct Campaigns {
    list: Vec<CampaignRecord>,
    by_id: HashMap<String, usize>,
}

impl Campaigns {
    pub fn get(&self, campaign_id: &str) -> Option<&CampaignRecord> {
        self.by_id.get(campaign_id).map(|&i| &self.list[i])
    }

    pub fn get_mut(&mut self, campaign_id: &str) -> Option<&mut CampaignRecord> {
        self.by_id.get(campaign_id).map(|&i| &mut self.list[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &CampaignRecord> {
        self.list.iter()
    }

    /// Whether a campaign already holds `reference_id`, ignoring case.
    pub fn reference_taken(&self, reference_id: &str) -> bool {
        self.list.iter().any(|c| {
            c.fields
                .get("referenceId")
                .is_some_and(|r| r.eq_ignore_ascii_case(reference_id))
        })
    }

    /// A campaign id no campaign has: `C` + 6 uppercase alphanumerics.
    pub fn fresh_id(&self) -> String {
        loop {
            let candidate = random_id("C", 6);
            if !self.by_id.contains_key(&candidate) {
                return candidate;
            }
        }
    }

    pub fn insert(&mut self, campaign: CampaignRecord) {
        self.by_id
            .insert(campaign.campaign_id.clone(), self.list.len());
        self.list.push(campaign);
    }
}
