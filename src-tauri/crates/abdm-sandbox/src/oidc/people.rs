//! The demo staff of the clinic's OpenID Connect provider. Listed in the README.

use super::state::{Account, Provider};
use crate::auth_platform::state::{random_token, sha256_hex};

fn account(sub: &str, email: &str, given: &str, family: &str, password: &str) -> Account {
    let salt = random_token();
    Account {
        sub: sub.to_owned(),
        email: email.to_owned(),
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        password_hash: sha256_hex(&format!("{salt}{password}")),
        salt,
    }
}

pub fn seed(provider: &mut Provider) {
    for a in [
        account("staff-1001", "kavita.rao@sunrise.example", "Kavita", "Rao", "Oidc#Kavita1"),
        account("staff-1002", "joseph.mathew@sunrise.example", "Joseph", "Mathew", "Oidc#Joseph2"),
    ] {
        provider.accounts.insert(a.email.clone(), a);
    }
}
