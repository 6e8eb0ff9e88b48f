//! TCR's `CampaignRequest` rules, applied to a draft before TCR is called.
use super::draft::{Draft, SAMPLE_NAMES};
use super::{CampaignProfile, NO_RESELLER, SUB_USE_CASES, USE_CASES};
use crate::campaign::carriers::Mno;
use crate::validation::ValidationErrors;

/// Public URL shorteners, which carriers refuse in samples and embedded links.
const URL_SHORTENERS: &[&str] = &[
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "t.co",
    "ow.ly",
    "is.gd",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "t.ly",
];

fn length(
    errors: &mut ValidationErrors,
    name: &str,
    text: &Option<String>,
    min: usize,
    max: usize,
) {
    if let Some(text) = text {
        let count = text.chars().count();
        if count < min || count > max {
            errors.add(
                name,
                format!("must be {min} to {max} characters long (it has {count})"),
            );
        }
    }
}

fn required(errors: &mut ValidationErrors, name: &str, text: &Option<String>, why: &str) {
    if text.is_none() {
        errors.add(name, format!("is required{why}"));
    }
}

fn keywords(errors: &mut ValidationErrors, name: &str, text: &Option<String>) {
    let Some(text) = text else { return };
    if text.chars().count() > 255 {
        errors.add(name, "must be at most 255 characters long");
    } else if text.split(',').any(|word| {
        word.is_empty()
            || !word
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    }) {
        errors.add(
            name,
            "must be comma-separated keywords without spaces, e.g. STOP,QUIT",
        );
    }
}

fn link(errors: &mut ValidationErrors, name: &str, text: &Option<String>, max: usize) {
    let Some(text) = text else { return };
    if text.chars().count() > max {
        errors.add(name, format!("must be at most {max} characters long"));
    } else if !(text.starts_with("https://") || text.starts_with("http://"))
        || text.contains(char::is_whitespace)
        || text.len() < 12
    {
        errors.add(name, "must be a public http(s) URL");
    }
}

fn shortener_in(text: &str) -> Option<&'static str> {
    let lower = text.to_ascii_lowercase();
    URL_SHORTENERS.iter().copied().find(|host| {
        lower.match_indices(host).any(|(at, _)| {
            let before = lower[..at].chars().last();
            let after = lower[at + host.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '-')
                && after.is_none_or(|c| c == '/' || c.is_whitespace())
        })
    })
}

