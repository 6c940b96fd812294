//! The auth platform client against the sandbox's platform, for every endpoint
//! and every status the platform documents.

use abdm_sandbox::{AuthPlatformOptions, Options};
use abdm_types::{Email, Sensitive};
use staff_identity::{Login, NapTokens, Refusal, Signup, auth_platform::verification_token};

use crate::helpers::*;

fn email(raw: &str) -> Email {
    Email::parse(raw).unwrap()
}

fn secret(raw: &str) -> Sensitive<String> {
    Sensitive::from(raw)
}

async fn signed_in(platform: &staff_identity::AuthPlatform, who: &str, password: &str) -> NapTokens {
    match platform.login(&email(who), &secret(password)).await.unwrap() {
        Login::SignedIn(tokens) => tokens,
        other => panic!("expected tokens, got {other:?}"),
    }
}

fn refusal<T: std::fmt::Debug>(result: Result<T, staff_identity::AuthPlatformError>) -> Refusal {
    result.expect_err("the platform should refuse").refusal().expect("a refusal, not a transport failure")
}

#[tokio::test]
async fn a_verified_member_of_one_clinic_logs_in_and_the_session_names_them() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let tokens = signed_in(&platform, "priya.desk@sunrise.example", "Desk#Sunrise1").await;
    let staff = tokens.staff().unwrap();
    assert_eq!((staff.first_name.as_str(), staff.last_name.as_str()), ("Priya", "Sharma"));
    assert_eq!(staff.clinic, "Sunrise Clinic");
    assert_eq!(tokens.refresh_token.expose().len(), 43, "32 random bytes, base64url");
    assert!(!tokens.session_token.expose().contains('.'), "the JWT travels base64url-wrapped");
    let now = sandbox.clock().now();
    assert!((tokens.session_expires_at - now - 3600).abs() <= 2, "an hour");
    assert!((tokens.refresh_expires_at - now - 30 * 86_400).abs() <= 2, "30 days");
}

#[tokio::test]
async fn login_refusals_are_told_apart() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let login = |who: &'static str, password: &'static str| {
        let platform = platform.clone();
        async move { platform.login(&email(who), &secret(password)).await }
    };
    assert_eq!(refusal(login("nobody@sunrise.example", "Desk#Sunrise1").await), Refusal::WrongCredentials);
    assert_eq!(refusal(login("priya.desk@sunrise.example", "wrong-password").await), Refusal::WrongCredentials);
    // Unverified is said before the password is even looked at.
    assert_eq!(refusal(login("rahul.new@sunrise.example", "not-his-password").await), Refusal::EmailNotVerified);
    assert_eq!(refusal(login("sunil.left@sunrise.example", "Desk#Left4").await), Refusal::NoClinic);
}

#[tokio::test]
async fn someone_at_two_clinics_gets_a_flow_that_names_both() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let Login::ChooseClinic { flow_id } =
        platform.login(&email("anita.two@lotus.example"), &secret("Desk#Lotus3")).await.unwrap()
    else {
        panic!("expected a flow")
    };
    let flow = platform.flow(&flow_id).await.unwrap();
    assert_eq!(flow.clinics, ["Sunrise Clinic", "Lotus OPD"]);
    let expires_in = flow.expires_at.unwrap() - sandbox.clock().now();
    assert!((590..=600).contains(&expires_in), "ten minutes, read from a +05:30 time: {expires_in}");
    assert_eq!(refusal(platform.flow("no-such-flow").await), Refusal::FlowNotFound);
    sandbox.clock().advance(601);
    assert_eq!(refusal(platform.flow(&flow_id).await), Refusal::FlowNotFound, "flows live ten minutes");
}

#[tokio::test]
async fn a_platform_that_does_not_route_flows_says_so() {
    let options = AuthPlatformOptions { flow_route: false, ..Default::default() };
    let sandbox = sandbox(Options { auth_platform: options, ..Options::default() }).await;
    assert_eq!(refusal(platform(&sandbox).flow("any").await), Refusal::FlowsNotServed);
}

