use std::{
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use abdm_sandbox::{Options, SandboxHandle};
use abdm_types::{BaseUrl, Sensitive};
use staff_identity::{AuthPlatform, ClientAuth, Now, Oidc, OidcSettings, ResponseMode};
use tokio::io::AsyncBufReadExt;

pub async fn sandbox(options: Options) -> SandboxHandle {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    abdm_sandbox::spawn_with(listener, Options { controls: true, ..options }).await.unwrap()
}

pub fn platform(sandbox: &SandboxHandle) -> AuthPlatform {
    platform_with_key(sandbox, abdm_sandbox::DEMO_AUTH_PLATFORM_API_KEY)
}

pub fn platform_with_key(sandbox: &SandboxHandle, key: &str) -> AuthPlatform {
    AuthPlatform::new(BaseUrl::parse(&sandbox.auth_platform_url()).unwrap(), Sensitive::from(key)).unwrap()
}

/// The sandbox's clock, as the app passes its own clock in.
pub fn sandbox_now(sandbox: &SandboxHandle) -> Now {
    let clock = sandbox.clock().clone();
    Arc::new(move || clock.now())
}

pub fn system_now() -> Now {
    Arc::new(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64)
}

pub fn settings(issuer: &str, client_id: &str, secret: Option<&str>, auth: ClientAuth) -> OidcSettings {
    OidcSettings {
        issuer: issuer.to_owned(),
        client_id: client_id.to_owned(),
        client_secret: secret.map(Sensitive::from),
        auth,
        scopes: vec!["profile".into(), "email".into()],
        response_mode: ResponseMode::Query,
        max_age: None,
    }
}

pub async fn sandbox_oidc(sandbox: &SandboxHandle) -> Oidc {
    let client = abdm_sandbox::DEMO_OIDC_CLIENT;
    Oidc::discover(settings(&sandbox.oidc_issuer(), client.id, None, ClientAuth::None), sandbox_now(sandbox))
        .await
        .unwrap()
}

/// Plays the system browser: keeps cookies, follows redirects by hand, fills
/// in the pages it meets, and stops at the answer meant for the app's loopback
/// listener, which the test then delivers (or tampers with first).
pub struct Browser {
    pub http: reqwest::Client,
}

/// Where the browser was about to go when it reached the app.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A redirect to the loopback listener.
    Redirect(url::Url),
    /// A self-posting form (response_mode=form_post) aimed at it.
    Form(url::Url, Vec<(String, String)>),
}

impl Answer {
    pub fn url(&self) -> &url::Url {
        match self {
            Answer::Redirect(url) | Answer::Form(url, _) => url,
        }
    }

    pub fn param(&self, name: &str) -> Option<String> {
        match self {
            Answer::Redirect(url) => url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()),
            Answer::Form(_, fields) => fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        }
    }

    /// This answer replayed into another sign-in: sent to its listener, with its state.
    pub fn replayed_into(&self, pending: &staff_identity::PendingSignIn) -> Answer {
        let param = |name: &str| pending.url.query_pairs().find(|(k, _)| k == name).unwrap().1.into_owned();
        let mut target = url::Url::parse(&param("redirect_uri")).unwrap();
        target.set_query(self.url().query());
        let moved = match self {
            Answer::Redirect(_) => Answer::Redirect(target),
            Answer::Form(_, fields) => Answer::Form(target, fields.clone()),
        };
        moved.with("state", &param("state"))
    }

    /// The same answer with one parameter changed (or added).
    pub fn with(&self, name: &str, value: &str) -> Answer {
        match self {
            Answer::Redirect(url) => {
                let mut pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .filter(|(k, _)| k != name)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                pairs.push((name.to_owned(), value.to_owned()));
                let mut url = url.clone();
                url.query_pairs_mut().clear().extend_pairs(pairs);
                Answer::Redirect(url)
            }
            Answer::Form(url, fields) => {
                let mut fields: Vec<_> = fields.iter().filter(|(k, _)| k != name).cloned().collect();
                fields.push((name.to_owned(), value.to_owned()));
                Answer::Form(url.clone(), fields)
            }
        }
    }
}

