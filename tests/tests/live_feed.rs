//! The live feed (`GET /ws`) with real WebSocket clients: who sees what, resuming without gap
//! or duplicate, changes crossing replicas, and a stalled client holding up nobody.
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::Value;
use tendlc_api::http::auth::Role;
use tendlc_tests::fixtures::private_brand;
use tendlc_tests::harness::{json_of, AppOptions};
use tendlc_tests::TestApp;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

fn socket_url(base_url: &str, query: &str) -> String {
    format!("{}/ws{query}", base_url.replacen("http", "ws", 1))
}

/// Opens the feed the way a browser does: the token as a `bearer.` subprotocol.
async fn connect(base_url: &str, token: &str, query: &str) -> Socket {
    let mut request = socket_url(base_url, query).into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        format!("tendlc.v1, bearer.{token}").parse().unwrap(),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .unwrap_or_else(|e| panic!("opening the feed at {base_url}{query}: {e}"));
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "tendlc.v1",
        "the server echoes the tendlc.v1 subprotocol (and never the token)"
    );
    socket
}

/// The next JSON message (pings and pongs are skipped); panics after `within`.
async fn next_json(socket: &mut Socket, within: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .unwrap_or_else(|_| panic!("no message from the feed within {within:?}"))
            .expect("the feed closed")
            .expect("reading the feed");
        match frame {
            Message::Text(text) => return serde_json::from_str(&text).expect("JSON message"),
            Message::Close(frame) => panic!("the feed closed: {frame:?}"),
            _ => {}
        }
    }
}

/// Reads the greeting and the catch-up up to `live`; returns the changes of the catch-up.
async fn until_live(socket: &mut Socket) -> Vec<Value> {
    let hello = next_json(socket, Duration::from_secs(5)).await;
    assert_eq!(hello["type"], "hello", "first message: {hello}");
    let mut changes = Vec::new();
    loop {
        let message = next_json(socket, Duration::from_secs(10)).await;
        match message["type"].as_str() {
            Some("live") => return changes,
            Some("change") => changes.push(message),
            _ => panic!("unexpected message during catch-up: {message}"),
        }
    }
}

/// Reads messages until one of type `kind` (`change` or `notification`) satisfies `done`;
/// returns those of that type seen, that one last (the other type is passed over: a verified
/// brand is mailed between its changes).
async fn messages_until(
    socket: &mut Socket,
    kind: &str,
    within: Duration,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "waited {within:?} for {what}; saw {seen:#?}"
        );
        let message = next_json(socket, left).await;
        match message["type"].as_str() {
            Some(t) if t == kind => {}
            Some("change" | "notification") => continue,
            _ => panic!("unexpected message: {message}"),
        }
        let finished = done(&message);
        seen.push(message);
        if finished {
            return seen;
        }
    }
}

async fn changes_until(
    socket: &mut Socket,
    within: Duration,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    messages_until(socket, "change", within, what, done).await
}

fn is_registered(brand: &str) -> impl Fn(&Value) -> bool + '_ {
    move |m| m["entity"]["id"] == brand && m["field"] == "status" && m["to"] == "REGISTERED"
}

async fn register(app: &TestApp, base_url: &str, customer: Uuid, name: &str) -> String {
    let response = app
        .http
        .post(format!("{base_url}/v1/messaging/brands"))
        .bearer_auth(app.token(Role::CustomerAdmin, Some(customer)))
        .json(&private_brand(name))
        .send()
        .await
        .expect("register brand");
    let (status, body) = json_of(response).await;
    assert_eq!(status, 201, "registering {name}: {body}");
    body["id"].as_str().unwrap().to_string()
}

fn positions(changes: &[Value]) -> Vec<i64> {
    changes
        .iter()
        .map(|c| c["position"].as_i64().expect("position"))
        .collect()
}

/// The positions of a customer's brand and campaign events after `after`, in commit order,
/// up to `last` included: what a client resuming at `after` must receive, exactly.
async fn stream_positions(app: &TestApp, customer: Uuid, after: i64, last: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "WITH bounds AS (
            SELECT (SELECT transaction_id FROM events WHERE global_position = $2) AS a_tx,
                   (SELECT transaction_id FROM events WHERE global_position = $3) AS z_tx)
         SELECT global_position FROM events, bounds
          WHERE aggregate_type IN ('Brand', 'Campaign') AND metadata ->> 'customer_id' = $1
            AND (transaction_id, global_position) > (a_tx, $2)
            AND (transaction_id, global_position) <= (z_tx, $3)
          ORDER BY transaction_id, global_position",
    )
    .bind(customer.to_string())
    .bind(after)
    .bind(last)
    .fetch_all(&app.pool)
    .await
    .expect("read the stream")
}

