use abdm_client::{Contact, RegistrationDetails};
use abdm_types::{
    AbhaNumber, AddressName, DistrictCode, Gender, Password, Pincode, StateCode, YearOfBirth, phr::AuthMode,
};

use crate::helpers::*;

fn details(first: &str, last: &str) -> RegistrationDetails {
    RegistrationDetails {
        first_name: first.into(),
        middle_name: None,
        last_name: Some(last.into()),
        gender: Gender::Female,
        day_of_birth: Some(3),
        month_of_birth: Some(8),
        year_of_birth: YearOfBirth::new(1992, 2026).unwrap(),
        state: StateCode::parse("27").unwrap(),
        district: DistrictCode::parse("401").unwrap(),
        pincode: Pincode::parse("411001").unwrap(),
        address: "3 FC Road".into(),
        email: Some(email("nisha.patil@example.in")),
        mobile: None,
    }
}

#[tokio::test]
async fn sign_up_by_mobile_creates_an_address_and_logs_in() {
    let t = spawn().await;
    let contact = Contact::Mobile(mobile("9822001122"));

    let session = t.client.generate_otp(&contact).await.unwrap().session_id;
    let validated = t.client.validate_otp(&session, &t.otp_for("9822001122")).await.unwrap();
    assert!(validated.mapped_phr_address.is_empty(), "a new mobile has no addresses");
    t.client.registration_details(&session, &details("Nisha", "Patil")).await.unwrap();
    let suggestions = t.client.suggestions(&session).await.unwrap();
    assert!(suggestions.contains(&"nisha.patil".to_owned()), "{suggestions:?}");
    assert!(!t.client.is_address_taken(&address("nisha.patil@sbx")).await.unwrap());
    let password = Password::parse("Pun3#Rains").unwrap();
    let created = t
        .client
        .create_address(&session, &AddressName::parse("nisha.patil").unwrap(), Some(&password), false)
        .await
        .unwrap();

    assert_eq!(created.phr_address, "nisha.patil@sbx");
    assert!(t.client.is_address_taken(&address("nisha.patil@sbx")).await.unwrap());
    let profile = t.client.profile(&created.token.clone().into()).await.unwrap();
    assert_eq!(profile.id, "nisha.patil@sbx");
    assert_eq!(profile.full_name, "Nisha Patil");
    assert_eq!(profile.mobile.as_deref(), Some("9822001122"), "the verified mobile is kept");
    assert!(profile.has_password);
}

#[tokio::test]
async fn sign_up_by_email_lists_the_address_already_on_it() {
    let t = spawn().await;
    let session = t.client.generate_otp(&Contact::Email(email("ravi.kumar@example.in"))).await.unwrap().session_id;
    let validated = t.client.validate_otp(&session, &t.otp_for("ravi.kumar@example.in")).await.unwrap();
    assert_eq!(validated.mapped_phr_address, ["ravi.kumar@sbx"]);
}

#[tokio::test]
async fn a_wrong_otp_is_refused_and_enough_of_them_lock_the_transaction() {
    let t = spawn().await;
    let session = t.client.generate_otp(&Contact::Mobile(mobile("9822001123"))).await.unwrap().session_id;
    let otp = t.otp_for("9822001123");
    for _ in 0..4 {
        assert_rejected(t.client.validate_otp(&session, &wrong(&otp)).await, 422, "ABDM-1405");
    }
    assert_rejected(t.client.validate_otp(&session, &wrong(&otp)).await, 429, "ABDM-1100");
    assert_rejected(t.client.validate_otp(&session, &otp).await, 429, "ABDM-1100");
    assert_rejected(t.client.resend_otp(&session).await, 429, "ABDM-1100");
    t.advance(30 * 60);
    assert!(t.client.resend_otp(&session).await.unwrap().success, "the lock lasts 30 minutes");
}

#[tokio::test]
async fn an_otp_expires_after_ten_minutes() {
    let t = spawn().await;
    let session = t.client.generate_otp(&Contact::Mobile(mobile("9822001124"))).await.unwrap().session_id;
    let otp = t.otp_for("9822001124");
    t.advance(10 * 60 + 1);
    assert_rejected(t.client.validate_otp(&session, &otp).await, 422, "ABDM-1406");
}

#[tokio::test]
async fn resend_waits_sixty_seconds_and_replaces_the_otp() {
    let t = spawn().await;
    let session = t.client.generate_otp(&Contact::Mobile(mobile("9822001125"))).await.unwrap().session_id;
    assert_rejected(t.client.resend_otp(&session).await, 429, "ABDM-1407");
    t.advance(60);
    assert!(t.client.resend_otp(&session).await.unwrap().success);
    let latest = t.otp_for("9822001125");
    assert!(t.client.validate_otp(&session, &latest).await.is_ok());
}

