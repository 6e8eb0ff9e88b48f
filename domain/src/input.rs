//! Reading request bodies: every body is a typed struct whose fields are [`Field`]s, plus the
//! fields it does not know, so one pass over a body can name every field that is missing, of
//! the wrong type, unknown or breaking a rule — instead of stopping at the first.
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::validation::ValidationErrors;
use crate::values::TcrValue;

/// One field of a body as it was sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Field<T> {
    /// Not in the body (use `#[serde(default)]` on the field).
    #[default]
    Absent,
    /// Sent as `null`.
    Null,
    /// Sent with a value of the expected type.
    Given(T),
    /// Sent with a value of another type, kept so the error can name the field.
    WrongType(Value),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        if value.is_null() {
            return Ok(Field::Null);
        }
        Ok(match serde_json::from_value(value.clone()) {
            Ok(given) => Field::Given(given),
            Err(_) => Field::WrongType(value),
        })
    }
}

impl<T> Field<T> {
    /// Whether the body names the field at all (even as `null`).
    pub fn is_sent(&self) -> bool {
        !matches!(self, Field::Absent)
    }

    /// The value, `None` when absent or null; a value of the wrong type adds
    /// `name: wrong_type` to `errors`.
    pub fn read(self, name: &str, wrong_type: &str, errors: &mut ValidationErrors) -> Option<T> {
        match self {
            Field::Given(value) => Some(value),
            Field::Absent | Field::Null => None,
            Field::WrongType(_) => {
                errors.add(name, wrong_type);
                None
            }
        }
    }

    /// The value, adding `name: required` when absent or null (and `wrong_type` when so).
    pub fn require(
        self,
        name: &str,
        required: &str,
        wrong_type: &str,
        errors: &mut ValidationErrors,
    ) -> Option<T> {
        if matches!(self, Field::Absent | Field::Null) {
            errors.add(name, required);
        }
        self.read(name, wrong_type, errors)
    }
}

impl Field<String> {
    /// The text trimmed; blank text counts as absent.
    pub fn text(self, name: &str, errors: &mut ValidationErrors) -> Option<String> {
        self.read(name, "must be a string", errors)
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty())
    }

    /// One of TCR's values (any case, spaces trimmed), required: anything else is named with
    /// the choices.
    pub fn choice<T: TcrValue>(self, name: &str, errors: &mut ValidationErrors) -> Option<T> {
        let value = match self {
            Field::Given(text) => T::parse(&text.trim().to_ascii_uppercase()),
            _ => None,
        };
        if value.is_none() {
            errors.add(name, format!("is required, one of {}", T::choices()));
        }
        value
    }
}

/// The fields of a body that its type does not know (`#[serde(flatten)]`).
pub type Unknown = BTreeMap<String, Value>;

/// The message for a field a body with only the `known` fields does not have.
pub fn expected(known: &[&str]) -> impl Fn(&str) -> String {
    let known = known.join(", ");
    move |_| format!("is not a field here (expected {known})")
}

/// Names every unknown field, with `message` saying what is known instead.
pub fn refuse_unknown(
    unknown: &Unknown,
    errors: &mut ValidationErrors,
    message: impl Fn(&str) -> String,
) {
    for name in unknown.keys() {
        errors.add(name.as_str(), message(name));
    }
}

/// A request body type, and how its fields are named in the error when it is not an object.
pub trait BodyOf {
    /// e.g. "brand fields".
    const FIELDS: &'static str;
}

/// A body that is not a JSON object of the expected shape: one error naming the body.
pub fn not_an_object(what: &str) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    errors.add("body", format!("must be a JSON object of {what}"));
    errors
}

/// Reads a JSON value into body type `T`. Only a value that is not an object fails: every
/// field is a [`Field`], so field problems are named later, all at once, by `TryFrom`.
pub fn read<T: DeserializeOwned + BodyOf>(value: Value) -> Result<T, ValidationErrors> {
    if !value.is_object() {
        return Err(not_an_object(T::FIELDS));
    }
    serde_json::from_value(value).map_err(|_| not_an_object(T::FIELDS))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        #[serde(default)]
        name: Field<String>,
        #[serde(default)]
        mock: Field<bool>,
        #[serde(flatten)]
        unknown: Unknown,
    }

    fn body(value: Value) -> Body {
        serde_json::from_value(value).expect("any object reads")
    }

    #[test]
    fn it_should_tell_absent_null_given_and_wrong_type_apart() {
        assert_eq!(body(json!({})).name, Field::Absent);
        assert_eq!(body(json!({"name": null})).name, Field::Null);
        assert_eq!(
            body(json!({"name": "Acme"})).name,
            Field::Given("Acme".into())
        );
        assert_eq!(body(json!({"name": 7})).name, Field::WrongType(json!(7)));
    }

    #[test]
    fn it_should_name_every_bad_field_in_one_pass() {
        let sent = body(json!({"name": 7, "mock": "yes", "colour": "red", "size": 2}));
        let mut errors = ValidationErrors::new();
        sent.name.read("name", "must be a string", &mut errors);
        sent.mock.read("mock", "must be a boolean", &mut errors);
        refuse_unknown(&sent.unknown, &mut errors, |_| "is not a field".into());
        assert_eq!(errors.fields(), ["name", "mock", "colour", "size"]);
    }

    #[test]
    fn it_should_treat_blank_text_as_absent_and_require_what_is_required() {
        let mut errors = ValidationErrors::new();
        assert_eq!(
            body(json!({"name": "  "})).name.text("name", &mut errors),
            None
        );
        assert!(errors.is_empty());
        body(json!({}))
            .mock
            .require("mock", "is required", "must be a boolean", &mut errors);
        assert_eq!(errors.fields(), ["mock"]);
    }
}
