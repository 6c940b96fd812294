use abdm_types::Sensitive;

use crate::{Store, StoreError};

/// What the vault keeps, each under its own name so one kind never overwrites another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// The SQLCipher key of the local cache.
    DatabaseKey,
    /// A user's sign-in, per ABHA address: the access and refresh tokens in one
    /// entry, so signing in or refreshing is one keyring write.
    UserSignIn,
    /// A user's access token, per ABHA address, as versions before the one
    /// entry kept it: read when `UserSignIn` is missing, removed at logout.
    UserToken,
    /// A user's refresh token, as versions before the one entry kept it.
    RefreshToken,
    /// The ABDM client secret of this installation.
    ClientSecret,
    /// A member of staff's sign-in (tokens and email, one entry so a rotated
    /// pair is written at once), per way and staff id.
    StaffSession,
    /// The clinic auth platform's API key of this installation.
    StaffApiKey,
    /// The clinic OpenID Connect client secret, when the provider requires one.
    StaffClientSecret,
}

const KINDS: [SecretKind; 8] = [
    SecretKind::DatabaseKey,
    SecretKind::UserSignIn,
    SecretKind::UserToken,
    SecretKind::RefreshToken,
    SecretKind::ClientSecret,
    SecretKind::StaffSession,
    SecretKind::StaffApiKey,
    SecretKind::StaffClientSecret,
];

impl SecretKind {
    fn named(name: &str) -> Option<Self> {
        KINDS.into_iter().find(|k| k.name() == name)
    }

