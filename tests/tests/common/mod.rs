//! Shared by the TCR simulator's black-box tests: a simulator on a random port, HTTP answers
//! read completely, valid brand requests, a webhook receiver, and checks against TCR's OpenAPI
//! document.
#![allow(dead_code)]

mod receiver;

// Not every test binary that includes `common` listens for webhooks.
#[allow(unused_imports)]
pub use receiver::*;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tendlc_tcr_sim::testing::SimServer;
use tendlc_tcr_sim::{SimConfig, SimHandle};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// The simulator under test
// ---------------------------------------------------------------------------------------------

/// One simulator on a random port, with its own random credentials; stops when dropped.
pub struct TestSim {
    pub base: String,
    pub key: String,
    pub secret: String,
    pub csp_id: String,
    pub http: reqwest::Client,
    /// Reaches into the running simulator: faults, webhook deliveries, brands.
    pub handle: SimHandle,
    _server: SimServer,
}

/// One HTTP answer, read completely.
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub text: String,
    pub elapsed: Duration,
}

impl Answer {
    pub fn json(&self, what: &str) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "{what}: expected a JSON body, got HTTP {} with {:?} ({e})",
                self.status, self.text
            )
        })
    }

    pub fn expect(&self, status: StatusCode, what: &str) -> &Self {
        assert_eq!(
            self.status, status,
            "{what}: expected HTTP {status}, got {} with body {}",
            self.status, self.text
        );
        self
    }
}

/// Starts a simulator: 300 ms scoring and no rate limits unless `tune` says otherwise.
pub async fn spawn_sim(tune: impl FnOnce(&mut SimConfig)) -> TestSim {
    let server = SimServer::start(|config| {
        config.scoring_delay = Duration::from_millis(300);
        config.read_rate_per_sec = 0;
        config.write_rate_per_10s = 0;
        tune(config);
    })
    .await;
    TestSim {
        base: server.base_url.clone(),
        key: server.api_key.clone(),
        secret: server.api_secret.clone(),
        csp_id: server.csp_id.clone(),
        http: reqwest::Client::new(),
        handle: server.handle.clone(),
        _server: server,
    }
}

