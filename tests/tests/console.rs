//! The operator's console in a real headless chromium (Debian's, `TENDLC_CHROMIUM`, installed by
//! scripts/ensure-chromium.sh), driven over the DevTools protocol: sign in, pick a customer,
//! see a field error beside its field, register a brand, and watch its identity badge turn
//! VERIFIED without a reload when TCR scores it, then a campaign's carrier badges turn (one red,
//! with the carrier's reason). Screenshots of each step are kept under
//! `target/test-artifacts/console/`.
use std::path::PathBuf;
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde_json::Value;
use tendlc_tests::harness::AppOptions;
use tendlc_tests::TestApp;

fn chromium() -> PathBuf {
    let path = std::env::var_os("TENDLC_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!(
                "TENDLC_CHROMIUM is not set: point it at Debian's chromium \
             (`export TENDLC_CHROMIUM=$(scripts/ensure-chromium.sh)`; scripts/test.sh does this)"
            )
        });
    assert!(
        path.exists(),
        "TENDLC_CHROMIUM={} does not exist",
        path.display()
    );
    path
}

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-artifacts/console");
    std::fs::create_dir_all(&dir).expect("create the screenshot folder");
    dir
}

/// The page's value of a JavaScript expression.
fn js(tab: &Tab, expression: &str) -> Value {
    tab.evaluate(expression, false)
        .unwrap_or_else(|e| panic!("evaluating {expression}: {e}"))
        .value
        .unwrap_or(Value::Null)
}

/// Waits until `expression` is truthy in the page; panics naming `what` after `within`.
fn wait_for(tab: &Tab, within: Duration, what: &str, expression: &str) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let value = js(tab, expression);
        let truthy = match &value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::String(s) => !s.is_empty(),
            Value::Number(n) => n.as_f64() != Some(0.0),
            _ => true,
        };
        if truthy {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "waited {within:?} for {what} ({expression}); the page says: {}",
            js(tab, "document.querySelector('main').innerText")
        );
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn screenshot(tab: &Tab, name: &str) {
    let png = tab
        .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    std::fs::write(artifacts().join(format!("{name}.png")), png).expect("write screenshot");
}

fn set(tab: &Tab, selector: &str, value: &str) {
    js(
        tab,
        &format!(
            "(() => {{ const e = document.querySelector({s}); e.value = {v}; return true; }})()",
            s = serde_json::to_string(selector).unwrap(),
            v = serde_json::to_string(value).unwrap()
        ),
    );
}

