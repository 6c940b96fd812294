//! The demo people, one for every path through sign-up and login. Listed in the
//! README; tests and the demo phone rely on them.

use crate::world::{ACCOUNT_LOCK_SECS, Account, KycRecord, World};

/// A 1x1 JPEG, standing in for a KYC photo.
const PHOTO: &str = "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////2wBDAf//////////////////////////////////////////////////////////////////////////////////////wAARCAABAAEDASIAAhEBAxEB/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAUAQEAAAAAAAAAAAAAAAAAAAAA/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAwDAQACEQMRAD8AKgD/2Q==";

fn account(address: &str, first: &str, last: &str, gender: &str, year: u16) -> Account {
    Account {
        address: address.to_owned(),
        first_name: first.to_owned(),
        middle_name: None,
        last_name: Some(last.to_owned()),
        gender: gender.to_owned(),
        day_of_birth: None,
        month_of_birth: None,
        year_of_birth: year,
        mobile: None,
        email: None,
        abha_number: None,
        password: None,
        address_line: Some("12 MG Road".to_owned()),
        state_code: Some("27".to_owned()),
        state_name: Some("MAHARASHTRA".to_owned()),
        district_code: Some("401".to_owned()),
        district_name: Some("Pune".to_owned()),
        pincode: Some("411001".to_owned()),
        kyc_verified: false,
        photo: None,
        locked_until: None,
        password_failures: 0,
    }
}

/// Fills an empty world with the demo people. `now` places the locked account's lock.
pub fn seed(world: &mut World, now: i64) {
    let mut add = |a: Account| {
        world.accounts.insert(a.address.clone(), a);
    };

    // Asha: one mobile, two addresses; the first has a password.
    add(Account {
        mobile: Some("9876543210".into()),
        password: Some("Hyd3rabad!Rain".into()),
        ..account("asha.verma@sbx", "Asha", "Verma", "F", 1987)
    });
    add(Account { mobile: Some("9876543210".into()), ..account("ashav.pune@sbx", "Asha", "Verma", "F", 1987) });

    // Ravi: one email, one address.
    add(Account {
        email: Some("ravi.kumar@example.in".into()),
        password: Some("Ch3nnai#Sea".into()),
        ..account("ravi.kumar@sbx", "Ravi", "Kumar", "M", 1979)
    });

    // The Sharma family: one mobile already at the limit of 4 addresses.
    for (first, year) in [("rohan", 1975), ("priya", 1978), ("kabir", 2004), ("anaya", 2009)] {
        let mut name = first.to_owned();
        if let Some(c) = name.get_mut(0..1) {
            c.make_ascii_uppercase();
        }
        add(Account {
            mobile: Some("9000000004".into()),
            ..account(
                &format!("{first}.sharma@sbx"),
                &name,
                "Sharma",
                if first == "priya" || first == "anaya" { "F" } else { "M" },
                year,
            )
        });
    }

    // An old address with a password and nothing else to send an OTP to.
    add(Account { password: Some("Str0ng#Pass".into()), ..account("pwd.only@sbx", "Vikram", "Rao", "M", 1969) });

    // A locked address: too many wrong passwords.
    add(Account {
        mobile: Some("9111111111".into()),
        password: Some("L0cked#Door".into()),
        locked_until: Some(now + ACCOUNT_LOCK_SECS),
        password_failures: 5,
        ..account("locked.user@sbx", "Lata", "Iyer", "F", 1958)
    });

    // Meera: an ABHA number with a KYC profile and photo, its default address and one more.
    let meera = KycRecord {
        abha_number: "91-1111-2222-3333".into(),
        first_name: "Meera".into(),
        middle_name: Some("Devi".into()),
        last_name: Some("Nair".into()),
        gender: "F".into(),
        day_of_birth: 14,
        month_of_birth: 1,
        year_of_birth: 1990,
        mobile: "9123456780".into(),
        email: Some("meera.nair@example.in".into()),
        address_line: "7 Lake View, Kakkanad".into(),
        state_code: "32".into(),
        state_name: "KERALA".into(),
        district_code: "557".into(),
        district_name: "Ernakulam".into(),
        pincode: "682030".into(),
        photo: Some(PHOTO.into()),
    };
    for address in ["91111122223333@sbx", "meera.nair@sbx"] {
        add(Account {
            middle_name: meera.middle_name.clone(),
            day_of_birth: Some(meera.day_of_birth),
            month_of_birth: Some(meera.month_of_birth),
            mobile: Some(meera.mobile.clone()),
            abha_number: Some(meera.abha_number.clone()),
            address_line: Some(meera.address_line.clone()),
            state_code: Some(meera.state_code.clone()),
            state_name: Some(meera.state_name.clone()),
            district_code: Some(meera.district_code.clone()),
            district_name: Some(meera.district_name.clone()),
            pincode: Some(meera.pincode.clone()),
            kyc_verified: true,
            photo: meera.photo.clone(),
            ..account(address, "Meera", "Nair", "F", 1990)
        });
    }
    world.kyc.insert(meera.abha_number.clone(), meera);

    // Arjun: an ABHA number with KYC and no address yet (signs up by ABHA number).
    world.kyc.insert(
        "91-4444-5555-6666".into(),
        KycRecord {
            abha_number: "91-4444-5555-6666".into(),
            first_name: "Arjun".into(),
            middle_name: None,
            last_name: Some("Singh".into()),
            gender: "M".into(),
            day_of_birth: 2,
            month_of_birth: 10,
            year_of_birth: 1995,
            mobile: "9988776655".into(),
            email: None,
            address_line: "44 Civil Lines".into(),
            state_code: "9".into(),
            state_name: "UTTAR PRADESH".into(),
            district_code: "164".into(),
            district_name: "Lucknow".into(),
            pincode: "226001".into(),
            photo: Some(PHOTO.into()),
        },
    );
}
