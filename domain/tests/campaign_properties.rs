//! Property tests for campaign validation: whole families of inputs, not just the examples.
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use tendlc_domain::campaign::profile::{FIXED_FIELDS, USE_CASES};
use tendlc_domain::campaign::CampaignProfile;

fn valid() -> Map<String, Value> {
    json!({
        "usecase": "2FA",
        "description": "One-time passcodes for Acme Widgets customers signing in.",
        "messageFlow": "Customers enter their mobile number when signing up and confirm it.",
        "sample1": "Your Acme Widgets code is 123456. Reply STOP to opt out.",
    })
    .as_object()
    .unwrap()
    .clone()
}

/// The campaign fields, and a few names that are not.
const NAMES: &[&str] = &[
    "usecase",
    "subUsecases",
    "description",
    "messageFlow",
    "sample1",
    "sample2",
    "sample3",
    "sample4",
    "sample5",
    "helpMessage",
    "optinMessage",
    "optoutMessage",
    "optinKeywords",
    "optoutKeywords",
    "helpKeywords",
    "subscriberOptin",
    "subscriberOptout",
    "subscriberHelp",
    "embeddedLink",
    "embeddedPhone",
    "embeddedLinkSample",
    "numberPool",
    "ageGated",
    "directLending",
    "termsAndConditions",
    "privacyPolicyLink",
    "termsAndConditionsLink",
    "autoRenewal",
    "resellerId",
    "mnoIds",
    "colour",
    "brandId",
];

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[A-Za-z0-9 ,_:/.-]{0,80}".prop_map(Value::String),
        proptest::collection::vec(
            prop_oneof![
                any::<u32>().prop_map(Value::from),
                "[A-Z0-9_]{0,12}".prop_map(Value::String)
            ],
            0..4
        )
        .prop_map(Value::Array),
    ]
}

fn text_of_length(min: usize, max: usize) -> impl Strategy<Value = String> {
    (min..=max).prop_map(|n| "x".repeat(n))
}

proptest! {
    /// Any object of any values: a profile or named errors, never a panic, and every error names
    /// a field that was sent or is required.
    #[test]
    fn any_input_is_either_a_profile_or_named_errors(fields in proptest::collection::btree_map(proptest::sample::select(NAMES), any_value(), 0..12)) {
        let mut body = valid();
        for (name, value) in fields {
            body.insert(name.to_string(), value);
        }
        match CampaignProfile::parse(&Value::Object(body.clone()), &[]) {
            Ok(profile) => {
                prop_assert!(USE_CASES.contains(&profile.usecase.as_str()));
                prop_assert!(!profile.samples.is_empty() && profile.samples.len() <= 5);
                prop_assert!(!profile.mno_ids.is_empty());
                // What a valid profile says, it says again when read back.
                let again = CampaignProfile::parse(&Value::Object(profile.to_json()), &[]).unwrap();
                prop_assert_eq!(again, profile);
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for error in &errors.0 {
                    let root = error.field.split('[').next().unwrap_or_default();
                    prop_assert!(NAMES.contains(&root) || root == "body", "unexpected field {}", error.field);
                    prop_assert!(!error.message.is_empty());
                }
            }
        }
    }

    /// Descriptions are 40 to 4096 characters, whatever they say.
    #[test]
    fn description_length_decides_alone(description in prop_oneof![text_of_length(0, 39), text_of_length(40, 4096), text_of_length(4097, 4200)]) {
        let mut body = valid();
        body.insert("description".into(), Value::String(description.clone()));
        let result = CampaignProfile::parse(&Value::Object(body), &[]);
        let ok_length = (40..=4096).contains(&description.chars().count());
        match result {
            Ok(_) => prop_assert!(ok_length),
            Err(errors) => {
                // An empty description is "required"; any other bad length names the length.
                prop_assert!(!ok_length);
                prop_assert_eq!(errors.fields(), vec!["description"]);
            }
        }
    }

    /// A flag set without its message and keywords is refused naming both; unset, nothing.
    #[test]
    fn subscriber_flags_demand_their_message_and_keywords(flag in proptest::sample::select(&["Optin", "Optout", "Help"][..]), set in any::<bool>()) {
        let mut body = valid();
        body.insert(format!("subscriber{flag}"), Value::Bool(set));
        let result = CampaignProfile::parse(&Value::Object(body), &[]);
        if set {
            let errors = result.unwrap_err();
            let lower = flag.to_ascii_lowercase();
            prop_assert_eq!(errors.fields(), vec![format!("{lower}Message"), format!("{lower}Keywords")]);
        } else {
            prop_assert!(result.is_ok());
        }
    }

    /// Fields TCR fixes at creation can never be changed, whatever the value.
    #[test]
    fn fixed_fields_never_change(field in proptest::sample::select(FIXED_FIELDS), value in any_value()) {
        let profile = CampaignProfile::parse(&Value::Object(valid()), &[]).unwrap();
        let errors = profile.with_changes(&json!({ field: value })).unwrap_err();
        prop_assert!(errors.fields().contains(&field));
    }
}
