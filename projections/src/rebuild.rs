//! Rebuilding a read model from the events while the live one keeps serving.
//!
//! The projection's own code builds new tables beside the live ones: they live in the schema
//! [`SHADOW_SCHEMA`] under the same names, with a checkpoint table of their own, and the
//! rebuild's connections put that schema first on their `search_path`, so the projection's
//! unqualified SQL writes there and nothing else changes. The build is resumable (its
//! checkpoint is kept) and only ever writes those tables: no side effect (e-mail, TCR calls,
//! webhook work) can run, since those are other consumers of the stream.
//!
//! The switch: the live projection is held at its position (its checkpoint row locked, so the
//! live runner waits), the rebuilt tables are brought to exactly that position, both are
//! compared (row counts and a content checksum per table), and in the same transaction the live
//! tables are moved out of `public` and the rebuilt ones in, under the live ones' index and
//! constraint names. Readers wait for that moment only; the old tables are dropped after.
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{PgConnection, PgPool};

use crate::runner::{Batch, Projection, ProjectionError, ProjectionRunner};
use crate::stream::Position;

/// Where rebuilt tables are built.
pub const SHADOW_SCHEMA: &str = "tendlc_rebuild";
/// Where replaced tables wait to be dropped.
const REPLACED_SCHEMA: &str = "tendlc_replaced";
/// The runner's own tables, which a rebuild keeps apart from the live ones.
const RUNNER_TABLES: [&str; 2] = ["projection_checkpoints", "projection_failures"];

#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error("{0} keeps no tables of its own; it cannot be rebuilt")]
    NoTables(&'static str),
    #[error("the rebuilt {projection} cannot apply the event at position {position}: {error}")]
    Stuck {
        projection: &'static str,
        position: i64,
        error: String,
    },
    #[error(
        "the live {projection} stands at position {live}, behind the rebuild at {rebuilt}: is it \
         stuck (tendlc projections status)? The rebuild is kept; run it again once the live one moves"
    )]
    LiveBehind {
        projection: &'static str,
        live: i64,
        rebuilt: i64,
    },
}

/// The connections a rebuild writes with: the shadow schema first on the search path.
pub async fn shadow_pool(options: PgConnectOptions) -> Result<PgPool, sqlx::Error> {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options.options([("search_path", format!("{SHADOW_SCHEMA},public"))]))
        .await
}

/// One table compared: live and rebuilt, at the same position of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableComparison {
    pub table: &'static str,
    pub live_rows: i64,
    pub rebuilt_rows: i64,
    pub live_checksum: String,
    pub rebuilt_checksum: String,
}

impl TableComparison {
    pub fn matches(&self) -> bool {
        self.live_rows == self.rebuilt_rows && self.live_checksum == self.rebuilt_checksum
    }
}

/// How a switch went.
#[derive(Debug, Clone)]
pub struct Switched {
    /// The stream position both stood at when compared and swapped.
    pub position: i64,
    pub tables: Vec<TableComparison>,
}

impl Switched {
    pub fn matches(&self) -> bool {
        self.tables.iter().all(TableComparison::matches)
    }
}

/// One projection's rebuild.
pub struct Rebuild {
    live: PgPool,
    shadow: PgPool,
    projection: Arc<dyn Projection>,
    batch_size: i64,
}

impl Rebuild {
    /// `live` is the ordinary pool, `shadow` one from [`shadow_pool`].
    pub fn new(
        live: PgPool,
        shadow: PgPool,
        projection: Arc<dyn Projection>,
        batch_size: i64,
    ) -> Result<Self, RebuildError> {
        if projection.tables().is_empty() {
            return Err(RebuildError::NoTables(projection.name()));
        }
        Ok(Self {
            live,
            shadow,
            projection,
            batch_size,
        })
    }

