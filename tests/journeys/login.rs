use abdm_client::PhrApi;
use phr_core::{ErrorCode, LoginStep, Verified, Via};

use crate::helpers::*;

#[tokio::test]
async fn login_by_mobile_choose_an_address_and_everything_lands_where_it_belongs() {
    for api in BOTH {
        let app = start_on(api).await;

        let flow = app.phr.login_by_contact("+91 98765 43210").await.unwrap();
        assert_eq!(flow.via, Via::Mobile("******3210".into()));
        let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &app.otp_for("9876543210")).await.unwrap()
        else {
            panic!("a mobile login chooses an address next");
        };
        assert_eq!(
            flow.step,
            LoginStep::ChoosingAddress { addresses: vec!["asha.verma@sbx".into(), "ashav.pune@sbx".into()] }
        );
        let signed_in = app.phr.login_choose(&flow.id, "ashav.pune@sbx").await.unwrap();

        assert_eq!(signed_in.address, "ashav.pune@sbx");
        assert_eq!(signed_in.full_name, "Asha Verma");
        assert!(app.token_of("ashav.pune@sbx").await.is_some(), "the token is in the keyring");
        let cached = app.phr.store().person_by_address("ashav.pune@sbx").await.unwrap().expect("the profile is cached");
        assert_eq!(cached.record.mobile_masked.as_deref(), Some("******3210"), "numbers are cached masked");
        let audit = app.phr.store().recent_audit(5).await.unwrap();
        assert_eq!(audit[0].action, "logged-in");
        assert!(app.phr.login_flow(&flow.id).await.is_err(), "the finished flow is closed");
        app.forget_tokens("ashav.pune@sbx").await;
    }
}

#[tokio::test]
async fn login_by_email() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.login_by_contact("ravi.kumar@example.in").await.unwrap();
        let Verified::Choose(flow) =
            app.phr.login_verify_otp(&flow.id, &app.otp_for("ravi.kumar@example.in")).await.unwrap()
        else {
            panic!("an email login chooses an address next");
        };
        assert_eq!(app.phr.login_choose(&flow.id, "ravi.kumar@sbx").await.unwrap().full_name, "Ravi Kumar");
        app.forget_tokens("ravi.kumar@sbx").await;
    }
}

#[tokio::test]
async fn login_by_address_with_password_or_otp() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
        assert_eq!(flow.step, LoginStep::AwaitingPassword);
        let wrong = app.phr.login_with_password(&flow.id, "Wr0ng#Guess").await.unwrap_err();
        assert_eq!(wrong.code(), ErrorCode::OtpInvalid);
        assert_eq!(app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap().address, "asha.verma@sbx");

        let flow = app.phr.login_by_address("ashav.pune@sbx", false).await.unwrap();
        let Verified::SignedIn(signed_in) =
            app.phr.login_verify_otp(&flow.id, &app.otp_for("9876543210")).await.unwrap()
        else {
            panic!("an address login is signed in by its OTP");
        };
        assert_eq!(signed_in.address, "ashav.pune@sbx");
        app.forget_tokens("asha.verma@sbx").await;
        app.forget_tokens("ashav.pune@sbx").await;
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_any_network_call_with_its_code() {
    let app = start().await;
    let sent_before = app.sandbox.outbox().len();
    assert_eq!(app.phr.login_by_contact("12345").await.unwrap_err().code(), ErrorCode::InvalidMobile);
    assert_eq!(app.phr.login_by_contact("asha@").await.unwrap_err().code(), ErrorCode::InvalidEmail);
    assert_eq!(app.phr.login_by_address("asha", true).await.unwrap_err().code(), ErrorCode::InvalidAbhaAddress);
    assert_eq!(app.sandbox.outbox().len(), sent_before, "nothing was sent");

    let flow = app.phr.login_by_contact("9876543210").await.unwrap();
    let err = app.phr.login_verify_otp(&flow.id, "12a456").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidOtpFormat);
    assert_eq!(err.user_message(), "The OTP has 6 digits.");
}

#[tokio::test]
async fn a_wrong_otp_keeps_the_flow_open_for_the_right_one() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.login_by_contact("9876543210").await.unwrap();
        let right = app.otp_for("9876543210");
        let wrong = if right == "000000" { "111111" } else { "000000" };
        assert_eq!(app.phr.login_verify_otp(&flow.id, wrong).await.unwrap_err().code(), ErrorCode::OtpInvalid);
        assert!(matches!(app.phr.login_verify_otp(&flow.id, &right).await.unwrap(), Verified::Choose(_)));
    }
}

