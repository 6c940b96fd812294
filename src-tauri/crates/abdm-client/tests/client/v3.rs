//! The PHR v3 app API: the client's v3 calls against the sandbox, and the
//! sandbox's v3 rules (headers, tokens, OAEP only, error shapes) over raw HTTP.

use abdm_client::{AbdmClient, AbdmError, ClientOptions, Contact, Credential, PhrApi};
use abdm_types::{AbhaNumber, Password, Sensitive, YearOfBirth, phr::AuthMode};
use base64::{Engine, engine::general_purpose::STANDARD};
use rsa::{Oaep, Pkcs1v15Encrypt, RsaPublicKey, pkcs8::DecodePublicKey};
use serde_json::{Value, json};

use crate::helpers::*;

fn v3_client(t: &TestSandbox) -> AbdmClient {
    let config = abdm_client::AbdmConfig {
        api: PhrApi::V3,
        ..config(&t.sandbox.phr_v3_base_url(), &t.sandbox.gateway_base_url())
    };
    AbdmClient::with_options(config, Sensitive::from(abdm_sandbox::DEMO_CLIENT_SECRET), ClientOptions::default())
        .unwrap()
}

#[tokio::test]
async fn a_mobile_login_verifies_then_picks_an_address_with_the_t_token() {
    let t = spawn().await;
    let client = v3_client(&t);
    let txn = client.login_contact_init(&Contact::Mobile(mobile("9876543210"))).await.unwrap().transaction_id;
    let verified = client.login_pre_verify(&txn, &t.otp_for("9876543210")).await.unwrap();
    assert_eq!(verified.mapped_phr_address, ["asha.verma@sbx", "ashav.pune@sbx"]);
    let tokens = client.login_choose(&txn, &address("ashav.pune@sbx")).await.unwrap();
    assert!(tokens.refresh_token.is_some(), "X-token and R-token");
    let profile = client.profile(&bearer(&tokens.token)).await.unwrap();
    assert_eq!((profile.id.as_str(), profile.full_name.as_str()), ("ashav.pune@sbx", "Asha Verma"));
    assert_eq!(profile.mobile.as_deref(), Some("9876543210"));
    assert_eq!(profile.date_of_birth.year, 1987);
}

#[tokio::test]
async fn an_address_logs_in_with_its_password_or_an_otp_and_a_wrong_one_is_a_field_complaint() {
    let t = spawn().await;
    let client = v3_client(&t);
    let asha = address("asha.verma@sbx");
    assert_eq!(client.address_auth_modes(&asha).await.unwrap().auth_methods, ["PASSWORD", "MOBILE_OTP"]);
    assert_rejected(client.address_auth_modes(&address("nobody.here@sbx")).await, 404, "ABDM-1114");

    let txn = client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    let wrong = Password::parse("Wr0ng#Guess").unwrap();
    let refused = client.address_auth_confirm(&asha, &txn, Credential::Password(&wrong)).await.unwrap_err();
    let AbdmError::Rejected { status: 400, failure, .. } = &refused else { panic!("{refused:?}") };
    assert_eq!(failure.fields, [("otpValue".to_owned(), "Invalid OTP Value".to_owned())]);
    let right = Password::parse("Hyd3rabad!Rain").unwrap();
    let tokens = client.address_auth_confirm(&asha, &txn, Credential::Password(&right)).await.unwrap();
    assert_eq!(client.profile(&bearer(&tokens.token)).await.unwrap().id, "asha.verma@sbx");

    let pune = address("ashav.pune@sbx");
    let txn = client.address_auth_init(&pune, AuthMode::MobileOtp).await.unwrap().transaction_id;
    let tokens = client.address_auth_confirm(&pune, &txn, Credential::Otp(&t.otp_for("9876543210"))).await.unwrap();
    assert!(tokens.refresh_token.is_some(), "an address login's verify is final");
    assert_rejected(client.address_auth_init(&address("pwd.only@sbx"), AuthMode::MobileOtp).await, 400, "ABDM-1118");
}