impl TestSim {
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        credentials: Option<(&str, &str)>,
    ) -> Answer {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some((key, secret)) = credentials {
            request = request.basic_auth(key, Some(secret));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = Instant::now();
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: no HTTP answer from the simulator: {e}"));
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response
            .text()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: reading the body failed: {e}"));
        Answer {
            status,
            content_type,
            text,
            elapsed: started.elapsed(),
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        self.send(method, path, body, Some((&self.key, &self.secret)))
            .await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post_brand(&self, body: &Value) -> Answer {
        self.call(Method::POST, "/brand/nonBlocking", Some(body))
            .await
    }

    pub async fn put_brand(&self, brand_id: &str, body: &Value) -> Answer {
        self.call(Method::PUT, &format!("/brand/{brand_id}"), Some(body))
            .await
    }

    /// Registers `body`, expecting success; returns the `Brand_CSP` answer.
    pub async fn create(&self, body: &Value) -> Value {
        let answer = self.post_brand(body).await;
        answer.expect(StatusCode::OK, "POST /brand/nonBlocking");
        let brand = answer.json("POST /brand/nonBlocking");
        assert_component("Brand_CSP", &brand, "POST /brand/nonBlocking answer");
        brand
    }

    pub async fn get_brand(&self, brand_id: &str) -> Value {
        let what = format!("GET /brand/{brand_id}");
        let answer = self.get(&format!("/brand/{brand_id}")).await;
        answer.expect(StatusCode::OK, &what);
        let brand = answer.json(&what);
        assert_component("Brand_CSP", &brand, &what);
        brand
    }

    /// `GET /brand?<query>`, checked as `RecordSetBrand_CSP`.
    pub async fn search(&self, query: &str) -> Value {
        let what = format!("GET /brand?{query}");
        let answer = self.get(&format!("/brand?{query}")).await;
        answer.expect(StatusCode::OK, &what);
        let records = answer.json(&what);
        assert_component("RecordSetBrand_CSP", &records, &what);
        records
    }

    pub async fn count_by_reference(&self, reference_id: &str) -> u64 {
        let records = self.search(&format!("referenceId={reference_id}")).await;
        records["totalRecords"]
            .as_u64()
            .expect("totalRecords is a number")
    }

    /// `method path` with `body`, expecting 200 and a JSON answer matching `schema`.
    pub async fn json_answer(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        schema: &Value,
    ) -> Value {
        let what = format!("{method} {path}");
        let answer = self.call(method, path, body).await;
        answer.expect(StatusCode::OK, &what);
        let json = answer.json(&what);
        assert_schema(schema, &json, &what);
        json
    }

    /// Registers `request` and has TCR mark it VERIFIED at once; returns its `brandId`.
    pub async fn verified_brand(&self, request: &Value) -> String {
        let brand_id = text(&self.create(request).await, "brandId").to_owned();
        self.handle
            .set_identity_status(&brand_id, "VERIFIED")
            .expect("the brand was just registered");
        brand_id
    }

    pub async fn post_campaign(&self, body: &Value) -> Answer {
        self.call(Method::POST, "/campaignBuilder", Some(body))
            .await
    }

    /// Creates the campaign `body` describes, expecting success; returns the
    /// `CampaignSubmissionResponse`.
    pub async fn create_campaign(&self, body: &Value) -> Value {
        let answer = self.post_campaign(body).await;
        answer.expect(StatusCode::OK, "POST /campaignBuilder");
        let created = answer.json("POST /campaignBuilder");
        assert_component(
            "CampaignSubmissionResponse",
            &created,
            "POST /campaignBuilder answer",
        );
        created
    }

    /// `GET /campaign/{campaignId}`, checked as `Campaign_CSP_EX`.
    pub async fn get_campaign(&self, campaign_id: &str) -> Value {
        self.json_answer(
            Method::GET,
            &format!("/campaign/{campaign_id}"),
            None,
            &component("Campaign_CSP_EX"),
        )
        .await
    }

    /// `GET /campaign/{campaignId}/operationStatus`, checked as a map of operation statuses.
    pub async fn operation_status(&self, campaign_id: &str) -> Value {
        let statuses = &response_schema("/enum/operationStatus", "get")["items"];
        let schema = json!({"type": "object", "additionalProperties": statuses});
        self.json_answer(
            Method::GET,
            &format!("/campaign/{campaign_id}/operationStatus"),
            None,
            &schema,
        )
        .await
    }

    /// Polls until carrier `mno_id` shows `wanted` for the campaign; returns how long that took.
    pub async fn wait_for_operation(
        &self,
        campaign_id: &str,
        mno_id: u64,
        wanted: &str,
    ) -> Duration {
        let started = Instant::now();
        let mut seen = Value::Null;
        while started.elapsed() < Duration::from_secs(5) {
            seen = self.operation_status(campaign_id).await;
            if seen[mno_id.to_string()] == wanted {
                return started.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "carrier {mno_id} never showed {wanted} for campaign {campaign_id} within 5 s; last \
             seen {seen}"
        );
    }

    /// Polls `GET path` (checked against `schema`) until `done` holds; returns that answer.
    pub async fn poll(&self, path: &str, schema: &Value, done: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let seen = self.json_answer(Method::GET, path, None, schema).await;
            if done(&seen) {
                return seen;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "GET {path} never reached the awaited state within 5 s; last seen {seen:#}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Subscribes `category` to `endpoint`; returns the echo.
    pub async fn subscribe(&self, category: &str, endpoint: &str) -> Value {
        let body = json!({"eventCategory": category, "webhookEndpoint": endpoint});
        let what = format!("PUT /webhook/subscription {body}");
        let answer = self
            .call(Method::PUT, "/webhook/subscription", Some(&body))
            .await;
        answer.expect(StatusCode::OK, &what);
        answer.json(&what)
    }

    /// Polls the brand until it shows `wanted`; returns how long that took.
    pub async fn wait_for_identity(&self, brand_id: &str, wanted: &str) -> Duration {
        let started = Instant::now();
        let mut seen = Value::Null;
        while started.elapsed() < Duration::from_secs(5) {
            seen = self.get_brand(brand_id).await["identityStatus"].clone();
            if seen == wanted {
                return started.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "brand {brand_id} never reached identityStatus {wanted} within 5 s; last seen {seen}"
        );
    }
}

/// A complete, valid `CampaignRequest` for a MARKETING campaign of `brand_id` that every carrier
/// accepts (two samples, opt-in, opt-out and help), with a fresh `referenceId`.
pub fn campaign_request(brand_id: &str) -> Value {
    json!({
        "brandId": brand_id,
        "usecase": "MARKETING",
        "subUsecases": [],
        "resellerId": "R000000",
        "description": "Weekly offers and new arrivals from Acme Widgets for customers who signed up in store.",
        "messageFlow": "Customers text JOIN to the store number or tick the SMS box at checkout; terms at https://acme.example/sms.",
        "sample1": "Acme: 20% off all widgets this weekend! Reply STOP to opt out.",
        "sample2": "Acme: new arrivals are in, see https://acme.example/new. Reply HELP for help.",
        "subscriberOptin": true,
        "subscriberOptout": true,
        "subscriberHelp": true,
        "optinKeywords": "JOIN,START",
        "optinMessage": "Acme: you're in for weekly offers, up to 4 msgs/week. Reply STOP to cancel.",
        "optoutKeywords": "STOP,QUIT",
        "optoutMessage": "Acme: you're unsubscribed and will get no more messages.",
        "helpKeywords": "HELP",
        "helpMessage": "Acme: help at care@acme.example or 202-555-0143. Reply STOP to cancel.",
        "embeddedLink": true,
        "embeddedLinkSample": "https://acme.example/new",
        "privacyPolicyLink": "https://acme.example/privacy",
        "termsAndConditionsLink": "https://acme.example/sms",
        "referenceId": format!("camp-{}", Uuid::new_v4()),
        "autoRenewal": true,
    })
}

/// The carriers of TCR's `shared/tcr-api.md` §2, by network id.
pub const MNO_IDS: [u64; 6] = [10017, 10035, 10037, 10038, 10631, 10901];

/// A complete, valid `BrandRequest` for `entity_type`, with a fresh `referenceId`.
pub fn brand_request(entity_type: &str) -> Value {
    let mut brand = json!({
        "entityType": entity_type,
        "displayName": format!("Acme {entity_type}"),
        "phone": "+12025550143",
        "street": "100 Main St",
        "city": "Springfield",
        "state": "IL",
        "postalCode": "62701",
        "country": "US",
        "email": "care@acme.example",
        "referenceId": format!("ref-{}", Uuid::new_v4()),
        "ipAddress": "203.0.113.7",
        "mock": true,
    });
    let fields = brand.as_object_mut().expect("an object");
    let mut set = |name: &str, value: &str| {
        fields.insert(name.to_owned(), json!(value));
    };
    if entity_type == "SOLE_PROPRIETOR" {
        set("firstName", "Jo");
        set("lastName", "Baker");
        set("mobilePhone", "+12025550144");
    } else {
        set("companyName", &format!("Acme {entity_type} Inc."));
        set("ein", "123456789");
        set("brandRelationship", "BASIC_ACCOUNT");
        set(
            "vertical",
            match entity_type {
                "NON_PROFIT" => "NGO",
                "GOVERNMENT" => "GOVERNMENT",
                _ => "RETAIL",
            },
        );
    }
    if entity_type == "PUBLIC_PROFIT" {
        set("stockSymbol", "ACME");
        set("stockExchange", "NASDAQ");
        set("website", "https://acme.example");
        set("businessContactEmail", "jane.doe@acme.example");
    }
    brand
}

pub fn with(mut body: Value, name: &str, value: Value) -> Value {
    body.as_object_mut()
        .expect("an object")
        .insert(name.to_owned(), value);
    body
}

pub fn without(mut body: Value, names: &[&str]) -> Value {
    for name in names {
        body.as_object_mut().expect("an object").remove(*name);
    }
    body
}

pub fn text<'v>(value: &'v Value, name: &str) -> &'v str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("expected a string {name} in {value}"))
}

// ---------------------------------------------------------------------------------------------
// TCR's OpenAPI document and schema checks
// ---------------------------------------------------------------------------------------------

pub fn openapi_path() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut candidates: Vec<PathBuf> = std::env::var_os("TCR_OPENAPI_JSON")
        .map(PathBuf::from)
        .into_iter()
        .collect();
    candidates.push(manifest.join("../../shared/tcr/tcr-openapi.json"));
    candidates.push(manifest.join("../shared/tcr/tcr-openapi.json"));
    // The copy kept in the repository, for checkouts without shared/ beside them.
    candidates.push(manifest.join("fixtures/tcr-openapi.json"));
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
