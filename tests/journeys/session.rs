use abdm_types::Sensitive;
use phr_core::{ErrorCode, Verified};

use crate::helpers::*;

/// Logs into one of Asha's addresses through her mobile's OTP.
async fn asha_by_mobile(app: &App, address: &str) {
    let flow = app.phr.login_by_contact("9876543210").await.unwrap();
    let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &app.otp_for("9876543210")).await.unwrap() else {
        panic!("a chooser");
    };
    app.phr.login_choose(&flow.id, address).await.unwrap();
}

#[tokio::test]
async fn add_an_address_log_into_it_switch_back_without_an_otp_and_mark_a_default() {
    let app = start().await;
    assert_eq!(app.phr.session().await.unwrap(), None, "nobody is signed in yet");
    assert_eq!(app.phr.add_address("asha.second").await.unwrap_err().code(), ErrorCode::NotSignedIn);
    asha_by_mobile(&app, "asha.verma@sbx").await;

    let session = app.phr.add_address("asha.home").await.unwrap();
    let listed: Vec<(&str, bool)> = session.addresses.iter().map(|a| (a.address.as_str(), a.signed_in)).collect();
    assert_eq!(listed, [("asha.home@sbx", false), ("asha.verma@sbx", true), ("ashav.pune@sbx", false)]);
    assert_eq!(app.phr.add_address("ravi.kumar").await.unwrap_err().code(), ErrorCode::AddressTaken);

    assert_eq!(
        app.phr.switch_address("asha.home@sbx").await.unwrap_err().code(),
        ErrorCode::NotSignedIn,
        "no sign-in is held for the new address yet"
    );
    let flow = app.phr.login_by_address("asha.home@sbx", false).await.unwrap();
    app.phr.login_verify_otp(&flow.id, &app.otp_for("9876543210")).await.unwrap();
    assert_eq!(app.phr.session().await.unwrap().unwrap().address, "asha.home@sbx");

    let sent = app.sandbox.outbox().len();
    let session = app.phr.switch_address("asha.verma@sbx").await.unwrap();
    assert_eq!(session.address, "asha.verma@sbx");
    assert_eq!(app.sandbox.outbox().len(), sent, "switching sent no OTP");
    assert!(session.addresses.iter().filter(|a| !a.on_same_contact).all(|a| a.signed_in));

    let session = app.phr.set_default_address("asha.home@sbx").await.unwrap();
    assert_eq!(session.addresses[0].address, "asha.home@sbx", "the default is listed first");
    assert!(session.addresses[0].is_default && !session.addresses[1].is_default);
    assert_eq!(
        app.phr.set_default_address("ravi.kumar@sbx").await.unwrap_err().code(),
        ErrorCode::InvalidAbhaAddress,
        "only one's own address"
    );

    app.phr.logout().await.unwrap();
    assert!(app.token_of("asha.verma@sbx").await.is_none() && app.token_of("asha.home@sbx").await.is_none());
}

/// Home lists what the mobile's chooser listed, not only what is signed in here:
/// each address the person can switch to at once, or log into first.
#[tokio::test]
async fn home_lists_every_address_on_the_verified_mobile_signed_in_or_not() {
    for api in BOTH {
        let mut app = start_on(api).await;
        asha_by_mobile(&app, "asha.verma@sbx").await;
        let listed = |session: phr_core::Session| -> Vec<(String, bool, bool)> {
            session.addresses.into_iter().map(|a| (a.address, a.signed_in, a.on_same_contact)).collect()
        };
        let session = app.phr.session().await.unwrap().unwrap();
        assert_eq!(
            listed(session),
            [("asha.verma@sbx".into(), true, false), ("ashav.pune@sbx".into(), false, true)],
            "the other address on Asha's mobile, not signed in yet"
        );
        assert_eq!(app.phr.switch_address("ashav.pune@sbx").await.unwrap_err().code(), ErrorCode::NotSignedIn);

        let flow = app.phr.login_by_address("ashav.pune@sbx", false).await.unwrap();
        app.phr.login_verify_otp(&flow.id, &app.otp_for("9876543210")).await.unwrap();
        app.restart().await;
        let session = app.phr.session().await.unwrap().unwrap();
        assert_eq!(session.address, "ashav.pune@sbx");
        assert_eq!(
            listed(session),
            [("ashav.pune@sbx".into(), true, false), ("asha.verma@sbx".into(), true, true)],
            "the same mobile's list, from either side, kept across a restart"
        );
        let sent = app.sandbox.outbox().len();
        assert_eq!(app.phr.switch_address("asha.verma@sbx").await.unwrap().address, "asha.verma@sbx");
        assert_eq!(app.sandbox.outbox().len(), sent, "switching sent no OTP");
        app.phr.logout().await.unwrap();
        app.forget_tokens("ashav.pune@sbx").await;
    }
}

