use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{DbKey, StoreError, error::is_not_a_database};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// What [`DbKey::derive`] makes the matching key for.
const MATCH_PURPOSE: &str = "person-match";

/// Which number a match key is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// The 14 digits, without hyphens.
    AbhaNumber,
    /// The 10 digits, without the country code.
    Mobile,
}

impl MatchKind {
    fn label(self) -> &'static str {
        match self {
            MatchKind::AbhaNumber => "abha-number",
            MatchKind::Mobile => "mobile",
        }
    }
}

/// The encrypted local cache. Cheap to clone (two pools).
#[derive(Debug, Clone)]
pub struct Store {
    /// Connections that read.
    pub(crate) pool: SqlitePool,
    /// The one connection that writes, kept for the app's life. Each connection
    /// has its own page cache, and SQLite drops it whenever another connection
    /// has written: when every connection wrote, most statements of a write
    /// found their pages gone and read and decrypted them again (two to three
    /// times the cost; about 0.4 ms of a login through `Phr`). The writer's pages
    /// stay, and the readers still read while it writes.
    pub(crate) writer: SqlitePool,
    /// Keys the digests that find a returning patient by number (see [`Store::match_key`]).
    matcher: ring::hmac::Key,
    /// Seals secrets on their way to the keyring (see `pending.rs`).
    pub(crate) pending_key: std::sync::Arc<ring::aead::LessSafeKey>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` with `key`, checks the key
    /// and brings the tables up to date. A wrong key is [`StoreError::WrongKey`]:
    /// the caller may ask again, or wipe the cache and sign in again; it never
    /// reopens the file unencrypted.
    pub async fn open(path: &Path, key: &DbKey) -> Result<Self, StoreError> {
        // SQLCipher encrypts with OpenSSL, which by default frees its state at
        // exit while sqlx's connection threads may still be encrypting a page
        // or closing: the process then crashes on its way out. This first
        // initialisation (openssl-sys asks for OPENSSL_INIT_NO_ATEXIT) leaves
        // the freeing to the OS. Idempotent.
        openssl_sys::init();
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
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options.clone())
            .await
            .map_err(open_err)?;
        // SQLCipher accepts any key when connecting and fails on the first read.
        sqlx::query("SELECT count(*) FROM sqlite_master").execute(&writer).await.map_err(open_err)?;
        MIGRATOR.run(&writer).await?;
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(options).await.map_err(open_err)?;
        let matcher = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.derive(MATCH_PURPOSE).expose());
        let pending_key = std::sync::Arc::new(crate::pending::sealing_key(key));
        Ok(Self { pool, writer, matcher, pending_key })
    }

    /// The digest under which a person's ABHA number or mobile (`kind`) is kept
    /// for matching: keyed, so that the file does not give the numbers away to
    /// whoever tries all ten-digit mobiles; and lost with the database key.
    pub fn match_key(&self, kind: MatchKind, normalized: &str) -> String {
        let tag = ring::hmac::sign(&self.matcher, format!("{}:{normalized}", kind.label()).as_bytes());
        tag.as_ref()[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A transaction on the writer. It takes SQLite's write lock at its start,
    /// waiting as long as the busy timeout allows: a deferred one that reads
    /// first would fail at its first write, without waiting, had another
    /// connection written in between (SQLITE_BUSY on a stale snapshot). Only
    /// the writer writes in this process, but nothing stops another from
    /// opening the file.
    pub(crate) async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
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
        self.writer.close().await;
    }
}