fn click(tab: &Tab, selector: &str) {
    tab.wait_for_element(selector)
        .unwrap_or_else(|e| panic!("{selector} is not on the page: {e}"))
        .click()
        .unwrap_or_else(|e| panic!("clicking {selector}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_registers_a_brand_in_the_console_and_sees_it_verified_live() {
    let chromium = chromium();
    let app = TestApp::spawn_with(AppOptions {
        // Long enough to see UNVERIFIED first, short enough for a test.
        scoring_delay: Duration::from_secs(4),
        subscribe_webhooks: true,
        sim: Some(std::sync::Arc::new(|config| {
            config.campaign_review_delay = Duration::from_secs(2);
        })),
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-CONSOLE-1", "BASIC").await;
    app.create_customer("BAN-OTHER-2", "BASIC").await;

    // The page allows only its own script, style and connections.
    let page = app
        .http
        .get(format!("{}/", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.contains("script-src 'self'")
            && policy.contains("connect-src 'self'")
            && !policy.contains("unsafe"),
        "the console's Content-Security-Policy: {policy}"
    );
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the console fetches nothing from elsewhere"
    );

    let base_url = app.base_url.clone();
    let token = app.superadmin();
    let customer_id = customer.to_string();
    let browsing = tokio::task::spawn_blocking(move || {
        let options = LaunchOptions::default_builder()
            .path(Some(chromium))
            .headless(true)
            .sandbox(false)
            .window_size(Some((1280, 2000)))
            .idle_browser_timeout(Duration::from_secs(120))
            .build()
            .expect("launch options");
        let browser = Browser::new(options).expect("start chromium");
        let tab = browser.new_tab().expect("a tab");
        tab.navigate_to(&format!("{base_url}/"))
            .and_then(|t| t.wait_until_navigated())
            .expect("open the console");
        tab.wait_for_element("#token").expect("the sign-in form");
        screenshot(&tab, "1-sign-in");

        // Sign in with the token.
        set(&tab, "#token", &token);
        click(&tab, "#sign-in-form button[type=submit]");
        wait_for(
            &tab,
            Duration::from_secs(10),
            "the console after sign-in",
            "!document.querySelector('#app').hidden",
        );
        wait_for(
            &tab,
            Duration::from_secs(10),
            "the live feed",
            "document.querySelector('#live-status').dataset.state === 'live'",
        );
        // Survives only if the page is never reloaded.
        js(&tab, "window.__noReload = 'still here'");
        screenshot(&tab, "2-signed-in");

        // Pick the customer by part of its BAN.
        set(&tab, "#customer-search", "console");
        click(&tab, "#customer-search-form button[type=submit]");
        let pick = format!("#customer-results button[data-customer='{customer_id}']");
        tab.wait_for_element(&pick)
            .expect("the customer in the search results");
        let others = js(
            &tab,
            "document.querySelectorAll('#customer-results button').length",
        );
        assert_eq!(others, 1, "the search by BAN finds only that customer");
        click(&tab, &pick);
        wait_for(
            &tab,
            Duration::from_secs(10),
            "the customer picked",
            "document.querySelector('#acting-for').textContent.includes('BAN-CONSOLE-1')",
        );
        wait_for(
            &tab,
            Duration::from_secs(10),
            "the feed for that customer",
            "document.querySelector('#live-status').dataset.state === 'live'",
        );
        screenshot(&tab, "3-customer-picked");

        // A bad field: its error appears beside it.
        for (field, value) in [
            ("displayName", "Console Widgets"),
            ("companyName", "Console Widgets LLC"),
            ("ein", "12-3456789"),
            ("phone", "555-0100"),
            ("email", "support@consolewidgets.com"),
            ("website", "https://consolewidgets.com"),
            ("street", "123 Main St"),
            ("city", "Springfield"),
            ("state", "IL"),
            ("postalCode", "62701"),
        ] {
            set(&tab, &format!("#f-{field}"), value);
        }
        click(&tab, "#register-submit");
        let error = wait_for(
            &tab,
            Duration::from_secs(10),
            "the phone field's error",
            "document.querySelector('#e-phone').textContent",
        );
        assert!(
            error.as_str().unwrap().contains("E.164"),
            "the error beside the phone says what is wrong: {error}"
        );
        assert_eq!(
            js(
                &tab,
                "document.querySelector('#f-phone').getAttribute('aria-invalid')"
            ),
            "true"
        );
        assert_eq!(
            js(&tab, "document.activeElement.id"),
            "f-phone",
            "the bad field gets the focus"
        );
        assert_eq!(
            js(&tab, "document.querySelector('#e-ein').textContent"),
            "",
            "only the bad field is marked"
        );
        screenshot(&tab, "4-field-error");

        // Corrected: TCR registers it, and the page says what TCR answered.
        set(&tab, "#f-phone", "+12025550123");
        click(&tab, "#register-submit");
        let said = wait_for(
            &tab,
            Duration::from_secs(15),
            "TCR's answer",
            "(document.querySelector('#register-result .result.ok') || {}).innerText",
        );
        let said = said.as_str().unwrap().to_string();
        assert!(said.contains("TCR registered the brand as"), "{said}");
        assert_eq!(
            js(&tab, "document.querySelector('#e-phone').textContent"),
            "",
            "the corrected field's error is gone"
        );
        let brand_id = js(
            &tab,
            "JSON.parse(document.querySelector('#register-result pre').textContent).id",
        );
        let brand_id = brand_id
            .as_str()
            .expect("the brand id in TCR's answer")
            .to_string();
        let badge =
            format!("document.querySelector('#brand-{brand_id} .identity .badge').dataset.status");
        let first = wait_for(&tab, Duration::from_secs(5), "the new brand's row", &badge);
        assert_ne!(first, "VERIFIED", "TCR has not scored it yet");
        screenshot(&tab, "5-registered");

        // TCR scores it; the webhook's change arrives over the feed and the badge turns.
        wait_for(
            &tab,
            Duration::from_secs(40),
            "the identity badge to turn VERIFIED",
            &format!("{badge} === 'VERIFIED'"),
        );
        let text = js(
            &tab,
            &format!("document.querySelector('#brand-{brand_id} .identity .badge').textContent"),
        );
        assert!(
            text.as_str().unwrap().contains("VERIFIED"),
            "the badge says it in words, not only colour: {text}"
        );
        assert_eq!(
            js(&tab, "window.__noReload"),
            "still here",
            "the page was not reloaded"
        );
        screenshot(&tab, "6-verified-live");
        (browser, tab, brand_id)
    });
    let (browser, tab, brand_id) = browsing.await.expect("the browser steps");

    // A campaign for it, which T-Mobile's review rejects: each carrier's badge turns live, the
    // carrier's reason on its badge.
    let mut campaign = tendlc_tests::fixtures::two_factor_campaign(&brand_id);
    campaign["description"] =
        serde_json::json!("One-time passcodes for Console Widgets sign-in. [sim:mno-reject-10035]");
    let (status, campaign) = app
        .call_for(
            customer,
            reqwest::Method::POST,
            "/v1/messaging/campaigns",
            Some(campaign),
        )
        .await;
    assert_eq!(status, 201, "registering the campaign: {campaign}");
    let campaign_id = campaign["id"].as_str().unwrap().to_string();
    tokio::task::spawn_blocking(move || {
        let row = format!("#campaign-{campaign_id}");
        wait_for(
            &tab,
            Duration::from_secs(10),
            "the campaign's row",
            &format!("document.querySelectorAll('{row} .carriers .badge').length === 6"),
        );
        let carrier = |id: u32, what: &str| {
            format!("(document.querySelector('{row} [data-carrier=\"{id}\"]') || {{}}).{what}")
        };
        wait_for(
            &tab,
            Duration::from_secs(30),
            "T-Mobile's rejection",
            &format!("{} === 'REJECTED'", carrier(10035, "dataset.status")),
        );
        wait_for(
            &tab,
            Duration::from_secs(30),
            "AT&T's approval",
            &format!("{} === 'REGISTERED'", carrier(10017, "dataset.status")),
        );
        let rejected = js(&tab, &carrier(10035, "className"));
        assert!(
            rejected.as_str().unwrap().contains("red"),
            "a rejection is red: {rejected}"
        );
        let words = js(&tab, &carrier(10035, "textContent"));
        assert!(
            words.as_str().unwrap().contains("✗ T-Mobile: REJECTED"),
            "and says so in words: {words}"
        );
        let reason = js(&tab, &carrier(10035, "title"));
        assert!(
            reason.as_str().unwrap().contains("SAMPLE_MESSAGE"),
            "the carrier's reason on hover: {reason}"
        );
        assert_eq!(
            js(&tab, &carrier(10035, "tabIndex")),
            0,
            "and on keyboard focus"
        );
        assert!(js(&tab, &carrier(10017, "className"))
            .as_str()
            .unwrap()
            .contains("green"));
        assert_eq!(
            js(&tab, "window.__noReload"),
            "still here",
            "the page was not reloaded"
        );
        screenshot(&tab, "7-carrier-badges-live");
        drop(browser);
    })
    .await
    .expect("the campaign steps");
    let brand = app.brand(&brand_id).await;
    assert_eq!(brand["identityStatus"], "VERIFIED", "{brand}");
    assert_eq!(
        brand["customerId"],
        customer.to_string(),
        "registered for the customer picked"
    );
}
