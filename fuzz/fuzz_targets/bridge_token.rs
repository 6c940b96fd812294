//! The bridge's check of the gateway's bearer token. Half the inputs are taken
//! as the whole token; the other half are a header and claims that the target
//! signs with the gateway's key, so the fuzzer reaches the claims checks too.
#![no_main]

use std::sync::LazyLock;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use libfuzzer_sys::fuzz_target;
use rsa::{
    RsaPrivateKey,
    pkcs1v15::{SigningKey, VerifyingKey},
    sha2::Sha256,
    signature::{Keypair, SignatureEncoding, Signer},
};

static KEYS: LazyLock<(SigningKey<Sha256>, VerifyingKey<Sha256>)> = LazyLock::new(|| {
    // 1024 bits: the check is the same, and signing every input stays quick.
    let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
    let signing = SigningKey::<Sha256>::new(private);
    let verifying = signing.verifying_key();
    (signing, verifying)
});

const NOW: i64 = 1_796_083_200;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let (signing, verifying) = &*KEYS;
    if mode & 1 == 0 {
        abdm_client::bridge::accepts_token(text, verifying, NOW);
        return;
    }
    let (header, claims) = text.split_once('\n').unwrap_or((text, "{}"));
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
    let signature = URL_SAFE_NO_PAD.encode(signing.sign(input.as_bytes()).to_bytes());
    let accepted = abdm_client::bridge::accepts_token(&format!("{input}.{signature}"), verifying, NOW);
    if accepted {
        // Only an unexpired token for the gateway's audience, signed RS256, gets in.
        let claims: serde_json::Value = serde_json::from_str(claims).unwrap();
        assert!(claims["exp"].as_i64().is_some_and(|exp| exp > NOW));
        let header: serde_json::Value = serde_json::from_str(header).unwrap();
        assert_eq!(header["alg"], "RS256");
    }
});
