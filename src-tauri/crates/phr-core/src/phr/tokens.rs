//! A sign-in's tokens in the keyring: one entry per address holding both, so
//! signing in or refreshing is one keyring write (each is a D-Bus round trip to
//! the Secret Service, about 17 ms here) and a rotated pair is never half
//! written. The write happens after the sign-in answers: the tokens are sealed
//! in the cache first, so an app that dies meanwhile still has them.

use abdm_types::Sensitive;
use phr_store::SecretKind;
use serde::{Deserialize, Serialize};

use super::{Phr, Tokens};
use crate::Error;

/// The entry's JSON. Never logged: it only exists between the keyring and `Tokens`.
#[derive(Serialize, Deserialize)]
struct Held {
    access: String,
    refresh: Option<String>,
}

impl Phr {
    pub(super) async fn hold_tokens(&self, address: &str, tokens: &Tokens) -> Result<(), Error> {
        let held = Held {
            access: tokens.access.expose().clone(),
            refresh: tokens.refresh.as_ref().map(|r| r.expose().clone()),
        };
        let entry = Sensitive::new(serde_json::to_string(&held).map_err(|e| Error::Internal(e.into()))?);
        // The cache holds it sealed at once; the keyring (a D-Bus round trip) in the background.
        Ok(self.vault.persist_soon(SecretKind::UserSignIn, address, &entry).await?)
    }

    pub(super) async fn held_tokens(&self, address: &str) -> Result<Option<Tokens>, Error> {
        if let Some(entry) = self.vault.retrieve(SecretKind::UserSignIn, address).await? {
            let held: Held = serde_json::from_str(entry.expose()).map_err(|e| Error::Internal(e.into()))?;
            return Ok(Some(Tokens::new(held.access, held.refresh)));
        }
        // Signed in by a version that kept the two tokens apart.
        let Some(access) = self.vault.retrieve(SecretKind::UserToken, address).await? else { return Ok(None) };
        let refresh = self.vault.retrieve(SecretKind::RefreshToken, address).await?;
        Ok(Some(Tokens { access, refresh }))
    }

    pub(super) async fn drop_tokens(&self, address: &str) -> Result<(), Error> {
        for kind in [SecretKind::UserSignIn, SecretKind::UserToken, SecretKind::RefreshToken] {
            self.vault.delete(kind, address).await?;
        }
        Ok(())
    }
}
