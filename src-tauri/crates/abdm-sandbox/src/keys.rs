//! The sandbox's RSA keys. ABDM's: its public half is what the app encrypts
//! credentials with (PKCS#1 v1.5, as this API generation requires), and the
//! whole key signs the tokens ABDM issues (RS256 JWTs). The staff servers' (the
//! clinic's auth platform and its OpenID Connect provider) is another key, as
//! another organisation's would be: it signs their session and ID tokens.

use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use rsa::{
    Pkcs1v15Encrypt, RsaPrivateKey,
    pkcs1v15::{Signature, SigningKey, VerifyingKey},
    pkcs8::{DecodePrivateKey, EncodePublicKey},
    sha2::Sha256,
    signature::{SignatureEncoding, Signer, Verifier},
};
use serde::{Serialize, de::DeserializeOwned};

const DEMO_KEY_PEM: &str = include_str!("../keys/demo-sandbox-key.pem");
const STAFF_KEY_PEM: &str = include_str!("../keys/demo-staff-key.pem");
/// The `kid` of every token ABDM's side signs, and of its key in `/v0.5/certs`.
pub(crate) const KEY_ID: &str = "abdm-sandbox";
/// The `kid` of the staff servers' tokens, and of their key in the JWKS.
pub(crate) const STAFF_KEY_ID: &str = "sandbox-staff";

pub(crate) struct Keys {
    kid: &'static str,
    private: RsaPrivateKey,
    signing: SigningKey<Sha256>,
    verifying: VerifyingKey<Sha256>,
    public_der_base64: String,
}

/// Why a ciphertext was refused. ABDM answers all of these the same way.
#[derive(Debug)]
pub(crate) struct NotDecryptable;

impl Keys {
    pub(crate) fn demo() -> Self {
        Self::from_pem(DEMO_KEY_PEM, KEY_ID)
    }

    pub(crate) fn staff() -> Self {
        Self::from_pem(STAFF_KEY_PEM, STAFF_KEY_ID)
    }

    fn from_pem(pem: &str, kid: &'static str) -> Self {
        let private = RsaPrivateKey::from_pkcs8_pem(pem).expect("the shipped demo key parses");
        let public_der = private.to_public_key().to_public_key_der().expect("a public key encodes");
        Self {
            kid,
            signing: SigningKey::<Sha256>::new(private.clone()),
            verifying: VerifyingKey::<Sha256>::new(private.to_public_key()),
            public_der_base64: STANDARD.encode(public_der.as_bytes()),
            private,
        }
    }

    /// The public key as ABDM publishes it: base64 of the DER SubjectPublicKeyInfo.
    pub(crate) fn public_key_base64(&self) -> &str {
        &self.public_der_base64
    }

