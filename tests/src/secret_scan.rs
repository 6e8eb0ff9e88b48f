//! The suite-wide secret scan: every secret a test configures is noted, every log line the suite
//! writes and every database row it leaves are searched for them (`scripts/test.sh` reports it).
//! Active when `TENDLC_TEST_SCAN_DIR` is set.
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Where scan material goes, if scanning is on.
pub fn dir() -> Option<PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(std::env::var_os("TENDLC_TEST_SCAN_DIR")?);
        std::fs::create_dir_all(&dir).ok()?;
        Some(dir)
    })
    .clone()
}

fn append(file: &str, line: &str) {
    if let Some(dir) = dir() {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(file))
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// Notes a secret the suite configured (the scan looks for it everywhere).
pub fn note_secret(secret: &str) {
    if !secret.trim().is_empty() {
        append("secrets.txt", secret);
    }
}

/// Records what a database scan found before the database was dropped.
pub fn note_database_scan(database: &str, rows: i64, hits: &[String]) {
    append(
        "db-scan.txt",
        &format!("{database} rows={rows} hits={}", hits.len()),
    );
    for hit in hits {
        append("db-hits.txt", &format!("{database}: {hit}"));
    }
}

/// Sends this test process's logs (all in-process apps and simulators) to a file in the scan dir.
pub fn capture_logs() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let Some(dir) = dir() else { return };
        let exe = std::env::current_exe().ok();
        let name = exe
            .as_ref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_else(|| "tests".into());
        let path = dir.join(format!("{name}-{}.log", std::process::id()));
        let Ok(file) = std::fs::File::create(path) else {
            return;
        };
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(tracing_subscriber::EnvFilter::new("info,sqlx=warn"))
            .with_writer(std::sync::Mutex::new(file))
            .try_init();
    });
}

/// A log file for a child process (`tendlc serve`), if scanning is on.
pub fn child_log() -> Option<std::fs::File> {
    let dir = dir()?;
    std::fs::File::create(dir.join(format!(
        "serve-{}-{}.log",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    )))
    .ok()
}
