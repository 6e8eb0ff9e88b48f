//! TCR's enumerations (`GET /enum/...`): the values brand validation accepts are the ones listed.
use std::collections::BTreeMap;

use axum::{
    extract::{rejection::QueryRejection, Query},
    routing::get,
    Json, Router,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

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

/// One campaign use case of `GET /enum/usecase`.
pub(super) struct UseCase {
    pub code: &'static str,
    pub special: bool,
    display_name: &'static str,
    description: &'static str,
    pub min_sub: u8,
    pub max_sub: u8,
    /// Whether the code may itself be declared as a sub-use case.
    pub valid_sub: bool,
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

pub(super) const USE_CASES: &[UseCase] = &[
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

/// The use case of `code`, if TCR knows it.
pub(super) fn use_case(code: &str) -> Option<&'static UseCase> {
    USE_CASES.iter().find(|u| u.code == code)
}

/// One mobile network operator of `GET /enum/mno`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Mno {
    pub network_id: u64,
    pub name: &'static str,
    /// Its bit in nnSR's campaign status bitmask; T-Mobile's 2 is TCR's, the rest are ours.
    pub osr_bitmask_index: u8,
}

pub(super) const ATT: u64 = 10017;
pub(super) const T_MOBILE: u64 = 10035;

/// The six MNOs of `shared/tcr-api.md` §2, by network id.
pub(super) const MNOS: &[Mno] = &[
    Mno {
        network_id: ATT,
        name: "AT&T",
        osr_bitmask_index: 1,
    },
    Mno {
        network_id: T_MOBILE,
        name: "T-Mobile",
        osr_bitmask_index: 2,
    },
    Mno {
        network_id: 10037,
        name: "US Cellular",
        osr_bitmask_index: 4,
    },
    Mno {
        network_id: 10038,
        name: "Verizon Wireless",
        osr_bitmask_index: 3,
    },
    Mno {
        network_id: 10631,
        name: "ClearSky",
        osr_bitmask_index: 5,
    },
    Mno {
        network_id: 10901,
        name: "Interop",
        osr_bitmask_index: 6,
    },
];

pub(super) fn mno(network_id: u64) -> Option<&'static Mno> {
    MNOS.iter().find(|m| m.network_id == network_id)
}

pub(super) const CAMPAIGN_STATUSES: &[&str] = &["ACTIVE", "EXPIRED"];

pub(super) const OPERATION_STATUSES: &[&str] = &["REGISTERED", "REVIEW", "REJECTED", "SUSPENDED"];

pub(super) const VETTING_STATUSES: &[&str] = &["PENDING", "UNSCORE", "ACTIVE", "FAILED", "EXPIRED"];

pub(super) const NUDGE_INTENTS: &[&str] = &["APPEAL_REJECTION", "REVIEW"];

/// `GET /enum/rejectionCategory`, with the simulator's one-line reason for each.
pub(super) const REJECTION_CATEGORIES: &[(&str, &str)] = &[
    (
        "BRAND_INCONSISTENCIES",
        "Brand and campaign details are not consistent.",
    ),
    (
        "CALL_TO_ACTION",
        "The call to action does not show how consumers opt in and consent.",
    ),
    (
        "CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES",
        "The campaign description and attributes do not match the declared use case.",
    ),
    (
        "DISALLOWED_CONTENT",
        "The campaign contains disallowed content.",
    ),
    (
        "MANDATORY_MESSAGE_TERMINOLOGY",
        "Opt-in, opt-out or help messages lack the mandatory terminology.",
    ),
    ("PRIVACY_POLICY", "No clear privacy policy is provided."),
    (
        "SAMPLE_MESSAGE",
        "Sample messages do not reflect the campaign description.",
    ),
    (
        "TERMS_AND_CONDITIONS",
        "Terms and conditions are missing or incomplete.",
    ),
    ("OTHER", "The campaign was rejected for another reason."),
];

/// `GET /enum/suspensionCategory` (the operation's description lists twelve; its schema two),
/// with TCR's one-line reason for each.
pub(super) const SUSPENSION_CATEGORIES: &[(&str, &str)] = &[
    (
        "AFFILIATE_MARKETING",
        "Messages appear to share opt-ins to affiliate companies.",
    ),
    (
        "CAMPAIGN_TO_TRAFFIC_MISMATCH",
        "In-market traffic does not match with the registered campaign.",
    ),
    (
        "CONTROLLED_SUBSTANCE",
        "Messages appear to pertain to controlled substances.",
    ),
    (
        "EXCESSIVE_COMPLAINTS",
        "Unacceptable volumes of consumer complaints.",
    ),
    (
        "FRAUDULENT_MESSAGES",
        "Messages appear related to counterfeit/fraudulent goods or activities.",
    ),
    (
        "ILLEGAL_SWEEPSTAKES",
        "Messages appear related to sweepstakes that do not follow required laws.",
    ),
    (
        "ILLICIT_CONTENT",
        "Messages appear related to illegal activity.",
    ),
    (
        "LACK_OF_AGE_GATE",
        "No age gate mechanism in place for messaging campaigns that require it.",
    ),
    (
        "PHISHING_MESSAGES",
        "Messages appear designed to gain access to information through deceptive means.",
    ),
    (
        "PROMOTIONAL_GAMBLING",
        "Messages appear related to the act of gambling or promoting gambling.",
    ),
    ("SPAM", "Any kind of unwanted or unsolicited messaging."),
    ("OTHER", "Suspended for another reason."),
];

