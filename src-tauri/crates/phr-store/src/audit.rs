use crate::{Store, StoreError};

/// One line of the append-only audit log: who did what to which profile. No
/// payloads, no secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
}

impl Store {
    pub async fn append_audit(
        &self,
        at: i64,
        actor: &str,
        action: &str,
        subject: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query!("INSERT INTO audit (at, actor, action, subject) VALUES (?, ?, ?, ?)", at, actor, action, subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether `action` was ever recorded about `subject`.
    pub async fn audited(&self, action: &str, subject: &str) -> Result<bool, StoreError> {
        let found = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM audit WHERE subject = ? AND action = ?) AS "found!: bool""#,
            subject,
            action
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(found)
    }

    /// The latest entries, newest first.
    pub async fn recent_audit(&self, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let entries = sqlx::query_as!(
            AuditEntry,
            r#"SELECT id AS "id!", at, actor, action, subject FROM audit ORDER BY id DESC LIMIT ?"#,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(entries)
    }
}