#[tokio::test]
async fn a_fifth_address_on_one_mobile_is_refused() {
    let t = spawn().await;
    let session = t.client.generate_otp(&Contact::Mobile(mobile("9000000004"))).await.unwrap().session_id;
    let mapped = t.client.validate_otp(&session, &t.otp_for("9000000004")).await.unwrap().mapped_phr_address;
    assert_eq!(mapped.len(), 4);
    t.client.registration_details(&session, &details("Meher", "Sharma")).await.unwrap();
    let result = t.client.create_address(&session, &AddressName::parse("meher.sharma").unwrap(), None, false).await;
    assert_rejected(result, 422, "ABDM-1436");
}

#[tokio::test]
async fn a_taken_address_is_refused() {
    let t = spawn().await;
    assert!(t.client.is_address_taken(&address("asha.verma@sbx")).await.unwrap());
    let session = t.client.generate_otp(&Contact::Mobile(mobile("9822001126"))).await.unwrap().session_id;
    t.client.validate_otp(&session, &t.otp_for("9822001126")).await.unwrap();
    t.client.registration_details(&session, &details("Asha", "Verma")).await.unwrap();
    let suggestions = t.client.suggestions(&session).await.unwrap();
    assert!(!suggestions.contains(&"asha.verma".to_owned()), "taken names are not suggested: {suggestions:?}");
    let result = t.client.create_address(&session, &AddressName::parse("asha.verma").unwrap(), None, false).await;
    assert_rejected(result, 422, "ABDM-1434");
}

#[tokio::test]
async fn details_before_the_otp_is_verified_are_refused() {
    let t = spawn().await;
    let session = t.client.generate_otp(&Contact::Mobile(mobile("9822001127"))).await.unwrap().session_id;
    assert_rejected(t.client.registration_details(&session, &details("A", "B")).await, 404, "ABDM-1509");
}

#[tokio::test]
async fn sign_up_by_abha_number_gets_the_kyc_profile_and_creates_an_address() {
    let t = spawn().await;
    let number = AbhaNumber::parse("91-4444-5555-6666").unwrap();

    let modes = t.client.kyc_auth_modes(&number).await.unwrap();
    assert_eq!(modes.auth_methods, ["AADHAAR_OTP", "MOBILE_OTP"]);
    let session = t.client.kyc_auth_init(&number, AuthMode::AadhaarOtp).await.unwrap().session_id;
    let kyc = t.client.kyc_confirm(&session, &t.otp_for("9988776655")).await.unwrap();
    assert_eq!(kyc.name.first_name, "Arjun");
    assert!(kyc.aadhaar_verified);
    assert!(kyc.profile_photo.is_some());
    assert!(kyc.phr_address.is_empty());
    let suggestions = t.client.suggestions(&session).await.unwrap();
    assert!(!suggestions.is_empty());
    let name = AddressName::parse(&suggestions[0]).unwrap();
    let created = t.client.kyc_create_address(&session, &name, None, false).await.unwrap();

    let profile = t.client.profile(&created.token.into()).await.unwrap();
    assert_eq!(profile.health_id.as_deref(), Some("91-4444-5555-6666"));
    assert_eq!(profile.kyc_status.as_deref(), Some("VERIFIED"));
    assert!(!profile.has_password, "no password was set");
}

#[tokio::test]
async fn an_unknown_abha_number_is_not_found() {
    let t = spawn().await;
    let number = AbhaNumber::parse("91-0000-0000-0000").unwrap();
    assert_rejected(t.client.kyc_auth_modes(&number).await, 404, "ABDM-1414");
}

#[tokio::test]
async fn the_lgd_lists_come_from_abdm_and_a_district_must_be_of_its_state() {
    let t = spawn().await;
    let states = t.client.lgd_states().await.unwrap();
    assert!(states.iter().any(|s| s.code == "33" && s.name == "TAMIL NADU"));
    let districts = t.client.lgd_districts(StateCode::parse("33").unwrap()).await.unwrap();
    assert_eq!(districts.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(), ["568"]);

    let contact = Contact::Mobile(mobile("9822001133"));
    let session = t.client.generate_otp(&contact).await.unwrap().session_id;
    t.client.validate_otp(&session, &t.otp_for("9822001133")).await.unwrap();
    let mut elsewhere = details("Nisha", "Patil");
    elsewhere.district = DistrictCode::parse("568").unwrap();
    let err = t.client.registration_details(&session, &elsewhere).await.unwrap_err();
    let abdm_client::AbdmError::Rejected { status: 400, failure, .. } = err else { panic!("{err:?}") };
    assert_eq!(failure.fields.first().map(|f| f.0.as_str()), Some("districtCode"));
}
