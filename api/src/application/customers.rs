//! Customer use cases: register a tenant, change it.
use sqlx::PgPool;
use tendlc_domain::customer::{
    customer_id_for_ban, Customer, CustomerChanges, CustomerCommand, CustomerDetails,
};
use tendlc_domain::ids::CustomerId;
use tendlc_domain::notification::NotificationPreferences;
use tendlc_projections::customers::{self as customer_rows, CustomerRow};
use tendlc_projections::Wake;

use super::context::CommandContext;
use super::error::AppError;
use super::read_back::read_back;
use super::recorder::Recorder;

pub struct Customers {
    pool: PgPool,
    events: Recorder<Customer>,
    wake: Wake,
}

impl Customers {
    pub fn new(pool: PgPool, wake: Wake) -> Self {
        Self {
            events: Recorder::new(pool.clone(), wake.clone(), "customer"),
            pool,
            wake,
        }
    }

    /// Records the command and answers with the customer as the read model then shows it.
    async fn record(
        &self,
        customer_id: CustomerId,
        command: CustomerCommand,
        context: &CommandContext,
    ) -> Result<CustomerRow, AppError> {
        // A customer's events belong to the customer itself.
        let context = context.clone().for_customer(customer_id);
        let recorded = self
            .events
            .execute(customer_id, command, &context.metadata())
            .await?;
        read_back(
            &self.wake,
            "customer",
            customer_id,
            recorded.sequence,
            || customer_rows::get(&self.pool, customer_id.into()),
        )
        .await
    }

    /// Registers a customer; its id follows from its BAN, so a BAN can be registered once.
    #[tracing::instrument(skip_all)]
    pub async fn register(
        &self,
        context: &CommandContext,
        details: CustomerDetails,
    ) -> Result<CustomerRow, AppError> {
        let customer_id = customer_id_for_ban(&details.ban);
        let command = CustomerCommand::Register {
            customer_id,
            details,
        };
        self.record(customer_id, command, context).await
    }

    /// Replaces the customer's notification opt-outs and brand contacts.
    #[tracing::instrument(skip_all, fields(customer = %customer_id))]
    pub async fn set_notification_preferences(
        &self,
        context: &CommandContext,
        customer_id: CustomerId,
        preferences: NotificationPreferences,
    ) -> Result<CustomerRow, AppError> {
        self.record(
            customer_id,
            CustomerCommand::SetNotificationPreferences { preferences },
            context,
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(customer = %customer_id))]
    pub async fn update(
        &self,
        context: &CommandContext,
        customer_id: CustomerId,
        changes: CustomerChanges,
    ) -> Result<CustomerRow, AppError> {
        self.record(customer_id, CustomerCommand::Update { changes }, context)
            .await
    }
}
