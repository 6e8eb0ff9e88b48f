//! `partner_campaigns`: one row per campaign another CSP shared with the operator (the
//! PartnerCampaign aggregate, keyed by TCR's campaign id).
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};
use tendlc_domain::partner_campaign::{PartnerCampaignEvent, PartnerReading};

use crate::columns::{select_in, upsert, Table};
use crate::fold::{EventContext, Fold, Folding, Rows};

/// The projection that keeps `partner_campaigns`.
pub type PartnerCampaignsProjection = Folding<PartnerCampaignRow>;

crate::row! {
    /// A campaign shared with the operator, as the read side holds it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct PartnerCampaignRow in "partner_campaigns", key (tcr_campaign_id) {
        pub tcr_campaign_id: String,
        pub downstream_cnp_id: Option<String>,
        pub brand_id: Option<String>,
        pub usecase: Option<String>,
        pub description: Option<String>,
        /// ACTIVE | EXPIRED at TCR.
        pub tcr_status: Option<String>,
        /// The share with us: PENDING | ACCEPTED | DECLINED.
        pub sharing_status: Option<String>,
        /// Our share further upstream, once accepted.
        pub upstream_cnp_id: Option<String>,
        pub upstream_sharing_status: Option<String>,
        /// Each carrier's status by TCR network id: `{"10017": "REGISTERED", …}`.
        pub carriers: Value,
        /// `{explanation, categories}` once declined.
        pub decline: Option<Value>,
        /// The acceptance or decline sent to TCR and not yet answered.
        pub pending_action: Option<Value>,
        /// TCR's last refusal or failure (`{action, kind, message, tcrErrors, retryable}`).
        pub last_error: Option<Value>,
        pub last_synced_at: Option<DateTime<Utc>>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        pub last_sequence: i64,
    }
}

impl PartnerCampaignRow {
    fn read(&mut self, reading: &PartnerReading) {
        self.downstream_cnp_id = reading.downstream_cnp_id.clone();
        self.brand_id = reading.brand_id.clone();
        self.usecase = reading.usecase.clone();
        self.description = reading.description.clone();
        self.tcr_status = reading.tcr_status.clone();
        self.sharing_status = reading.sharing_status.as_ref().map(|s| s.to_string());
        self.upstream_cnp_id = reading.upstream_cnp_id.clone();
        self.upstream_sharing_status = reading
            .upstream_sharing_status
            .as_ref()
            .map(|s| s.to_string());
        self.carriers = json!(reading.carriers);
    }
}

impl Fold for PartnerCampaignRow {
    type Id = String;
    type Event = PartnerCampaignEvent;

    fn start(id: &String, event: &PartnerCampaignEvent, at: &EventContext) -> Result<Self, String> {
        if !matches!(event, PartnerCampaignEvent::PartnerCampaignObserved { .. }) {
            return Err("a partner campaign event before it was read from TCR".into());
        }
        let mut row = PartnerCampaignRow {
            tcr_campaign_id: id.clone(),
            downstream_cnp_id: None,
            brand_id: None,
            usecase: None,
            description: None,
            tcr_status: None,
            sharing_status: None,
            upstream_cnp_id: None,
            upstream_sharing_status: None,
            carriers: json!({}),
            decline: None,
            pending_action: None,
            last_error: None,
            last_synced_at: None,
            created_at: at.recorded_at,
            updated_at: at.recorded_at,
            last_sequence: at.sequence,
        };
        row.apply(event, at);
        Ok(row)
    }

    fn apply(&mut self, event: &PartnerCampaignEvent, at: &EventContext) {
        self.last_sequence = at.sequence;
        self.updated_at = at.recorded_at;
        match event {
            PartnerCampaignEvent::PartnerCampaignObserved { reading, .. } => {
                self.read(reading);
                self.last_synced_at = Some(at.recorded_at);
            }
            PartnerCampaignEvent::PartnerCampaignActionRequested { action } => {
                self.pending_action = serde_json::to_value(action).ok();
            }
            PartnerCampaignEvent::PartnerCampaignAccepted {
                upstream_cnp_id,
                upstream_sharing_status,
            } => {
                self.pending_action = None;
                self.last_error = None;
                self.sharing_status = Some("ACCEPTED".into());
                self.upstream_cnp_id = Some(upstream_cnp_id.clone());
                self.upstream_sharing_status = Some(upstream_sharing_status.to_string());
            }
            PartnerCampaignEvent::PartnerCampaignDeclined { decline } => {
                self.pending_action = None;
                self.last_error = None;
                self.sharing_status = Some("DECLINED".into());
                self.decline = serde_json::to_value(decline).ok();
            }
            PartnerCampaignEvent::PartnerCampaignActionFailed { action, failure } => {
                self.pending_action = None;
                self.last_error = serde_json::to_value(failure).ok().map(|mut failure| {
                    failure["action"] = json!(action);
                    failure["at"] = json!(at.recorded_at);
                    failure
                });
            }
        }
    }

