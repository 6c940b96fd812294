//! The sandbox's state on disk, so that what a demo created is there after a
//! restart. The standalone binary may keep it as JSON (`--state`, for a HIP's
//! own tests); demo mode seals it with AES-256-GCM under a key derived from
//! the app's cache key, because a trainer may type a real mobile number.

use std::{io, path::PathBuf};

use abdm_types::Sensitive;

use rand::RngCore;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::world::World;

/// The first bytes of a sealed state file; also the AEAD's associated data,
/// so a file of another format or version is refused, never misread.
const SEALED_MAGIC: &[u8; 8] = b"ABSBX\x00\x00\x01";

/// The 256-bit key a sealed state file is encrypted with: never printed,
/// zeroed when dropped.
pub type StateKey = Sensitive<[u8; 32]>;

fn aead(key: &StateKey) -> LessSafeKey {
    // 32 bytes is AES-256's key length, so this cannot fail.
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key.expose()).unwrap_or_else(|_| unreachable!()))
}

/// Where the state lives and whether it is sealed.
#[derive(Debug, Clone)]
pub struct StateFile {
    pub path: PathBuf,
    /// `None`: plain JSON.
    pub key: Option<StateKey>,
}

impl StateFile {
    /// The saved world, or `None` when nothing was saved yet. A sealed file
    /// that this key does not open (the cache, and with it the key, was
    /// replaced) is set aside and the sandbox starts from its seeded people.
    pub(crate) fn load(&self) -> io::Result<Option<World>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err),
        };
        let Some(key) = &self.key else {
            return serde_json::from_slice(&bytes).map(Some).map_err(io::Error::other);
        };
        match open(key, bytes).and_then(|json| serde_json::from_slice(&json).map_err(io::Error::other)) {
            Ok(world) => Ok(Some(world)),
            Err(err) => {
                let aside = self.path.with_extension(format!("unreadable-{}", uuid::Uuid::new_v4()));
                std::fs::rename(&self.path, &aside)?;
                tracing::warn!(error = %err, aside = %aside.display(), "the demo sandbox's saved state cannot be read; it was set aside");
                Ok(None)
            }
        }
    }

    /// Writes the world (sealed when there is a key) to a temporary file and
    /// renames it over the old one, so a crash leaves one or the other whole.
    pub(crate) fn save(&self, world: &World) -> io::Result<()> {
        let json = serde_json::to_vec(world).map_err(io::Error::other)?;
        let bytes = match &self.key {
            Some(key) => seal(key, json)?,
            None => json,
        };
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &self.path)
    }
}

fn seal(key: &StateKey, mut plain: Vec<u8>) -> io::Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::thread_rng().fill_bytes(&mut nonce);
    aead(key)
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(SEALED_MAGIC), &mut plain)
        .map_err(|_| io::Error::other("the sandbox state could not be sealed"))?;
    let mut sealed = Vec::with_capacity(SEALED_MAGIC.len() + NONCE_LEN + plain.len());
    sealed.extend_from_slice(SEALED_MAGIC);
    sealed.extend_from_slice(&nonce);
    sealed.append(&mut plain);
    Ok(sealed)
}

fn open(key: &StateKey, mut sealed: Vec<u8>) -> io::Result<Vec<u8>> {
    let refused = || io::Error::new(io::ErrorKind::InvalidData, "not a sandbox state sealed with this key");
    let rest = sealed.strip_prefix(SEALED_MAGIC.as_slice()).ok_or_else(refused)?;
    let nonce: [u8; NONCE_LEN] = rest.get(..NONCE_LEN).and_then(|n| n.try_into().ok()).ok_or_else(refused)?;
    let start = SEALED_MAGIC.len() + NONCE_LEN;
    let plain_len = aead(key)
        .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(SEALED_MAGIC), &mut sealed[start..])
        .map_err(|_| refused())?
        .len();
    sealed.drain(..start);
    sealed.truncate(plain_len);
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_state_opens_with_its_key_only() {
        let key = StateKey::new([7; 32]);
        let sealed = seal(&key, b"{\"asha\":1}".to_vec()).unwrap();
        assert!(!sealed.windows(4).any(|w| w == b"asha"), "the plain text shows through");
        assert_eq!(open(&key, sealed.clone()).unwrap(), b"{\"asha\":1}");
        assert!(open(&StateKey::new([8; 32]), sealed.clone()).is_err());
        let mut flipped = sealed;
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(open(&key, flipped).is_err(), "a changed byte must be refused");
        assert!(open(&key, b"ABSBX".to_vec()).is_err());
    }
}
