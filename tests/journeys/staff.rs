//! Clinic staff at the front desk, through `phr-core`: sign-up, the emailed
//! verification, sign-in, the desk locking itself and opening again, refresh,
//! sign-out, the access log; the OpenID Connect way through the sandbox's login
//! page. Real sandbox, real keyring, real cache.

use std::time::Duration;

use abdm_sandbox::{AuthPlatformOptions, Options};
use abdm_types::Sensitive;
use phr_core::{AccessLogFilter, DeskAction, DeskStatus, ErrorCode, StaffSignInOutcome, StaffSignUp};
use phr_store::SecretKind;

use crate::helpers::*;

fn is_open(status: &DeskStatus, name: &str) -> bool {
    matches!(status, DeskStatus::Open { staff, .. } if staff.name == name)
}

async fn signed_in(app: &App, email: &str, password: &str) -> DeskStatus {
    match app.phr.staff_sign_in(email, password).await.unwrap() {
        StaffSignInOutcome::SignedIn { desk } => desk,
        other => panic!("{other:?}"),
    }
}

/// The staff session as the keyring holds it (one JSON entry).
async fn held(app: &App, account: &str) -> Option<serde_json::Value> {
    let raw = app.vault.retrieve(SecretKind::StaffSession, account).await.unwrap()?;
    Some(serde_json::from_str(raw.expose()).unwrap())
}

async fn desk_refusal(app: &App) -> Vec<ErrorCode> {
    vec![
        app.phr.find_people("meera").await.unwrap_err().code(),
        app.phr.open_person("meera.nair@sbx").await.unwrap_err().code(),
        app.phr.verify_patient("meera.nair@sbx", abdm_types::gateway::AuthPurpose::Kyc).await.unwrap_err().code(),
        app.phr.access_log(&AccessLogFilter::default()).await.unwrap_err().code(),
    ]
}

#[tokio::test]
async fn a_new_member_of_staff_signs_up_verifies_signs_in_and_the_desk_locks_and_opens() {
    let app = start().await;
    let form = StaffSignUp {
        first_name: "Meena".into(),
        last_name: "Pillai".into(),
        email: "meena.front@sunrise.example".into(),
        password: "Front#Desk2026".into(),
        confirm: "Front#Desk2026".into(),
        invite_token: None,
    };
    let signed_up = app.phr.staff_sign_up(&form).await.unwrap();
    assert_eq!(signed_up.email_masked, "m***@sunrise.example");
    let err = app.phr.staff_sign_in(&form.email, &form.password).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::StaffEmailNotVerified);
    let link = app.sandbox.mailbox().pop().expect("sign-up sent the verification email").link;
    assert_eq!(
        app.phr.staff_verify_email("https://auth.sunrise.example/x").await.unwrap_err().code(),
        ErrorCode::StaffVerificationInvalid
    );
    app.phr.staff_verify_email(&link).await.unwrap();

    assert_eq!(desk_refusal(&app).await, [ErrorCode::StaffNotSignedIn; 4], "nothing at the desk before sign-in");
    let desk = signed_in(&app, &form.email, &form.password).await;
    assert!(is_open(&desk, "Meena Pillai"), "{desk:?}");
    app.phr.find_people("meera").await.unwrap();

    let locked = app.phr.lock_desk().await.unwrap();
    assert!(matches!(&locked, DeskStatus::Locked { staff } if staff.name == "Meena Pillai"));
    assert_eq!(desk_refusal(&app).await, [ErrorCode::DeskLocked; 4], "locked means refused, in Rust");
    let wrong = app.phr.staff_unlock("not her password").await.unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::StaffWrongPassword);
    assert!(matches!(app.phr.desk_status().await.unwrap(), DeskStatus::Locked { .. }), "still locked");
    let StaffSignInOutcome::SignedIn { desk } = app.phr.staff_unlock(&form.password).await.unwrap() else { panic!() };
    assert!(is_open(&desk, "Meena Pillai"));

    let actions: Vec<DeskAction> =
        app.phr.access_log(&AccessLogFilter::default()).await.unwrap().entries.into_iter().map(|e| e.action).collect();
    assert_eq!(actions, [DeskAction::DeskUnlocked, DeskAction::DeskLocked, DeskAction::StaffSignedIn]);
}