#[tokio::test]
async fn an_abha_number_logs_in_without_a_year_and_an_unknown_one_is_not_found() {
    let t = spawn().await;
    let client = v3_client(&t);
    let number = AbhaNumber::parse("91-1111-2222-3333").unwrap();
    let any_year = YearOfBirth::new(1991, 2026).unwrap();
    let modes = client.login_abha_number_modes(&number, any_year).await.unwrap().auth_methods;
    assert_eq!(modes, ["MOBILE_OTP", "AADHAAR_OTP"], "v3's two ways, without a search");
    let txn = client.login_abha_number_init(&number, AuthMode::MobileOtp).await.unwrap().transaction_id;
    let verified = client.login_pre_verify(&txn, &t.otp_for("9123456780")).await.unwrap();
    assert_eq!(verified.mapped_phr_address, ["91111122223333@sbx", "meera.nair@sbx"]);
    let unknown = AbhaNumber::parse("91-9999-9999-9990").unwrap();
    assert_rejected(client.login_abha_number_init(&unknown, AuthMode::MobileOtp).await, 404, "ABDM-1114");
}

#[tokio::test]
async fn a_resend_is_the_request_again_held_to_the_minute_and_the_lock() {
    let t = spawn().await;
    let client = v3_client(&t);
    let txn = client.login_contact_init(&Contact::Mobile(mobile("9876543210"))).await.unwrap().transaction_id;
    assert_rejected(client.resend_otp(&txn).await, 429, "ABDM-1022");
    let first = t.otp_for("9876543210");
    t.advance(61);
    let next = client.resend_otp(&txn).await.unwrap().session_id;
    assert_ne!(next, txn, "a new transaction");
    assert_rejected(client.login_pre_verify(&txn, &first).await, 400, "ABDM-1017");
    let mut last = next;
    for _ in 0..2 {
        t.advance(61);
        last = client.resend_otp(&last).await.unwrap().session_id;
    }
    t.advance(61);
    assert_rejected(client.resend_otp(&last).await, 429, "ABDM-1100");
    assert!(client.login_pre_verify(&last, &t.otp_for("9876543210")).await.is_err(), "locked for half an hour");
}

#[tokio::test]
async fn the_refresh_spends_the_r_token_and_logout_ends_both() {
    let t = spawn().await;
    let client = v3_client(&t);
    let asha = address("asha.verma@sbx");
    let txn = client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    let password = Password::parse("Hyd3rabad!Rain").unwrap();
    let first = client.address_auth_confirm(&asha, &txn, Credential::Password(&password)).await.unwrap();
    let refresh = bearer(first.refresh_token.as_deref().unwrap());
    let second = client.refresh(&refresh).await.unwrap();
    assert_rejected(client.refresh(&refresh).await, 401, "900901");
    let (x, r) = (bearer(&second.token), bearer(second.refresh_token.as_deref().unwrap()));
    client.logout(&x, &r).await.unwrap();
    assert_rejected(client.profile(&x).await, 401, "900901");
    assert_rejected(client.refresh(&r).await, 401, "900901");
}

