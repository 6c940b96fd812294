//! The data on this computer, from start-up to a usable [`Phr`]: the cache's key
//! comes from the OS keyring, or, where there is none, from a passphrase the
//! person types (then the tokens are sealed inside the cache as well). Nothing is
//! written in the clear on the way.

use std::path::{Path, PathBuf};

use abdm_client::AbdmClient;
use abdm_types::Sensitive;
use phr_store::{DbKey, SALT_LEN, SecretKind, Store, StoreError, Vault, VaultError};
use serde::Serialize;
use tokio::sync::{OnceCell, broadcast};

use crate::{Clock, Error, ErrorCode, FrontDeskBridge, Phr, StaffDesk, StaffWay, phr::Change};

const DB_FILE: &str = "cache.db";
/// Present only when the cache's key comes from a passphrase.
const SALT_FILE: &str = "cache.salt";
/// The keyring entry holding the cache's key.
const DB_KEY_ACCOUNT: &str = "cache";
/// A passphrase guards every token on a machine without a keyring.
const MIN_PASSPHRASE_CHARS: usize = 8;

/// Whether the data can be used yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum DataLock {
    /// Ready. `sealed`: the tokens are in the cache under a passphrase, not in a keyring.
    #[serde(rename_all = "camelCase")]
    Open { sealed: bool },
    /// There is no usable keyring: a passphrase opens the cache (or, the first
    /// time, creates it).
    #[serde(rename_all = "camelCase")]
    NeedsPassphrase { first_time: bool },
}

/// The application's data on this computer, opened or waiting for a passphrase.
#[derive(Debug)]
pub struct LocalData {
    client: AbdmClient,
    folder: PathBuf,
    clock: Clock,
    phr: OnceCell<Phr>,
    changes: broadcast::Sender<Change>,
    /// Why the keyring could not be used, when it could not.
    needs_passphrase: Option<bool>,
    /// Where the front desk's gateway answers arrive, when there is a desk.
    bridge: Option<FrontDeskBridge>,
    /// How staff sign in at the front desk, when it is set up.
    staff: Option<StaffDesk>,
    /// The cache's key, when it came from the keyring: what else the app seals
    /// is derived from it.
    key: Option<DbKey>,
}

impl LocalData {
    /// Opens the cache in `folder` with its key from the keyring (`service`),
    /// creating both on first use. Without a keyring it waits for [`Self::unlock`].
    /// `bridge` lets the front desk verify patients through the gateway; `staff`
    /// is how its staff sign in (without it the front desk stays closed).
    pub async fn open(
        client: AbdmClient,
        folder: &Path,
        service: &str,
        clock: Clock,
        bridge: Option<FrontDeskBridge>,
        staff: Option<StaffDesk>,
    ) -> Result<Self, Error> {
        let (changes, _) = broadcast::channel(64);
        let mut data = Self {
            client,
            folder: folder.to_owned(),
            clock,
            phr: OnceCell::new(),
            changes,
            needs_passphrase: None,
            bridge,
            staff,
            key: None,
        };
        let db = folder.join(DB_FILE);
        if folder.join(SALT_FILE).exists() {
            data.needs_passphrase = Some(false);
            return Ok(data);
        }
        let vault = Vault::new(service);
        let key = match vault.retrieve(SecretKind::DatabaseKey, DB_KEY_ACCOUNT).await {
            Ok(Some(hex)) => DbKey::from_hex(hex).map_err(|e| Error::Internal(e.into()))?,
            Ok(None) => {
                // A cache whose key is gone can never be read again; ABDM holds
                // the truth, so it is set aside and a new one starts.
                set_aside(&db);
                let key = DbKey::random();
                let hex = Sensitive::new(key.expose_hex().to_owned());
                vault.persist(SecretKind::DatabaseKey, DB_KEY_ACCOUNT, &hex).await?;
                key
            }
            Err(VaultError::Unavailable(err)) => {
                tracing::warn!(error = %err, "no usable keyring: a passphrase will protect the data");
                data.needs_passphrase = Some(!db.exists());
                return Ok(data);
            }
            Err(err) => return Err(err.into()),
        };
        let store = match Store::open(&db, &key).await {
            Err(StoreError::WrongKey { .. }) => {
                set_aside(&db);
                Store::open(&db, &key).await?
            }
            other => other?,
        };
        let phr = data.phr_on(store, vault);
        let _ = data.phr.set(phr);
        data.key = Some(key);
        Ok(data)
    }

    /// A key for `purpose` (the demo sandbox's state) protected as the cache is:
    /// derived from its key, so it exists once the cache opened from the
    /// keyring. `None` while a passphrase is needed.
    pub fn sealing_key(&self, purpose: &str) -> Option<Sensitive<[u8; 32]>> {
        self.key.as_ref().map(|key| key.derive(purpose))
    }

