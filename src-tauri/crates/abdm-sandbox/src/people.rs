//! The demo people, one for every path through sign-up and login. Listed in the
//! README; tests and the demo phone rely on them.

use crate::world::{ACCOUNT_LOCK_SECS, Account, KycRecord, World};

/// A 96x120 JPEG of a grey silhouette, standing in for a KYC photo.
const PHOTO: &str = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAB4AGADASIAAhEBAxEB/8QAGgABAAMBAQEAAAAAAAAAAAAAAAUGBwMEAv/EADQQAAEDAgUBBgMHBQAAAAAAAAEAAgMEEQUGEiExQQcTIlFhgTKRoRQjM2JxsbI1NkJ0gv/EABcBAQEBAQAAAAAAAAAAAAAAAAACAwH/xAAYEQEBAQEBAAAAAAAAAAAAAAAAARExAv/aAAwDAQACEQMRAD8A3xERbsRERAREQEREBERAREQEREBERAUdiGNYbhzi2rrImPBALAdThcX3aLkbKp52zNMypfh2HSOiEZHezMd4iedII4t1632/Wiqp5ctbHQ5gwquk0U9bEX3DQ192FxPAAda/spRYQrXlDM01DUx0lbI6SjkIY1z3fg9AQT/j5jpyPVfJK0xERS6IiICIiAvFjVaMOwqqqyWgxsJbqBILuGg28yQF7VB52Y6TK9cGNc4gNdYC+we0k+wBKQZIiItECIiDW8l1orcu0pu3XCO4cACLaeOfy6T7qcVU7N2ObgEpc1wD6hzmkj4hpaLj3BHsrWovVwREXAREQFzqIWVEEkMzdUcjSxwva4IsQuiIMSxKimw6umpKkNEsZsdJuDtcEfqCCvKtdzJl+nxuJhe7ualmzZg25t5EdR+x9759iGVsWonG9K6dlwA+Dx32vxz8wrl1NiDXSnhfUTxwwt1SSODGi9rkmwClKHLWLVkmllFLEAQC6Yd2Bfrvufa6vmV8rw4O77RO9s9YRYOtZse24b9d/Ly3utwkS2C0Qw7CqWkAaDGwB2kkgu5cRfzJJXtRFChERAREQEXzI9scbnyOaxjQXOc42AA6krMc35ldishpaMuZQNPPBlI6n08h7npbsmluLLi+dqGjk7ujY6seDZxa7Swc8Osb8DgW35VXqc54xNIHRzRQAC2mOMEH18Vyq2irInVigzjjMcrXvqGTNHLHxNAPyAP1VjwrPVNM4MxKF1ObD7xl3tJtvccj055WdImQ1usb2yRtfG5r2OAc1zTcEHqCvpZJlfME2C1Njqko5D95F5fmb6/v8iNVpKmGspo6imkbJDILtcOqmzFS67IiLgIiIKb2iYu6mpo8Pp3ubJONUpG3g4tx1N+vT1WdL241WnEcVqqslxEjyW6gAQ3hoNvIABeJaSYiiIiAiIgK7dnWLuZUuwyd7jG8F0IO+lw3IG3UXPNtvVUldKeZ9PPHNC7TJG4PabXsQbgpZpG5ouNHO2qpIKiMODJWNkaHcgEX3XZZrFF5pnbTZdxB7w4gwmPbzd4R9SFKKBzz/a1b/wAfzakGTIiLRAiIgIiICIiDVOz+ds2WoWNDgYXvjdfqb6tvZwVjVT7NP6FP/su/i1WxRergonNlP9py5Xx6tNozJe1/hOq3vayIuDHkRFogREQEREBERBqXZ7T9zlxkmrV38j5LWtp3029fhv7qyoii9XH/2Q==";

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