#[tokio::test]
async fn the_fifth_address_on_a_mobile_is_refused_before_any_call() {
    let app = start().await;
    let flow = app.phr.login_by_contact("9000000004").await.unwrap();
    let Verified::Choose(flow) = app.phr.login_verify_otp(&flow.id, &app.otp_for("9000000004")).await.unwrap() else {
        panic!()
    };
    let phr_core::LoginStep::ChoosingAddress { addresses } = flow.step.clone() else { panic!() };
    assert_eq!(addresses.len(), 4);
    app.phr.login_choose(&flow.id, &addresses[0]).await.unwrap();

    // Were ABDM asked, it would answer 500, not the limit.
    app.sandbox.inject(abdm_sandbox::Fault {
        path: "/cm/v1/account/update/phr-address".into(),
        kind: abdm_sandbox::FaultKind::Status { status: 500 },
        times: None,
    });
    let err = app.phr.add_address("sharma.five").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AddressLimitReached, "known from the chooser: ABDM is not asked");
    app.phr.logout().await.unwrap();
}

#[tokio::test]
async fn the_limit_is_abdms_answer_when_not_known_here() {
    let app = start().await;
    let flow = app.phr.login_by_address("rohan.sharma@sbx", false).await.unwrap();
    app.phr.login_verify_otp(&flow.id, &app.otp_for("9000000004")).await.unwrap();
    assert_eq!(app.phr.add_address("sharma.five").await.unwrap_err().code(), ErrorCode::AddressLimitReached);
    app.phr.logout().await.unwrap();
}

#[tokio::test]
async fn reset_password_then_the_new_one_logs_in_and_the_old_one_does_not() {
    for api in BOTH {
        let app = start_on(api).await;
        let flow = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
        app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
        assert_eq!(
            app.phr.reset_password("N3w#Monsoon", "N3w#Monsoo").await.unwrap_err().code(),
            ErrorCode::PasswordsDiffer
        );
        assert_eq!(app.phr.reset_password("abc12345", "abc12345").await.unwrap_err().code(), ErrorCode::WeakPassword);
        app.phr.reset_password("N3w#Monsoon", "N3w#Monsoon").await.unwrap();
        app.phr.logout().await.unwrap();

        let flow = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
        assert_eq!(
            app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap_err().code(),
            ErrorCode::OtpInvalid
        );
        assert!(app.phr.login_with_password(&flow.id, "N3w#Monsoon").await.is_ok());
        app.phr.logout().await.unwrap();
    }
}

#[tokio::test]
async fn logout_ends_the_token_at_abdm_and_here() {
    for api in BOTH {
        let app = start_on(api).await;
        asha_by_mobile(&app, "ashav.pune@sbx").await;
        let token = app.token_of("ashav.pune@sbx").await.unwrap();
        app.phr.logout().await.unwrap();

        assert_eq!(app.phr.session().await.unwrap(), None);
        assert!(app.token_of("ashav.pune@sbx").await.is_none(), "the keyring entry is gone");
        let refused = app.client().profile(&token).await.unwrap_err();
        assert_eq!(refused.status(), Some(401), "ABDM no longer takes the token");
        assert_eq!(app.phr.logout().await.unwrap_err().code(), ErrorCode::NotSignedIn);
        assert_eq!(app.phr.store().recent_audit(1).await.unwrap()[0].action, "logged-out");
    }
}

#[tokio::test]
async fn an_expired_token_is_refreshed_and_a_dead_session_says_so() {
    let app = start().await;
    let flow = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
    app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
    let before = app.token_of("asha.verma@sbx").await.unwrap();

    app.sandbox.clock().advance(31 * 60);
    app.phr.add_address("asha.renewed").await.expect("the refresh token renewed the sign-in");
    assert_ne!(app.token_of("asha.verma@sbx").await.unwrap().expose(), before.expose());

    app.sandbox.clock().advance(16 * 24 * 60 * 60);
    assert_eq!(
        app.phr.reset_password("N3w#Monsoon", "N3w#Monsoon").await.unwrap_err().code(),
        ErrorCode::SessionExpired
    );
    app.phr.logout().await.unwrap();
}

/// The same on either generation: v1 refreshes with a POST, v3 with the
/// R-token; both spend the refresh token, and logging out ends both tokens.
#[tokio::test]
async fn an_expired_token_is_refreshed_when_the_person_next_needs_abdm() {
    for api in BOTH {
        let app = start_on(api).await;
        asha_by_mobile(&app, "asha.verma@sbx").await;
        let before = app.token_of("asha.verma@sbx").await.unwrap();
        let card = phr_core::CardFor::Account { address: "asha.verma@sbx".into() };

        app.sandbox.clock().advance(31 * 60);
        app.phr.abha_card_png(&card, phr_core::UiLanguage::En).await.expect("the refresh token renewed the sign-in");
        let after = app.token_of("asha.verma@sbx").await.unwrap();
        assert_ne!(after.expose(), before.expose(), "{api:?}");

        app.phr.logout().await.unwrap();
        assert_eq!(app.client().profile(&after).await.unwrap_err().status(), Some(401), "{api:?}");
    }
}

