//! The JSON shapes the API answers with (camelCase; brand fields carry TCR's names).
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use tendlc_domain::brand::{AuthPlus, Brand, BrandDraft};
use tendlc_domain::campaign::carriers::sending_verdict;
use tendlc_domain::campaign::{Campaign, CarrierReason, SendingVerdict, Throughput};
use tendlc_domain::values::{Reported, TcrValue};
use tendlc_projections::brands::{BrandRow, VettingRow};
use tendlc_projections::campaigns::{CampaignRow, CarrierRow};
use tendlc_projections::customers::CustomerRow;
use tendlc_projections::history::{HistoryEntry, Replayed};
use tendlc_projections::notifications::queries::Resend;
use tendlc_projections::notifications::{NotificationRow, Summary};
use uuid::Uuid;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerView {
    pub id: Uuid,
    pub ban: String,
    pub name: String,
    /// BASIC | SMALL | MEDIUM | LARGE | KEY
    pub service_tier: String,
    #[schema(value_type = Vec<String>)]
    pub notification_emails: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<CustomerRow> for CustomerView {
    fn from(row: CustomerRow) -> Self {
        Self {
            id: row.customer_id,
            ban: row.ban.as_str().to_string(),
            name: row.name,
            service_tier: row.service_tier.as_str().to_string(),
            notification_emails: json(&row.notification_emails),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// A brand registration: our ids and status, TCR's id and statuses, and the profile fields
/// under TCR's own names.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BrandView {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub reference_id: String,
    pub tcr_brand_id: Option<String>,
    /// PENDING (recorded, TCR has not confirmed) | REGISTERED | REJECTED | ABANDONED.
    pub status: String,
    pub tcr_status: Option<String>,
    pub identity_status: Option<String>,
    pub brand_relationship: String,
    /// The brand's fields, under TCR's names.
    #[serde(flatten)]
    pub profile: BrandDraft,
    /// A change sent to TCR and not yet confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub pending_update: Option<Value>,
    /// The last failure: `{reason, message, tcr, retryable, at}` (and `abandoned`, `attempts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub last_error: Option<Value>,
    pub submission_attempts: i32,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A vetting, revet, appeal, OTP step or deletion sent to TCR and not yet answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub pending_action: Option<Value>,
    /// PENDING | COMPLETE, once an identity appeal was filed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appeal_status: Option<String>,
    /// `{categories, explanation, evidence: [{attachmentId, sha256}], filedAt, outcome?,
    /// completedAt?}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub appeal: Option<Value>,
    /// Files TCR holds as this brand's appeal evidence:
    /// `[{sha256, sizeBytes, contentType, attachmentId, uploadedAt}]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub evidence: Option<Value>,
    /// External-vetting appeals filed: `[{provider, vettingId, categories, evidence:
    /// [{attachmentId, sha256}], explanation, filedAt, status}]`, `status` PENDING until TCR decides, then COMPLETE with
    /// `outcome {vetStatus, vetScore, reasons}` and `completedAt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub vetting_appeals: Option<Value>,
    /// Sole proprietors: the OTP TCR sent, and when the PIN was accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otp_reference_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otp_verified_at: Option<DateTime<Utc>>,
    /// When a notification mail about the brand was last sent.
    pub last_notification_sent_at: Option<DateTime<Utc>>,
    /// Where the mails about its latest notified change stand: PENDING | SENT | FAILED | DEAD |
    /// SUPPRESSED; null when nothing was worth a mail yet.
    pub notification_status: Option<String>,
    /// With `?asOf=`: the instant this is the brand's state at, folded from its events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
    /// PUBLIC_PROFIT brands with an Authentication+ vet: where it stands and what to do next;
    /// null otherwise.
    pub auth_plus: Option<AuthPlusView>,
}

/// A brand's Authentication+: TCR's domain check, then a 2FA e-mail the business contact
/// must confirm.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthPlusView {
    /// DOMAIN_PENDING | EMAIL_SENT | VERIFIED | FAILED | EXPIRED | REVOKED (businessContactEmail
    /// changed; a new Auth+ vet is needed).
    pub status: String,
    pub vetting_id: String,
    /// The Auth+ vet's status at TCR: PENDING | UNSCORE | ACTIVE | FAILED | EXPIRED.
    pub vetting_status: Option<String>,
    /// Who TCR e-mails: the brand's businessContactEmail.
    pub business_contact_email: Option<String>,
    /// When the last 2FA e-mail went out (sent or resent); null when tendlc does not know.
    pub email_sent_at: Option<DateTime<Utc>>,
    /// While EMAIL_SENT: when TCR sends another one at the earliest (2 hours after the last).
    pub resend_allowed_at: Option<DateTime<Utc>>,
    /// Resends TCR took through tendlc.
    pub resends: u32,
    /// What the customer must do next.
    pub next_step: String,
}

impl AuthPlusView {
    fn of(auth_plus: &AuthPlus, profile: &BrandDraft, brand: Uuid) -> Self {
        let contact = profile.business_contact_email.as_deref();
        Self {
            status: auth_plus.status().as_str().to_string(),
            vetting_id: auth_plus.vetting_id.clone(),
            vetting_status: auth_plus.vetting_status.map(|s| s.as_str().to_string()),
            business_contact_email: contact.map(str::to_string),
            email_sent_at: auth_plus.email_sent_at,
            resend_allowed_at: auth_plus.resend_allowed_at(),
            resends: auth_plus.resends,
            next_step: auth_plus.next_step(contact, &brand.to_string()),
        }
    }
}

impl From<BrandRow> for BrandView {
    fn from(row: BrandRow) -> Self {
        Self {
            id: row.brand_id,
            customer_id: row.customer_id,
            reference_id: row.reference_id,
            tcr_brand_id: row.tcr_brand_id,
            status: row.status.as_str().to_string(),
            tcr_status: row.tcr_status.as_ref().map(text),
            identity_status: row.identity_status.as_ref().map(text),
            brand_relationship: row.brand_relationship.as_str().to_string(),
            auth_plus: row
                .auth_plus
                .as_ref()
                .map(|a| AuthPlusView::of(a, &row.profile.to_draft(), row.brand_id)),
            profile: row.profile.to_draft(),
            pending_update: row.pending_update.as_ref().map(json),
            last_error: row.last_error,
            submission_attempts: row.submission_attempts,
            last_synced_at: row.last_synced_at,
            sync_source: row.sync_source.map(|s| s.as_str().to_string()),
            created_at: row.created_at,
            updated_at: row.updated_at,
            pending_action: row.pending_action.as_ref().map(json),
            appeal_status: row.appeal_status.map(|s| s.as_str().to_string()),
            appeal: row.appeal,
            evidence: Some(row.evidence),
            vetting_appeals: Some(row.vetting_appeals),
            otp_reference_id: row.otp_reference_id,
            otp_verified_at: row.otp_verified_at,
            last_notification_sent_at: None,
            notification_status: None,
            as_of: None,
        }
    }
}

/// One external vetting of a brand (the token is never kept).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VettingView {
    pub vetting_id: String,
    /// AEGIS | WMC | CV
    pub provider: String,
    /// STANDARD | ENHANCED | POLITICAL | AUTHPLUS
    pub vetting_class: Option<String>,
    /// PENDING | UNSCORE | ACTIVE | FAILED | EXPIRED
    pub status: Option<String>,
    pub score: Option<i32>,
    pub vetted_date: Option<DateTime<Utc>>,
    pub imported: bool,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<VettingRow> for VettingView {
    fn from(row: VettingRow) -> Self {
        Self {
            vetting_id: row.vetting_id,
            provider: row.provider.to_string(),
            vetting_class: row.vetting_class.as_ref().map(text),
            status: row.status.as_ref().map(text),
            score: row.score,
            vetted_date: row.vetted_date,
            imported: row.imported,
            last_synced_at: row.last_synced_at,
            sync_source: row.sync_source.map(|s| s.as_str().to_string()),
            created_at: row.created_at,
        }
    }
}

/// What one carrier says of a campaign, and what that means for sending.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CarrierView {
    pub mno_id: i32,
    pub mno: String,
    /// REVIEW | REGISTERED | REJECTED | SUSPENDED; absent until the carrier reports.
    pub status: Option<String>,
    /// The carrier's reason for a rejection or suspension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<CarrierReason>,
    /// Whether the campaign can send on this carrier now, and if not, why.
    pub sending: SendingVerdict,
    /// AT&T message class and TPM, T-Mobile brand tier and daily cap.
    pub throughput: Throughput,
    pub changed_at: Option<DateTime<Utc>>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
}

/// What the campaign costs at TCR.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeesView {
    /// USD per month, as TCR quotes it.
    pub monthly_fee: Option<f64>,
    /// The 3-month minimum TCR bills up front (political campaigns are exempt).
    pub minimum_commitment: Option<f64>,
    pub quarterly_fee: Option<f64>,
    pub annual_fee: Option<f64>,
    pub billed_date: Option<NaiveDate>,
    pub next_renewal_or_expiration_date: Option<NaiveDate>,
}

