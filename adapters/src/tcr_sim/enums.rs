//! TCR's enumerations (`GET /enum/...`): the values brand validation accepts are the ones listed.
use std::collections::BTreeMap;

use axum::{
    extract::{rejection::QueryRejection, Query},
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::{ApiError, Rejection};
use super::state::SharedSim;

pub(super) const ENTITY_TYPES: &[&str] = &[
    "PRIVATE_PROFIT",
    "PUBLIC_PROFIT",
    "NON_PROFIT",
    "GOVERNMENT",
    "SOLE_PROPRIETOR",
];

pub(super) const BRAND_RELATIONSHIPS: &[&str] = &[
    "BASIC_ACCOUNT",
    "SMALL_ACCOUNT",
    "MEDIUM_ACCOUNT",
    "LARGE_ACCOUNT",
    "KEY_ACCOUNT",
];

pub(super) const IDENTITY_STATUSES: &[&str] =
    &["SELF_DECLARED", "UNVERIFIED", "VERIFIED", "VETTED_VERIFIED"];

pub(super) const BRAND_STATUSES: &[&str] = &["ACTIVE", "DELETED"];

/// `Brand_CSP.stockExchange`'s list, which has `SGX` and `OTHER` beyond `/enum/stockExchange`'s.
pub(super) const STOCK_EXCHANGES: &[&str] = &[
    "NONE", "NASDAQ", "NYSE", "AMEX", "AMX", "ASX", "B3", "BME", "BSE", "FRA", "ICEX", "JPX",
    "JSE", "KRX", "LON", "NSE", "OMX", "SEHK", "SGX", "SSE", "STO", "SWX", "SZSE", "TSX", "TWSE",
    "VSE", "OTHER",
];

pub(super) const ALT_BUSINESS_ID_TYPES: &[&str] = &["NONE", "DUNS", "GIIN", "LEI"];

/// `(code, industryId, displayName, description)`.
pub(super) const VERTICALS: &[(&str, &str, &str, &str)] = &[
    (
        "PROFESSIONAL",
        "professional-services",
        "Professional Services",
        "Professional services.",
    ),
    (
        "REAL_ESTATE",
        "real-estate",
        "Real Estate",
        "Buying and Selling of residential and commercial properties.",
    ),
    (
        "HEALTHCARE",
        "healthcare",
        "Healthcare and Life Sciences",
        "Healthcare providers, pharmacies and life sciences.",
    ),
    (
        "HUMAN_RESOURCES",
        "human-resources",
        "HR, Staffing or Recruitment",
        "Human resources, staffing and recruitment.",
    ),
    (
        "ENERGY",
        "energy",
        "Energy and Utilities",
        "Energy production, utilities and related services.",
    ),
    (
        "ENTERTAINMENT",
        "entertainment",
        "Entertainment",
        "Entertainment, including gaming, arts, events and media.",
    ),
    (
        "RETAIL",
        "retail",
        "Retail and Consumer Products",
        "Consumer products and retail stores.",
    ),
    (
        "TRANSPORTATION",
        "transportation",
        "Transportation or Logistics",
        "Transportation, shipping and logistics.",
    ),
    (
        "AGRICULTURE",
        "agriculture",
        "Agriculture",
        "Farming and agricultural products.",
    ),
    (
        "INSURANCE",
        "insurance",
        "Insurance",
        "Insurance carriers and agencies.",
    ),
    (
        "POSTAL",
        "postal",
        "Postal and Delivery",
        "Postal and parcel delivery services.",
    ),
    (
        "EDUCATION",
        "education",
        "Education",
        "Schools, universities and training.",
    ),
    (
        "HOSPITALITY",
        "hospitality",
        "Hospitality and Travel",
        "Hotels, restaurants, travel and tourism.",
    ),
    (
        "FINANCIAL",
        "financial",
        "Financial Services",
        "Banking, lending, payments and investments.",
    ),
    (
        "POLITICAL",
        "political",
        "Political",
        "Political campaigns, committees and advocacy.",
    ),
    (
        "GAMBLING",
        "gambling",
        "Gambling and Lottery",
        "Casinos, betting and lotteries.",
    ),
    ("LEGAL", "legal", "Legal", "Law firms and legal services."),
    (
        "CONSTRUCTION",
        "construction",
        "Construction, Materials, and Trade Services",
        "Construction, building materials and trades.",
    ),
    (
        "NGO",
        "ngo",
        "Non-profit Organization",
        "Non-profit and non-governmental organizations.",
    ),
    (
        "MANUFACTURING",
        "manufacturing",
        "Manufacturing",
        "Manufacturing of goods.",
    ),
    (
        "GOVERNMENT",
        "government",
        "Government Services and Agencies",
        "Federal, state and local government agencies.",
    ),
    (
        "TECHNOLOGY",
        "technology",
        "Information Technology Services",
        "Software, hardware and IT services.",
    ),
    (
        "COMMUNICATION",
        "communication",
        "Media and Communication",
        "Telecommunications, media and publishing.",
    ),
];

struct UseCase {
    code: &'static str,
    special: bool,
    display_name: &'static str,
    description: &'static str,
    min_sub: u8,
    max_sub: u8,
    /// Whether the code may itself be declared as a sub-use case.
    valid_sub: bool,
}

const fn usecase(
    code: &'static str,
    special: bool,
    display_name: &'static str,
    description: &'static str,
    (min_sub, max_sub): (u8, u8),
    valid_sub: bool,
) -> UseCase {
    UseCase {
        code,
        special,
        display_name,
        description,
        min_sub,
        max_sub,
        valid_sub,
    }
}

const STANDARD: bool = false;
const SPECIAL: bool = true;

const USE_CASES: &[UseCase] = &[
    usecase("2FA", STANDARD, "2FA", "Two-Factor authentication, one-time use password, password reset", (0, 0), true),
    usecase("ACCOUNT_NOTIFICATION", STANDARD, "Account Notification", "All reminders, alerts, and notifications.  (Examples include:  flight delayed, hotel booked, appointment reminders.)", (0, 0), true),
    usecase("CUSTOMER_CARE", STANDARD, "Customer Care", "All customer care messaging, including account management and support.", (0, 0), true),
    usecase("DELIVERY_NOTIFICATION", STANDARD, "Delivery Notification", "Information about the status of the delivery of a product or service.", (0, 0), true),
    usecase("FRAUD_ALERT", STANDARD, "Fraud Alert Messaging", "Messaging regarding potential fraudulent activity on a user's account.", (0, 0), true),
    usecase("HIGHER_EDUCATION", STANDARD, "Higher Education", "Messaging created on behalf of colleges, universities and other post-secondary institutions.", (0, 0), true),
    usecase("LOW_VOLUME", STANDARD, "Low Volume Mixed", "Brands that have multiple use cases and low messaging throughput.", (1, 5), false),
    usecase("MARKETING", STANDARD, "Marketing", "Any communication with marketing and/or promotional content.", (0, 0), true),
    usecase("MIXED", STANDARD, "Mixed", "Mixed messaging reserved for specific consumer service industry.", (2, 5), false),
    usecase("POLLING_VOTING", STANDARD, "Polling and voting", "Requesting surveys and voting for non-political arenas.", (0, 0), true),
    usecase("PUBLIC_SERVICE_ANNOUNCEMENT", STANDARD, "Public Service Announcement", "Informational messaging to raise an audience's awareness about important issues.", (0, 0), true),
    usecase("SECURITY_ALERT", STANDARD, "Security Alert", "A notification that the security of a system has been compromised and action is required.", (0, 0), true),
    usecase("AGENTS_FRANCHISES", SPECIAL, "Agents and Franchises", "Brands with multiple agents, franchises or offices in the same brand vertical, each needing its own number.", (0, 0), false),
    usecase("CARRIER_EXEMPT", SPECIAL, "Carrier Exemptions", "Exemption by carrier.", (1, 5), false),
    usecase("CHARITY", SPECIAL, "Charity", "Communications from a registered charity aimed at providing help and raising money for those in need.", (0, 5), false),
    usecase("EMERGENCY", SPECIAL, "Emergency", "Notification services designed to support public safety and health during natural disasters and other emergencies.", (0, 0), false),
    usecase("K12_EDUCATION", SPECIAL, "K-12 Education", "Campaigns created for messaging platforms that support schools from grades K-12 and distance learning centers.", (0, 0), false),
    usecase("POLITICAL", SPECIAL, "Political", "Part of organized effort to influence decision making of specific group. All campaigns to be verified.", (0, 5), false),
    usecase("PROXY", SPECIAL, "Proxy", "Peer-to-peer app-based group messaging with proxy or pooled numbers.", (0, 5), false),
    usecase("SOCIAL", SPECIAL, "Social", "Communication within or between closed communities, such as influencers and their fans.", (0, 5), false),
    usecase("SWEEPSTAKE", SPECIAL, "Sweepstake", "All sweepstakes messaging.", (0, 0), false),
    usecase("SOLE_PROPRIETOR", SPECIAL, "Sole Proprietor", "Limited to sole proprietor brands without an EIN.", (0, 0), false),
    usecase("TRIAL", SPECIAL, "Platform Free Trial", "Platform free trial offers, limited to the CSP's platform free trial brand.", (0, 0), false),
    usecase("UCAAS_LOW", SPECIAL, "UCaaS Low Volume", "UCaaS companies providing low-volume messaging to their end users.", (0, 0), false),
    usecase("UCAAS_HIGH", SPECIAL, "UCaaS High Volume", "UCaaS companies providing high-volume messaging to their end users.", (0, 0), false),
    usecase("M2M", SPECIAL, "Machine to Machine", "Machine-to-machine communication without human interaction.", (0, 0), false),
    usecase("CONVERSATIONAL", SPECIAL, "Conversational", "Two-way conversational messaging initiated by the consumer.", (0, 0), false),
    usecase("PUBLIC_SAFETY_RESTRICTED", SPECIAL, "Public Safety Restricted", "Restricted public safety messaging.", (0, 0), false),
];

pub(super) fn router() -> Router<SharedSim> {
    Router::new()
        .route("/v2/enum/entityType", get(|| async { Json(ENTITY_TYPES) }))
        .route(
            "/v2/enum/brandRelationship",
            get(|| async { Json(BRAND_RELATIONSHIPS) }),
        )
        .route(
            "/v2/enum/brandIdentityStatus",
            get(|| async { Json(IDENTITY_STATUSES) }),
        )
        .route(
            "/v2/enum/brandStatus",
            get(|| async { Json(BRAND_STATUSES) }),
        )
        .route(
            "/v2/enum/stockExchange",
            get(|| async { Json(STOCK_EXCHANGES) }),
        )
        .route(
            "/v2/enum/altBusinessIdType",
            get(|| async { Json(ALT_BUSINESS_ID_TYPES) }),
        )
        .route("/v2/enum/vertical", get(verticals))
        .route("/v2/enum/usecase", get(use_cases))
}

async fn verticals() -> Json<BTreeMap<&'static str, Value>> {
    Json(
        VERTICALS
            .iter()
            .map(|(code, industry_id, display_name, description)| {
                let info = json!({
                    "industryId": industry_id,
                    "displayName": display_name,
                    "description": description,
                });
                (*code, info)
            })
            .collect(),
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UseCaseFilter {
    valid_sub_usecase: Option<bool>,
}

async fn use_cases(
    filter: Result<Query<UseCaseFilter>, QueryRejection>,
) -> Result<Json<BTreeMap<&'static str, Value>>, Rejection> {
    let Query(filter) = filter.map_err(|_| {
        ApiError::invalid("validSubUsecase", "validSubUsecase must be true or false")
    })?;
    Ok(Json(
        USE_CASES
            .iter()
            .filter(|u| {
                filter
                    .valid_sub_usecase
                    .is_none_or(|wanted| u.valid_sub == wanted)
            })
            .map(|u| {
                let info = json!({
                    "classification": if u.special { "SPECIAL" } else { "STANDARD" },
                    "description": u.description,
                    "displayName": u.display_name,
                    "minSubUsecases": u.min_sub,
                    "maxSubUsecases": u.max_sub,
                    "validSubUsecase": u.valid_sub,
                });
                (u.code, info)
            })
            .collect(),
    ))
}
