//! `[sim:...]` markers in a brand's `displayName` or a campaign's `description` that make the
//! simulator fail, stall or decide on purpose.
use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::StatusCode;

use super::enums::{self, REJECTION_CATEGORIES, SUSPENSION_CATEGORIES};
use super::state::IdentityStatus;

/// What `tendlc tcr-sim --help` prints about the magic inputs (see the module docs).
pub const MAGIC_INPUTS_HELP: &str = "\
Magic inputs: put markers in a brand's displayName or a campaign's description (create and
update) to make the simulator misbehave or decide on purpose. Markers combine; an unknown
[sim:...] marker, or one in the wrong place, is refused with error 501 on that field.

In a brand's displayName or a campaign's description (they act on that one call):
  [sim:error-NNN]              refused with HTTP 400 and TCR error code NNN, nothing stored
                               (e.g. [sim:error-591]: temporary error, retry in 30 s)
  [sim:http-NNN]               fails with bare HTTP status NNN (400-599, e.g. 500, 502, 503, 429),
                               no body, nothing stored
  [sim:slow-N]                 answers N seconds late (0-600); the record is stored at once
  [sim:created-then-http-500]  (create only) the record is created but the answer is a bare
                               HTTP 500

In a brand's displayName:
  [sim:unverified]             scoring ends UNVERIFIED instead of VERIFIED
  [sim:self-declared]          scoring ends SELF_DECLARED
  [sim:vet-score-NN]           an ordered (or imported AEGIS/WMC) vet scores NN (0-100, default 85)
  [sim:vet-fail]               an ordered vet ends FAILED, with reasons
  [sim:appeal-reject]          an identity appeal completes with the brand still UNVERIFIED
  [sim:2fa-confirm]            the business contact confirms the Auth+ 2FA e-mail one vetting
                               delay after it is sent (the vet completes ACTIVE)

In a campaign's description (read again whenever a carrier or partner decides):
  [sim:mno-reject-ID]          carrier ID (e.g. 10017) ends REJECTED, category SAMPLE_MESSAGE
  [sim:mno-reject-ID-CATEGORY] ... with that rejectionCategory (e.g. PRIVACY_POLICY)
  [sim:mno-suspend-ID]         carrier ID ends REGISTERED, then SUSPENDED one review delay later,
                               category SPAM
  [sim:mno-suspend-ID-CATEGORY] ... with that suspensionCategory (e.g. EXCESSIVE_COMPLAINTS)
  [sim:mno-hold-ID]            carrier ID stays in REVIEW
  [sim:share-decline]          the upstream partner declines sharing (CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES)
  [sim:share-decline-CATEGORY] ... with that rejectionCategory
";

const MAX_DELAY_SECS: u64 = 600;

/// The default vetting score of a vet without `[sim:vet-score-NN]`.
pub(super) const DEFAULT_VET_SCORE: u8 = 85;

const DEFAULT_REJECTION: &str = "SAMPLE_MESSAGE";
const DEFAULT_SUSPENSION: &str = "SPAM";
const DEFAULT_SHARE_DECLINE: &str = "CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES";

/// The field a marker was written in, which decides the markers allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Site {
    BrandName,
    CampaignDescription,
}

impl Site {
    pub fn field(self) -> &'static str {
        match self {
            Site::BrandName => "displayName",
            Site::CampaignDescription => "description",
        }
    }
}

/// What one carrier decides about a campaign it reviews, instead of registering it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CarrierVerdict {
    /// `REJECTED`, with this `rejectionCategory`.
    Reject(&'static str),
    /// `REGISTERED`, then `SUSPENDED` with this `suspensionCategory`.
    Suspend(&'static str),
    /// Stays in `REVIEW`.
    Hold,
}

/// The markers found in one `displayName` or `description`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Magic {
    /// The identity verdict scoring should reach instead of the normal one.
    pub scoring: Option<IdentityStatus>,
    pub tcr_error: Option<u16>,
    pub http_status: Option<StatusCode>,
    pub delay: Option<Duration>,
    pub created_then_http_500: bool,
    pub vet_score: Option<u8>,
    pub vet_fail: bool,
    pub appeal_reject: bool,
    /// The business contact confirms the Auth+ 2FA e-mail by itself.
    pub confirm_2fa: bool,
    /// Carrier network id → what that carrier decides.
    pub carriers: BTreeMap<u64, CarrierVerdict>,
    /// The `rejectionCategory` an upstream partner declines sharing with.
    pub share_decline: Option<&'static str>,
}

