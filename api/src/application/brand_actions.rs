//! What a customer asks of a registered brand's identity — external vetting (order, import),
//! revet, appeal, sole-proprietor OTP — and its deletion: each recorded, sent to TCR, and its
//! outcome recorded.
use tendlc_domain::attachment::FileRef;
use tendlc_domain::brand::{BrandAction, BrandActionAnswer};
use tendlc_domain::ids::{BrandId, TcrBrandId};
use tendlc_domain::tcr::{
    TcrAppealRequest, TcrAttachment, TcrDownload, TcrFileTarget, TcrFileUpload, TcrPort, TcrReply,
    TcrVettingAppeal, TcrVettingAppealRequest, TcrVettingImport, TcrVettingOrder,
};
use tendlc_domain::values::{AppealCategory, VettingClass, VettingProvider};
use tendlc_projections::brands::BrandRow;
use tendlc_projections::campaigns as campaign_rows;

use super::brands::Brands;
use super::context::CommandContext;
use super::error::AppError;
use super::Outcome;

/// One request about a brand, with everything TCR needs (some of which, like a vetting token
/// or an OTP PIN, is sent but never recorded).
#[derive(Debug, Clone)]
pub enum BrandRequest {
    OrderVetting {
        provider: VettingProvider,
        vetting_class: VettingClass,
    },
    ImportVetting {
        provider: VettingProvider,
        vetting_id: String,
        vetting_token: Option<String>,
    },
    Revet,
    Appeal {
        categories: Vec<AppealCategory>,
        explanation: Option<String>,
        attachment_uuids: Vec<String>,
    },
    SendOtp {
        pin_sms: String,
        success_sms: Option<String>,
    },
    VerifyOtp {
        pin: String,
    },
    Delete,
    /// One of the customer's files, sent to TCR as appeal evidence; only `file` is recorded.
    UploadEvidence {
        file: FileRef,
        file_name: String,
        content: Vec<u8>,
    },
    AppealVetting {
        provider: String,
        vetting_id: String,
        categories: Vec<String>,
        /// TCR attachment ids of evidence already uploaded to the brand.
        evidence: Vec<String>,
        explanation: Option<String>,
    },
    /// Resend the Authentication+ 2FA e-mail of the brand's Auth+ vet `vetting_id`.
    ResendAuthPlusEmail {
        vetting_id: String,
        requested_at: chrono::DateTime<chrono::Utc>,
    },
}

impl BrandRequest {
    /// How the request is named in answers.
    pub fn action_name(&self) -> &'static str {
        self.action().name()
    }

    /// What is recorded of it.
    fn action(&self) -> BrandAction {
        match self {
            BrandRequest::OrderVetting {
                provider,
                vetting_class,
            } => BrandAction::OrderVetting {
                provider: *provider,
                vetting_class: *vetting_class,
            },
            BrandRequest::ImportVetting {
                provider,
                vetting_id,
                ..
            } => BrandAction::ImportVetting {
                provider: *provider,
                vetting_id: vetting_id.clone(),
            },
            BrandRequest::Revet => BrandAction::Revet,
            BrandRequest::Appeal {
                categories,
                explanation,
                attachment_uuids,
            } => BrandAction::Appeal {
                categories: categories.clone(),
                explanation: explanation.clone(),
                evidence: attachment_uuids.clone(),
            },
            BrandRequest::SendOtp { .. } => BrandAction::SendOtp,
            BrandRequest::VerifyOtp { .. } => BrandAction::VerifyOtp,
            BrandRequest::Delete => BrandAction::Delete,
            BrandRequest::UploadEvidence { file, .. } => {
                BrandAction::UploadEvidence { file: file.clone() }
            }
            BrandRequest::AppealVetting {
                provider,
                vetting_id,
                categories,
                evidence,
                explanation,
            } => BrandAction::AppealVetting {
                provider: provider.clone(),
                vetting_id: vetting_id.clone(),
                categories: categories.clone(),
                evidence: evidence.clone(),
                explanation: explanation.clone(),
            },
            BrandRequest::ResendAuthPlusEmail {
                vetting_id,
                requested_at,
            } => BrandAction::ResendAuthPlusEmail {
                vetting_id: vetting_id.clone(),
                requested_at: *requested_at,
            },
        }
    }

    /// Sends it to TCR for the brand TCR knows as `tcr_brand_id`.
    async fn send(
        self,
        tcr: &dyn TcrPort,
        tcr_brand_id: &TcrBrandId,
    ) -> TcrReply<BrandActionAnswer> {
        fn answered<T>(
            reply: TcrReply<T>,
            f: impl FnOnce(T) -> BrandActionAnswer,
        ) -> TcrReply<BrandActionAnswer> {
            TcrReply {
                call: reply.call,
                result: reply.result.map(f),
            }
        }
        let none = |()| BrandActionAnswer::None;
        match self {
            BrandRequest::OrderVetting {
                provider,
                vetting_class,
            } => {
                let order = TcrVettingOrder {
                    evp_id: provider.as_str().to_string(),
                    vetting_class,
                    additional_request_payload: None,
                };
                answered(
                    tcr.order_vetting(tcr_brand_id, &order).await,
                    BrandActionAnswer::Vetting,
                )
            }
            BrandRequest::ImportVetting {
                provider,
                vetting_id,
                vetting_token,
            } => {
                let import = TcrVettingImport {
                    evp_id: provider.as_str().to_string(),
                    vetting_id,
                    vetting_token,
                };
                answered(
                    tcr.import_vetting(tcr_brand_id, &import).await,
                    BrandActionAnswer::Vetting,
                )
            }
            BrandRequest::Revet => answered(tcr.revet_brand(tcr_brand_id).await, |brand| {
                brand.map_or(BrandActionAnswer::None, BrandActionAnswer::Brand)
            }),
            BrandRequest::Appeal {
                categories,
                explanation,
                attachment_uuids,
            } => {
                let appeal = TcrAppealRequest {
                    appeal_categories: categories,
                    attachment_uuids,
                    explanation,
                };
                answered(tcr.appeal_brand(tcr_brand_id, &appeal).await, none)
            }
            BrandRequest::SendOtp {
                pin_sms,
                success_sms,
            } => answered(
                tcr.send_otp(tcr_brand_id, &pin_sms, success_sms.as_deref())
                    .await,
                BrandActionAnswer::OtpSent,
            ),
            BrandRequest::VerifyOtp { pin } => {
                answered(tcr.verify_otp(tcr_brand_id, &pin).await, none)
            }
            BrandRequest::Delete => answered(tcr.delete_brand(tcr_brand_id).await, none),
            BrandRequest::UploadEvidence {
                file,
                file_name,
                content,
            } => {
                let upload = TcrFileUpload {
                    file_name: &file_name,
                    content_type: &file.content_type,
                    content: &content,
                };
                let target = TcrFileTarget::BrandEvidence(tcr_brand_id.clone());
                answered(
                    tcr.upload_file(&target, &upload).await,
                    BrandActionAnswer::Attachment,
                )
            }
            BrandRequest::AppealVetting {
                provider,
                vetting_id,
                categories,
                evidence,
                explanation,
            } => {
                let appeal = TcrVettingAppealRequest {
                    evp_id: provider,
                    vetting_id,
                    appeal_categories: categories,
                    attachment_uuids: evidence,
                    explanation,
                };
                answered(tcr.appeal_vetting(tcr_brand_id, &appeal).await, none)
            }
            BrandRequest::ResendAuthPlusEmail { .. } => {
                answered(tcr.resend_auth_plus_email(tcr_brand_id).await, none)
            }
        }
    }
}

