//! Terminating TLS in `serve` itself (rustls), for installs without an ingress. The
//! certificate and key files are re-read when they change, so renewals need no restart.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use tokio::sync::watch;

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

/// Serves `app` over TLS on `listener` until `shutdown`.
pub async fn serve(
    config: TlsConfig,
    listener: tokio::net::TcpListener,
    app: IntoMakeServiceWithConnectInfo<Router, SocketAddr>,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let rustls = RustlsConfig::from_pem_file(&config.cert_path, &config.key_path)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot load the TLS certificate/key ({}, {}): {e}",
                config.cert_path.display(),
                config.key_path.display()
            )
        })?;

    // Renewals: re-read the files when either changes; a bad pair keeps the old one and says so.
    let reloading = rustls.clone();
    let watched = config.clone();
    let mut stop_reload = shutdown.clone();
    tokio::spawn(async move {
        let mut seen = modified(&watched);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(watched.reload_every) => {}
                _ = stop_reload.changed() => return,
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

    let handle = axum_server::Handle::new();
    let stopping = handle.clone();
    tokio::spawn(async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
        stopping.graceful_shutdown(Some(Duration::from_secs(15)));
    });
    axum_server::from_tcp_rustls(listener.into_std()?, rustls)?
        .handle(handle)
        .serve(app)
        .await?;
    Ok(())
}
