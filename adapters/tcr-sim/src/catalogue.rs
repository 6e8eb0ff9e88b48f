//! TCR's reference catalogues that tendlc reads as the authority: `GET /error` (error code →
//! description), countries, US states, approved public companies, vetting feedback codes,
//! optional brand attributes and external-vetting appeal categories.
use axum::{
    extract::{rejection::QueryRejection, Query},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Map, Value};

use super::enums::STOCK_EXCHANGES;
use super::errors::{ApiError, Rejection};
use super::query::{self, Page};
use super::state::SharedSim;

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/error", get(|| async { Json(code_map(ERRORS)) }))
        .route("/v2/enum/country", get(|| async { Json(map(COUNTRIES)) }))
        .route("/v2/enum/usState", get(|| async { Json(map(US_STATES)) }))
        .route(
            "/v2/enum/optionalAttributeNames",
            get(|| async { Json(optional_attribute_names()) }),
        )
        .route(
            "/v2/enum/vettingFeedbackCode",
            get(|| async { Json(vetting_feedback_codes()) }),
        )
        .route(
            "/v2/enum/extVettingAppealCategory",
            get(ext_vetting_appeal_categories),
        )
        .route("/v2/enum/approvedPublicCompany", get(public_companies))
}

#[cfg(test)]
/// The description TCR's catalogue gives `code`, if it lists it.
pub(super) fn error_description(code: u16) -> Option<&'static str> {
    ERRORS.iter().find(|(c, _)| *c == code).map(|(_, d)| *d)
}

fn map(table: &[(&str, &str)]) -> Value {
    Value::Object(
        table
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect::<Map<_, _>>(),
    )
}

fn code_map(table: &[(u16, &str)]) -> Value {
    Value::Object(
        table
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect::<Map<_, _>>(),
    )
}

/// `(id, dataType, description)`: what TCR may put in a brand's `optionalAttributes`.
const OPTIONAL_ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("taxExemptStatus", "STRING", "The brand's tax-exempt status, e.g. 501(c)(3), as verified for a non-profit."),
    ("governmentEntity", "BOOLEAN", "Confirmation that the brand is a closely affiliated, generally by government ownership or control, with federal, state or local governments."),
    ("section527", "BOOLEAN", "Confirmation that the brand is a political organisation registered under section 527 of the US tax code."),
];

fn optional_attribute_names() -> Value {
    OPTIONAL_ATTRIBUTES
        .iter()
        .map(|(id, kind, description)| json!({"id": id, "dataType": kind, "description": description}))
        .collect()
}

/// `(code, message)`: why an identity vet failed (the `TF..` codes of brand feedback).
pub(super) const VETTING_FEEDBACK_CODES: &[(&str, &str)] = &[
    ("TFGE01", "The submitted company is not a US entity. Only US entities qualify for the Government Entity Type."),
    ("TFGE02", "The submitted company could not be verified as a government entity."),
    ("TFNP01", "The submitted company could not be verified as a registered non-profit."),
    ("TFNP02", "The submitted company's tax-exempt status could not be verified."),
    ("TFPP01", "The submitted stock symbol and exchange do not match a listed public company."),
    ("TFTI01", "The submitted tax ID does not match the legal company name."),
    ("TFTI02", "The submitted tax ID could not be found."),
    ("TFTI03", "The submitted legal company name does not match the tax ID records."),
    ("TFTI04", "The submitted tax ID and legal company name could not be matched to a registered business."),
    ("TFAD01", "The submitted address does not match the address of record for the tax ID."),
    ("TFWB01", "The submitted website does not belong to the submitted company."),
];

fn vetting_feedback_codes() -> Value {
    VETTING_FEEDBACK_CODES
        .iter()
        .map(|(code, message)| json!({"code": code, "message": message}))
        .collect()
}

