//! The same OpenID Connect client against `panva/oidc-provider` (OpenID
//! Certified), so the client is held to a provider nobody here wrote: sign-in,
//! userinfo, refresh with rotation, and the refusals a client must make or meet.

use std::time::Duration;

use staff_identity::{ClientAuth, Oidc, OidcError};

use crate::helpers::*;

fn never() -> std::future::Pending<()> {
    std::future::pending()
}

async fn discover(issuer: &str, client: &str, secret: Option<&str>, auth: ClientAuth) -> Oidc {
    Oidc::discover(settings(issuer, client, secret, auth), system_now()).await.unwrap()
}

/// Begins, lets `tamper` change the authorization URL and the answer, delivers
/// it, and finishes.
async fn sign_in_with(
    oidc: &Oidc,
    sub: &str,
    tamper_url: impl FnOnce(url::Url) -> url::Url,
    before_delivery: impl AsyncFnOnce(&Answer),
) -> Result<staff_identity::OidcSignIn, OidcError> {
    let pending = oidc.begin(None, Some("en")).await.unwrap();
    let browser = Browser::new();
    let answer = browser.sign_in(&tamper_url(pending.url.clone()), &mut peer_login(sub)).await;
    before_delivery(&answer).await;
    let finished = tokio::spawn({
        let oidc = oidc.clone();
        async move { oidc.finish(pending, Duration::from_secs(10), never()).await }
    });
    browser.deliver(&answer).await;
    finished.await.unwrap()
}

async fn sign_in(oidc: &Oidc, sub: &str) -> Result<staff_identity::OidcSignIn, OidcError> {
    sign_in_with(oidc, sub, |url| url, async |_| {}).await
}

#[tokio::test]
async fn a_public_client_signs_in_with_pkce_and_gets_userinfo() {
    let peer = peer().await;
    let oidc = discover(&peer.issuer, "desk-public", None, ClientAuth::None).await;
    let signed_in = sign_in(&oidc, "dr-anand").await.unwrap();
    assert_eq!(signed_in.subject, "dr-anand");
    // The code-flow ID token carries only protocol claims: these come from userinfo.
    assert_eq!(signed_in.name.as_deref(), Some("Dr dr-anand"));
    assert_eq!(signed_in.email.as_deref(), Some("dr-anand@clinic.test"));
}

#[tokio::test]
async fn a_secret_with_special_characters_is_sent_as_rfc_6749_asks() {
    let peer = peer().await;
    for auth in [ClientAuth::Basic, ClientAuth::Post] {
        let oidc = discover(&peer.issuer, "desk-secret", Some("p@ss:w&rd 1+"), auth).await;
        assert_eq!(sign_in(&oidc, "nurse-rita").await.unwrap().subject, "nurse-rita", "{auth:?}");
    }
}

#[tokio::test]
async fn refresh_rotates_and_the_used_refresh_token_is_refused_after() {
    let peer = peer().await;
    let oidc = discover(&peer.issuer, "desk-public", None, ClientAuth::None).await;
    let first = sign_in(&oidc, "dr-anand").await.unwrap().tokens.refresh_token.expect("a refresh token");
    let refreshed = oidc.refresh(&first).await.unwrap();
    assert_eq!(refreshed.subject.as_deref(), Some("dr-anand"));
    let second = refreshed.refresh_token.unwrap();
    assert_ne!(second.expose(), first.expose(), "rotated");
    let err = oidc.refresh(&first).await.unwrap_err();
    assert!(matches!(&err, OidcError::TokenRefused { error } if error == "invalid_grant"), "{err:?}");
}

#[tokio::test]
async fn a_wrong_state_is_refused() {
    let peer = peer().await;
    let oidc = discover(&peer.issuer, "desk-public", None, ClientAuth::None).await;
    let pending = oidc.begin(None, None).await.unwrap();
    let browser = Browser::new();
    let answer = browser.sign_in(&pending.url, &mut peer_login("dr-anand")).await;
    let finished = tokio::spawn(async move { oidc.finish(pending, Duration::from_secs(10), never()).await });
    browser.deliver(&answer.with("state", "not-ours")).await;
    assert!(matches!(finished.await.unwrap(), Err(OidcError::StateMismatch)));
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    let peer = peer().await;
    let oidc = discover(&peer.issuer, "desk-public", None, ClientAuth::None).await;
    let other_nonce = |url: url::Url| with_param(&url, "nonce", "an-injected-nonce");
    let err = sign_in_with(&oidc, "dr-anand", other_nonce, async |_| {}).await.unwrap_err();
    assert!(matches!(&err, OidcError::IdToken(why) if why.contains("nonce")), "{err:?}");
}

#[tokio::test]
async fn a_tampered_id_token_is_refused() {
    let proxy = Proxy::start().await;
    let peer = peer_as(Some(&proxy.url)).await;
    proxy.forward_to(&peer.listening);
    let oidc = discover(&peer.issuer, "desk-public", None, ClientAuth::None).await;
    assert_eq!(sign_in(&oidc, "dr-anand").await.unwrap().subject, "dr-anand", "untouched, it passes");
    *proxy.tamper.lock().unwrap() = true;
    let err = sign_in(&oidc, "dr-anand").await.unwrap_err();
    assert!(matches!(&err, OidcError::IdToken(why) if why.to_lowercase().contains("signature")), "{err:?}");
}

#[tokio::test]
async fn a_code_used_twice_is_refused() {
    let peer = peer().await;
    let oidc = discover(&peer.issuer, "desk-public", None, ClientAuth::None).await;
    let browser = Browser::new();
    let first = oidc.begin(None, None).await.unwrap();
    let answer = browser.sign_in(&first.url, &mut peer_login("dr-anand")).await;
    let finished = tokio::spawn({
        let oidc = oidc.clone();
        async move { oidc.finish(first, Duration::from_secs(10), never()).await }
    });
    browser.deliver(&answer).await;
    finished.await.unwrap().unwrap();
    // The same redirect, replayed into the next sign-in.
    let second = oidc.begin(None, None).await.unwrap();
    let replay = answer.replayed_into(&second);
    let finished = tokio::spawn(async move { oidc.finish(second, Duration::from_secs(10), never()).await });
    browser.deliver(&replay).await;
    let err = finished.await.unwrap().unwrap_err();
    assert!(matches!(&err, OidcError::TokenRefused { error } if error == "invalid_grant"), "{err:?}");
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let peer = peer().await;
    let oidc = discover(&peer.issuer, "desk-public", None, ClientAuth::None).await;
    // The peer's codes live 3 seconds.
    let wait = async |_: &Answer| tokio::time::sleep(Duration::from_millis(3500)).await;
    let err = sign_in_with(&oidc, "dr-anand", |url| url, wait).await.unwrap_err();
    assert!(matches!(&err, OidcError::TokenRefused { error } if error == "invalid_grant"), "{err:?}");
}
