//! The Scan and Share queue: profiles patients shared at a counter, with their
//! tokens.

use crate::{Store, StoreError};

/// A shared profile as the queue keeps it: numbers masked, match keys for a
/// returning patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRecord {
    pub address: String,
    pub full_name: String,
    /// `M`, `F` or `O`.
    pub gender: String,
    pub year_of_birth: u16,
    pub abha_number_masked: Option<String>,
    pub mobile_masked: Option<String>,
    pub abha_number_key: Option<String>,
    pub mobile_key: Option<String>,
}

/// One share in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedShare {
    pub id: i64,
    pub counter: String,
    /// The token's number at its counter, from 1 each day.
    pub number: i64,
    pub record: ShareRecord,
    pub shared_at: i64,
}

/// What became of a share the desk dealt with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareSettled {
    Registered,
    Dismissed,
}

struct Row {
    id: i64,
    counter: String,
    number: i64,
    address: String,
    full_name: String,
    gender: String,
    year_of_birth: i64,
    abha_number_masked: Option<String>,
    mobile_masked: Option<String>,
    abha_number_key: Option<String>,
    mobile_key: Option<String>,
    shared_at: i64,
}

impl From<Row> for QueuedShare {
    fn from(row: Row) -> Self {
        QueuedShare {
            id: row.id,
            counter: row.counter,
            number: row.number,
            record: ShareRecord {
                address: row.address,
                full_name: row.full_name,
                gender: row.gender,
                year_of_birth: u16::try_from(row.year_of_birth).unwrap_or_default(),
                abha_number_masked: row.abha_number_masked,
                mobile_masked: row.mobile_masked,
                abha_number_key: row.abha_number_key,
                mobile_key: row.mobile_key,
            },
            shared_at: row.shared_at,
        }
    }
}

impl Store {
    /// Keeps a share made on `day` at `counter` and answers its token number:
    /// the one the same address was given there since `repeat_since` and still
    /// waits with (a repeat share), or the counter's next one that day.
    pub async fn keep_share(
        &self,
        day: &str,
        counter: &str,
        record: &ShareRecord,
        now: i64,
        repeat_since: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write().await?;
        let repeat = sqlx::query_scalar!(
            r#"SELECT number AS "number!" FROM shares WHERE day = ? AND counter = ? AND address = ?
               AND state = 'waiting' AND shared_at >= ? ORDER BY shared_at DESC LIMIT 1"#,
            day,
            counter,
            record.address,
            repeat_since
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(number) = repeat {
            tx.commit().await?;
            return Ok(number);
        }
        let year = i64::from(record.year_of_birth);
        let number = sqlx::query_scalar!(
            r#"INSERT INTO shares (day, counter, number, address, full_name, gender, year_of_birth,
                   abha_number_masked, mobile_masked, abha_number_key, mobile_key, shared_at)
               VALUES (?1, ?2, (SELECT coalesce(max(number), 0) + 1 FROM shares WHERE day = ?1 AND counter = ?2),
                   ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
               RETURNING number AS "number!""#,
            day,
            counter,
            record.address,
            record.full_name,
            record.gender,
            year,
            record.abha_number_masked,
            record.mobile_masked,
            record.abha_number_key,
            record.mobile_key,
            now
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(number)
    }

    /// The shares of `day` still waiting for the desk, in the order they came.
    pub async fn waiting_shares(&self, day: &str) -> Result<Vec<QueuedShare>, StoreError> {
        let rows = sqlx::query_as!(
            Row,
            r#"SELECT id AS "id!", counter, number, address, full_name, gender, year_of_birth, abha_number_masked,
                      mobile_masked, abha_number_key, mobile_key, shared_at
               FROM shares WHERE day = ? AND state = 'waiting' ORDER BY shared_at, id"#,
            day
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(QueuedShare::from).collect())
    }

    /// Takes a waiting share out of the queue; `None` when it is not waiting.
    pub async fn settle_share(&self, id: i64, settled: ShareSettled) -> Result<Option<QueuedShare>, StoreError> {
        let state = match settled {
            ShareSettled::Registered => "registered",
            ShareSettled::Dismissed => "dismissed",
        };
        let row = sqlx::query_as!(
            Row,
            r#"UPDATE shares SET state = ? WHERE id = ? AND state = 'waiting'
               RETURNING id AS "id!", counter, number, address, full_name, gender, year_of_birth, abha_number_masked,
                         mobile_masked, abha_number_key, mobile_key, shared_at"#,
            state,
            id
        )
        .fetch_optional(&self.writer)
        .await?;
        Ok(row.map(QueuedShare::from))
    }
}