#[tokio::test]
async fn sign_up_mistakes_are_caught_before_anything_is_sent() {
    let app = start().await;
    let form = |first: &str, email: &str, password: &str, confirm: &str| StaffSignUp {
        first_name: first.into(),
        last_name: "Pillai".into(),
        email: email.into(),
        password: password.into(),
        confirm: confirm.into(),
        invite_token: None,
    };
    for (form, code) in [
        (form("", "m@sunrise.example", "Front#Desk2026", "Front#Desk2026"), ErrorCode::StaffNameRequired),
        (form("Me\u{202e}na", "m@sunrise.example", "Front#Desk2026", "Front#Desk2026"), ErrorCode::StaffNameRequired),
        (form("Meena", "not an email", "Front#Desk2026", "Front#Desk2026"), ErrorCode::InvalidEmail),
        (form("Meena", "m@sunrise.example", "short", "short"), ErrorCode::StaffPasswordLength),
        (form("Meena", "m@sunrise.example", "Front#Desk2026", "Front#Desk2027"), ErrorCode::PasswordsDiffer),
        (form("Meena", "priya.desk@sunrise.example", "Front#Desk2026", "Front#Desk2026"), ErrorCode::StaffEmailTaken),
        (form("Meena", "meena@gmail.example", "Front#Desk2026", "Front#Desk2026"), ErrorCode::StaffNoClinicForEmail),
    ] {
        assert_eq!(app.phr.staff_sign_up(&form).await.unwrap_err().code(), code, "{:?}", form.first_name);
    }
    assert!(app.sandbox.mailbox().is_empty());
    assert_eq!(
        app.phr.staff_send_verification("priya.desk@sunrise.example").await.unwrap_err().code(),
        ErrorCode::StaffAlreadyVerified
    );
    assert_eq!(
        app.phr.staff_send_verification("nobody@sunrise.example").await.unwrap_err().code(),
        ErrorCode::StaffUnknownEmail
    );
    assert_eq!(
        app.phr.staff_sign_in("sunil.left@sunrise.example", "Desk#Left4").await.unwrap_err().code(),
        ErrorCode::StaffNoClinic
    );
    assert_eq!(app.phr.staff_sign_in(PRIYA.0, "Desk#Wrong9").await.unwrap_err().code(), ErrorCode::StaffWrongPassword);
    assert!(matches!(app.phr.desk_status().await.unwrap(), DeskStatus::SignedOut { .. }), "no half-signed-in state");
}

#[tokio::test]
async fn someone_at_two_clinics_is_shown_the_clinics_and_is_not_signed_in() {
    let app = start().await;
    let outcome = app.phr.staff_sign_in("anita.two@lotus.example", "Desk#Lotus3").await.unwrap();
    assert_eq!(
        outcome,
        StaffSignInOutcome::SeveralClinics { clinics: vec!["Sunrise Clinic".into(), "Lotus OPD".into()] }
    );
    assert!(matches!(app.phr.desk_status().await.unwrap(), DeskStatus::SignedOut { .. }));
}

#[tokio::test]
async fn the_desk_locks_after_the_idle_time_and_says_who_it_waits_for() {
    let app = start().await;
    let phr = app.phr.clone().with_desk(staff_desk(&app.sandbox, 60));
    phr.staff_sign_in(PRIYA.0, PRIYA.1).await.unwrap();
    // The sandbox's clock also runs in real time: 10 s spare for a loaded machine.
    app.sandbox.clock().advance(50);
    phr.find_people("x").await.unwrap();
    app.sandbox.clock().advance(50);
    assert!(matches!(phr.desk_activity().await.unwrap(), DeskStatus::Open { .. }), "use keeps it open");
    app.sandbox.clock().advance(60);
    assert_eq!(phr.find_people("x").await.unwrap_err().code(), ErrorCode::DeskLocked);
    let status = phr.desk_status().await.unwrap();
    assert!(matches!(&status, DeskStatus::Locked { staff } if staff.name == "Priya Sharma"), "{status:?}");
}

#[tokio::test]
async fn the_session_is_refreshed_once_before_it_lapses_and_after_it_did() {
    let options = AuthPlatformOptions { session_ttl_secs: 600, ..Default::default() };
    let app = start_with(Options { auth_platform: options, ..Options::default() }).await;
    app.staff_signed_in().await;
    let account = priya_account(&app).await;
    let first = held(&app, &account).await.unwrap();
    // Within two minutes of the token lapsing, eight desk commands at once: one refresh.
    app.sandbox.clock().advance(500);
    let phr = app.phr.clone();
    let calls = (0..8).map(|_| {
        let phr = phr.clone();
        tokio::spawn(async move { phr.find_people("meera").await.map(|_| ()).map_err(|e| e.code()) })
    });
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let second = held(&app, &account).await.unwrap();
    assert_ne!(first["refresh"], second["refresh"], "rotated");
    assert_ne!(first["session"], second["session"]);
    assert!(
        matches!(app.phr.desk_status().await.unwrap(), DeskStatus::Open { .. }),
        "a second refresh with the old token would have ended it"
    );
    let old = Sensitive::new(first["refresh"].as_str().unwrap().to_owned());
    assert!(platform(&app).refresh(&old).await.is_err(), "the old refresh token is spent");
    // Long after the token lapsed (the person kept using the desk), it is refreshed again.
    for _ in 0..3 {
        app.sandbox.clock().advance(400);
        app.phr.find_people("meera").await.unwrap();
    }
    assert_ne!(held(&app, &account).await.unwrap()["refresh"], second["refresh"]);
}