#[tokio::test]
async fn each_customer_hears_only_of_its_own_registrations_and_a_super_admin_picks() {
    let app = TestApp::spawn().await;
    let alpha = app.create_customer("BAN-LIVE-A", "BASIC").await;
    let beta = app.create_customer("BAN-LIVE-B", "BASIC").await;

    // Nobody unauthenticated: no token, a forged one, an unknown ticket.
    let anonymous = tokio_tungstenite::connect_async(socket_url(&app.base_url, "")).await;
    assert!(
        matches!(&anonymous, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 401),
        "a socket without credentials is refused with 401: {anonymous:?}"
    );
    let forged =
        tokio_tungstenite::connect_async(socket_url(&app.base_url, "?ticket=0123abcd")).await;
    assert!(
        matches!(&forged, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 401),
        "an unknown ticket is refused with 401: {forged:?}"
    );

    // Alpha's user by subprotocol token; beta's admin by single-use ticket; the operator once
    // for alpha (picked in the query) and once for everyone.
    let mut alpha_client = connect(
        &app.base_url,
        &app.token(Role::CustomerUser, Some(alpha)),
        // A customer cannot pick another customer: the choice is ignored.
        &format!("?customer={beta}"),
    )
    .await;
    let ticket: Value = app
        .request(
            reqwest::Method::POST,
            "/v1/ws-tickets",
            &app.token(Role::CustomerAdmin, Some(beta)),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ticket = ticket["ticket"].as_str().expect("a ticket").to_string();
    let ticket_url = socket_url(&app.base_url, &format!("?ticket={ticket}"));
    let (mut beta_client, _) = tokio_tungstenite::connect_async(&ticket_url)
        .await
        .expect("a ticket opens the feed");
    let reused = tokio_tungstenite::connect_async(&ticket_url).await;
    assert!(
        matches!(&reused, Err(tokio_tungstenite::tungstenite::Error::Http(r)) if r.status() == 401),
        "a ticket opens the feed once: {reused:?}"
    );
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ws_tickets WHERE ticket_hash = $1 OR ticket_hash = $2",
    )
    .bind(&ticket)
    .bind(format!(
        "{:x}",
        <sha2::Sha256 as sha2::Digest>::digest(ticket.as_bytes())
    ))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        stored, 0,
        "a spent ticket is gone, and tickets are never stored in the clear"
    );
    let mut operator_for_alpha = connect(
        &app.base_url,
        &app.superadmin(),
        &format!("?customer={alpha}"),
    )
    .await;
    let mut operator = connect(&app.base_url, &app.superadmin(), "").await;
    for client in [
        &mut alpha_client,
        &mut beta_client,
        &mut operator_for_alpha,
        &mut operator,
    ] {
        assert!(
            until_live(client).await.is_empty(),
            "nothing to catch up on"
        );
    }

    // Beta registers first, alpha second: the stream is in commit order, so a client that has
    // seen alpha's registration would have seen beta's before it, if it were shown to it.
    let beta_brand = register(&app, &app.base_url, beta, "Beta Brand").await;
    let alpha_brand = register(&app, &app.base_url, alpha, "Alpha Brand").await;

    for (who, client) in [
        ("alpha's user", &mut alpha_client),
        ("the operator watching alpha", &mut operator_for_alpha),
    ] {
        let seen = changes_until(
            client,
            Duration::from_secs(10),
            "alpha's brand",
            is_registered(&alpha_brand),
        )
        .await;
        assert!(
            seen.iter()
                .all(|c| c["customerId"] == alpha.to_string() && c["entity"]["id"] == alpha_brand),
            "{who} saw another customer's change: {seen:#?}"
        );
        let registered = seen.last().unwrap();
        assert_eq!(registered["entity"]["type"], "brand");
        assert_eq!(registered["from"], "PENDING");
        assert_eq!(registered["source"], "api");
        assert!(
            registered["at"].is_string() && registered["summary"].is_string(),
            "{registered}"
        );
    }
    let seen = changes_until(
        &mut beta_client,
        Duration::from_secs(10),
        "beta's brand",
        is_registered(&beta_brand),
    )
    .await;
    assert!(
        seen.iter().all(|c| c["customerId"] == beta.to_string()),
        "beta saw another customer's change: {seen:#?}"
    );
    let seen = changes_until(
        &mut operator,
        Duration::from_secs(10),
        "both brands",
        is_registered(&alpha_brand),
    )
    .await;
    let brands: std::collections::BTreeSet<&str> = seen
        .iter()
        .filter_map(|c| c["entity"]["id"].as_str())
        .collect();
    assert_eq!(
        brands,
        [alpha_brand.as_str(), beta_brand.as_str()]
            .into_iter()
            .collect(),
        "the operator watching everyone sees both customers"
    );
    // Nothing further is on its way to alpha's user (beta's changes were never queued for it).
    let quiet = tokio::time::timeout(Duration::from_millis(700), alpha_client.next()).await;
    assert!(
        !matches!(&quiet, Ok(Some(Ok(Message::Text(_))))),
        "alpha's user got more: {quiet:?}"
    );
}

