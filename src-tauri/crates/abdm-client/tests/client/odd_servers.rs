use std::time::Duration;

use abdm_client::{AbdmClient, AbdmError, ClientOptions, Contact, Credential, RegistrationDetails};
use abdm_sandbox::{Fault, FaultKind};
use abdm_types::{DistrictCode, Gender, Otp, Password, Pincode, Sensitive, StateCode, YearOfBirth, phr::AuthMode};
use base64::{Engine, engine::general_purpose::STANDARD};
use rsa::{
    Pkcs1v15Encrypt, RsaPrivateKey,
    pkcs8::{DecodePrivateKey, EncodePublicKey},
};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{method, path},
};

use crate::helpers::*;

const SANDBOX_KEY: &str = include_str!("../../../abdm-sandbox/keys/demo-sandbox-key.pem");

fn sandbox_private_key() -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(SANDBOX_KEY).unwrap()
}

fn public_key_base64() -> String {
    STANDARD.encode(sandbox_private_key().to_public_key().to_public_key_der().unwrap().as_bytes())
}

/// A server that hands out a session and the sandbox's public key and answers
/// every POST with `reply`.
async fn recording_server(reply: Value) -> (MockServer, AbdmClient) {
    let server = MockServer::start().await;
    mount_session(&server).await;
    Mock::given(method("GET"))
        .and(path("/cm/v1/apps/public/certificate"))
        .respond_with(ResponseTemplate::new(200).set_body_string(public_key_base64()))
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_json(reply)).mount(&server).await;
    let client = client_for(&format!("{}/cm/", server.uri()), &format!("{}/gateway/", server.uri()), "s");
    (server, client)
}

/// A gateway that hands out a 10-minute session.
async fn mount_session(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/gateway/v0.5/sessions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"accessToken": "t", "expiresIn": 600, "tokenType": "bearer"})),
        )
        .mount(server)
        .await;
}

fn decrypt(field: &Value) -> String {
    let ciphertext = STANDARD.decode(field.as_str().expect("an encrypted field is a string")).unwrap();
    String::from_utf8(sandbox_private_key().decrypt(Pkcs1v15Encrypt, &ciphertext).unwrap()).unwrap()
}

async fn last_body(server: &MockServer, endpoint: &str) -> Value {
    let requests = server.received_requests().await.unwrap();
    let request = requests.iter().rev().find(|r| r.url.path().ends_with(endpoint)).expect("the call was made");
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn every_credential_is_encrypted_and_round_trips_with_the_sandbox_key() {
    let (server, client) = recording_server(json!({})).await;
    let otp = Otp::parse("482913").unwrap();
    let password = Password::parse("Hyd3rabad!Rain").unwrap();
    let contact = Contact::Mobile(mobile("9876543210"));

    // Each call fails to decode the `{}` reply; only the request matters here.
    let _ = client.generate_otp(&contact).await;
    let _ = client.generate_otp(&Contact::Email(email("asha@example.in"))).await;
    let _ = client.validate_otp("s", &otp).await;
    let _ = client.login_contact_init(&contact).await;
    let _ = client.login_pre_verify("t", &otp).await;
    let _ = client.address_auth_confirm(&address("asha.verma@sbx"), "t", Credential::Password(&password)).await;
    let _ = client.kyc_confirm("s", &otp).await;
    let _ = client.reset_password(&Sensitive::from("u"), &password).await;
    let _ = client
        .create_address("s", &abdm_types::AddressName::parse("asha.verma").unwrap(), Some(&password), false)
        .await;
    let details = RegistrationDetails {
        first_name: "Asha".into(),
        middle_name: None,
        last_name: None,
        gender: Gender::Female,
        day_of_birth: None,
        month_of_birth: None,
        year_of_birth: YearOfBirth::new(1987, 2026).unwrap(),
        state: StateCode::parse("27").unwrap(),
        district: DistrictCode::parse("401").unwrap(),
        pincode: Pincode::parse("411001").unwrap(),
        address: "12 MG Road".into(),
        email: Some(email("asha@example.in")),
        mobile: Some(mobile("9876543210")),
    };
    let _ = client.registration_details("s", &details).await;

    let requests = server.received_requests().await.unwrap();
    let generate: Vec<Value> = requests
        .iter()
        .filter(|r| r.url.path().ends_with("generate/otp"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(decrypt(&generate[0]["value"]), "9876543210");
    assert_eq!(generate[0]["authMode"], "MOBILE_OTP");
    assert_eq!(decrypt(&generate[1]["value"]), "asha@example.in");
    assert_eq!(decrypt(&last_body(&server, "validate/otp").await["value"]), "482913");
    assert_eq!(decrypt(&last_body(&server, "mobileEmail/auth-init").await["value"]), "9876543210");
    assert_eq!(decrypt(&last_body(&server, "pre-Verify").await["authcode"]), "482913");
    assert_eq!(decrypt(&last_body(&server, "phrAddress/auth-confirm").await["authCode"]), "Hyd3rabad!Rain");
    assert_eq!(decrypt(&last_body(&server, "confirm-init").await["value"]), "482913");
    assert_eq!(decrypt(&last_body(&server, "reset-password").await["password"]), "Hyd3rabad!Rain");
    assert_eq!(decrypt(&last_body(&server, "create/phrAddress").await["password"]), "Hyd3rabad!Rain");
    let registration = last_body(&server, "registration/details").await;
    assert_eq!(decrypt(&registration["email"]), "asha@example.in");
    assert_eq!(decrypt(&registration["mobile"]), "9876543210");

    // And nothing secret went out in plain text anywhere.
    for request in &requests {
        let body = String::from_utf8_lossy(&request.body);
        for secret in ["9876543210", "482913", "Hyd3rabad!Rain", "asha@example.in"] {
            assert!(!body.contains(secret), "{secret} sent in plain text to {}", request.url.path());
        }
    }
}

#[tokio::test]
async fn two_encryptions_of_the_same_otp_differ() {
    let (server, client) = recording_server(json!({})).await;
    let otp = Otp::parse("482913").unwrap();
    let _ = client.validate_otp("s", &otp).await;
    let first = last_body(&server, "validate/otp").await["value"].clone();
    let _ = client.validate_otp("s", &otp).await;
    let second = last_body(&server, "validate/otp").await["value"].clone();
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_rotated_key_is_fetched_again_and_the_call_repeated_once() {
    let server = MockServer::start().await;
    mount_session(&server).await;
    Mock::given(method("GET"))
        .and(path("/cm/v1/apps/public/certificate"))
        .respond_with(ResponseTemplate::new(200).set_body_string(public_key_base64()))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cm/v1/apps/generate/otp"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "code": "MIS-400", "message": "Plain text credentials is not allowed",
            "details": [{"code": "ABDM-1502", "message": "Plain text credentials is not allowed"}]
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cm/v1/apps/generate/otp"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sessionId": "s-1"})))
        .mount(&server)
        .await;
    let client = client_for(&format!("{}/cm/", server.uri()), &format!("{}/gateway/", server.uri()), "s");

    let reply = client.generate_otp(&Contact::Mobile(mobile("9876543210"))).await.unwrap();
    assert_eq!(reply.session_id, "s-1");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let options = ClientOptions { timeout: Duration::from_millis(300), ..ClientOptions::default() };
    let client = AbdmClient::with_options(
        config(&format!("{}/cm/", server.uri()), &format!("{}/gateway/", server.uri())),
        Sensitive::from("s"),
        options,
    )
    .unwrap();
    let result = client
        .login_abha_number_init(&abdm_types::AbhaNumber::parse("91-1111-2222-3333").unwrap(), AuthMode::MobileOtp)
        .await;
    assert!(matches!(result, Err(AbdmError::Timeout(_))), "{result:?}");
}

