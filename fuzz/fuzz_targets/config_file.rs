//! `config.toml`, as the app reads it at start-up: refused with an error that
//! quotes at most a few hundred characters, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(err) = phr_core::AppConfig::parse(text, std::path::Path::new("config.toml"), |_| None) {
        assert!(err.to_string().chars().count() < 1_000);
    }
});
