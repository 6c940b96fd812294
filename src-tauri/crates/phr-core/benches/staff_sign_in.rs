//! How long a member of staff waits to get the front desk open, on loopback
//! against the embedded sandbox: the auth platform's email and password
//! (login, session to the keyring, the desk's row, the audit line), and the
//! OpenID Connect way (authorization URL, the provider's login page and form,
//! the redirect to the app's loopback listener, code exchange, ID-token checks,
//! userinfo, keyring, audit), with a cookie-keeping HTTP client as the browser.
//! The opener writes the URL to a file the bench polls every millisecond.
//! Needs a keyring, so run it inside a session with gnome-keyring unlocked:
//!
//! ```sh
//! dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//!   cargo bench -p phr-core --bench staff_sign_in'
//! ```

mod support;

use std::time::Duration;

use abdm_client::BaseUrl;
use abdm_types::Sensitive;
use criterion::{Criterion, criterion_group, criterion_main};
use phr_core::{StaffDesk, StaffIdentity};
use staff_identity::{AuthPlatform, ClientAuth, OidcSettings, ResponseMode};

/// The provider's login page, filled in, and the redirect followed to the app.
async fn browse(browser: &reqwest::Client, start: url::Url) {
    let page = browser.get(start.clone()).send().await.expect("page").text().await.expect("text");
    let marker = "name=\"interaction\" value=\"";
    let from = page.find(marker).expect("the login page") + marker.len();
    let interaction = &page[from..from + page[from..].find('"').expect("quote")];
    let form = [
        ("interaction", interaction),
        ("email", "kavita.rao@sunrise.example"),
        ("password", "Oidc#Kavita1"),
        ("action", "login"),
    ];
    let reply = browser.post(start.join("authorize").expect("url")).form(&form).send().await.expect("login");
    let location = reply.headers()["location"].to_str().expect("location").to_owned();
    browser.get(location).send().await.expect("redirect");
}

fn staff_sign_in(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let dir = tempfile::tempdir().expect("a temp dir");
    let url_file = dir.path().join("opened");
    let (_sandbox, platform_desk, oidc_desk) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        // The platform's own limit (120 a second) would throttle the bench, not the app.
        let auth_platform = abdm_sandbox::AuthPlatformOptions { requests_per_second: u32::MAX, ..Default::default() };
        let options = abdm_sandbox::Options { auth_platform, ..Default::default() };
        let sandbox = abdm_sandbox::spawn_with(listener, options).await.expect("spawn sandbox");
        let platform = AuthPlatform::new(
            BaseUrl::parse(&sandbox.auth_platform_url()).expect("url"),
            Sensitive::from(abdm_sandbox::DEMO_AUTH_PLATFORM_API_KEY),
        )
        .expect("platform");
        let platform_desk = support::phr_on(&sandbox, &dir.path().join("platform.db"), abdm_client::PhrApi::V1)
            .await
            .with_desk(StaffDesk {
                identity: StaffIdentity::AuthPlatform(platform),
                idle_secs: 900,
                opener: vec!["false".into()],
            });
        let settings = OidcSettings {
            issuer: sandbox.oidc_issuer(),
            client_id: abdm_sandbox::DEMO_OIDC_CLIENT.id.into(),
            client_secret: None,
            auth: ClientAuth::None,
            scopes: vec!["profile".into(), "email".into()],
            response_mode: ResponseMode::Query,
            max_age: None,
        };
        let opener = vec!["sh".into(), "-c".into(), format!("printf %s \"$0\" > {}", url_file.display())];
        let oidc_desk = support::phr_on(&sandbox, &dir.path().join("oidc.db"), abdm_client::PhrApi::V1)
            .await
            .with_desk(StaffDesk { identity: StaffIdentity::Oidc(settings), idle_secs: 900, opener });
        (sandbox, platform_desk, oidc_desk)
    });

    let mut group = c.benchmark_group("staff sign-in, loopback sandbox");
    group.bench_function("auth platform: email and password through Phr", |b| {
        b.to_async(&runtime).iter(|| async {
            platform_desk.staff_sign_in("priya.desk@sunrise.example", "Desk#Sunrise1").await.expect("signed in")
        })
    });
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    group.bench_function("OpenID Connect: browser round trip through Phr", |b| {
        b.to_async(&runtime).iter(|| async {
            let browser =
                reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build();
            let browser = browser.expect("browser");
            let signing_in = tokio::spawn({
                let desk = oidc_desk.clone();
                async move { desk.staff_sign_in_browser(Some(phr_core::UiLanguage::En)).await }
            });
            let url = loop {
                if let Ok(url) = std::fs::read_to_string(&url_file)
                    && !url.is_empty()
                {
                    std::fs::remove_file(&url_file).expect("remove");
                    break url::Url::parse(&url).expect("url");
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            };
            browse(&browser, url).await;
            signing_in.await.expect("joined").expect("signed in")
        })
    });
    group.finish();
}

criterion_group!(benches, staff_sign_in);
criterion_main!(benches);
