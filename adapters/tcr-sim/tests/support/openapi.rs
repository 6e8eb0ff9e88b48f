//! TCR's OpenAPI document and the checks made against it: JSON schemas of its components and
//! operations, TCR's error arrays.
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::Answer;

pub fn openapi_path() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut candidates: Vec<PathBuf> = std::env::var_os("TCR_OPENAPI_JSON")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.push(manifest.join("../../../shared/tcr/tcr-openapi.json"));
    candidates.push(manifest.join("../../shared/tcr/tcr-openapi.json"));
    // The copy kept in the repository, for checkouts without shared/ beside them.
    candidates.push(manifest.join("tests/fixtures/tcr-openapi.json"));
    candidates
        .iter()
        .find(|path| path.is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "TCR's OpenAPI document was not found; looked at {candidates:?}. \
                 Set TCR_OPENAPI_JSON to its path."
            )
        })
}

/// TCR's OpenAPI document, with OpenAPI 3.0's `nullable` turned into JSON Schema.
pub fn openapi() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let path = openapi_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {} failed: {e}", path.display()));
        let mut document: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        nullable_to_json_schema(&mut document);
        document
    })
}

pub fn nullable_to_json_schema(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(Value::String(kind)) = object.get("type").cloned() {
                    object.insert("type".into(), json!([kind, "null"]));
                }
            }
            object.values_mut().for_each(nullable_to_json_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_to_json_schema),
        _ => {}
    }
}

/// A validator for `schema`, resolving `#/components/...` in TCR's document. OpenAPI 3.0 schemas
/// are draft-4 style; `date-time` formats are checked, OpenAPI-only ones (`int32`) ignored.
pub fn validator(schema: &Value) -> Arc<jsonschema::Validator> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let key = schema.to_string();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(found) = cache.lock().expect("cache lock").get(&key) {
        return found.clone();
    }
    let root = json!({ "allOf": [schema], "components": openapi()["components"] });
    let compiled = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema {schema} does not compile: {e}"));
    let compiled = Arc::new(compiled);
    cache
        .lock()
        .expect("cache lock")
        .insert(key, compiled.clone());
    compiled
}

pub fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    validator(schema)
        .iter_errors(instance)
        .map(|e| format!("at {}: {e}", e.instance_path))
        .collect()
}

pub fn assert_schema(schema: &Value, instance: &Value, what: &str) {
    let errors = schema_errors(schema, instance);
    assert!(
        errors.is_empty(),
        "{what} does not match {schema}:\n  {}\ninstance: {instance:#}",
        errors.join("\n  ")
    );
}

pub fn component(name: &str) -> Value {
    assert!(
        openapi()["components"]["schemas"].get(name).is_some(),
        "TCR's document has no component schema {name}"
    );
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

pub fn assert_component(name: &str, instance: &Value, what: &str) {
    assert_schema(&component(name), instance, &format!("{what} (as {name})"));
}

/// A 400 answer as TCR sends it: a non-empty array of `error_component`; returns the array.
pub fn assert_errors(answer: &Answer, error_component: &str, what: &str) -> Vec<Value> {
    answer.expect(StatusCode::BAD_REQUEST, what);
    let errors = answer.json(what);
    let schema = json!({ "type": "array", "minItems": 1, "items": component(error_component) });
    assert_schema(
        &schema,
        &errors,
        &format!("{what} (as [{error_component}])"),
    );
    errors.as_array().expect("checked to be an array").clone()
}

/// A 400 answer checked against the error schema the operation `method path` documents (an
/// array of `ApiError` where it documents none); returns the errors.
pub fn assert_operation_errors(
    answer: &Answer,
    path: &str,
    method: &str,
    what: &str,
) -> Vec<Value> {
    answer.expect(StatusCode::BAD_REQUEST, what);
    let errors = answer.json(what);
    let documented =
        &operation(path, method)["responses"]["400"]["content"]["application/json"]["schema"];
    let schema = if documented.is_object() {
        documented.clone()
    } else {
        json!({"type": "array", "items": component("ApiError")})
    };
    assert_schema(
        &schema,
        &errors,
        &format!("{what} (as {method} {path}'s 400)"),
    );
    let errors = errors.as_array().expect("an error array").clone();
    assert!(!errors.is_empty(), "{what}: an empty error array");
    errors
}

pub fn has_error(errors: &[Value], code: u64, field: &str) -> bool {
    errors.iter().any(|e| {
        e["code"] == code
            && e["fields"]
                .as_array()
                .is_some_and(|fields| fields.iter().any(|f| f == field))
    })
}

pub fn operation(path: &str, method: &str) -> &'static Value {
    let operation = &openapi()["paths"][path][method];
    assert!(
        operation.is_object(),
        "TCR's document has no {method} {path}"
    );
    operation
}

pub fn response_schema(path: &str, method: &str) -> &'static Value {
    &operation(path, method)["responses"]["200"]["content"]["application/json"]["schema"]
}

pub fn string_set(value: &Value, what: &str) -> BTreeSet<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{what}: expected an array, got {value}"))
        .iter()
        .map(|v| {
            v.as_str()
                .unwrap_or_else(|| panic!("{what}: {v} is not a string"))
                .to_owned()
        })
        .collect()
}

pub fn assert_refused(errors: &[Value], code: u64, field: &str, what: &str) {
    assert!(
        has_error(errors, code, field),
        "{what}: expected error {code} naming {field}; got {errors:#?}"
    );
}

pub fn assert_code(errors: &[Value], code: u64, what: &str) {
    assert!(
        errors.iter().any(|e| e["code"] == code),
        "{what}: expected error {code}; got {errors:#?}"
    );
}

/// The property names of a JSON object.
pub fn key_set(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("expected an object, got {value}"))
        .keys()
        .cloned()
        .collect()
}
