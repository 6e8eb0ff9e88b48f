//! Shared by the simulator's black-box tests: a simulator on a random port with a client that
//! reads HTTP answers completely, valid brand and campaign requests, set-ups several test files
//! share, a webhook receiver, and checks against TCR's OpenAPI document.
#![allow(dead_code)]

mod openapi;
mod receiver;

// Not every test binary that includes `support` checks schemas or listens for webhooks.
#[allow(unused_imports)]
pub use openapi::*;
#[allow(unused_imports)]
pub use receiver::*;

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tendlc_adapters::webhook_signature::Verdict;
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
// Set-ups shared by several test files
// ---------------------------------------------------------------------------------------------

/// How long each carrier takes to review a campaign under [`sim_with_hooks`].
pub const REVIEW: Duration = Duration::from_millis(300);

/// A simulator with short delays whose BRAND, CAMPAIGN and VETTING events go to one receiver.
pub async fn sim_with_hooks() -> (TestSim, Receiver) {
    let sim = spawn_sim(|c| {
        c.scoring_delay = Duration::from_millis(200);
        c.campaign_review_delay = REVIEW;
        c.vetting_delay = Duration::from_millis(250);
        c.sharing_delay = Duration::from_millis(200);
        c.appeal_delay = Duration::from_millis(200);
    })
    .await;
    let receiver = Receiver::start("/hooks/tcr").await;
    for category in ["BRAND", "CAMPAIGN", "VETTING"] {
        sim.subscribe(category, &receiver.url).await;
    }
    (sim, receiver)
}

/// Waits until TCR has scored the brand (its identity shows UNVERIFIED while scoring, too).
pub async fn scored(hooks: &Receiver, brand_id: &str) {
    hooks
        .event("BRAND_SCORE_UPDATE", &json!({"brandId": brand_id}))
        .await;
}

/// Registers a brand of `entity_type` called `name` (markers and all); returns its `brandId`.
pub async fn brand_named(sim: &TestSim, entity_type: &str, name: &str) -> String {
    let request = with(brand_request(entity_type), "displayName", json!(name));
    text(&sim.create(&request).await, "brandId").to_owned()
}

/// A verified, non-mock PRIVATE_PROFIT brand (mock campaigns cannot be shared).
pub async fn real_brand(sim: &TestSim) -> String {
    let request = with(brand_request("PRIVATE_PROFIT"), "mock", json!(false));
    sim.verified_brand(&request).await
}

/// Creates a campaign of `brand_id` described as `description`; returns its `campaignId`.
pub async fn campaign_with(sim: &TestSim, brand_id: &str, description: &str) -> String {
    let request = with(
        campaign_request(brand_id),
        "description",
        json!(description),
    );
    let created = sim.create_campaign(&request).await;
    text(&created, "campaignId").to_owned()
}

/// A campaign described as `description` of a new verified, non-mock brand: one that may be
/// shared upstream; returns its `campaignId`.
pub async fn shareable_campaign(sim: &TestSim, description: &str) -> String {
    let brand_id = real_brand(sim).await;
    campaign_with(sim, &brand_id, description).await
}

/// Shares `campaign_id` with the connectivity partner `cnp`, which must succeed.
pub async fn share(sim: &TestSim, campaign_id: &str, cnp: &str) {
    sim.call(
        Method::PUT,
        &format!("/campaign/{campaign_id}/sharing/{cnp}"),
        None,
    )
    .await
    .expect(StatusCode::OK, &format!("sharing with {cnp}"));
}

pub fn qualification_path(brand_id: &str, usecase: &str) -> String {
    format!("/campaignBuilder/brand/{brand_id}/usecase/{usecase}")
}

/// `GET /campaignBuilder/brand/{brandId}/usecase/{usecase}`, checked as `UsecaseMetadata`.
pub async fn qualification(sim: &TestSim, brand_id: &str, usecase: &str) -> Value {
    sim.json_answer(
        Method::GET,
        &qualification_path(brand_id, usecase),
        None,
        &component("UsecaseMetadata"),
    )
    .await
}

/// `method path` with `body`, expecting a 400 with an `ApiError` array; returns the errors.
pub async fn refused(
    sim: &TestSim,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Vec<Value> {
    let what = format!("{method} {path}");
    assert_errors(&sim.call(method, path, body).await, "ApiError", &what)
}

/// A simulator (scoring `scoring_ms`, fast retries unless `tune` says otherwise) with BRAND
/// events subscribed to a fresh receiver.
pub async fn sim_and_receiver(
    scoring_ms: u64,
    tune: impl FnOnce(&mut SimConfig),
) -> (TestSim, Receiver) {
    let sim = spawn_sim(|config| {
        config.scoring_delay = Duration::from_millis(scoring_ms);
        config.webhook_retry_backoff = Duration::from_millis(200);
        tune(config);
    })
    .await;
    let receiver = Receiver::start("/hooks/tcr/brand").await;
    sim.subscribe("BRAND", &receiver.url).await;
    (sim, receiver)
}

/// Fails unless every delivery carries a valid signature for the receiver's URL.
pub fn assert_signed(received: &[Received], sim: &TestSim, url: &str) {
    for (n, r) in received.iter().enumerate() {
        assert_eq!(
            r.verdict(&sim.secret, url),
            Verdict::Valid,
            "delivery {n} ({}) should carry a valid X-Registry-Signature for {url}; header {:?}, \
             body {}",
            r.event_type(),
            r.signature,
            String::from_utf8_lossy(&r.body)
        );
    }
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}
