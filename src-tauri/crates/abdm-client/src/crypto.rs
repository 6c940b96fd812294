//! Credentials leave the process only RSA-encrypted with ABDM's public key,
//! base64-encoded, as ABDM requires.

use abdm_types::Encrypted;
use base64::{Engine, engine::general_purpose::STANDARD};
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPublicKey, pkcs1::DecodeRsaPublicKey, pkcs8::DecodePublicKey};

use crate::AbdmError;

/// The padding ABDM expects: PKCS#1 v1.5 for the PHR v1 API this app speaks
/// (`RSA/ECB/PKCS1Padding`), OAEP with SHA-1 for the v3 APIs
/// (`RSA/ECB/OAEPWithSHA-1AndMGF1Padding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Padding {
    #[default]
    Pkcs1v15,
    OaepSha1,
}

/// ABDM's public key with the padding to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptionKey {
    key: RsaPublicKey,
    padding: Padding,
}

impl EncryptionKey {
    /// Reads a key as ABDM publishes it: bare base64 DER (SubjectPublicKeyInfo),
    /// PEM (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`), a JSON string of either,
    /// or the v3 JSON `{"publicKey": "..."}`.
    pub fn parse(text: &str, padding: Padding) -> Result<Self, AbdmError> {
        let text = text.trim();
        let text = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(serde_json::Value::Object(map)) => map
                .get("publicKey")
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| AbdmError::Key("the JSON reply has no publicKey".into()))?,
            _ => text.to_owned(),
        };
        let text = text.trim();
        let key = if text.contains("BEGIN PUBLIC KEY") {
            RsaPublicKey::from_public_key_pem(text).map_err(|e| AbdmError::Key(e.to_string()))?
        } else if text.contains("BEGIN RSA PUBLIC KEY") {
            RsaPublicKey::from_pkcs1_pem(text).map_err(|e| AbdmError::Key(e.to_string()))?
        } else {
            let compact: String = text.split_whitespace().collect();
            let der = STANDARD.decode(compact).map_err(|_| AbdmError::Key("not base64, not PEM".into()))?;
            RsaPublicKey::from_public_key_der(&der)
                .map_err(|e| e.to_string())
                .or_else(|_| RsaPublicKey::from_pkcs1_der(&der).map_err(|e| e.to_string()))
                .map_err(AbdmError::Key)?
        };
        Ok(Self { key, padding })
    }

    pub fn padding(&self) -> Padding {
        self.padding
    }

    /// Base64 of the ciphertext of `plain`. Fresh randomness each call, so the same
    /// OTP never gives the same ciphertext twice.
    pub fn encrypt(&self, plain: &str) -> Result<Encrypted, AbdmError> {
        let mut rng = rand::thread_rng();
        let ciphertext = match self.padding {
            Padding::Pkcs1v15 => self.key.encrypt(&mut rng, Pkcs1v15Encrypt, plain.as_bytes()),
            Padding::OaepSha1 => self.key.encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), plain.as_bytes()),
        }
        .map_err(AbdmError::Encrypt)?;
        Ok(Encrypted(STANDARD.encode(ciphertext)))
    }
}