impl Brands {
    /// Records the request, sends it to TCR and records the outcome; answers with the brand as
    /// it then stands.
    #[tracing::instrument(skip_all, fields(brand = %brand_id))]
    pub async fn request(
        &self,
        context: &CommandContext,
        brand_id: BrandId,
        request: BrandRequest,
    ) -> Result<Outcome<BrandRow>, AppError> {
        if matches!(request, BrandRequest::Delete) {
            let active = campaign_rows::active_for_brand(self.pool(), brand_id.into()).await?;
            if active > 0 {
                return Err(AppError::conflict(
                    "brand_has_active_campaigns",
                    format!("the brand has {active} active campaign(s); deactivate them first (TCR refuses with 542)"),
                ));
            }
        }
        let verifies = matches!(request, BrandRequest::VerifyOtp { .. });
        let tcr = self.tcr().clone();
        let outcome = self
            .act(
                context,
                brand_id,
                request.action(),
                |tcr_brand_id| async move { request.send(tcr.as_ref(), &tcr_brand_id).await },
            )
            .await?;
        if verifies && matches!(outcome, Outcome::Done(_)) {
            // TCR verifies the brand at once; read it so the answer shows VERIFIED.
            if let Ok(observed) = self.observe(brand_id, context, false).await {
                return Ok(Outcome::Done(Box::new(
                    self.row_at(brand_id, observed.sequence).await?,
                )));
            }
        }
        Ok(outcome)
    }
}

impl Brands {
    /// The brand's external-vetting appeals as TCR holds them (nothing is recorded).
    pub async fn vetting_appeals(
        &self,
        tcr_brand_id: &TcrBrandId,
    ) -> Result<Vec<TcrVettingAppeal>, AppError> {
        self.tcr()
            .vetting_appeals(tcr_brand_id)
            .await
            .result
            .map_err(|error| AppError::tcr(error, "Nothing was changed."))
    }

    /// The brand's enhanced vetting reports at TCR (nothing is recorded).
    pub async fn vetting_reports(
        &self,
        tcr_brand_id: &TcrBrandId,
    ) -> Result<Vec<TcrAttachment>, AppError> {
        self.tcr()
            .enhanced_vetting_reports(tcr_brand_id)
            .await
            .result
            .map_err(|error| AppError::tcr(error, "Nothing was changed."))
    }

    /// One of the brand's enhanced vetting reports, only if TCR lists it for this brand (so an
    /// id cannot reach another brand's file).
    pub async fn vetting_report(
        &self,
        tcr_brand_id: &TcrBrandId,
        attachment_id: &str,
    ) -> Result<Option<(TcrAttachment, TcrDownload)>, AppError> {
        let reports = self.vetting_reports(tcr_brand_id).await?;
        let Some(report) = reports.into_iter().find(|r| r.uuid == attachment_id) else {
            return Ok(None);
        };
        let download = self
            .tcr()
            .download_attachment(&report.uuid)
            .await
            .result
            .map_err(|error| AppError::tcr(error, "Nothing was changed."))?;
        Ok(Some((report, download)))
    }
}
