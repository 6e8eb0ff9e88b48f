//! What is worth telling a customer by e-mail, and who asked not to be told: pure rules over the
//! brand and campaign events. Sending is not here (see the notifier worker and the mail adapters).
mod preferences;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

pub use preferences::{NotificationPreferences, NotificationPreferencesBody};

use crate::brand::BrandEvent;
use crate::campaign::{CampaignEvent, Mno};
use crate::values::{IdentityStatus, OperationStatus, VettingStatus};

macro_rules! kinds {
    ($($(#[$meta:meta])* $variant:ident => $text:literal),+ $(,)?) => {
        /// A kind of change worth a mail; customers opt out per kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum NotificationKind {
            $($(#[$meta])* #[serde(rename = $text)] $variant,)+
        }

        impl NotificationKind {
            pub const ALL: &'static [NotificationKind] = &[$(NotificationKind::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(NotificationKind::$variant => $text,)+
                }
            }

            pub fn parse(text: &str) -> Option<NotificationKind> {
                match text {
                    $($text => Some(NotificationKind::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    /// TCR verified the brand's identity.
    BrandVerified => "BRAND_VERIFIED",
    /// TCR could not verify the brand's identity.
    BrandUnverified => "BRAND_UNVERIFIED",
    /// An external vetting finished (with its score, or failed).
    VettingCompleted => "VETTING_COMPLETED",
    /// A carrier approved the campaign.
    CampaignApproved => "CAMPAIGN_APPROVED",
    /// A carrier rejected the campaign.
    CampaignRejected => "CAMPAIGN_REJECTED",
    /// A carrier suspended the campaign.
    CampaignSuspended => "CAMPAIGN_SUSPENDED",
    /// Retries stopped: TCR never took the brand or campaign.
    RegistrationAbandoned => "REGISTRATION_ABANDONED",
}

impl NotificationKind {
    /// Every kind, comma-separated (for error messages).
    pub fn choices() -> String {
        Self::ALL
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A change worth a mail, as one event tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NotificationKind,
    /// What the change is about within the brand or campaign (`identity`, `vetting:<id>`,
    /// `carrier:<id>`, `registration`): the same track and state twice in a row is a duplicate.
    pub track: String,
    /// Where the track stands after the change (`VERIFIED`, `REGISTERED`, …).
    pub state: String,
    /// What the mail says beyond the kind.
    pub facts: NoticeFacts,
}

/// The particulars of a change, for the mail's text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeFacts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
}

/// The mail a brand event is worth, if any.
pub fn for_brand_event(event: &BrandEvent) -> Option<Notice> {
    match event {
        BrandEvent::BrandIdentityStatusChanged { to, .. } => {
            let kind = match to.known()? {
                IdentityStatus::Verified | IdentityStatus::VettedVerified => {
                    NotificationKind::BrandVerified
                }
                IdentityStatus::Unverified => NotificationKind::BrandUnverified,
                IdentityStatus::SelfDeclared => return None,
            };
            Some(Notice {
                kind,
                track: "identity".into(),
                state: to.to_string(),
                facts: NoticeFacts {
                    status: Some(to.to_string()),
                    ..NoticeFacts::default()
                },
            })
        }
        BrandEvent::BrandVettingStatusChanged {
            vetting_id,
            provider,
            to,
            score,
            ..
        } => {
            if !matches!(
                to,
                VettingStatus::Active | VettingStatus::Failed | VettingStatus::Unscore
            ) {
                return None;
            }
            Some(Notice {
                kind: NotificationKind::VettingCompleted,
                track: format!("vetting:{vetting_id}"),
                state: to.as_str().to_string(),
                facts: NoticeFacts {
                    status: Some(to.as_str().to_string()),
                    score: *score,
                    provider: Some(provider.clone()),
                    ..NoticeFacts::default()
                },
            })
        }
        BrandEvent::BrandSubmissionAbandoned { attempts, reason } => {
            Some(abandoned(*attempts, reason))
        }
        _ => None,
    }
}

/// The mail a campaign event is worth, if any.
pub fn for_campaign_event(event: &CampaignEvent) -> Option<Notice> {
    match event {
        CampaignEvent::CampaignMnoStatusChanged {
            mno, to, reason, ..
        } => {
            let kind = match to.known()? {
                OperationStatus::Registered => NotificationKind::CampaignApproved,
                OperationStatus::Rejected => NotificationKind::CampaignRejected,
                OperationStatus::Suspended => NotificationKind::CampaignSuspended,
                OperationStatus::Review => return None,
            };
            Some(Notice {
                kind,
                track: format!("carrier:{}", mno.0),
                state: to.to_string(),
                facts: NoticeFacts {
                    status: Some(to.to_string()),
                    carrier: Some(carrier_name(*mno)),
                    carrier_id: Some(mno.0),
                    reason_category: reason.as_ref().and_then(|r| r.category.clone()),
                    reason: reason.as_ref().map(|r| r.text.clone()),
                    ..NoticeFacts::default()
                },
            })
        }
        CampaignEvent::CampaignSubmissionAbandoned { attempts, reason } => {
            Some(abandoned(*attempts, reason))
        }
        _ => None,
    }
}

fn carrier_name(mno: Mno) -> String {
    match Mno::known(mno.0) {
        Some(known) => known.name().to_string(),
        None => format!("carrier {}", mno.0),
    }
}

fn abandoned(attempts: u32, reason: &str) -> Notice {
    Notice {
        kind: NotificationKind::RegistrationAbandoned,
        track: "registration".into(),
        state: "ABANDONED".into(),
        facts: NoticeFacts {
            attempts: Some(attempts),
            reason: Some(reason.to_string()),
            ..NoticeFacts::default()
        },
    }
}
