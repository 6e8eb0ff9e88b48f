//! The cost ledger: what TCR bills for a customer's registrations, derived from their events.
//!
//! Computed from the events on demand rather than kept as a read model: a ledger is asked for
//! rarely (a billing run, a report), it must agree with the events exactly (a read model could
//! lag or be mid-rebuild), and it depends on prices in configuration, which a stored table
//! would freeze at the prices of the day it was written. Reading a customer's events is one
//! indexed query (`events_customer`).
//!
//! What TCR reports is used as it reports it: a campaign's monthly fee (quoted when qualifying,
//! then as TCR's campaign record says), its `billedDate` and `nextRenewalOrExpirationDate`.
//! What TCR does not report (brand registration, revet, vetting prices) comes from [`Prices`].
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tendlc_domain::brand::BrandEvent;
use tendlc_domain::campaign::CampaignEvent;
use tendlc_domain::values::VettingClass;

use crate::stream::StoredEvent;

/// What TCR bills but does not report, in cents (configuration; see the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prices {
    /// One-time, per brand TCR creates.
    pub brand_registration: i64,
    /// Per identity re-verification.
    pub brand_revet: i64,
    /// Per external vetting ordered through TCR, by class.
    pub vetting_standard: i64,
    pub vetting_enhanced: i64,
    pub vetting_political: i64,
    /// A campaign's monthly fee when TCR quoted none.
    pub campaign_monthly: i64,
}

impl Default for Prices {
    /// TCR's pass-through prices as partners publish them (USD, cents).
    fn default() -> Self {
        Prices {
            brand_registration: 400,
            brand_revet: 400,
            vetting_standard: 4000,
            vetting_enhanced: 9500,
            vetting_political: 6400,
            campaign_monthly: 1000,
        }
    }
}

/// Months TCR bills up front when it creates a campaign: its 3-month minimum, from which
/// political campaigns are exempt (one month).
pub fn months_up_front(usecase: &str) -> i64 {
    if usecase == "POLITICAL" {
        1
    } else {
        3
    }
}

/// What a ledger line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeeItem {
    BrandRegistration,
    BrandRevet,
    Vetting,
    /// The minimum billed up front when TCR creates a campaign.
    CampaignMinimum,
    /// A later month TCR billed (a new `billedDate`).
    CampaignRenewal,
}

impl FeeItem {
    pub fn as_str(self) -> &'static str {
        match self {
            FeeItem::BrandRegistration => "BRAND_REGISTRATION",
            FeeItem::BrandRevet => "BRAND_REVET",
            FeeItem::Vetting => "VETTING",
            FeeItem::CampaignMinimum => "CAMPAIGN_MINIMUM",
            FeeItem::CampaignRenewal => "CAMPAIGN_RENEWAL",
        }
    }
}

/// One charge.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeEntry {
    /// When the event showing the charge was recorded.
    pub charged_at: DateTime<Utc>,
    pub item: FeeItem,
    /// `BRAND` or `CAMPAIGN`.
    pub subject_type: String,
    /// Our id of the brand or campaign.
    pub subject_id: String,
    /// The brand it belongs to (itself for a brand).
    pub brand_id: String,
    pub tcr_id: Option<String>,
    pub description: String,
    /// Months billed (campaigns), else 1.
    pub quantity: i64,
    pub unit_cents: i64,
    pub amount_cents: i64,
    /// `tcr` when TCR reported the price, `configured` when it came from [`Prices`].
    pub price_source: String,
    /// TCR's `billedDate` for a campaign charge, once TCR reported it.
    pub billed_date: Option<NaiveDate>,
    /// TCR's `nextRenewalOrExpirationDate` as last reported after this charge.
    pub paid_through: Option<NaiveDate>,
    /// The event that shows the charge (its global position).
    pub position: i64,
}

#[derive(Default)]
struct CampaignBook {
    brand_id: String,
    usecase: String,
    tcr_id: Option<String>,
    /// Cents, and whether TCR reported it.
    monthly: Option<(i64, bool)>,
    created: bool,
    last_billed: Option<NaiveDate>,
    /// Index of its last entry in the ledger (to note the paid-through date).
    last_entry: Option<usize>,
    mock: bool,
}

fn cents(dollars: f64) -> i64 {
    (dollars * 100.0).round() as i64
}

