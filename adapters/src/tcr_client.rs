//! The TCR CSP API v2 over HTTP: the production implementation of the domain's TCR port.
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;

use tendlc_domain::values::VettingStatus;

use crate::tcr_budget::{CallKind, SharedBudget};

use tendlc_domain::ids::{TcrBrandId, TcrCampaignId, TcrResellerId};
use tendlc_domain::tcr::{
    MnoTerms, OperationStatuses, TcrApiError, TcrAppeal, TcrAppealRequest, TcrAttachment, TcrBrand,
    TcrBrandRequest, TcrCall, TcrCampaign, TcrCampaignRequest, TcrCampaignSubmission,
    TcrCampaignUpdate, TcrCatalogue, TcrCnpMigration, TcrCnpMigrationSettings, TcrDownload,
    TcrError, TcrFeedback, TcrFileTarget, TcrFileUpload, TcrNudge, TcrOtpSent, TcrOtpStatus,
    TcrPartnerCampaign, TcrPartnerCampaignPage, TcrPartnerDecline, TcrPort, TcrReply, TcrReseller,
    TcrResellerRequest, TcrSharing, TcrSharingChain, TcrSharingLink, TcrVetting, TcrVettingAppeal,
    TcrVettingAppealRequest, TcrVettingImport, TcrVettingOrder, UseCaseInfo, UsecaseQualification,
    VerticalInfo, WebhookSubscription,
};

/// Where TCR is and how to authenticate. `Debug` never shows the key or secret.
#[derive(Debug, Clone)]
pub struct TcrClientConfig {
    /// e.g. `https://csp-api.campaignregistry.com/v2`
    pub base_url: String,
    pub api_key: SecretString,
    pub api_secret: SecretString,
    /// Whole-call budget, so an API request can still answer in time.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// TCR's limits: GET calls per second, and POST/PUT/DELETE calls per 10 seconds.
    pub read_rate_per_sec: u32,
    pub write_rate_per_10s: u32,
}

type Limiter = governor::DefaultDirectRateLimiter;

fn limiter(quota: Option<governor::Quota>) -> Option<Arc<Limiter>> {
    quota.map(|q| Arc::new(governor::RateLimiter::direct(q)))
}

/// HTTP client for TCR's CSP API v2.
#[derive(Clone)]
pub struct TcrHttpClient {
    http: reqwest::Client,
    base_url: String,
    api_key: SecretString,
    api_secret: SecretString,
    /// Shared by every caller in this process (API requests, poller, retrier, webhook worker),
    /// so together they stay under TCR's limits.
    reads: Option<Arc<Limiter>>,
    writes: Option<Arc<Limiter>>,
    /// The same limits across every replica (through Postgres), after this process's own.
    shared: Option<SharedBudget>,
}

impl std::fmt::Debug for TcrHttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TcrHttpClient")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

const MAX_ERROR_DETAIL: usize = 300;

impl TcrHttpClient {
    pub fn new(config: TcrClientConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("tendlc/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let per_second = NonZeroU32::new(config.read_rate_per_sec).map(governor::Quota::per_second);
        let per_ten_seconds = NonZeroU32::new(config.write_rate_per_10s).map(|n| {
            governor::Quota::with_period(Duration::from_secs(10) / n.get())
                .expect("non-zero period")
                .allow_burst(n)
        });
        Ok(Self {
            http,
            base_url: config.base_url.trim_end_matches('/').to_string(),
            api_key: config.api_key,
            api_secret: config.api_secret,
            reads: limiter(per_second),
            writes: limiter(per_ten_seconds),
            shared: None,
        })
    }

    /// Keeps TCR's limits across every process calling TCR with this account (through this
    /// database), not only within this one. The limits are the client's own settings.
    pub fn sharing_limits(mut self, budget: SharedBudget) -> Self {
        self.shared = Some(budget);
        self
    }

    /// A call whose answer body (none, or a message) tendlc does not need.
    async fn call_for_status(
        &self,
        method: Method,
        endpoint: &str,
        body: Option<&dyn erased::Body>,
    ) -> TcrReply<()> {
        let reply: TcrReply<serde_json::Value> = self.call(method, endpoint, &[], body).await;
        map_reply(reply, |_| ())
    }

    /// A call with a JSON body (or none) and a JSON answer.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        endpoint: &str,
        query: &[(&str, &str)],
        body: Option<&dyn erased::Body>,
    ) -> TcrReply<T> {
        let payload = match body {
            Some(body) => Payload::Json(body.to_json()),
            None => Payload::None,
        };
        self.exchange(method, endpoint, query, payload, |status, _, bytes| {
            interpret(status, bytes)
        })
        .await
    }

