//! A stand-in for SendGrid's v3 API on a random local port: it keeps every request to
//! `POST /v3/mail/send` (headers and JSON body) and answers each as the test scripted — 202
//! with an `X-Message-Id` unless told otherwise, or no answer at all (a provider that hangs).
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::watch;

/// How the stand-in answers one request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// This status with this body (202 adds an `X-Message-Id`).
    Status(u16, &'static str),
    /// Never answers (the request hangs until the client gives up or dies).
    Hang,
}

/// One request as it came in.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first recipient.
    pub fn to(&self) -> &str {
        self.body["personalizations"][0]["to"][0]["email"]
            .as_str()
            .unwrap_or_default()
    }

    pub fn notification_id(&self) -> &str {
        self.body["custom_args"]["notification_id"]
            .as_str()
            .unwrap_or_default()
    }
}

type Script = Box<dyn Fn(&Received, usize) -> Answer + Send + Sync>;

struct Shared {
    received: Mutex<Vec<Received>>,
    script: Mutex<Script>,
}

/// The stand-in; it stops when dropped.
pub struct SendGridStandIn {
    /// Give this to tendlc as `TENDLC_SENDGRID_URL`.
    pub base_url: String,
    shared: Arc<Shared>,
    _stop: watch::Sender<bool>,
}

impl SendGridStandIn {
    /// Answers every request 202.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SendGrid stand-in");
        let address = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            received: Mutex::default(),
            script: Mutex::new(Box::new(|_, _| Answer::Status(202, ""))),
        });
        let router = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                })
                .await;
        });
        Self {
            base_url: format!("http://{address}"),
            shared,
            _stop: stop,
        }
    }

    /// From now on, answers request `n` (0-based, counting all so far) as `script` says.
    pub fn answer_with(&self, script: impl Fn(&Received, usize) -> Answer + Send + Sync + 'static) {
        *self.shared.script.lock().unwrap() = Box::new(script);
    }

    /// Every request so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let received = Received {
        path: uri.path().to_string(),
        headers,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    let answer = {
        let mut all = shared.received.lock().unwrap();
        let n = all.len();
        all.push(received.clone());
        (shared.script.lock().unwrap())(&received, n)
    };
    match answer {
        Answer::Hang => {
            std::future::pending::<()>().await;
            unreachable!()
        }
        Answer::Status(status, body) => {
            let status = StatusCode::from_u16(status).expect("a status code");
            let mut response = (status, body.to_string()).into_response();
            if status == StatusCode::ACCEPTED {
                let id = format!("sg-{}", uuid::Uuid::new_v4().simple());
                response
                    .headers_mut()
                    .insert("x-message-id", id.parse().unwrap());
            }
            response
        }
    }
}
