use phr_core::{ErrorCode, Field, KycMethod, ProfileForm, SignupStep, Via};

use crate::helpers::*;

#[tokio::test]
async fn sign_up_by_mobile_with_a_profile_a_suggestion_check_and_a_password() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.signup_by_contact("9822001122").await.unwrap();
        assert_eq!(flow.via, Via::Mobile("******1122".into()));
        let flow = app.phr.signup_verify_otp(&flow.id, &app.otp_for("9822001122")).await.unwrap();
        assert_eq!(flow.step, SignupStep::Verified);
        assert!(flow.linked.is_empty(), "a new mobile has no address yet");

        let bad = ProfileForm { pincode: "60004".into(), ..profile() };
        let err = app.phr.signup_profile(&flow.id, &bad).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidProfile);
        assert!(err.user_message().starts_with("Pin code: "), "{}", err.user_message());
        // What a paste can bring is refused by field, before anything is sent or saved.
        let hostile = [
            ("Address: ", ProfileForm { address: "x".repeat(1 << 20), ..profile() }),
            ("Last name: ", ProfileForm { last_name: Some("Nair\r\nX-Injected: 1".into()), ..profile() }),
            ("Middle name: ", ProfileForm { middle_name: Some("\u{202e}ivaD".into()), ..profile() }),
            ("First name: ", ProfileForm { first_name: "<img src=x>".into(), ..profile() }),
        ];
        for (field, form) in hostile {
            let err = app.phr.signup_profile(&flow.id, &form).await.unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidProfile, "{field}");
            assert!(err.user_message().starts_with(field), "{}", err.user_message());
            assert!(err.user_message().len() < 200, "the input is not echoed back");
        }

        // The date of birth: a real day, not in the future, not more than 120 years ago.
        for (day, month, year) in [("30", "2", "1993"), ("1", "1", "2099"), ("4", "", "1993"), ("", "", "1890")] {
            let form = ProfileForm {
                day_of_birth: day.into(),
                month_of_birth: month.into(),
                year_of_birth: year.into(),
                ..profile()
            };
            let err = app.phr.signup_profile(&flow.id, &form).await.unwrap_err();
            assert_eq!(
                (err.code(), err.field()),
                (ErrorCode::InvalidDateOfBirth, Some(Field::DateOfBirth)),
                "{day}-{month}-{year}"
            );
        }
        let err = app.phr.signup_profile(&flow.id, &bad).await.unwrap_err();
        assert_eq!(err.field(), Some(Field::Pincode), "the field is named so the UI can mark it");

        let flow = app.phr.signup_profile(&flow.id, &profile()).await.unwrap();
        let SignupStep::ChoosingAddress { suggestions } = &flow.step else { panic!("suggestions come next") };
        assert!(suggestions.iter().any(|s| s.contains("kavya")), "{suggestions:?}");
        assert!(app.phr.address_available("kavya.iyer93").await.unwrap());
        assert!(!app.phr.address_available("asha.verma").await.unwrap(), "a taken address is not available");
        assert!(app.phr.address_available("kavya.iyer93@sbx").await.unwrap(), "our own suffix may be typed");
        assert_eq!(
            app.phr.address_available("kavya.iyer93@example.in").await.unwrap_err().code(),
            ErrorCode::InvalidAbhaAddress,
            "another suffix is refused, not turned into @sbx"
        );

        let err = app.phr.signup_create(&flow.id, "kavya.iyer93", Some(("Pun3#Rains", "Pun3#Rain"))).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::PasswordsDiffer);
        let err = app.phr.signup_create(&flow.id, "kavya.iyer93", Some(("password", "password"))).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::WeakPassword);
        let err = app.phr.signup_create(&flow.id, "asha.verma", None).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::AddressTaken, "taken between the check and the click");

        let signed_in =
            app.phr.signup_create(&flow.id, "kavya.iyer93", Some(("Pun3#Rains", "Pun3#Rains"))).await.unwrap();
        assert_eq!(signed_in.address, "kavya.iyer93@sbx");
        assert_eq!(signed_in.full_name, "Kavya Iyer");
        assert!(!signed_in.kyc_verified, "a declared profile is not KYC-verified");
        let session = app.phr.session().await.unwrap().expect("signed in");
        assert_eq!(session.address, "kavya.iyer93@sbx");
        assert_eq!(session.person.mobile_masked.as_deref(), Some("******1122"));
        let token = app.token_of("kavya.iyer93@sbx").await.unwrap();
        let born = app.client().profile(&token).await.unwrap().date_of_birth;
        assert_eq!((born.date, born.month, born.year), (Some(4), Some(8), 1993), "sent as the guide's dateOfBirth");
        let actions: Vec<String> =
            app.phr.store().recent_audit(5).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions[..2], ["created".to_owned(), "logged-in".to_owned()]);

        let flow = app.phr.login_by_address("kavya.iyer93@sbx", true).await.unwrap();
        assert!(app.phr.login_with_password(&flow.id, "Pun3#Rains").await.is_ok(), "the new password works");
        app.phr.logout().await.unwrap();
    }
}