impl Magic {
    /// Reads every `[sim:...]` marker; `Err` describes the first one not allowed at `site`.
    pub fn parse(text: &str, site: Site) -> Result<Self, String> {
        let mut magic = Magic::default();
        let mut rest = text;
        while let Some(start) = rest.find("[sim:") {
            let after = &rest[start + "[sim:".len()..];
            let end = after.find(']').ok_or_else(|| {
                format!(
                    "unterminated simulator marker in {}: [sim:{after}",
                    site.field()
                )
            })?;
            magic.apply(&after[..end].to_ascii_lowercase(), site)?;
            rest = &after[end + 1..];
        }
        Ok(magic)
    }

    /// The markers of text that was checked when it was stored (none if it no longer parses).
    pub fn of_stored(text: &str, site: Site) -> Self {
        Self::parse(text, site).unwrap_or_default()
    }

    fn apply(&mut self, marker: &str, site: Site) -> Result<(), String> {
        let unknown = || format!("unknown simulator marker [sim:{marker}]; see MAGIC_INPUTS_HELP");
        let misplaced = |place: Site| {
            format!(
                "simulator marker [sim:{marker}] belongs in a {}, not in {}",
                match place {
                    Site::BrandName => "brand's displayName",
                    Site::CampaignDescription => "campaign's description",
                },
                site.field()
            )
        };
        let only = |place: Site| {
            if site == place {
                Ok(())
            } else {
                Err(misplaced(place))
            }
        };
        let number = |prefix: &str| {
            marker
                .strip_prefix(prefix)
                .and_then(|n| n.parse::<u64>().ok())
        };
        match marker {
            "unverified" => {
                only(Site::BrandName)?;
                self.scoring = Some(IdentityStatus::Unverified);
            }
            "self-declared" => {
                only(Site::BrandName)?;
                self.scoring = Some(IdentityStatus::SelfDeclared);
            }
            "vet-fail" => {
                only(Site::BrandName)?;
                self.vet_fail = true;
            }
            "appeal-reject" => {
                only(Site::BrandName)?;
                self.appeal_reject = true;
            }
            "2fa-confirm" => {
                only(Site::BrandName)?;
                self.confirm_2fa = true;
            }
            "created-then-http-500" => self.created_then_http_500 = true,
            _ if marker.starts_with("vet-score-") => {
                only(Site::BrandName)?;
                let score = number("vet-score-")
                    .filter(|s| *s <= 100)
                    .ok_or_else(unknown)?;
                self.vet_score = Some(score as u8);
            }
            _ if marker.starts_with("error-") => {
                let code = number("error-")
                    .filter(|c| (100..=999).contains(c))
                    .ok_or_else(unknown)?;
                self.tcr_error = Some(code as u16);
            }
            _ if marker.starts_with("http-") => {
                let status = number("http-")
                    .filter(|s| (400..=599).contains(s))
                    .and_then(|s| StatusCode::from_u16(s as u16).ok())
                    .ok_or_else(unknown)?;
                self.http_status = Some(status);
            }
            _ if marker.starts_with("slow-") => {
                let secs = number("slow-")
                    .filter(|s| *s <= MAX_DELAY_SECS)
                    .ok_or_else(unknown)?;
                self.delay = Some(Duration::from_secs(secs));
            }
            _ if marker.starts_with("mno-") => {
                only(Site::CampaignDescription)?;
                let (network_id, verdict) = carrier_marker(marker).ok_or_else(unknown)?;
                self.carriers.insert(network_id, verdict);
            }
            _ if marker == "share-decline" || marker.starts_with("share-decline-") => {
                only(Site::CampaignDescription)?;
                let category = match marker.strip_prefix("share-decline-") {
                    None => DEFAULT_SHARE_DECLINE,
                    Some(name) => {
                        enums::category(REJECTION_CATEGORIES, name)
                            .ok_or_else(unknown)?
                            .0
                    }
                };
                self.share_decline = Some(category);
            }
            _ => return Err(unknown()),
        }
        Ok(())
    }

    /// Holds the answer back as long as `[sim:slow-N]` asked.
    pub async fn delay<T>(&self, answer: T) -> T {
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        answer
    }
}

