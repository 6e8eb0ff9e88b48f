//! Reading JSON request bodies as TCR's binding does: an object whose known properties must have
//! the right JSON type (else error 501 naming them), `null` meaning absent, unknown properties
//! ignored.
use serde_json::{Map, Value};

use super::errors::{ApiError, Rejection};

/// A request body that is a JSON object (an empty body counts as `{}`).
#[derive(Debug, Clone, Default)]
pub(super) struct Body(pub Map<String, Value>);

impl Body {
    pub fn parse(bytes: &[u8]) -> Result<Self, Rejection> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body::default());
        }
        match serde_json::from_slice(bytes) {
            Ok(Value::Object(object)) => Ok(Body(object)),
            Ok(_) => Err(ApiError::new(501, "The request body must be a JSON object", &[]).into()),
            Err(e) => {
                Err(ApiError::new(501, format!("Malformed JSON request body: {e}"), &[]).into())
            }
        }
    }

    /// The value of `name`, `None` when absent or `null`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A string property; `""` counts as absent.
    pub fn text(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok((!s.is_empty()).then_some(s.as_str())),
            Some(_) => Err(ApiError::invalid(name, format!("{name} must be a string"))),
        }
    }

    /// A string property that must be there.
    pub fn required_text(&self, name: &str) -> Result<&str, ApiError> {
        self.text(name)?
            .ok_or_else(|| ApiError::invalid(name, format!("{name} is required")))
    }

    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(
                name,
                format!("{name} must be true or false"),
            )),
        }
    }

    /// An array of strings (items may not be `null`).
    pub fn strings(&self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        let wrong = || ApiError::invalid(name, format!("{name} must be an array of strings"));
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned).ok_or_else(wrong))
                .collect::<Result<_, _>>()
                .map(Some),
            Some(_) => Err(wrong()),
        }
    }

    /// An array of non-negative integers.
    pub fn numbers(&self, name: &str) -> Result<Option<Vec<u64>>, ApiError> {
        let wrong = || ApiError::invalid(name, format!("{name} must be an array of integers"));
        match self.get(name) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_u64().ok_or_else(wrong))
                .collect::<Result<_, _>>()
                .map(Some),
            Some(_) => Err(wrong()),
        }
    }
}

/// Collects the errors of several field reads: `Ok` values go through, errors pile up.
#[derive(Debug, Default)]
pub(super) struct Problems(pub Vec<ApiError>);

impl Problems {
    pub fn take<T: Default>(&mut self, read: Result<T, ApiError>) -> T {
        read.unwrap_or_else(|error| {
            self.0.push(error);
            T::default()
        })
    }

    pub fn push(&mut self, error: ApiError) {
        self.0.push(error);
    }

    /// `Ok` when nothing was wrong, else every problem as one rejection.
    pub fn into_result(self) -> Result<(), Rejection> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Rejection(self.0))
        }
    }
}
