//! Tests of the campaign profile rules, one file per area; the campaign bodies they share.

use serde_json::json;

use super::*;

mod changes;
mod fields;
mod qualification;
mod tcr_names;

fn valid() -> Value {
    json!({
        "usecase": "MARKETING",
        "description": "Weekly offers from Acme Flowers to customers who joined the club.",
        "messageFlow": "Customers text JOIN to the number on our in-store posters and confirm.",
        "sample1": "Acme Flowers: 20% off roses this week! Reply STOP to opt out.",
        "sample2": "Acme Flowers: tulips are back in store. Reply HELP for help.",
        "subscriberOptin": true,
        "optinKeywords": "JOIN,START",
        "optinMessage": "You joined Acme Flowers offers. Reply STOP to opt out.",
        "subscriberOptout": true,
        "optoutKeywords": "STOP,QUIT",
        "optoutMessage": "You will get no more Acme Flowers offers.",
        "subscriberHelp": true,
        "helpKeywords": "HELP",
        "helpMessage": "Acme Flowers offers: call 202-555-0123 for help.",
        "privacyPolicyLink": "https://acmeflowers.com/privacy",
    })
}

fn with(changes: Value) -> Value {
    let mut body = valid();
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

fn fields_of(body: Value) -> Vec<String> {
    match CampaignProfile::parse(&body, &[]) {
        Ok(_) => vec![],
        Err(errors) => errors.0.into_iter().map(|e| e.field).collect(),
    }
}
