//! Uploaded files, content-addressed: the bytes once per SHA-256 digest, one row per customer
//! that uploaded them (so a customer sees only its own).
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

/// What is known of an uploaded file, without its bytes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub customer_id: Uuid,
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
}

/// A file to keep, already checked against what TCR takes.
pub struct NewAttachment<'a> {
    pub customer_id: Uuid,
    pub content_type: &'a str,
    pub file_name: &'a str,
    pub uploaded_by: &'a str,
    pub content: &'a [u8],
}

pub fn sha256_hex(content: &[u8]) -> String {
    hex::encode(Sha256::digest(content))
}

const COLUMNS: &str =
    "customer_id, sha256, content_type, size_bytes, file_name, uploaded_by, created_at";

/// Keeps the file; returns its row and whether this customer had not uploaded it before.
/// Uploading the same bytes again (by anyone) stores nothing new.
pub async fn store(
    pool: &PgPool,
    file: NewAttachment<'_>,
) -> Result<(AttachmentRow, bool), sqlx::Error> {
    let digest = sha256_hex(file.content);
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO attachment_contents (sha256, content) VALUES ($1, $2)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&digest)
    .bind(file.content)
    .execute(&mut *tx)
    .await?;
    let inserted: Option<AttachmentRow> = sqlx::query_as(&format!(
        "INSERT INTO attachments (customer_id, sha256, content_type, size_bytes, file_name, uploaded_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (customer_id, sha256) DO NOTHING
         RETURNING {COLUMNS}"
    ))
    .bind(file.customer_id)
    .bind(&digest)
    .bind(file.content_type)
    .bind(file.content.len() as i64)
    .bind(file.file_name)
    .bind(file.uploaded_by)
    .fetch_optional(&mut *tx)
    .await?;
    let result = match inserted {
        Some(row) => (row, true),
        None => (
            get(&mut *tx, &digest, Some(file.customer_id))
                .await?
                .ok_or(sqlx::Error::RowNotFound)?,
            false,
        ),
    };
    tx.commit().await?;
    Ok(result)
}

/// One file by digest, limited to `scope`'s customer when given.
pub async fn get<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    sha256: &str,
    scope: Option<Uuid>,
) -> Result<Option<AttachmentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM attachments
         WHERE sha256 = $1 AND ($2::uuid IS NULL OR customer_id = $2)
         ORDER BY created_at LIMIT 1"
    ))
    .bind(sha256)
    .bind(scope)
    .fetch_optional(executor)
    .await
}

/// One page of a customer's files (every customer's when `scope` is `None`), newest first,
/// with the total.
pub async fn list(
    pool: &PgPool,
    scope: Option<Uuid>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AttachmentRow>, i64), sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM attachments
         WHERE $1::uuid IS NULL OR customer_id = $1
         ORDER BY created_at DESC, sha256 LIMIT $2 OFFSET $3"
    ))
    .bind(scope)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(
        "SELECT count(*) FROM attachments WHERE $1::uuid IS NULL OR customer_id = $1",
    )
    .bind(scope)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// The bytes of a file the customer uploaded.
pub async fn content(
    pool: &PgPool,
    sha256: &str,
    customer_id: Uuid,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT c.content FROM attachment_contents c
         JOIN attachments a ON a.sha256 = c.sha256
         WHERE c.sha256 = $1 AND a.customer_id = $2",
    )
    .bind(sha256)
    .bind(customer_id)
    .fetch_optional(pool)
    .await
}
