//! Verifications waiting for the connection to come back.

use crate::{Store, StoreError};

/// One verification the desk started while it could not reach ABDM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingVerification {
    pub id: String,
    pub address: String,
    /// The gateway's purpose code (`KYC`, `LINK`, `KYC_AND_LINK`).
    pub purpose: String,
    /// What a scanned ABHA QR held, for the demographics form.
    pub full_name: Option<String>,
    pub gender: Option<String>,
    pub date_of_birth: Option<String>,
    pub queued_at: i64,
}

impl Store {
    pub async fn keep_waiting(&self, waiting: &WaitingVerification) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO waiting_verifications (id, address, purpose, full_name, gender, date_of_birth, queued_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            waiting.id,
            waiting.address,
            waiting.purpose,
            waiting.full_name,
            waiting.gender,
            waiting.date_of_birth,
            waiting.queued_at
        )
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The waiting verifications, oldest first.
    pub async fn waiting(&self) -> Result<Vec<WaitingVerification>, StoreError> {
        let rows = sqlx::query_as!(
            WaitingVerification,
            "SELECT id, address, purpose, full_name, gender, date_of_birth, queued_at
             FROM waiting_verifications ORDER BY queued_at, rowid"
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    /// Forgets a waiting verification (sent, or cancelled); `false` if there was none.
    pub async fn forget_waiting(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query!("DELETE FROM waiting_verifications WHERE id = ?", id).execute(&self.writer).await?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether the store was closed (its `Phr` replaced): background work stops.
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }
}
