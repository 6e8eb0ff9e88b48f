//! Reseller use cases: register a customer's reseller with TCR, change it, delete it — each
//! recorded before TCR is called and its outcome after. A registration TCR never confirmed is
//! tried again by a `PUT`, adopting the reseller TCR may already hold under its company name
//! (TCR keeps company names unique) unless another of our resellers holds it.
use std::sync::Arc;

use sqlx::PgPool;
use tendlc_domain::ids::{CustomerId, ResellerId, TcrResellerId};
use tendlc_domain::reseller::{
    Reseller, ResellerCommand, ResellerDetails, ResellerFailure, ResellerOutcome,
};
use tendlc_domain::tcr::{TcrApiError, TcrError, TcrPort, TcrReply, TcrResellerRequest};
use tendlc_projections::resellers::{self as reseller_rows, ResellerRow};
use tendlc_projections::Wake;

use super::context::CommandContext;
use super::error::AppError;
use super::read_back::read_back;
use super::recorder::Recorder;
use super::tcr_call::adopt_or_create;
use super::Outcome;

pub struct Resellers {
    pool: PgPool,
    tcr: Arc<dyn TcrPort>,
    events: Recorder<Reseller>,
    wake: Wake,
}

fn request(details: &ResellerDetails) -> TcrResellerRequest {
    TcrResellerRequest {
        company_name: details.company_name.clone(),
        phone: details.phone.as_str().to_string(),
        email: details.email.as_str().to_string(),
    }
}

fn failed(error: TcrError) -> ResellerOutcome {
    let (kind, message, tcr_errors, retryable) = error.record_parts();
    ResellerOutcome::Failed(ResellerFailure {
        kind,
        message,
        tcr_errors,
        retryable,
    })
}

impl Resellers {
    pub fn new(pool: PgPool, tcr: Arc<dyn TcrPort>, wake: Wake) -> Self {
        Self {
            events: Recorder::new(pool.clone(), wake.clone(), "reseller"),
            pool,
            tcr,
            wake,
        }
    }

    /// The customer's reseller as its events say; another customer's is not found.
    pub async fn owned(
        &self,
        reseller_id: ResellerId,
        customer_id: CustomerId,
    ) -> Result<Reseller, AppError> {
        let (reseller, _) = self.events.load(reseller_id).await?;
        if !reseller.belongs_to(customer_id) {
            return Err(AppError::NotFound("reseller"));
        }
        Ok(reseller)
    }

    async fn row_at(
        &self,
        reseller_id: ResellerId,
        sequence: usize,
    ) -> Result<ResellerRow, AppError> {
        read_back(&self.wake, "reseller", reseller_id, sequence, || {
            reseller_rows::get(&self.pool, reseller_id.into(), None)
        })
        .await
    }

    /// TCR keeps one reseller per company name for the whole operator: refuse a name another
    /// of our resellers (of any customer) holds before TCR is asked.
    async fn check_name(
        &self,
        details: &ResellerDetails,
        except: Option<ResellerId>,
    ) -> Result<(), AppError> {
        if reseller_rows::holder_of_name(&self.pool, &details.company_name, except.map(Into::into))
            .await?
            .is_some()
        {
            return Err(AppError::conflict(
                "reseller_name_taken",
                "a reseller with this companyName is already registered (TCR requires unique reseller names)",
            ));
        }
        Ok(())
    }

    /// Registers the reseller at TCR under `details`. After an attempt whose answer was lost
    /// (`retrying_lost`), one TCR already holds under the same name is that attempt's and is
    /// adopted (unless another reseller of ours holds it); otherwise a name TCR already holds
    /// is someone else's reseller (made in TCR's portal, say): TCR's refusal is the answer.
    async fn register_at_tcr(
        &self,
        reseller_id: ResellerId,
        details: ResellerDetails,
        retrying_lost: bool,
    ) -> TcrReply<ResellerOutcome> {
        let tcr = self.tcr.clone();
        let body = request(&details);
        if !retrying_lost {
            let created = tcr.create_reseller(&body).await;
            return TcrReply {
                call: created.call,
                result: created.result.map(|created| ResellerOutcome::Registered {
                    tcr_reseller_id: created.reseller_id,
                    adopted: false,
                }),
            };
        }
        let adoption = adopt_or_create(
            || tcr.find_reseller_by_name(&details.company_name),
            || tcr.create_reseller(&body),
        )
        .await;
        let result = match adoption.result {
            Ok((found, true)) => {
                match reseller_rows::tcr_id_taken(
                    &self.pool,
                    found.reseller_id.as_str(),
                    reseller_id.into(),
                )
                .await
                {
                    Ok(false) => Ok(ResellerOutcome::Registered {
                        tcr_reseller_id: found.reseller_id,
                        adopted: true,
                    }),
                    // TCR's duplicate, as TCR words it: the name is another's.
                    Ok(true) | Err(_) => Err(TcrError::Rejected(vec![TcrApiError {
                        code: 503,
                        description: "Duplicate reseller found. The companyName for a reseller must be unique".into(),
                        fields: vec!["companyName".into()],
                    }])),
                }
            }
            Ok((created, false)) => Ok(ResellerOutcome::Registered {
                tcr_reseller_id: created.reseller_id,
                adopted: false,
            }),
            Err(error) => Err(error),
        };
        TcrReply {
            call: adoption.call,
            result,
        }
    }

