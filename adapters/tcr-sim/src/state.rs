//! The simulated CSP account: its brands and campaigns, its rate-limit windows, brand scoring
//! and the background steps (carrier reviews, vets, appeals) that play out later.
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::{json, Map, Value};

use super::appeals::Appeal;
use super::campaigns::{CampaignRecord, Campaigns};
use super::events;
use super::faults::FaultState;
use super::otp::Otp;
use super::vetting::Vetting;
use super::webhooks::{self, Hub};
use super::SimConfig;

pub(super) type SharedSim = Arc<Sim>;

/// A brand's identity status. Scoring hands out the first three; `VETTED_VERIFIED` comes from an
/// external vet or out of band ([`SimHandle::set_identity_status`](super::SimHandle::set_identity_status)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IdentityStatus {
    SelfDeclared,
    Unverified,
    Verified,
    VettedVerified,
}

impl IdentityStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityStatus::SelfDeclared => "SELF_DECLARED",
            IdentityStatus::Unverified => "UNVERIFIED",
            IdentityStatus::Verified => "VERIFIED",
            IdentityStatus::VettedVerified => "VETTED_VERIFIED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            IdentityStatus::SelfDeclared,
            IdentityStatus::Unverified,
            IdentityStatus::Verified,
            IdentityStatus::VettedVerified,
        ]
        .into_iter()
        .find(|status| status.as_str() == text)
    }
}

/// What the CSP wrote about a brand: `BrandRequest`'s text fields by JSON name, tags and `mock`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct BrandFields {
    pub text: BTreeMap<&'static str, String>,
    pub tags: Vec<String>,
    pub mock: bool,
}

impl BrandFields {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.text.get(name).map(String::as_str)
    }

    pub fn is_sole_proprietor(&self) -> bool {
        self.get("entityType") == Some("SOLE_PROPRIETOR")
    }
}

/// One brand as TCR holds it.
#[derive(Debug, Clone)]
pub(super) struct BrandRecord {
    pub brand_id: String,
    pub fields: BrandFields,
    pub deleted: bool,
    pub identity_status: IdentityStatus,
    pub create_date: String,
    /// Bumped whenever scoring (re)starts, so a stale scoring task cannot overwrite a newer one.
    scoring_round: u64,
    /// Whether a scoring verdict is still to come (TCR's "brand PENDING", error 527).
    scoring: bool,
    /// The fields as they were when scoring last started: a revet of unchanged data is 525.
    pub scored_fields: BrandFields,
    pub relationship_changed_at: Option<Instant>,
    /// External vets, in order of creation.
    pub vettings: Vec<Vetting>,
    /// Identity appeals, in order of creation.
    pub appeals: Vec<Appeal>,
    /// The latest sole-proprietor OTP sent.
    pub otp: Option<Otp>,
}

impl BrandRecord {
    /// Puts the brand back in scoring; returns the round the verdict must carry.
    pub fn start_scoring(&mut self, meanwhile: IdentityStatus) -> u64 {
        self.identity_status = meanwhile;
        self.scoring_round += 1;
        self.scoring = true;
        self.scored_fields = self.fields.clone();
        self.scoring_round
    }

    /// Sets the identity status out of band; a scoring still under way no longer counts.
    pub fn override_identity(&mut self, status: IdentityStatus) {
        self.identity_status = status;
        self.scoring_round += 1;
        self.scoring = false;
    }

    /// Whether TCR is still scoring the brand.
    pub fn is_scoring(&self) -> bool {
        self.scoring
    }

    /// `verdict`, raised to `VETTED_VERIFIED` when the brand holds an ACTIVE identity vet (a
    /// scored STANDARD or ENHANCED one).
    pub fn with_vetting(&self, verdict: IdentityStatus) -> IdentityStatus {
        if self.best_vetting_score().is_some() {
            IdentityStatus::VettedVerified
        } else {
            verdict
        }
    }