/// Sharing with an upstream connectivity partner.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SharingView {
    pub upstream_cnp_id: Option<String>,
    /// PENDING | ACCEPTED | DECLINED
    pub status: String,
    pub explanation: Option<String>,
}

/// A campaign registration: our ids and status, TCR's, each carrier's, the fees, and the
/// campaign's fields under TCR's names.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CampaignView {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub brand_id: Uuid,
    pub tcr_brand_id: String,
    pub tcr_campaign_id: Option<String>,
    pub reference_id: String,
    /// PENDING (recorded, TCR has not confirmed) | REGISTERED | REJECTED | ABANDONED.
    pub status: String,
    /// ACTIVE | EXPIRED at TCR.
    pub tcr_status: Option<String>,
    pub usecase: String,
    /// The campaign's fields under TCR's names (`CampaignRequest`).
    #[schema(value_type = Object)]
    pub campaign: Value,
    pub carriers: Vec<CarrierView>,
    pub fees: FeesView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing: Option<SharingView>,
    /// The latest CNP migration to another connectivity partner: `{upstreamCnpId, status
    /// (ACTIVE | COMPLETED | CANCELLED), cancellationReason, changedAt, source}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub cnp_migration: Option<Value>,
    /// MMS sample media at TCR: `[{sha256, sizeBytes, contentType, attachmentId, attachedAt}]`.
    #[schema(value_type = Vec<Object>)]
    pub mms_media: Value,
    /// Supporting documents at TCR, in the same shape.
    #[schema(value_type = Vec<Object>)]
    pub supporting_documents: Value,
    /// A change, deactivation, resubmission, nudge or sharing sent to TCR and not yet answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub pending_action: Option<Value>,
    /// The last failure: `{action, reason, message, tcr, retryable, at}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub last_error: Option<Value>,
    pub submission_attempts: i32,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub sync_source: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When a notification mail about the campaign was last sent.
    pub last_notification_sent_at: Option<DateTime<Utc>>,
    /// Where the mails about its latest notified change stand: PENDING | SENT | FAILED | DEAD |
    /// SUPPRESSED; null when nothing was worth a mail yet.
    pub notification_status: Option<String>,
    /// With `?asOf=`: the instant this is the campaign's state at, folded from its events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<Utc>>,
}