#[tokio::test]
async fn refresh_rotates_both_tokens_and_the_old_refresh_token_is_then_refused() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let first = signed_in(&platform, "priya.desk@sunrise.example", "Desk#Sunrise1").await;
    sandbox.clock().advance(5);
    let second = platform.refresh(&first.refresh_token).await.unwrap();
    assert_eq!(second.session_id, first.session_id, "the same session");
    assert_ne!(second.refresh_token.expose(), first.refresh_token.expose());
    assert_ne!(second.session_token.expose(), first.session_token.expose());
    assert_eq!(refusal(platform.refresh(&first.refresh_token).await), Refusal::SessionEnded);
    assert!(platform.refresh(&second.refresh_token).await.is_ok());
}

#[tokio::test]
async fn logout_by_refresh_token_ends_the_session_and_always_answers_ok() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let tokens = signed_in(&platform, "priya.desk@sunrise.example", "Desk#Sunrise1").await;
    platform.logout(&tokens.refresh_token).await.unwrap();
    assert_eq!(refusal(platform.refresh(&tokens.refresh_token).await), Refusal::SessionEnded);
    // Nothing matched: the platform answers 200 all the same.
    platform.logout(&tokens.refresh_token).await.unwrap();
    platform.logout(&secret("never-issued")).await.unwrap();
}

#[tokio::test]
async fn a_valid_session_token_wins_over_the_refresh_token_at_logout() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let tokens = signed_in(&platform, "priya.desk@sunrise.example", "Desk#Sunrise1").await;
    platform.logout_session(&tokens.session_token).await.unwrap();
    assert_eq!(refusal(platform.refresh(&tokens.refresh_token).await), Refusal::SessionEnded);
    // A session token that expired (beyond the 5 minutes of leeway) is ignored,
    // and with no refresh token there is nothing to log out with.
    let again = signed_in(&platform, "priya.desk@sunrise.example", "Desk#Sunrise1").await;
    sandbox.clock().advance(3600 + 301);
    assert_eq!(refusal(platform.logout_session(&again.session_token).await), Refusal::SessionEnded);
}

#[tokio::test]
async fn sign_up_verify_from_the_emailed_link_then_log_in() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let who = email("meena.front@sunrise.example");
    let password = secret("Front#Desk2026");
    let signup =
        Signup { email: &who, password: &password, first_name: "Meena", last_name: "Pillai", invite_token: None };
    let user_id = platform.signup(&signup).await.unwrap();
    assert_eq!(refusal(platform.signup(&signup).await), Refusal::EmailTaken);
    assert!(sandbox.mailbox().is_empty(), "sign-up sends no email");
    assert_eq!(refusal(platform.login(&who, &password).await), Refusal::EmailNotVerified);

    platform.send_verification(&who).await.unwrap();
    let mail = sandbox.mailbox().pop().unwrap();
    assert_eq!(mail.to, "meena.front@sunrise.example");
    let token = verification_token(&mail.link).unwrap();
    assert_eq!(
        refusal(platform.verify_email(&secret("0123456789abcdef0123456789")).await),
        Refusal::InvalidVerificationToken
    );
    platform.verify_email(&token).await.unwrap();
    platform.verify_email(&token).await.unwrap();
    assert_eq!(refusal(platform.send_verification(&who).await), Refusal::AlreadyVerified);

    let tokens = signed_in(&platform, who.expose(), password.expose()).await;
    assert_eq!(tokens.staff().unwrap().id, user_id);
}

#[tokio::test]
async fn verification_links_last_a_day_and_need_an_account() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let rahul = email("rahul.new@sunrise.example");
    platform.send_verification(&rahul).await.unwrap();
    let token = verification_token(&sandbox.mailbox().pop().unwrap().link).unwrap();
    sandbox.clock().advance(24 * 3600 + 1);
    assert_eq!(refusal(platform.verify_email(&token).await), Refusal::InvalidVerificationToken);
    assert_eq!(refusal(platform.send_verification(&email("nobody@sunrise.example")).await), Refusal::UnknownEmail);
}