#[tokio::test]
async fn a_client_resuming_from_its_last_position_misses_nothing_and_gets_nothing_twice() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-LIVE-R", "BASIC").await;
    let token = app.token(Role::CustomerUser, Some(customer));

    let mut first = connect(&app.base_url, &token, "").await;
    until_live(&mut first).await;
    let one = register(&app, &app.base_url, customer, "Resume One").await;
    let seen = changes_until(
        &mut first,
        Duration::from_secs(10),
        "the first brand",
        is_registered(&one),
    )
    .await;
    let last_seen = *positions(&seen).last().unwrap();
    drop(first);

    // Missed while away; then more arrives while the client catches up. A watcher that stays
    // connected tells when the feed has read them (a catch-up reads up to where the feed's
    // reader stands; what it has not read yet comes live instead).
    let mut watcher = connect(&app.base_url, &token, "").await;
    until_live(&mut watcher).await;
    let two = register(&app, &app.base_url, customer, "Resume Two").await;
    let three = register(&app, &app.base_url, customer, "Resume Three").await;
    changes_until(
        &mut watcher,
        Duration::from_secs(10),
        "the feed to have read the third brand",
        is_registered(&three),
    )
    .await;
    let during = {
        let (http, base, admin) = (
            app.http.clone(),
            app.base_url.clone(),
            app.token(Role::CustomerAdmin, Some(customer)),
        );
        tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in 0..3 {
                let response = http
                    .post(format!("{base}/v1/messaging/brands"))
                    .bearer_auth(&admin)
                    .json(&private_brand(&format!("Resume During {n}")))
                    .send()
                    .await
                    .unwrap();
                let (status, body) = json_of(response).await;
                assert_eq!(status, 201, "{body}");
                ids.push(body["id"].as_str().unwrap().to_string());
            }
            ids
        })
    };
    let mut again = connect(&app.base_url, &token, &format!("?after={last_seen}")).await;
    let mut received = until_live(&mut again).await;
    assert!(
        received.iter().any(is_registered(&two)) && received.iter().any(is_registered(&three)),
        "the catch-up holds what happened while away: {received:#?}"
    );
    let during = during.await.unwrap();
    let last_brand = during.last().unwrap().clone();
    if !received.iter().any(is_registered(&last_brand)) {
        received.extend(
            changes_until(
                &mut again,
                Duration::from_secs(10),
                "the last brand",
                is_registered(&last_brand),
            )
            .await,
        );
    }
    let got = positions(&received);
    let expected = stream_positions(&app, customer, last_seen, *got.last().unwrap()).await;
    assert_eq!(
        got, expected,
        "resuming after {last_seen} must give every later change once, in commit order"
    );

    // A position that names no event is refused before the upgrade, naming the field.
    let mut request = socket_url(&app.base_url, "?after=999999999")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        format!("tendlc.v1, bearer.{token}").parse().unwrap(),
    );
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 422);
            let body =
                String::from_utf8_lossy(response.body().as_deref().unwrap_or_default()).to_string();
            assert!(
                body.contains("\"after\""),
                "the error names `after`: {body}"
            );
        }
        other => panic!("an unknown position must be refused with 422: {other:?}"),
    }
}

