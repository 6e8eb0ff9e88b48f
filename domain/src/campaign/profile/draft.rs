//! A campaign as a request body sends it (TCR's field names), read into a draft: every field of
//! the wrong type and every field tendlc does not know is named at once.
use serde::Deserialize;
use serde_json::Value;

use crate::input::{refuse_unknown, BodyOf, Field, Unknown};
use crate::validation::ValidationErrors;

/// TCR's `CampaignRequest` fields as a body sends them (a new campaign, or the fields to
/// change). Lengths and demands are checked by the profile's rules, and named per field.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CampaignBody {
    /// A TCR use case, e.g. 2FA, MARKETING, MIXED, LOW_VOLUME.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub usecase: Field<String>,
    /// Sub use cases; how many depends on the use case (see qualify).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub sub_usecases: Field<Vec<Value>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 40, max_length = 4096))]
    pub description: Field<String>,
    /// How subscribers opt in.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 40, max_length = 4096))]
    pub message_flow: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 20, max_length = 1024))]
    pub sample1: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 20, max_length = 1024))]
    pub sample2: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 20, max_length = 1024))]
    pub sample3: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 20, max_length = 1024))]
    pub sample4: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 20, max_length = 1024))]
    pub sample5: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 20, max_length = 1024))]
    pub help_message: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 20, max_length = 1024))]
    pub optin_message: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, min_length = 20, max_length = 1024))]
    pub optout_message: Field<String>,
    /// Comma-separated, no spaces, e.g. `JOIN,START`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 255))]
    pub optin_keywords: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 255))]
    pub optout_keywords: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 255))]
    pub help_keywords: Field<String>,
    /// When true, `optinMessage` and `optinKeywords` are required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub subscriber_optin: Field<bool>,
    /// When true, `optoutMessage` and `optoutKeywords` are required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub subscriber_optout: Field<bool>,
    /// When true, `helpMessage` and `helpKeywords` are required.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub subscriber_help: Field<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub embedded_link: Field<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub embedded_phone: Field<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 255))]
    pub embedded_link_sample: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub number_pool: Field<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub age_gated: Field<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub direct_lending: Field<bool>,
    /// Must be true (default): the CSP accepts TCR's terms.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub terms_and_conditions: Field<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 2048))]
    pub privacy_policy_link: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 2048))]
    pub terms_and_conditions_link: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub auto_renewal: Field<bool>,
    /// `R000000` (none) by default; may change once, to `R000000`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 8))]
    pub reseller_id: Field<String>,
    /// TCR network ids (default: all six carriers).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<u32>>))]
    pub mno_ids: Field<Vec<Value>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl BodyOf for CampaignBody {
    const FIELDS: &'static str = "campaign fields";
}

/// Lays the fields `patch` sends over `base` (a field sent as null clears it).
macro_rules! overlay {
    ($base:ident, $patch:ident, [$($field:ident),* $(,)?]) => {
        $(if $patch.$field.is_sent() {
            $base.$field = $patch.$field;
        })*
    };
}

impl CampaignBody {
    /// This body with every field `patch` sends laid over it; `patch`'s unknown fields stay.
    pub(super) fn overlaid_with(mut self, patch: CampaignBody) -> CampaignBody {
        let base = &mut self;
        overlay!(
            base,
            patch,
            [
                usecase,
                sub_usecases,
                description,
                message_flow,
                sample1,
                sample2,
                sample3,
                sample4,
                sample5,
                help_message,
                optin_message,
                optout_message,
                optin_keywords,
                optout_keywords,
                help_keywords,
                subscriber_optin,
                subscriber_optout,
                subscriber_help,
                embedded_link,
                embedded_phone,
                embedded_link_sample,
                number_pool,
                age_gated,
                direct_lending,
                terms_and_conditions,
                privacy_policy_link,
                terms_and_conditions_link,
                auto_renewal,
                reseller_id,
                mno_ids,
            ]
        );
        self.unknown = patch.unknown;
        self
    }
}

