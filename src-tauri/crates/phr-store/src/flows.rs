use crate::{Store, StoreError};

/// A flow in progress, saved after each step so a restart resumes it. The state
/// is JSON the flow itself writes, and holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedFlow {
    pub id: String,
    pub kind: String,
    pub state: String,
    /// Unix seconds after which the flow cannot continue (its OTP expired).
    pub expires_at: i64,
}

impl Store {
    pub async fn save_flow(&self, flow: &SavedFlow, now: i64) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO flows (id, kind, state, expires_at, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, state = excluded.state,
             expires_at = excluded.expires_at, updated_at = excluded.updated_at",
            flow.id,
            flow.kind,
            flow.state,
            flow.expires_at,
            now
        )
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn load_flow(&self, id: &str) -> Result<Option<SavedFlow>, StoreError> {
        let flow = sqlx::query_as!(SavedFlow, "SELECT id, kind, state, expires_at FROM flows WHERE id = ?", id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(flow)
    }

    /// Flows saved most recently first, expired ones included (the caller
    /// decides how to end them).
    pub async fn flows(&self) -> Result<Vec<SavedFlow>, StoreError> {
        let flows =
            sqlx::query_as!(SavedFlow, "SELECT id, kind, state, expires_at FROM flows ORDER BY updated_at DESC, id")
                .fetch_all(&self.pool)
                .await?;
        Ok(flows)
    }

    /// Whether there was such a flow.
    pub async fn delete_flow(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query!("DELETE FROM flows WHERE id = ?", id).execute(&self.writer).await?;
        Ok(done.rows_affected() > 0)
    }
}
