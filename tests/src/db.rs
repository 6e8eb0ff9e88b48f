//! A throw-away database per test, dropped when the test ends.
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// The server tests run against: `DATABASE_URL` or the local default.
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| tendlc_api::config::DEFAULT_DATABASE_URL.to_string())
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{database}?{q}"),
        None => format!("{base}/{database}"),
    }
}

pub struct TestDatabase {
    pub name: String,
    pub url: String,
    admin_url: String,
    /// Secrets that must not appear in any row (scanned before the database is dropped).
    secrets: std::sync::Mutex<Vec<String>>,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        let server = server_url();
        let admin_url = with_database(&server, "postgres");
        let name = format!("tendlc_test_{}", Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!("cannot reach Postgres for tests ({e}); run scripts/ensure-postgres.sh or set DATABASE_URL")
        });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        TestDatabase {
            url: with_database(&server, &name),
            name,
            admin_url,
            secrets: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl TestDatabase {
    /// A secret this test configured: it must appear in no row of this database.
    pub fn guard_secret(&self, secret: &str) {
        crate::secret_scan::note_secret(secret);
        self.secrets.lock().unwrap().push(secret.to_string());
    }
}

/// Searches every row of every table for the secrets; returns (rows searched, hits).
async fn scan(url: &str, secrets: &[String]) -> Result<(i64, Vec<String>), sqlx::Error> {
    let mut conn = PgConnection::connect(url).await?;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
            .fetch_all(&mut conn)
            .await?;
    let mut rows = 0;
    let mut hits = Vec::new();
    for table in tables {
        let texts: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM \"{table}\" t"))
            .fetch_all(&mut conn)
            .await?;
        rows += texts.len() as i64;
        for text in texts {
            for (n, secret) in secrets.iter().enumerate() {
                if text.contains(secret.as_str()) {
                    hits.push(format!("secret #{n} found in table {table}"));
                }
            }
        }
    }
    let _ = conn.close().await;
    Ok((rows, hits))
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let url = self.url.clone();
        let secrets = self.secrets.lock().map(|s| s.clone()).unwrap_or_default();
        // Drop runs inside the test's runtime; do the async work on a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async {
                    if crate::secret_scan::dir().is_some() && !secrets.is_empty() {
                        match scan(&url, &secrets).await {
                            Ok((rows, hits)) => {
                                crate::secret_scan::note_database_scan(&name, rows, &hits)
                            }
                            Err(error) => crate::secret_scan::note_database_scan(
                                &name,
                                0,
                                &[format!("scan failed: {error}")],
                            ),
                        }
                    }
                    if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut admin)
                                .await;
                    }
                });
            }
        })
        .join();
    }
}