    fn phr_on(&self, store: Store, vault: Vault) -> Phr {
        let phr = Phr::new(self.client.clone(), store, vault, self.clock.clone()).reporting_to(self.changes.clone());
        let phr = match &self.bridge {
            Some(bridge) => phr.with_bridge(bridge.clone()),
            None => phr,
        };
        match &self.staff {
            Some(staff) => phr.with_desk(staff.clone()),
            None => phr,
        }
    }

    pub fn lock(&self) -> DataLock {
        match (self.phr.get(), self.needs_passphrase) {
            (Some(phr), _) => DataLock::Open { sealed: !phr.vault.is_keyring() },
            (None, first_time) => DataLock::NeedsPassphrase { first_time: first_time.unwrap_or(false) },
        }
    }

    /// Opens (or the first time, creates) the passphrase-protected cache.
    pub async fn unlock(&self, raw_passphrase: &str) -> Result<DataLock, Error> {
        let first_time = self.needs_passphrase.unwrap_or(false);
        if self.phr.get().is_none() && first_time && raw_passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::input(ErrorCode::WeakPassword, "a passphrase has at least 8 characters"));
        }
        self.phr
            .get_or_try_init(|| async {
                let store = self.open_sealed(raw_passphrase, first_time).await?;
                Ok::<_, Error>(self.phr_on(store.clone(), Vault::sealed_in(store)))
            })
            .await?;
        Ok(self.lock())
    }

    async fn open_sealed(&self, raw_passphrase: &str, first_time: bool) -> Result<Store, Error> {
        let salt_path = self.folder.join(SALT_FILE);
        let salt = if first_time {
            let salt = DbKey::new_salt();
            std::fs::create_dir_all(&self.folder).map_err(|e| Error::Internal(e.into()))?;
            std::fs::write(&salt_path, salt).map_err(|e| Error::Internal(e.into()))?;
            salt
        } else {
            let bytes = std::fs::read(&salt_path).map_err(|e| Error::Internal(e.into()))?;
            <[u8; SALT_LEN]>::try_from(bytes.as_slice()).map_err(|e| Error::Internal(e.into()))?
        };
        let passphrase = Sensitive::new(raw_passphrase.to_owned());
        // Argon2id over 64 MiB takes a moment: off the async threads.
        let key = tokio::task::spawn_blocking(move || DbKey::from_passphrase(&passphrase, &salt))
            .await
            .map_err(|e| Error::Internal(e.into()))?
            .map_err(|e| Error::Internal(e.into()))?;
        match Store::open(&self.folder.join(DB_FILE), &key).await {
            Err(StoreError::WrongKey { .. }) => {
                Err(Error::input(ErrorCode::WrongPassphrase, "the passphrase does not open the saved data"))
            }
            other => Ok(other?),
        }
    }

    /// The application, once the data is open.
    pub fn phr(&self) -> Result<&Phr, Error> {
        self.phr.get().ok_or_else(|| Error::input(ErrorCode::KeyringUnavailable, "the saved data is locked"))
    }

    /// Sessions and flows as they change, for the UI's events.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }
}

/// The installation's ABDM client secret (outside demo mode), kept in the OS
/// keyring under `service` as `client-secret:<client id>`.
pub async fn client_secret(service: &str, client_id: &str) -> Result<Option<Sensitive<String>>, Error> {
    Ok(Vault::new(service).retrieve(SecretKind::ClientSecret, client_id).await?)
}

/// The secret the clinic's staff sign-in needs (outside demo mode), kept in the
/// OS keyring under `service`: the auth platform's API key as
/// `staff-api-key:<platform host>`, or the OpenID Connect client secret as
/// `staff-client-secret:<client id>`.
pub async fn staff_secret(service: &str, way: StaffWay, account: &str) -> Result<Option<Sensitive<String>>, Error> {
    let kind = match way {
        StaffWay::AuthPlatform => SecretKind::StaffApiKey,
        StaffWay::Oidc => SecretKind::StaffClientSecret,
    };
    Ok(Vault::new(service).retrieve(kind, account).await?)
}

fn set_aside(db: &Path) {
    if db.exists() {
        let aside = db.with_extension(format!("unreadable-{}", uuid::Uuid::new_v4()));
        match std::fs::rename(db, &aside) {
            Ok(()) => tracing::warn!(aside = %aside.display(), "the cache's key is lost; it was set aside"),
            Err(err) => tracing::error!(error = %err, "the unreadable cache could not be set aside"),
        }
        for suffix in ["-wal", "-shm"] {
            let mut side = db.as_os_str().to_owned();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
    }
}