impl CampaignView {
    /// `carriers` are this campaign's rows.
    pub fn new(row: CampaignRow, carriers: Vec<CarrierRow>) -> Self {
        let qualification = &row.qualification;
        let terms = &row.mno_terms;
        let tcr_status = row.tcr_status.as_ref().and_then(Reported::known);
        let carriers = carriers
            .into_iter()
            .map(|c| {
                let mno = c.mno_id;
                let key = mno.key();
                let status = c.status.as_ref().and_then(Reported::known);
                let reason = c.reason_text.clone().map(|text| CarrierReason {
                    category: c.reason_category.clone(),
                    text,
                });
                let carrier_terms = terms
                    .get(&key)
                    .or_else(|| qualification.mno_metadata.get(&key))
                    .map(Throughput::from_terms)
                    .unwrap_or_default();
                CarrierView {
                    mno_id: mno.0 as i32,
                    mno: c.mno_name,
                    sending: sending_verdict(
                        row.tcr_campaign_id.as_ref().and(tcr_status),
                        mno,
                        status,
                        reason.as_ref(),
                    ),
                    status: c.status.as_ref().map(text),
                    reason,
                    throughput: carrier_terms,
                    changed_at: c.changed_at,
                    last_synced_at: c.last_synced_at,
                    sync_source: c.sync_source.map(|s| s.as_str().to_string()),
                }
            })
            .collect();
        let monthly = row.monthly_fee.or(qualification.monthly_fee);
        let political = row.usecase == "POLITICAL";
        Self {
            id: row.campaign_id,
            customer_id: row.customer_id,
            brand_id: row.brand_id,
            tcr_brand_id: row.tcr_brand_id,
            tcr_campaign_id: row.tcr_campaign_id,
            reference_id: row.reference_id,
            status: row.status.as_str().to_string(),
            tcr_status: row.tcr_status.as_ref().map(text),
            usecase: row.usecase,
            campaign: Value::Object(row.profile.to_json()),
            carriers,
            fees: FeesView {
                monthly_fee: monthly,
                minimum_commitment: monthly.map(|fee| if political { fee } else { fee * 3.0 }),
                quarterly_fee: qualification.quarterly_fee,
                annual_fee: qualification.annual_fee,
                billed_date: row.billed_date,
                next_renewal_or_expiration_date: row.next_renewal_date,
            },
            sharing: row.sharing_status.map(|status| SharingView {
                upstream_cnp_id: row.upstream_cnp_id,
                status: status.to_string(),
                explanation: row.sharing_explanation,
            }),
            cnp_migration: row.cnp_migration,
            mms_media: row.mms_media,
            supporting_documents: row.supporting_documents,
            pending_action: row.pending_action.as_ref().map(json),
            last_error: row.last_error,
            submission_attempts: row.submission_attempts,
            last_synced_at: row.last_synced_at,
            sync_source: row.sync_source.map(|s| s.as_str().to_string()),
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_notification_sent_at: None,
            notification_status: None,
            as_of: None,
        }
    }
}