#[tokio::test]
async fn a_session_the_platform_ended_locks_the_desk_for_the_same_person() {
    let options = AuthPlatformOptions { session_ttl_secs: 600, ..Default::default() };
    let app = start_with(Options { auth_platform: options, ..Options::default() }).await;
    app.staff_signed_in().await;
    let account = priya_account(&app).await;
    let refresh = Sensitive::new(held(&app, &account).await.unwrap()["refresh"].as_str().unwrap().to_owned());
    // Signed out elsewhere (another device, an administrator).
    platform(&app).logout(&refresh).await.unwrap();
    app.sandbox.clock().advance(500);
    assert_eq!(app.phr.find_people("x").await.unwrap_err().code(), ErrorCode::StaffSessionExpired);
    assert!(matches!(app.phr.desk_status().await.unwrap(), DeskStatus::Locked { .. }));
    let StaffSignInOutcome::SignedIn { desk } = app.phr.staff_unlock(PRIYA.1).await.unwrap() else { panic!() };
    assert!(is_open(&desk, "Priya Sharma"));
}

#[tokio::test]
async fn signing_out_revokes_the_session_and_wipes_its_tokens() {
    let app = start().await;
    app.staff_signed_in().await;
    let account = priya_account(&app).await;
    let refresh = Sensitive::new(held(&app, &account).await.unwrap()["refresh"].as_str().unwrap().to_owned());
    let status = app.phr.staff_sign_out().await.unwrap();
    assert!(matches!(status, DeskStatus::SignedOut { .. }));
    assert!(held(&app, &account).await.is_none(), "nothing left in the keyring");
    let err = platform(&app).refresh(&refresh).await.unwrap_err();
    assert_eq!(
        err.refusal(),
        Some(staff_identity::Refusal::SessionEnded),
        "the platform refuses the old refresh token"
    );
    assert_eq!(desk_refusal(&app).await, [ErrorCode::StaffNotSignedIn; 4]);
}

#[tokio::test]
async fn another_member_of_staff_can_take_over_a_locked_desk() {
    let app = start().await;
    app.staff_signed_in().await;
    let priya = priya_account(&app).await;
    app.phr.lock_desk().await.unwrap();
    // Anita works at two clinics and cannot sign in here: the desk stays locked for Priya.
    let outcome = app.phr.staff_sign_in("anita.two@lotus.example", "Desk#Lotus3").await.unwrap();
    assert!(matches!(outcome, StaffSignInOutcome::SeveralClinics { .. }));
    assert!(matches!(app.phr.desk_status().await.unwrap(), DeskStatus::Locked { .. }));
    let form = StaffSignUp {
        first_name: "Farah".into(),
        last_name: "Khan".into(),
        email: "farah.khan@sunrise.example".into(),
        password: "Night#Shift2026".into(),
        confirm: "Night#Shift2026".into(),
        invite_token: None,
    };
    app.phr.staff_sign_up(&form).await.unwrap();
    app.phr.staff_verify_email(&app.sandbox.mailbox().pop().unwrap().link).await.unwrap();
    let desk = signed_in(&app, &form.email, &form.password).await;
    assert!(is_open(&desk, "Farah Khan"));
    assert!(held(&app, &priya).await.is_none(), "the one who left is signed out, tokens and all");
    let names: Vec<String> =
        app.phr.access_log(&AccessLogFilter::default()).await.unwrap().staff.into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Farah Khan", "Priya Sharma"]);
}

#[tokio::test]
async fn after_a_restart_the_desk_is_locked_for_whoever_was_signed_in() {
    let mut app = start().await;
    app.staff_signed_in().await;
    app.restart().await;
    let status = app.phr.desk_status().await.unwrap();
    assert!(matches!(&status, DeskStatus::Locked { staff } if staff.name == "Priya Sharma"), "{status:?}");
    assert_eq!(app.phr.find_people("x").await.unwrap_err().code(), ErrorCode::DeskLocked);
    app.phr.staff_unlock(PRIYA.1).await.unwrap();
    app.phr.find_people("x").await.unwrap();
}