    pub fn name(&self) -> &'static str {
        self.projection.name()
    }

    fn runner(&self, pool: &PgPool, until: Option<Position>) -> ProjectionRunner {
        ProjectionRunner::new(pool.clone(), self.projection.clone())
            .with_batch_size(self.batch_size)
            .until(until)
    }

    /// Creates the empty tables to build into (or, with `fresh`, empties those of an earlier
    /// run), and says where the build stands: a rebuild interrupted before goes on from there.
    pub async fn prepare(&self, fresh: bool) -> Result<Position, RebuildError> {
        let mut tx = self.live.begin().await?;
        // One rebuild of a projection at a time, whoever runs it.
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('tendlc rebuild prepare'))")
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {SHADOW_SCHEMA}"))
            .execute(&mut *tx)
            .await?;
        if fresh {
            for table in self.projection.tables().iter().rev() {
                sqlx::query(&format!("DROP TABLE IF EXISTS {SHADOW_SCHEMA}.{table}"))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for table in RUNNER_TABLES.iter().chain(self.projection.tables()) {
            sqlx::query(&format!(
                "CREATE TABLE IF NOT EXISTS {SHADOW_SCHEMA}.{table} (LIKE public.{table} INCLUDING ALL)"
            ))
            .execute(&mut *tx)
            .await?;
        }
        if fresh {
            sqlx::query(&format!(
                "DELETE FROM {SHADOW_SCHEMA}.projection_failures WHERE projection = $1"
            ))
            .bind(self.name())
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "DELETE FROM {SHADOW_SCHEMA}.projection_checkpoints WHERE name = $1"
            ))
            .bind(self.name())
            .execute(&mut *tx)
            .await?;
        }
        // Foreign keys between the projection's tables hold between the rebuilt ones too.
        for table in self.projection.tables() {
            for (name, definition) in foreign_keys(&mut tx, "public", table).await? {
                let exists: bool = sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM pg_constraint c
                       JOIN pg_class t ON t.oid = c.conrelid
                       JOIN pg_namespace n ON n.oid = t.relnamespace
                      WHERE n.nspname = $1 AND t.relname = $2 AND c.conname = $3)",
                )
                .bind(SHADOW_SCHEMA)
                .bind(table)
                .bind(&name)
                .fetch_one(&mut *tx)
                .await?;
                if !exists {
                    let definition = self.shadow_reference(&definition);
                    sqlx::query(&format!(
                        "ALTER TABLE {SHADOW_SCHEMA}.{table} ADD CONSTRAINT {name} {definition}"
                    ))
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        // Lookups while building go by primary key; the other indexes are built once at the
        // end ([`Rebuild::index`]) rather than kept up row by row.
        for table in self.projection.tables() {
            for (name, _) in indexes(&mut tx, SHADOW_SCHEMA, table, Secondary).await? {
                sqlx::query(&format!("DROP INDEX {SHADOW_SCHEMA}.\"{name}\""))
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(self.runner(&self.shadow, None).position().await?)
    }

    /// Builds on the rebuilt tables the live tables' secondary indexes they lack (left out
    /// while building, see [`Rebuild::prepare`]). [`Rebuild::switch`] does it first; calling
    /// it earlier only moves the work.
    pub async fn index(&self) -> Result<(), RebuildError> {
        let mut conn = self.live.acquire().await?;
        for table in self.projection.tables() {
            let built: Vec<String> = indexes(&mut conn, SHADOW_SCHEMA, table, Secondary)
                .await?
                .iter()
                .map(|(_, definition)| index_shape(definition))
                .collect();
            for (_, definition) in indexes(&mut conn, "public", table, Secondary).await? {
                if built.contains(&index_shape(&definition)) {
                    continue;
                }
                let Some((_, on)) = definition.split_once(" ON public.") else {
                    continue;
                };
                sqlx::query(&format!("CREATE INDEX ON {SHADOW_SCHEMA}.{on}"))
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// A foreign key's definition, pointing at the rebuilt table when it points at one of the
    /// projection's own.
    fn shadow_reference(&self, definition: &str) -> String {
        let mut out = definition.to_string();
        for table in self.projection.tables() {
            out = out.replace(
                &format!("REFERENCES {table}("),
                &format!("REFERENCES {SHADOW_SCHEMA}.{table}("),
            );
        }
        out
    }

    /// How many events lie after `position` (for progress).
    pub async fn events_after(&self, position: &Position) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT count(*) FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2)",
        )
        .bind(&position.transaction_id)
        .bind(position.global_position)
        .fetch_one(&self.live)
        .await
    }

    /// Applies the next batch to the rebuilt tables; `Ok(0)` once they are at the head.
    pub async fn step(&self) -> Result<usize, RebuildError> {
        self.step_with(&self.runner(&self.shadow, None)).await
    }

    /// One batch; while another rebuild of the same projection holds its checkpoint, waits. A
    /// batch holding an event the projection cannot apply goes one event at a time up to it, so
    /// an event operators had the live projection skip is passed over here too.
    async fn step_with(&self, runner: &ProjectionRunner) -> Result<usize, RebuildError> {
        let one_at_a_time = runner.one_at_a_time();
        let (mut narrow, mut narrowed) = (false, 0);
        loop {
            let batch = if narrow {
                one_at_a_time.run_batch().await
            } else {
                runner.run_batch().await
            };
            match batch {
                Ok(Batch::Applied(n))
                    if narrow && n > 0 && narrowed + n < self.batch_size as usize =>
                {
                    narrowed += n;
                }
                Ok(Batch::Applied(n)) => return Ok(narrowed + n),
                Ok(Batch::Busy) => tokio::time::sleep(Duration::from_millis(50)).await,
                Ok(Batch::Waiting(_) | Batch::Stuck(_)) => break,
                Err(error) if error.is_persistent() && !narrow => narrow = true,
                Err(error) => return Err(error.into()),
            }
        }
        let (position, error): (i64, String) = sqlx::query_as(
            "SELECT global_position, error FROM projection_failures
              WHERE projection = $1 AND resolved_at IS NULL",
        )
        .bind(self.name())
        .fetch_one(&self.shadow)
        .await?;
        Err(RebuildError::Stuck {
            projection: self.name(),
            position,
            error,
        })
    }

    /// Brings the live projection to the head, holds it there, brings the rebuilt tables to
    /// exactly its position, compares them, and swaps them in — all while the API serves.
    pub async fn switch(&self) -> Result<Switched, RebuildError> {
        self.index().await?;
        // The live projection first catches up (normally it already has: `serve` runs it).
        let live_runner = self.runner(&self.live, None);
        loop {
            match live_runner.run_batch().await? {
                Batch::Applied(0) => break,
                Batch::Applied(_) => continue,
                Batch::Busy => tokio::time::sleep(Duration::from_millis(20)).await,
                Batch::Waiting(_) | Batch::Stuck(_) => break,
            }
        }
        let mut tx = self.live.begin().await?;
        // Readers queue behind the swap's table locks: never let them wait long for it.
        sqlx::query("SET LOCAL lock_timeout = '5s'")
            .execute(&mut *tx)
            .await?;
        // Holds the live runner (on every replica) where it stands until the swap commits.
        let (transaction_id, global_position): (String, i64) = sqlx::query_as(
            "SELECT last_transaction_id::text, last_global_position FROM public.projection_checkpoints
              WHERE name = $1 FOR UPDATE",
        )
        .bind(self.name())
        .fetch_one(&mut *tx)
        .await?;
        let live = Position {
            transaction_id,
            global_position,
        };
        let catch_up = self.runner(&self.shadow, Some(live.clone()));
        while self.step_with(&catch_up).await? > 0 {}
        let rebuilt = catch_up.position().await?;
        if rebuilt != live {
            return Err(RebuildError::LiveBehind {
                projection: self.name(),
                live: live.global_position,
                rebuilt: rebuilt.global_position,
            });
        }
        let mut tables = Vec::new();
        for table in self.projection.tables() {
            tables.push(compare(&mut tx, table).await?);
        }
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {REPLACED_SCHEMA}"))
            .execute(&mut *tx)
            .await?;
        for table in self.projection.tables() {
            name_like_live(&mut tx, table).await?;
        }
        for table in self.projection.tables() {
            sqlx::query(&format!(
                "DROP TABLE IF EXISTS {REPLACED_SCHEMA}.{table} CASCADE"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "ALTER TABLE public.{table} SET SCHEMA {REPLACED_SCHEMA}"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!(
                "ALTER TABLE {SHADOW_SCHEMA}.{table} SET SCHEMA public"
            ))
            .execute(&mut *tx)
            .await?;
        }
        for runner_table in [
            "projection_failures WHERE projection",
            "projection_checkpoints WHERE name",
        ] {
            sqlx::query(&format!("DELETE FROM {SHADOW_SCHEMA}.{runner_table} = $1"))
                .bind(self.name())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        for table in self.projection.tables().iter().rev() {
            sqlx::query(&format!(
                "DROP TABLE IF EXISTS {REPLACED_SCHEMA}.{table} CASCADE"
            ))
            .execute(&self.live)
            .await?;
        }
        Ok(Switched {
            position: live.global_position,
            tables,
        })
    }
}

/// `(name, definition)` of each foreign key on `schema.table`.
async fn foreign_keys(
    conn: &mut PgConnection,
    schema: &str,
    table: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.conname::text, pg_get_constraintdef(c.oid)
           FROM pg_constraint c
           JOIN pg_class t ON t.oid = c.conrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE c.contype = 'f' AND n.nspname = $1 AND t.relname = $2
          ORDER BY c.conname",
    )
    .bind(schema)
    .bind(table)
    .fetch_all(conn)
    .await
}

/// Row count and a checksum of every row's content, independent of physical order.
async fn checksum(
    conn: &mut PgConnection,
    schema: &str,
    table: &str,
) -> Result<(i64, String), sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT count(*), COALESCE(md5(string_agg(h, '' ORDER BY h)), '')
           FROM (SELECT md5(t::text) AS h FROM {schema}.{table} t) rows"
    ))
    .fetch_one(conn)
    .await
}