#[tokio::test]
async fn a_sign_in_is_one_keyring_entry_and_one_kept_apart_by_an_earlier_version_still_works() {
    use phr_store::SecretKind::{RefreshToken, UserSignIn, UserToken};
    let mut app = start().await;
    let asha = "asha.verma@sbx";
    let flow = app.phr.login_by_address(asha, true).await.unwrap();
    app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
    // The keyring gets it in the background; `app.vault` reads the keyring alone.
    app.phr.vault().move_pending().await.unwrap();
    let entry = app.vault.retrieve(UserSignIn, asha).await.unwrap().expect("one entry");
    let held: serde_json::Value = serde_json::from_str(entry.expose()).unwrap();
    let (access, refresh) = (held["access"].as_str().unwrap(), held["refresh"].as_str().expect("both tokens in it"));
    assert!(app.vault.retrieve(UserToken, asha).await.unwrap().is_none(), "nothing written apart");

    // As versions before kept it: the two tokens in two entries.
    app.vault.persist(UserToken, asha, &Sensitive::new(access.to_owned())).await.unwrap();
    app.vault.persist(RefreshToken, asha, &Sensitive::new(refresh.to_owned())).await.unwrap();
    app.forget_tokens(asha).await;
    app.restart().await;
    app.sandbox.clock().advance(31 * 60);
    app.phr.add_address("asha.upgrade").await.expect("the old entries still sign her in, and refresh");
    assert!(app.token_of(asha).await.is_some(), "the refresh wrote the one entry");

    app.phr.logout().await.unwrap();
    for kind in [UserSignIn, UserToken, RefreshToken] {
        assert!(app.vault.retrieve(kind, asha).await.unwrap().is_none(), "{kind:?} left behind");
    }
}

#[tokio::test]
async fn offline_the_session_reads_and_logout_still_wipes_the_tokens() {
    let app = start().await;
    asha_by_mobile(&app, "asha.verma@sbx").await;
    let App { sandbox, phr, vault, .. } = app;
    sandbox.shutdown().await.unwrap();

    let session = phr.session().await.unwrap().expect("read from the cache");
    assert_eq!(session.person.full_name, "Asha Verma");
    assert_eq!(phr.add_address("asha.offline").await.unwrap_err().code(), ErrorCode::NetworkUnavailable);
    phr.logout().await.unwrap();
    assert!(vault.retrieve(phr_store::SecretKind::UserSignIn, "asha.verma@sbx").await.unwrap().is_none());
}

#[tokio::test]
async fn the_processing_consent_is_asked_once_per_person_and_kept_across_a_restart() {
    let mut app = start().await;
    asha_by_mobile(&app, "asha.verma@sbx").await;
    assert!(!app.phr.session().await.unwrap().unwrap().consented, "a first login here asks");

    let session = app.phr.agree_to_processing().await.unwrap();
    assert!(session.consented);
    app.phr.agree_to_processing().await.unwrap();
    let entries = app.phr.store().recent_audit(50).await.unwrap();
    let recorded: Vec<_> = entries.iter().filter(|e| e.action == "processing-consent").collect();
    assert_eq!(recorded.len(), 1, "agreeing twice records it once");
    assert_eq!(recorded[0].subject.as_deref(), Some("asha.verma@sbx"));

    app.phr.add_address("asha.clinic").await.unwrap();
    let flow = app.phr.login_by_address("asha.clinic@sbx", false).await.unwrap();
    app.phr.login_verify_otp(&flow.id, &app.otp_for("9876543210")).await.unwrap();
    let session = app.phr.session().await.unwrap().unwrap();
    assert_eq!(session.address, "asha.clinic@sbx");
    assert!(session.consented, "the person agreed already, with another of their addresses");

    app.restart().await;
    assert!(app.phr.session().await.unwrap().unwrap().consented, "kept in the database");
    app.phr.logout().await.unwrap();
    assert_eq!(app.phr.agree_to_processing().await.unwrap_err().code(), ErrorCode::NotSignedIn);

    // Someone else on the same computer is asked for their own consent.
    let flow = app.phr.login_by_address("ravi.kumar@sbx", false).await.unwrap();
    let otp = app.otp_for(&app.sandbox.outbox().last().unwrap().to);
    app.phr.login_verify_otp(&flow.id, &otp).await.unwrap();
    assert!(!app.phr.session().await.unwrap().unwrap().consented);
}