#[tokio::test]
async fn an_unknown_mobile_is_account_not_found() {
    for api in BOTH {
        let app = start_on(api).await;
        assert_eq!(app.phr.login_by_contact("9822000000").await.unwrap_err().code(), ErrorCode::AccountNotFound);
    }
}

#[tokio::test]
async fn a_flow_resumes_after_a_restart_while_its_otp_is_valid() {
    for api in BOTH {
        let mut app = start_on(api).await;
        let flow = app.phr.login_by_contact("9876543210").await.unwrap();
        let otp = app.otp_for("9876543210");

        app.restart().await;

        let resumed = app.phr.login_flow(&flow.id).await.unwrap();
        assert_eq!(resumed, flow, "the saved flow is the same after the restart");
        let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &otp).await.unwrap() else { panic!() };
        app.restart().await;
        let chosen = app.phr.login_choose(&flow.id, "asha.verma@sbx").await.map(|_| ()).map_err(|e| e.code());
        match api {
            PhrApi::V1 => assert_eq!(chosen, Ok(()), "the chooser resumes too"),
            // v3's T-token is a credential, held in memory only: the person logs in again.
            PhrApi::V3 => assert_eq!(chosen, Err(ErrorCode::FlowNotFound)),
        }
        app.forget_tokens("asha.verma@sbx").await;
    }
}

#[tokio::test]
async fn an_expired_flow_ends_with_otp_expired() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.login_by_contact("9876543210").await.unwrap();
        let otp = app.otp_for("9876543210");
        app.sandbox.clock().advance(10 * 60 + 1);
        let err = app.phr.login_verify_otp(&flow.id, &otp).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::OtpExpired);
        assert_eq!(
            app.sandbox.outbox().iter().filter(|m| m.to == "9876543210").count(),
            1,
            "checked locally, no call made"
        );
    }
}

#[tokio::test]
async fn offline_the_cache_still_reads() {
    let app = start().await;
    let flow = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
    app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
    let address = app.sandbox.local_addr();
    app.forget_tokens("asha.verma@sbx").await;
    let App { sandbox, phr, .. } = app;
    sandbox.shutdown().await.unwrap();
    assert!(tokio::net::TcpStream::connect(address).await.is_err(), "ABDM is gone");

    let cached = phr.store().search_people("asha", 10).await.unwrap();
    assert_eq!(cached[0].record.full_name, "Asha Verma");
    assert_eq!(phr.login_by_contact("9876543210").await.unwrap_err().code(), ErrorCode::NetworkUnavailable);
}

#[tokio::test]
async fn login_by_abha_number_and_year_then_the_default_address() {
    for api in BOTH {
        let app = start_on(api).await;
        assert_eq!(
            app.phr.login_by_abha_number("91-1111-2222-3333", "19x0").await.unwrap_err().code(),
            ErrorCode::InvalidYearOfBirth
        );
        assert_eq!(
            app.phr.login_by_abha_number("91-1111-2222", "1990").await.unwrap_err().code(),
            ErrorCode::InvalidAbhaNumber
        );
        let wrong_year = app.phr.login_by_abha_number("91-1111-2222-3333", "1991").await.map_err(|e| e.code());
        match api {
            PhrApi::V1 => assert_eq!(wrong_year.unwrap_err(), ErrorCode::AccountNotFound),
            // v3 has no search by number and year: the OTP goes to the number's mobile.
            PhrApi::V3 => assert!(wrong_year.is_ok()),
        }
        app.sandbox.clock().advance(61);

        let flow = app.phr.login_by_abha_number("91111122223333", "1990").await.unwrap();
        assert_eq!(flow.via, Via::AbhaNumber("XX-XXXX-XXXX-3333".into()));
        let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &app.otp_for("9123456780")).await.unwrap()
        else {
            panic!("an ABHA-number login chooses an address next");
        };
        let signed_in = app.phr.login_choose(&flow.id, "91111122223333@sbx").await.unwrap();
        assert!(signed_in.kyc_verified);
        let cached = app.phr.store().person_by_address("91111122223333@sbx").await.unwrap().unwrap();
        assert_eq!(
            cached.record.abha_number_masked.as_deref(),
            Some("XX-XXXX-XXXX-3333"),
            "the number is cached masked"
        );
        app.forget_tokens("91111122223333@sbx").await;
    }
}

