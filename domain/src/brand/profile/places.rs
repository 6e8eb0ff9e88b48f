//! The country and US state codes a brand may name. TCR is the authority (`GET /enum/country`,
//! `GET /enum/usState`); the built-in ISO 3166-1 and US lists are the fallback while TCR's lists
//! are not at hand (TCR unreachable since start), so validation never stops working.
use std::collections::BTreeSet;

use super::formats::{ISO_3166_ALPHA_2, US_STATES};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    countries: BTreeSet<String>,
    us_states: BTreeSet<String>,
}

impl Places {
    /// The built-in lists: every ISO 3166-1 alpha-2 code; the 50 states, DC and 5 territories.
    pub fn built_in() -> Self {
        Self {
            countries: ISO_3166_ALPHA_2.iter().map(|c| c.to_string()).collect(),
            us_states: US_STATES.iter().map(|c| c.to_string()).collect(),
        }
    }

    /// TCR's lists (upper-cased); an empty one keeps the built-in list instead.
    pub fn from_tcr(
        countries: impl IntoIterator<Item = String>,
        us_states: impl IntoIterator<Item = String>,
    ) -> Self {
        let built_in = Self::built_in();
        let read = |codes: BTreeSet<String>, fallback: BTreeSet<String>| {
            if codes.is_empty() {
                fallback
            } else {
                codes
            }
        };
        let upper = |codes: &mut dyn Iterator<Item = String>| -> BTreeSet<String> {
            codes.map(|c| c.to_ascii_uppercase()).collect()
        };
        Self {
            countries: read(upper(&mut countries.into_iter()), built_in.countries),
            us_states: read(upper(&mut us_states.into_iter()), built_in.us_states),
        }
    }

    pub(super) fn is_country(&self, code: &str) -> bool {
        self.countries.contains(code)
    }

    pub(super) fn is_us_state(&self, code: &str) -> bool {
        self.us_states.contains(code)
    }
}

impl Default for Places {
    fn default() -> Self {
        Self::built_in()
    }
}
