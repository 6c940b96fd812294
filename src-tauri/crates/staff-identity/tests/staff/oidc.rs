//! The OpenID Connect client against the sandbox's provider: the browser is
//! played by a cookie-keeping HTTP client that fills in the login page, and the
//! redirect really travels to the client's loopback listener.

use std::time::Duration;

use abdm_sandbox::Options;
use staff_identity::{ClientAuth, Oidc, OidcError, Prompt, ResponseMode};

use crate::helpers::*;

const KAVITA: (&str, &str) = ("kavita.rao@sunrise.example", "Oidc#Kavita1");

fn never() -> std::future::Pending<()> {
    std::future::pending()
}

async fn sign_in(
    oidc: &Oidc,
    browser: &Browser,
    prompt: Option<Prompt>,
) -> Result<staff_identity::OidcSignIn, OidcError> {
    let pending = oidc.begin(prompt, Some("en")).await.unwrap();
    let answer = browser.sign_in(&pending.url, &mut sandbox_login(KAVITA.0, KAVITA.1)).await;
    let finished = tokio::spawn({
        let oidc = oidc.clone();
        async move { oidc.finish(pending, Duration::from_secs(10), never()).await }
    });
    browser.deliver(&answer).await;
    finished.await.unwrap()
}

/// Whether the provider showed its login page on the way (it is filled in).
async fn shows_login_page(browser: &Browser, pending: &staff_identity::PendingSignIn) -> bool {
    let mut asked = false;
    let mut fill = sandbox_login(KAVITA.0, KAVITA.1);
    browser
        .sign_in(&pending.url, &mut |url, page| {
            asked = true;
            fill(url, page)
        })
        .await;
    asked
}

#[tokio::test]
async fn a_member_of_staff_signs_in_through_the_browser_with_pkce_state_and_nonce() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let pending = oidc.begin(None, Some("en")).await.unwrap();
    let query: std::collections::HashMap<_, _> = pending.url.query_pairs().into_owned().collect();
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["response_type"], "code");
    assert!(query["scope"].split(' ').any(|s| s == "openid"));
    assert!(query["state"].len() >= 16 && query["nonce"].len() >= 16);
    let redirect = url::Url::parse(&query["redirect_uri"]).unwrap();
    assert_eq!((redirect.host_str(), redirect.path()), (Some("127.0.0.1"), "/callback"));
    assert_ne!(redirect.port(), None, "an ephemeral port");

    let browser = Browser::new();
    let answer = browser.sign_in(&pending.url, &mut sandbox_login(KAVITA.0, KAVITA.1)).await;
    assert_eq!(answer.param("iss").as_deref(), Some(sandbox.oidc_issuer().as_str()), "RFC 9207");
    let finished = tokio::spawn(async move { oidc.finish(pending, Duration::from_secs(10), never()).await });
    let page = browser.deliver(&answer).await;
    assert!(page.contains("You are signed in"), "{page}");
    let signed_in = finished.await.unwrap().unwrap();
    assert_eq!(signed_in.subject, "staff-1001");
    assert_eq!(signed_in.name.as_deref(), Some("Kavita Rao"));
    assert_eq!(signed_in.email.as_deref(), Some(KAVITA.0));
    assert!(signed_in.tokens.refresh_token.is_some());
}

#[tokio::test]
async fn a_client_with_a_secret_authenticates_by_basic_or_in_the_body() {
    let sandbox = sandbox(Options::default()).await;
    let client = abdm_sandbox::DEMO_OIDC_CONFIDENTIAL_CLIENT;
    for auth in [ClientAuth::Basic, ClientAuth::Post] {
        let settings = settings(&sandbox.oidc_issuer(), client.id, client.secret, auth);
        let oidc = Oidc::discover(settings, sandbox_now(&sandbox)).await.unwrap();
        let signed_in = sign_in(&oidc, &Browser::new(), None).await.unwrap();
        assert_eq!(signed_in.subject, "staff-1001", "{auth:?}");
    }
    let wrong = settings(&sandbox.oidc_issuer(), client.id, Some("not-the-secret"), ClientAuth::Basic);
    let oidc = Oidc::discover(wrong, sandbox_now(&sandbox)).await.unwrap();
    let err = sign_in(&oidc, &Browser::new(), None).await.unwrap_err();
    assert!(matches!(&err, OidcError::TokenRefused { error } if error == "invalid_client"), "{err:?}");
}