    /// Every call to TCR goes through here, so each shows in a request's trace as one `tcr`
    /// span with its method, endpoint, status and latency (never credentials or bodies); its
    /// answer is read by `read` (status, content type, body).
    #[tracing::instrument(
        name = "tcr",
        skip(self, query, payload, read),
        fields(status, latency_ms)
    )]
    async fn exchange<T>(
        &self,
        method: Method,
        endpoint: &str,
        query: &[(&str, &str)],
        payload: Payload,
        read: impl FnOnce(StatusCode, Option<String>, &[u8]) -> Result<T, TcrError>,
    ) -> TcrReply<T> {
        let started = Instant::now();
        let (limit, kind) = if method == Method::GET {
            (&self.reads, CallKind::Read)
        } else {
            (&self.writes, CallKind::Write)
        };
        if let Some(limit) = limit {
            limit.until_ready().await;
        }
        // Held until this call is over (dropped at the end of this function, or if cancelled).
        let _slot = match &self.shared {
            Some(shared) => shared.take(kind).await,
            None => None,
        };
        let mut request = self
            .http
            .request(method.clone(), format!("{}{}", self.base_url, endpoint))
            .basic_auth(
                self.api_key.expose_secret(),
                Some(self.api_secret.expose_secret()),
            )
            .header("Accept", "application/json");
        if !query.is_empty() {
            request = request.query(query);
        }
        request = match payload {
            Payload::None => request,
            Payload::Json(body) => request.json(&body),
            Payload::File(form) => request.multipart(form),
        };
        let outcome = request.send().await;
        let (http_status, result) = match outcome {
            Err(error) => (None, Err(self.transport_error(&error))),
            Ok(response) => {
                let status = response.status();
                let content_type = response
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let bytes = response.bytes().await;
                let result = match bytes {
                    Err(error) => Err(self.transport_error(&error)),
                    Ok(bytes) => read(status, content_type, &bytes),
                };
                (Some(status.as_u16()), result)
            }
        };
        let call = TcrCall {
            method: method.to_string(),
            endpoint: endpoint.to_string(),
            http_status,
            latency_ms: started.elapsed().as_millis() as u64,
        };
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error.kind(),
        };
        let family = endpoint_family(endpoint);
        metrics::counter!("tendlc_tcr_calls_total", "method" => call.method.clone(),
            "endpoint" => family.clone(), "outcome" => outcome)
        .increment(1);
        metrics::histogram!("tendlc_tcr_call_duration_seconds", "method" => call.method.clone(),
            "endpoint" => family)
        .record(started.elapsed().as_secs_f64());
        let span = tracing::Span::current();
        span.record("status", call.http_status);
        span.record("latency_ms", call.latency_ms);
        match &result {
            Ok(_) => {
                tracing::debug!(method = %call.method, endpoint = %call.endpoint, status = call.http_status, latency_ms = call.latency_ms, "TCR call")
            }
            // TCR refusing what a customer sent is the customer's business, shown to them and
            // recorded; TCR failing, refusing our credentials or not answering is the operator's.
            Err(error @ TcrError::Rejected(_)) => {
                tracing::info!(method = %call.method, endpoint = %call.endpoint, status = call.http_status, latency_ms = call.latency_ms, error = %error, "TCR refused the call")
            }
            Err(error) => {
                tracing::warn!(method = %call.method, endpoint = %call.endpoint, status = call.http_status, latency_ms = call.latency_ms, error = %error, "TCR call failed")
            }
        }
        TcrReply { call, result }
    }

    /// Describes a transport failure without echoing anything that could carry credentials.
    fn transport_error(&self, error: &reqwest::Error) -> TcrError {
        if error.is_timeout() {
            TcrError::Timeout
        } else if error.is_connect() {
            TcrError::Unreachable(format!("no connection to {}", self.base_url))
        } else {
            TcrError::Unreachable(format!("the connection to {} failed", self.base_url))
        }
    }
}

