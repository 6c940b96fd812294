//! The front desk verifies walk-in patients through the gateway: real sandbox,
//! real bridge on loopback, real cache.

use std::time::Duration;

use abdm_types::gateway::{AuthPurpose, GatewayAuthMode};
use phr_core::{DemographicsForm, ErrorCode, Verification, VerificationStep};

use crate::helpers::*;

async fn desk(wait: Duration, register: bool) -> App {
    with_desk(start().await, wait, register).await
}

fn modes(v: &Verification) -> Vec<GatewayAuthMode> {
    let VerificationStep::ChoosingMode { modes } = &v.step else { panic!("{v:?}") };
    modes.clone()
}

#[tokio::test]
async fn kyc_by_the_patients_mobile_otp_lands_in_the_front_desk_list() {
    let app = desk(Duration::from_secs(5), true).await;
    let v = app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.unwrap();
    assert!(modes(&v).contains(&GatewayAuthMode::MobileOtp));
    let v = app.phr.verify_with(&v.id, GatewayAuthMode::MobileOtp).await.unwrap();
    let VerificationStep::AwaitingOtp { expires_at, .. } = v.step else { panic!() };
    let sent = app.sandbox.outbox().last().unwrap().clone();
    assert_eq!(expires_at, sent.expires_at, "the expiry is ABDM's, read from on-init");
    let otp = sent.otp;
    let wrong = if otp == "000000" { "111111" } else { "000000" };
    let err = app.phr.verify_otp(&v.id, wrong).await.unwrap_err();
    assert_eq!((err.code(), err.user_message()), (ErrorCode::OtpInvalid, ErrorCode::OtpInvalid.message().to_owned()));
    let done = app.phr.verify_otp(&v.id, &otp).await.unwrap();
    let VerificationStep::Verified { card: Some(card), linked, verified_at, candidates } = done.step else { panic!() };
    assert!(candidates.is_empty(), "nobody else is in the list yet");
    assert_eq!((card.full_name.as_str(), card.year_of_birth, linked), ("Meera Devi Nair", 1990, false));
    assert!(card.mobile_masked.as_deref().is_some_and(|m| m.starts_with("******")), "numbers arrive masked");

    let found = app.phr.find_people("meera").await.unwrap();
    assert_eq!(found[0].verified_at, Some(verified_at));
    assert!(found[0].person.kyc_verified);
    let audit = app.phr.store().recent_audit(5).await.unwrap();
    assert_eq!((audit[0].action.as_str(), audit[0].subject.as_deref()), ("patient-verified", Some("meera.nair@sbx")));
    assert_eq!(audit[0].actor, abdm_sandbox::DEMO_REQUESTER_ID);
    assert_eq!(audit[0].staff_name.as_deref(), Some("Priya Sharma"), "and the member of staff who did it");
    assert_eq!(app.phr.verify_otp(&v.id, &otp).await.unwrap_err().code(), ErrorCode::FlowNotFound, "done once");

    // Opening the saved profile at the desk is on the record too.
    let opened = app.phr.open_person("meera.nair@sbx").await.unwrap();
    assert_eq!(opened.person.full_name, "Meera Devi Nair");
    let audit = app.phr.store().recent_audit(1).await.unwrap();
    assert_eq!((audit[0].action.as_str(), audit[0].subject.as_deref()), ("patient-opened", Some("meera.nair@sbx")));
    assert_eq!(audit[0].staff_name.as_deref(), Some("Priya Sharma"));
}