/// A brand or campaign view that shows its notification state.
pub trait Notified {
    fn subject_id(&self) -> Uuid;
    fn show_notifications(&mut self, summary: &Summary);
}

impl Notified for BrandView {
    fn subject_id(&self) -> Uuid {
        self.id
    }

    fn show_notifications(&mut self, summary: &Summary) {
        self.last_notification_sent_at = summary.last_sent_at;
        self.notification_status = Some(summary.status.clone());
    }
}

impl Notified for CampaignView {
    fn subject_id(&self) -> Uuid {
        self.id
    }

    fn show_notifications(&mut self, summary: &Summary) {
        self.last_notification_sent_at = summary.last_sent_at;
        self.notification_status = Some(summary.status.clone());
    }
}

/// Fills in the notification state of these views (one query for all).
pub async fn with_notifications<V: Notified>(
    pool: &sqlx::PgPool,
    mut views: Vec<V>,
) -> Result<Vec<V>, sqlx::Error> {
    let ids: Vec<Uuid> = views.iter().map(Notified::subject_id).collect();
    let summaries = tendlc_projections::notifications::summaries(pool, &ids).await?;
    for view in &mut views {
        if let Some(summary) = summaries.get(&view.subject_id()) {
            view.show_notifications(summary);
        }
    }
    Ok(views)
}

/// One notification mail: what it is about, to whom, where it stands, and what the provider said.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    pub id: Uuid,
    pub customer_id: Uuid,
    /// BRAND_VERIFIED | BRAND_UNVERIFIED | VETTING_COMPLETED | CAMPAIGN_APPROVED |
    /// CAMPAIGN_REJECTED | CAMPAIGN_SUSPENDED | REGISTRATION_ABANDONED
    pub kind: String,
    /// BRAND | CAMPAIGN
    pub subject_type: String,
    pub subject_id: Uuid,
    pub subject_name: Option<String>,
    pub brand_id: Uuid,
    pub recipient: String,
    /// PENDING | SENT | FAILED (the provider refused it) | DEAD (retries gave up) | SUPPRESSED
    pub status: String,
    /// Why it was not sent: opted_out | duplicate | stale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_reason: Option<String>,
    /// Why it was sent: the change (its event, where it came from, the new state and particulars).
    pub reason: NotificationReason,
    pub changed_at: DateTime<Utc>,
    pub decided_at: DateTime<Utc>,
    pub attempts: i32,
    /// When the next attempt is due (PENDING only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The mail's subject line, once rendered.
    pub subject_line: Option<String>,
    /// outbox | sendgrid | smtp
    pub provider: Option<String>,
    pub provider_message_id: Option<String>,
    /// The provider's last answer (status and text, cut short).
    pub provider_answer: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    /// How often a super admin sent it again.
    pub resends: i32,
    /// The change and recipient it stands for: one mail per key, however often it is reported.
    pub dedupe_key: String,
    /// Its re-sends (the single-notification answer only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resend_history: Option<Vec<ResendView>>,
}