/// `(evpId, id, displayName, description)`: what an external-vetting appeal may ask for.
const EXT_VETTING_APPEAL_CATEGORIES: &[(&str, &str, &str, &str)] = &[
    (
        "AEGIS",
        "VERIFY_TAX_ID",
        "Verify tax ID",
        "Select this category if the record is FAILED due to an inability to match the tax ID.",
    ),
    (
        "AEGIS",
        "VERIFY_NON_PROFIT",
        "Verify non-profit",
        "Select this category if the vet missed the brand's tax-exempt status.",
    ),
    (
        "AEGIS",
        "VERIFY_GOVERNMENT",
        "Verify government",
        "Select this category if the vet missed the brand's government entity status.",
    ),
    (
        "AEGIS",
        "LOW_SCORE",
        "Low score",
        "Select this category if the vetting score is lower than the brand's standing justifies.",
    ),
    (
        "WMC",
        "VERIFY_TAX_ID",
        "Verify tax ID",
        "Select this category if the record is FAILED due to an inability to match the tax ID.",
    ),
    (
        "WMC",
        "LOW_SCORE",
        "Low score",
        "Select this category if the vetting score is lower than the brand's standing justifies.",
    ),
];

/// Whether `evp_id`'s vets may be appealed for `category` (what the appeal route checks).
pub(super) fn appeal_category_of(evp_id: &str, category: &str) -> bool {
    EXT_VETTING_APPEAL_CATEGORIES
        .iter()
        .any(|(evp, id, ..)| *evp == evp_id && *id == category)
}

/// `?evpId=` narrows to one provider's categories; without it, each category once.
async fn ext_vetting_appeal_categories(
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = match query::read(params) {
        Ok(params) => params,
        Err(error) => return Rejection::from(error).into_response(),
    };
    let evp = query::values(&params, "evpId")
        .first()
        .map(|s| s.to_owned());
    let mut seen = Vec::new();
    let found: Vec<Value> = EXT_VETTING_APPEAL_CATEGORIES
        .iter()
        .filter(|(p, ..)| evp.is_none_or(|e| e == *p))
        .filter(|(_, id, ..)| {
            let fresh = !seen.contains(id);
            seen.push(*id);
            fresh
        })
        .map(|(_, id, name, description)| json!({"id": id, "displayName": name, "description": description}))
        .collect();
    Json(found).into_response()
}

/// `(symbol, exchange, iso2, isin, displayName)`: public companies TCR accepts as PUBLIC_PROFIT
/// brands (an illustrative few; TCR's list is maintained by its support).
pub(super) const PUBLIC_COMPANIES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "FLWS",
        "NASDAQ",
        "US",
        "US68243Q1067",
        "1-800 FLOWERS.COM, Inc.",
    ),
    ("AAPL", "NASDAQ", "US", "US0378331005", "Apple Inc."),
    (
        "MSFT",
        "NASDAQ",
        "US",
        "US5949181045",
        "Microsoft Corporation",
    ),
    ("T", "NYSE", "US", "US00206R1023", "AT&T Inc."),
    (
        "VZ",
        "NYSE",
        "US",
        "US92343V1044",
        "Verizon Communications Inc.",
    ),
    ("TMUS", "NASDAQ", "US", "US8725901040", "T-Mobile US, Inc."),
    ("KO", "NYSE", "US", "US1912161007", "The Coca-Cola Company"),
    ("SHOP", "TSX", "CA", "CA82509L1076", "Shopify Inc."),
    ("RY", "TSX", "CA", "CA7800871021", "Royal Bank of Canada"),
    ("VOD", "LON", "GB", "GB00BH4HKS39", "Vodafone Group Plc"),
    ("SAP", "FRA", "DE", "DE0007164600", "SAP SE"),
    (
        "7203",
        "JPX",
        "JP",
        "JP3633400001",
        "Toyota Motor Corporation",
    ),
];