async fn compare(
    conn: &mut PgConnection,
    table: &'static str,
) -> Result<TableComparison, sqlx::Error> {
    let (live_rows, live_checksum) = checksum(conn, "public", table).await?;
    let (rebuilt_rows, rebuilt_checksum) = checksum(conn, SHADOW_SCHEMA, table).await?;
    Ok(TableComparison {
        table,
        live_rows,
        rebuilt_rows,
        live_checksum,
        rebuilt_checksum,
    })
}

/// Renames the rebuilt table's indexes (and so the constraints they back) to the live table's
/// names, matched by definition, so the schema after the swap is the one migrations made.
async fn name_like_live(conn: &mut PgConnection, table: &str) -> Result<(), sqlx::Error> {
    let live = indexes(&mut *conn, "public", table, All).await?;
    let mut rebuilt = indexes(&mut *conn, SHADOW_SCHEMA, table, All).await?;
    for (live_name, live_definition) in live {
        let shape = index_shape(&live_definition);
        let Some(at) = rebuilt
            .iter()
            .position(|(_, definition)| index_shape(definition) == shape)
        else {
            continue;
        };
        let (rebuilt_name, _) = rebuilt.remove(at);
        if rebuilt_name != live_name {
            sqlx::query(&format!(
                "ALTER INDEX {SHADOW_SCHEMA}.\"{rebuilt_name}\" RENAME TO \"{live_name}\""
            ))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Which of a table's indexes [`indexes`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Indexes {
    All,
    /// Those no key or constraint stands on: only queries use them.
    Secondary,
}
use Indexes::{All, Secondary};

/// A table's indexes as (name, definition), by name.
async fn indexes(
    conn: &mut PgConnection,
    schema: &str,
    table: &str,
    which: Indexes,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.relname::text, pg_get_indexdef(i.oid)
           FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class t ON t.oid = x.indrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = $1 AND t.relname = $2
            AND (NOT $3 OR (NOT x.indisunique AND NOT x.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)))
          ORDER BY i.relname",
    )
    .bind(schema)
    .bind(table)
    .bind(which == Secondary)
    .fetch_all(conn)
    .await
}

/// An index definition without its name and its table's schema: what makes two the same.
fn index_shape(definition: &str) -> String {
    let Some((head, rest)) = definition.split_once(" ON ") else {
        return definition.to_string();
    };
    let unique = head.contains("UNIQUE");
    let rest = rest.split_once('.').map(|(_, r)| r).unwrap_or(rest);
    let rest = rest.split_once(' ').map(|(_, r)| r).unwrap_or(rest);
    format!("{unique} {rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_see_the_same_index_under_another_name_and_schema() {
        assert_eq!(
            index_shape("CREATE UNIQUE INDEX brands_10dlc_pkey ON public.brands_10dlc USING btree (brand_id)"),
            index_shape("CREATE UNIQUE INDEX brands_10dlc_pkey1 ON tendlc_rebuild.brands_10dlc USING btree (brand_id)"),
        );
        assert_ne!(
            index_shape("CREATE UNIQUE INDEX a ON public.t USING btree (x)"),
            index_shape("CREATE INDEX a ON public.t USING btree (x)"),
        );
        assert_ne!(
            index_shape("CREATE INDEX a ON public.t USING btree (x) WHERE (y IS NOT NULL)"),
            index_shape("CREATE INDEX a ON public.t USING btree (x)"),
        );
    }
}
