//! Value types shared across the domain, spelled exactly as TCR spells them.
use serde::{Deserialize, Serialize};

macro_rules! tcr_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses TCR's spelling; `None` for anything else.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// TCR's spellings, comma separated, for error messages.
            pub fn choices() -> String {
                [$($text),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl TcrValue for $name {
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }

            fn parse(text: &str) -> Option<Self> {
                $name::parse(text)
            }

            fn choices() -> String {
                $name::choices()
            }
        }
    };
}

/// A value spelled as TCR spells it.
pub trait TcrValue: Copy + PartialEq {
    fn as_str(self) -> &'static str;
    fn parse(text: &str) -> Option<Self>;
    /// Every spelling, comma separated, for error messages.
    fn choices() -> String;
}

/// A value as TCR (or a stored row) gave it: one we know, or one TCR added later, kept exactly
/// as it came rather than refused. Reads and writes as TCR's string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reported<T> {
    Known(T),
    Other(String),
}

impl<T: TcrValue> Reported<T> {
    pub fn parse(text: &str) -> Self {
        T::parse(text).map_or_else(|| Reported::Other(text.to_string()), Reported::Known)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Reported::Known(value) => value.as_str(),
            Reported::Other(text) => text,
        }
    }

    /// The value, when it is one this build knows.
    pub fn known(&self) -> Option<T> {
        match self {
            Reported::Known(value) => Some(*value),
            Reported::Other(_) => None,
        }
    }

    pub fn is(&self, value: T) -> bool {
        self.known() == Some(value)
    }
}

/// A reported value is a known one when it is that one.
impl<T: TcrValue> PartialEq<T> for Reported<T> {
    fn eq(&self, other: &T) -> bool {
        self.is(*other)
    }
}

/// What an optional reported value is, when this build knows it.
pub trait KnownValue<T> {
    fn known(&self) -> Option<T>;
}

impl<T: TcrValue> KnownValue<T> for Option<Reported<T>> {
    fn known(&self) -> Option<T> {
        self.as_ref().and_then(Reported::known)
    }
}

impl<T: TcrValue> From<T> for Reported<T> {
    fn from(value: T) -> Self {
        Reported::Known(value)
    }
}

impl<T: TcrValue> std::fmt::Display for Reported<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<T: TcrValue> Serialize for Reported<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de, T: TcrValue> Deserialize<'de> for Reported<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Reported::parse(&text))
    }
}

tcr_enum!(
    /// The legal form behind a brand (TCR `entityType`).
    EntityType {
        PrivateProfit => "PRIVATE_PROFIT",
        PublicProfit => "PUBLIC_PROFIT",
        NonProfit => "NON_PROFIT",
        Government => "GOVERNMENT",
        SoleProprietor => "SOLE_PROPRIETOR",
    }
);

tcr_enum!(
    /// TCR `brandRelationship`: how well the CSP knows the brand; decided by the customer's tier.
    BrandRelationship {
        BasicAccount => "BASIC_ACCOUNT",
        SmallAccount => "SMALL_ACCOUNT",
        MediumAccount => "MEDIUM_ACCOUNT",
        LargeAccount => "LARGE_ACCOUNT",
        KeyAccount => "KEY_ACCOUNT",
    }
);

tcr_enum!(
    /// The operator's service tier for a customer.
    ServiceTier {
        Basic => "BASIC",
        Small => "SMALL",
        Medium => "MEDIUM",
        Large => "LARGE",
        Key => "KEY",
    }
);

impl ServiceTier {
    /// The tier, not the caller, decides the relationship TCR is told about.
    pub fn brand_relationship(self) -> BrandRelationship {
        match self {
            ServiceTier::Basic => BrandRelationship::BasicAccount,
            ServiceTier::Small => BrandRelationship::SmallAccount,
            ServiceTier::Medium => BrandRelationship::MediumAccount,
            ServiceTier::Large => BrandRelationship::LargeAccount,
            ServiceTier::Key => BrandRelationship::KeyAccount,
        }
    }
}

tcr_enum!(
    /// TCR's assessment of a brand's identity.
    IdentityStatus {
        SelfDeclared => "SELF_DECLARED",
        Unverified => "UNVERIFIED",
        Verified => "VERIFIED",
        VettedVerified => "VETTED_VERIFIED",
    }
);