/// An endpoint with its ids replaced by `{id}` (`/brand/B1A2C3D/vetting` →
/// `/brand/{id}/vetting`), so metrics have one series per kind of call, not per registration.
fn endpoint_family(endpoint: &str) -> String {
    endpoint
        .split('/')
        .map(|segment| {
            let id = segment.chars().any(|c| c.is_ascii_digit())
                || (segment.len() > 1
                    && segment
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c == '_' || c == '-'));
            if id {
                "{id}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What a call sends: nothing, a JSON document, or one file as TCR's uploads take it.
enum Payload {
    None,
    Json(serde_json::Value),
    File(reqwest::multipart::Form),
}

fn interpret<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, TcrError> {
    let detail = || {
        let text = String::from_utf8_lossy(body);
        text.chars().take(MAX_ERROR_DETAIL).collect::<String>()
    };
    match status.as_u16() {
        200..=299 => {
            // 204 and friends carry no body; let `()`-like targets read `null`.
            let body: &[u8] = if body.is_empty() { b"null" } else { body };
            serde_json::from_slice(body).map_err(|error| TcrError::UnreadableAnswer {
                status: status.as_u16(),
                detail: format!("unreadable body ({error}): {}", detail()),
            })
        }
        400 => match serde_json::from_slice::<Vec<TcrApiError>>(body) {
            Ok(errors) if !errors.is_empty() => Err(TcrError::Rejected(errors)),
            _ => Err(TcrError::UnexpectedResponse {
                status: 400,
                detail: detail(),
            }),
        },
        401 => Err(TcrError::Unauthorized),
        429 => Err(TcrError::RateLimited),
        500..=599 => Err(TcrError::ServerError {
            status: status.as_u16(),
        }),
        other => Err(TcrError::UnexpectedResponse {
            status: other,
            detail: detail(),
        }),
    }
}

/// Lets `call` take any serialisable body without being generic over it.
mod erased {
    pub trait Body: Send + Sync {
        fn to_json(&self) -> serde_json::Value;
    }

    impl<T: serde::Serialize + Send + Sync> Body for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}

#[derive(Debug, Deserialize)]
struct RecordSet<T> {
    #[serde(default = "Vec::new")]
    records: Vec<T>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerticalEntry {
    industry_id: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UseCaseEntry {
    classification: Option<String>,
    display_name: Option<String>,
    description: Option<String>,
    min_sub_usecases: Option<i64>,
    max_sub_usecases: Option<i64>,
    valid_sub_usecase: Option<bool>,
}

fn map_reply<T, U>(reply: TcrReply<T>, f: impl FnOnce(T) -> U) -> TcrReply<U> {
    TcrReply {
        call: reply.call,
        result: reply.result.map(f),
    }
}

#[async_trait]
impl TcrPort for TcrHttpClient {
    async fn create_brand(&self, brand: &TcrBrandRequest) -> TcrReply<TcrBrand> {
        self.call(Method::POST, "/brand/nonBlocking", &[], Some(brand))
            .await
    }

    async fn get_brand(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<TcrBrand> {
        self.call(Method::GET, &format!("/brand/{tcr_brand_id}"), &[], None)
            .await
    }

    async fn update_brand(
        &self,
        tcr_brand_id: &TcrBrandId,
        brand: &TcrBrandRequest,
    ) -> TcrReply<TcrBrand> {
        self.call(
            Method::PUT,
            &format!("/brand/{tcr_brand_id}"),
            &[],
            Some(brand),
        )
        .await
    }

    async fn find_brand_by_reference(&self, reference_id: &str) -> TcrReply<Option<TcrBrand>> {
        let reply: TcrReply<RecordSet<TcrBrand>> = self
            .call(
                Method::GET,
                "/brand",
                &[("referenceId", reference_id)],
                None,
            )
            .await;
        map_reply(reply, |set| {
            set.records.into_iter().find(|brand| {
                brand
                    .reference_id
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(reference_id))
            })
        })
    }

    async fn entity_types(&self) -> TcrReply<Vec<String>> {
        self.call(Method::GET, "/enum/entityType", &[], None).await
    }

    async fn verticals(&self) -> TcrReply<Vec<VerticalInfo>> {
        let reply: TcrReply<std::collections::BTreeMap<String, VerticalEntry>> =
            self.call(Method::GET, "/enum/vertical", &[], None).await;
        map_reply(reply, |map| {
            map.into_iter()
                .map(|(code, entry)| VerticalInfo {
                    code,
                    industry_id: entry.industry_id,
                    display_name: entry.display_name,
                    description: entry.description,
                })
                .collect()
        })
    }

    async fn catalogue(&self, catalogue: TcrCatalogue) -> TcrReply<serde_json::Value> {
        // Public companies are paged (10 a page by default); one page of TCR's maximum 500.
        let query: &[(&str, &str)] = match catalogue {
            TcrCatalogue::ApprovedPublicCompanies => &[("recordsPerPage", "500")],
            _ => &[],
        };
        self.call(Method::GET, catalogue.path(), query, None).await
    }

    async fn vetting_appeal_categories(&self, evp_id: &str) -> TcrReply<serde_json::Value> {
        let path = TcrCatalogue::ExtVettingAppealCategories.path();
        self.call(Method::GET, path, &[("evpId", evp_id)], None)
            .await
    }

    async fn use_cases(&self) -> TcrReply<Vec<UseCaseInfo>> {
        let reply: TcrReply<std::collections::BTreeMap<String, UseCaseEntry>> =
            self.call(Method::GET, "/enum/usecase", &[], None).await;
        map_reply(reply, |map| {
            map.into_iter()
                .map(|(code, entry)| UseCaseInfo {
                    code,
                    classification: entry.classification,
                    display_name: entry.display_name,
                    description: entry.description,
                    min_sub_usecases: entry.min_sub_usecases,
                    max_sub_usecases: entry.max_sub_usecases,
                    valid_sub_usecase: entry.valid_sub_usecase,
                })
                .collect()
        })
    }

    async fn webhook_subscriptions(&self) -> TcrReply<Vec<WebhookSubscription>> {
        self.call(Method::GET, "/webhook/subscription", &[], None)
            .await
    }

    async fn subscribe_webhook(
        &self,
        subscription: &WebhookSubscription,
    ) -> TcrReply<WebhookSubscription> {
        self.call(
            Method::PUT,
            "/webhook/subscription",
            &[],
            Some(subscription),
        )
        .await
    }

    async fn delete_brand(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<()> {
        self.call_for_status(Method::DELETE, &format!("/brand/{tcr_brand_id}"), None)
            .await
    }

    async fn revet_brand(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<Option<TcrBrand>> {
        let reply: TcrReply<serde_json::Value> = self
            .call(
                Method::PUT,
                &format!("/brand/{tcr_brand_id}/revet"),
                &[],
                None,
            )
            .await;
        map_reply(reply, |value| serde_json::from_value(value).ok())
    }

    async fn brand_feedback(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<TcrFeedback> {
        self.call(
            Method::GET,
            &format!("/brand/feedback/{tcr_brand_id}"),
            &[],
            None,
        )
        .await
    }

    async fn order_vetting(
        &self,
        tcr_brand_id: &TcrBrandId,
        order: &TcrVettingOrder,
    ) -> TcrReply<TcrVetting> {
        self.call(
            Method::POST,
            &format!("/brand/{tcr_brand_id}/externalVetting"),
            &[],
            Some(order),
        )
        .await
    }

    async fn import_vetting(
        &self,
        tcr_brand_id: &TcrBrandId,
        import: &TcrVettingImport,
    ) -> TcrReply<TcrVetting> {
        self.call(
            Method::PUT,
            &format!("/brand/{tcr_brand_id}/externalVetting"),
            &[],
            Some(import),
        )
        .await
    }

    async fn vettings(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<Vec<TcrVetting>> {
        // TCR requires the statuses wanted: all of them.
        let statuses: Vec<(&str, &str)> = VettingStatus::ALL
            .iter()
            .map(|s| ("vettingStatus", s.as_str()))
            .collect();
        self.call(
            Method::GET,
            &format!("/brand/{tcr_brand_id}/externalVetting"),
            &statuses,
            None,
        )
        .await
    }

    async fn appeal_brand(
        &self,
        tcr_brand_id: &TcrBrandId,
        appeal: &TcrAppealRequest,
    ) -> TcrReply<()> {
        self.call_for_status(
            Method::POST,
            &format!("/brand/{tcr_brand_id}/appeal"),
            Some(appeal),
        )
        .await
    }

    async fn brand_appeals(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<Vec<TcrAppeal>> {
        self.call(
            Method::GET,
            &format!("/brand/{tcr_brand_id}/appeal"),
            &[],
            None,
        )
        .await
    }

    async fn send_otp(
        &self,
        tcr_brand_id: &TcrBrandId,
        pin_sms: &str,
        success_sms: Option<&str>,
    ) -> TcrReply<TcrOtpSent> {
        let body = serde_json::json!({"pinSms": pin_sms, "successSms": success_sms});
        self.call(
            Method::POST,
            &format!("/brand/{tcr_brand_id}/smsOtp"),
            &[],
            Some(&body),
        )
        .await
    }

    async fn resend_auth_plus_email(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<()> {
        let reply: TcrReply<serde_json::Value> = self
            .call(
                Method::POST,
                &format!("/brand/{tcr_brand_id}/2faEmail"),
                &[("vettingClass", "AUTHPLUS")],
                None,
            )
            .await;
        map_reply(reply, |_| ())
    }

    async fn verify_otp(&self, tcr_brand_id: &TcrBrandId, otp_pin: &str) -> TcrReply<()> {
        let body = serde_json::json!({"otpPin": otp_pin});
        self.call_for_status(
            Method::PUT,
            &format!("/brand/{tcr_brand_id}/smsOtp"),
            Some(&body),
        )
        .await
    }

    async fn otp_status(&self, reference_id: &str) -> TcrReply<TcrOtpStatus> {
        self.call(
            Method::GET,
            &format!("/brand/smsOtp/{reference_id}"),
            &[],
            None,
        )
        .await
    }

    async fn qualify(
        &self,
        tcr_brand_id: &TcrBrandId,
        usecase: &str,
    ) -> TcrReply<UsecaseQualification> {
        self.call(
            Method::GET,
            &format!("/campaignBuilder/brand/{tcr_brand_id}/usecase/{usecase}"),
            &[],
            None,
        )
        .await
    }

    async fn create_campaign(
        &self,
        campaign: &TcrCampaignRequest,
    ) -> TcrReply<TcrCampaignSubmission> {
        self.call(Method::POST, "/campaignBuilder", &[], Some(campaign))
            .await
    }

    async fn get_campaign(&self, tcr_campaign_id: &TcrCampaignId) -> TcrReply<TcrCampaign> {
        self.call(
            Method::GET,
            &format!("/campaign/{tcr_campaign_id}"),
            &[],
            None,
        )
        .await
    }

    async fn find_campaign_by_reference(
        &self,
        reference_id: &str,
    ) -> TcrReply<Option<TcrCampaign>> {
        let reply: TcrReply<RecordSet<TcrCampaign>> = self
            .call(
                Method::GET,
                "/campaign",
                &[("referenceId", reference_id)],
                None,
            )
            .await;
        map_reply(reply, |set| {
            set.records.into_iter().find(|campaign| {
                campaign
                    .reference_id
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(reference_id))
            })
        })
    }

    async fn update_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        update: &TcrCampaignUpdate,
    ) -> TcrReply<TcrCampaign> {
        self.call(
            Method::PUT,
            &format!("/campaign/{tcr_campaign_id}"),
            &[],
            Some(update),
        )
        .await
    }

    async fn deactivate_campaign(&self, tcr_campaign_id: &TcrCampaignId) -> TcrReply<()> {
        self.call_for_status(
            Method::DELETE,
            &format!("/campaign/{tcr_campaign_id}"),
            None,
        )
        .await
    }

    async fn operation_status(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<OperationStatuses> {
        self.call(
            Method::GET,
            &format!("/campaign/{tcr_campaign_id}/operationStatus"),
            &[],
            None,
        )
        .await
    }

    async fn campaign_mno_metadata(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<BTreeMap<String, MnoTerms>> {
        let reply: TcrReply<serde_json::Value> = self
            .call(
                Method::GET,
                &format!("/campaign/{tcr_campaign_id}/mnoMetadata"),
                &[],
                None,
            )
            .await;
        // TCR wraps the map as `{campaignId, mnoMetadata}`; accept the bare map too.
        let TcrReply { call, result } = reply;
        let result = result.and_then(|value| {
            let map = value.get("mnoMetadata").cloned().unwrap_or(value);
            serde_json::from_value(map).map_err(|error| TcrError::UnreadableAnswer {
                status: call.http_status.unwrap_or(200),
                detail: format!("unreadable mnoMetadata: {error}"),
            })
        });
        TcrReply { call, result }
    }

    async fn resubmit_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        mno_ids: &[u32],
    ) -> TcrReply<TcrCampaignSubmission> {
        let body = serde_json::json!({ "mnoIds": mno_ids });
        self.call(
            Method::PUT,
            &format!("/campaign/{tcr_campaign_id}/resubmit"),
            &[],
            Some(&body),
        )
        .await
    }

    async fn nudge_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        nudge: &TcrNudge,
    ) -> TcrReply<()> {
        self.call_for_status(
            Method::POST,
            &format!("/campaign/{tcr_campaign_id}/nudge"),
            Some(nudge),
        )
        .await
    }

    async fn share_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        upstream_cnp_id: &str,
    ) -> TcrReply<TcrSharing> {
        self.call(
            Method::PUT,
            &format!("/campaign/{tcr_campaign_id}/sharing/{upstream_cnp_id}"),
            &[],
            None,
        )
        .await
    }

    async fn campaign_sharing(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<Option<TcrSharing>> {
        let reply: TcrReply<SharingView> = self
            .call(
                Method::GET,
                &format!("/campaign/{tcr_campaign_id}/sharing"),
                &[],
                None,
            )
            .await;
        map_reply(reply, |view| view.shared_by_me)
    }

    async fn upload_file(
        &self,
        target: &TcrFileTarget,
        file: &TcrFileUpload<'_>,
    ) -> TcrReply<TcrAttachment> {
        let part = reqwest::multipart::Part::bytes(file.content.to_vec())
            .file_name(file.file_name.to_owned());
        // A type reqwest cannot parse is sent without one: TCR goes by the file name.
        let part = match part.mime_str(file.content_type) {
            Ok(part) => part,
            Err(_) => reqwest::multipart::Part::bytes(file.content.to_vec())
                .file_name(file.file_name.to_owned()),
        };
        let form = reqwest::multipart::Form::new().part("file", part);
        self.exchange(
            Method::POST,
            &target.endpoint(),
            &[],
            Payload::File(form),
            |status, _, bytes| interpret(status, bytes),
        )
        .await
    }

    async fn files(&self, target: &TcrFileTarget) -> TcrReply<Vec<TcrAttachment>> {
        self.call(Method::GET, &target.endpoint(), &[], None).await
    }

    async fn download_attachment(&self, attachment_id: &str) -> TcrReply<TcrDownload> {
        // The id holds slashes (`B123ABC/EVR/...`): kept as path segments, as TCR shows them.
        let endpoint = format!("/attachment/{attachment_id}");
        self.exchange(
            Method::GET,
            &endpoint,
            &[],
            Payload::None,
            |status, content_type, bytes| match status.as_u16() {
                200..=299 => Ok(TcrDownload {
                    content_type,
                    content: bytes.to_vec(),
                }),
                _ => Err(interpret::<serde_json::Value>(status, bytes)
                    .err()
                    .unwrap_or(TcrError::UnexpectedResponse {
                        status: status.as_u16(),
                        detail: String::new(),
                    })),
            },
        )
        .await
    }

    async fn appeal_vetting(
        &self,
        tcr_brand_id: &TcrBrandId,
        appeal: &TcrVettingAppealRequest,
    ) -> TcrReply<()> {
        self.call_for_status(
            Method::POST,
            &format!("/brand/{tcr_brand_id}/externalVetting/appeal"),
            Some(appeal),
        )
        .await
    }

    async fn vetting_appeals(&self, tcr_brand_id: &TcrBrandId) -> TcrReply<Vec<TcrVettingAppeal>> {
        self.call(
            Method::GET,
            &format!("/brand/{tcr_brand_id}/externalVetting/appeal"),
            &[],
            None,
        )
        .await
    }

    async fn enhanced_vetting_reports(
        &self,
        tcr_brand_id: &TcrBrandId,
    ) -> TcrReply<Vec<TcrAttachment>> {
        self.call(
            Method::GET,
            &format!("/brand/{tcr_brand_id}/externalVetting/enhancedVettingReport"),
            &[],
            None,
        )
        .await
    }

    async fn campaigns_shared_with_me(&self, page: u32) -> TcrReply<TcrPartnerCampaignPage> {
        let page = page.max(1).to_string();
        self.call(
            Method::GET,
            "/partnerCampaign/sharedWithMe",
            &[("page", &page), ("recordsPerPage", PARTNER_PAGE)],
            None,
        )
        .await
    }

    async fn campaigns_shared_by_me(&self, page: u32) -> TcrReply<TcrPartnerCampaignPage> {
        let page = page.max(1).to_string();
        self.call(
            Method::GET,
            "/partnerCampaign/sharedByMe",
            &[("page", &page), ("recordsPerPage", PARTNER_PAGE)],
            None,
        )
        .await
    }

    async fn partner_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<TcrPartnerCampaign> {
        self.call(
            Method::GET,
            &format!("/partnerCampaign/{tcr_campaign_id}"),
            &[],
            None,
        )
        .await
    }

    async fn partner_campaign_mno_metadata(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<std::collections::BTreeMap<String, MnoTerms>> {
        self.call(
            Method::GET,
            &format!("/partnerCampaign/{tcr_campaign_id}/mnoMetadata"),
            &[],
            None,
        )
        .await
    }

    async fn partner_campaign_operation_status(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<OperationStatuses> {
        self.call(
            Method::GET,
            &format!("/partnerCampaign/{tcr_campaign_id}/operationStatus"),
            &[],
            None,
        )
        .await
    }

    async fn partner_campaign_sharing(
        &self,
        tcr_campaign_id: &TcrCampaignId,
    ) -> TcrReply<TcrSharingChain> {
        self.call(
            Method::GET,
            &format!("/partnerCampaign/{tcr_campaign_id}/sharing"),
            &[],
            None,
        )
        .await
    }

    async fn reshare_partner_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        upstream_cnp_id: &str,
    ) -> TcrReply<TcrSharingLink> {
        self.call(
            Method::PUT,
            &format!("/partnerCampaign/{tcr_campaign_id}/sharing/{upstream_cnp_id}"),
            &[],
            None,
        )
        .await
    }

    async fn decline_partner_campaign(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        decline: &TcrPartnerDecline,
    ) -> TcrReply<TcrSharingLink> {
        // TCR takes the decline in the query string, the categories as a repeated parameter.
        let mut query = vec![("explanation", decline.explanation.as_str())];
        query.extend(
            decline
                .rejection_categories
                .iter()
                .map(|c| ("rejectionCategory", c.as_str())),
        );
        self.call(
            Method::DELETE,
            &format!("/partnerCampaign/{tcr_campaign_id}/sharing"),
            &query,
            None,
        )
        .await
    }

    async fn start_cnp_migration(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        upstream_cnp_id: &str,
    ) -> TcrReply<()> {
        self.call_for_status(
            Method::POST,
            &format!("/campaign/{tcr_campaign_id}/migrateCnp/{upstream_cnp_id}"),
            None,
        )
        .await
    }

    async fn cnp_migration(&self, tcr_campaign_id: &TcrCampaignId) -> TcrReply<TcrCnpMigration> {
        self.call(
            Method::GET,
            &format!("/campaign/{tcr_campaign_id}/migrateCnp"),
            &[],
            None,
        )
        .await
    }

    async fn cancel_cnp_migration(
        &self,
        tcr_campaign_id: &TcrCampaignId,
        explanation: Option<&str>,
    ) -> TcrReply<()> {
        let query: Vec<(&str, &str)> = explanation
            .map(|e| ("explanation", e))
            .into_iter()
            .collect();
        let reply: TcrReply<serde_json::Value> = self
            .call(
                Method::DELETE,
                &format!("/campaign/{tcr_campaign_id}/migrateCnp"),
                &query,
                None,
            )
            .await;
        map_reply(reply, |_| ())
    }

    async fn cnp_migration_settings(&self) -> TcrReply<TcrCnpMigrationSettings> {
        self.call(Method::GET, "/settings/cnpMigration", &[], None)
            .await
    }

    async fn update_cnp_migration_settings(
        &self,
        settings: &TcrCnpMigrationSettings,
    ) -> TcrReply<TcrCnpMigrationSettings> {
        self.call(Method::PUT, "/settings/cnpMigration", &[], Some(settings))
            .await
    }

    async fn create_reseller(&self, reseller: &TcrResellerRequest) -> TcrReply<TcrReseller> {
        self.call(Method::POST, "/reseller", &[], Some(reseller))
            .await
    }

    async fn find_reseller_by_name(&self, company_name: &str) -> TcrReply<Option<TcrReseller>> {
        // TCR matches partially; only the exact name (TCR's uniqueness ignores case) is ours.
        let reply: TcrReply<RecordSet<TcrReseller>> = self
            .call(
                Method::GET,
                "/reseller",
                &[("companyName", company_name), ("recordsPerPage", "500")],
                None,
            )
            .await;
        map_reply(reply, |set| {
            set.records.into_iter().find(|reseller| {
                reseller
                    .company_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(company_name))
            })
        })
    }

    async fn update_reseller(
        &self,
        tcr_reseller_id: &TcrResellerId,
        reseller: &TcrResellerRequest,
    ) -> TcrReply<TcrReseller> {
        self.call(
            Method::PUT,
            &format!("/reseller/{tcr_reseller_id}"),
            &[],
            Some(reseller),
        )
        .await
    }

    async fn delete_reseller(&self, tcr_reseller_id: &TcrResellerId) -> TcrReply<()> {
        self.call_for_status(
            Method::DELETE,
            &format!("/reseller/{tcr_reseller_id}"),
            None,
        )
        .await
    }
}

/// Partner campaigns read per page: TCR's maximum, so few calls list an account's shares.
const PARTNER_PAGE: &str = "500";

/// `GET /campaign/{id}/sharing`: who shared it with us, and with whom we shared it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SharingView {
    #[serde(default)]
    shared_by_me: Option<TcrSharing>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_name_endpoints_without_their_ids() {
        assert_eq!(
            endpoint_family("/brand/B1A2C3D/vetting"),
            "/brand/{id}/vetting"
        );
        assert_eq!(endpoint_family("/brand/nonBlocking"), "/brand/nonBlocking");
        assert_eq!(
            endpoint_family("/campaign/CX9Y8Z7/operationStatus"),
            "/campaign/{id}/operationStatus"
        );
        assert_eq!(
            endpoint_family("/enum/usecase/MARKETING"),
            "/enum/usecase/{id}"
        );
        assert_eq!(
            endpoint_family("/campaignBuilder/brand/B1A2C3D/usecase/2FA"),
            "/campaignBuilder/brand/{id}/usecase/{id}"
        );
    }

    fn read(status: u16, body: &str) -> Result<TcrBrand, TcrError> {
        interpret(StatusCode::from_u16(status).unwrap(), body.as_bytes())
    }

    #[test]
    fn it_should_read_a_brand_from_a_2xx() {
        let brand = read(
            200,
            r#"{"brandId":"B123ABC","status":"ACTIVE","identityStatus":"VERIFIED","extra":1}"#,
        )
        .unwrap();
        assert_eq!(brand.brand_id.as_str(), "B123ABC");
    }

    #[test]
    fn it_should_turn_tcrs_400_array_into_typed_errors() {
        let error = read(
            400,
            r#"[{"code":501,"description":"Invalid input","fields":["ein"]}]"#,
        )
        .unwrap_err();
        assert_eq!(error.tcr_errors()[0].fields, vec!["ein"]);
        assert!(!error.retryable());
        let temporary = read(400, r#"[{"code":591,"description":"Retry in 30 s"}]"#).unwrap_err();
        assert!(temporary.retryable(), "591 says retry");
    }

    #[test]
    fn it_should_tell_401_429_and_5xx_apart() {
        assert_eq!(read(401, "").unwrap_err(), TcrError::Unauthorized);
        assert!(!TcrError::Unauthorized.retryable());
        assert_eq!(read(429, "").unwrap_err(), TcrError::RateLimited);
        assert!(TcrError::RateLimited.retryable());
        assert_eq!(
            read(503, "").unwrap_err(),
            TcrError::ServerError { status: 503 }
        );
        assert!(read(503, "").unwrap_err().retryable());
    }

    #[test]
    fn it_should_take_an_unreadable_success_for_an_unknown_outcome_never_a_refusal() {
        // TCR said it did it, in words we cannot read: it may have acted (and billed).
        let error = read(200, "<html>").unwrap_err();
        assert!(
            matches!(error, TcrError::UnreadableAnswer { status: 200, .. }),
            "{error:?}"
        );
        assert!(error.may_have_acted());
        assert!(error.retryable());
        // An unreadable 400 is still TCR saying no.
        assert!(matches!(
            read(400, "nope").unwrap_err(),
            TcrError::UnexpectedResponse { status: 400, .. }
        ));
    }

    #[tokio::test]
    async fn it_should_say_timeout_when_tcr_does_not_answer_in_time() {
        // A listener that accepts and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let client = TcrHttpClient::new(TcrClientConfig {
            base_url: format!("http://{address}/v2"),
            api_key: SecretString::from("k"),
            api_secret: SecretString::from("s"),
            timeout: Duration::from_millis(300),
            connect_timeout: Duration::from_millis(300),
            read_rate_per_sec: 0,
            write_rate_per_10s: 0,
        })
        .unwrap();
        let reply = client.get_brand(&TcrBrandId::from_tcr("B123ABC")).await;
        assert_eq!(reply.result.unwrap_err(), TcrError::Timeout);
        assert_eq!(reply.call.http_status, None);
        assert_eq!(reply.call.endpoint, "/brand/B123ABC");
    }

    #[test]
    fn it_should_never_show_credentials_in_debug_output() {
        let config = TcrClientConfig {
            base_url: "http://tcr".into(),
            api_key: SecretString::from("the-key-value"),
            api_secret: SecretString::from("the-secret-value"),
            timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
            read_rate_per_sec: 0,
            write_rate_per_10s: 0,
        };
        let text = format!(
            "{config:?} {:?}",
            TcrHttpClient::new(config.clone()).unwrap()
        );
        assert!(
            !text.contains("the-key-value") && !text.contains("the-secret-value"),
            "{text}"
        );
    }
}
