//! Property tests: validation holds for whole families of inputs, not just the examples.
use proptest::prelude::*;
use tendlc_domain::brand::{BrandBody, BrandDraft, BrandProfile};
use tendlc_domain::customer::{Ban, CustomerInput};
use tendlc_domain::values::EntityType;

const FIELDS: &[&str] = &[
    "entityType",
    "displayName",
    "companyName",
    "ein",
    "einIssuingCountry",
    "firstName",
    "lastName",
    "phone",
    "mobilePhone",
    "street",
    "city",
    "state",
    "postalCode",
    "country",
    "email",
    "website",
    "vertical",
    "stockSymbol",
    "stockExchange",
    "altBusinessId",
    "altBusinessIdType",
    "businessContactEmail",
    "mock",
    "body",
];

fn any_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<String>().prop_map(Some),
        "[A-Za-z0-9 @.+:/_-]{0,40}".prop_map(Some)
    ]
}

prop_compose! {
    fn any_draft()(
        entity in prop_oneof![Just(None), proptest::sample::select(EntityType::ALL).prop_map(|e| Some(e.as_str().to_string())), any_text()],
        a in any_text(), b in any_text(), c in any_text(), d in any_text(), e in any_text(), f in any_text(),
        g in any_text(), h in any_text(), i in any_text(), j in any_text(), k in any_text(), l in any_text(),
        m in any_text(), n in any_text(), o in any_text(), mock in any::<Option<bool>>(),
    ) -> BrandDraft {
        BrandDraft {
            entity_type: entity, display_name: a, company_name: b, ein: c, ein_issuing_country: None,
            first_name: d, last_name: e, phone: f, mobile_phone: g, street: h, city: i, state: j,
            postal_code: k, country: l, email: m, website: n, vertical: o, stock_symbol: None,
            stock_exchange: None, alt_business_id: None, alt_business_id_type: None,
            business_contact_email: None, mock,
        }
    }
}

fn valid_private(ein: String, phone: String, zip: String) -> BrandDraft {
    BrandDraft {
        entity_type: Some("PRIVATE_PROFIT".into()),
        display_name: Some("Acme".into()),
        company_name: Some("Acme LLC".into()),
        ein: Some(ein),
        phone: Some(phone),
        street: Some("1 Main St".into()),
        city: Some("Springfield".into()),
        state: Some("IL".into()),
        postal_code: Some(zip),
        country: Some("US".into()),
        email: Some("support@acme.com".into()),
        vertical: Some("RETAIL".into()),
        ..BrandDraft::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_any_draft_never_panics_and_names_only_real_fields(draft in any_draft()) {
        match BrandProfile::parse(&draft) {
            Ok(profile) => {
                // What parses is stable: parsing its own draft gives it back.
                prop_assert_eq!(BrandProfile::parse(&profile.to_draft()).unwrap(), profile);
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                for error in &errors.0 {
                    prop_assert!(FIELDS.contains(&error.field.as_str()), "unknown field {}", error.field);
                    prop_assert!(!error.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn any_json_object_is_read_or_refused_by_field(value in proptest::collection::btree_map("[a-zA-Z]{1,12}", any::<Option<String>>(), 0..8)) {
        let json = serde_json::to_value(&value).unwrap();
        if let Err(errors) = tendlc_domain::input::read::<BrandBody>(json).and_then(BrandDraft::try_from) {
            for error in &errors.0 {
                prop_assert!(value.contains_key(&error.field) || error.field == "body", "{} not in input", error.field);
            }
        }
    }

    #[test]
    fn every_us_ein_in_either_spelling_is_stored_as_nine_digits(digits in "[0-9]{9}", dashed in any::<bool>()) {
        let ein = if dashed { format!("{}-{}", &digits[..2], &digits[2..]) } else { digits.clone() };
        let profile = BrandProfile::parse(&valid_private(ein, "+12025550123".into(), "62701".into())).unwrap();
        prop_assert_eq!(profile.ein.as_deref(), Some(digits.as_str()));
    }

    #[test]
    fn a_us_number_needs_exactly_ten_digits_after_plus_one(digits in "[0-9]{8,12}") {
        let result = BrandProfile::parse(&valid_private("123456789".into(), format!("+1{digits}"), "62701".into()));
        prop_assert_eq!(result.is_ok(), digits.len() == 10, "+1{} → {:?}", digits, result.err());
    }

    #[test]
    fn a_us_postal_code_is_five_digits_or_zip_plus_four(zip in "[0-9]{3,6}(-[0-9]{2,5})?") {
        let valid = zip.len() == 5 || (zip.len() == 10 && zip.as_bytes()[5] == b'-');
        let result = BrandProfile::parse(&valid_private("123456789".into(), "+12025550123".into(), zip.clone()));
        prop_assert_eq!(result.is_ok(), valid, "{} → {:?}", zip, result.err());
    }

    #[test]
    fn customer_input_never_panics(ban in any::<Option<String>>(), name in any::<Option<String>>(), tier in any::<Option<String>>(), emails in proptest::option::of(proptest::collection::vec(any::<String>(), 0..25))) {
        let input = CustomerInput { ban, name, service_tier: tier, notification_emails: emails };
        let _ = input.clone().into_details();
        let _ = input.into_changes();
    }

    #[test]
    fn a_ban_is_letters_digits_and_hyphens_up_to_32(text in "[A-Za-z0-9-]{1,40}") {
        prop_assert_eq!(Ban::parse(&text).is_ok(), text.len() <= 32);
    }
}