/// The change a notification tells of.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationReason {
    /// The event recorded for the change (e.g. BrandIdentityStatusChanged).
    pub event_type: String,
    /// api | webhook | poll | retry
    pub source: String,
    /// The new state (VERIFIED, REGISTERED, …).
    pub state: String,
    /// status, score, provider, carrier, carrierId, reasonCategory, reason, attempts.
    #[schema(value_type = Object)]
    pub facts: Value,
}

/// A re-send a super admin asked for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResendView {
    pub resent_at: DateTime<Utc>,
    pub resent_by: String,
    pub request_id: Option<String>,
    pub previous_status: String,
    pub previous_answer: Option<String>,
}

impl From<Resend> for ResendView {
    fn from(resend: Resend) -> Self {
        Self {
            resent_at: resend.resent_at,
            resent_by: resend.resent_by,
            request_id: resend.request_id,
            previous_status: resend.previous_status,
            previous_answer: resend.previous_answer,
        }
    }
}

impl From<NotificationRow> for NotificationView {
    fn from(row: NotificationRow) -> Self {
        Self {
            id: row.notification_id,
            customer_id: row.customer_id,
            kind: row.kind,
            subject_type: row.subject_type.to_ascii_uppercase(),
            subject_id: row.subject_id,
            subject_name: row.subject_name,
            brand_id: row.brand_id,
            recipient: row.recipient,
            next_attempt_at: (row.status == "PENDING").then_some(row.next_attempt_at),
            status: row.status,
            suppressed_reason: row.suppressed_reason,
            reason: NotificationReason {
                event_type: row.event_type,
                source: row.source,
                state: row.state,
                facts: row.facts,
            },
            changed_at: row.changed_at,
            decided_at: row.decided_at,
            attempts: row.attempts,
            subject_line: row.subject_line,
            provider: row.provider,
            provider_message_id: row.provider_message_id,
            provider_answer: row.provider_answer,
            sent_at: row.sent_at,
            resends: row.resends,
            dedupe_key: row.dedupe_key,
            resend_history: None,
        }
    }
}

/// A customer's notification preferences.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NotificationPreferencesView {
    pub customer_id: Uuid,
    /// Kinds not mailed.
    pub opt_outs: Vec<String>,
    /// Brand id → extra addresses told about that brand and its campaigns.
    #[schema(value_type = Object)]
    pub brand_contacts: Value,
    /// The customer's own notification addresses (set with PATCH /v1/customers/{id}).
    pub notification_emails: Vec<String>,
    /// Every kind there is.
    pub kinds: Vec<String>,
}

impl From<CustomerRow> for NotificationPreferencesView {
    fn from(row: CustomerRow) -> Self {
        let preferences = row.notification_preferences;
        Self {
            customer_id: row.customer_id,
            opt_outs: preferences
                .opt_outs
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
            brand_contacts: serde_json::to_value(&preferences.brand_contacts).unwrap_or_default(),
            notification_emails: row
                .notification_emails
                .iter()
                .map(|e| e.as_str().to_string())
                .collect(),
            kinds: tendlc_domain::notification::NotificationKind::ALL
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
        }
    }
}

/// TCR's spelling of a value it reported, known or not.
fn text<T: TcrValue>(value: &Reported<T>) -> String {
    value.as_str().to_string()
}

/// A document the read side keeps typed, shown as the JSON it is.
fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// When a view is a registration's state at an instant (`?asOf=`) rather than its read row.
pub struct AsOf<'a, A> {
    pub replayed: &'a Replayed<A>,
    pub at: DateTime<Utc>,
}

