//! Field formats. Each rule takes trimmed, non-empty text and returns the normalised value.
use super::places::Places;
use crate::values::{is_domain_name, is_email, Email};

pub(super) const US: &str = "US";

/// The alternate business id types that name a real id.
pub(super) const ID_TYPES: &str = "DUNS, GIIN, LEI";

pub(super) fn bounded(text: &str, max: usize) -> Result<String, String> {
    if text.chars().count() > max {
        Err(format!("must be at most {max} characters"))
    } else {
        Ok(text.to_string())
    }
}

pub(super) fn country_code(text: &str, places: &Places) -> Result<String, String> {
    let code = text.to_ascii_uppercase();
    if places.is_country(&code) {
        Ok(code)
    } else {
        Err("is not an ISO 3166-1 alpha-2 country code such as US or CA".to_string())
    }
}

pub(super) fn us_state(text: &str, places: &Places) -> Result<String, String> {
    let code = text.to_ascii_uppercase();
    if places.is_us_state(&code) {
        Ok(code)
    } else {
        Err("must be the 2-letter code of a US state, DC or territory, such as NY".to_string())
    }
}

pub(super) fn stock_symbol_text(text: &str) -> Result<String, String> {
    let text = bounded(text, 10)?;
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    {
        Ok(text)
    } else {
        Err("must contain only letters, digits, dots and hyphens, such as ABC or BRK.B".to_string())
    }
}

pub(super) fn email_address(text: &str, max: usize) -> Result<Email, String> {
    let text = bounded(text, max)?;
    let wrong = || "must be an e-mail address such as support@example.com".to_string();
    if is_email(&text) {
        Email::parse(&text).map_err(|_| wrong())
    } else {
        Err(wrong())
    }
}

const WEBSITE_HINT: &str =
    "must be a web address starting with http:// or https://, such as https://www.example.com";

pub(super) fn website_url(text: &str) -> Result<String, String> {
    let text = bounded(text, 255)?;
    if text.chars().any(char::is_whitespace) {
        return Err("must not contain spaces".to_string());
    }
    let after_scheme = ["https://", "http://"].iter().find_map(|scheme| {
        text.get(..scheme.len())
            .filter(|prefix| prefix.eq_ignore_ascii_case(scheme))
            .map(|_| &text[scheme.len()..])
    });
    let Some(rest) = after_scheme else {
        return Err(WEBSITE_HINT.to_string());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        None => authority,
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => host,
        Some(_) => return Err(WEBSITE_HINT.to_string()),
    };
    if is_domain_name(host) {
        Ok(text)
    } else {
        Err(WEBSITE_HINT.to_string())
    }
}

/// Mailboxes that belong to a role or a team rather than a person.
pub(super) const ROLE_MAILBOXES: &[&str] = &[
    "sales",
    "info",
    "support",
    "admin",
    "contact",
    "marketing",
    "noreply",
    "no-reply",
    "billing",
    "hello",
    "team",
    "office",
    "help",
    "webmaster",
    "postmaster",
];

/// Domains of free or personal mailboxes.
pub(super) const FREE_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "mail.com",
    "yandex.com",
    "zoho.com",
];

/// TCR's Authentication+ needs a named person's address at the company's own domain.
pub(super) fn personal_business_address(address: &str) -> Result<(), String> {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    let mailbox = local
        .split('+')
        .next()
        .unwrap_or(local)
        .to_ascii_lowercase();
    if ROLE_MAILBOXES.contains(&mailbox.as_str()) {
        return Err(format!(
            "must be a person's own address, not a role or distribution address like {mailbox}@"
        ));
    }
    let domain = domain.to_ascii_lowercase();
    if FREE_MAIL_DOMAINS.contains(&domain.as_str()) {
        return Err(format!(
            "must be an address at the company's own domain, not a free or personal mailbox at {domain}"
        ));
    }
    Ok(())
}

/// The 50 states, DC and the inhabited territories (PR, VI, GU, AS, MP).
pub(super) const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP",
];

/// Every officially assigned ISO 3166-1 alpha-2 code (249), sorted for binary search.
pub(super) const ISO_3166_ALPHA_2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
];