/// The raw input of a campaign, typed (TCR's names); text trimmed, blank text absent.
#[derive(Debug, Clone, Default)]
pub(super) struct Draft {
    pub(super) usecase: Option<String>,
    pub(super) sub_usecases: Option<Vec<Value>>,
    pub(super) description: Option<String>,
    pub(super) message_flow: Option<String>,
    pub(super) samples: [Option<String>; 5],
    pub(super) help_message: Option<String>,
    pub(super) optin_message: Option<String>,
    pub(super) optout_message: Option<String>,
    pub(super) optin_keywords: Option<String>,
    pub(super) optout_keywords: Option<String>,
    pub(super) help_keywords: Option<String>,
    pub(super) subscriber_optin: Option<bool>,
    pub(super) subscriber_optout: Option<bool>,
    pub(super) subscriber_help: Option<bool>,
    pub(super) embedded_link: Option<bool>,
    pub(super) embedded_phone: Option<bool>,
    pub(super) embedded_link_sample: Option<String>,
    pub(super) number_pool: Option<bool>,
    pub(super) age_gated: Option<bool>,
    pub(super) direct_lending: Option<bool>,
    pub(super) terms_and_conditions: Option<bool>,
    pub(super) privacy_policy_link: Option<String>,
    pub(super) terms_and_conditions_link: Option<String>,
    pub(super) auto_renewal: Option<bool>,
    pub(super) reseller_id: Option<String>,
    pub(super) mno_ids: Option<Vec<Value>>,
}

pub(super) const SAMPLE_NAMES: [&str; 5] = ["sample1", "sample2", "sample3", "sample4", "sample5"];

impl Draft {
    /// Reads every field, naming each of the wrong type (into `errors`), and each unknown one.
    pub(super) fn read(body: CampaignBody, errors: &mut ValidationErrors) -> Draft {
        let flag = |field: Field<bool>, name: &str, errors: &mut ValidationErrors| {
            field.read(name, "must be true or false", errors)
        };
        let list = |field: Field<Vec<Value>>, name: &str, errors: &mut ValidationErrors| {
            field.read(name, "must be a list", errors)
        };
        let draft = Draft {
            usecase: body.usecase.text("usecase", errors),
            sub_usecases: list(body.sub_usecases, "subUsecases", errors),
            description: body.description.text("description", errors),
            message_flow: body.message_flow.text("messageFlow", errors),
            samples: [
                body.sample1.text("sample1", errors),
                body.sample2.text("sample2", errors),
                body.sample3.text("sample3", errors),
                body.sample4.text("sample4", errors),
                body.sample5.text("sample5", errors),
            ],
            help_message: body.help_message.text("helpMessage", errors),
            optin_message: body.optin_message.text("optinMessage", errors),
            optout_message: body.optout_message.text("optoutMessage", errors),
            optin_keywords: body.optin_keywords.text("optinKeywords", errors),
            optout_keywords: body.optout_keywords.text("optoutKeywords", errors),
            help_keywords: body.help_keywords.text("helpKeywords", errors),
            subscriber_optin: flag(body.subscriber_optin, "subscriberOptin", errors),
            subscriber_optout: flag(body.subscriber_optout, "subscriberOptout", errors),
            subscriber_help: flag(body.subscriber_help, "subscriberHelp", errors),
            embedded_link: flag(body.embedded_link, "embeddedLink", errors),
            embedded_phone: flag(body.embedded_phone, "embeddedPhone", errors),
            embedded_link_sample: body.embedded_link_sample.text("embeddedLinkSample", errors),
            number_pool: flag(body.number_pool, "numberPool", errors),
            age_gated: flag(body.age_gated, "ageGated", errors),
            direct_lending: flag(body.direct_lending, "directLending", errors),
            terms_and_conditions: flag(body.terms_and_conditions, "termsAndConditions", errors),
            privacy_policy_link: body.privacy_policy_link.text("privacyPolicyLink", errors),
            terms_and_conditions_link: body
                .terms_and_conditions_link
                .text("termsAndConditionsLink", errors),
            auto_renewal: flag(body.auto_renewal, "autoRenewal", errors),
            reseller_id: body.reseller_id.text("resellerId", errors),
            mno_ids: list(body.mno_ids, "mnoIds", errors),
        };
        refuse_unknown(&body.unknown, errors, |_| {
            "is not a campaign field tendlc knows".into()
        });
        draft
    }
}
