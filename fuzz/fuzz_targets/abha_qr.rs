//! What a barcode scanner types into the front desk's scan box: any text is
//! read or refused, and what is read parses again as itself.
#![no_main]

use abdm_types::{AbhaAddress, AbhaNumber, AbhaQr, CivilDate, Mobile, abha_qr::MAX_SCAN_BYTES};
use libfuzzer_sys::fuzz_target;

const TODAY: CivilDate = CivilDate { year: 2026, month: 12, day: 3 };

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let Ok(qr) = AbhaQr::parse(raw, TODAY) else { return };
    assert!(raw.trim().len() <= MAX_SCAN_BYTES);
    assert_eq!(AbhaAddress::parse(&qr.address.expose()).as_ref(), Ok(&qr.address));
    if let Some(number) = &qr.number {
        assert_eq!(AbhaNumber::parse(number.digits()).as_ref(), Ok(number));
    }
    if let Some(mobile) = &qr.mobile {
        assert_eq!(Mobile::parse(mobile.expose()).as_ref(), Ok(mobile));
    }
    for text in [&qr.name, &qr.state, &qr.district].into_iter().flatten() {
        assert!(!text.is_empty() && !text.chars().any(char::is_control), "{text:?}");
    }
});
