//! Every route × role × tenant, walked from the same table the router is built from: a route
//! cannot exist without an access entry, and this test checks each entry's answers.
use reqwest::Method;
use serde_json::{json, Value};
use tendlc_api::http::auth::{allowed, Role};
use tendlc_api::http::routes::{endpoints, Access};
use tendlc_tests::fixtures::{private_brand, two_factor_campaign};
use tendlc_tests::harness::{eventually, AppOptions};
use tendlc_tests::TestApp;

/// Who is calling.
#[derive(Debug, Clone, Copy)]
enum Persona {
    Anonymous,
    Operator,
    OperatorForAlpha,
    AlphaAdmin,
    AlphaUser,
    BetaAdmin,
    BetaUser,
}

const PERSONAS: [Persona; 7] = [
    Persona::Anonymous,
    Persona::Operator,
    Persona::OperatorForAlpha,
    Persona::AlphaAdmin,
    Persona::AlphaUser,
    Persona::BetaAdmin,
    Persona::BetaUser,
];

impl Persona {
    fn role(self) -> Option<Role> {
        match self {
            Persona::Anonymous => None,
            Persona::Operator | Persona::OperatorForAlpha => Some(Role::Superadmin),
            Persona::AlphaAdmin | Persona::BetaAdmin => Some(Role::CustomerAdmin),
            Persona::AlphaUser | Persona::BetaUser => Some(Role::CustomerUser),
        }
    }

    /// A customer token of the other tenant, looking at alpha's resources.
    fn is_other_tenant(self) -> bool {
        matches!(self, Persona::BetaAdmin | Persona::BetaUser)
    }
}