#[tokio::test]
async fn a_change_committed_through_one_replica_reaches_the_clients_of_another() {
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(500),
        subscribe_webhooks: true,
        ..AppOptions::default()
    })
    .await;
    let replica = app.start_replica().await;
    let customer = app.create_customer("BAN-LIVE-X", "BASIC").await;
    let mut on_replica = connect(
        &replica.base_url,
        &app.token(Role::CustomerUser, Some(customer)),
        "",
    )
    .await;
    until_live(&mut on_replica).await;

    let committed = Instant::now();
    let brand = register(&app, &app.base_url, customer, "Across Replicas").await;
    changes_until(
        &mut on_replica,
        Duration::from_secs(5),
        "the registration on the other replica",
        is_registered(&brand),
    )
    .await;
    let latency = committed.elapsed();
    assert!(latency < Duration::from_secs(5), "took {latency:?}");

    // TCR scores the brand and says so by webhook (to either replica): the identity change
    // comes through too, with where it came from.
    let seen = changes_until(
        &mut on_replica,
        Duration::from_secs(20),
        "the brand to be verified",
        |m| m["entity"]["id"] == brand && m["field"] == "identityStatus" && m["to"] == "VERIFIED",
    )
    .await;
    let verified = seen.last().unwrap();
    assert!(
        ["webhook", "poll"].contains(&verified["source"].as_str().unwrap_or_default()),
        "the verdict came from TCR: {verified}"
    );
    assert!(replica.shutdown().await.is_ok());
}

async fn notifications_until(
    socket: &mut Socket,
    within: Duration,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    messages_until(socket, "notification", within, what, done).await
}

#[tokio::test]
async fn a_notification_sent_by_one_replica_reaches_its_customer_on_every_replica_and_nobody_else()
{
    let app = TestApp::spawn_with(AppOptions {
        scoring_delay: Duration::from_millis(500),
        subscribe_webhooks: true,
        ..AppOptions::default()
    })
    .await;
    let replica = app.start_replica().await;
    let owner = app.create_customer("BAN-LIVE-N1", "BASIC").await;
    let other = app.create_customer("BAN-LIVE-N2", "BASIC").await;
    let owner_token = app.token(Role::CustomerUser, Some(owner));
    // The owner watches on both replicas: both run a notifier, so whichever sends the mail,
    // one of these clients is on the other replica.
    let mut owner_here = connect(&app.base_url, &owner_token, "").await;
    let mut owner_there = connect(&replica.base_url, &owner_token, "").await;
    let mut other_here = connect(
        &app.base_url,
        &app.token(Role::CustomerUser, Some(other)),
        "",
    )
    .await;
    let mut other_there = connect(
        &replica.base_url,
        &app.token(Role::CustomerAdmin, Some(other)),
        "",
    )
    .await;
    let mut operator_for_owner = connect(
        &replica.base_url,
        &app.superadmin(),
        &format!("?customer={owner}"),
    )
    .await;
    for client in [
        &mut owner_here,
        &mut owner_there,
        &mut other_here,
        &mut other_there,
        &mut operator_for_owner,
    ] {
        until_live(client).await;
    }

    // The simulator verifies the brand: a BRAND_VERIFIED mail is decided, then sent (outbox).
    let brand = register(&app, &app.base_url, owner, "Notified Widgets").await;
    let is_sent = |m: &Value| m["kind"] == "BRAND_VERIFIED" && m["status"] == "SENT";
    let mut sent = Vec::new();
    for client in [&mut owner_here, &mut owner_there, &mut operator_for_owner] {
        let seen = notifications_until(
            client,
            Duration::from_secs(30),
            "the verification mail to be sent",
            is_sent,
        )
        .await;
        sent.push(seen.last().unwrap().clone());
    }
    let message = &sent[0];
    assert_eq!(message["customerId"], owner.to_string(), "{message}");
    assert_eq!(message["subject"]["type"], "BRAND", "{message}");
    assert_eq!(message["subject"]["id"], brand.as_str(), "{message}");
    assert_eq!(message["subject"]["name"], "Notified Widgets", "{message}");
    assert_eq!(message["previousStatus"], "PENDING", "{message}");
    assert_eq!(message["recipient"], "ops@example.com", "{message}");
    assert!(message.get("position").is_none(), "not an event: {message}");
    assert!(message["at"].is_string(), "{message}");
    assert!(
        sent.iter().all(|m| m == message),
        "every replica tells the same: {sent:#?}"
    );
    // The same notification, as GET /v1/notifications shows it.
    let (status, listed) = app
        .call_for(
            owner,
            reqwest::Method::GET,
            "/v1/notifications?status=SENT",
            None,
        )
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["items"][0]["id"], message["id"], "{listed}");

    // The other customer heard nothing of it, on either replica.
    for client in [&mut other_here, &mut other_there] {
        let quiet = tokio::time::timeout(Duration::from_secs(1), async {
            loop {
                let message = next_json(client, Duration::from_secs(5)).await;
                if message["type"] != "ping" {
                    return message;
                }
            }
        })
        .await;
        assert!(
            quiet.is_err(),
            "another customer's client was told: {quiet:?}"
        );
    }
    assert!(replica.shutdown().await.is_ok());
}

