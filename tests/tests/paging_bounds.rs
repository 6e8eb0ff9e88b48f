//! Every list pages to row 10,000 at most: a deeper page (an OFFSET that reads and drops every
//! row before it) is refused by field, and the lists' filters narrow them instead.
use reqwest::Method;
use serde_json::Value;
use tendlc_tests::harness::status_and_body;
use tendlc_tests::TestApp;

const LISTS: [&str; 5] = [
    "/v1/customers",
    "/v1/messaging/brands",
    "/v1/messaging/campaigns",
    "/v1/messaging/webhook-events",
    "/v1/messaging/webhook-refusals",
];

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    status_and_body(app.request(Method::GET, path, &app.superadmin())).await
}

#[tokio::test]
async fn pages_reach_row_ten_thousand_and_no_further() {
    let app = TestApp::spawn().await;
    for list in LISTS {
        for query in ["perPage=50&page=200", "perPage=500&page=20"] {
            let (status, body) = get(&app, &format!("{list}?{query}")).await;
            assert_eq!(status, 200, "{list}?{query} (last page allowed): {body}");
            assert!(body["items"].is_array(), "{body}");
        }
        for query in [
            "perPage=50&page=201",
            "perPage=500&page=21",
            "page=1000000",
            "perPage=1&page=10001",
        ] {
            let (status, body) = get(&app, &format!("{list}?{query}")).await;
            assert_eq!(status, 422, "{list}?{query}: {body}");
            let fields = body["fields"].as_array().cloned().unwrap_or_default();
            assert!(
                fields.iter().any(|f| f["field"] == "page"
                    && f["message"].as_str().unwrap_or("").contains("10000")),
                "{list}?{query} names page and the bound: {body}"
            );
        }
    }
}
