//! The simulator inside a test: on `127.0.0.1` and a port the system picks, with fresh random
//! credentials and no rate limits, serving in the background until stopped or dropped. Built with
//! the `testing` feature; the simulator's own tests and tendlc's black-box harness both start it
//! this way.
use std::net::SocketAddr;

use rand::distributions::{Alphanumeric, DistString};
use serde_json::Value;
use tokio::sync::watch;

use crate::{serve_with_handle, SimConfig, SimHandle};

/// A simulator serving on a random local port; it stops when this is dropped.
pub struct SimServer {
    /// Inspect and steer the simulator (faults, deliveries, out-of-band changes).
    pub handle: SimHandle,
    pub address: SocketAddr,
    /// `http://<address>/v2`, the base URL a TCR client is given.
    pub base_url: String,
    /// The Basic-auth user name it accepts.
    pub api_key: String,
    /// The Basic-auth password it accepts; also the key its webhooks are signed with.
    pub api_secret: String,
    pub csp_id: String,
    stop: watch::Sender<bool>,
    http: reqwest::Client,
}

impl SimServer {
    /// Starts a simulator configured as [`SimConfig::default`] with random credentials and no
    /// rate limits (tests fire calls in bursts; a test of the limits sets them), then as `adjust`
    /// says.
    pub async fn start(adjust: impl FnOnce(&mut SimConfig)) -> SimServer {
        let mut config = SimConfig {
            api_key: random_secret(24),
            api_secret: random_secret(40),
            read_rate_per_sec: 0,
            write_rate_per_10s: 0,
            ..SimConfig::default()
        };
        adjust(&mut config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding 127.0.0.1:0 for the TCR simulator failed");
        let address = listener
            .local_addr()
            .expect("the simulator's listener has no address");
        let (api_key, api_secret, csp_id) = (
            config.api_key.clone(),
            config.api_secret.clone(),
            config.csp_id.clone(),
        );
        let (stop, mut stopped) = watch::channel(false);
        let (handle, server) = serve_with_handle(listener, config, async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        });
        tokio::spawn(async move {
            if let Err(e) = server.await {
                panic!("the TCR simulator stopped with an error: {e}");
            }
        });
        SimServer {
            handle,
            address,
            base_url: format!("http://{address}/v2"),
            api_key,
            api_secret,
            csp_id,
            stop,
            http: reqwest::Client::new(),
        }
    }

    /// Every ACTIVE brand the simulator holds, as `GET /brand` lists them (TCR's own view).
    pub async fn brands(&self) -> Vec<Value> {
        self.records("brand").await
    }

    /// Every campaign the simulator holds, as `GET /campaign` lists them (TCR's own view).
    pub async fn campaigns(&self) -> Vec<Value> {
        self.records("campaign").await
    }

    /// One page of up to 500 records of `GET /{kind}`.
    async fn records(&self, kind: &str) -> Vec<Value> {
        let response = self
            .http
            .get(format!("{}/{kind}", self.base_url))
            .query(&[("recordsPerPage", "500")])
            .basic_auth(&self.api_key, Some(&self.api_secret))
            .send()
            .await
            .unwrap_or_else(|e| panic!("simulator {kind} search: {e}"));
        assert!(
            response.status().is_success(),
            "simulator {kind} search failed: {}",
            response.status()
        );
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("simulator {kind} search body: {e}"));
        body["records"].as_array().cloned().unwrap_or_default()
    }

    /// Stops serving; calls in flight are finished.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn random_secret(len: usize) -> String {
    Alphanumeric.sample_string(&mut rand::thread_rng(), len)
}