#[tokio::test]
async fn a_stalled_client_does_not_delay_another() {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("BAN-LIVE-S", "BASIC").await;
    let token = app.token(Role::CustomerUser, Some(customer));
    // Connected, then never read from again.
    let mut stalled = connect(&app.base_url, &token, "").await;
    let mut reader = connect(&app.base_url, &token, "").await;
    until_live(&mut reader).await;

    for n in 0..8 {
        let brand = register(&app, &app.base_url, customer, &format!("Busy {n}")).await;
        let answered = Instant::now();
        changes_until(
            &mut reader,
            Duration::from_secs(3),
            "the registration",
            is_registered(&brand),
        )
        .await;
        assert!(
            answered.elapsed() < Duration::from_secs(2),
            "the reading client waited {:?} behind the stalled one",
            answered.elapsed()
        );
    }

    // The stalled client was kept its changes (it was not far enough behind to be dropped).
    let hello = next_json(&mut stalled, Duration::from_secs(5)).await;
    assert_eq!(hello["type"], "hello");
    let live = next_json(&mut stalled, Duration::from_secs(5)).await;
    assert_eq!(live["type"], "live");
    let first = next_json(&mut stalled, Duration::from_secs(5)).await;
    assert_eq!(first["type"], "change", "{first}");
    stalled.close(None).await.ok();
}

#[tokio::test]
async fn a_server_shutting_down_closes_its_feeds_with_1001() {
    let app = TestApp::spawn().await;
    let mut client = connect(&app.base_url, &app.superadmin(), "").await;
    until_live(&mut client).await;
    let stopping = tokio::spawn(app.shutdown());
    let close = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match client.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                other => panic!("the feed ended without a close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("a close frame within 10 s of shutdown");
    let frame = close.expect("the close frame says why");
    assert_eq!(u16::from(frame.code), 1001, "{frame:?}");
    assert!(stopping.await.unwrap().is_ok(), "shutdown is clean");
}

#[tokio::test]
async fn a_client_that_answers_no_ping_is_closed_with_4001() {
    let app = TestApp::spawn_with(AppOptions {
        inbound: tendlc_api::config::InboundLimits {
            live: tendlc_api::config::LiveLimits {
                heartbeat: Duration::from_secs(1),
                idle_timeout: Duration::from_secs(2),
                ..Default::default()
            },
            ..Default::default()
        },
        ..AppOptions::default()
    })
    .await;
    let mut silent = connect(&app.base_url, &app.superadmin(), "").await;
    // Not reading means not answering the pings (a client answers them as it reads).
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut pings = 0;
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match silent.next().await {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(Message::Ping(_))) => pings += 1,
                Some(Ok(_)) => continue,
                other => panic!("the feed ended without a close frame: {other:?}"),
            }
        }
    })
    .await
    .expect("a close frame");
    let frame = close.expect("the close frame says why");
    assert_eq!(u16::from(frame.code), 4001, "{frame:?}");
    assert!(pings >= 1, "the server pinged before giving up");
}

/// A feed client whose connection buffers little: small segments (the server's send buffer is
/// sized by them) and a small receive buffer.
async fn cramped(base_url: &str, token: &str, query: &str) -> Socket {
    let address: std::net::SocketAddr = base_url.trim_start_matches("http://").parse().unwrap();
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_tcp_mss(536).expect("set the segment size");
    socket
        .set_recv_buffer_size(2048)
        .expect("set the receive buffer");
    socket.connect(&address.into()).expect("connect");
    socket.set_nonblocking(true).unwrap();
    let stream = tokio::net::TcpStream::from_std(socket.into()).unwrap();
    let mut request = socket_url(base_url, query).into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        format!("tendlc.v1, bearer.{token}").parse().unwrap(),
    );
    let (socket, _) = tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
        .await
        .expect("open the feed");
    socket
}