/// Filters `displayName` (contains, ignoring case), `symbol`, `exchange`, `country`; paged.
async fn public_companies(
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let params = match query::read(params) {
        Ok(params) => params,
        Err(error) => return Rejection::from(error).into_response(),
    };
    let mut page = Page::default();
    let mut problems = Vec::new();
    let (mut name, mut symbol, mut exchange, mut country) = (None, None, None, None);
    for (key, value) in params.into_iter().filter(|(_, v)| !v.is_empty()) {
        match key.as_str() {
            _ if Page::is_param(&key) => {
                if let Err(e) = page.set(&key, &value) {
                    problems.push(e);
                }
            }
            "displayName" if value.chars().count() > 100 => problems.push(ApiError::invalid(
                "displayName",
                "displayName must be at most 100 characters",
            )),
            "displayName" => name = Some(value.to_lowercase()),
            "symbol" => symbol = Some(value.to_uppercase()),
            "exchange" if !STOCK_EXCHANGES.contains(&value.as_str()) => {
                problems.push(ApiError::invalid(
                    "exchange",
                    "exchange must be one of GET /enum/stockExchange",
                ))
            }
            "exchange" => exchange = Some(value),
            "country" => country = Some(value.to_uppercase()),
            _ => {}
        }
    }
    if !problems.is_empty() {
        return Rejection(problems).into_response();
    }
    let found = PUBLIC_COMPANIES
        .iter()
        .filter(|(s, e, c, _, n)| {
            name.as_deref().is_none_or(|x| n.to_lowercase().contains(x))
                && symbol.as_deref().is_none_or(|x| x == *s)
                && exchange.as_deref().is_none_or(|x| x == *e)
                && country.as_deref().is_none_or(|x| x == *c)
        })
        .map(|(s, e, c, isin, n)| {
            json!({"symbol": s, "exchange": e, "iso2": c, "isin": isin, "displayName": n})
        })
        .collect();
    Json(page.record_set(found)).into_response()
}

