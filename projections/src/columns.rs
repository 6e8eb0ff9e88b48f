//! Read-model rows as explicit columns, both ways. A row type lists its columns once
//! ([`row!`](crate::row)); that gives it `FromRow`, a batched upsert that writes any number
//! of rows in one statement (`INSERT … SELECT FROM UNNEST(…)`), moving each row only forward,
//! and [`insert_copied`], which writes rows that cannot exist yet through `COPY`.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sqlx::postgres::{PgArguments, PgHasArrayType, PgRow};
use sqlx::query::Query;
use sqlx::{Encode, PgConnection, Postgres, Row, Type};
use tendlc_domain::brand::{AuthPlus, BrandAction, BrandProfile, RegistrationStatus};
use tendlc_domain::campaign::{CampaignAction, CampaignProfile, Mno};
use tendlc_domain::customer::Ban;
use tendlc_domain::metadata::Source;
use tendlc_domain::notification::NotificationPreferences;
use tendlc_domain::tcr::{MnoTerms, TcrEventType, UsecaseQualification};
use tendlc_domain::values::{
    AppealStatus, BrandRelationship, Email, EntityType, Reported, ServiceTier, TcrValue, Vertical,
};
use tendlc_domain::webhook::{ProcessingOutcome, SignatureVerdict, WebhookCategory};

/// How one Rust value is kept in one column.
pub trait Column: Sized {
    /// The column's Postgres type (a batch binds an array of it).
    const SQL_TYPE: &'static str;
    /// What is bound for it.
    type Bind: for<'q> Encode<'q, Postgres>
        + Type<Postgres>
        + PgHasArrayType
        + CopyText
        + Send
        + 'static;

    fn read(row: &PgRow, column: &str) -> Result<Self, sqlx::Error>;
    fn bind(&self) -> Self::Bind;
}

/// Values stored as themselves.
macro_rules! plain_columns {
    ($($ty:ty => $sql:literal),+ $(,)?) => {$(
        impl Column for $ty {
            const SQL_TYPE: &'static str = $sql;
            type Bind = $ty;

            fn read(row: &PgRow, column: &str) -> Result<Self, sqlx::Error> {
                row.try_get(column)
            }

            fn bind(&self) -> Self::Bind {
                self.clone()
            }
        }
    )+};
}

plain_columns!(
    uuid::Uuid => "uuid",
    String => "text",
    Option<String> => "text",
    bool => "bool",
    i32 => "int4",
    Option<i32> => "int4",
    i64 => "int8",
    Option<f64> => "float8",
    DateTime<Utc> => "timestamptz",
    Option<DateTime<Utc>> => "timestamptz",
    Option<NaiveDate> => "date",
    Value => "jsonb",
    Option<Value> => "jsonb",
);

/// The text a value's serde form spells (`"PENDING"`, `"webhook"`, …): what a text column of
/// a value holds.
pub fn spelling<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(error) => error.to_string(),
    }
}

/// The value a column's text or JSON holds, read as its serde form.
fn from_json<T: DeserializeOwned>(
    column: &str,
    stored: impl Into<Value>,
) -> Result<T, sqlx::Error> {
    serde_json::from_value(stored.into()).map_err(|error| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: Box::new(error),
    })
}

/// Values stored as a `$bind` (text, JSON) they are converted to and from: `$read(column,
/// stored)` reads one, `$write(&value)` gives what to store. `Option<T>` is NULL for `None`.
macro_rules! converted_columns {
    ($sql:literal as $bind:ty, $read:ident, $write:ident: $($ty:ty),+ $(,)?) => {$(
        impl Column for $ty {
            const SQL_TYPE: &'static str = $sql;
            type Bind = $bind;

            fn read(row: &PgRow, column: &str) -> Result<Self, sqlx::Error> {
                $read(column, row.try_get::<$bind, _>(column)?)
            }

            fn bind(&self) -> Self::Bind {
                $write(self)
            }
        }

        impl Column for Option<$ty> {
            const SQL_TYPE: &'static str = $sql;
            type Bind = Option<$bind>;

            fn read(row: &PgRow, column: &str) -> Result<Self, sqlx::Error> {
                row.try_get::<Option<$bind>, _>(column)?
                    .map(|stored| $read(column, stored))
                    .transpose()
            }

            fn bind(&self) -> Self::Bind {
                self.as_ref().map($write)
            }
        }
    )+};
}

