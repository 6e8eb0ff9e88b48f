//! Query parameters as TCR reads them: paging (`page` from 1, `recordsPerPage` 10 by default
//! and at most 500, answered as a record set `{records, page, totalRecords}`) and repeatable
//! filters.
use axum::extract::{rejection::QueryRejection, Query};
use serde_json::{json, Value};

use super::errors::ApiError;

/// The query string as `(name, value)` pairs, else error 501.
pub(super) fn read(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Vec<(String, String)>, ApiError> {
    query
        .map(|Query(params)| params)
        .map_err(|e| ApiError::new(501, format!("Invalid query string: {e}"), &[]))
}

/// The values of a repeatable parameter, given repeated or comma-separated (`a=X&a=Y`, `a=X,Y`).
pub(super) fn values<'q>(params: &'q [(String, String)], name: &str) -> Vec<&'q str> {
    params
        .iter()
        .filter(|(n, _)| n == name)
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

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