tcr_enum!(
    /// TCR's own brand status.
    TcrBrandStatus {
        Active => "ACTIVE",
        Deleted => "DELETED",
    }
);

tcr_enum!(
    /// TCR `vertical` (industry segment).
    Vertical {
        Professional => "PROFESSIONAL",
        RealEstate => "REAL_ESTATE",
        Healthcare => "HEALTHCARE",
        HumanResources => "HUMAN_RESOURCES",
        Energy => "ENERGY",
        Entertainment => "ENTERTAINMENT",
        Retail => "RETAIL",
        Transportation => "TRANSPORTATION",
        Agriculture => "AGRICULTURE",
        Insurance => "INSURANCE",
        Postal => "POSTAL",
        Education => "EDUCATION",
        Hospitality => "HOSPITALITY",
        Financial => "FINANCIAL",
        Political => "POLITICAL",
        Gambling => "GAMBLING",
        Legal => "LEGAL",
        Construction => "CONSTRUCTION",
        Ngo => "NGO",
        Manufacturing => "MANUFACTURING",
        Government => "GOVERNMENT",
        Technology => "TECHNOLOGY",
        Communication => "COMMUNICATION",
    }
);

tcr_enum!(
    /// TCR `stockExchange`.
    StockExchange {
        None => "NONE",
        Nasdaq => "NASDAQ",
        Nyse => "NYSE",
        Amex => "AMEX",
        Amx => "AMX",
        Asx => "ASX",
        B3 => "B3",
        Bme => "BME",
        Bse => "BSE",
        Fra => "FRA",
        Icex => "ICEX",
        Jpx => "JPX",
        Jse => "JSE",
        Krx => "KRX",
        Lon => "LON",
        Nse => "NSE",
        Omx => "OMX",
        Sehk => "SEHK",
        Sgx => "SGX",
        Sse => "SSE",
        Sto => "STO",
        Swx => "SWX",
        Szse => "SZSE",
        Tsx => "TSX",
        Twse => "TWSE",
        Vse => "VSE",
        Other => "OTHER",
    }
);

tcr_enum!(
    /// TCR `altBusinessIdType`.
    AltBusinessIdType {
        None => "NONE",
        Duns => "DUNS",
        Giin => "GIIN",
        Lei => "LEI",
    }
);

/// A text value type whose only ways in are its checked constructors (and reading back what
/// was recorded); it reads and writes as the plain string.
macro_rules! text_value {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        text_reads_as_str!($name);
    };
}

/// A checked text value reads as the text it holds (never the other way round).
macro_rules! text_reads_as_str {
    ($name:ident) => {
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

text_value!(
    /// A phone number in E.164 form: `+`, then 2–15 digits not starting with 0; `+1` numbers
    /// have exactly 10 more digits.
    E164
);

const E164_HINT: &str = "must be an E.164 number such as +12025550123";

impl E164 {
    pub fn parse(text: &str) -> Result<E164, String> {
        let digits = text.strip_prefix('+').ok_or(E164_HINT)?;
        let well_formed = (2..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if !well_formed || text.len() > 20 {
            return Err(E164_HINT.to_string());
        }
        if let Some(national) = digits.strip_prefix('1') {
            if national.len() != 10 {
                return Err(
                    "must have 10 digits after +1 for a US or Canadian number, such as +12025550123"
                        .to_string(),
                );
            }
        }
        Ok(E164(text.to_string()))
    }

    /// A US or Canadian number.
    pub fn is_north_american(&self) -> bool {
        self.0.starts_with("+1")
    }
}

text_value!(
    /// A tax id: a US EIN as its 9 digits, or a foreign one as given.
    Ein
);

impl Ein {
    /// `123456789` or `12-3456789`, kept as the 9 digits.
    pub fn us(text: &str) -> Result<Ein, String> {
        let digits = match text.split_once('-') {
            None => text.to_string(),
            Some((prefix, rest)) if prefix.len() == 2 => format!("{prefix}{rest}"),
            Some(_) => String::new(),
        };
        if digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Ein(digits))
        } else {
            Err("must be 9 digits for a US EIN, such as 123456789 or 12-3456789".to_string())
        }
    }

    /// Another country's tax id: letters, digits and hyphens, at most 21.
    pub fn foreign(text: &str) -> Result<Ein, String> {
        if text.chars().count() > 21 {
            Err("must be at most 21 characters".to_string())
        } else if text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            Ok(Ein(text.to_string()))
        } else {
            Err("must contain only letters, digits and hyphens".to_string())
        }
    }
}

