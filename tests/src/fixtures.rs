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

/// A valid 2FA campaign for `brand_id` (ours).
pub fn two_factor_campaign(brand_id: &str) -> Value {
    json!({
        "brandId": brand_id,
        "usecase": "2FA",
        "description": "One-time passcodes for Acme Widgets customers signing in to their accounts.",
        "messageFlow": "Customers enter their mobile number when signing up at acmewidgets.com and confirm it.",
        "sample1": "Your Acme Widgets code is 123456. It expires in 10 minutes. Reply STOP to opt out.",
        "sample2": "Acme Widgets: use 654321 to sign in. Never share this code. Reply HELP for help.",
        "subscriberOptin": true,
        "optinKeywords": "START",
        "optinMessage": "Acme Widgets: you will receive sign-in codes by text. Reply STOP to opt out.",
        "subscriberOptout": true,
        "optoutKeywords": "STOP",
        "optoutMessage": "You will no longer receive Acme Widgets sign-in codes by text.",
        "subscriberHelp": true,
        "helpKeywords": "HELP",
        "helpMessage": "Acme Widgets codes: email support@acmewidgets.com for help. Reply STOP to opt out.",
        "privacyPolicyLink": "https://acmewidgets.com/privacy"
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