    /// The best score of the brand's ACTIVE STANDARD or ENHANCED vets.
    pub fn best_vetting_score(&self) -> Option<u8> {
        self.vettings
            .iter()
            .filter_map(Vetting::identity_score)
            .max()
    }

    /// When the sole proprietor's mobile phone passed its OTP.
    pub fn mobile_phone_verified_date(&self) -> Option<&str> {
        self.otp.as_ref().and_then(|otp| otp.verify_date.as_deref())
    }

    /// The brand as `Brand_CSP`.
    pub fn to_json(&self, csp_id: &str) -> Value {
        let mut brand: Map<String, Value> = self
            .fields
            .text
            .iter()
            .map(|(name, value)| ((*name).to_owned(), Value::from(value.as_str())))
            .collect();
        if !self.fields.tags.is_empty() {
            brand.insert("tag".into(), json!(self.fields.tags));
        }
        if let Some(ein) = self.fields.get("ein") {
            let country = self.fields.get("einIssuingCountry").unwrap_or("US");
            brand.insert("universalEin".into(), json!(format!("{country}_{ein}")));
        }
        brand.insert("cspId".into(), json!(csp_id));
        brand.insert("brandId".into(), json!(self.brand_id));
        brand.insert(
            "status".into(),
            json!(if self.deleted { "DELETED" } else { "ACTIVE" }),
        );
        brand.insert(
            "identityStatus".into(),
            json!(self.identity_status.as_str()),
        );
        brand.insert("mock".into(), json!(self.fields.mock));
        brand.insert("optionalAttributes".into(), json!({}));
        brand.insert("createDate".into(), json!(self.create_date));
        if let Some(verified) = self.mobile_phone_verified_date() {
            brand.insert("mobilePhoneVerifiedDate".into(), json!(verified));
        }
        Value::Object(brand)
    }
}

/// Every brand and campaign of the account, in registration order.
#[derive(Debug, Default)]
pub(super) struct Registry {
    brands: Vec<BrandRecord>,
    by_id: HashMap<String, usize>,
    pub campaigns: Campaigns,
    /// Campaigns other CSPs shared with the account.
    pub partners: super::partner::PartnerCampaigns,
    pub cnp_settings: super::campaigns::CnpSettings,
    pub resellers: crate::resellers::Resellers,
}

impl Registry {
    pub fn get(&self, brand_id: &str) -> Option<&BrandRecord> {
        self.by_id.get(brand_id).map(|&i| &self.brands[i])
    }

