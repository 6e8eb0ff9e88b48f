//! The HTTP server: plain, or terminating TLS itself (rustls) for installs without an ingress.
//! The certificate and key files are re-read when they change, so renewals need no restart.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use tokio::sync::watch;

use crate::config::InboundLimits;

/// Where the PEM files are and how often to look for a renewal.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
    pub reload_every: Duration,
}

fn modified(config: &TlsConfig) -> Option<(SystemTime, SystemTime)> {
    let cert = std::fs::metadata(&config.cert_path).ok()?.modified().ok()?;
    let key = std::fs::metadata(&config.key_path).ok()?.modified().ok()?;
    Some((cert, key))
}

/// How long in-flight requests get to finish after a stop is asked for.
const GRACE: Duration = Duration::from_secs(15);

/// Serves `app` on `listener` until `shutdown`: over TLS when `tls` is set, plain HTTP
/// otherwise. Either way a connection must send its request headers within
/// `header_read_timeout` (from the connection's start, and again after each answer on a
/// kept-alive connection), so idle and slow-header (slowloris) connections are closed; TLS
/// handshakes are bounded at 10 s.
pub async fn serve(
    tls: Option<TlsConfig>,
    inbound: &InboundLimits,
    listener: tokio::net::TcpListener,
    app: IntoMakeServiceWithConnectInfo<Router, SocketAddr>,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    let mut stop_reload = shutdown.clone();
    tokio::spawn(async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
        stopping.graceful_shutdown(Some(GRACE));
    });
    let listener = listener.into_std()?;
    match tls {
        None => {
            let mut server = axum_server::from_tcp(listener)?
                .handle(handle)
                .first_request_timeout(inbound.header_read_timeout);
            server
                .http_builder()
                .http1()
                .header_read_timeout(inbound.header_read_timeout);
            server.serve(app).await?;
        }
        Some(config) => {
            let rustls = RustlsConfig::from_pem_file(&config.cert_path, &config.key_path)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot load the TLS certificate/key ({}, {}): {e}",
                        config.cert_path.display(),
                        config.key_path.display()
                    )
                })?;
            reload_on_change(config, rustls.clone(), async move {
                let _ = stop_reload.wait_for(|stop| *stop).await;
            });
            let mut server = axum_server::from_tcp_rustls(listener, rustls)?
                .handle(handle)
                .first_request_timeout(inbound.header_read_timeout);
            server
                .http_builder()
                .http1()
                .header_read_timeout(inbound.header_read_timeout);
            server.serve(app).await?;
        }
    }
    Ok(())
}

/// Renewals: re-read the files when either changes; a bad pair keeps the old one and says so.
fn reload_on_change(
    watched: TlsConfig,
    reloading: RustlsConfig,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    tokio::spawn(async move {
        tokio::pin!(stop);
        let mut seen = modified(&watched);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(watched.reload_every) => {}
                _ = &mut stop => return,
            }
            let now = modified(&watched);
            if now.is_some() && now != seen {
                match reloading
                    .reload_from_pem_file(&watched.cert_path, &watched.key_path)
                    .await
                {
                    Ok(()) => {
                        tracing::info!(cert = %watched.cert_path.display(), "TLS certificate reloaded");
                        seen = now;
                    }
                    Err(error) => {
                        tracing::error!(%error, "TLS certificate changed but could not be loaded; keeping the previous one")
                    }
                }
            }
        }
    });
}
