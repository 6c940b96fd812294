//! Secrets on their way to the OS keyring (see [`crate::Vault::writing_ahead`]):
//! sealed, so the file never holds them in plain text even inside SQLCipher.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

use crate::{Store, StoreError};

/// What the sealing key is derived for.
pub(crate) const PENDING_PURPOSE: &str = "keyring-pending";

pub(crate) fn sealing_key(key: &crate::DbKey) -> LessSafeKey {
    // AES-256 takes any 32 bytes.
    #[allow(clippy::expect_used)]
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key.derive(PENDING_PURPOSE).expose()).expect("a 32-byte key"))
}

/// The entry's name is the additional data: a sealed secret moved to another
/// row does not open.
fn aad(kind: &str, account: &str) -> Vec<u8> {
    format!("{kind}\n{account}").into_bytes()
}

impl Store {
    /// Keeps `secret` sealed until the keyring has it; replaces an older one.
    pub(crate) async fn pend(&self, kind: &str, account: &str, secret: &str) -> Result<(), StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new().fill(&mut nonce).map_err(|_| StoreError::Sealing)?;
        let mut sealed = secret.as_bytes().to_vec();
        self.pending_key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad(kind, account)), &mut sealed)
            .map_err(|_| StoreError::Sealing)?;
        let row = [nonce.as_slice(), &sealed].concat();
        sqlx::query!(
            "INSERT INTO keyring_pending (kind, account, sealed) VALUES (?, ?, ?)
             ON CONFLICT (kind, account) DO UPDATE SET sealed = excluded.sealed",
            kind,
            account,
            row
        )
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The pending secret and its sealed row (to settle exactly that one).
    pub(crate) async fn pending(&self, kind: &str, account: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = sqlx::query!("SELECT sealed FROM keyring_pending WHERE kind = ? AND account = ?", kind, account)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let (nonce, sealed) = row.sealed.split_at_checked(NONCE_LEN).ok_or(StoreError::Sealing)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| StoreError::Sealing)?;
        let mut open = sealed.to_vec();
        let plain = self
            .pending_key
            .open_in_place(nonce, Aad::from(aad(kind, account)), &mut open)
            .map_err(|_| StoreError::Sealing)?;
        let secret = String::from_utf8(plain.to_vec()).map_err(|_| StoreError::Sealing)?;
        Ok(Some((secret, row.sealed)))
    }

    /// Every entry still on its way, oldest write first is not promised.
    pub(crate) async fn all_pending(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query!("SELECT kind, account FROM keyring_pending").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|r| (r.kind, r.account)).collect())
    }

    /// The keyring holds `sealed`'s secret: the row goes, unless a newer
    /// secret replaced it meanwhile.
    pub(crate) async fn settle_pending(&self, kind: &str, account: &str, sealed: &[u8]) -> Result<(), StoreError> {
        sqlx::query!(
            "DELETE FROM keyring_pending WHERE kind = ? AND account = ? AND sealed = ?",
            kind,
            account,
            sealed
        )
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(crate) async fn drop_pending(&self, kind: &str, account: &str) -> Result<(), StoreError> {
        sqlx::query!("DELETE FROM keyring_pending WHERE kind = ? AND account = ?", kind, account)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}
