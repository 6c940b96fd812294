use sqlx::SqliteConnection;

use crate::{
    PersonRecord, Store, StoreError,
    people::{reindex, save},
};

/// What [`Store::record_sign_in`] writes.
#[derive(Debug, Clone, Copy)]
pub struct SignIn<'a> {
    pub person: &'a PersonRecord,
    /// The address signed in; one of the person's.
    pub address: &'a str,
    pub at: i64,
    /// When the access token stops working (Unix seconds).
    pub expires_at: i64,
    /// How many addresses the person's mobile has at ABDM, when known.
    pub mobile_addresses: Option<i64>,
    /// What ABDM listed on the mobile or email the sign-in verified, when it did.
    pub linked: Option<&'a [String]>,
    /// The login or sign-up this finishes.
    pub flow_id: &'a str,
}

/// An address signed in on this machine; its tokens are in the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub address: String,
    pub signed_in_at: i64,
    /// When the access token stops working (Unix seconds).
    pub expires_at: i64,
    pub active: bool,
    /// How many addresses the person's mobile had at ABDM, when known.
    pub mobile_addresses: Option<i64>,
}

impl Store {
    /// Records a sign-in and makes it the one in use. The address must be cached.
    pub async fn open_session(
        &self,
        address: &str,
        now: i64,
        expires_at: i64,
        mobile_addresses: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        open(&mut tx, address, now, expires_at, mobile_addresses).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Everything a sign-in changes here, in one transaction: the person
    /// cached, the session opened and made the one in use, what ABDM listed on
    /// the verified contact, the audit line, and the flow it finishes gone.
    /// One commit, not five: each is a write lock and encrypted pages to the WAL.
    pub async fn record_sign_in(&self, sign_in: &SignIn<'_>) -> Result<(), StoreError> {
        let SignIn { person, address, at, expires_at, mobile_addresses, linked, flow_id } = *sign_in;
        let mut tx = self.write().await?;
        save(&mut tx, person, at).await?;
        open(&mut tx, address, at, expires_at, mobile_addresses).await?;
        if let Some(linked) = linked {
            link(&mut tx, address, linked).await?;
        }
        sqlx::query!(
            "INSERT INTO audit (at, actor, action, subject) VALUES (?, ?, 'logged-in', ?)",
            at,
            address,
            address
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("DELETE FROM flows WHERE id = ?", flow_id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Makes another signed-in address the one in use; `false` if it has no session.
    pub async fn activate_session(&self, address: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let known = sqlx::query!("SELECT address FROM sessions WHERE address = ?", address)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if known {
            sqlx::query!("UPDATE sessions SET active = 0 WHERE active = 1").execute(&mut *tx).await?;
            sqlx::query!("UPDATE sessions SET active = 1 WHERE address = ?", address).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(known)
    }

    pub async fn active_session(&self) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query_as!(
            SessionRecord,
            r#"SELECT address, signed_in_at, expires_at, active AS "active: bool",
                      mobile_addresses FROM sessions WHERE active = 1"#
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row)
    }

    pub async fn session(&self, address: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query_as!(
            SessionRecord,
            r#"SELECT address, signed_in_at, expires_at, active AS "active: bool",
                      mobile_addresses FROM sessions WHERE address = ?"#,
            address
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row)
    }

    /// The addresses whose sign-in here has not ended by `now`.
    pub async fn live_sessions(&self, now: i64) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query_scalar!("SELECT address FROM sessions WHERE expires_at > ?", now).fetch_all(&self.pool).await?;
        Ok(rows)
    }

    /// New tokens for a session (after a refresh).
    pub async fn extend_session(&self, address: &str, expires_at: i64) -> Result<(), StoreError> {
        sqlx::query!("UPDATE sessions SET expires_at = ? WHERE address = ?", expires_at, address)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// The person's mobile has one more address.
    pub async fn count_mobile_address(&self, address: &str) -> Result<(), StoreError> {
        sqlx::query!("UPDATE sessions SET mobile_addresses = mobile_addresses + 1 WHERE address = ?", address)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// What ABDM last listed on the mobile or email the session of `address`
    /// verified, in place of what it listed before.
    pub async fn set_linked_addresses(&self, address: &str, linked: &[String]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        link(&mut tx, address, linked).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The addresses ABDM listed together with `address` on a verified mobile
    /// or email: by its own session or by another's (the list is the contact's).
    pub async fn linked_addresses(&self, address: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query_scalar!(
            r#"SELECT linked AS "linked!" FROM linked_addresses WHERE address = ?1
               UNION SELECT address FROM linked_addresses WHERE linked = ?1
               UNION SELECT other.linked FROM linked_addresses mine
                     JOIN linked_addresses other ON other.address = mine.address
                     WHERE mine.linked = ?1 AND other.linked <> ?1
               ORDER BY 1"#,
            address
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }

    pub async fn close_session(&self, address: &str) -> Result<(), StoreError> {
        sqlx::query!("DELETE FROM sessions WHERE address = ?", address).execute(&self.writer).await?;
        Ok(())
    }

    /// Adds an address to the person cached under `existing`; `false` if none is.
    pub async fn add_address(&self, existing: &str, address: &str, now: i64) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let Some(row) = sqlx::query!("SELECT person_id FROM addresses WHERE address = ?", existing)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(false);
        };
        sqlx::query!(
            "INSERT INTO addresses (address, person_id, added_at) VALUES (?, ?, ?)
             ON CONFLICT (address) DO UPDATE SET person_id = excluded.person_id",
            address,
            row.person_id,
            now
        )
        .execute(&mut *tx)
        .await?;
        reindex(&mut tx, row.person_id).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Marks `address` as its person's default, and no other; `false` if it is not cached.
    pub async fn set_default_address(&self, address: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let Some(row) =
            sqlx::query!("SELECT person_id FROM addresses WHERE address = ?", address).fetch_optional(&mut *tx).await?
        else {
            return Ok(false);
        };
        sqlx::query!("UPDATE addresses SET is_default = (address = ?) WHERE person_id = ?", address, row.person_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

// The sealed vault: secrets inside the passphrase-encrypted file.
impl Store {
    pub(crate) async fn seal(&self, kind: &str, account: &str, secret: &str) -> Result<(), StoreError> {
        sqlx::query!(
            "INSERT INTO sealed_secrets (kind, account, secret) VALUES (?, ?, ?)
             ON CONFLICT (kind, account) DO UPDATE SET secret = excluded.secret",
            kind,
            account,
            secret
        )
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(crate) async fn unseal(&self, kind: &str, account: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query!("SELECT secret FROM sealed_secrets WHERE kind = ? AND account = ?", kind, account)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.secret))
    }

    pub(crate) async fn unseal_remove(&self, kind: &str, account: &str) -> Result<(), StoreError> {
        sqlx::query!("DELETE FROM sealed_secrets WHERE kind = ? AND account = ?", kind, account)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Demo mode's reset: every person, address, session and flow is
    /// forgotten, in one transaction. The audit log keeps its lines (it is
    /// append-only). Answers the addresses that were signed in, whose tokens
    /// the caller removes from the vault.
    pub async fn forget_people(&self) -> Result<Vec<String>, StoreError> {
        let mut tx = self.write().await?;
        let signed_in = sqlx::query_scalar!("SELECT address FROM sessions").fetch_all(&mut *tx).await?;
        sqlx::query!("DELETE FROM sessions").execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM flows").execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM shares").execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM waiting_verifications").execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM addresses").execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM people").execute(&mut *tx).await?;
        sqlx::query!("DELETE FROM people_search").execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(signed_in)
    }
}

async fn open(
    conn: &mut SqliteConnection,
    address: &str,
    now: i64,
    expires_at: i64,
    mobile_addresses: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query!("UPDATE sessions SET active = 0 WHERE active = 1").execute(&mut *conn).await?;
    sqlx::query!(
        "INSERT INTO sessions (address, signed_in_at, expires_at, active, mobile_addresses) VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (address) DO UPDATE SET signed_in_at = excluded.signed_in_at,
         expires_at = excluded.expires_at, active = 1,
         mobile_addresses = coalesce(excluded.mobile_addresses, sessions.mobile_addresses)",
        address,
        now,
        expires_at,
        mobile_addresses
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn link(conn: &mut SqliteConnection, address: &str, linked: &[String]) -> Result<(), StoreError> {
    sqlx::query!("DELETE FROM linked_addresses WHERE address = ?", address).execute(&mut *conn).await?;
    for other in linked.iter().filter(|a| *a != address) {
        sqlx::query!("INSERT OR IGNORE INTO linked_addresses (address, linked) VALUES (?, ?)", address, other)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