#[tokio::test]
async fn a_client_too_far_behind_is_told_it_lagged_closed_and_resumes_without_a_gap() {
    let app = TestApp::spawn_with(AppOptions {
        inbound: tendlc_api::config::InboundLimits {
            live: tendlc_api::config::LiveLimits {
                // Deep enough for a reading client to take the bursts in its stride.
                queue: 32,
                ..Default::default()
            },
            ..Default::default()
        },
        ..AppOptions::default()
    })
    .await;
    let customer = app.create_customer("BAN-LIVE-L", "BASIC").await;
    let token = app.token(Role::CustomerUser, Some(customer));
    let mut stalled = cramped(&app.base_url, &token, "").await;
    // Beside it, a client that reads: the stalled one must not hold it up.
    let mut reader = connect(&app.base_url, &token, "").await;
    until_live(&mut reader).await;
    let (heard, mut hearing) = tokio::sync::mpsc::unbounded_channel();
    let reading = tokio::spawn(async move {
        while let Some(Ok(frame)) = reader.next().await {
            if let Message::Text(text) = frame {
                let message: Value = serde_json::from_str(&text).unwrap();
                let _ = heard.send((
                    Instant::now(),
                    message["position"].as_i64().unwrap_or_default(),
                ));
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Far more changes than its connection and its queue hold, while it reads nothing.
    let mut registering = Vec::new();
    for batch in 0..10 {
        let (http, base, admin) = (
            app.http.clone(),
            app.base_url.clone(),
            app.token(Role::CustomerAdmin, Some(customer)),
        );
        registering.push(tokio::spawn(async move {
            for n in 0..15 {
                let response = http
                    .post(format!("{base}/v1/messaging/brands"))
                    .bearer_auth(&admin)
                    .json(&private_brand(&format!("Lagging {batch}-{n}")))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 201);
            }
        }));
    }
    for task in registering {
        task.await.unwrap();
    }
    let done = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // It reads at last: what was queued, then `lagged` with the last position it was given,
    // then close code 4000.
    let mut received = Vec::new();
    let lagged = loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), stalled.next())
            .await
            .expect("the stalled client is told something")
            .expect("the feed ended without a word")
            .expect("reading the feed");
        match frame {
            Message::Text(text) => {
                let message: Value = serde_json::from_str(&text).unwrap();
                match message["type"].as_str() {
                    Some("change") => received.push(message),
                    Some("lagged") => break message,
                    _ => {}
                }
            }
            Message::Close(frame) => panic!("closed before `lagged` was said: {frame:?}"),
            _ => {}
        }
    };
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE aggregate_type = 'Brand' AND metadata ->> 'customer_id' = $1",
    )
    .bind(customer.to_string())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        (received.len() as i64) < total,
        "it should have fallen behind: got {} of {total} changes",
        received.len()
    );
    let last = received.last().expect("some changes came before it lagged")["position"]
        .as_i64()
        .unwrap();
    assert_eq!(
        lagged["position"], last,
        "`lagged` names the last change it was given: {lagged}"
    );
    let close = loop {
        match tokio::time::timeout(Duration::from_secs(5), stalled.next()).await {
            Ok(Some(Ok(Message::Close(frame)))) => break frame.expect("a close frame with a code"),
            Ok(Some(Ok(_))) => continue,
            other => panic!("no close frame after `lagged`: {other:?}"),
        }
    };
    assert_eq!(u16::from(close.code), 4000, "{close:?}");

    // The reading client had every change, the last within moments of the last registration.
    let (count, newest): (i64, i64) = sqlx::query_as(
        "SELECT count(*), (array_agg(global_position ORDER BY transaction_id DESC, global_position DESC))[1]
           FROM events WHERE aggregate_type = 'Brand' AND metadata ->> 'customer_id' = $1",
    )
    .bind(customer.to_string())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let mut heard = Vec::new();
    while let Ok(Some(item)) = tokio::time::timeout(Duration::from_secs(5), hearing.recv()).await {
        heard.push(item);
        if item.1 == newest {
            break;
        }
    }
    reading.abort();
    let (at, last_heard) = *heard.last().expect("the reading client heard changes");
    assert_eq!(last_heard, newest, "the reading client heard every change");
    assert_eq!(
        heard.len() as i64,
        count,
        "the reading client heard every change once"
    );
    assert!(
        at.saturating_duration_since(done) < Duration::from_secs(3),
        "the reading client was held up {:?} behind the stalled one",
        at.saturating_duration_since(done)
    );

    // Resuming from there gives the rest, with no gap.
    let mut again = connect(&app.base_url, &token, &format!("?after={last}")).await;
    let rest = until_live(&mut again).await;
    assert_eq!(
        positions(&rest),
        stream_positions(&app, customer, last, newest).await,
        "the resumed feed continues exactly after the last change the lagged client was given"
    );
}