/// `url` with the query parameter `name` set to `value`.
pub fn with_param(url: &url::Url, name: &str, value: &str) -> url::Url {
    let mut pairs: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    pairs.push((name.to_owned(), value.to_owned()));
    let mut url = url.clone();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url
}

/// What the browser does on a page: post this form to this URL.
pub type Form = (url::Url, Vec<(String, String)>);
pub type Fill<'a> = &'a mut dyn FnMut(&url::Url, &str) -> Option<Form>;

impl Browser {
    pub fn new() -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        Self { http }
    }

    /// Goes to `start` and on until the next stop is the app's listener.
    pub async fn sign_in(&self, start: &url::Url, fill: Fill<'_>) -> Answer {
        let mut next = (start.clone(), None::<Vec<(String, String)>>);
        for _ in 0..20 {
            let (url, form) = next;
            if url.host_str() == Some("127.0.0.1") && url.path() == "/callback" {
                return match form {
                    Some(fields) => Answer::Form(url, fields),
                    None => Answer::Redirect(url),
                };
            }
            let request = match &form {
                Some(fields) => self.http.post(url.clone()).form(fields),
                None => self.http.get(url.clone()),
            };
            let response = request.send().await.unwrap();
            if response.status().is_redirection() {
                let location = response.headers()["location"].to_str().unwrap().to_owned();
                next = (url.join(&location).unwrap(), None);
                continue;
            }
            let status = response.status();
            let page = response.text().await.unwrap();
            if let Some((action, fields)) = form_post_answer(&url, &page) {
                next = (action, Some(fields));
                continue;
            }
            let (action, fields) =
                fill(&url, &page).unwrap_or_else(|| panic!("the browser is stuck on {url} ({status}): {page}"));
            next = (action, Some(fields));
        }
        panic!("the sign-in went round in circles")
    }

    /// Delivers the answer to the app's listener, as the browser would.
    pub async fn deliver(&self, answer: &Answer) -> String {
        let response = match answer {
            Answer::Redirect(url) => self.http.get(url.clone()).send().await,
            Answer::Form(url, fields) => self.http.post(url.clone()).form(fields).send().await,
        };
        response.unwrap().text().await.unwrap()
    }
}

/// A page that posts itself to the loopback listener (form_post mode).
fn form_post_answer(url: &url::Url, page: &str) -> Option<(url::Url, Vec<(String, String)>)> {
    if !page.contains("document.forms[0].submit()") {
        return None;
    }
    let action = attribute(page, "action")?;
    let action = url.join(&action).ok()?;
    Some((action, hidden_fields(page)))
}

fn unescape(raw: &str) -> String {
    raw.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

fn attribute(html: &str, name: &str) -> Option<String> {
    let start = html.find(&format!("{name}=\""))? + name.len() + 2;
    let end = html[start..].find('"')? + start;
    Some(unescape(&html[start..end]))
}

/// Every `<input type="hidden" name=… value=…>` of a page.
pub fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.split("<input")
        .skip(1)
        .filter(|tag| tag.contains("type=\"hidden\""))
        .filter_map(|tag| Some((attribute(tag, "name")?, attribute(tag, "value").unwrap_or_default())))
        .collect()
}

/// Fills in the sandbox provider's login page as `email` with `password`.
pub fn sandbox_login<'a>(email: &'a str, password: &'a str) -> impl FnMut(&url::Url, &str) -> Option<Form> + 'a {
    move |url, page| {
        if !page.contains("name=\"interaction\"") {
            return None;
        }
        let mut fields = hidden_fields(page);
        fields.push(("email".into(), email.into()));
        fields.push(("password".into(), password.into()));
        fields.push(("action".into(), "login".into()));
        Some((url.join("authorize").unwrap(), fields))
    }
}

/// Presses Cancel on the sandbox provider's login page.
pub fn sandbox_cancel(url: &url::Url, page: &str) -> Option<(url::Url, Vec<(String, String)>)> {
    let mut fields = hidden_fields(page);
    fields.push(("action".into(), "cancel".into()));
    Some((url.join("authorize").unwrap(), fields))
}