impl CampaignProfile {
    /// Every rule, naming each field that breaks one; the profile is only used when none does.
    pub(super) fn check(draft: Draft, errors: &mut ValidationErrors) -> CampaignProfile {
        match &draft.usecase {
            None => errors.add("usecase", "is required"),
            Some(usecase) if !USE_CASES.contains(&usecase.as_str()) => errors.add(
                "usecase",
                format!(
                    "'{usecase}' is not a TCR use case; one of {}",
                    USE_CASES.join(", ")
                ),
            ),
            Some(_) => {}
        }
        let mut sub_usecases = Vec::new();
        for (index, item) in draft.sub_usecases.iter().flatten().enumerate() {
            match item.as_str() {
                Some(code) if SUB_USE_CASES.contains(&code) => {
                    if sub_usecases.iter().any(|seen: &String| seen == code) {
                        errors.add("subUsecases", format!("lists {code} twice"));
                    }
                    sub_usecases.push(code.to_string());
                }
                _ => errors.add(
                    format!("subUsecases[{index}]"),
                    format!("must be one of {}", SUB_USE_CASES.join(", ")),
                ),
            }
        }

        required(errors, "description", &draft.description, "");
        length(errors, "description", &draft.description, 40, 4096);
        required(
            errors,
            "messageFlow",
            &draft.message_flow,
            " (how subscribers opt in)",
        );
        length(errors, "messageFlow", &draft.message_flow, 40, 4096);

        required(
            errors,
            "sample1",
            &draft.samples[0],
            " (at least one sample message)",
        );
        for (name, sample) in SAMPLE_NAMES.iter().zip(&draft.samples) {
            length(errors, name, sample, 20, 1024);
            if let Some(host) = sample.as_deref().and_then(shortener_in) {
                errors.add(
                    *name,
                    format!("uses the public URL shortener {host}, which carriers refuse"),
                );
            }
        }
        if let Some(gap) =
            (1..5).find(|&i| draft.samples[i].is_some() && draft.samples[i - 1].is_none())
        {
            errors.add(
                SAMPLE_NAMES[gap],
                format!(
                    "is set but {} is not; fill samples in order",
                    SAMPLE_NAMES[gap - 1]
                ),
            );
        }

        let optin = draft.subscriber_optin.unwrap_or(false);
        let optout = draft.subscriber_optout.unwrap_or(false);
        let help = draft.subscriber_help.unwrap_or(false);
        for (flag, set, message, message_name, words, words_name) in [
            (
                "subscriberOptin",
                optin,
                &draft.optin_message,
                "optinMessage",
                &draft.optin_keywords,
                "optinKeywords",
            ),
            (
                "subscriberOptout",
                optout,
                &draft.optout_message,
                "optoutMessage",
                &draft.optout_keywords,
                "optoutKeywords",
            ),
            (
                "subscriberHelp",
                help,
                &draft.help_message,
                "helpMessage",
                &draft.help_keywords,
                "helpKeywords",
            ),
        ] {
            if set {
                required(
                    errors,
                    message_name,
                    message,
                    &format!(" when {flag} is true"),
                );
                required(errors, words_name, words, &format!(" when {flag} is true"));
            }
            length(errors, message_name, message, 20, 1024);
            keywords(errors, words_name, words);
        }

        let embedded_link = draft.embedded_link.unwrap_or(false);
        if let Some(sample) = &draft.embedded_link_sample {
            if sample.chars().count() > 255 {
                errors.add("embeddedLinkSample", "must be at most 255 characters long");
            }
            if let Some(host) = shortener_in(sample) {
                errors.add(
                    "embeddedLinkSample",
                    format!("uses the public URL shortener {host}, which carriers refuse"),
                );
            }
            if !embedded_link {
                errors.add("embeddedLinkSample", "is set but embeddedLink is false");
            }
        }
        link(
            errors,
            "privacyPolicyLink",
            &draft.privacy_policy_link,
            2048,
        );
        link(
            errors,
            "termsAndConditionsLink",
            &draft.terms_and_conditions_link,
            2048,
        );

        let terms_and_conditions = draft.terms_and_conditions.unwrap_or(true);
        if !terms_and_conditions {
            errors.add("termsAndConditions", "must be true: TCR registers campaigns only when the CSP accepts its terms and conditions");
        }
        // TCR's ids are upper case; TCR does not match another spelling.
        let reseller_id = draft
            .reseller_id
            .map_or_else(|| NO_RESELLER.to_string(), |id| id.to_ascii_uppercase());
        if reseller_id.chars().count() > 8
            || !reseller_id.chars().all(|c| c.is_ascii_alphanumeric())
        {
            errors.add("resellerId", format!("must be a TCR reseller id of 1 to 8 letters and digits ({NO_RESELLER} for none)"));
        }

        let mut mno_ids = Vec::new();
        match &draft.mno_ids {
            None => mno_ids = Mno::all(),
            Some(items) if items.is_empty() => errors.add(
                "mnoIds",
                "must name at least one carrier, or be left out for all",
            ),
            Some(items) => {
                for (index, item) in items.iter().enumerate() {
                    let mno = item
                        .as_u64()
                        .or_else(|| item.as_str().and_then(|text| text.parse().ok()))
                        .and_then(|id| u32::try_from(id).ok())
                        .and_then(Mno::known);
                    match mno {
                        Some(mno) if mno_ids.contains(&mno) => {
                            errors.add("mnoIds", format!("lists {mno} twice"))
                        }
                        Some(mno) => mno_ids.push(mno),
                        None => errors.add(
                            format!("mnoIds[{index}]"),
                            format!(
                                "{item} is not a carrier TCR routes campaigns to; one of {}",
                                Mno::all()
                                    .iter()
                                    .map(|m| m.0.to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ),
                    }
                }
            }
        }

        CampaignProfile {
            usecase: draft.usecase.unwrap_or_default(),
            sub_usecases,
            description: draft.description.unwrap_or_default(),
            message_flow: draft.message_flow.unwrap_or_default(),
            samples: draft.samples.into_iter().flatten().collect(),
            help_message: draft.help_message,
            optin_message: draft.optin_message,
            optout_message: draft.optout_message,
            optin_keywords: draft.optin_keywords,
            optout_keywords: draft.optout_keywords,
            help_keywords: draft.help_keywords,
            subscriber_optin: optin,
            subscriber_optout: optout,
            subscriber_help: help,
            embedded_link,
            embedded_phone: draft.embedded_phone.unwrap_or(false),
            embedded_link_sample: draft.embedded_link_sample,
            number_pool: draft.number_pool.unwrap_or(false),
            age_gated: draft.age_gated.unwrap_or(false),
            direct_lending: draft.direct_lending.unwrap_or(false),
            terms_and_conditions,
            privacy_policy_link: draft.privacy_policy_link,
            terms_and_conditions_link: draft.terms_and_conditions_link,
            auto_renewal: draft.auto_renewal.unwrap_or(true),
            reseller_id,
            mno_ids,
        }
    }
}
