use abdm_client::{Contact, Credential};
use abdm_types::{AbhaNumber, AddressName, Password, YearOfBirth, phr::AuthMode};

use crate::helpers::*;

/// Asha's login with her address and password.
async fn asha_with_password(t: &TestSandbox) -> abdm_types::phr::TokenResponse {
    let txn = t.client.address_auth_init(&address("asha.verma@sbx"), AuthMode::Password).await.unwrap().transaction_id;
    let password = Password::parse("Hyd3rabad!Rain").unwrap();
    t.client.address_auth_confirm(&address("asha.verma@sbx"), &txn, Credential::Password(&password)).await.unwrap()
}

#[tokio::test]
async fn login_by_mobile_lists_both_addresses_and_logs_into_the_chosen_one() {
    let t = spawn().await;
    let txn = t.client.login_contact_init(&Contact::Mobile(mobile("9876543210"))).await.unwrap().transaction_id;
    let verified = t.client.login_pre_verify(&txn, &t.otp_for("9876543210")).await.unwrap();
    assert_eq!(verified.mapped_phr_address, ["asha.verma@sbx", "ashav.pune@sbx"]);
    assert!(!verified.mobile_email.contains("9876543210"), "the mobile comes back masked");

    let token = t.client.login_choose(&txn, &address("ashav.pune@sbx")).await.unwrap();
    assert!(token.token.starts_with("Bearer "));
    assert_eq!(t.client.profile(&bearer(&token.token)).await.unwrap().id, "ashav.pune@sbx");
}

#[tokio::test]
async fn login_by_email() {
    let t = spawn().await;
    let txn =
        t.client.login_contact_init(&Contact::Email(email("ravi.kumar@example.in"))).await.unwrap().transaction_id;
    let verified = t.client.login_pre_verify(&txn, &t.otp_for("ravi.kumar@example.in")).await.unwrap();
    let token = t.client.login_choose(&txn, &address(&verified.mapped_phr_address[0])).await.unwrap();
    assert_eq!(t.client.profile(&bearer(&token.token)).await.unwrap().id, "ravi.kumar@sbx");
}

#[tokio::test]
async fn an_unknown_mobile_cannot_log_in() {
    let t = spawn().await;
    assert_rejected(t.client.login_contact_init(&Contact::Mobile(mobile("9822000000"))).await, 404, "ABDM-1414");
}

#[tokio::test]
async fn choosing_an_address_not_on_the_mobile_is_refused() {
    let t = spawn().await;
    let txn = t.client.login_contact_init(&Contact::Mobile(mobile("9876543210"))).await.unwrap().transaction_id;
    t.client.login_pre_verify(&txn, &t.otp_for("9876543210")).await.unwrap();
    assert_rejected(t.client.login_choose(&txn, &address("ravi.kumar@sbx")).await, 404, "ABDM-1414");
}

#[tokio::test]
async fn login_by_address_and_password() {
    let t = spawn().await;
    let asha = address("asha.verma@sbx");
    let modes = t.client.address_auth_modes(&asha).await.unwrap();
    assert_eq!(modes.auth_methods, ["PASSWORD", "MOBILE_OTP"]);
    let txn = t.client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    let password = Password::parse("Hyd3rabad!Rain").unwrap();
    let token = t.client.address_auth_confirm(&asha, &txn, Credential::Password(&password)).await.unwrap();
    assert_eq!(token.phr_address.as_deref(), Some("asha.verma@sbx"));
    assert!(token.refresh_token.is_some());
}