/// `mno-reject-ID[-CATEGORY]`, `mno-suspend-ID[-CATEGORY]` or `mno-hold-ID`, ID a known MNO.
fn carrier_marker(marker: &str) -> Option<(u64, CarrierVerdict)> {
    let (action, rest) = marker.strip_prefix("mno-")?.split_once('-')?;
    let (id, category) = match rest.split_once('-') {
        Some((id, category)) => (id, Some(category)),
        None => (rest, None),
    };
    let network_id = enums::mno(id.parse().ok()?)?.network_id;
    let pick = |table, default| match category {
        None => Some(default),
        Some(name) => enums::category(table, name).map(|(id, _)| id),
    };
    let verdict = match action {
        "reject" => CarrierVerdict::Reject(pick(REJECTION_CATEGORIES, DEFAULT_REJECTION)?),
        "suspend" => CarrierVerdict::Suspend(pick(SUSPENSION_CATEGORIES, DEFAULT_SUSPENSION)?),
        "hold" if category.is_none() => CarrierVerdict::Hold,
        _ => return None,
    };
    Some((network_id, verdict))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRAND: Site = Site::BrandName;
    const CAMPAIGN: Site = Site::CampaignDescription;

    #[test]
    fn a_plain_name_has_no_magic() {
        assert_eq!(
            Magic::parse("Acme Widgets [beta]", BRAND),
            Ok(Magic::default())
        );
    }

    #[test]
    fn markers_combine() {
        let magic =
            Magic::parse("Acme [sim:slow-2] [sim:error-591] [sim:unverified]", BRAND).unwrap();
        assert_eq!(magic.delay, Some(Duration::from_secs(2)));
        assert_eq!(magic.tcr_error, Some(591));
        assert_eq!(magic.scoring, Some(IdentityStatus::Unverified));
    }

    #[test]
    fn http_and_created_markers_are_read() {
        let magic = Magic::parse("[sim:http-503][sim:created-then-http-500]", CAMPAIGN).unwrap();
        assert_eq!(magic.http_status, Some(StatusCode::SERVICE_UNAVAILABLE));
        assert!(magic.created_then_http_500);
    }

    #[test]
    fn unknown_or_out_of_range_markers_are_refused() {
        for name in [
            "[sim:bogus]",
            "[sim:http-200]",
            "[sim:error-abc]",
            "[sim:slow-601]",
            "[sim:slow-2",
            "[sim:vet-score-101]",
        ] {
            assert!(
                Magic::parse(name, BRAND).is_err(),
                "{name} should be refused"
            );
        }
    }

    #[test]
    fn vetting_and_appeal_markers_are_read_from_brand_names() {
        let magic = Magic::parse("Acme [sim:vet-score-42][sim:appeal-reject]", BRAND).unwrap();
        assert_eq!(magic.vet_score, Some(42));
        assert!(magic.appeal_reject && !magic.vet_fail);
        assert!(Magic::parse("[sim:vet-fail]", BRAND).unwrap().vet_fail);
        assert!(
            Magic::parse("[sim:2fa-confirm]", BRAND)
                .unwrap()
                .confirm_2fa
        );
    }

    #[test]
    fn carrier_markers_name_a_carrier_and_optionally_a_category() {
        let magic = Magic::parse(
            "[sim:mno-reject-10017] [sim:mno-reject-10035-PRIVACY_POLICY] \
             [sim:mno-suspend-10038] [sim:mno-suspend-10037-excessive_complaints] \
             [sim:mno-hold-10631] [sim:share-decline-OTHER]",
            CAMPAIGN,
        )
        .unwrap();
        let expected: BTreeMap<u64, CarrierVerdict> = [
            (10017, CarrierVerdict::Reject("SAMPLE_MESSAGE")),
            (10035, CarrierVerdict::Reject("PRIVACY_POLICY")),
            (10038, CarrierVerdict::Suspend("SPAM")),
            (10037, CarrierVerdict::Suspend("EXCESSIVE_COMPLAINTS")),
            (10631, CarrierVerdict::Hold),
        ]
        .into_iter()
        .collect();
        assert_eq!(magic.carriers, expected);
        assert_eq!(magic.share_decline, Some("OTHER"));
        assert_eq!(
            Magic::parse("[sim:share-decline]", CAMPAIGN)
                .unwrap()
                .share_decline,
            Some("CAMPAIGN_DESCRIPTION_OR_ATTRIBUTES")
        );
    }

    #[test]
    fn carrier_markers_with_an_unknown_carrier_or_category_are_refused() {
        for marker in [
            "[sim:mno-reject-99999]",
            "[sim:mno-reject-10017-SPAM]",
            "[sim:mno-suspend-10017-SAMPLE_MESSAGE]",
            "[sim:mno-hold-10017-SPAM]",
            "[sim:mno-approve-10017]",
            "[sim:mno-reject-]",
            "[sim:share-decline-NOPE]",
        ] {
            assert!(
                Magic::parse(marker, CAMPAIGN).is_err(),
                "{marker} should be refused"
            );
        }
    }

    #[test]
    fn markers_are_refused_in_the_wrong_field() {
        let error = Magic::parse("[sim:mno-hold-10017]", BRAND).unwrap_err();
        assert!(error.contains("campaign's description"), "{error}");
        let error = Magic::parse("[sim:unverified]", CAMPAIGN).unwrap_err();
        assert!(error.contains("brand's displayName"), "{error}");
        assert!(Magic::parse("[sim:vet-score-50]", CAMPAIGN).is_err());
        assert!(Magic::parse("[sim:share-decline]", BRAND).is_err());
    }
}
