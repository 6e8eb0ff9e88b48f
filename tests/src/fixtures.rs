//! Request bodies used across tests.
use serde_json::{json, Value};

/// A valid PRIVATE_PROFIT brand; `display_name` may carry simulator markers.
pub fn private_brand(display_name: &str) -> Value {
    json!({
        "entityType": "PRIVATE_PROFIT",
        "displayName": display_name,
        "companyName": "Acme Widgets LLC",
        "ein": "12-3456789",
        "phone": "+12025550123",
        "street": "123 Main St",
        "city": "Springfield",
        "state": "IL",
        "postalCode": "62701",
        "country": "US",
        "email": "support@acmewidgets.com",
        "website": "https://acmewidgets.com",
        "vertical": "RETAIL"
    })
}

/// A valid SOLE_PROPRIETOR brand.
pub fn sole_proprietor_brand() -> Value {
    json!({
        "entityType": "SOLE_PROPRIETOR",
        "displayName": "Jane's Bakery",
        "firstName": "Jane",
        "lastName": "Doe",
        "phone": "+12025550199",
        "mobilePhone": "+12025550188",
        "street": "9 Elm St",
        "city": "Austin",
        "state": "TX",
        "postalCode": "78701",
        "country": "US",
        "email": "jane@janesbakery.com"
    })
}

pub fn customer(ban: &str, tier: &str) -> Value {
    json!({
        "ban": ban,
        "name": format!("Customer {ban}"),
        "serviceTier": tier,
        "notificationEmails": ["ops@example.com"]
    })
}