#[tokio::test]
async fn login_by_address_and_otp() {
    let t = spawn().await;
    let pune = address("ashav.pune@sbx");
    let txn = t.client.address_auth_init(&pune, AuthMode::MobileOtp).await.unwrap().transaction_id;
    let token = t.client.address_auth_confirm(&pune, &txn, Credential::Otp(&t.otp_for("9876543210"))).await.unwrap();
    assert_eq!(token.phr_address.as_deref(), Some("ashav.pune@sbx"));
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_five_lock_the_address() {
    let t = spawn().await;
    let asha = address("asha.verma@sbx");
    let wrong = Password::parse("Wr0ng#Guess").unwrap();
    for _ in 0..4 {
        let txn = t.client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
        assert_rejected(
            t.client.address_auth_confirm(&asha, &txn, Credential::Password(&wrong)).await,
            422,
            "ABDM-1405",
        );
    }
    let txn = t.client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    assert_rejected(t.client.address_auth_confirm(&asha, &txn, Credential::Password(&wrong)).await, 403, "ABDM-1423");
    assert_rejected(t.client.address_auth_init(&asha, AuthMode::MobileOtp).await, 403, "ABDM-1423");
}

#[tokio::test]
async fn an_address_with_only_a_password_refuses_otp_and_the_locked_one_refuses_all() {
    let t = spawn().await;
    let only = address("pwd.only@sbx");
    assert_eq!(t.client.address_auth_modes(&only).await.unwrap().auth_methods, ["PASSWORD"]);
    assert_rejected(t.client.address_auth_init(&only, AuthMode::MobileOtp).await, 422, "ABDM-1118");
    assert_rejected(
        t.client.address_auth_init(&address("locked.user@sbx"), AuthMode::Password).await,
        403,
        "ABDM-1423",
    );
    assert_rejected(t.client.address_auth_modes(&address("nobody.here@sbx")).await, 404, "ABDM-1414");
}

#[tokio::test]
async fn login_by_abha_number_and_year_of_birth_then_the_default_address() {
    let t = spawn().await;
    let number = AbhaNumber::parse("91-1111-2222-3333").unwrap();
    let wrong_year = YearOfBirth::new(1991, 2026).unwrap();
    assert_rejected(t.client.login_abha_number_modes(&number, wrong_year).await, 404, "ABDM-1414");
    let year = YearOfBirth::new(1990, 2026).unwrap();
    assert!(t.client.login_abha_number_modes(&number, year).await.unwrap().auth_methods.contains(&"MOBILE_OTP".into()));

    let txn = t.client.login_abha_number_init(&number, AuthMode::MobileOtp).await.unwrap().transaction_id;
    let verified = t.client.login_pre_verify(&txn, &t.otp_for("9123456780")).await.unwrap();
    assert_eq!(verified.mapped_phr_address, ["91111122223333@sbx", "meera.nair@sbx"]);
    let token = t.client.login_choose(&txn, &address("91111122223333@sbx")).await.unwrap();
    let profile = t.client.profile(&bearer(&token.token)).await.unwrap();
    assert_eq!(profile.kyc_status.as_deref(), Some("VERIFIED"));
}

#[tokio::test]
async fn reset_password_then_only_the_new_one_works() {
    let t = spawn().await;
    let asha = address("asha.verma@sbx");
    let old = Password::parse("Hyd3rabad!Rain").unwrap();
    let txn = t.client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    let token = bearer(&t.client.address_auth_confirm(&asha, &txn, Credential::Password(&old)).await.unwrap().token);

    assert_rejected(t.client.reset_password(&token, &old).await, 422, "ABDM-1440");
    let new = Password::parse("N3w#Monsoon").unwrap();
    t.client.reset_password(&token, &new).await.unwrap();

    let txn = t.client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    assert_rejected(t.client.address_auth_confirm(&asha, &txn, Credential::Password(&old)).await, 422, "ABDM-1405");
    let txn = t.client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    assert!(t.client.address_auth_confirm(&asha, &txn, Credential::Password(&new)).await.is_ok());
}

#[tokio::test]
async fn refresh_rotates_the_tokens_and_logout_ends_the_session() {
    let t = spawn().await;
    let first = asha_with_password(&t).await;
    let refresh = bearer(first.refresh_token.as_ref().unwrap());

    let second = t.client.refresh(&refresh).await.unwrap();
    assert_rejected(t.client.refresh(&refresh).await, 401, "ABDM-1401");
    let token = bearer(&second.token);
    assert!(t.client.profile(&token).await.is_ok());

    t.client.logout(&token, &bearer(second.refresh_token.as_ref().unwrap())).await.unwrap();
    assert_rejected(t.client.profile(&token).await, 401, "ABDM-1401");
}

#[tokio::test]
async fn a_user_token_expires() {
    let t = spawn().await;
    let token = bearer(&asha_with_password(&t).await.token);
    t.advance(1801);
    assert_rejected(t.client.profile(&token).await, 401, "ABDM-1401");
}

#[tokio::test]
async fn more_addresses_from_inside_a_session_up_to_the_limit() {
    let t = spawn().await;
    let token = bearer(&asha_with_password(&t).await.token);

    let third = t.client.add_address(&token, &AddressName::parse("asha.health").unwrap()).await.unwrap();
    assert_eq!(third, "asha.health@sbx");
    assert_rejected(t.client.add_address(&token, &AddressName::parse("asha.health").unwrap()).await, 422, "ABDM-1434");
    t.client.add_address(&token, &AddressName::parse("asha.family").unwrap()).await.unwrap();
    assert_rejected(t.client.add_address(&token, &AddressName::parse("asha.fifth").unwrap()).await, 422, "ABDM-1436");
}