/// The category of `table` named `name` (any case), with its reason.
pub(super) fn category(
    table: &'static [(&'static str, &'static str)],
    name: &str,
) -> Option<(&'static str, &'static str)> {
    table
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(name))
        .copied()
}

/// `(id, displayName, description)` of `GET /enum/brandAppealCategory`.
pub(super) const BRAND_APPEAL_CATEGORIES: &[(&str, &str, &str)] = &[
    (
        "VERIFY_TAX_ID",
        "Verify tax ID",
        "Select this category if the record is UNVERIFIED due to an inability to match the tax ID.",
    ),
    (
        "VERIFY_NON_PROFIT",
        "Verify non-profit",
        "Select this category if the record is missing its tax exempt status.",
    ),
    (
        "VERIFY_GOVERNMENT",
        "Verify government",
        "Select this category if the record is missing its government entity flag.",
    ),
];

/// `(id, enabled, displayName, description, validityMonths)` of `GET /enum/vettingClass`.
pub(super) const VETTING_CLASSES: &[(&str, bool, &str, &str, u32)] = &[
    (
        "STANDARD",
        true,
        "Standard",
        "Standard vetting of the brand's identity and reputation.",
        12,
    ),
    (
        "ENHANCED",
        true,
        "Enhanced",
        "In-depth vetting, for better carrier terms.",
        12,
    ),
    (
        "POLITICAL",
        true,
        "Political",
        "Required for federal level political campaign.",
        1200,
    ),
    (
        "AUTHPLUS",
        true,
        "Authentication+",
        "Brand authentication for PUBLIC_PROFIT brands: domain check, then a 2FA e-mail to the business contact.",
        12,
    ),
    (
        "RBM",
        false,
        "RBM",
        "Rich business messaging vetting; needs the CSP's RBM feature.",
        12,
    ),
];

/// A TCR-approved external vetting provider (`GET /enum/extVettingProvider`).
pub(super) struct VettingProvider {
    pub evp_id: &'static str,
    pub name: &'static str,
    pub classes: &'static [&'static str],
    /// Whether new vets can be ordered through TCR (Campaign Verify's are import-only).
    pub orders: bool,
    /// `(vettingClass, price in USD)` of an order.
    prices: &'static [(&'static str, u32)],
    wait_time: &'static str,
}

pub(super) const VETTING_PROVIDERS: &[VettingProvider] = &[
    VettingProvider {
        evp_id: "AEGIS",
        name: "Aegis Mobile",
        classes: &["STANDARD", "POLITICAL", "ENHANCED"],
        orders: true,
        prices: &[("STANDARD", 40), ("ENHANCED", 95), ("POLITICAL", 64)],
        wait_time: "30 seconds",
    },
    VettingProvider {
        evp_id: "CV",
        name: "Campaign Verify",
        classes: &["POLITICAL"],
        orders: false,
        prices: &[],
        wait_time: "",
    },
    VettingProvider {
        evp_id: "WMC",
        name: "WMC Global",
        classes: &["STANDARD"],
        orders: true,
        prices: &[("STANDARD", 40)],
        wait_time: "1 minute",
    },
];

pub(super) fn vetting_provider(evp_id: &str) -> Option<&'static VettingProvider> {
    VETTING_PROVIDERS.iter().find(|p| p.evp_id == evp_id)
}

/// `(id, displayName)`: the connectivity partners a campaign can be shared with. All are DCAs,
/// so a share they accept completes DCA election.
pub(super) const CNPS: &[(&str, &str)] = &[
    ("BANDW", "Bandwidth"),
    ("SINCH", "Sinch"),
    ("TWILO", "Twilio"),
];

