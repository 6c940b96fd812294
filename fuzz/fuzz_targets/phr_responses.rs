//! What the client decodes from ABDM's PHR API: every response DTO, and error
//! bodies in any of the shapes ABDM uses (read by `ApiFailure::parse`).
#![no_main]

use abdm_client::ApiFailure;
use abdm_types::phr::*;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(data: &[u8]) {
    let _ = serde_json::from_slice::<T>(data);
}

fuzz_target!(|data: &[u8]| {
    decode::<SessionResponse>(data);
    decode::<ResendOtpResponse>(data);
    decode::<ValidateOtpResponse>(data);
    decode::<CreatePhrAddressResponse>(data);
    decode::<AuthModesResponse>(data);
    decode::<KycProfile>(data);
    decode::<TransactionResponse>(data);
    decode::<PreVerifyResponse>(data);
    decode::<TokenResponse>(data);
    decode::<AddressAuthModesResponse>(data);
    decode::<SuccessResponse>(data);
    decode::<Vec<LgdEntry>>(data);
    decode::<Profile>(data);
    decode::<Vec<String>>(data);
    if let Ok(raw) = std::str::from_utf8(data) {
        let failure = ApiFailure::parse(raw);
        let _ = failure.codes();
        let _ = abdm_types::phr::AuthMode::parse(raw);
    }
});