#[tokio::test]
async fn states_and_districts_come_from_abdm_once_per_run() {
    let app = start().await;
    let states = app.phr.states().await.unwrap();
    assert_eq!(states.len(), 36);
    assert_eq!(states[0].name, "ANDAMAN AND NICOBAR ISLANDS", "by name");
    let districts = app.phr.districts("27").await.unwrap();
    let names: Vec<&str> = districts.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["MUMBAI", "NASHIK", "PUNE"]);
    assert_eq!(app.phr.districts("x").await.unwrap_err().code(), ErrorCode::InvalidProfile);

    // ABDM failing now: the lists already fetched still answer.
    for list in ["states", "districts"] {
        app.sandbox.inject(abdm_sandbox::Fault {
            path: format!("/cm/v1/apps/location/{list}"),
            kind: abdm_sandbox::FaultKind::Status { status: 503 },
            times: None,
        });
    }
    assert_eq!(app.phr.states().await.unwrap(), states);
    assert_eq!(app.phr.districts("27").await.unwrap(), districts);
    assert_eq!(app.phr.districts("33").await.unwrap_err().code(), ErrorCode::AbdmUnavailable);
}

/// Tokens sealed in the cache by a run that died before moving them reach
/// the keyring when the app starts again.
#[tokio::test]
async fn a_sign_in_the_app_did_not_live_to_move_reaches_the_keyring_at_the_next_start() {
    use phr_store::SecretKind::UserSignIn;
    let mut app = start().await;
    let entry = Sensitive::from(r#"{"access":"eyJ.left.behind","refresh":null}"#);
    assert!(app.phr.vault().write_ahead(UserSignIn, "asha.verma@sbx", &entry).await.unwrap());
    // Nothing else moves it: whether this run's own start-up move (late on a
    // loaded machine) or the next run's takes it, it is Phr::new's move.
    app.restart().await;
    let mut moved = None;
    for _ in 0..100 {
        moved = app.vault.retrieve(UserSignIn, "asha.verma@sbx").await.unwrap();
        if moved.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(moved.expect("moved at start-up").expose(), entry.expose());
    app.phr.vault().delete(UserSignIn, "asha.verma@sbx").await.unwrap();
}

/// v3 has no call that adds an address to a signed-in person: the app says
/// what to do instead (sign up again with the same mobile), which works.
#[tokio::test]
async fn on_v3_another_address_comes_from_signing_up_again_with_the_same_mobile() {
    let app = start_on(abdm_client::PhrApi::V3).await;
    let flow = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
    app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
    let err = app.phr.add_address("asha.second").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotOnThisApi);
    assert!(err.user_message().contains("same mobile"), "{}", err.user_message());

    let flow = app.phr.signup_by_contact("9876543210").await.unwrap();
    let flow = app.phr.signup_verify_otp(&flow.id, &app.otp_for("9876543210")).await.unwrap();
    assert_eq!(flow.linked, ["asha.verma@sbx", "ashav.pune@sbx"]);
    let form = phr_core::ProfileForm { first_name: "Asha".into(), last_name: Some("Verma".into()), ..profile() };
    let flow = app.phr.signup_profile(&flow.id, &form).await.unwrap();
    assert_eq!(app.phr.signup_create(&flow.id, "asha.second", None).await.unwrap().address, "asha.second@sbx");
    app.phr.logout().await.unwrap();
    app.forget_tokens("asha.verma@sbx").await;
}

/// A sign-in answers before it reports who is signed in (the window that signed
/// in reads that itself; the report is for the others). The report still goes
/// out, and one that a logout overtakes never has the last word.
#[tokio::test]
async fn a_sign_in_is_reported_after_it_answers_and_a_logout_after_it_has_the_last_word() {
    let mut app = start().await;
    let (report, mut changes) = tokio::sync::broadcast::channel(64);
    app.phr = app.phr.clone().reporting_to(report);
    for _ in 0..5 {
        asha_by_mobile(&app, "asha.verma@sbx").await;
        app.phr.logout().await.unwrap();
    }
    // Only reports still under way hold the channel now: it closes after the last.
    app.phr = app.phr.clone().reporting_to(tokio::sync::broadcast::channel(1).0);
    let mut reported = Vec::new();
    loop {
        match changes.recv().await {
            Ok(phr_core::Change::Session(session)) => reported.push(session.map(|s| s.address)),
            Ok(_) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            Err(lagged) => panic!("{lagged}"),
        }
    }
    let signed_in = reported.iter().filter(|s| s.as_deref() == Some("asha.verma@sbx")).count();
    assert!(signed_in >= 1, "the sign-ins were reported: {reported:?}");
    assert_eq!(reported.last(), Some(&None), "nobody is signed in at the end: {reported:?}");
}
