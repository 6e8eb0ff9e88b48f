//! The Customer aggregate: a tenant of the operator, with the tier that decides brand relationships.
mod details;

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

pub use details::{
    customer_id_for_ban, Ban, CustomerBody, CustomerChanges, CustomerDetails, CustomerInput,
};

use crate::ids::CustomerId;
use crate::notification::NotificationPreferences;
use crate::values::{Email, ServiceTier};

#[derive(Debug, Clone, PartialEq)]
pub enum CustomerCommand {
    Register {
        customer_id: CustomerId,
        details: CustomerDetails,
    },
    Update {
        changes: CustomerChanges,
    },
    /// Replaces the customer's notification opt-outs and brand contacts.
    SetNotificationPreferences {
        preferences: NotificationPreferences,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CustomerEvent {
    CustomerRegistered {
        customer_id: CustomerId,
        details: CustomerDetails,
    },
    /// Only what changed is present.
    CustomerUpdated {
        name: Option<String>,
        service_tier: Option<ServiceTier>,
        notification_emails: Option<Vec<Email>>,
    },
    /// The customer's notification opt-outs and brand contacts are now these.
    CustomerNotificationPreferencesSet {
        preferences: NotificationPreferences,
    },
}

impl DomainEvent for CustomerEvent {
    fn event_type(&self) -> String {
        match self {
            CustomerEvent::CustomerRegistered { .. } => "CustomerRegistered",
            CustomerEvent::CustomerUpdated { .. } => "CustomerUpdated",
            CustomerEvent::CustomerNotificationPreferencesSet { .. } => {
                "CustomerNotificationPreferencesSet"
            }
        }
        .to_string()
    }

    fn event_version(&self) -> String {
        "1.0".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerError {
    #[error("a customer with this BAN already exists")]
    AlreadyExists,
    #[error("no such customer")]
    NotFound,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    pub customer_id: Option<CustomerId>,
    pub details: Option<CustomerDetails>,
    #[serde(default)]
    pub preferences: NotificationPreferences,
}

impl Customer {
    pub fn decide(&self, command: CustomerCommand) -> Result<Vec<CustomerEvent>, CustomerError> {
        match command {
            CustomerCommand::Register {
                customer_id,
                details,
            } => {
                if self.details.is_some() {
                    return Err(CustomerError::AlreadyExists);
                }
                Ok(vec![CustomerEvent::CustomerRegistered {
                    customer_id,
                    details,
                }])
            }
            CustomerCommand::Update { changes } => {
                let current = self.details.as_ref().ok_or(CustomerError::NotFound)?;
                let name = changes.name.filter(|n| n != &current.name);
                let service_tier = changes.service_tier.filter(|t| t != &current.service_tier);
                let notification_emails = changes
                    .notification_emails
                    .filter(|e| e != &current.notification_emails);
                if name.is_none() && service_tier.is_none() && notification_emails.is_none() {
                    return Ok(vec![]);
                }
                Ok(vec![CustomerEvent::CustomerUpdated {
                    name,
                    service_tier,
                    notification_emails,
                }])
            }
            CustomerCommand::SetNotificationPreferences { preferences } => {
                if self.details.is_none() {
                    return Err(CustomerError::NotFound);
                }
                if preferences == self.preferences {
                    return Ok(vec![]);
                }
                Ok(vec![CustomerEvent::CustomerNotificationPreferencesSet {
                    preferences,
                }])
            }
        }
    }
}

crate::aggregate!(
    Customer,
    "Customer",
    CustomerCommand,
    CustomerEvent,
    CustomerError
);

impl Customer {
    /// Pure evolution: the state after one more event.
    pub fn evolve(&mut self, event: CustomerEvent) {
        match event {
            CustomerEvent::CustomerRegistered {
                customer_id,
                details,
            } => {
                self.customer_id = Some(customer_id);
                self.details = Some(details);
            }
            CustomerEvent::CustomerUpdated {
                name,
                service_tier,
                notification_emails,
            } => {
                if let Some(details) = self.details.as_mut() {
                    if let Some(name) = name {
                        details.name = name;
                    }
                    if let Some(tier) = service_tier {
                        details.service_tier = tier;
                    }
                    if let Some(emails) = notification_emails {
                        details.notification_emails = emails;
                    }
                }
            }
            CustomerEvent::CustomerNotificationPreferencesSet { preferences } => {
                self.preferences = preferences;
            }
        }
    }
}

#[cfg(test)]
mod tests;