/// A gateway token for raw calls, and the sandbox's v3 key.
async fn raw(t: &TestSandbox) -> (reqwest::Client, String, RsaPublicKey) {
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{}v0.5/sessions", t.sandbox.gateway_base_url()))
        .json(&json!({"clientId": abdm_sandbox::DEMO_CLIENT_ID, "clientSecret": abdm_sandbox::DEMO_CLIENT_SECRET,
                      "grantType": "client_credentials"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cert: Value = stamp(http.get(format!("{}login/public/certificate", t.sandbox.phr_v3_base_url())))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cert["encryptionAlgorithm"], "RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    let der = STANDARD.decode(cert["publicKey"].as_str().unwrap()).unwrap();
    (http, session["accessToken"].as_str().unwrap().to_owned(), RsaPublicKey::from_public_key_der(&der).unwrap())
}

fn stamp(builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    builder
        .header("REQUEST-ID", uuid::Uuid::new_v4().to_string())
        .header("TIMESTAMP", abdm_types::gateway::timestamp(now))
}

#[tokio::test]
async fn the_sandbox_holds_v3_to_its_headers_scopes_and_oaep_and_v1_to_pkcs1() {
    let t = spawn().await;
    let (http, gateway, key) = raw(&t).await;
    let url = format!("{}login/request/otp", t.sandbox.phr_v3_base_url());
    let mut rng = rand::thread_rng();
    let oaep = STANDARD.encode(key.encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), b"9876543210").unwrap());
    let pkcs1 = STANDARD.encode(key.encrypt(&mut rng, Pkcs1v15Encrypt, b"9876543210").unwrap());
    let body = |login_id: &str, scope: [&str; 2]| json!({"scope": scope, "loginHint": "mobile-number", "loginId": login_id, "otpSystem": "abdm"});
    let good_scope = ["abha-address-login", "mobile-verify"];
    let gateway = gateway.as_str();
    let send = |builder: reqwest::RequestBuilder, body: Value| async move {
        let response = builder.bearer_auth(gateway).json(&body).send().await.unwrap();
        (response.status().as_u16(), response.json::<Value>().await.unwrap())
    };

    let (status, reply) = send(http.post(&url), body(&oaep, good_scope)).await;
    assert_eq!(status, 400, "no REQUEST-ID or TIMESTAMP: {reply}");
    assert!(reply.get("REQUEST-ID").is_some(), "a field complaint: {reply}");
    let drifted = http.post(&url).header("REQUEST-ID", uuid::Uuid::new_v4().to_string()).header(
        "TIMESTAMP",
        abdm_types::gateway::timestamp(
            (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 - 3600)
                * 1000,
        ),
    );
    let (status, reply) = send(drifted, body(&oaep, good_scope)).await;
    assert_eq!((status, reply["error"]["code"].as_str()), (400, Some("ABDM-1016")), "{reply}");
    let (status, reply) = send(stamp(http.post(&url)), body(&pkcs1, good_scope)).await;
    assert_eq!((status, &reply["loginId"]), (400, &json!("Invalid loginId")), "PKCS#1 v1.5 is refused: {reply}");
    let (status, reply) = send(stamp(http.post(&url)), body(&oaep, ["abha-login", "mobile-verify"])).await;
    assert_eq!((status, reply["error"]["code"].as_str()), (400, Some("ABDM-1107")), "{reply}");
    let (status, reply) = send(stamp(http.post(&url)), body(&oaep, good_scope)).await;
    assert_eq!(status, 200, "{reply}");
    assert!(reply["txnId"].as_str().is_some_and(|id| !id.is_empty()));

    // The guide's generation, the other way round: OAEP is not its padding.
    let v1 = format!("{}v1/apps/login/mobileEmail/auth-init", t.sandbox.phr_base_url());
    let v1_body = json!({"value": oaep, "purpose": "CM_ACCESS", "authMode": "MOBILE_OTP",
                         "requester": {"type": "PHR", "id": abdm_sandbox::DEMO_REQUESTER_ID}});
    let (status, reply) = send(http.post(&v1).header("X-CM-ID", "sbx"), v1_body).await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["details"][0]["code"], "ABDM-1502", "{reply}");
}

#[tokio::test]
async fn verify_user_wants_the_t_token_of_its_own_transaction() {
    let t = spawn().await;
    let client = v3_client(&t);
    let (http, gateway, _) = raw(&t).await;
    let txn = client.login_contact_init(&Contact::Mobile(mobile("9876543210"))).await.unwrap().transaction_id;
    client.login_pre_verify(&txn, &t.otp_for("9876543210")).await.unwrap();
    let txn_id = txn.split_once('|').map_or(txn.as_str(), |(_, id)| id);
    let url = format!("{}login/verify/user", t.sandbox.phr_v3_base_url());
    let body = json!({"abhaAddress": "asha.verma@sbx", "txnId": txn_id});
    let without = stamp(http.post(&url)).bearer_auth(&gateway).json(&body).send().await.unwrap();
    assert_eq!(without.status(), 401, "no T-token");
    let forged = stamp(http.post(&url)).bearer_auth(&gateway).header("T-token", "Bearer x.y.z").json(&body);
    assert_eq!(forged.send().await.unwrap().status(), 401);
    assert!(client.login_choose(&txn, &address("asha.verma@sbx")).await.is_ok(), "the client's own T-token");
}