#[tokio::test]
async fn an_html_error_page_is_kept_raw_with_its_status() {
    let (server, client) = recording_server(json!({})).await;
    Mock::given(method("POST"))
        .and(path("/cm/v1/apps/resend/otp"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>Internal Server Error</html>"))
        .with_priority(1)
        .mount(&server)
        .await;
    let err = client.resend_otp("s").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.codes().is_empty());
    assert_eq!(err.raw_body(), Some("<html>Internal Server Error</html>"));
}

#[tokio::test]
async fn malformed_json_from_the_sandbox_is_reported_as_malformed() {
    let t = spawn().await;
    t.sandbox.inject(Fault { path: "/cm/v1/apps/generate/otp".into(), kind: FaultKind::Malformed, times: Some(1) });
    let result = t.client.generate_otp(&Contact::Mobile(mobile("9822001199"))).await;
    assert!(matches!(result, Err(AbdmError::Malformed { status: 200, .. })), "{result:?}");
}

#[tokio::test]
async fn a_dropped_connection_is_reported_as_unreachable() {
    let t = spawn().await;
    t.sandbox.inject(Fault { path: "/cm/v1/apps/resend/otp".into(), kind: FaultKind::Drop, times: None });
    let result = t.client.resend_otp("s").await;
    assert!(matches!(result, Err(AbdmError::Unreachable(_))), "{result:?}");
}

#[tokio::test]
async fn a_read_is_retried_once_after_a_503_but_a_write_is_not() {
    let t = spawn().await;
    t.sandbox.inject(Fault {
        path: "/cm/v1/apps/phrAddress/isExist".into(),
        kind: FaultKind::Status { status: 503 },
        times: Some(1),
    });
    assert!(t.client.is_address_taken(&address("asha.verma@sbx")).await.unwrap());

    t.sandbox.inject(Fault {
        path: "/cm/v1/apps/generate/otp".into(),
        kind: FaultKind::Status { status: 503 },
        times: Some(1),
    });
    let err = t.client.generate_otp(&Contact::Mobile(mobile("9822001198"))).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_transient());
    assert!(t.sandbox.outbox().iter().all(|m| m.to != "9822001198"), "no OTP was sent by the failed call");
}

#[tokio::test]
async fn latency_is_waited_out_within_the_timeout() {
    let t = spawn().await;
    t.sandbox.inject(Fault {
        path: "/cm/v1/apps/phrAddress/isExist".into(),
        kind: FaultKind::Latency { ms: 300 },
        times: Some(1),
    });
    let started = std::time::Instant::now();
    assert!(t.client.is_address_taken(&address("asha.verma@sbx")).await.unwrap());
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn the_key_is_published_and_parsed_in_every_form_abdm_uses() {
    let base64_der = public_key_base64();
    let pem = sandbox_private_key().to_public_key().to_public_key_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    for text in [
        base64_der.clone(),
        format!("\"{base64_der}\""),
        pem,
        json!({"publicKey": base64_der, "encryptionAlgorithm": "RSA/ECB/OAEPWithSHA-1AndMGF1Padding"}).to_string(),
    ] {
        abdm_client::EncryptionKey::parse(&text, abdm_client::Padding::Pkcs1v15).unwrap();
    }
    assert!(abdm_client::EncryptionKey::parse("not a key", abdm_client::Padding::Pkcs1v15).is_err());
}
