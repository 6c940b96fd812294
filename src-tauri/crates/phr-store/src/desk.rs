use crate::{Store, StoreError};

/// The member of staff signed in at this desk (their tokens are in the vault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskStaff {
    pub staff_id: String,
    pub name: String,
    pub email_masked: Option<String>,
    pub clinic: Option<String>,
    /// `auth-platform` or `oidc`.
    pub way: String,
    pub signed_in_at: i64,
}

impl Store {
    /// Records who is signed in at the desk, replacing whoever was.
    pub async fn set_desk_staff(&self, staff: &DeskStaff) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO desk_staff (one, staff_id, name, email_masked, clinic, way, signed_in_at)
             VALUES (1, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (one) DO UPDATE SET staff_id = excluded.staff_id, name = excluded.name,
             email_masked = excluded.email_masked, clinic = excluded.clinic, way = excluded.way,
             signed_in_at = excluded.signed_in_at",
            staff.staff_id,
            staff.name,
            staff.email_masked,
            staff.clinic,
            staff.way,
            staff.signed_in_at
        )
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn desk_staff(&self) -> Result<Option<DeskStaff>, StoreError> {
        let staff = sqlx::query_as!(
            DeskStaff,
            "SELECT staff_id, name, email_masked, clinic, way, signed_in_at FROM desk_staff WHERE one = 1"
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(staff)
    }

    pub async fn clear_desk_staff(&self) -> Result<(), StoreError> {
        sqlx::query!("DELETE FROM desk_staff").execute(&self.writer).await?;
        Ok(())
    }
}