// Ours, stored as the text their serde form spells; a value this build does not know fails the
// read (TCR's values are `Reported`, below).
converted_columns!(
    "text" as String,
    from_json,
    spelling:
    RegistrationStatus,
    Source,
    Ban,
    ServiceTier,
    BrandRelationship,
    EntityType,
    Vertical,
    AppealStatus,
    WebhookCategory,
    SignatureVerdict,
    ProcessingOutcome,
    TcrEventType,
    crate::webhook_events::Disposition,
);

/// A value TCR reported: kept as it came, known or not.
impl<T: TcrValue> Column for Reported<T> {
    const SQL_TYPE: &'static str = "text";
    type Bind = String;

    fn read(row: &PgRow, column: &str) -> Result<Self, sqlx::Error> {
        Ok(Reported::parse(&row.try_get::<String, _>(column)?))
    }

    fn bind(&self) -> Self::Bind {
        self.as_str().to_string()
    }
}

impl<T: TcrValue> Column for Option<Reported<T>> {
    const SQL_TYPE: &'static str = "text";
    type Bind = Option<String>;

    fn read(row: &PgRow, column: &str) -> Result<Self, sqlx::Error> {
        Ok(row
            .try_get::<Option<String>, _>(column)?
            .map(|text| Reported::parse(&text)))
    }

    fn bind(&self) -> Self::Bind {
        self.as_ref().map(|value| value.as_str().to_string())
    }
}

/// A carrier, by TCR network id.
impl Column for Mno {
    const SQL_TYPE: &'static str = "int4";
    type Bind = i32;

    fn read(row: &PgRow, column: &str) -> Result<Self, sqlx::Error> {
        Ok(Mno(row.try_get::<i32, _>(column)? as u32))
    }