text_value!(
    /// A postal code: a US ZIP (or ZIP+4), or another country's code as given.
    PostalCode
);

impl PostalCode {
    /// `12345` or ZIP+4 `12345-6789`.
    pub fn us(text: &str) -> Result<PostalCode, String> {
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        let valid = match text.split_once('-') {
            None => digits(text, 5),
            Some((zip, plus4)) => digits(zip, 5) && digits(plus4, 4),
        };
        if valid {
            Ok(PostalCode(text.to_string()))
        } else {
            Err(
                "must be a 5-digit US ZIP code such as 10001, or ZIP+4 such as 10001-1234"
                    .to_string(),
            )
        }
    }

    /// Another country's postal code, at most 10 characters.
    pub fn other(text: &str) -> Result<PostalCode, String> {
        if text.chars().count() > 10 {
            Err("must be at most 10 characters".to_string())
        } else {
            Ok(PostalCode(text.to_string()))
        }
    }
}

/// An e-mail address ([`is_email`]), at most 254 characters (SMTP's limit for a path).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Email, String> {
        let text = text.trim();
        if is_email(text) && text.len() <= 254 {
            Ok(Email(text.to_string()))
        } else {
            Err(format!("'{text}' is not a valid e-mail address"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

text_reads_as_str!(Email);

/// The one e-mail rule, for TCR's brand fields and every other address: one `@`, a local part
/// without spaces or control characters, and a domain name. TCR limits only each field's whole
/// length, so the local part's length is not checked here.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !local.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@')
        && is_domain_name(domain)
}

/// Dot-separated DNS labels (1–63 letters, digits and inner hyphens), ending in a top-level
/// domain of 2+ letters.
pub fn is_domain_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    match labels.last() {
        Some(tld) if labels.len() >= 2 => {
            labels.iter().all(label_ok)
                && tld.len() >= 2
                && tld.bytes().all(|b| b.is_ascii_alphabetic())
        }
        _ => false,
    }
}

tcr_enum!(
    /// TCR's own campaign status (`/enum/campaignStatus`).
    TcrCampaignStatus {
        Active => "ACTIVE",
        Expired => "EXPIRED",
    }
);

tcr_enum!(
    /// One carrier's verdict on a campaign (`/enum/operationStatus`).
    OperationStatus {
        Review => "REVIEW",
        Registered => "REGISTERED",
        Rejected => "REJECTED",
        Suspended => "SUSPENDED",
    }
);

tcr_enum!(
    /// Where an external vetting stands (`/enum/vettingStatus`).
    VettingStatus {
        Pending => "PENDING",
        Unscore => "UNSCORE",
        Active => "ACTIVE",
        Failed => "FAILED",
        Expired => "EXPIRED",
    }
);

tcr_enum!(
    /// The kind of external vetting (`/enum/vettingClass`) tendlc orders or imports;
    /// AUTHPLUS is Authentication+ for PUBLIC_PROFIT brands (a domain check, then a 2FA e-mail
    /// the business contact must confirm).
    VettingClass {
        Standard => "STANDARD",
        Enhanced => "ENHANCED",
        Political => "POLITICAL",
        AuthPlus => "AUTHPLUS",
    }
);

tcr_enum!(
    /// External vetting providers (`/enum/extVettingProvider`).
    VettingProvider {
        Aegis => "AEGIS",
        Wmc => "WMC",
        CampaignVerify => "CV",
    }
);

impl VettingProvider {
    /// The classes each provider offers, and whether it can be ordered through TCR (CV is
    /// import only), per TCR's provider list.
    pub fn classes(self) -> &'static [VettingClass] {
        match self {
            // TCR runs Authentication+ through Aegis.
            VettingProvider::Aegis => &[
                VettingClass::Standard,
                VettingClass::Enhanced,
                VettingClass::Political,
                VettingClass::AuthPlus,
            ],
            VettingProvider::Wmc => &[VettingClass::Standard],
            VettingProvider::CampaignVerify => &[VettingClass::Political],
        }
    }

    pub fn can_be_ordered(self) -> bool {
        !matches!(self, VettingProvider::CampaignVerify)
    }
}

