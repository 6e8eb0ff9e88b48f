//! TCR's paging: `page` (from 1) and `recordsPerPage` (10 by default, at most 500) in, a record
//! set `{records, page, totalRecords}` out.
use serde_json::{json, Value};

use super::errors::ApiError;

const DEFAULT_RECORDS_PER_PAGE: usize = 10;
const MAX_RECORDS_PER_PAGE: usize = 500;

/// Which page of a search to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Page {
    pub page: usize,
    pub records_per_page: usize,
}

impl Default for Page {
    fn default() -> Self {
        Self {
            page: 1,
            records_per_page: DEFAULT_RECORDS_PER_PAGE,
        }
    }
}

impl Page {
    /// Whether `name` is a paging parameter (`page`, `recordsPerPage`).
    pub fn is_param(name: &str) -> bool {
        matches!(name, "page" | "recordsPerPage")
    }

    /// Takes the value of the paging parameter `name`.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), ApiError> {
        match (name, value.parse::<usize>()) {
            ("page", Ok(page)) if page >= 1 => self.page = page,
            ("page", _) => {
                return Err(ApiError::invalid(
                    "page",
                    "page must be an integer of at least 1",
                ))
            }
            (_, Ok(n)) if (1..=MAX_RECORDS_PER_PAGE).contains(&n) => self.records_per_page = n,
            _ => {
                return Err(ApiError::invalid(
                    "recordsPerPage",
                    format!("recordsPerPage must be between 1 and {MAX_RECORDS_PER_PAGE}"),
                ))
            }
        }
        Ok(())
    }

    /// This page of everything `found`, as TCR's record set.
    pub fn record_set(&self, found: Vec<Value>) -> Value {
        let total = found.len();
        let records: Vec<Value> = found
            .into_iter()
            .skip((self.page - 1).saturating_mul(self.records_per_page))
            .take(self.records_per_page)
            .collect();
        json!({"records": records, "page": self.page, "totalRecords": total})
    }
}