    fn bind(&self) -> Self::Bind {
        self.0 as i32
    }
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

// Stored as JSON documents, in the shape their events record them in.
converted_columns!(
    "jsonb" as Value,
    from_json,
    json:
    BrandProfile,
    BrandAction,
    AuthPlus,
    CampaignProfile,
    CampaignAction,
    UsecaseQualification,
    BTreeMap<String, MnoTerms>,
    BTreeMap<String, String>,
    Vec<Email>,
    NotificationPreferences,
);

/// A value as `COPY`'s text format spells it: escaped, `\N` for NULL. Spelled as Postgres
/// reads the binary form the upsert sends, so a row reads back the same either way.
pub trait CopyText {
    fn copy_text(&self, out: &mut String);
}

/// `text` with `COPY`'s separators and escape character escaped.
fn copy_escaped(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

impl CopyText for String {
    fn copy_text(&self, out: &mut String) {
        copy_escaped(self, out);
    }
}

impl CopyText for bool {
    fn copy_text(&self, out: &mut String) {
        out.push(if *self { 't' } else { 'f' });
    }
}

macro_rules! copy_displayed {
    ($($ty:ty),+) => {$(
        impl CopyText for $ty {
            fn copy_text(&self, out: &mut String) {
                use std::fmt::Write;
                let _ = write!(out, "{self}");
            }
        }
    )+};
}

copy_displayed!(i32, i64, uuid::Uuid);

impl CopyText for f64 {
    fn copy_text(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = match self {
            x if x.is_nan() => write!(out, "NaN"),
            x if x.is_infinite() && *x > 0.0 => write!(out, "Infinity"),
            x if x.is_infinite() => write!(out, "-Infinity"),
            // Rust's shortest spelling that reads back as the same f64.
            x => write!(out, "{x:?}"),
        };
    }
}

impl CopyText for DateTime<Utc> {
    fn copy_text(&self, out: &mut String) {
        // Microseconds, truncated, as the binary form carries them.
        out.push_str(&self.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    }
}

impl CopyText for NaiveDate {
    fn copy_text(&self, out: &mut String) {
        out.push_str(&self.format("%Y-%m-%d").to_string());
    }
}

impl CopyText for Value {
    fn copy_text(&self, out: &mut String) {
        copy_escaped(&self.to_string(), out);
    }
}

impl<T: CopyText> CopyText for Option<T> {
    fn copy_text(&self, out: &mut String) {
        match self {
            Some(value) => value.copy_text(out),
            None => out.push_str("\\N"),
        }
    }
}

/// A row type of one read-model table, with its columns listed once by [`row!`](crate::row).
pub trait Table: Sized {
    const TABLE: &'static str;
    /// The primary key's columns.
    const KEY: &'static [&'static str];
    /// Every column, with its Postgres type, in declaration order.
    const COLUMNS: &'static [(&'static str, &'static str)];

    /// Binds one array per column, in [`Table::COLUMNS`] order, holding those rows' values.
    fn bind_columns<'q>(
        query: Query<'q, Postgres, PgArguments>,
        rows: &[&Self],
    ) -> Query<'q, Postgres, PgArguments>;

    /// Appends the row as one line of `COPY`'s text format, columns in [`Table::COLUMNS`]' order.
    fn copy_row(&self, out: &mut String);

    /// The column list for a `SELECT`, each column prefixed with `alias.` when one is given.
    fn select_list(alias: Option<&str>) -> String {
        let prefix = alias.map(|a| format!("{a}.")).unwrap_or_default();
        Self::COLUMNS
            .iter()
            .map(|(name, _)| format!("{prefix}{name}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The rows of `T` whose `column` holds one of `ids`, in one query.
pub async fn select_in<T, I>(
    conn: &mut PgConnection,
    column: &str,
    ids: &[I],
) -> Result<Vec<T>, sqlx::Error>
where
    T: Table + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    I: for<'q> Encode<'q, Postgres> + Type<Postgres> + PgHasArrayType + Sync,
{
    sqlx::query_as(&format!(
        "SELECT {} FROM {} WHERE {column} = ANY($1)",
        T::select_list(None),
        T::TABLE
    ))
    .bind(ids)
    .fetch_all(conn)
    .await
}

/// Writes rows in one statement: new ones are inserted, existing ones replaced, but only by
/// a row that reflects a later event (`last_sequence`), so redelivery is harmless.
pub async fn upsert<T: Table>(conn: &mut PgConnection, rows: &[&T]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let sql = upsert_sql(T::TABLE, T::KEY, T::COLUMNS);
    T::bind_columns(sqlx::query(&sql), rows)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Writes rows that do not exist yet (their aggregates had none) in one `COPY`: cheaper than
/// the upsert for many wide rows, and it fails rather than overwrite a row that does exist.
pub async fn insert_copied<T: Table>(
    conn: &mut PgConnection,
    rows: &[&T],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for row in rows {
        row.copy_row(&mut text);
    }
    let names: Vec<&str> = T::COLUMNS.iter().map(|(name, _)| *name).collect();
    let mut copy = conn
        .copy_in_raw(&format!(
            "COPY {} ({}) FROM STDIN",
            T::TABLE,
            names.join(", ")
        ))
        .await?;
    copy.send(text.into_bytes()).await?;
    copy.finish().await.map(|_| ())
}

fn upsert_sql(table: &str, key: &[&str], columns: &[(&str, &str)]) -> String {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let arrays: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(n, (_, sql_type))| format!("${}::{sql_type}[]", n + 1))
        .collect();
    let updates: Vec<String> = names
        .iter()
        .filter(|name| !key.contains(name))
        .map(|name| format!("{name} = EXCLUDED.{name}"))
        .collect();
    format!(
        "INSERT INTO {table} ({}) SELECT * FROM UNNEST({})
         ON CONFLICT ({}) DO UPDATE SET {}
         WHERE {table}.last_sequence < EXCLUDED.last_sequence",
        names.join(", "),
        arrays.join(", "),
        key.join(", "),
        updates.join(", "),
    )
}

/// Declares a read-model row: the struct, its `FromRow` and its [`Table`] impl, from one list
/// of columns (each field is the column of that name, kept as its type's [`Column`] says).
#[macro_export]
macro_rules! row {
    (
        $(#[$meta:meta])*
        pub struct $name:ident in $table:literal, key ($($key:ident),+) {
            $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)+
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)+
        }

        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $name {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> Result<Self, sqlx::Error> {
                Ok(Self {
                    $($field: <$ty as $crate::columns::Column>::read(row, stringify!($field))?,)+
                })
            }
        }

        impl $crate::columns::Table for $name {
            const TABLE: &'static str = $table;
            const KEY: &'static [&'static str] = &[$(stringify!($key)),+];
            const COLUMNS: &'static [(&'static str, &'static str)] =
                &[$((stringify!($field), <$ty as $crate::columns::Column>::SQL_TYPE)),+];

            fn bind_columns<'q>(
                query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
                rows: &[&Self],
            ) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
                query
                    $(.bind(rows.iter().map(|row| $crate::columns::Column::bind(&row.$field)).collect::<Vec<_>>()))+
            }

            fn copy_row(&self, out: &mut String) {
                $(
                    $crate::columns::CopyText::copy_text(
                        &$crate::columns::Column::bind(&self.$field),
                        out,
                    );
                    out.push('\t');
                )+
                out.pop();
                out.push('\n');
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_should_upsert_every_column_from_one_array_each_and_only_move_rows_forward() {
        let sql = upsert_sql(
            "t",
            &["id"],
            &[
                ("id", "uuid"),
                ("status", "text"),
                ("last_sequence", "int8"),
            ],
        );
        assert!(
            sql.contains("INSERT INTO t (id, status, last_sequence)"),
            "{sql}"
        );
        assert!(
            sql.contains("UNNEST($1::uuid[], $2::text[], $3::int8[])"),
            "{sql}"
        );
        assert!(
            sql.contains(
                "DO UPDATE SET status = EXCLUDED.status, last_sequence = EXCLUDED.last_sequence"
            ),
            "{sql}"
        );
        assert!(
            sql.contains("WHERE t.last_sequence < EXCLUDED.last_sequence"),
            "{sql}"
        );
    }

    #[test]
    fn it_should_spell_values_for_copy_escaped_and_null_as_backslash_n() {
        let text = |value: &dyn CopyText| {
            let mut out = String::new();
            value.copy_text(&mut out);
            out
        };
        assert_eq!(text(&"a\tb\nc\\d\re".to_string()), r"a\tb\nc\\d\re");
        assert_eq!(text(&None::<String>), r"\N");
        assert_eq!(text(&Some(true)), "t");
        assert_eq!(text(&serde_json::json!({"k": "v\n"})), r#"{"k":"v\\n"}"#);
        let at: DateTime<Utc> = "2026-12-06T12:00:00.123456789Z".parse().unwrap();
        assert_eq!(text(&at), "2026-12-06T12:00:00.123456Z");
        assert_eq!(text(&Some(0.1f64)), "0.1");
        assert_eq!(text(&f64::INFINITY), "Infinity");
    }

    #[test]
    fn it_should_spell_a_value_as_its_serde_form() {
        assert_eq!(spelling(&RegistrationStatus::Pending), "PENDING");
        assert_eq!(spelling(&Source::Webhook), "webhook");
        assert_eq!(spelling(&SignatureVerdict::NotChecked), "NOT_CHECKED");
        assert_eq!(spelling(&ProcessingOutcome::NoChange), "no_change");
    }
}