tcr_enum!(
    /// Why a campaign is nudged (`/enum/nudgeIntent`).
    NudgeIntent {
        Review => "REVIEW",
        AppealRejection => "APPEAL_REJECTION",
    }
);

tcr_enum!(
    /// Where sharing a campaign with an upstream connectivity partner stands.
    SharingStatus {
        Pending => "PENDING",
        Accepted => "ACCEPTED",
        Declined => "DECLINED",
    }
);

tcr_enum!(
    /// Where a CNP migration of a campaign to another connectivity partner stands
    /// (`CnpMigration.status`).
    CnpMigrationStatus {
        Active => "ACTIVE",
        Completed => "COMPLETED",
        Cancelled => "CANCELLED",
    }
);

tcr_enum!(
    /// Why an upstream partner declines a campaign shared with it (`/enum/rejectionCategory`).
    RejectionCategory {
        BrandInconsistencies => "BRAND_INCONSISTENCIES",
        CallToAction => "CALL_TO_ACTION",
        CampaignDescriptionOrAttributes => "CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES",
        DisallowedContent => "DISALLOWED_CONTENT",
        MandatoryMessageTerminology => "MANDATORY_MESSAGE_TERMINOLOGY",
        PrivacyPolicy => "PRIVACY_POLICY",
        SampleMessage => "SAMPLE_MESSAGE",
        TermsAndConditions => "TERMS_AND_CONDITIONS",
        Other => "OTHER",
    }
);

tcr_enum!(
    /// Brand appeal categories (`/enum/brandAppealCategory`).
    AppealCategory {
        VerifyTaxId => "VERIFY_TAX_ID",
        VerifyNonProfit => "VERIFY_NON_PROFIT",
        VerifyGovernment => "VERIFY_GOVERNMENT",
    }
);

tcr_enum!(
    /// Where a brand identity appeal stands.
    AppealStatus {
        Pending => "PENDING",
        Complete => "COMPLETE",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_refuse_an_e_mail_domain_label_longer_than_63_characters() {
        // given
        let longest = format!("ops@{}.com", "a".repeat(63));
        let too_long = format!("ops@{}.com", "a".repeat(64));
        // when / then
        assert!(Email::parse(&longest).is_ok(), "{longest}");
        assert!(Email::parse(&too_long).is_err(), "{too_long}");
    }

    #[test]
    fn it_should_limit_only_the_whole_length_of_an_e_mail_address_as_tcr_does() {
        // given
        let long_local_part = format!("{}@acmeflowers.com", "a".repeat(65));
        let too_long = format!("{}@acmeflowers.com", "a".repeat(254 - 16 + 1));
        // when / then
        assert!(Email::parse(&long_local_part).is_ok(), "{long_local_part}");
        assert_eq!(too_long.len(), 255);
        assert!(Email::parse(&too_long).is_err());
    }
}

#[cfg(test)]
mod reported_tests {
    use super::*;

    #[test]
    fn it_should_keep_a_value_tcr_added_later_exactly_as_it_came() {
        let added: Reported<IdentityStatus> =
            serde_json::from_str("\"PROVISIONALLY_VERIFIED\"").unwrap();
        assert_eq!(added, Reported::Other("PROVISIONALLY_VERIFIED".into()));
        assert_eq!(added.known(), None);
        assert_eq!(
            serde_json::to_string(&added).unwrap(),
            "\"PROVISIONALLY_VERIFIED\""
        );
    }

    #[test]
    fn it_should_read_a_known_value_as_itself() {
        let known: Reported<IdentityStatus> = serde_json::from_str("\"VERIFIED\"").unwrap();
        assert!(known.is(IdentityStatus::Verified));
        assert_eq!(known.to_string(), "VERIFIED");
    }
}