#[tokio::test]
async fn the_answer_can_come_as_a_posted_form() {
    let sandbox = sandbox(Options::default()).await;
    let client = abdm_sandbox::DEMO_OIDC_CLIENT;
    let mut settings = settings(&sandbox.oidc_issuer(), client.id, None, ClientAuth::None);
    settings.response_mode = ResponseMode::FormPost;
    let oidc = Oidc::discover(settings, sandbox_now(&sandbox)).await.unwrap();
    let pending = oidc.begin(None, None).await.unwrap();
    let browser = Browser::new();
    let answer = browser.sign_in(&pending.url, &mut sandbox_login(KAVITA.0, KAVITA.1)).await;
    assert!(matches!(answer, Answer::Form(..)), "{answer:?}");
    let finished = tokio::spawn(async move { oidc.finish(pending, Duration::from_secs(10), never()).await });
    browser.deliver(&answer).await;
    assert_eq!(finished.await.unwrap().unwrap().subject, "staff-1001");
}

#[tokio::test]
async fn signed_in_at_the_provider_the_next_sign_in_asks_nothing_unless_prompt_login() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let browser = Browser::new();
    sign_in(&oidc, &browser, None).await.unwrap();
    let pending = oidc.begin(None, None).await.unwrap();
    browser.sign_in(&pending.url, &mut |_, _| None).await;
    let pending = oidc.begin(Some(Prompt::Login), None).await.unwrap();
    let asked = shows_login_page(&browser, &pending).await;
    assert!(asked, "prompt=login asks for the password again");
}

#[tokio::test]
async fn prompt_none_without_a_provider_session_is_refused_as_login_required() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let pending = oidc.begin(Some(Prompt::None), None).await.unwrap();
    let browser = Browser::new();
    let answer = browser.sign_in(&pending.url, &mut |_, _| None).await;
    let finished = tokio::spawn(async move { oidc.finish(pending, Duration::from_secs(10), never()).await });
    browser.deliver(&answer).await;
    let err = finished.await.unwrap().unwrap_err();
    assert!(matches!(&err, OidcError::Refused { error } if error == "login_required"), "{err:?}");
}

#[tokio::test]
async fn cancelling_at_the_provider_cancels_the_sign_in() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let pending = oidc.begin(None, None).await.unwrap();
    let browser = Browser::new();
    let answer = browser.sign_in(&pending.url, &mut sandbox_cancel).await;
    let finished = tokio::spawn(async move { oidc.finish(pending, Duration::from_secs(10), never()).await });
    browser.deliver(&answer).await;
    assert!(matches!(finished.await.unwrap(), Err(OidcError::Cancelled)));
}

#[tokio::test]
async fn a_foreign_state_or_issuer_ends_the_sign_in_and_nothing_is_signed_in() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let browser = Browser::new();
    for (name, value, expected) in
        [("state", "forged-state", "StateMismatch"), ("iss", "http://127.0.0.1:1/oidc/", "IssuerMismatch")]
    {
        let pending = oidc.begin(None, None).await.unwrap();
        let answer = browser.sign_in(&pending.url, &mut sandbox_login(KAVITA.0, KAVITA.1)).await;
        let finished = tokio::spawn({
            let oidc = oidc.clone();
            async move { oidc.finish(pending, Duration::from_secs(10), never()).await }
        });
        let page = browser.deliver(&answer.with(name, value)).await;
        let err = finished.await.unwrap().unwrap_err();
        assert_eq!(format!("{err:?}"), expected);
        if name == "state" {
            assert!(page.contains("not for ABHA Desktop"), "{page}");
        }
    }
}