/// `panva/oidc-provider`, started from `tests/oidc-peer` (installed by
/// `scripts/install`), on a port of its own.
pub struct Peer {
    pub issuer: String,
    pub listening: String,
    child: tokio::process::Child,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

pub async fn peer() -> Peer {
    peer_as(None).await
}

/// The peer whose issuer is `issuer` (a proxy in front of it) rather than its
/// own address; `Peer::listening` is where it really listens.
pub async fn peer_as(issuer: Option<&str>) -> Peer {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/oidc-peer");
    assert!(
        dir.join("node_modules/oidc-provider").exists(),
        "oidc-provider is not installed: run scripts/install (npm ci --prefix tests/oidc-peer)"
    );
    let mut command = tokio::process::Command::new("node");
    if let Some(issuer) = issuer {
        command.env("PEER_ISSUER", issuer);
    }
    let mut child = command
        .arg("provider.mjs")
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let (issuer, listening) = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(ready) = line.strip_prefix("READY ") {
                let (issuer, listening) = ready.split_once(' ').unwrap_or((ready, ready));
                return (issuer.to_owned(), listening.to_owned());
            }
        }
        panic!("oidc-provider stopped before it was ready")
    })
    .await
    .expect("oidc-provider starts within 20 s");
    Peer { issuer, listening, child }
}

/// Fills in oidc-provider's dev interactions: the login (any name becomes
/// `sub`), then the consent.
pub fn peer_login(sub: &str) -> impl FnMut(&url::Url, &str) -> Option<Form> + '_ {
    move |url, page| {
        if !url.path().starts_with("/interaction/") {
            return None;
        }
        let fields = if page.contains("name=\"login\"") {
            vec![("prompt".into(), "login".into()), ("login".into(), sub.into()), ("password".into(), "any".into())]
        } else {
            vec![("prompt".into(), "consent".into())]
        };
        Some((url.clone(), fields))
    }
}

/// A man in the middle in front of a provider, to show the client refuses what
/// it must: everything is passed on unchanged, except that while `tamper` is
/// set, the ID token in a token response has a byte of its signature changed.
pub struct Proxy {
    pub url: String,
    pub tamper: Arc<Mutex<bool>>,
    upstream: Arc<Mutex<String>>,
}

impl Proxy {
    pub async fn start() -> Proxy {
        use axum::{body::Bytes, extract::State, http::HeaderMap, response::IntoResponse};
        type Shared = (reqwest::Client, Arc<Mutex<String>>, Arc<Mutex<bool>>);
        let tamper = Arc::new(Mutex::new(false));
        let upstream = Arc::new(Mutex::new(String::new()));
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let forward = |State((http, upstream, tamper)): State<Shared>,
                       method: axum::http::Method,
                       uri: axum::http::Uri,
                       headers: HeaderMap,
                       body: Bytes| async move {
            let target = format!("{}{}", upstream.lock().unwrap(), uri.path_and_query().map_or("/", |p| p.as_str()));
            // The Host goes along too: the provider names its endpoints after it.
            let mut request = http.request(method, target).body(body);
            for (name, value) in &headers {
                request = request.header(name, value);
            }
            let response = request.send().await.unwrap();
            let status = response.status();
            let headers = response.headers().clone();
            let mut body = response.bytes().await.unwrap().to_vec();
            if uri.path() == "/token" && *tamper.lock().unwrap() {
                let mut json: serde_json::Value = serde_json::from_slice(&body).unwrap();
                if let Some(token) = json["id_token"].as_str() {
                    let mut bytes = token.as_bytes().to_vec();
                    let at = bytes.len() - 5;
                    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
                    json["id_token"] = serde_json::Value::String(String::from_utf8(bytes).unwrap());
                }
                body = serde_json::to_vec(&json).unwrap();
            }
            let mut reply = (status, body).into_response();
            reply.headers_mut().remove("content-type");
            for (name, value) in &headers {
                if name != "content-length" && name != "transfer-encoding" {
                    reply.headers_mut().append(name, value.clone());
                }
            }
            reply
        };
        let app = axum::Router::new().fallback(forward).with_state((http, upstream.clone(), tamper.clone()));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Proxy { url: format!("http://{addr}"), tamper, upstream }
    }

    pub fn forward_to(&self, upstream: &str) {
        *self.upstream.lock().unwrap() = upstream.trim_end_matches('/').to_owned();
    }
}