    pub fn get_mut(&mut self, brand_id: &str) -> Option<&mut BrandRecord> {
        self.by_id.get(brand_id).map(|&i| &mut self.brands[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &BrandRecord> {
        self.brands.iter()
    }

    /// Every brand registered, deleted ones included.
    pub fn len(&self) -> usize {
        self.brands.len()
    }

    /// A campaign and its brand (brands are never forgotten, only marked deleted).
    pub fn campaign_and_brand(&self, campaign_id: &str) -> Option<(&CampaignRecord, &BrandRecord)> {
        let campaign = self.campaigns.get(campaign_id)?;
        Some((campaign, self.get(&campaign.brand_id)?))
    }

    /// Whether the brand has a campaign that is not expired.
    pub fn has_active_campaigns(&self, brand_id: &str) -> bool {
        self.campaigns
            .iter()
            .any(|c| c.brand_id == brand_id && c.is_active())
    }

    /// Whether another brand (deleted ones included) holds `reference_id`, ignoring case.
    pub fn reference_taken(&self, reference_id: &str, except_brand: Option<&str>) -> bool {
        self.brands.iter().any(|b| {
            Some(b.brand_id.as_str()) != except_brand
                && b.fields
                    .get("referenceId")
                    .is_some_and(|r| r.eq_ignore_ascii_case(reference_id))
        })
    }

    /// Stores a new brand under a fresh `B` + 6 id.
    pub fn register(&mut self, fields: BrandFields) -> &mut BrandRecord {
        let brand_id = loop {
            let candidate = random_id("B", 6);
            if !self.by_id.contains_key(&candidate) {
                break candidate;
            }
        };
        self.by_id.insert(brand_id.clone(), self.brands.len());
        self.brands.push(BrandRecord {
            brand_id,
            fields,
            deleted: false,
            identity_status: IdentityStatus::Unverified,
            create_date: now_text(),
            scoring_round: 0,
            scoring: false,
            scored_fields: BrandFields::default(),
            relationship_changed_at: None,
            vettings: Vec::new(),
            appeals: Vec::new(),
            otp: None,
        });
        self.brands.last_mut().expect("just pushed")
    }
}

/// `prefix` and `len` random uppercase alphanumerics, TCR's id shape (`B1A2B3C`, `OTPK6RSGTV`).
pub(super) fn random_id(prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    let mut id = prefix.to_owned();
    id.extend((0..len).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char));
    id
}

/// A moment as TCR writes timestamps: ISO-8601 UTC with milliseconds.
pub(super) fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Now, as TCR writes timestamps.
pub(super) fn now_text() -> String {
    timestamp(chrono::Utc::now())
}

/// `at` plus whole calendar months (the end of a short month when the day does not exist).
pub(super) fn months_later(
    at: chrono::DateTime<chrono::Utc>,
    months: u32,
) -> chrono::DateTime<chrono::Utc> {
    at.checked_add_months(chrono::Months::new(months))
        .unwrap_or(at)
}

/// A sliding window admitting at most `limit` requests per `period` (`0` admits everything).
#[derive(Debug)]
struct Window {
    limit: u32,
    period: Duration,
    admitted: VecDeque<Instant>,
}

impl Window {
    fn new(limit: u32, period: Duration) -> Self {
        Self {
            limit,
            period,
            admitted: VecDeque::new(),
        }
    }

    fn admit(&mut self, now: Instant) -> bool {
        if self.limit == 0 {
            return true;
        }
        while self
            .admitted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.period)
        {
            self.admitted.pop_front();
        }
        if self.admitted.len() >= self.limit as usize {
            return false;
        }
        self.admitted.push_back(now);
        true
    }
}

/// The simulated account; shared by every request, scoring task and webhook delivery.
pub(super) struct Sim {
    pub config: SimConfig,
    registry: Mutex<Registry>,
    reads: Mutex<Window>,
    writes: Mutex<Window>,
    /// Calls answered 429 for being over the read / write limit.
    refused: [std::sync::atomic::AtomicU64; 2],
    pub faults: FaultState,
    pub webhooks: Hub,
    /// The CSP profile and PFT brand (`/csp/profile`, `/pft/brand`).
    pub account: Mutex<super::account::Account>,
    /// Uploaded files and vetting reports (`/attachment/...`).
    files: Mutex<super::attachments::Files>,
    /// External-vetting appeals, in filing order.
    pub vet_appeals: Mutex<Vec<super::vet_appeals::VetAppeal>>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Sim {
    pub fn new(config: SimConfig) -> Self {
        Self {
            faults: FaultState::new(config.faults.clone()),
            webhooks: Hub::new(config.webhook_timeout),
            stop: tokio::sync::watch::Sender::new(false),
            reads: Mutex::new(Window::new(
                config.read_rate_per_sec,
                Duration::from_secs(1),
            )),
            writes: Mutex::new(Window::new(
                config.write_rate_per_10s,
                Duration::from_secs(10),
            )),
            registry: Mutex::new(Registry::default()),
            account: Mutex::default(),
            files: Mutex::default(),
            vet_appeals: Mutex::default(),
            refused: Default::default(),
            config,
        }
    }

    pub fn registry(&self) -> MutexGuard<'_, Registry> {
        lock(&self.registry)
    }