    fn name(self) -> &'static str {
        match self {
            SecretKind::DatabaseKey => "database-key",
            SecretKind::UserSignIn => "user-sign-in",
            SecretKind::UserToken => "user-token",
            SecretKind::RefreshToken => "refresh-token",
            SecretKind::ClientSecret => "client-secret",
            SecretKind::StaffSession => "staff-session",
            SecretKind::StaffApiKey => "staff-api-key",
            SecretKind::StaffClientSecret => "staff-client-secret",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No usable OS keyring: no Secret Service on the session bus, no session bus,
    /// or a locked collection the user would not unlock. Nothing was written.
    #[error("the system keyring is not available")]
    Unavailable(#[source] keyring::Error),
    /// The keyring answered but refused or garbled this one entry.
    #[error("the system keyring failed")]
    Failed(#[source] keyring::Error),
    #[error("the keyring task stopped")]
    Task(#[from] tokio::task::JoinError),
    /// The sealed place (the passphrase-encrypted cache) failed.
    #[error("the sealed secrets could not be read or written")]
    Sealed(#[from] StoreError),
}

impl From<keyring::Error> for VaultError {
    fn from(err: keyring::Error) -> Self {
        match err {
            keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => VaultError::Unavailable(err),
            other => VaultError::Failed(other),
        }
    }
}

/// How long [`Vault::persist_soon`] lets the caller finish before it moves
/// the secret into the keyring.
const MOVE_AFTER: std::time::Duration = std::time::Duration::from_millis(250);

/// Where secrets are kept: the OS keyring (Secret Service on Linux, through
/// gnome-keyring or KWallet), under one service name per installation kind so a
/// development build never reads a release build's tokens; or, on a machine
/// without a keyring, sealed inside the cache that a passphrase encrypts.
#[derive(Debug, Clone)]
pub struct Vault {
    place: Place,
}

#[derive(Debug, Clone)]
enum Place {
    Keyring {
        service: String,
        /// Where [`Vault::persist_soon`] writes first (see [`Vault::writing_ahead`]).
        ahead: Option<Ahead>,
    },
    Sealed(Store),
}

#[derive(Debug, Clone)]
struct Ahead {
    store: Store,
    /// One move from the cache to the keyring at a time, and no removal in
    /// the middle of one: a move writes whatever is newest, then removes
    /// exactly the row it wrote.
    moving: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Vault {
    /// `service` names this installation, e.g. `in.abhadesktop.client` (release)
    /// or `in.abhadesktop.client.dev`.
    pub fn new(service: impl Into<String>) -> Self {
        Self { place: Place::Keyring { service: service.into(), ahead: None } }
    }

    /// Lets [`Vault::persist_soon`] answer once the secret is sealed in `store`
    /// (a fraction of a millisecond) and move it into the keyring (a D-Bus round
    /// trip of about 17 ms) in the background: a secret written this way is
    /// read from the store until the keyring has it, and one whose move the
    /// app did not live to finish is moved by [`Vault::move_pending`] at the
    /// next start. Without a keyring, secrets are in the sealed store already.
    pub fn writing_ahead(self, store: Store) -> Self {
        match self.place {
            Place::Keyring { service, .. } => {
                let ahead = Ahead { store, moving: Default::default() };
                Self { place: Place::Keyring { service, ahead: Some(ahead) } }
            }
            sealed @ Place::Sealed(_) => Self { place: sealed },
        }
    }

    /// Secrets kept in `store`, which must be encrypted with a passphrase-derived
    /// key: for machines where [`Vault::probe`] says there is no keyring.
    pub fn sealed_in(store: Store) -> Self {
        Self { place: Place::Sealed(store) }
    }

    pub fn is_keyring(&self) -> bool {
        matches!(self.place, Place::Keyring { .. })
    }

    fn entry(service: &str, kind: SecretKind, account: &str) -> Result<keyring::Entry, keyring::Error> {
        keyring::Entry::new(service, &format!("{}:{account}", kind.name()))
    }

    // The keyring's calls block on D-Bus; they run on tokio's blocking threads,
    // one at a time: each opens a Secret Service session, and gnome-keyring
    // (46 to 50 at least) aborts on a burst of concurrent session openings
    // (upstream work items 190, 196, 199). It did so here when the fault matrix
    // ran four journeys at once; afterwards D-Bus started a new, locked daemon and
    // every keyring call waited on an unlock prompt nobody could answer.
    async fn blocking<T: Send + 'static>(
        f: impl FnOnce() -> Result<T, keyring::Error> + Send + 'static,
    ) -> Result<T, VaultError> {
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        Ok(tokio::task::spawn_blocking(move || {
            let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            f()
        })
        .await??)
    }

    pub async fn persist(&self, kind: SecretKind, account: &str, secret: &Sensitive<String>) -> Result<(), VaultError> {
        match &self.place {
            Place::Keyring { service, .. } => {
                let entry = Self::entry(service, kind, account)?;
                let secret = secret.clone();
                Self::blocking(move || entry.set_password(secret.expose())).await
            }
            Place::Sealed(store) => Ok(store.seal(kind.name(), account, secret.expose()).await?),
        }
    }

    /// Like [`Vault::persist`], answering before the keyring has the secret
    /// when the vault writes ahead (see [`Vault::writing_ahead`]).
    pub async fn persist_soon(
        &self,
        kind: SecretKind,
        account: &str,
        secret: &Sensitive<String>,
    ) -> Result<(), VaultError> {
        if !self.write_ahead(kind, account, secret).await? {
            return self.persist(kind, account, secret).await;
        }
        let (vault, account) = (self.clone(), account.to_owned());
        tokio::spawn(async move {
            // After the sign-in's own writes: a move at the same moment makes
            // both wait on the cache's write lock and the CPU.
            tokio::time::sleep(MOVE_AFTER).await;
            if let Err(err) = vault.move_to_keyring(kind, &account).await {
                tracing::warn!(error = %err, "a secret stays in the cache until the keyring takes it");
            }
        });
        Ok(())
    }

    /// The first half of [`Vault::persist_soon`]: the secret sealed in the
    /// store, to be moved by [`Vault::move_pending`]; what the app leaves
    /// behind when it dies between the two. `false` when the vault does not
    /// write ahead, and nothing was written.
    pub async fn write_ahead(
        &self,
        kind: SecretKind,
        account: &str,
        secret: &Sensitive<String>,
    ) -> Result<bool, VaultError> {
        let Place::Keyring { ahead: Some(ahead), .. } = &self.place else { return Ok(false) };
        ahead.store.pend(kind.name(), account, secret.expose()).await?;
        Ok(true)
    }

    /// Moves every secret still waiting in the store into the keyring: those
    /// whose move the app did not live to finish. Call at start-up.
    pub async fn move_pending(&self) -> Result<(), VaultError> {
        let Place::Keyring { ahead: Some(ahead), .. } = &self.place else { return Ok(()) };
        for (kind, account) in ahead.store.all_pending().await? {
            match SecretKind::named(&kind) {
                Some(kind) => self.move_to_keyring(kind, &account).await?,
                // Written by a newer version: it moves its own.
                None => continue,
            }
        }
        Ok(())
    }

    async fn move_to_keyring(&self, kind: SecretKind, account: &str) -> Result<(), VaultError> {
        let Place::Keyring { ahead: Some(ahead), .. } = &self.place else { return Ok(()) };
        let _turn = ahead.moving.lock().await;
        let Some((secret, sealed)) = ahead.store.pending(kind.name(), account).await? else { return Ok(()) };
        self.persist(kind, account, &Sensitive::new(secret)).await?;
        Ok(ahead.store.settle_pending(kind.name(), account, &sealed).await?)
    }

    /// The secret, or `None` when there is none under that name.
    pub async fn retrieve(&self, kind: SecretKind, account: &str) -> Result<Option<Sensitive<String>>, VaultError> {
        match &self.place {
            Place::Keyring { service, ahead } => {
                if let Some(ahead) = ahead
                    && let Some((secret, _)) = ahead.store.pending(kind.name(), account).await?
                {
                    return Ok(Some(Sensitive::new(secret)));
                }
                let entry = Self::entry(service, kind, account)?;
                Self::blocking(move || match entry.get_password() {
                    Ok(secret) => Ok(Some(Sensitive::new(secret))),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(err) => Err(err),
                })
                .await
            }
            Place::Sealed(store) => Ok(store.unseal(kind.name(), account).await?.map(Sensitive::new)),
        }
    }

    /// Removes the secret; removing what is not there is fine.
    pub async fn delete(&self, kind: SecretKind, account: &str) -> Result<(), VaultError> {
        match &self.place {
            Place::Keyring { service, ahead } => {
                let _turn = match ahead {
                    Some(ahead) => {
                        let turn = ahead.moving.lock().await;
                        ahead.store.drop_pending(kind.name(), account).await?;
                        Some(turn)
                    }
                    None => None,
                };
                let entry = Self::entry(service, kind, account)?;
                Self::blocking(move || match entry.delete_credential() {
                    Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(err) => Err(err),
                })
                .await
            }
            Place::Sealed(store) => Ok(store.unseal_remove(kind.name(), account).await?),
        }
    }

    /// Whether the keyring works here, by writing, reading back and removing a
    /// probe entry. The app asks before it relies on the keyring, so "no keyring"
    /// is a state the user sees, never a silent fallback.
    pub async fn probe(&self) -> Result<(), VaultError> {
        let probe = Sensitive::from("probe");
        self.persist(SecretKind::ClientSecret, "probe", &probe).await?;
        let back = self.retrieve(SecretKind::ClientSecret, "probe").await?;
        self.delete(SecretKind::ClientSecret, "probe").await?;
        match back {
            Some(value) if value.expose() == "probe" => Ok(()),
            _ => Err(VaultError::Failed(keyring::Error::NoEntry)),
        }
    }
}