#[tokio::test]
async fn a_browser_that_never_comes_back_times_out_and_a_cancel_stops_the_wait() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let pending = oidc.begin(None, None).await.unwrap();
    let redirect = pending.url.query_pairs().find(|(k, _)| k == "redirect_uri").unwrap().1.into_owned();
    assert!(matches!(oidc.finish(pending, Duration::from_millis(100), never()).await, Err(OidcError::TimedOut)));
    let closed = reqwest::get(&redirect).await;
    assert!(closed.is_err(), "the listener is closed once the sign-in is over");
    let pending = oidc.begin(None, None).await.unwrap();
    let cancel = tokio::time::sleep(Duration::from_millis(50));
    assert!(matches!(oidc.finish(pending, Duration::from_secs(30), cancel).await, Err(OidcError::Cancelled)));
}

#[tokio::test]
async fn a_code_used_twice_or_too_late_is_refused() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let browser = Browser::new();
    // Used, then replayed into the next sign-in.
    let first = oidc.begin(None, None).await.unwrap();
    let answer = browser.sign_in(&first.url, &mut sandbox_login(KAVITA.0, KAVITA.1)).await;
    let finished = tokio::spawn({
        let oidc = oidc.clone();
        async move { oidc.finish(first, Duration::from_secs(10), never()).await }
    });
    browser.deliver(&answer).await;
    let signed_in = finished.await.unwrap().unwrap();
    let second = oidc.begin(None, None).await.unwrap();
    let replay = answer.replayed_into(&second);
    let finished = tokio::spawn({
        let oidc = oidc.clone();
        async move { oidc.finish(second, Duration::from_secs(10), never()).await }
    });
    browser.deliver(&replay).await;
    let err = finished.await.unwrap().unwrap_err();
    assert!(matches!(&err, OidcError::TokenRefused { error } if error == "invalid_grant"), "{err:?}");
    assert!(signed_in.tokens.refresh_token.is_some());
    // Redeemed after its minute.
    let pending = oidc.begin(Some(Prompt::Login), None).await.unwrap();
    let answer = browser.sign_in(&pending.url, &mut sandbox_login(KAVITA.0, KAVITA.1)).await;
    sandbox.clock().advance(61);
    let finished = tokio::spawn(async move { oidc.finish(pending, Duration::from_secs(10), never()).await });
    browser.deliver(&answer).await;
    let err = finished.await.unwrap().unwrap_err();
    assert!(matches!(&err, OidcError::TokenRefused { error } if error == "invalid_grant"), "{err:?}");
}

#[tokio::test]
async fn a_nonce_other_than_ours_makes_the_id_token_invalid() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let pending = oidc.begin(None, None).await.unwrap();
    let url = with_param(&pending.url, "nonce", "someone-elses-nonce");
    let browser = Browser::new();
    let answer = browser.sign_in(&url, &mut sandbox_login(KAVITA.0, KAVITA.1)).await;
    let finished = tokio::spawn(async move { oidc.finish(pending, Duration::from_secs(10), never()).await });
    browser.deliver(&answer).await;
    let err = finished.await.unwrap().unwrap_err();
    assert!(matches!(&err, OidcError::IdToken(why) if why.contains("nonce")), "{err:?}");
}

