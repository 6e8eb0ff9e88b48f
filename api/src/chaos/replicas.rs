//! Three `tendlc serve` replicas as real processes (this very binary) on one database, each on
//! its own loopback port, sharing the simulator, the webhook secret and the JWT secret.
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// One replica: its port, and its process while it runs.
struct Replica {
    port: u16,
    child: Option<Child>,
    log: PathBuf,
}

/// The replicas and the settings they all start with.
pub struct Replicas {
    env: Vec<(String, String)>,
    nodes: Vec<Replica>,
    http: reqwest::Client,
}

impl Replicas {
    /// Starts `count` replicas with `env` (each also gets its port and public URL); the logs go
    /// to `log_dir`.
    pub async fn start(
        count: usize,
        env: Vec<(String, String)>,
        log_dir: &std::path::Path,
    ) -> anyhow::Result<Replicas> {
        let mut nodes = Vec::new();
        for n in 0..count {
            nodes.push(Replica {
                port: crate::bench::load::free_port()?,
                child: None,
                log: log_dir.join(format!("serve-{n}.log")),
            });
        }
        let mut replicas = Replicas {
            env,
            nodes,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(2))
                .build()?,
        };
        for n in 0..count {
            replicas.spawn(n)?;
        }
        for n in 0..count {
            replicas.wait_healthy(n).await?;
        }
        Ok(replicas)
    }

    pub fn count(&self) -> usize {
        self.nodes.len()
    }

    pub fn url(&self, n: usize) -> String {
        format!("http://127.0.0.1:{}", self.nodes[n].port)
    }

    pub fn urls(&self) -> Vec<String> {
        (0..self.count()).map(|n| self.url(n)).collect()
    }

    fn spawn(&mut self, n: usize) -> anyhow::Result<()> {
        let url = self.url(n);
        let node = &mut self.nodes[n];
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&node.log)?;
        let child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env("TENDLC_LISTEN", format!("127.0.0.1:{}", node.port))
            .env("TENDLC_PUBLIC_URL", &url)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?;
        node.child = Some(child);
        Ok(())
    }

    /// Waits until the replica answers `/health` (it has migrated and serves).
    pub async fn wait_healthy(&self, n: usize) -> anyhow::Result<()> {
        for _ in 0..600 {
            let health = self.http.get(format!("{}/health", self.url(n))).send();
            if let Ok(response) = health.await {
                if response.status().is_success() {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!(
            "replica {n} did not become healthy within 60 s; its log: {}",
            self.nodes[n].log.display()
        )
    }

    /// `kill -9`: no shutdown, no goodbye, whatever it was doing is cut off.
    pub fn kill(&mut self, n: usize) {
        if let Some(mut child) = self.nodes[n].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub async fn restart(&mut self, n: usize) -> anyhow::Result<()> {
        self.kill(n);
        self.spawn(n)?;
        self.wait_healthy(n).await
    }

    /// Whether each replica's process is still alive (a crash on its own is a finding).
    pub fn exited(&mut self) -> Vec<(usize, String)> {
        let mut exited = Vec::new();
        for (n, node) in self.nodes.iter_mut().enumerate() {
            if let Some(child) = node.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    exited.push((n, format!("{status} (log {})", node.log.display())));
                }
            }
        }
        exited
    }

    /// Stops every replica (SIGKILL: the run needs no graceful ending from them).
    pub fn stop_all(&mut self) {
        for n in 0..self.nodes.len() {
            self.kill(n);
        }
    }
}

impl Drop for Replicas {
    fn drop(&mut self) {
        self.stop_all();
    }
}
