//! TCR's partner side and CNP migration, as its CSP API answers them: campaigns other CSPs shared
//! with this account (`/partnerCampaign/...`) and moving one of ours to another connectivity
//! partner (`/campaign/{id}/migrateCnp`, `/settings/cnpMigration`).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A campaign shared with us or by us (`SharedCampaign_CSP`): the fields tendlc reads by name,
/// everything else as TCR spelled it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrPartnerCampaign {
    pub campaign_id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub brand_id: Option<String>,
    #[serde(default)]
    pub usecase: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(flatten)]
    pub held: BTreeMap<String, serde_json::Value>,
}

/// One page of `RecordSetSharedCampaign`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrPartnerCampaignPage {
    #[serde(default)]
    pub records: Vec<TcrPartnerCampaign>,
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub total_records: u64,
}

/// One link of a campaign's connectivity chain (`CampaignSharingStatus`), with both ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrSharingLink {
    #[serde(default)]
    pub downstream_cnp_id: Option<String>,
    #[serde(default)]
    pub upstream_cnp_id: Option<String>,
    /// `PENDING`, `ACCEPTED` or `DECLINED`, as TCR spelled it.
    pub sharing_status: String,
    #[serde(default)]
    pub explanation: Option<String>,
    #[serde(default)]
    pub shared_date: Option<String>,
    #[serde(default)]
    pub status_date: Option<String>,
    #[serde(default)]
    pub cnp_migration: Option<bool>,
}

/// `CampaignSharingChain`: who shared the campaign with us, and with whom we shared it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrSharingChain {
    #[serde(default)]
    pub shared_with_me: Option<TcrSharingLink>,
    #[serde(default)]
    pub shared_by_me: Option<TcrSharingLink>,
}

/// Declining a campaign shared with us (`DELETE /partnerCampaign/{id}/sharing`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrPartnerDecline {
    pub explanation: String,
    /// Of `/enum/campaignRejectionCategory`; at least one.
    pub rejection_categories: Vec<String>,
}

/// `CnpMigration`. Dates are kept as TCR sent them: its schema says date-time, its example
/// epoch milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCnpMigration {
    #[serde(default)]
    pub campaign_id: Option<String>,
    /// `ACTIVE`, `COMPLETED` or `CANCELLED`, as TCR spelled it.
    pub status: String,
    #[serde(default)]
    pub cancellation_reason: Option<String>,
    #[serde(default)]
    pub create_date: Option<serde_json::Value>,
    #[serde(default)]
    pub expiration_date: Option<serde_json::Value>,
}

/// `CnpMigrationSettings`; a property left out is left as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcrCnpMigrationSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration_supported: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration_auto_complete: Option<bool>,
}