#[tokio::test]
async fn sign_up_needs_a_clinic_that_takes_the_email() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform(&sandbox);
    let password = secret("Front#Desk2026");
    let outsider = email("someone@gmail.example");
    let form =
        |who, invite| Signup { email: who, password: &password, first_name: "A", last_name: "B", invite_token: invite };
    assert_eq!(refusal(platform.signup(&form(&outsider, None)).await), Refusal::NoClinicForEmail);
    let invite = secret("lotus-invite-2026");
    assert_eq!(
        refusal(platform.signup(&form(&outsider, Some(&invite))).await),
        Refusal::InvalidInvite,
        "the invite is for another email"
    );
    let nurse = email("new.nurse@lotus.example");
    platform.signup(&form(&nurse, Some(&invite))).await.unwrap();
    let short = secret("short");
    let bad = Signup { email: &nurse, password: &short, first_name: "A", last_name: "B", invite_token: None };
    assert_eq!(refusal(platform.signup(&bad).await), Refusal::InvalidInput, "8 to 32 characters");
}

#[tokio::test]
async fn a_wrong_api_key_is_refused_before_anything_else() {
    let sandbox = sandbox(Options::default()).await;
    let platform = platform_with_key(&sandbox, "nap_test_not_the_key");
    assert_eq!(
        refusal(platform.login(&email("priya.desk@sunrise.example"), &secret("Desk#Sunrise1")).await),
        Refusal::ApiKey
    );
    assert_eq!(refusal(platform.flow("x").await), Refusal::ApiKey);
}

#[tokio::test]
async fn the_api_key_comes_first_then_the_rate_limit_then_routing() {
    let options = AuthPlatformOptions { requests_per_second: 3, ..Default::default() };
    let sandbox = sandbox(Options { auth_platform: options, ..Options::default() }).await;
    let http = reqwest::Client::new();
    let base = sandbox.auth_platform_url();
    let missing = http.get(format!("{base}no/such/path")).send().await.unwrap();
    assert_eq!(missing.status(), 401);
    assert_eq!(missing.text().await.unwrap(), r#"{"error":"Missing API key"}"#);
    let keyed =
        || http.get(format!("{base}no/such/path")).header("X-NAP-API-Key", abdm_sandbox::DEMO_AUTH_PLATFORM_API_KEY);
    let unknown = keyed().send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.headers()["x-ratelimit-limit"], "3");
    assert_eq!(unknown.text().await.unwrap(), "404 page not found");
    // Seven in a row: whichever second they fall in, one second sees four.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(keyed().send().await.unwrap().status().as_u16());
    }
    assert!(statuses.contains(&429), "3 a second: {statuses:?}");
    let platform = platform(&sandbox);
    let mut refusals = Vec::new();
    for _ in 0..7 {
        refusals.push(platform.flow("x").await.unwrap_err().refusal());
    }
    assert!(refusals.contains(&Some(Refusal::RateLimited)), "{refusals:?}");
}

#[tokio::test]
async fn refresh_and_logout_without_a_token_header_are_refused() {
    let sandbox = sandbox(Options::default()).await;
    let http = reqwest::Client::new();
    for path in ["api/auth/refresh", "api/auth/logout"] {
        let reply = http
            .post(format!("{}{path}", sandbox.auth_platform_url()))
            .header("X-NAP-API-Key", abdm_sandbox::DEMO_AUTH_PLATFORM_API_KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 401, "{path}");
        let body: serde_json::Value = reply.json().await.unwrap();
        assert_eq!(body["code"], 401);
        assert_eq!(body["debug"], "", "debug is blanked outside debug mode");
    }
}

#[tokio::test]
async fn an_unreachable_platform_is_not_a_refusal() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    drop(listener);
    let platform = staff_identity::AuthPlatform::new(abdm_types::BaseUrl::parse(&url).unwrap(), secret("k")).unwrap();
    let err = platform.login(&email("priya.desk@sunrise.example"), &secret("x")).await.unwrap_err();
    assert!(matches!(err, staff_identity::AuthPlatformError::Unreachable(_)), "{err:?}");
}