/// The ledger of `events` (a customer's brand and campaign events, in commit order).
pub fn ledger(events: &[StoredEvent], prices: &Prices) -> Vec<FeeEntry> {
    let mut entries: Vec<FeeEntry> = Vec::new();
    let mut brand_tcr: HashMap<String, Option<String>> = HashMap::new();
    let mut brand_mock: HashMap<String, bool> = HashMap::new();
    let mut brand_created: HashMap<String, bool> = HashMap::new();
    let mut books: HashMap<String, CampaignBook> = HashMap::new();
    for event in events {
        let id = event.aggregate_id.clone();
        let line = |item: FeeItem,
                    subject: &str,
                    brand_id: &str,
                    tcr_id: Option<String>,
                    description: String,
                    quantity: i64,
                    unit: i64,
                    tcr_priced: bool| FeeEntry {
            charged_at: event.recorded_at,
            item,
            subject_type: subject.to_string(),
            subject_id: id.clone(),
            brand_id: brand_id.to_string(),
            tcr_id,
            description,
            quantity,
            unit_cents: unit,
            amount_cents: unit * quantity,
            price_source: if tcr_priced { "tcr" } else { "configured" }.to_string(),
            billed_date: None,
            paid_through: None,
            position: event.global_position,
        };
        match event.aggregate_type.as_str() {
            "Brand" => {
                let Ok(decoded) = event.decode::<BrandEvent>() else {
                    continue;
                };
                match decoded {
                    BrandEvent::BrandRegistrationRequested { profile, .. } => {
                        brand_mock.insert(id.clone(), profile.mock);
                    }
                    BrandEvent::BrandSubmittedToTcr { tcr_brand_id, .. } => {
                        brand_tcr.insert(id.clone(), Some(tcr_brand_id.to_string()));
                        // TCR creates a brand once, whether our call or a retry's adoption saw it.
                        if !brand_created.insert(id.clone(), true).unwrap_or(false) {
                            entries.push(line(
                                FeeItem::BrandRegistration,
                                "BRAND",
                                &id,
                                Some(tcr_brand_id.to_string()),
                                "brand registration".into(),
                                1,
                                prices.brand_registration,
                                false,
                            ));
                        }
                    }
                    BrandEvent::BrandRevetted => entries.push(line(
                        FeeItem::BrandRevet,
                        "BRAND",
                        &id,
                        brand_tcr.get(&id).cloned().flatten(),
                        "identity re-verification (revet)".into(),
                        1,
                        prices.brand_revet,
                        false,
                    )),
                    BrandEvent::BrandVettingRecorded {
                        vetting,
                        billed: true,
                        ..
                    } => {
                        let unit = match vetting.vetting_class {
                            Some(VettingClass::Enhanced) => prices.vetting_enhanced,
                            Some(VettingClass::Political) => prices.vetting_political,
                            // TCR bills no vetting fee for Authentication+.
                            Some(VettingClass::AuthPlus) => 0,
                            _ => prices.vetting_standard,
                        };
                        let class = vetting
                            .vetting_class
                            .map_or("STANDARD".to_string(), |c| c.as_str().to_string());
                        entries.push(line(
                            FeeItem::Vetting,
                            "BRAND",
                            &id,
                            brand_tcr.get(&id).cloned().flatten(),
                            format!(
                                "{} {class} vetting {}",
                                vetting.provider, vetting.vetting_id
                            ),
                            1,
                            unit,
                            false,
                        ));
                    }
                    _ => {}
                }
            }
            "Campaign" => {
                let Ok(decoded) = event.decode::<CampaignEvent>() else {
                    continue;
                };
                let book = books.entry(id.clone()).or_default();
                match decoded {
                    CampaignEvent::CampaignRegistrationRequested {
                        brand_id,
                        profile,
                        qualification,
                        ..
                    } => {
                        book.brand_id = brand_id.to_string();
                        book.usecase = profile.usecase.clone();
                        book.mock = brand_mock.get(&book.brand_id).copied().unwrap_or(false);
                        book.monthly = qualification.monthly_fee.map(|fee| (cents(fee), true));
                    }
                    CampaignEvent::CampaignSubmittedToTcr {
                        tcr_campaign_id, ..
                    } => {
                        book.tcr_id = Some(tcr_campaign_id.to_string());
                        if book.created {
                            continue;
                        }
                        book.created = true;
                        let (unit, from_tcr) =
                            book.monthly.unwrap_or((prices.campaign_monthly, false));
                        let months = months_up_front(&book.usecase);
                        // TCR bills nothing for a mock brand's campaigns.
                        let (unit, description) = if book.mock {
                            (
                                0,
                                format!("{} campaign (mock brand: not billed)", book.usecase),
                            )
                        } else if months == 1 {
                            (
                                unit,
                                format!(
                                    "{} campaign, first month (political: no 3-month minimum)",
                                    book.usecase
                                ),
                            )
                        } else {
                            (
                                unit,
                                format!(
                                    "{} campaign, {months}-month minimum billed up front",
                                    book.usecase
                                ),
                            )
                        };
                        entries.push(line(
                            FeeItem::CampaignMinimum,
                            "CAMPAIGN",
                            &book.brand_id.clone(),
                            book.tcr_id.clone(),
                            description,
                            months,
                            unit,
                            from_tcr,
                        ));
                        book.last_entry = Some(entries.len() - 1);
                    }
                    CampaignEvent::CampaignBillingChanged { billing, .. } => {
                        if let Some(fee) = billing.monthly_fee {
                            book.monthly = Some((cents(fee), true));
                        }
                        match (billing.billed_date, book.last_billed) {
                            // The first billed date TCR reports is the creation's.
                            (Some(billed), None) if book.created => {
                                if let Some(entry) =
                                    book.last_entry.and_then(|i| entries.get_mut(i))
                                {
                                    entry.billed_date = Some(billed);
                                }
                                book.last_billed = Some(billed);
                            }
                            // A later one: TCR billed another month.
                            (Some(billed), Some(previous)) if billed > previous => {
                                let (unit, from_tcr) =
                                    book.monthly.unwrap_or((prices.campaign_monthly, false));
                                let unit = if book.mock { 0 } else { unit };
                                let mut entry = line(
                                    FeeItem::CampaignRenewal,
                                    "CAMPAIGN",
                                    &book.brand_id.clone(),
                                    book.tcr_id.clone(),
                                    format!("{} campaign renewed for a month", book.usecase),
                                    1,
                                    unit,
                                    from_tcr,
                                );
                                entry.billed_date = Some(billed);
                                entries.push(entry);
                                book.last_entry = Some(entries.len() - 1);
                                book.last_billed = Some(billed);
                            }
                            _ => {}
                        }
                        if let Some(through) = billing.next_renewal_or_expiration_date {
                            if let Some(entry) = book.last_entry.and_then(|i| entries.get_mut(i)) {
                                entry.paid_through = Some(through);
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    entries
}

/// The entries charged in `[from, to)`.
pub fn within(entries: Vec<FeeEntry>, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<FeeEntry> {
    entries
        .into_iter()
        .filter(|e| e.charged_at >= from && e.charged_at < to)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(
        aggregate: &str,
        id: &str,
        position: i64,
        minutes: i64,
        payload: serde_json::Value,
    ) -> StoredEvent {
        let event_type = payload
            .as_object()
            .and_then(|o| o.keys().next().cloned())
            .unwrap_or_else(|| payload.as_str().unwrap_or_default().to_string());
        StoredEvent {
            aggregate_type: aggregate.into(),
            aggregate_id: id.into(),
            sequence: position,
            event_type,
            event_version: "1.0".into(),
            payload: serde_json::value::to_raw_value(&payload).unwrap(),
            metadata: json!({}),
            global_position: position,
            transaction_id: position.to_string(),
            recorded_at: DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
                .unwrap()
                .to_utc()
                + chrono::Duration::minutes(minutes),
        }
    }

    fn billing(billed: &str, next: &str, fee: f64) -> serde_json::Value {
        json!({"CampaignBillingChanged": {"billing": {"monthlyFee": fee, "billedDate": billed,
            "nextRenewalOrExpirationDate": next}, "source": "poll"}})
    }

    #[test]
    fn it_should_bill_a_vetting_recorded_before_billed_existed_unless_imported() {
        let vetting = |imported: bool| {
            json!({"BrandVettingRecorded": {"vetting": {"provider": "AEGIS",
            "vettingId": "V1", "vettingClass": "ENHANCED", "status": "PENDING", "score": null,
            "vettedDate": null}, "imported": imported}})
        };
        for (imported, expected) in [(false, vec![9500]), (true, vec![])] {
            let events = [event("Brand", "b1", 1, 0, vetting(imported))];
            let amounts: Vec<i64> = ledger(&events, &Prices::default())
                .iter()
                .map(|e| e.amount_cents)
                .collect();
            assert_eq!(
                amounts, expected,
                "imported {imported} (a 1.0 event, upcast)"
            );
        }
    }

    #[test]
    fn it_should_bill_the_three_month_minimum_then_each_renewal_tcr_reports() {
        let events = [
            event(
                "Campaign",
                "c1",
                1,
                0,
                json!({"CampaignSubmittedToTcr": {"tcr_campaign_id": "C1",
                "reference_id": "r", "mno_terms": {}, "adopted": false}}),
            ),
            event(
                "Campaign",
                "c1",
                2,
                1,
                billing("2026-01-01", "2026-04-01", 10.0),
            ),
            // The same billed date again (another poll): nothing new.
            event(
                "Campaign",
                "c1",
                3,
                2,
                billing("2026-01-01", "2026-04-01", 10.0),
            ),
            // TCR billed April at a new price.
            event(
                "Campaign",
                "c1",
                4,
                3,
                billing("2026-04-01", "2026-05-01", 12.0),
            ),
        ];
        let entries = ledger(&events, &Prices::default());
        let lines: Vec<(FeeItem, i64, i64, Option<NaiveDate>)> = entries
            .iter()
            .map(|e| (e.item, e.quantity, e.amount_cents, e.billed_date))
            .collect();
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            lines,
            vec![
                (FeeItem::CampaignMinimum, 3, 3000, date("2026-01-01")),
                (FeeItem::CampaignRenewal, 1, 1200, date("2026-04-01")),
            ]
        );
        assert_eq!(
            entries[0].price_source, "configured",
            "no quote was recorded"
        );
        assert_eq!(entries[1].price_source, "tcr");
        assert_eq!(entries[1].paid_through, date("2026-05-01"));
    }
}
