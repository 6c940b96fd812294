//! Every value type's `parse`, on the same text: no panic, and whatever is
//! accepted reads back as itself from the form the app stores or sends.
#![no_main]

use abdm_types::{
    AbhaAddress, AbhaNumber, AddressName, CivilDate, CmSuffix, DateOfBirth, DistrictCode, Email, Gender, Mobile, Otp,
    Password, Pincode, StateCode, YearOfBirth,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    if let Ok(address) = AbhaAddress::parse(raw) {
        assert_eq!(AbhaAddress::parse(&address.expose()).as_ref(), Ok(&address));
        // Display is for logs: a default (14-digit) address shows only its last four.
        if address.is_default() {
            assert!(!address.to_string().contains(&address.name()[..10]));
        }
    }
    if let Ok(name) = AddressName::parse(raw) {
        let address = AbhaAddress::new(&name, CmSuffix::sandbox());
        assert_eq!(AbhaAddress::parse(&address.expose()).as_ref(), Ok(&address));
    }
    if let Ok(number) = AbhaNumber::parse(raw) {
        assert_eq!(AbhaNumber::parse(number.digits()).as_ref(), Ok(&number));
        assert_eq!(AbhaNumber::parse(&number.hyphenated()).as_ref(), Ok(&number));
        assert!(!number.masked().contains(&number.digits()[..10]));
        let default = AbhaAddress::default_for(&number, CmSuffix::production());
        assert!(default.is_default());
    }
    if let Ok(mobile) = Mobile::parse(raw) {
        assert_eq!(Mobile::parse(mobile.expose()).as_ref(), Ok(&mobile));
        assert!(!mobile.masked().contains(&mobile.expose()[..6]));
    }
    if let Ok(email) = Email::parse(raw) {
        assert_eq!(Email::parse(email.expose()).as_ref(), Ok(&email));
        let _ = email.masked();
    }
    if let Ok(otp) = Otp::parse(raw) {
        assert_eq!(Otp::parse(otp.expose()).map(|o| o.expose().to_owned()), Ok(otp.expose().to_owned()));
    }
    let rules = Password::check(raw);
    assert_eq!(Password::parse(raw).is_ok(), rules.is_empty());
    if let Ok(pincode) = Pincode::parse(raw) {
        assert_eq!(Pincode::parse(&pincode.to_string()).as_ref(), Ok(&pincode));
    }
    if let Ok(year) = YearOfBirth::parse(raw, 2026) {
        assert_eq!(YearOfBirth::parse(&year.get().to_string(), 2026).as_ref(), Ok(&year));
    }
    if let Ok(gender) = Gender::parse(raw) {
        assert_eq!(Gender::parse(gender.code()), Ok(gender));
    }
    if let Ok(state) = StateCode::parse(raw) {
        assert_eq!(StateCode::parse(&state.to_string()), Ok(state));
    }
    if let Ok(district) = DistrictCode::parse(raw) {
        assert_eq!(DistrictCode::parse(&district.to_string()), Ok(district));
    }
    let mut parts = raw.splitn(3, '/');
    let (day, month, year) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let today = CivilDate::from_unix(1_796_083_200); // 2026-12-01
    if let Ok(born) = DateOfBirth::parse(day, month, year, today) {
        assert!(born.day().is_none() || born.month().is_some());
    }
    let _ = (phr_core::mask_contact(raw), phr_core::mask_address(raw));
});
