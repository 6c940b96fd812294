use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{DbKey, StoreError, error::is_not_a_database};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The encrypted local cache. Cheap to clone (a pool).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the database at `path` with `key`, checks the key
    /// and brings the tables up to date. A wrong key is [`StoreError::WrongKey`]:
    /// the caller may ask again, or wipe the cache and sign in again; it never
    /// reopens the file unencrypted.
    pub async fn open(path: &Path, key: &DbKey) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(StoreError::Folder)?;
        }
        let open_err = |source: sqlx::Error| {
            if is_not_a_database(&source) {
                StoreError::WrongKey { path: path.to_owned() }
            } else {
                StoreError::Open { path: path.to_owned(), source }
            }
        };
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(open_err)?
            .filename(path)
            .create_if_missing(true)
            // sqlx sends `key` before any other pragma, as SQLCipher requires.
            .pragma("key", key.pragma_value())
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // Every page read from disk is decrypted; a page cache that holds the
            // search index (about 20 MB at 100,000 people) keeps searches from
            // decrypting it again and again. Negative = KiB.
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "MEMORY");
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await.map_err(open_err)?;
        // SQLCipher accepts any key when connecting and fails on the first read.
        sqlx::query("SELECT count(*) FROM sqlite_master").execute(&pool).await.map_err(open_err)?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// SQLCipher's version, proof that the file is encrypted by it.
    pub async fn cipher_version(&self) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as("PRAGMA cipher_version").fetch_optional(&self.pool).await?;
        Ok(row.map(|(v,)| v))
    }

    /// SQLite's own consistency check: `ok` when the file is sound.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        let (verdict,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&self.pool).await?;
        Ok(verdict)
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}
