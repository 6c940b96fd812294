//! The bodies the gateway posts to the desk's bridge, and what the client
//! reads from the gateway itself (session, keys, errors, timestamps).
#![no_main]

use abdm_types::gateway::*;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

fn decode<T: DeserializeOwned>(data: &[u8]) {
    let _ = serde_json::from_slice::<T>(data);
}

fuzz_target!(|data: &[u8]| {
    decode::<Answer<FetchedModes>>(data);
    decode::<Answer<InitAuth>>(data);
    decode::<Answer<ConfirmedAuth>>(data);
    decode::<Notify>(data);
    decode::<SessionResponse>(data);
    decode::<GatewayError>(data);
    decode::<Certs>(data);
    if let Ok(raw) = std::str::from_utf8(data) {
        let _ = parse_timestamp(raw);
    }
});
