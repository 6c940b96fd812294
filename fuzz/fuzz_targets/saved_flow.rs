//! A flow in progress as the encrypted cache gives it back after a restart:
//! whatever reads as a flow writes back as the same flow.
#![no_main]

use libfuzzer_sys::fuzz_target;
use phr_core::{LoginFlow, SignupFlow};

fuzz_target!(|data: &[u8]| {
    if let Ok(flow) = serde_json::from_slice::<LoginFlow>(data) {
        let again: LoginFlow = serde_json::from_str(&serde_json::to_string(&flow).unwrap()).unwrap();
        assert_eq!(again, flow);
    }
    if let Ok(flow) = serde_json::from_slice::<SignupFlow>(data) {
        let again: SignupFlow = serde_json::from_str(&serde_json::to_string(&flow).unwrap()).unwrap();
        assert_eq!(again, flow);
    }
});
