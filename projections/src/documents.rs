//! The JSON documents read models build for the API to show as they are: the last failure,
//! an identity appeal.
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use tendlc_domain::tcr::TcrApiError;

/// What went wrong last: `{action?, reason, message, tcr, retryable, at}`.
pub fn failure(
    action: Option<&str>,
    reason: &str,
    message: &str,
    tcr_errors: &[TcrApiError],
    retryable: bool,
    at: DateTime<Utc>,
) -> Value {
    let mut failure = json!({
        "reason": reason, "message": message, "tcr": tcr_errors, "retryable": retryable, "at": at,
    });
    if let Some(action) = action {
        failure["action"] = action.into();
    }
    failure
}

/// The failure document of `$event` when it is the `…Failed` variant `$variant` (fields
/// `reason`, `message`, `tcr_errors`, `retryable`, and maybe `action`); `None` for any other
/// event. What failed is `$action`, or with `own action` the variant's own `action` field.
macro_rules! failed {
    ($event:expr, $variant:path, own action, $at:expr) => {
        match $event {
            $variant {
                action,
                reason,
                message,
                tcr_errors,
                retryable,
            } => Some($crate::documents::failure(
                Some(action),
                reason,
                message,
                tcr_errors,
                *retryable,
                $at,
            )),
            _ => None,
        }
    };
    ($event:expr, $variant:path, $action:expr, $at:expr) => {
        match $event {
            $variant {
                reason,
                message,
                tcr_errors,
                retryable,
                ..
            } => Some($crate::documents::failure(
                $action, reason, message, tcr_errors, *retryable, $at,
            )),
            _ => None,
        }
    };
}
pub(crate) use failed;

/// `document` with `entries` added (replacing those of the same name); a missing document, or
/// one that is not an object, starts empty.
pub fn merged(document: Option<Value>, entries: Value) -> Value {
    let mut merged = document
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    if let (Some(into), Value::Object(entries)) = (merged.as_object_mut(), entries) {
        into.extend(entries);
    }
    merged
}

/// A time as Postgres writes one into JSON (`2024-05-01T12:00:00.12+00:00`), for documents
/// whose times Postgres used to write.
pub fn postgres_json_time(at: DateTime<Utc>) -> String {
    let micros = at.timestamp_subsec_micros();
    let fraction = if micros == 0 {
        String::new()
    } else {
        format!(".{micros:06}").trim_end_matches('0').to_string()
    };
    format!("{}{fraction}+00:00", at.format("%Y-%m-%dT%H:%M:%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_write_a_time_as_postgres_writes_it_into_json() {
        let at = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().to_utc();
        assert_eq!(
            postgres_json_time(at("2024-05-01T12:00:00.120Z")),
            "2024-05-01T12:00:00.12+00:00"
        );
        assert_eq!(
            postgres_json_time(at("2024-05-01T12:00:00Z")),
            "2024-05-01T12:00:00+00:00"
        );
        assert_eq!(
            postgres_json_time(at("2024-05-01T12:00:00.123456Z")),
            "2024-05-01T12:00:00.123456+00:00"
        );
    }

    #[test]
    fn it_should_add_entries_to_a_document_replacing_those_of_the_same_name() {
        let merged = merged(
            Some(json!({"reason": "timeout", "attempts": 1})),
            json!({"attempts": 3, "abandoned": "gave up"}),
        );
        assert_eq!(
            merged,
            json!({"reason": "timeout", "attempts": 3, "abandoned": "gave up"})
        );
        assert_eq!(super::merged(None, json!({"a": 1})), json!({"a": 1}));
    }
}