impl BrandView {
    /// The brand as the domain folds its events up to an instant. What the domain's state does
    /// not hold (the last error, the appeal's details, when the OTP was verified, how it was
    /// last synced) is absent; `lastSyncedAt` is its last observation of TCR's state.
    pub fn as_of(as_of: AsOf<'_, Brand>) -> Option<Self> {
        let brand = &as_of.replayed.state;
        let profile = brand.profile.as_ref()?;
        Some(Self {
            id: brand.brand_id?.as_uuid(),
            customer_id: brand.customer_id?.as_uuid(),
            reference_id: brand.reference_id.clone().unwrap_or_default(),
            tcr_brand_id: brand
                .tcr_brand_id
                .as_ref()
                .map(|id| id.as_str().to_string()),
            status: brand.status?.as_str().to_string(),
            tcr_status: brand.tcr_status.as_ref().map(text),
            identity_status: brand.identity_status.as_ref().map(text),
            brand_relationship: brand.brand_relationship?.as_str().to_string(),
            profile: profile.to_draft(),
            pending_update: brand.pending_update.as_ref().map(json),
            last_error: None,
            submission_attempts: brand.submission_attempts as i32,
            last_synced_at: brand.last_observed_at,
            sync_source: None,
            created_at: as_of.replayed.first_recorded_at,
            updated_at: as_of.replayed.last_recorded_at,
            pending_action: brand.pending_action.as_ref().map(json),
            appeal_status: brand.appeal_status.map(|s| s.as_str().to_string()),
            appeal: None,
            evidence: None,
            vetting_appeals: None,
            otp_reference_id: brand.otp_reference_id.clone(),
            otp_verified_at: None,
            last_notification_sent_at: None,
            notification_status: None,
            as_of: Some(as_of.at),
            auth_plus: brand
                .auth_plus
                .as_ref()
                .zip(brand.brand_id)
                .map(|(a, id)| AuthPlusView::of(a, &profile.to_draft(), id.as_uuid())),
        })
    }
}

impl CampaignView {
    /// The campaign as the domain folds its events up to an instant. What the domain's state
    /// does not hold (the last error, when each carrier changed and was synced, how the
    /// campaign was last synced) is absent; `lastSyncedAt` is its last observation of TCR's.
    pub fn as_of(as_of: AsOf<'_, Campaign>) -> Option<Self> {
        let campaign = &as_of.replayed.state;
        let profile = campaign.profile.as_ref()?;
        let qualification = campaign.qualification.clone().unwrap_or_default();
        let tcr_status = campaign.tcr_status.as_ref().and_then(Reported::known);
        let carriers = profile
            .mno_ids
            .iter()
            .map(|&mno| {
                let state = campaign.carriers.get(&mno);
                let status = state.map(|s| &s.status);
                let reason = state.and_then(|s| s.reason.clone());
                let key = mno.key();
                CarrierView {
                    mno_id: mno.0 as i32,
                    mno: mno.name().to_string(),
                    sending: sending_verdict(
                        campaign.tcr_campaign_id.as_ref().and(tcr_status),
                        mno,
                        status.and_then(Reported::known),
                        reason.as_ref(),
                    ),
                    status: status.map(text),
                    reason,
                    throughput: campaign
                        .mno_terms
                        .get(&key)
                        .or_else(|| qualification.mno_metadata.get(&key))
                        .map(Throughput::from_terms)
                        .unwrap_or_default(),
                    changed_at: None,
                    last_synced_at: None,
                    sync_source: None,
                }
            })
            .collect();
        let monthly = campaign.billing.monthly_fee.or(qualification.monthly_fee);
        let political = profile.usecase == "POLITICAL";
        Some(Self {
            id: campaign.campaign_id?.as_uuid(),
            customer_id: campaign.customer_id?.as_uuid(),
            brand_id: campaign.brand_id?.as_uuid(),
            tcr_brand_id: campaign.tcr_brand_id.as_ref()?.as_str().to_string(),
            tcr_campaign_id: campaign
                .tcr_campaign_id
                .as_ref()
                .map(|id| id.as_str().to_string()),
            reference_id: campaign.reference_id.clone().unwrap_or_default(),
            status: campaign.status?.as_str().to_string(),
            tcr_status: campaign.tcr_status.as_ref().map(text),
            usecase: profile.usecase.clone(),
            campaign: Value::Object(profile.to_json()),
            carriers,
            fees: FeesView {
                monthly_fee: monthly,
                minimum_commitment: monthly.map(|fee| if political { fee } else { fee * 3.0 }),
                quarterly_fee: qualification.quarterly_fee,
                annual_fee: qualification.annual_fee,
                billed_date: campaign.billing.billed_date,
                next_renewal_or_expiration_date: campaign.billing.next_renewal_or_expiration_date,
            },
            sharing: campaign.sharing.as_ref().map(|sharing| SharingView {
                upstream_cnp_id: sharing.upstream_cnp_id.clone(),
                status: sharing.status.to_string(),
                explanation: sharing.explanation.clone(),
            }),
            cnp_migration: campaign.cnp_migration.as_ref().map(json),
            // The aggregate does not keep files; the replay shows none.
            mms_media: Value::Array(Vec::new()),
            supporting_documents: Value::Array(Vec::new()),
            pending_action: campaign.pending_action.as_ref().map(json),
            last_error: None,
            submission_attempts: campaign.submission_attempts as i32,
            last_synced_at: campaign.last_observed_at,
            sync_source: None,
            created_at: as_of.replayed.first_recorded_at,
            updated_at: as_of.replayed.last_recorded_at,
            last_notification_sent_at: None,
            notification_status: None,
            as_of: Some(as_of.at),
        })
    }
}