#[tokio::test]
async fn the_access_log_names_who_did_what_filters_and_exports_csv() {
    let app = start().await;
    app.staff_signed_in().await;
    let now = app.sandbox.clock().now();
    let missing = app.phr.open_person("does.not.exist@sbx").await.unwrap_err();
    assert_eq!(missing.code(), ErrorCode::AccountNotFound, "and nothing is audited for it");
    let log = app
        .phr
        .access_log(&AccessLogFilter { from: Some(now - 10), to: Some(now + 10), staff_id: None })
        .await
        .unwrap();
    assert_eq!(log.entries.len(), 1);
    assert_eq!(
        (log.entries[0].staff_name.as_str(), log.entries[0].action),
        ("Priya Sharma", DeskAction::StaffSignedIn)
    );
    let yesterday = AccessLogFilter { from: Some(now - 86_400), to: Some(now - 10), staff_id: None };
    assert!(app.phr.access_log(&yesterday).await.unwrap().entries.is_empty());
    let nobody = AccessLogFilter { staff_id: Some("someone-else".into()), ..AccessLogFilter::default() };
    assert!(app.phr.access_log(&nobody).await.unwrap().entries.is_empty());
    let backwards = AccessLogFilter { from: Some(now), to: Some(now - 1), staff_id: None };
    assert_eq!(app.phr.access_log(&backwards).await.unwrap_err().code(), ErrorCode::InvalidAccessLogFilter);

    let folder = tempfile::tempdir().unwrap();
    let path = app.phr.export_access_log(&AccessLogFilter::default(), folder.path()).await.unwrap();
    let csv = std::fs::read_to_string(&path).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("time_utc,staff_id,staff_name,action,patient"));
    assert!(lines.next().unwrap().contains(",Priya Sharma,staff-signed-in,"), "{csv}");
    let log = app.phr.access_log(&AccessLogFilter::default()).await.unwrap();
    assert_eq!(log.entries[0].action, DeskAction::AccessLogExported, "the export is audited too");
}

/// The account Priya's session is kept under: the platform's id for her.
async fn priya_account(app: &App) -> String {
    let DeskStatus::Open { staff, .. } = app.phr.desk_status().await.unwrap() else { panic!("not open") };
    format!("auth-platform:{}", staff.id)
}

fn platform(app: &App) -> staff_identity::AuthPlatform {
    let phr_core::StaffIdentity::AuthPlatform(platform) = staff_desk(&app.sandbox, 60).identity else { unreachable!() };
    platform
}

mod oidc {
    //! The OpenID Connect way: the app hands the authorization URL to the
    //! opener (here a script that writes it to a file), and a cookie-keeping
    //! HTTP client plays the browser on the sandbox's login page, so the
    //! redirect really travels to the app's loopback listener.

    use super::*;

    fn settings(app: &App) -> staff_identity::OidcSettings {
        staff_identity::OidcSettings {
            issuer: app.sandbox.oidc_issuer(),
            client_id: abdm_sandbox::DEMO_OIDC_CLIENT.id.into(),
            client_secret: None,
            auth: staff_identity::ClientAuth::None,
            scopes: vec!["profile".into(), "email".into()],
            response_mode: staff_identity::ResponseMode::Query,
            max_age: None,
        }
    }

    fn desk(app: &App, settings: staff_identity::OidcSettings, opener: Vec<String>) -> phr_core::Phr {
        let identity = phr_core::StaffIdentity::Oidc(settings);
        app.phr.clone().with_desk(phr_core::StaffDesk { identity, idle_secs: 900, opener })
    }

    /// A desk that signs in with the sandbox's provider; the opener writes the
    /// URL to `url_file`.
    fn oidc_desk(app: &App, url_file: &std::path::Path) -> phr_core::Phr {
        let opener = vec!["sh".into(), "-c".into(), format!("printf %s \"$0\" > {}", url_file.display())];
        desk(app, settings(app), opener)
    }