/// Every login that sends an OTP can ask for a new one: not before a minute,
/// the new OTP replaces the old, and ABDM's limit on resends still locks.
#[tokio::test]
async fn every_login_otp_can_be_sent_again_after_a_minute() {
    for api in BOTH {
        let app = start_on(api).await;
        let flows = [
            (app.phr.login_by_contact("9876543210").await.unwrap(), "9876543210"),
            (app.phr.login_by_contact("ravi.kumar@example.in").await.unwrap(), "ravi.kumar@example.in"),
            (app.phr.login_by_abha_number("91-1111-2222-3333", "1990").await.unwrap(), "9123456780"),
            (app.phr.login_by_address("ashav.pune@sbx", false).await.unwrap(), "9876543210"),
        ];
        for (flow, _) in &flows {
            assert_eq!(app.phr.login_resend_otp(&flow.id).await.unwrap_err().code(), ErrorCode::OtpResendTooSoon);
        }
        app.sandbox.clock().advance(61);
        for (flow, to) in &flows {
            let first = app.otp_for(to);
            // The sandbox's clock runs: the resend happened at a second between these two.
            let before = app.sandbox.clock().now();
            let resent = app.phr.login_resend_otp(&flow.id).await.unwrap();
            let after = app.sandbox.clock().now();
            let LoginStep::AwaitingOtp { expires_at, resend_at } = resent.step else {
                panic!("{to}: {:?}", resent.step)
            };
            assert!((before..=after).contains(&(resend_at - 60)), "{to}: a new OTP in a minute, from now");
            assert_eq!(expires_at, resend_at + 540, "{to}: valid for ten minutes");
            assert_eq!(app.phr.login_flow(&flow.id).await.unwrap(), resent, "saved, so a restart resumes it");
            let second = app.otp_for(to);
            assert_ne!(first, second, "a new OTP went to {to}");
            if first != second {
                let old = app.phr.login_verify_otp(&flow.id, &first).await.unwrap_err();
                assert_eq!(old.code(), ErrorCode::OtpInvalid, "the old OTP no longer works");
            }
            assert!(app.phr.login_verify_otp(&flow.id, &second).await.is_ok(), "the new one does: {to}");
        }
        app.forget_tokens("ashav.pune@sbx").await;

        let flow = app.phr.login_by_contact("9876543210").await.unwrap();
        let mut codes = Vec::new();
        for _ in 0..4 {
            app.sandbox.clock().advance(61);
            codes.push(app.phr.login_resend_otp(&flow.id).await.map(|_| ()).map_err(|e| e.code()));
        }
        assert_eq!(codes, [Ok(()), Ok(()), Ok(()), Err(ErrorCode::OtpLocked)], "ABDM's resend limit holds");
        let password = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
        assert_eq!(app.phr.login_resend_otp(&password.id).await.unwrap_err().code(), ErrorCode::FlowNotFound);
    }
}

#[tokio::test]
async fn flows_in_progress_are_listed_after_a_restart_and_can_be_given_up() {
    let mut app = start().await;
    let login = app.phr.login_by_contact("9876543210").await.unwrap();
    let signup = app.phr.signup_by_contact("9822001122").await.unwrap();

    app.restart().await;

    let open: Vec<String> = app
        .phr
        .flows_in_progress()
        .await
        .unwrap()
        .into_iter()
        .map(|change| match change {
            phr_core::Change::Login(flow) => flow.id,
            phr_core::Change::Signup(flow) => flow.id,
            other => panic!("only flows are listed: {other:?}"),
        })
        .collect();
    assert_eq!(open.len(), 2);
    assert!(open.contains(&login.id) && open.contains(&signup.id), "{open:?}");

    app.phr.abandon_flow(&login.id).await.unwrap();
    assert_eq!(app.phr.flows_in_progress().await.unwrap().len(), 1);
    assert_eq!(app.phr.abandon_flow(&login.id).await.unwrap_err().code(), ErrorCode::FlowNotFound, "given up once");
    assert_eq!(app.phr.abandon_flow("no-such-flow").await.unwrap_err().code(), ErrorCode::FlowNotFound);
    let err = app.phr.login_verify_otp(&login.id, &app.otp_for("9876543210")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::FlowNotFound, "a given-up flow cannot go on");
}

#[tokio::test]
async fn the_front_desk_finds_a_signed_in_person_by_name_and_masked_number() {
    let app = start().await;
    let flow = app.phr.login_by_abha_number("91-1111-2222-3333", "1990").await.unwrap();
    let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &app.otp_for("9123456780")).await.unwrap() else {
        panic!()
    };
    app.phr.login_choose(&flow.id, "meera.nair@sbx").await.unwrap();

    app.staff_signed_in().await;
    let found = app.phr.find_people("meera").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].person.abha_number_masked.as_deref(), Some("XX-XXXX-XXXX-3333"));
    assert!(found[0].addresses.contains(&"91111122223333@sbx".to_owned()), "both addresses of the number");
    assert_eq!(app.phr.find_people("3333").await.unwrap().len(), 1, "by the visible digits of the number");
    app.phr.logout().await.unwrap();
}