    pub(crate) fn kid(&self) -> &'static str {
        self.kid
    }

    /// The public modulus and exponent, big-endian, for the JWKS.
    pub(crate) fn public_numbers(&self) -> (Vec<u8>, Vec<u8>) {
        use rsa::traits::PublicKeyParts;
        let public = self.private.to_public_key();
        (public.n().to_bytes_be(), public.e().to_bytes_be())
    }

    /// Decrypts a base64 PKCS#1 v1.5 ciphertext. Plain text, other paddings and
    /// other keys all fail, as they do at ABDM.
    pub(crate) fn decrypt(&self, ciphertext_base64: &str) -> Result<String, NotDecryptable> {
        let ciphertext = STANDARD.decode(ciphertext_base64.trim()).map_err(|_| NotDecryptable)?;
        let plain = self.private.decrypt(Pkcs1v15Encrypt, &ciphertext).map_err(|_| NotDecryptable)?;
        String::from_utf8(plain).map_err(|_| NotDecryptable)
    }

    /// Decrypts a base64 RSA-OAEP (SHA-1, MGF1 SHA-1) ciphertext, as the v3
    /// API takes credentials; PKCS#1 v1.5 and OAEP with SHA-256 fail.
    pub(crate) fn decrypt_oaep(&self, ciphertext_base64: &str) -> Result<String, NotDecryptable> {
        let ciphertext = STANDARD.decode(ciphertext_base64.trim()).map_err(|_| NotDecryptable)?;
        let plain = self.private.decrypt(rsa::Oaep::new::<sha1::Sha1>(), &ciphertext).map_err(|_| NotDecryptable)?;
        String::from_utf8(plain).map_err(|_| NotDecryptable)
    }

    pub(crate) fn sign_jwt<C: Serialize>(&self, claims: &C) -> String {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"RS256","typ":"JWT","kid":"{}"}}"#, self.kid));
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialise"));
        let signing_input = format!("{header}.{body}");
        let signature: Signature = self.signing.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    /// The claims of a token this sandbox signed; `None` if it did not sign it.
    pub(crate) fn verify_jwt<C: DeserializeOwned>(&self, token: &str) -> Option<C> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let signature = Signature::try_from(URL_SAFE_NO_PAD.decode(signature).ok()?.as_slice()).ok()?;
        self.verifying.verify(signing_input.as_bytes(), &signature).ok()?;
        let (_, body) = signing_input.split_once('.')?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use rsa::{RsaPublicKey, pkcs8::DecodePublicKey};

    use super::*;

    #[test]
    fn what_is_encrypted_with_the_published_key_decrypts() {
        let keys = Keys::demo();
        let public = RsaPublicKey::from_public_key_der(&STANDARD.decode(keys.public_key_base64()).unwrap()).unwrap();
        let ciphertext = public.encrypt(&mut rand::thread_rng(), Pkcs1v15Encrypt, b"9876543210").unwrap();
        assert_eq!(keys.decrypt(&STANDARD.encode(ciphertext)).unwrap(), "9876543210");
    }

    #[test]
    fn plain_text_and_oaep_ciphertext_are_refused() {
        let keys = Keys::demo();
        assert!(keys.decrypt("9876543210").is_err());
        let oaep = keys
            .private
            .to_public_key()
            .encrypt(&mut rand::thread_rng(), rsa::Oaep::new::<Sha256>(), b"9876543210")
            .unwrap();
        assert!(keys.decrypt(&STANDARD.encode(oaep)).is_err());
    }

    #[test]
    fn the_v3_decryption_takes_oaep_sha1_only() {
        let keys = Keys::demo();
        let public = keys.private.to_public_key();
        let mut rng = rand::thread_rng();
        let sha1 = public.encrypt(&mut rng, rsa::Oaep::new::<sha1::Sha1>(), b"9876543210").unwrap();
        assert_eq!(keys.decrypt_oaep(&STANDARD.encode(&sha1)).unwrap(), "9876543210");
        assert!(keys.decrypt(&STANDARD.encode(&sha1)).is_err(), "v1 refuses OAEP");
        let pkcs1 = public.encrypt(&mut rng, Pkcs1v15Encrypt, b"9876543210").unwrap();
        assert!(keys.decrypt_oaep(&STANDARD.encode(pkcs1)).is_err(), "v3 refuses PKCS#1 v1.5");
        let sha256 = public.encrypt(&mut rng, rsa::Oaep::new::<Sha256>(), b"9876543210").unwrap();
        assert!(keys.decrypt_oaep(&STANDARD.encode(sha256)).is_err());
        assert!(keys.decrypt_oaep("9876543210").is_err());
    }

    #[test]
    fn tokens_verify_and_tampering_is_caught() {
        let keys = Keys::demo();
        let token = keys.sign_jwt(&serde_json::json!({"sub": "asha.verma@sbx", "exp": 10}));
        let claims: serde_json::Value = keys.verify_jwt(&token).unwrap();
        assert_eq!(claims["sub"], "asha.verma@sbx");
        let forged = token.replacen('.', ".e30", 1);
        assert!(keys.verify_jwt::<serde_json::Value>(&forged).is_none());
    }
}
