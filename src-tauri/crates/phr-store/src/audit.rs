use crate::{Store, StoreError};

/// Audit entries are kept at least this long (366 days: a leap year too).
pub const AUDIT_KEPT_SECS: i64 = 31_622_400;

/// One line of the append-only audit log: who did what to which profile. No
/// payloads, no secrets. Front-desk lines also name the member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub staff_id: Option<String>,
    pub staff_name: Option<String>,
}

/// Which front-desk lines to read: a time range and one member of staff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, exclusive.
    pub to: Option<i64>,
    pub staff_id: Option<String>,
}

/// The member of staff a front-desk line names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByStaff<'a> {
    pub id: &'a str,
    pub name: &'a str,
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
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// A front-desk line: `actor` is the desk (its HIP id), `staff` who was at it.
    pub async fn append_desk_audit(
        &self,
        at: i64,
        actor: &str,
        action: &str,
        subject: Option<&str>,
        staff: ByStaff<'_>,
    ) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO audit (at, actor, action, subject, staff_id, staff_name) VALUES (?, ?, ?, ?, ?, ?)",
            at,
            actor,
            action,
            subject,
            staff.id,
            staff.name
        )
        .execute(&self.writer)
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
            r#"SELECT id AS "id!", at, actor, action, subject, staff_id, staff_name FROM audit ORDER BY id DESC LIMIT ?"#,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(entries)
    }

    /// Front-desk lines (those naming a member of staff) that pass `filter`,
    /// newest first, at most `limit`.
    pub async fn desk_audit(&self, filter: &AuditFilter, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let (from, to) = (filter.from.unwrap_or(i64::MIN), filter.to.unwrap_or(i64::MAX));
        let entries = sqlx::query_as!(
            AuditEntry,
            r#"SELECT id AS "id!", at, actor, action, subject, staff_id, staff_name FROM audit
               WHERE staff_id IS NOT NULL AND at >= ? AND at < ? AND (? IS NULL OR staff_id = ?)
               ORDER BY at DESC, id DESC LIMIT ?"#,
            from,
            to,
            filter.staff_id,
            filter.staff_id,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(entries)
    }

    /// Everyone the front-desk lines name, by id, with the name last recorded.
    pub async fn desk_audit_staff(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query!(
            r#"SELECT staff_id AS "staff_id!", staff_name AS "staff_name!" FROM audit
               WHERE id IN (SELECT max(id) FROM audit WHERE staff_id IS NOT NULL GROUP BY staff_id)
               ORDER BY staff_name"#
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| (r.staff_id, r.staff_name)).collect())
    }

    /// Removes entries older than a year before `now`, and only those the log
    /// lets go (more than a year older than its newest entry); how many went.
    pub async fn prune_audit(&self, now: i64) -> Result<u64, StoreError> {
        let before = now - AUDIT_KEPT_SECS;
        let done =
            sqlx::query!("DELETE FROM audit WHERE at < ? AND at <= (SELECT max(at) FROM audit) - 31622400", before)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected())
    }
}
