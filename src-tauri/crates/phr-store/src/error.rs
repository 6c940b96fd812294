use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but does not open with this key (or is not a database).
    #[error("the local cache at {} cannot be opened with this key", path.display())]
    WrongKey { path: PathBuf },
    #[error("cannot open the local cache at {}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot bring the local cache's tables up to date")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the local cache failed")]
    Sql(#[from] sqlx::Error),
    #[error("cannot create the folder for the local cache")]
    Folder(#[source] std::io::Error),
    /// A secret on its way to the keyring could not be sealed or opened.
    #[error("a secret waiting for the keyring could not be sealed or opened")]
    Sealing,
}

/// SQLCipher's answer to a wrong key, on the first read: `file is not a database` (26).
pub(crate) fn is_not_a_database(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().as_deref() == Some("26") || db.message().contains("file is not a database")
        }
        _ => false,
    }
}