fn kavya() -> abdm_client::RegistrationDetails {
    abdm_client::RegistrationDetails {
        first_name: "Kavya".into(),
        middle_name: None,
        last_name: Some("Iyer".into()),
        gender: abdm_types::Gender::parse("F").unwrap(),
        day_of_birth: Some(4),
        month_of_birth: Some(8),
        year_of_birth: YearOfBirth::new(1993, 2026).unwrap(),
        state: abdm_types::StateCode::parse("33").unwrap(),
        district: abdm_types::DistrictCode::parse("568").unwrap(),
        pincode: abdm_types::Pincode::parse("600004").unwrap(),
        address: "9 Temple Street".into(),
        email: None,
        mobile: None,
    }
}

#[tokio::test]
async fn a_sign_up_sends_the_profile_with_the_new_address_at_enrol() {
    let t = spawn().await;
    let client = v3_client(&t);
    let session = client.generate_otp(&Contact::Mobile(mobile("9822001122"))).await.unwrap().session_id;
    let verified = client.validate_otp(&session, &t.otp_for("9822001122")).await.unwrap();
    assert!(verified.mapped_phr_address.is_empty());
    client.registration_details(&session, &kavya()).await.unwrap();
    let names = client.suggestions(&session).await.unwrap();
    assert!(names.iter().any(|n| n.contains("kavya")), "{names:?}");
    assert!(client.is_address_taken(&address("asha.verma@sbx")).await.unwrap());
    assert!(!client.is_address_taken(&address("kavya.iyer93@sbx")).await.unwrap());
    let name = abdm_types::AddressName::parse("kavya.iyer93").unwrap();
    let password = Password::parse("Pun3#Rains").unwrap();
    let created = client.create_address(&session, &name, Some(&password), false).await.unwrap();
    let profile = client.profile(&bearer(&created.token)).await.unwrap();
    assert_eq!((profile.id.as_str(), profile.mobile.as_deref()), ("kavya.iyer93@sbx", Some("9822001122")));
    assert_eq!((profile.date_of_birth.date, profile.date_of_birth.month), (Some(4), Some(8)));
    assert!(profile.has_password);
    assert_eq!(client.lgd_districts(abdm_types::StateCode::parse("27").unwrap()).await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_sign_up_by_abha_number_gets_the_kyc_profile_and_may_log_into_a_linked_address() {
    let t = spawn().await;
    let client = v3_client(&t);
    let number = AbhaNumber::parse("91-1111-2222-3333").unwrap();
    let session = client.kyc_auth_init(&number, AuthMode::MobileOtp).await.unwrap().session_id;
    let kyc = client.kyc_confirm(&session, &t.otp_for("9123456780")).await.unwrap();
    assert_eq!(kyc.health_id_number, "91-1111-2222-3333");
    assert_eq!(kyc.phr_address, ["91111122223333@sbx", "meera.nair@sbx"]);
    let name = abdm_types::AddressName::parse("meera.nair").unwrap();
    let token = client.kyc_create_address(&session, &name, None, true).await.unwrap().token;
    assert_eq!(client.profile(&bearer(&token)).await.unwrap().id, "meera.nair@sbx", "through login/verify/user");
}

#[tokio::test]
async fn a_password_is_set_through_the_profile_verify_and_the_same_one_is_refused() {
    let t = spawn().await;
    let client = v3_client(&t);
    let asha = address("asha.verma@sbx");
    let old = Password::parse("Hyd3rabad!Rain").unwrap();
    let txn = client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    let token = bearer(&client.address_auth_confirm(&asha, &txn, Credential::Password(&old)).await.unwrap().token);
    assert_rejected(client.reset_password(&token, &old).await, 400, "ABDM-1110");
    let new = Password::parse("N3w#Monsoon").unwrap();
    client.reset_password(&token, &new).await.unwrap();
    let txn = client.address_auth_init(&asha, AuthMode::Password).await.unwrap().transaction_id;
    assert!(client.address_auth_confirm(&asha, &txn, Credential::Password(&new)).await.is_ok());
    let added = client.add_address(&token, &abdm_types::AddressName::parse("asha.third").unwrap()).await;
    assert!(matches!(added, Err(AbdmError::NotInGeneration { .. })), "v3 has no such call: {added:?}");
}
