//! The QR code the app draws for an address: any text is refused or drawn.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    if let Ok(svg) = phr_core::address_qr(raw) {
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
    }
});
