use std::fmt::Write as _;

use abdm_types::Sensitive;
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use zeroize::Zeroize;

/// Bytes of salt stored beside the database when the key comes from a passphrase.
pub const SALT_LEN: usize = 16;

/// The 256-bit key of the SQLCipher database, as hex. Never printed.
#[derive(Clone, Debug)]
pub struct DbKey(Sensitive<String>);

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("a database key is 64 hex characters")]
    Shape,
    #[error("the passphrase could not be turned into a key")]
    Derive(String),
}

impl DbKey {
    /// A fresh random key, for a new database whose key goes to the keyring.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        let key = Self::from_bytes(&bytes);
        bytes.zeroize();
        key
    }

    /// A key read back from the keyring.
    pub fn from_hex(hex: Sensitive<String>) -> Result<Self, KeyError> {
        let raw = hex.expose();
        if raw.len() != 64 || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KeyError::Shape);
        }
        Ok(Self(Sensitive::new(raw.to_ascii_lowercase())))
    }

    /// The key for a machine without a keyring: Argon2id over the passphrase
    /// (64 MiB, 3 passes), with a random salt kept beside the database.
    pub fn from_passphrase(passphrase: &Sensitive<String>, salt: &[u8; SALT_LEN]) -> Result<Self, KeyError> {
        let params = Params::new(64 * 1024, 3, 1, Some(32)).map_err(|e| KeyError::Derive(e.to_string()))?;
        let mut bytes = [0u8; 32];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.expose().as_bytes(), salt, &mut bytes)
            .map_err(|e| KeyError::Derive(e.to_string()))?;
        let key = Self::from_bytes(&bytes);
        bytes.zeroize();
        Ok(key)
    }

    pub fn new_salt() -> [u8; SALT_LEN] {
        let mut salt = [0u8; SALT_LEN];
        rand::thread_rng().fill_bytes(&mut salt);
        salt
    }

    fn from_bytes(bytes: &[u8]) -> Self {
        let mut hex = String::with_capacity(64);
        for b in bytes {
            let _ = write!(hex, "{b:02x}");
        }
        Self(Sensitive::new(hex))
    }

    /// The hex, for the keyring.
    pub fn expose_hex(&self) -> &str {
        self.0.expose()
    }

    /// A key for something else this app seals (the demo sandbox's state),
    /// derived from this one with HKDF-SHA256: protected exactly as the cache
    /// is, and lost with it.
    pub fn derive(&self, purpose: &str) -> Sensitive<[u8; 32]> {
        use ring::hkdf::{HKDF_SHA256, Salt};
        let mut raw = [0u8; 32];
        for (byte, pair) in raw.iter_mut().zip(self.0.expose().as_bytes().chunks(2)) {
            // The hex was checked when the key was made.
            *byte = std::str::from_utf8(pair).ok().and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or_default();
        }
        let mut derived = [0u8; 32];
        let prk = Salt::new(HKDF_SHA256, b"abha-desktop").extract(&raw);
        raw.zeroize();
        let info = [purpose.as_bytes()];
        prk.expand(&info, HKDF_SHA256)
            .and_then(|okm| okm.fill(&mut derived))
            .expect("HKDF-SHA256 always gives 32 bytes");
        Sensitive::new(derived)
    }

    /// `PRAGMA key = "x'…'"`: SQLCipher's form for a raw key (no key derivation).
    pub(crate) fn pragma_value(&self) -> String {
        format!("\"x'{}'\"", self.0.expose())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_keys_differ_by_purpose_and_by_key_and_repeat() {
        let key = DbKey::from_hex(Sensitive::from("11".repeat(32))).unwrap();
        let state = key.derive("abdm-sandbox-state");
        assert_eq!(state, key.derive("abdm-sandbox-state"), "the same key every start");
        assert_ne!(state, key.derive("something else"));
        assert_ne!(state, DbKey::random().derive("abdm-sandbox-state"));
        assert_ne!(state.expose(), &[0u8; 32]);
    }

    #[test]
    fn random_keys_are_64_hex_and_differ() {
        let (a, b) = (DbKey::random(), DbKey::random());
        assert_eq!(a.expose_hex().len(), 64);
        assert_ne!(a.expose_hex(), b.expose_hex());
        assert!(DbKey::from_hex(Sensitive::new(a.expose_hex().to_owned())).is_ok());
        assert!(DbKey::from_hex(Sensitive::from("abc")).is_err());
    }

    #[test]
    fn the_same_passphrase_and_salt_give_the_same_key() {
        let salt = [7u8; SALT_LEN];
        let pass = Sensitive::from("correct horse battery staple");
        let a = DbKey::from_passphrase(&pass, &salt).unwrap();
        let b = DbKey::from_passphrase(&pass, &salt).unwrap();
        assert_eq!(a.expose_hex(), b.expose_hex());
        let other = DbKey::from_passphrase(&pass, &[8u8; SALT_LEN]).unwrap();
        assert_ne!(a.expose_hex(), other.expose_hex());
    }

    #[test]
    fn a_key_debugs_redacted() {
        let key = DbKey::random();
        assert!(!format!("{key:?}").contains(key.expose_hex()));
    }
}
