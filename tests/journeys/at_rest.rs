//! What the database holds once it is decrypted: after logins by every mode, a
//! sign-up left half way, a KYC sign-up and a front-desk verification, no cell of
//! any table holds a demo person's full mobile, email or ABHA number, or a token.
//! (That the file itself is unreadable without the key is phr-store's test.)
//!
//! One exception, by ABDM's design: a default ABHA address is the ABHA number
//! itself (`91111122223333@sbx`), and the address is what the app keeps to know
//! whose sign-in, cache row and audit line it is. Such an address may appear
//! whole (it is shown masked); the number anywhere else may not.

use std::time::Duration;

use abdm_types::gateway::{AuthPurpose, GatewayAuthMode};
use phr_core::{KycMethod, Verified};
use sqlx::{Column, Connection, Row};

use crate::helpers::*;

const DEFAULT_ADDRESS: &str = "91111122223333@sbx";

const FULL: [&str; 12] = [
    "9876543210",
    "9123456780",
    "9988776655",
    "9822001122",
    "ravi.kumar@example.in",
    "meera.nair@example.in",
    "kavya.iyer@example.in",
    "91-1111-2222-3333",
    "91111122223333",
    "91-4444-5555-6666",
    "91444455556666",
    "Hyd3rabad!Rain",
];

#[tokio::test]
async fn no_full_number_email_or_token_inside_the_decrypted_database() {
    let mut app = with_desk(start().await, Duration::from_secs(5), true).await;
    let flow = app.phr.login_by_contact("9876543210").await.unwrap();
    let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &app.otp_for("9876543210")).await.unwrap() else {
        panic!("a chooser")
    };
    app.phr.login_choose(&flow.id, "asha.verma@sbx").await.unwrap();
    let flow = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
    app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
    let flow = app.phr.login_by_contact("ravi.kumar@example.in").await.unwrap();
    let Verified::Choose(flow) =
        app.phr.login_verify_otp(&flow.id, &app.otp_for("ravi.kumar@example.in")).await.unwrap()
    else {
        panic!("a chooser")
    };
    app.phr.login_choose(&flow.id, "ravi.kumar@sbx").await.unwrap();
    let flow = app.phr.login_by_abha_number("91-1111-2222-3333", "1990").await.unwrap();
    let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &app.otp_for("9123456780")).await.unwrap() else {
        panic!("a chooser")
    };
    app.phr.login_choose(&flow.id, DEFAULT_ADDRESS).await.unwrap();
    // Left half way, to be resumed after a restart: kept, but not in the clear.
    let flow = app.phr.signup_by_contact("9822001122").await.unwrap();
    app.phr.signup_verify_otp(&flow.id, &app.otp_for("9822001122")).await.unwrap();
    app.phr.signup_by_contact("kavya.iyer@example.in").await.unwrap();
    let kyc = app.phr.signup_by_abha_number("91-4444-5555-6666", KycMethod::AadhaarOtp).await.unwrap();
    app.phr.signup_verify_otp(&kyc.id, &app.otp_for("9988776655")).await.unwrap();
    let v = app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.unwrap();
    app.phr.verify_with(&v.id, GatewayAuthMode::MobileOtp).await.unwrap();
    app.phr.verify_otp(&v.id, &app.sandbox.outbox().last().unwrap().otp).await.unwrap();
    let tokens: Vec<String> = held_tokens(&app).await;
    assert!(!tokens.is_empty());
    app.restart().await;

    let (path, key) = app.database();
    let mut db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    sqlx::query(&format!("PRAGMA key = \"x'{key}'\"")).execute(&mut db).await.unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'").fetch_all(&mut db).await.unwrap();
    assert!(tables.len() >= 8, "{tables:?}");
    let (mut cells, mut found) = (0, std::collections::BTreeSet::new());
    // FTS5's own tables hold its index of `people_search_content`, read below.
    for table in tables.iter().filter(|t| !t.starts_with("people_search_") || t.ends_with("_content")) {
        for row in sqlx::query(&format!("SELECT * FROM \"{table}\"")).fetch_all(&mut db).await.unwrap() {
            for i in 0..row.len() {
                let text = match row.try_get::<Option<String>, _>(i) {
                    Ok(text) => text.unwrap_or_default(),
                    Err(_) => match row.try_get::<Option<Vec<u8>>, _>(i) {
                        Ok(bytes) => String::from_utf8_lossy(&bytes.unwrap_or_default()).into_owned(),
                        Err(_) => continue,
                    },
                };
                cells += 1;
                let text = text.replace(DEFAULT_ADDRESS, "");
                for (k, full) in FULL.iter().copied().chain(tokens.iter().map(String::as_str)).enumerate() {
                    if text.contains(full) {
                        // Which one by its place in the list: a failure must not print it.
                        let what = if k < FULL.len() { format!("FULL[{k}]") } else { "a held token".into() };
                        found.insert(format!("{table}.{}: {what}", row.columns()[i].name()));
                    }
                }
                if text.contains("eyJ") {
                    found.insert(format!("{table}: something like a JWT"));
                }
            }
        }
    }
    assert!(cells > 50, "only {cells} cells read");
    assert!(found.is_empty(), "{found:#?}");
}

/// Every token the keyring holds for the people signed in above.
async fn held_tokens(app: &App) -> Vec<String> {
    let mut tokens = Vec::new();
    for address in ["asha.verma@sbx", "ravi.kumar@sbx", "91111122223333@sbx"] {
        if let Some(token) = app.token_of(address).await {
            tokens.push(token.expose().clone());
        }
    }
    tokens
}