#[tokio::test]
async fn sign_up_by_email_lists_the_linked_address_and_choosing_it_logs_in() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.signup_by_contact("ravi.kumar@example.in").await.unwrap();
        let flow = app.phr.signup_verify_otp(&flow.id, &app.otp_for("ravi.kumar@example.in")).await.unwrap();
        assert_eq!(flow.linked, ["ravi.kumar@sbx"]);
        assert_eq!(
            app.phr.signup_choose_existing(&flow.id, "asha.verma@sbx").await.unwrap_err().code(),
            ErrorCode::InvalidAbhaAddress,
            "only a linked address can be chosen"
        );
        let signed_in = app.phr.signup_choose_existing(&flow.id, "ravi.kumar@sbx").await.unwrap();
        assert_eq!(signed_in.full_name, "Ravi Kumar");
        assert!(app.token_of("ravi.kumar@sbx").await.is_some());
        app.phr.logout().await.unwrap();
    }
}

#[tokio::test]
async fn sign_up_by_email_can_still_create_a_new_address() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.signup_by_contact("ravi.kumar@example.in").await.unwrap();
        let flow = app.phr.signup_verify_otp(&flow.id, &app.otp_for("ravi.kumar@example.in")).await.unwrap();
        let form =
            ProfileForm { first_name: "Ravi".into(), last_name: Some("Kumar".into()), gender: "M".into(), ..profile() };
        let flow = app.phr.signup_profile(&flow.id, &form).await.unwrap();
        let signed_in = app.phr.signup_create(&flow.id, "ravi.chennai", None).await.unwrap();
        assert_eq!(signed_in.address, "ravi.chennai@sbx");
        app.phr.logout().await.unwrap();
    }
}

#[tokio::test]
async fn sign_up_by_abha_number_prefills_the_kyc_profile() {
    for api in BOTH {
        let app = start_on(api).await;
        assert_eq!(
            app.phr.kyc_methods("91-4444-5555-6666").await.unwrap(),
            [KycMethod::AadhaarOtp, KycMethod::MobileOtp]
        );
        assert_eq!(app.phr.kyc_methods("91-4444-5555").await.unwrap_err().code(), ErrorCode::InvalidAbhaNumber);

        let flow = app.phr.signup_by_abha_number("91-4444-5555-6666", KycMethod::AadhaarOtp).await.unwrap();
        assert_eq!(flow.via, Via::AbhaNumber("XX-XXXX-XXXX-6666".into()));
        let flow = app.phr.signup_verify_otp(&flow.id, &app.otp_for("9988776655")).await.unwrap();
        let kyc = flow.kyc.clone().expect("the KYC profile");
        assert_eq!(kyc.full_name, "Arjun Singh");
        assert_eq!((kyc.day_of_birth, kyc.month_of_birth, kyc.year_of_birth), (Some(2), Some(10), 1995));
        assert_eq!(kyc.mobile_masked.as_deref(), Some("******6655"));
        assert!(kyc.photo.is_some());
        assert!(flow.linked.is_empty());
        assert_eq!(
            app.phr.signup_profile(&flow.id, &profile()).await.unwrap_err().code(),
            ErrorCode::FlowNotFound,
            "a KYC profile is not declared"
        );

        let flow = app.phr.signup_with_kyc(&flow.id).await.unwrap();
        let SignupStep::ChoosingAddress { suggestions } = &flow.step else { panic!() };
        assert!(suggestions.iter().any(|s| s.contains("arjun")), "{suggestions:?}");
        let signed_in = app.phr.signup_create(&flow.id, &suggestions[0], None).await.unwrap();
        assert!(signed_in.kyc_verified);
        let cached = app.phr.store().person_by_address(&signed_in.address).await.unwrap().unwrap();
        assert!(cached.record.photo.is_some(), "the KYC photo is cached");
        app.phr.logout().await.unwrap();
    }
}

#[tokio::test]
async fn a_kyc_sign_up_with_linked_addresses_logs_into_one_and_knows_both() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.signup_by_abha_number("91111122223333", KycMethod::MobileOtp).await.unwrap();
        let flow = app.phr.signup_verify_otp(&flow.id, &app.otp_for("9123456780")).await.unwrap();
        assert_eq!(flow.linked, ["91111122223333@sbx", "meera.nair@sbx"]);
        app.phr.signup_choose_existing(&flow.id, "meera.nair@sbx").await.unwrap();
        let session = app.phr.session().await.unwrap().unwrap();
        let addresses: Vec<&str> = session.addresses.iter().map(|a| a.address.as_str()).collect();
        assert_eq!(addresses, ["91111122223333@sbx", "meera.nair@sbx"], "one person, both addresses");
        app.phr.logout().await.unwrap();
    }
}

