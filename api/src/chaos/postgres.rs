//! A PostgreSQL server of the run's own (`initdb` into a temporary folder, a free loopback port,
//! trust auth), so the run can restart it without touching any other database on the machine.
//! Stopped and deleted when dropped, also when the run fails or is interrupted.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::Context;

/// One running server and its folder.
pub struct OwnPostgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    /// Who runs the server: Postgres refuses to run as root, so a root run hands it over.
    run_as: Option<String>,
    /// Leave the folder (the server stopped) for a look afterwards.
    pub keep: bool,
}

/// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb` (Debian's layout), else the
/// folder of `initdb` on the PATH (`pg_config --bindir`); `TENDLC_PG_BIN` overrides both.
fn find_bin() -> anyhow::Result<PathBuf> {
    if let Ok(dir) = std::env::var("TENDLC_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: f64 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, bin)) = newest {
        return Ok(bin);
    }
    let output = Command::new("pg_config").arg("--bindir").output();
    match output {
        Ok(output) if output.status.success() => {
            let bin = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
            anyhow::ensure!(
                bin.join("initdb").exists(),
                "no initdb in {} (pg_config --bindir)",
                bin.display()
            );
            Ok(bin)
        }
        _ => anyhow::bail!(
            "the run needs PostgreSQL's server programs (initdb, pg_ctl) to start a server of its \
             own: none under /usr/lib/postgresql/*/bin nor via pg_config; install the server \
             package or set TENDLC_PG_BIN to the folder holding them"
        ),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl OwnPostgres {
    /// Initialises and starts a server on `port` in a fresh temporary folder.
    pub fn start(port: u16) -> anyhow::Result<OwnPostgres> {
        let bin = find_bin()?;
        let dir = std::env::temp_dir().join(format!(
            "tendlc-chaos-pg-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir)?;
        let run_as = if is_root() {
            let user = std::env::var("TENDLC_PG_USER").unwrap_or_else(|_| "postgres".into());
            let chown = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(&dir)
                .status()
                .context("chown the server's folder")?;
            anyhow::ensure!(
                chown.success(),
                "running as root, the run hands its PostgreSQL server to the user {user:?}, but \
                 cannot give it {}: create that user or set TENDLC_PG_USER to another one",
                dir.display()
            );
            Some(user)
        } else {
            None
        };
        let server = OwnPostgres {
            bin,
            dir,
            port,
            run_as,
            keep: false,
        };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        server.pg_ctl(&["start"])?;
        Ok(server)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// The server's settings: loopback only, its socket in its own folder, no fsync (the run
    /// kills processes, never the machine).
    fn options(&self) -> String {
        format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off \
             -c max_connections=200",
            self.port,
            self.dir.display()
        )
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// `pg_ctl restart -m immediate`: the server stops as if it crashed and recovers on start.
    pub fn restart(&self) -> anyhow::Result<()> {
        self.pg_ctl(&["restart", "-m", "immediate"])
    }

    fn pg_ctl(&self, args: &[&str]) -> anyhow::Result<()> {
        let (data, options) = (self.data(), self.options());
        let log = self.dir.join("server.log").display().to_string();
        let mut all = vec!["-D", &data, "-l", &log, "-w", "-t", "60", "-o", &options];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all).map(|_| ())
    }

    fn run(&self, program: &str, args: &[&str]) -> anyhow::Result<Output> {
        let path = self.bin.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        let output = command
            .args(args)
            .current_dir(&self.dir)
            .output()
            .with_context(|| format!("run {}", path.display()))?;
        anyhow::ensure!(
            output.status.success(),
            "{program} {} failed: {}{}{}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            self.log_tail()
        );
        Ok(output)
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(10)..].join("\n");
        if tail.is_empty() {
            tail
        } else {
            format!("\nserver log:\n{tail}")
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["stop", "-m", "immediate"]);
        if self.keep {
            eprintln!(
                "chaos: the run's database is kept in {}; start it with: {}pg_ctl -D {} -o '{}' start",
                self.dir.display(),
                self.run_as
                    .as_ref()
                    .map(|u| format!("runuser -u {u} -- "))
                    .unwrap_or_default(),
                self.data(),
                self.options()
            );
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
