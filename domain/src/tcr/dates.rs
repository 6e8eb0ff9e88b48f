//! TCR writes dates and times in several shapes (`2026-11-25`, `2026-11-25T10:00:00Z`,
//! `2026-11-25T10:00:00.000+00:00`, sometimes without an offset); these read them all and treat
//! anything unreadable as absent rather than failing the whole answer.
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;

/// Reads a TCR date or date-time as the day it names (`null` and unreadable text as none).
pub fn tcr_day<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    Ok(text.as_deref().and_then(parse_tcr_date))
}

/// The day a TCR date or date-time names.
pub fn parse_tcr_date(text: &str) -> Option<NaiveDate> {
    let day = text.get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()
}

/// A TCR date-time (UTC when no offset is given; a bare date is its midnight).
pub fn parse_tcr_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(time) = NaiveDateTime::parse_from_str(text, format) {
            return Some(time.and_utc());
        }
    }
    parse_tcr_date(text)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Reads a TCR date-time (`null` and unreadable text as none).
pub fn tcr_time<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    Ok(text.as_deref().and_then(parse_tcr_time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_read_every_date_shape_tcr_uses() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        for text in [
            "2026-11-25",
            "2026-11-25T10:00:00Z",
            "2026-11-25T10:00:00.000+00:00",
        ] {
            assert_eq!(parse_tcr_date(text), Some(day), "{text}");
        }
        let ten = day.and_hms_opt(10, 0, 0).unwrap().and_utc();
        for text in [
            "2026-11-25T10:00:00Z",
            "2026-11-25T10:00:00.000+00:00",
            "2026-11-25T10:00:00",
            "2026-11-25T12:00:00+02:00",
        ] {
            assert_eq!(parse_tcr_time(text), Some(ten), "{text}");
        }
        assert_eq!(parse_tcr_time("yesterday"), None);
    }
}
