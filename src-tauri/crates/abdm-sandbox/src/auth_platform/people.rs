//! The demo clinics and staff, one for every path through staff sign-in. Listed
//! in the README; the tests rely on them.

use super::state::{AuthPlatform, Invite, Org, User};

pub const SUNRISE: &str = "019735ab-f216-717f-9d12-e3915453c8d0";
pub const LOTUS: &str = "019735ab-f216-717f-9d12-e3915453c8d1";

fn org(id: &str, slug: &str, name: &str, domain: Option<&str>, now: i64) -> Org {
    Org {
        id: id.to_owned(),
        slug: slug.to_owned(),
        name: name.to_owned(),
        description: Some(format!("{name}, OPD front desk")),
        auto_join_domain: domain.map(str::to_owned),
        created_at: now,
    }
}

fn staff(email: &str, first: &str, last: &str, password: &str, verified: bool, orgs: &[&str]) -> User {
    let mut user = User::new(email, first, last, password);
    user.email_verified = verified;
    user.orgs = orgs.iter().map(|id| ((*id).to_owned(), "member".to_owned())).collect();
    user
}

/// Fills an empty platform: Sunrise Clinic (anyone `@sunrise.example` joins it
/// on sign-up) and Lotus OPD (by invite only).
pub fn seed(platform: &mut AuthPlatform, now: i64) {
    for org in [
        org(SUNRISE, "sunrise", "Sunrise Clinic", Some("sunrise.example"), now),
        org(LOTUS, "lotus", "Lotus OPD", None, now),
    ] {
        platform.orgs.insert(org.id.clone(), org);
    }
    for user in [
        // Verified, one clinic: signs straight in.
        staff("priya.desk@sunrise.example", "Priya", "Sharma", "Desk#Sunrise1", true, &[SUNRISE]),
        // Signed up, email not verified yet.
        staff("rahul.new@sunrise.example", "Rahul", "Menon", "Desk#Sunrise2", false, &[SUNRISE]),
        // Works at both clinics: login answers with a flow to choose one.
        staff("anita.two@lotus.example", "Anita", "Desai", "Desk#Lotus3", true, &[SUNRISE, LOTUS]),
        // Left the clinic: verified, in no clinic any more.
        staff("sunil.left@sunrise.example", "Sunil", "Iyer", "Desk#Left4", true, &[]),
    ] {
        platform.users.insert(user.email.clone(), user);
    }
    platform.invites.push(Invite {
        token: "lotus-invite-2026".to_owned(),
        email: "new.nurse@lotus.example".to_owned(),
        org_id: LOTUS.to_owned(),
        role: "member".to_owned(),
        expires_at: now + 365 * 24 * 3600,
    });
}