#[tokio::test]
async fn every_route_answers_every_role_and_tenant_as_the_table_says() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: std::time::Duration::from_millis(200),
        sim: Some(std::sync::Arc::new(|config| {
            config.vetting_delay = std::time::Duration::from_millis(200);
        })),
        // No webhooks here: the poller reads TCR's verdict.
        sync: tendlc_api::config::SyncConfig {
            tick: std::time::Duration::from_millis(200),
            poll_unverified: std::time::Duration::from_millis(300),
            ..tendlc_api::config::SyncConfig::default()
        },
        ..AppOptions::default()
    })
    .await;
    let alpha = app.create_customer("BAN-PERM-A", "BASIC").await;
    let beta = app.create_customer("BAN-PERM-B", "BASIC").await;
    let brand: Value = app
        .register_brand(alpha, &private_brand("Alpha Perm"))
        .await
        .json()
        .await
        .unwrap();
    let alpha_brand = brand["id"].as_str().unwrap().to_string();
    // Campaign routes need a campaign, which needs a verified brand.
    eventually(
        std::time::Duration::from_secs(15),
        "the brand to be verified",
        || async { (app.brand(&alpha_brand).await["identityStatus"] == "VERIFIED").then_some(()) },
    )
    .await;
    let campaign: Value = app
        .as_operator_for(Method::POST, "/v1/messaging/campaigns", alpha)
        .json(&two_factor_campaign(&alpha_brand))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alpha_campaign = campaign["id"]
        .as_str()
        .unwrap_or_else(|| panic!("campaign: {campaign}"))
        .to_string();
    // Notification routes need a notification: the brand's verification is mailed to alpha.
    let alpha_notification: String = eventually(
        std::time::Duration::from_secs(15),
        "the brand's verification to be notified",
        || async {
            sqlx::query_scalar::<_, uuid::Uuid>(
                "SELECT notification_id FROM notifications WHERE customer_id = $1 LIMIT 1",
            )
            .bind(alpha)
            .fetch_optional(&app.pool)
            .await
            .unwrap()
            .map(|id| id.to_string())
        },
    )
    .await;
    let reseller: Value = app
        .as_operator_for(Method::POST, "/v1/messaging/resellers", alpha)
        .json(&json!({"companyName": "Alpha Perm Resale", "phone": "+18348365467", "email": "ops@resale.example"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let alpha_reseller = reseller["id"]
        .as_str()
        .unwrap_or_else(|| panic!("reseller: {reseller}"))
        .to_string();
    // File routes need an upload of alpha's; vet appeal and report routes a completed enhanced
    // vet with its report.
    let (status, upload) = tendlc_tests::harness::status_and_body(
        app.as_operator_for(Method::POST, "/v1/messaging/attachments", alpha)
            .header("Content-Type", "text/plain")
            .body("the permission walk's file"),
    )
    .await;
    assert_eq!(status, 201, "alpha's upload: {upload}");
    let alpha_file = upload["sha256"].as_str().unwrap().to_string();
    let (status, ordered) = app
        .call_for(
            alpha,
            Method::POST,
            &format!("/v1/messaging/brands/{alpha_brand}/vettings"),
            Some(json!({"provider": "AEGIS", "vettingClass": "ENHANCED"})),
        )
        .await;
    assert_eq!(status, 200, "alpha's enhanced vet: {ordered}");
    let (alpha_vetting, alpha_report) = eventually(
        std::time::Duration::from_secs(15),
        "alpha's enhanced vet report",
        || async {
            let path = format!("/v1/messaging/brands/{alpha_brand}/vetting-reports");
            let (_, reports) = app.call_for(alpha, Method::GET, &path, None).await;
            let uuid = reports[0]["uuid"].as_str()?.to_string();
            let path = format!("/v1/messaging/brands/{alpha_brand}/vettings");
            let (_, vettings) = app.call_for(alpha, Method::GET, &path, None).await;
            let vetting = vettings[0]["vettingId"].as_str()?.to_string();
            Some((vetting, uuid.rsplit('/').next()?.to_string()))
        },
    )
    .await;
    // Partner routes need a campaign another CSP shared with the operator, read from TCR.
    let partner_campaign = app.sim.handle.share_with_us("S123ABC", "2FA");
    let (status, synced) = tendlc_tests::harness::status_and_body(app.request(
        Method::POST,
        "/v1/partner/campaigns/sync",
        &app.superadmin(),
    ))
    .await;
    assert_eq!(status, 200, "syncing partner campaigns: {synced}");
    let tcr_brands_before = app.sim.handle.brand_count();

    let token = |persona: Persona| -> Option<String> {
        match persona {
            Persona::Anonymous => None,
            Persona::Operator | Persona::OperatorForAlpha => Some(app.superadmin()),
            Persona::AlphaAdmin => Some(app.token(Role::CustomerAdmin, Some(alpha))),
            Persona::AlphaUser => Some(app.token(Role::CustomerUser, Some(alpha))),
            Persona::BetaAdmin => Some(app.token(Role::CustomerAdmin, Some(beta))),
            Persona::BetaUser => Some(app.token(Role::CustomerUser, Some(beta))),
        }
    };

    let table = endpoints();
    assert!(
        table.len() >= 15,
        "the table lists every route ({})",
        table.len()
    );
    assert!(
        table
            .iter()
            .any(|e| e.method == Method::POST
                && e.path == "/v1/messaging/brands/{id}/auth-plus/email"),
        "the walk covers the Auth+ e-mail resend"
    );
    assert!(
        table
            .iter()
            .any(|e| e.method == Method::PUT && e.path == "/v1/tcr/settings/cnp-migration"),
        "the walk covers the operator's CNP migration settings"
    );
    let mut checked = 0;
    for endpoint in &table {
        let path = endpoint
            .path
            .replace("{category}", "brands")
            .replace("{name}", "us-states")
            .replace("{vetting_id}", &alpha_vetting)
            .replace("{report_id}", &alpha_report)
            .replace("{tcr_campaign_id}", &partner_campaign);
        let path = path.replace(
            "{id}",
            &if endpoint.path.starts_with("/v1/customers") {
                alpha.to_string()
            } else if endpoint.path.starts_with("/v1/messaging/campaigns") {
                alpha_campaign.clone()
            } else if endpoint.path.starts_with("/v1/messaging/resellers") {
                alpha_reseller.clone()
            } else if endpoint.path.starts_with("/v1/notifications") {
                alpha_notification.clone()
            } else if endpoint.path.starts_with("/v1/messaging/attachments") {
                alpha_file.clone()
            } else {
                alpha_brand.clone()
            },
        );
        let names_a_resource = endpoint.path.contains("{id}");
        for persona in PERSONAS {
            let mut request = app
                .http
                .request(endpoint.method.clone(), format!("{}{path}", app.base_url));
            if let Some(token) = token(persona) {
                request = request.bearer_auth(token);
            }
            if matches!(persona, Persona::OperatorForAlpha) {
                request = request.header("X-Customer-ID", alpha.to_string());
            }
            if [Method::POST, Method::PATCH, Method::PUT].contains(&endpoint.method) {
                request = request.json(&json!({}));
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap_or_default();
            let what = format!(
                "{} {} as {persona:?} → {status} {body}",
                endpoint.method, endpoint.path
            );
            match endpoint.access {
                Access::Public => assert!(![401, 403].contains(&status), "{what}"),
                // Signed by TCR, not by a token: an unsigned delivery is refused whoever sends it.
                Access::Webhook => assert_eq!(status, 401, "{what}"),
                Access::Role(action) => match persona.role() {
                    None => assert_eq!(status, 401, "{what}"),
                    Some(role) if !allowed(role, action) => assert_eq!(status, 403, "{what}"),
                    Some(_) if names_a_resource && persona.is_other_tenant() => {
                        assert_eq!(status, 404, "another customer's ids are not found: {what}")
                    }
                    Some(_) => {
                        assert!(![401, 403, 404].contains(&status) && status < 500, "{what}")
                    }
                },
            }
            checked += 1;
        }
    }
    assert_eq!(checked, table.len() * PERSONAS.len());
    assert_eq!(
        app.sim.handle.brand_count(),
        tcr_brands_before,
        "nothing reached TCR"
    );
}

#[test]
fn every_route_has_exactly_one_entry() {
    let table = endpoints();
    let mut seen = std::collections::HashSet::new();
    for endpoint in &table {
        assert!(
            seen.insert((endpoint.method.clone(), endpoint.path)),
            "{} {} listed twice",
            endpoint.method,
            endpoint.path
        );
        if endpoint.path.starts_with("/v1/") {
            assert!(
                matches!(endpoint.access, Access::Role(_)),
                "{} needs a role",
                endpoint.path
            );
        }
    }
}