#[tokio::test]
async fn resend_waits_a_minute_and_a_sign_up_resumes_after_a_restart() {
    for api in BOTH {
        let mut app = start_on(api).await;
        let flow = app.phr.signup_by_contact("9822001122").await.unwrap();
        assert_eq!(app.phr.signup_resend_otp(&flow.id).await.unwrap_err().code(), ErrorCode::OtpResendTooSoon);
        app.sandbox.clock().advance(61);
        let resent = app.phr.signup_resend_otp(&flow.id).await.unwrap();
        let SignupStep::AwaitingOtp { resend_at, .. } = resent.step else { panic!() };
        assert_eq!(resend_at, app.sandbox.clock().now() + 60);

        app.restart().await;

        assert_eq!(app.phr.signup_flow(&flow.id).await.unwrap(), resent);
        let flow = app.phr.signup_verify_otp(&flow.id, &app.otp_for("9822001122")).await.unwrap();
        app.restart().await;
        let flow = app.phr.signup_profile(&flow.id, &profile()).await.unwrap();
        assert!(matches!(flow.step, SignupStep::ChoosingAddress { .. }), "the profile step resumes too");
    }
}

#[tokio::test]
async fn a_sign_up_otp_expires_after_ten_minutes() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.signup_by_contact("9822001122").await.unwrap();
        let otp = app.otp_for("9822001122");
        app.sandbox.clock().advance(10 * 60 + 1);
        assert_eq!(app.phr.signup_verify_otp(&flow.id, &otp).await.unwrap_err().code(), ErrorCode::OtpExpired);
        let again = app.phr.signup_by_contact("9822001122").await.unwrap();
        assert!(app.phr.signup_verify_otp(&again.id, &app.otp_for("9822001122")).await.is_ok(), "a restart works");
    }
}

#[tokio::test]
async fn wrong_otps_lock_the_sign_up() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.signup_by_contact("9822001122").await.unwrap();
        let right = app.otp_for("9822001122");
        let wrong = if right == "000000" { "111111" } else { "000000" };
        let mut codes = Vec::new();
        for _ in 0..6 {
            codes.push(app.phr.signup_verify_otp(&flow.id, wrong).await.unwrap_err().code());
        }
        assert_eq!(codes.first(), Some(&ErrorCode::OtpInvalid));
        assert_eq!(codes.last(), Some(&ErrorCode::OtpLocked), "{codes:?}");
        assert_eq!(app.phr.signup_verify_otp(&flow.id, &right).await.unwrap_err().code(), ErrorCode::OtpLocked);
    }
}

/// A sign-up stopped at the profile form (the app was closed) reopens with
/// what was typed, and goes on to the end.
#[tokio::test]
async fn a_sign_up_resumes_after_a_restart_with_the_profile_as_typed() {
    for api in BOTH {
        let mut app = start_on(api).await;
        let flow = app.phr.signup_by_contact("9822001199").await.unwrap();
        let early = ProfileForm { first_name: "Kav".into(), ..ProfileForm::default() };
        let err = app.phr.signup_keep_draft(&flow.id, &early).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::FlowNotFound, "no form to keep before the OTP is verified");
        let flow = app.phr.signup_verify_otp(&flow.id, &app.otp_for("9822001199")).await.unwrap();
        let typed = ProfileForm {
            first_name: "Kavya".into(),
            email: Some("kavya@example.in".into()),
            ..ProfileForm::default()
        };
        app.phr.signup_keep_draft(&flow.id, &typed).await.unwrap();
        let huge = ProfileForm { address: "x".repeat(1 << 20), ..typed.clone() };
        assert_eq!(app.phr.signup_keep_draft(&flow.id, &huge).await.unwrap_err().code(), ErrorCode::InvalidProfile);

        app.restart().await;
        let resumed = app.phr.flows_in_progress().await.unwrap();
        let [phr_core::Change::Signup(resumed)] = resumed.as_slice() else { panic!("one sign-up: {resumed:?}") };
        assert_eq!(resumed.step, SignupStep::Verified, "it stopped at the profile");
        let draft = resumed.draft.clone().expect("what was typed is kept");
        assert_eq!((draft.first_name.as_str(), draft.email), ("Kavya", None), "the other contact is not kept");

        let form = ProfileForm { first_name: draft.first_name, ..profile() };
        let flow = app.phr.signup_profile(&resumed.id, &form).await.unwrap();
        let created = app.phr.signup_create(&flow.id, "kavya.resumed", None).await.unwrap();
        assert_eq!(created.address, "kavya.resumed@sbx");
    }
}