    /// Records `intent`, calls TCR as `call` says with the state it left, records the outcome.
    async fn through_tcr<F, Fut>(
        &self,
        context: &CommandContext,
        reseller_id: ResellerId,
        intent: ResellerCommand,
        call: F,
    ) -> Result<Outcome<ResellerRow>, AppError>
    where
        F: FnOnce(&Reseller) -> Fut,
        Fut: std::future::Future<Output = TcrReply<ResellerOutcome>>,
    {
        let called = self
            .events
            .through_tcr(reseller_id, context, intent, call, |result| {
                ResellerCommand::RecordOutcome(result.unwrap_or_else(failed))
            })
            .await?;
        let Some(called) = called else {
            // Nothing changed, nothing sent: the reseller as it stands.
            let (_, sequence) = self.events.load(reseller_id).await?;
            return Ok(Outcome::Done(Box::new(
                self.row_at(reseller_id, sequence).await?,
            )));
        };
        // Read-your-writes on both paths: a failure, too, shows once answered.
        let row = self.row_at(reseller_id, called.recorded.sequence).await?;
        match called.failure {
            Some(error) => Ok(Outcome::Failed {
                id: reseller_id.into(),
                error,
            }),
            None => Ok(Outcome::Done(Box::new(row))),
        }
    }

    #[tracing::instrument(skip_all, fields(customer = %customer_id))]
    pub async fn register(
        &self,
        context: &CommandContext,
        customer_id: CustomerId,
        details: ResellerDetails,
    ) -> Result<Outcome<ResellerRow>, AppError> {
        self.check_name(&details, None).await?;
        let reseller_id = ResellerId::new();
        let intent = ResellerCommand::Register {
            reseller_id,
            customer_id,
            details: details.clone(),
        };
        self.through_tcr(context, reseller_id, intent, |_| {
            self.register_at_tcr(reseller_id, details, false)
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(reseller = %reseller_id))]
    pub async fn update(
        &self,
        context: &CommandContext,
        reseller_id: ResellerId,
        details: ResellerDetails,
    ) -> Result<Outcome<ResellerRow>, AppError> {
        self.check_name(&details, Some(reseller_id)).await?;
        let intent = ResellerCommand::Update {
            details: details.clone(),
        };
        let tcr = self.tcr.clone();
        self.through_tcr(context, reseller_id, intent, |state| {
            let held = state.tcr_reseller_id.clone();
            let retrying_lost = state
                .last_failure
                .as_ref()
                .is_some_and(|f| TcrError::kind_may_have_acted(&f.kind));
            async move {
                match held {
                    Some(tcr_reseller_id) => {
                        let reply = tcr
                            .update_reseller(&tcr_reseller_id, &request(&details))
                            .await;
                        TcrReply {
                            call: reply.call,
                            result: reply.result.map(|_| ResellerOutcome::Updated),
                        }
                    }
                    None => {
                        self.register_at_tcr(reseller_id, details, retrying_lost)
                            .await
                    }
                }
            }
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(reseller = %reseller_id))]
    pub async fn delete(
        &self,
        context: &CommandContext,
        reseller_id: ResellerId,
    ) -> Result<Outcome<ResellerRow>, AppError> {
        let (state, _) = self.events.load(reseller_id).await?;
        let Some(tcr_reseller_id) = state.tcr_reseller_id.clone() else {
            // TCR never held it: nothing to send.
            let recorded = self
                .events
                .execute(reseller_id, ResellerCommand::Delete, &context.metadata())
                .await?;
            return Ok(Outcome::Done(Box::new(
                self.row_at(reseller_id, recorded.sequence).await?,
            )));
        };
        let tcr = self.tcr.clone();
        self.through_tcr(
            context,
            reseller_id,
            ResellerCommand::Delete,
            |_| async move {
                let reply = tcr.delete_reseller(&tcr_reseller_id).await;
                TcrReply {
                    call: reply.call,
                    result: reply.result.map(|()| ResellerOutcome::Deleted),
                }
            },
        )
        .await
    }

    /// Whether `tcr_reseller_id` names a registered reseller of `customer_id` (what a
    /// campaign may name).
    pub async fn is_customers(
        &self,
        tcr_reseller_id: &TcrResellerId,
        customer_id: CustomerId,
    ) -> Result<bool, AppError> {
        Ok(reseller_rows::registered_for_customer(
            &self.pool,
            tcr_reseller_id.as_str(),
            customer_id.into(),
        )
        .await?
        .is_some())
    }
}