/// The call to TCR a history entry records the outcome of.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcrCallView {
    /// `METHOD /path`, e.g. `POST /brand/nonBlocking`.
    pub endpoint: String,
    /// Absent when no answer came (timeout, connection lost).
    pub http_status: Option<u16>,
    pub latency_ms: Option<u64>,
}

/// One step of a brand's or campaign's history: one recorded event.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntryView {
    /// The event's place in the global order (as `tendlc audit verify` names it).
    pub position: i64,
    /// `Brand` or `Campaign` (a brand's history includes its campaigns').
    pub aggregate_type: String,
    /// Our id of that brand or campaign.
    pub aggregate_id: String,
    /// Its place among that brand's or campaign's own events (1, 2, …).
    pub sequence: i64,
    /// e.g. `BrandSubmittedToTcr`, `CampaignMnoStatusChanged`.
    pub event_type: String,
    pub event_version: String,
    pub recorded_at: DateTime<Utc>,
    /// `user:<subject>` or `system:<worker>`.
    pub actor: Option<String>,
    /// `api` | `webhook` | `poll` | `retry`.
    pub source: Option<String>,
    /// The id tendlc gave the request (or a worker its pass).
    pub request_id: Option<String>,
    /// The client's own `X-Request-ID`, when it sent one.
    pub client_request_id: Option<String>,
    /// The tendlc process that recorded it.
    pub instance: Option<String>,
    /// The TCR call whose outcome this event records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcr_call: Option<TcrCallView>,
    /// What happened, in one line.
    pub summary: String,
    /// The event's own fields (snake_case, as recorded), secrets and PINs removed.
    #[schema(value_type = Object)]
    pub data: Value,
    /// Each TCR error code the event records (in `data.tcr_errors`), with what TCR's error catalogue
    /// says it means.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tcr_codes: Vec<TcrCodeView>,
}

/// A TCR error code and TCR's own explanation of it (`GET /error`), when tendlc could read it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TcrCodeView {
    pub code: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalogue_description: Option<String>,
}

impl HistoryEntryView {
    /// The TCR error codes the event records.
    pub fn recorded_tcr_codes(&self) -> Vec<i64> {
        self.data["tcr_errors"]
            .as_array()
            .map(|errors| errors.iter().filter_map(|e| e["code"].as_i64()).collect())
            .unwrap_or_default()
    }
}

impl From<HistoryEntry> for HistoryEntryView {
    fn from(entry: HistoryEntry) -> Self {
        Self {
            position: entry.position,
            aggregate_type: entry.aggregate_type,
            aggregate_id: entry.aggregate_id,
            sequence: entry.sequence,
            event_type: entry.event_type,
            event_version: entry.event_version,
            recorded_at: entry.recorded_at,
            actor: entry.actor,
            source: entry.source,
            request_id: entry.request_id,
            client_request_id: entry.client_request_id,
            instance: entry.instance,
            tcr_call: entry.tcr_call.map(|call| TcrCallView {
                endpoint: call.endpoint,
                http_status: call.http_status,
                latency_ms: call.latency_ms,
            }),
            summary: entry.summary,
            data: entry.data,
            tcr_codes: Vec::new(),
        }
    }
}