    fn last_sequence(&self) -> i64 {
        self.last_sequence
    }
}

#[async_trait]
impl Rows for PartnerCampaignRow {
    const PROJECTION: &'static str = "partner_campaigns";
    const AGGREGATE_TYPE: &'static str = "PartnerCampaign";
    const TABLES: &'static [&'static str] = &[<PartnerCampaignRow as Table>::TABLE];

    fn id(&self) -> String {
        self.tcr_campaign_id.clone()
    }

    async fn load(conn: &mut PgConnection, ids: &[String]) -> Result<Vec<Self>, sqlx::Error> {
        select_in(conn, "tcr_campaign_id", ids).await
    }

    async fn store(conn: &mut PgConnection, changed: &[&Self]) -> Result<(), sqlx::Error> {
        upsert(conn, changed).await
    }
}

/// One shared campaign.
pub async fn get(
    pool: &PgPool,
    tcr_campaign_id: &str,
) -> Result<Option<PartnerCampaignRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM partner_campaigns WHERE tcr_campaign_id = $1",
        PartnerCampaignRow::select_list(None)
    ))
    .bind(tcr_campaign_id)
    .fetch_optional(pool)
    .await
}

/// One page of shared campaigns, newest first, optionally only those whose share with us is
/// `sharing_status`; `total` counts all that match.
pub async fn list(
    pool: &PgPool,
    sharing_status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PartnerCampaignRow>, i64), sqlx::Error> {
    const WHERE: &str = "WHERE ($1::text IS NULL OR sharing_status = $1)";
    let rows = sqlx::query_as(&format!(
        "SELECT {} FROM partner_campaigns {WHERE} ORDER BY created_at DESC, tcr_campaign_id \
         LIMIT $2 OFFSET $3",
        PartnerCampaignRow::select_list(None)
    ))
    .bind(sharing_status)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(&format!("SELECT count(*) FROM partner_campaigns {WHERE}"))
        .bind(sharing_status)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use tendlc_domain::metadata::Source;
    use tendlc_domain::partner_campaign::{PartnerAction, PartnerDecline, PartnerFailure};
    use tendlc_domain::values::{OperationStatus, RejectionCategory, SharingStatus};

    use super::*;
    use crate::fold::testing::given;

    fn observed() -> PartnerCampaignEvent {
        PartnerCampaignEvent::PartnerCampaignObserved {
            tcr_campaign_id: "C9X8Y7Z".into(),
            reading: PartnerReading {
                downstream_cnp_id: Some("S123ABC".into()),
                usecase: Some("2FA".into()),
                sharing_status: Some(SharingStatus::Pending.into()),
                carriers: [("10017".to_string(), OperationStatus::Registered.into())].into(),
                ..PartnerReading::default()
            },
            source: Source::Poll,
        }
    }

    #[test]
    fn it_should_show_what_tcr_said_and_each_answer_to_an_action() {
        let row: PartnerCampaignRow = given("C9X8Y7Z".to_string(), vec![observed()]);
        assert_eq!(row.sharing_status.as_deref(), Some("PENDING"));
        assert_eq!(row.carriers, json!({"10017": "REGISTERED"}));
        assert!(row.last_synced_at.is_some());

        let decline = PartnerDecline {
            explanation: "Samples lack opt-out".into(),
            categories: vec![RejectionCategory::SampleMessage],
        };
        let requested = PartnerCampaignEvent::PartnerCampaignActionRequested {
            action: PartnerAction::Decline(decline.clone()),
        };
        let pending: PartnerCampaignRow =
            given("C9X8Y7Z".to_string(), vec![observed(), requested.clone()]);
        assert_eq!(pending.pending_action.as_ref().unwrap()["kind"], "decline");

        let failed = PartnerCampaignEvent::PartnerCampaignActionFailed {
            action: "decline".into(),
            failure: PartnerFailure {
                kind: "server_error".into(),
                message: "TCR failed".into(),
                tcr_errors: vec![],
                retryable: true,
            },
        };
        let declined = PartnerCampaignEvent::PartnerCampaignDeclined { decline };
        let row: PartnerCampaignRow = given(
            "C9X8Y7Z".to_string(),
            vec![observed(), requested.clone(), failed, requested, declined],
        );
        assert_eq!(row.sharing_status.as_deref(), Some("DECLINED"));
        assert_eq!(row.pending_action, None);
        assert_eq!(row.last_error, None, "an answer clears the last failure");
        assert_eq!(
            row.decline,
            Some(json!({"explanation": "Samples lack opt-out", "categories": ["SAMPLE_MESSAGE"]}))
        );
    }
}