    /// Take after [`Sim::registry`] when both are needed, never before.
    pub fn files(&self) -> MutexGuard<'_, super::attachments::Files> {
        lock(&self.files)
    }

    /// Counts one request against the read or write limit; `false` means answer 429.
    pub fn admit(&self, write: bool) -> bool {
        let window = if write { &self.writes } else { &self.reads };
        let admitted = lock(window).admit(Instant::now());
        if !admitted {
            self.refused[usize::from(write)].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        admitted
    }

    /// How many calls were answered 429 for being over the (read, write) limit.
    pub fn rate_limited(&self) -> (u64, u64) {
        let count = |n: usize| self.refused[n].load(std::sync::atomic::Ordering::Relaxed);
        (count(0), count(1))
    }

    /// Tells held calls (injected timeouts) that the simulator is shutting down.
    pub fn begin_stop(&self) {
        self.stop.send_replace(true);
    }

    /// Completes once the simulator is shutting down.
    pub async fn stopped(&self) {
        let mut stop = self.stop.subscribe();
        let _ = stop.wait_for(|stopping| *stopping).await;
    }
}

/// A panic while holding a lock leaves plain data behind, still fine to use.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `step` after `delay` in the background, unless the simulator is gone by then (a weak
/// handle lets a stopped simulator go away without waiting for its pending steps).
pub(super) fn after(
    sim: &SharedSim,
    delay: Duration,
    step: impl FnOnce(&SharedSim) + Send + 'static,
) {
    let sim = Arc::downgrade(sim);
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        if let Some(sim) = sim.upgrade() {
            step(&sim);
        }
    });
}

/// Sends `events` in order.
pub(super) fn emit_all(sim: &SharedSim, events: impl IntoIterator<Item = Value>) {
    for event in events {
        webhooks::emit(sim, event);
    }
}

/// Gives the brand `verdict` (raised to `VETTED_VERIFIED` by an ACTIVE identity vet) after the
/// scoring delay, unless scoring restarted meanwhile, and announces it with `BRAND_SCORE_UPDATE`
/// then `BRAND_IDENTITY_STATUS_UPDATE` (not for a brand deleted meanwhile).
pub(super) fn schedule_scoring(
    sim: &SharedSim,
    brand_id: String,
    round: u64,
    verdict: IdentityStatus,
) {
    after(sim, sim.config.scoring_delay, move |sim| {
        let events = {
            let mut registry = sim.registry();
            let Some(brand) = registry.get_mut(&brand_id) else {
                return;
            };
            if brand.scoring_round != round {
                return;
            }
            brand.identity_status = brand.with_vetting(verdict);
            brand.scoring = false;
            tracing::info!(
                brand_id,
                identity_status = brand.identity_status.as_str(),
                "brand scored"
            );
            if brand.deleted {
                return;
            }
            [
                events::brand_event(sim, "BRAND_SCORE_UPDATE", brand),
                events::brand_event(sim, "BRAND_IDENTITY_STATUS_UPDATE", brand),
            ]
        };
        emit_all(sim, events);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_admits_up_to_its_limit_then_refuses_until_the_period_passes() {
        let mut window = Window::new(2, Duration::from_secs(10));
        let start = Instant::now();
        assert!(window.admit(start));
        assert!(window.admit(start));
        assert!(!window.admit(start + Duration::from_secs(9)));
        assert!(window.admit(start + Duration::from_secs(10)));
    }

    #[test]
    fn a_zero_limit_admits_everything() {
        let mut window = Window::new(0, Duration::from_secs(1));
        let now = Instant::now();
        assert!((0..1000).all(|_| window.admit(now)));
    }

    #[test]
    fn brand_ids_are_b_plus_six_uppercase_alphanumerics() {
        let id = random_id("B", 6);
        assert_eq!(id.len(), 7, "{id}");
        assert!(id.starts_with('B'), "{id}");
        assert!(
            id[1..]
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "{id}"
        );
    }
}