pub(super) fn cnp(id: &str) -> Option<(&'static str, &'static str)> {
    CNPS.iter().find(|(cnp, _)| *cnp == id).copied()
}

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
        .route("/v2/enum/mno", get(mnos))
        .route(
            "/v2/enum/campaignStatus",
            get(|| async { Json(CAMPAIGN_STATUSES) }),
        )
        .route(
            "/v2/enum/operationStatus",
            get(|| async { Json(OPERATION_STATUSES) }),
        )
        .route(
            "/v2/enum/vettingStatus",
            get(|| async { Json(VETTING_STATUSES) }),
        )
        .route(
            "/v2/enum/nudgeIntent",
            get(|| async { Json(NUDGE_INTENTS) }),
        )
        .route(
            "/v2/enum/rejectionCategory",
            get(|| async { Json(ids(REJECTION_CATEGORIES)) }),
        )
        .route(
            "/v2/enum/suspensionCategory",
            get(|| async { Json(ids(SUSPENSION_CATEGORIES)) }),
        )
        .route("/v2/enum/brandAppealCategory", get(brand_appeal_categories))
        .route("/v2/enum/vettingClass", get(vetting_classes))
        .route("/v2/enum/extVettingProvider", get(vetting_providers))
        .route("/v2/enum/cnp", get(cnps))
        .route("/v2/enum/dca", get(dcas))
}

fn ids(table: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    table.iter().map(|(id, _)| *id).collect()
}

async fn mnos() -> Json<Value> {
    Json(
        MNOS.iter()
            .map(|m| {
                json!({
                    "networkId": m.network_id,
                    "displayName": m.name,
                    "osrBitmaskIndex": m.osr_bitmask_index,
                })
            })
            .collect(),
    )
}

async fn brand_appeal_categories() -> Json<Value> {
    Json(
        BRAND_APPEAL_CATEGORIES
            .iter()
            .map(|(id, name, description)| {
                json!({"id": id, "displayName": name, "description": description})
            })
            .collect(),
    )
}

async fn vetting_classes() -> Json<Value> {
    Json(
        VETTING_CLASSES
            .iter()
            .map(|(id, enabled, name, description, months)| {
                json!({
                    "id": id,
                    "enabled": enabled,
                    "displayName": name,
                    "description": description,
                    "validityMonths": months,
                })
            })
            .collect(),
    )
}

/// The providers, with `vettingInstruction` as the JSON string TCR's example shows.
async fn vetting_providers() -> Json<Value> {
    Json(
        VETTING_PROVIDERS
            .iter()
            .map(|p| {
                let prices: Map<String, Value> = p
                    .prices
                    .iter()
                    .map(|(c, usd)| ((*c).to_owned(), json!(usd)))
                    .collect();
                let instruction = json!({
                    "importVet": {
                        "supported": true,
                        "parameters": {
                            "vettingId": {"label": "Vetting ID", "show": true},
                            "vettingToken": {"label": "Vetting Token", "show": p.evp_id == "AEGIS"},
                        },
                        "info": format!("Vetting partner {}", p.name),
                    },
                    "newVet": {
                        "supported": p.orders,
                        "price": prices,
                        "waitTime": p.wait_time,
                        "info": format!("Vetting partner {}", p.name),
                    },
                });
                json!({
                    "evpId": p.evp_id,
                    "displayName": p.name,
                    "tcrBillable": p.orders,
                    "vettingClasses": p.classes,
                    "vettingInstruction": instruction.to_string(),
                })
            })
            .collect(),
    )
}

/// `soleProprietorEnabled` and `cnpMigrationSupported`: every simulated partner has both.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartnerFilter {
    sole_proprietor_enabled: Option<bool>,
    cnp_migration_supported: Option<bool>,
}

impl PartnerFilter {
    fn read(filter: Result<Query<PartnerFilter>, QueryRejection>) -> Result<Self, Rejection> {
        filter.map(|Query(f)| f).map_err(|_| {
            ApiError::invalid(
                "soleProprietorEnabled",
                "soleProprietorEnabled and cnpMigrationSupported must be true or false",
            )
            .into()
        })
    }

    fn keeps_any(&self) -> bool {
        self.sole_proprietor_enabled != Some(false) && self.cnp_migration_supported != Some(false)
    }
}

async fn cnps(
    filter: Result<Query<PartnerFilter>, QueryRejection>,
) -> Result<Json<BTreeMap<&'static str, &'static str>>, Rejection> {
    let keep = PartnerFilter::read(filter)?.keeps_any();
    Ok(Json(CNPS.iter().filter(|_| keep).copied().collect()))
}

async fn dcas(
    filter: Result<Query<PartnerFilter>, QueryRejection>,
) -> Result<Json<Value>, Rejection> {
    let keep = PartnerFilter::read(filter)?.keeps_any();
    Ok(Json(
        CNPS.iter()
            .filter(|_| keep)
            .map(|(id, name)| {
                json!({
                    "id": id,
                    "displayName": name,
                    "escalateEmail": format!("10dlc-escalations@{}.example", id.to_lowercase()),
                    "dpaSigned": true,
                    "soleProprietorEnabled": true,
                    "dca2AutoAccept": false,
                })
            })
            .collect(),
    ))
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