    async fn opened_url(file: &std::path::Path) -> url::Url {
        for _ in 0..100 {
            if let Ok(url) = std::fs::read_to_string(file)
                && !url.is_empty()
            {
                std::fs::remove_file(file).unwrap();
                return url::Url::parse(&url).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the opener was never called")
    }

    /// Logs in on the sandbox's page and follows the redirect to the app.
    async fn browse(browser: &reqwest::Client, start: url::Url, email: &str, password: &str) -> String {
        let page = browser.get(start.clone()).send().await.unwrap().text().await.unwrap();
        let marker = "name=\"interaction\" value=\"";
        let from = page.find(marker).expect("the login page") + marker.len();
        let interaction = &page[from..from + page[from..].find('"').unwrap()];
        let reply = browser
            .post(start.join("authorize").unwrap())
            .form(&[("interaction", interaction), ("email", email), ("password", password), ("action", "login")])
            .send()
            .await
            .unwrap();
        let location = reply.headers()["location"].to_str().unwrap().to_owned();
        browser.get(location).send().await.unwrap().text().await.unwrap()
    }

    fn browser() -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    #[tokio::test]
    async fn a_member_of_staff_signs_in_in_the_system_browser_and_again_after_a_lock() {
        let app = start().await;
        let dir = tempfile::tempdir().unwrap();
        let url_file = dir.path().join("opened");
        let phr = oidc_desk(&app, &url_file);
        let browser = browser();
        let signing_in = tokio::spawn({
            let phr = phr.clone();
            async move { phr.staff_sign_in_browser(Some(phr_core::UiLanguage::En)).await }
        });
        let url = opened_url(&url_file).await;
        assert!(url.query_pairs().any(|(k, v)| k == "prompt" && v == "login"), "a shared desk always asks");
        let page = browse(&browser, url, "kavita.rao@sunrise.example", "Oidc#Kavita1").await;
        assert!(page.contains("signed in"), "{page}");
        let desk = signing_in.await.unwrap().unwrap();
        assert!(is_open(&desk, "Kavita Rao"), "{desk:?}");
        phr.find_people("x").await.unwrap();

        phr.lock_desk().await.unwrap();
        let again = tokio::spawn({
            let phr = phr.clone();
            async move { phr.staff_sign_in_browser(None).await }
        });
        // The provider's cookie is there, but prompt=login asks for the password again.
        browse(&browser, opened_url(&url_file).await, "kavita.rao@sunrise.example", "Oidc#Kavita1").await;
        assert!(is_open(&again.await.unwrap().unwrap(), "Kavita Rao"));
        let actions: Vec<_> =
            phr.access_log(&AccessLogFilter::default()).await.unwrap().entries.into_iter().map(|e| e.action).collect();
        assert_eq!(actions, [DeskAction::DeskUnlocked, DeskAction::DeskLocked, DeskAction::StaffSignedIn]);
    }

    #[tokio::test]
    async fn a_browser_sign_in_can_be_cancelled_and_leaves_nobody_signed_in() {
        let app = start().await;
        let dir = tempfile::tempdir().unwrap();
        let url_file = dir.path().join("opened");
        let phr = oidc_desk(&app, &url_file);
        let signing_in = tokio::spawn({
            let phr = phr.clone();
            async move { phr.staff_sign_in_browser(None).await }
        });
        opened_url(&url_file).await;
        assert!(phr.staff_cancel_sign_in());
        assert_eq!(signing_in.await.unwrap().unwrap_err().code(), ErrorCode::StaffSignInCancelled);
        assert!(matches!(phr.desk_status().await.unwrap(), DeskStatus::SignedOut { .. }));
        assert!(!phr.staff_cancel_sign_in(), "nothing is waiting any more");
    }

    #[tokio::test]
    async fn an_opener_that_cannot_run_and_an_unreachable_provider_are_said_so() {
        let app = start().await;
        let no_opener = desk(&app, settings(&app), vec!["/nonexistent/opener".into()]);
        assert_eq!(no_opener.staff_sign_in_browser(None).await.unwrap_err().code(), ErrorCode::BrowserUnavailable);
        let offline = staff_identity::OidcSettings { issuer: "http://127.0.0.1:9/oidc/".into(), ..settings(&app) };
        let offline = desk(&app, offline, vec!["true".into()]);
        assert_eq!(offline.staff_sign_in_browser(None).await.unwrap_err().code(), ErrorCode::StaffProviderUnavailable);
    }

    #[tokio::test]
    async fn a_desk_switched_to_oidc_does_not_offer_the_platform_persons_lock_screen() {
        let mut app = start().await;
        app.staff_signed_in().await;
        app.restart().await;
        let phr = desk(&app, settings(&app), vec!["true".into()]);
        let status = phr.desk_status().await.unwrap();
        assert!(matches!(status, DeskStatus::SignedOut { way: phr_core::StaffWay::Oidc }), "{status:?}");
        assert_eq!(phr.find_people("x").await.unwrap_err().code(), ErrorCode::StaffNotSignedIn);
    }
}