/// `(ISO 3166-1 alpha-2, name)` of every country, from Debian's iso-codes (`GET /enum/country`).
pub(super) const COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei Darussalam"),
    ("BO", "Bolivia"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "Congo, The Democratic Republic of the"),
    ("CF", "Central African Republic"),
    ("CG", "Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cabo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands (Malvinas)"),
    ("FM", "Micronesia, Federated States of"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Laos"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin (French part)"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn"),
    ("PR", "Puerto Rico"),
    ("PS", "Palestine, State of"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russian Federation"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "Sao Tome and Principe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten (Dutch part)"),
    ("SY", "Syria"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "United States Minor Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Holy See (Vatican City State)"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "Virgin Islands, British"),
    ("VI", "Virgin Islands, U.S."),
    ("VN", "Vietnam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// `(code, name)` of the 50 states, DC and the inhabited territories (`GET /enum/usState`).
pub(super) const US_STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("DC", "District of Columbia"),
    ("PR", "Puerto Rico"),
    ("VI", "Virgin Islands, U.S."),
    ("GU", "Guam"),
    ("AS", "American Samoa"),
    ("MP", "Northern Mariana Islands"),
];

/// `(code, description)`: TCR's error catalogue (`GET /error`), worded as TCR's document words
/// each code where it gives one; every code the simulator answers is here.
pub(super) const ERRORS: &[(u16, &str)] = &[
    (202, "User not authenticated"),
    (205, "Unauthorized operation"),
    (501, "Invalid input parameter"),
    (502, "Record not found"),
    (503, "Duplicate record detected"),
    (504, "CSP account inactive"),
    (506, "Invalid status. OTP PIN cannot be sent to a brand with a VERIFIED status"),
    (508, "Vetting report has expired"),
    (509, "Brand is not qualified: registration rejected"),
    (511, "Maximum number of campaigns exceeded"),
    (512, "Exceeded the maximum number of brands for your CSP account. Please contact TCR support to increase your brand quota"),
    (518, "Campaign is expired"),
    (520, "Vetting report record cannot be found. Please verify that the vettingId and vettingToken (if applicable) are valid"),
    (522, "Campaign sharing request declined by upstream CNP"),
    (523, "Loop has been detected in the campaign connectivity chain. Another party in the chain has already accepted"),
    (525, "Operation not allowed: the brand information is unchanged or the external vet cannot be imported for this brand"),
    (526, "Brand identity vetting unsuccessful"),
    (527, "Brand registration is pending. Please wait for the brand identity status update (BRAND_IDENTITY_STATUS_UPDATE) and try again"),
    (528, "Brand update frequency exceeded. Brand relationships can only be updated once every three months"),
    (529, "The brand's country is not allowed to be registered in TCR"),
    (530, "Maximum number of tags exceeded per record. Current max value is 10 tags per record"),
    (531, "Brand or campaign record cannot be tagged. CSPs can only apply tags on their own campaigns and brands"),
    (533, "CSP account not enabled for platform free trial feature"),
    (534, "Sole proprietor is not enabled on the CSP account"),
    (535, "Brand identity vetting is pending"),
    (536, "Operation not supported for a mock brand or campaign"),
    (537, "The fields companyName, ein, einIssuingCountry and entityType cannot be updated if there are any pending or active campaigns/external vets on the brand"),
    (538, "Vetting report data mismatch. Information in the report does not match brand information"),
    (539, "General vetting report import failure. Please contact the vetting provider for assistance"),
    (540, "Vetting report cannot be imported for brands with active campaigns. Campaign Verify Only"),
    (541, "Vetting report incompatible with brand. Campaign Verify vets require a US-based NON_PROFIT brand without a 501(c) tax exempt status or SOLE_PROPRIETOR entity type"),
    (542, "Cannot delete a brand with active campaigns"),
    (543, "Vetting report is already associated with another TCR brand. Please request a new vetting report from the vetting provider"),
    (544, "File cannot be uploaded. Maximum file size or the maximum number of files per brand is exceeded"),
    (546, "Unsupported file type"),
    (549, "Duplicate vet request within restricted period. Please wait 30 days from vet completion before requesting a new one"),
    (550, "Duplicate threshold detected for brand record"),
    (551, "Unsupported phone number or mobile phone number"),
    (552, "Unrecognized or expired OTP PIN. OTP PINs are only valid for 24 hours"),
    (553, "Unsupported email address. Disposable email addresses are not permitted"),
    (554, "Invalid street address. The street, city, state, postalCode, and country fields must form a valid postal address"),
    (555, "Unsupported street address. Sole Proprietor brands require a valid US or CA street address"),
    (556, "Obfuscation check failed on brand fields firstName, lastName and displayName"),
    (557, "Rate limit for OTP attempts exceeded"),
    (559, "Appeal request declined due to one or more invalid appeal categories"),
    (562, "A secondary DCA who is in a PENDING status in the original connectivity chain cannot receive a sharing request in the provisional connectivity chain"),
    (565, "Unable to resend 2FA. Please submit brand for re-vet"),
    (568, "CSP account is not enabled for RBM features"),
    (590, "TCR internal system error. Please contact TCR support"),
    (591, "Temporary system error. Please wait 30 seconds and try again"),
    (592, "Operation declined"),
    (620, "Vetting partner is temporarily unavailable. Please wait 30 seconds and try again"),
    (630, "NetNumber service registry (nnSR) is temporarily unavailable. Please wait 30 seconds and try again"),
];
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_the_simulator_can_be_asked_for_is_in_the_catalogue() {
        for (code, _) in ERRORS {
            assert!(error_description(*code).is_some());
        }
        for code in
            (500..=640).filter(|c| ApiError::simulated(*c).description != "Simulated TCR error")
        {
            assert!(
                error_description(code).is_some(),
                "the simulator answers error {code} but GET /error does not list it"
            );
        }
    }

    #[test]
    fn the_us_states_are_those_brand_validation_accepts() {
        for (code, name) in US_STATES {
            assert!(!name.is_empty() && code.len() == 2, "{code}: {name}");
        }
        assert_eq!(US_STATES.len(), 56, "50 states, DC and 5 territories");
    }
}
