//! The carriers' demands from TCR's qualification, applied before anything is billed.
use super::CampaignProfile;
use crate::campaign::carriers::Mno;
use crate::tcr::UsecaseQualification;
use crate::validation::ValidationErrors;

impl CampaignProfile {
    /// The carriers' demands for this use case (from TCR's qualification), naming every field
    /// that falls short and the carrier that demands it.
    pub fn check_qualification(
        &self,
        terms: &UsecaseQualification,
    ) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let count = self.sub_usecases.len() as u32;
        let (min, max) = (
            terms.min_sub_usecases.unwrap_or(0),
            terms.max_sub_usecases.unwrap_or(5),
        );
        if count < min || count > max {
            errors.add(
                "subUsecases",
                format!(
                    "{} needs {min} to {max} sub use cases (it has {count})",
                    self.usecase
                ),
            );
        }
        let mut qualifying = 0;
        // Several carriers may ask for the same thing: one error per field, naming them all.
        let mut demands: Vec<(&str, String, Vec<String>)> = Vec::new();
        let mut demand = |field: &'static str, what: String, mno: &Mno| match demands
            .iter_mut()
            .find(|(f, w, _)| *f == field && *w == what)
        {
            Some((_, _, carriers)) => carriers.push(mno.to_string()),
            None => demands.push((field, what, vec![mno.to_string()])),
        };
        let mut samples_needed = (self.samples.len(), Vec::new());
        for mno in &self.mno_ids {
            let Some(carrier) = terms.mno_metadata.get(&mno.key()) else {
                continue;
            };
            if !carrier.qualifies() {
                demand(
                    "mnoIds",
                    format!(
                        "includes carriers that do not take {} campaigns from this brand",
                        self.usecase
                    ),
                    mno,
                );
                continue;
            }
            qualifying += 1;
            let needed = carrier.min_msg_samples.unwrap_or(1) as usize;
            if needed > self.samples.len() {
                samples_needed.0 = samples_needed.0.max(needed);
                samples_needed.1.push(mno.to_string());
            }
            for (demanded, set, flag) in [
                (
                    carrier.req_subscriber_optin,
                    self.subscriber_optin,
                    "subscriberOptin",
                ),
                (
                    carrier.req_subscriber_optout,
                    self.subscriber_optout,
                    "subscriberOptout",
                ),
                (
                    carrier.req_subscriber_help,
                    self.subscriber_help,
                    "subscriberHelp",
                ),
            ] {
                if demanded == Some(true) && !set {
                    demand(flag, "must be true".into(), mno);
                }
            }
            if carrier.no_embedded_link == Some(true) && self.embedded_link {
                demand(
                    "embeddedLink",
                    "must be false: links are not allowed".into(),
                    mno,
                );
            }
            if carrier.no_embedded_phone == Some(true) && self.embedded_phone {
                demand(
                    "embeddedPhone",
                    "must be false: phone numbers are not allowed".into(),
                    mno,
                );
            }
        }
        if !samples_needed.1.is_empty() {
            errors.add(
                format!("sample{}", self.samples.len() + 1),
                format!(
                    "{} needs at least {} sample messages (there are {}), as {} require",
                    self.usecase,
                    samples_needed.0,
                    self.samples.len(),
                    samples_needed.1.join(", ")
                ),
            );
        }
        for (field, what, carriers) in demands {
            errors.add(
                field,
                format!(
                    "{what} ({}: {})",
                    if carriers.len() == 1 {
                        "carrier"
                    } else {
                        "carriers"
                    },
                    carriers.join(", ")
                ),
            );
        }
        if qualifying == 0 && !self.mno_ids.is_empty() {
            errors.add(
                "usecase",
                format!(
                    "no chosen carrier takes {} campaigns from this brand",
                    self.usecase
                ),
            );
        }
        errors.into_result(())
    }
}
