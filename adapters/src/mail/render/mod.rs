//! The mails' words: one subject, plain-text and HTML template per notification kind
//! (`templates/`), rendered with minijinja. HTML templates escape every value; the operator's
//! name and the links come from configuration.
use minijinja::Environment;
use serde::Serialize;
use serde_json::Value;

macro_rules! templates {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),+]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "layout.html",
    "footer.txt",
    "BRAND_VERIFIED.subject",
    "BRAND_VERIFIED.txt",
    "BRAND_VERIFIED.html",
    "BRAND_UNVERIFIED.subject",
    "BRAND_UNVERIFIED.txt",
    "BRAND_UNVERIFIED.html",
    "VETTING_COMPLETED.subject",
    "VETTING_COMPLETED.txt",
    "VETTING_COMPLETED.html",
    "CAMPAIGN_APPROVED.subject",
    "CAMPAIGN_APPROVED.txt",
    "CAMPAIGN_APPROVED.html",
    "CAMPAIGN_REJECTED.subject",
    "CAMPAIGN_REJECTED.txt",
    "CAMPAIGN_REJECTED.html",
    "CAMPAIGN_SUSPENDED.subject",
    "CAMPAIGN_SUSPENDED.txt",
    "CAMPAIGN_SUSPENDED.html",
    "REGISTRATION_ABANDONED.subject",
    "REGISTRATION_ABANDONED.txt",
    "REGISTRATION_ABANDONED.html",
);

/// What every mail may say about who sends it and where its links go.
#[derive(Debug, Clone, PartialEq)]
pub struct Branding {
    /// The operator's name, as customers know it.
    pub operator_name: String,
    /// A brand's page; `{id}` is replaced by the brand's id.
    pub brand_link: String,
    /// A campaign's page; `{id}` is replaced by the campaign's id.
    pub campaign_link: String,
}

impl Branding {
    /// Links into this service's own API under `base_url`.
    pub fn api_links(operator_name: &str, base_url: &str) -> Self {
        let base = base_url.trim_end_matches('/');
        Self {
            operator_name: operator_name.to_string(),
            brand_link: format!("{base}/v1/messaging/brands/{{id}}"),
            campaign_link: format!("{base}/v1/messaging/campaigns/{{id}}"),
        }
    }
}

/// One change, as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The notification kind (`BRAND_VERIFIED`, …): which templates.
    pub kind: String,
    /// `Brand` or `Campaign`.
    pub subject_type: String,
    pub subject_id: String,
    pub subject_name: String,
    pub brand_id: String,
    pub brand_name: String,
    pub customer_name: Option<String>,
    pub recipient: String,
    /// The particulars (`status`, `score`, `carrier`, `reason`, …).
    pub facts: Value,
}

/// A rendered mail.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot render the {kind} mail: {reason}")]
pub struct RenderError {
    pub kind: String,
    pub reason: String,
}

/// The templates, parsed once.
pub struct Templates {
    env: Environment<'static>,
    branding: Branding,
}

impl Templates {
    pub fn new(branding: Branding) -> Self {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template {name} does not parse: {e}"));
        }
        Self { env, branding }
    }

    fn link(pattern: &str, id: &str) -> String {
        pattern.replace("{id}", id)
    }

    pub fn render(&self, change: &Change) -> Result<Rendered, RenderError> {
        let fail = |reason: String| RenderError {
            kind: change.kind.clone(),
            reason,
        };
        let campaign_id = if change.subject_type == "Campaign" {
            change.subject_id.as_str()
        } else {
            ""
        };
        let brand_url = Self::link(&self.branding.brand_link, &change.brand_id);
        let mut context = minijinja::context! {
            operator_name => self.branding.operator_name,
            brand_url => brand_url,
            feedback_url => format!("{brand_url}/feedback"),
            campaign_url => Self::link(&self.branding.campaign_link, campaign_id),
            ..minijinja::Value::from_serialize(change)
        };
        let render = |name: String, context: &minijinja::Value| {
            self.env
                .get_template(&name)
                .map_err(|e| fail(e.to_string()))?
                .render(context)
                .map_err(|e| fail(e.to_string()))
        };
        let subject = render(format!("{}.subject", change.kind), &context)?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        context = minijinja::context! { subject_line => subject, ..context };
        let text = render(format!("{}.txt", change.kind), &context)?;
        let html = render(format!("{}.html", change.kind), &context)?;
        Ok(Rendered {
            subject,
            text,
            html,
        })
    }
}

#[cfg(test)]
mod tests;