#[tokio::test]
async fn direct_approval_in_the_patients_app_verifies_and_a_denial_says_so() {
    let app = desk(Duration::from_secs(5), true).await;
    let v = app.phr.verify_patient("asha.verma@sbx", AuthPurpose::KycAndLink).await.unwrap();
    let v = app.phr.verify_with(&v.id, GatewayAuthMode::Direct).await.unwrap();
    assert!(matches!(v.step, VerificationStep::AwaitingApproval { .. }));
    let waiting = app.phr.clone();
    let id = v.id.clone();
    let answer = tokio::spawn(async move { waiting.verify_await_approval(&id).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let request = app.sandbox.direct_requests().pop().unwrap();
    assert!(app.sandbox.answer_direct(&request.transaction_id, true));
    let done = answer.await.unwrap().unwrap();
    let VerificationStep::Verified { card: Some(card), linked: true, .. } = done.step else { panic!("{done:?}") };
    assert_eq!(card.full_name, "Asha Verma");
    assert_eq!(app.sandbox.notify_acks().len(), 1, "the notify was acknowledged");

    let v = app.phr.verify_patient("asha.verma@sbx", AuthPurpose::Kyc).await.unwrap();
    let v = app.phr.verify_with(&v.id, GatewayAuthMode::Direct).await.unwrap();
    let request = app.sandbox.direct_requests().pop().unwrap();
    assert!(app.sandbox.answer_direct(&request.transaction_id, false));
    assert_eq!(app.phr.verify_await_approval(&v.id).await.unwrap_err().code(), ErrorCode::VerificationDenied);
    let audit = app.phr.store().recent_audit(1).await.unwrap();
    assert_eq!((audit[0].action.as_str(), audit[0].subject.as_deref()), ("patient-declined", Some("asha.verma@sbx")));
    assert_eq!(app.sandbox.notify_acks().len(), 2, "a denial is acknowledged too");
}

#[tokio::test]
async fn demographics_must_match_the_account() {
    let app = desk(Duration::from_secs(5), true).await;
    let v = app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.unwrap();
    let v = app.phr.verify_with(&v.id, GatewayAuthMode::Demographics).await.unwrap();
    let form = |name: &str| DemographicsForm {
        full_name: name.into(),
        gender: "F".into(),
        date_of_birth: "1990-01-14".into(),
        mobile: None,
    };
    assert_eq!(
        app.phr
            .verify_demographics(&v.id, DemographicsForm { date_of_birth: "90".into(), ..form("Meera Devi Nair") })
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidProfile,
        "checked before anything is sent"
    );
    assert_eq!(
        app.phr.verify_demographics(&v.id, form("Meera Devi Iyer")).await.unwrap_err().code(),
        ErrorCode::DemographicsMismatch
    );
    let year_only = DemographicsForm { date_of_birth: "1990".into(), ..form("Meera Devi Nair") };
    assert_eq!(
        app.phr.verify_demographics(&v.id, year_only).await.unwrap_err().code(),
        ErrorCode::DemographicsMismatch,
        "ABDM knows her full date of birth: the year alone does not match"
    );
    let other_mobile = DemographicsForm { mobile: Some("9000000001".into()), ..form("Meera Devi Nair") };
    assert_eq!(
        app.phr.verify_demographics(&v.id, other_mobile).await.unwrap_err().code(),
        ErrorCode::DemographicsMismatch
    );
    let her_mobile = DemographicsForm { mobile: Some("+91 91234 56780".into()), ..form("meera devi nair") };
    let done = app.phr.verify_demographics(&v.id, her_mobile).await.unwrap();
    assert!(matches!(done.step, VerificationStep::Verified { card: Some(_), .. }));
}

/// Verifies `address` by the OTP ABDM sends to the patient's mobile.
async fn verify_by_otp(app: &App, address: &str) -> VerificationStep {
    let v = app.phr.verify_patient(address, AuthPurpose::Kyc).await.unwrap();
    let v = app.phr.verify_with(&v.id, GatewayAuthMode::MobileOtp).await.unwrap();
    let otp = app.sandbox.outbox().last().unwrap().otp.clone();
    app.phr.verify_otp(&v.id, &otp).await.unwrap().step
}

/// A returning patient is one person: at once when their ABHA number is known
/// here, and by the operator's word when only ABDM's rule (same mobile and
/// gender, age within 2 years, a close name) says they may be.
#[tokio::test]
async fn a_returning_patient_is_one_person_by_number_or_when_the_operator_confirms_the_rule() {
    let mut app = desk(Duration::from_secs(5), true).await;
    verify_by_otp(&app, "meera.nair@sbx").await;
    let VerificationStep::Verified { candidates, .. } = verify_by_otp(&app, "91111122223333@sbx").await else {
        panic!()
    };
    assert!(candidates.is_empty(), "the same ABHA number needs no one to confirm it");
    let found = app.phr.find_people("meera").await.unwrap();
    assert_eq!(found.len(), 1, "one person, not two: {found:?}");
    let mut addresses = found[0].addresses.clone();
    addresses.sort();
    assert_eq!(addresses, ["91111122223333@sbx", "meera.nair@sbx"]);

    verify_by_otp(&app, "asha.verma@sbx").await;
    verify_by_otp(&app, "rohan.sharma@sbx").await;
    let VerificationStep::Verified { candidates, .. } = verify_by_otp(&app, "kabir.sharma@sbx").await else { panic!() };
    assert!(candidates.is_empty(), "the same mobile, but not the same age or name: Rohan is not Kabir");
    let VerificationStep::Verified { candidates, .. } = verify_by_otp(&app, "ashav.pune@sbx").await else { panic!() };
    let offered: Vec<_> = candidates.iter().map(|c| c.addresses.clone()).collect();
    assert_eq!(offered, [vec!["asha.verma@sbx".to_owned()]], "the same mobile, gender, age and name");
    assert_eq!(app.phr.find_people("asha").await.unwrap().len(), 2, "kept apart until the operator says");

    assert_eq!(
        app.phr.same_patient("ashav.pune@sbx", "rohan.sharma@sbx").await.unwrap_err().code(),
        ErrorCode::AccountNotFound,
        "only a candidate can be confirmed"
    );
    let mut one = app.phr.same_patient("ashav.pune@sbx", "asha.verma@sbx").await.unwrap().addresses;
    one.sort();
    assert_eq!(one, ["asha.verma@sbx", "ashav.pune@sbx"]);
    app.restart().await;
    app.staff_signed_in().await;
    let found = app.phr.find_people("asha").await.unwrap();
    assert_eq!(found.len(), 1, "one person after a restart too");
    let audit = app.phr.store().recent_audit(5).await.unwrap();
    let merged = audit.iter().find(|a| a.action == "patients-merged").expect("the confirmation is on the record");
    assert_eq!(
        (merged.subject.as_deref(), merged.staff_name.as_deref()),
        (Some("asha.verma@sbx"), Some("Priya Sharma"))
    );
}

/// A barcode scanner types Meera's ABHA card: the verification starts for its
/// address, and what the card holds is the demographics ABDM checks.
#[tokio::test]
async fn a_scanned_abha_card_starts_the_verification_and_fills_in_the_demographics() {
    let app = desk(Duration::from_secs(5), true).await;
    let card = r#"{"hidn":"91-1111-2222-3333","hid":"meera.nair@sbx","name":"Meera Devi Nair","gender":"F","dob":"14-01-1990","mobile":"9123456780","address":"12 MG Road","distlgd":"603","statelgd":"32","district_name":"ERNAKULAM","state_name":"KERALA"}"#;
    let scanned = app.phr.verify_scanned(&format!("{card}\r\n"), AuthPurpose::Kyc).await.unwrap();
    assert_eq!(scanned.verification.patient, "meera.nair@sbx");
    assert!(modes(&scanned.verification).contains(&GatewayAuthMode::Demographics));
    assert_eq!(scanned.abha_number_masked.as_deref(), Some("XX-XXXX-XXXX-3333"), "shown masked");
    assert_eq!((scanned.state.as_deref(), scanned.district.as_deref()), (Some("KERALA"), Some("ERNAKULAM")));

    let v = app.phr.verify_with(&scanned.verification.id, GatewayAuthMode::Demographics).await.unwrap();
    let form = DemographicsForm {
        full_name: scanned.full_name.unwrap(),
        gender: scanned.gender.unwrap(),
        date_of_birth: scanned.date_of_birth.unwrap(),
        mobile: scanned.mobile,
    };
    assert_eq!(form.date_of_birth, "1990-01-14");
    let done = app.phr.verify_demographics(&v.id, form).await.unwrap();
    assert!(matches!(done.step, VerificationStep::Verified { card: Some(_), .. }));

    for (scan, code) in [
        ("meera.nair", ErrorCode::QrNotAbha),
        (r#"{"hid":"meera.nair@sbx","name":"Meera"#, ErrorCode::QrNotAbha),
        (&"{".repeat(5000), ErrorCode::QrNotAbha),
        (r#"{"hidn":"91-1111-2222-3333","name":"Meera Devi Nair"}"#, ErrorCode::QrNoAddress),
        ("https://phrsbx.abdm.gov.in/share-profile?hip-id=IN3410000260&counter-id=12345", ErrorCode::QrCounterCode),
    ] {
        let err = app.phr.verify_scanned(scan, AuthPurpose::Kyc).await.unwrap_err();
        assert_eq!(err.code(), code, "{scan:.40}");
    }
}

/// With ABDM out of reach, a verification waits with what the operator gave,
/// survives a restart, and is sent on its own when the connection returns: the
/// operator carries on from the ways ABDM offers without typing again.
#[tokio::test]
async fn a_verification_started_offline_waits_and_is_sent_when_the_connection_returns() {
    use abdm_sandbox::{Fault, FaultKind};
    let mut app = desk(Duration::from_secs(5), true).await;
    let down = || Fault { path: "/gateway/v0.5/users/auth/fetch-modes".into(), kind: FaultKind::Drop, times: None };
    app.sandbox.inject(down());
    let typed = app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.unwrap();
    assert!(matches!(typed.step, VerificationStep::WaitingForConnection { .. }), "{typed:?}");
    let card = r#"{"hid":"asha.verma@sbx","name":"Asha Verma","gender":"F","dob":"1987"}"#;
    let scanned = app.phr.verify_scanned(card, AuthPurpose::KycAndLink).await.unwrap();
    assert!(matches!(scanned.verification.step, VerificationStep::WaitingForConnection { .. }));

    app.restart().await;
    app.staff_signed_in().await;
    let waiting = app.phr.waiting_verifications().await.unwrap();
    let shown: Vec<_> = waiting.iter().map(|w| (w.address.as_str(), w.full_name.as_deref())).collect();
    assert_eq!(shown, [("meera.nair@sbx", None), ("asha.verma@sbx", Some("Asha Verma"))], "kept across a restart");
    assert_eq!(waiting[1].verification.purpose, AuthPurpose::KycAndLink);
    assert_eq!(app.phr.send_waiting().await.unwrap(), 0, "still down");

    app.sandbox.clear_faults();
    app.phr.send_waiting().await.unwrap();
    let waiting = app.phr.waiting_verifications().await.unwrap();
    assert!(
        waiting.iter().all(|w| matches!(w.verification.step, VerificationStep::ChoosingMode { .. })),
        "{waiting:?}"
    );
    let v = app.phr.verify_with(&waiting[0].verification.id, GatewayAuthMode::MobileOtp).await.unwrap();
    let otp = app.sandbox.outbox().last().unwrap().otp.clone();
    let done = app.phr.verify_otp(&v.id, &otp).await.unwrap();
    assert!(matches!(done.step, VerificationStep::Verified { card: Some(_), .. }), "verified without typing again");
    assert_eq!(app.phr.waiting_verifications().await.unwrap().len(), 1, "taken up, no longer waiting");
    app.phr.cancel_waiting(&waiting[1].verification.id).await.unwrap();
    assert!(app.phr.waiting_verifications().await.unwrap().is_empty());
    let again = app.phr.cancel_waiting(&waiting[1].verification.id).await.unwrap_err();
    assert_eq!(again.code(), ErrorCode::FlowNotFound);

    // ABDM's refusal, once reachable, ends the wait (the desk is told why).
    app.sandbox.inject(down());
    app.phr.verify_patient("nobody.here@sbx", AuthPurpose::Kyc).await.unwrap();
    app.sandbox.clear_faults();
    let (report, mut changes) = tokio::sync::broadcast::channel(16);
    assert_eq!(app.phr.clone().reporting_to(report).send_waiting().await.unwrap(), 0);
    assert!(app.phr.waiting_verifications().await.unwrap().is_empty());
    let change = changes.try_recv().unwrap();
    assert!(matches!(change, phr_core::Change::WaitingRefused { code: ErrorCode::AccountNotFound, .. }), "{change:?}");
}

#[tokio::test]
async fn unknown_patients_modes_not_offered_and_silence_are_clear_errors() {
    let app = desk(Duration::from_secs(5), true).await;
    let err = app.phr.verify_patient("nobody.here@sbx", AuthPurpose::Kyc).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AccountNotFound);
    let v = app.phr.verify_patient("asha.verma@sbx", AuthPurpose::Link).await.unwrap();
    assert!(!modes(&v).contains(&GatewayAuthMode::Demographics));
    let err = app.phr.verify_with(&v.id, GatewayAuthMode::Demographics).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::ModeNotAllowed, "refused before asking ABDM");
    assert_eq!(
        app.phr.verify_patient("not an address", AuthPurpose::Kyc).await.unwrap_err().code(),
        ErrorCode::InvalidAbhaAddress
    );

    // The sandbox was never told where this desk listens: it accepts, and nothing comes back.
    let silent = desk(Duration::from_millis(300), false).await;
    let err = silent.phr.verify_patient("asha.verma@sbx", AuthPurpose::Kyc).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoCallback);
}

#[tokio::test]
async fn a_verification_left_half_way_is_dropped_after_half_an_hour() {
    let app = desk(Duration::from_secs(5), true).await;
    let left = app.phr.verify_patient("asha.verma@sbx", AuthPurpose::Kyc).await.unwrap();
    app.sandbox.clock().advance(31 * 60);
    // Half an hour without input locked the desk too.
    app.staff_signed_in().await;
    let next = app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.unwrap();
    assert_eq!(
        app.phr.verify_with(&left.id, GatewayAuthMode::MobileOtp).await.unwrap_err().code(),
        ErrorCode::FlowNotFound
    );
    assert!(app.phr.verify_with(&next.id, GatewayAuthMode::MobileOtp).await.is_ok());
}

#[tokio::test]
async fn a_default_address_is_shown_masked_but_verified_in_full() {
    let app = desk(Duration::from_secs(5), true).await;
    let v = app.phr.verify_patient("91111122223333@sbx", AuthPurpose::Kyc).await.unwrap();
    assert_eq!(v.patient, "**********3333@sbx", "the 14 digits are the ABHA number");
    let v = app.phr.verify_with(&v.id, GatewayAuthMode::MobileOtp).await.unwrap();
    let otp = app.sandbox.outbox().last().unwrap().otp.clone();
    let done = app.phr.verify_otp(&v.id, &otp).await.unwrap();
    assert_eq!(done.patient, "**********3333@sbx");
    let audit = app.phr.store().recent_audit(1).await.unwrap();
    assert_eq!(audit[0].subject.as_deref(), Some("91111122223333@sbx"), "the audit log (encrypted) names who");
}