#[tokio::test]
async fn an_id_token_is_judged_by_the_clock_passed_in() {
    let sandbox = sandbox(Options::default()).await;
    let client = abdm_sandbox::DEMO_OIDC_CLIENT;
    let clock = sandbox.clock().clone();
    // This computer's clock runs 20 minutes ahead of the provider's: the token has expired for it.
    let ahead: staff_identity::Now = std::sync::Arc::new(move || clock.now() + 1200);
    let oidc =
        Oidc::discover(settings(&sandbox.oidc_issuer(), client.id, None, ClientAuth::None), ahead).await.unwrap();
    let err = sign_in(&oidc, &Browser::new(), None).await.unwrap_err();
    assert!(matches!(&err, OidcError::IdToken(why) if why.contains("xpired")), "{err:?}");
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_ends_the_grant() {
    let sandbox = sandbox(Options::default()).await;
    let oidc = sandbox_oidc(&sandbox).await;
    let signed_in = sign_in(&oidc, &Browser::new(), None).await.unwrap();
    let first = signed_in.tokens.refresh_token.unwrap();
    let second = oidc.refresh(&first).await.unwrap();
    assert_eq!(second.subject.as_deref(), Some("staff-1001"), "the refreshed ID token is checked and names them");
    let second = second.refresh_token.unwrap();
    assert_ne!(second.expose(), first.expose(), "rotated");
    let err = oidc.refresh(&first).await.unwrap_err();
    assert!(matches!(&err, OidcError::TokenRefused { error } if error == "invalid_grant"), "{err:?}");
    assert!(oidc.refresh(&second).await.is_err(), "reuse revokes the whole grant");
}

#[tokio::test]
async fn max_age_makes_an_old_provider_session_sign_in_again() {
    let sandbox = sandbox(Options::default()).await;
    let client = abdm_sandbox::DEMO_OIDC_CLIENT;
    let mut settings = settings(&sandbox.oidc_issuer(), client.id, None, ClientAuth::None);
    settings.max_age = Some(300);
    let oidc = Oidc::discover(settings, sandbox_now(&sandbox)).await.unwrap();
    let browser = Browser::new();
    sign_in(&oidc, &browser, None).await.unwrap();
    sandbox.clock().advance(301);
    let pending = oidc.begin(None, None).await.unwrap();
    let asked = shows_login_page(&browser, &pending).await;
    assert!(asked, "a sign-in older than max_age is not reused");
}

#[tokio::test]
async fn an_unreachable_provider_is_said_so() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}/oidc/", listener.local_addr().unwrap());
    drop(listener);
    let err =
        Oidc::discover(settings(&issuer, "abha-desktop", None, ClientAuth::None), system_now()).await.unwrap_err();
    assert!(matches!(err, OidcError::Unreachable(_)), "{err:?}");
}

#[tokio::test]
async fn the_sandbox_refuses_what_a_provider_must_refuse() {
    let sandbox = sandbox(Options::default()).await;
    let authorize = format!("{}authorize", sandbox.oidc_issuer());
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let redirect = "http://127.0.0.1:4567/callback";
    let ask = |extra: &[(&str, &str)]| {
        let mut query = vec![
            ("client_id", "abha-desktop"),
            ("response_type", "code"),
            ("scope", "openid email"),
            ("redirect_uri", redirect),
            ("state", "s1"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            ("code_challenge_method", "S256"),
        ];
        for (k, v) in extra {
            query.retain(|(name, _)| name != k);
            if !v.is_empty() {
                query.push((k, v));
            }
        }
        http.get(&authorize).query(&query).send()
    };
    let error_of = |reply: reqwest::Response| {
        let location = url::Url::parse(reply.headers()["location"].to_str().unwrap()).unwrap();
        location.query_pairs().find(|(k, _)| k == "error").map(|(_, v)| v.into_owned()).unwrap()
    };
    // Nothing is sent to a redirect URI that is not the client's.
    assert_eq!(ask(&[("redirect_uri", "http://evil.example/callback")]).await.unwrap().status(), 400);
    assert_eq!(ask(&[("client_id", "who")]).await.unwrap().status(), 400);
    assert_eq!(error_of(ask(&[("code_challenge", "")]).await.unwrap()), "invalid_request", "PKCE is required");
    assert_eq!(error_of(ask(&[("code_challenge_method", "plain")]).await.unwrap()), "invalid_request");
    assert_eq!(error_of(ask(&[("scope", "email")]).await.unwrap()), "invalid_scope");
    assert_eq!(error_of(ask(&[("response_type", "token")]).await.unwrap()), "unsupported_response_type");
    assert_eq!(error_of(ask(&[("state", "")]).await.unwrap()), "invalid_request");
    assert_eq!(error_of(ask(&[("prompt", "none login")]).await.unwrap()), "invalid_request");
    let login_page = ask(&[("ui_locales", "hi en")]).await.unwrap().text().await.unwrap();
    assert!(login_page.contains("lang=\"hi\""), "ui_locales is honoured");
    let userinfo = http.get(format!("{}userinfo", sandbox.oidc_issuer())).bearer_auth("nope").send().await.unwrap();
    assert_eq!(userinfo.status(), 401);
    assert!(userinfo.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
}
