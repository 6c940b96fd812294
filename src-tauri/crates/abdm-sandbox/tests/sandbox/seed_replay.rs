//! Replays every request example of ABDM's sign-up and sign-in guide
//! (`phr-app-signup-signin.md`, copied here verbatim) against the sandbox, in an
//! order that makes each one meaningful, and checks that every reply carries the
//! field names of the guide's response example.
//!
//! The examples' values cannot be sent as they are (their ciphertexts are for
//! ABDM's key and their session ids are ABDM's), so each value is replaced by a
//! live one chosen by its field name; the field names and the shape stay the
//! guide's.

use std::collections::{BTreeMap, BTreeSet};

use abdm_sandbox::Options;
use serde_json::{Map, Value, json};

use crate::raw::*;

const GUIDE: &str = include_str!("phr-app-signup-signin.md");

#[derive(Debug, Default)]
struct Example {
    request: Option<Value>,
    response: Option<Value>,
}

/// The first example of each `**URL: ...**` section: its request body (when the
/// section has one) and its response.
fn examples() -> BTreeMap<String, Example> {
    let mut found = BTreeMap::new();
    for section in GUIDE.split("**URL:").skip(1) {
        let url = section.split("**").next().unwrap().trim().to_owned();
        let blocks: Vec<&str> = section.split("```").skip(1).step_by(2).collect();
        let parse =
            |block: &str| serde_json::from_str::<Value>(block.trim()).unwrap_or(Value::String(block.trim().to_owned()));
        let example = match blocks.as_slice() {
            [] => Example::default(),
            [only] => Example { request: None, response: Some(parse(only)) },
            [request, response, ..] => Example { request: Some(parse(request)), response: Some(parse(response)) },
        };
        found.entry(url).or_insert(example);
    }
    found
}

/// Every key in a JSON value, nested ones as `outer.inner`; the guide's
/// placeholder `tags.additionalProp1` style keys are left out.
fn keys(value: &Value) -> BTreeSet<String> {
    fn walk(prefix: &str, value: &Value, out: &mut BTreeSet<String>) {
        if let Value::Object(map) = value {
            for (k, v) in map {
                if k.starts_with("additionalProp") {
                    continue;
                }
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                out.insert(key.clone());
                walk(&key, v, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk("", value, &mut out);
    out
}

/// The live values to put in place of the guide's, by field name.
#[derive(Default, Clone)]
struct Live {
    fields: BTreeMap<&'static str, Value>,
}

impl Live {
    fn with(mut self, field: &'static str, value: impl Into<Value>) -> Self {
        self.fields.insert(field, value.into());
        self
    }

    fn fill(&self, template: &Value) -> Value {
        match template {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.fields.get(k.as_str()).cloned().unwrap_or_else(|| self.fill(v))))
                    .collect::<Map<_, _>>(),
            ),
            other => other.clone(),
        }
    }
}

struct Replay {
    raw: Raw,
    examples: BTreeMap<String, Example>,
    replayed: BTreeSet<String>,
}

impl Replay {
    async fn post(&mut self, url: &str, live: Live) -> Value {
        let example = self.examples.get(url).unwrap_or_else(|| panic!("the guide has no example for {url}"));
        let template = example.request.clone().unwrap_or_else(|| panic!("{url} has no request example"));
        let body = live.fill(&template);
        assert_eq!(keys(&body), keys(&template), "{url}: the request keeps the guide's field names");
        let (status, reply) = self.raw.post(url.trim_start_matches('/'), &body).await;
        self.check(url, status, reply)
    }

    async fn get(&mut self, url: &str, query: &str) -> Value {
        let (status, reply) = self.raw.get(&format!("{}?{query}", url.trim_start_matches('/'))).await;
        self.check(url, status, reply)
    }

    fn check(&mut self, url: &str, status: u16, reply: Value) -> Value {
        assert_eq!(status, 200, "{url}: {reply}");
        let expected = keys(self.examples[url].response.as_ref().unwrap());
        let got = keys(&reply);
        let missing: Vec<_> = expected.difference(&got).collect();
        assert!(missing.is_empty(), "{url} lacks the guide's fields {missing:?}: {reply}");
        self.replayed.insert(url.to_owned());
        reply
    }
}

#[tokio::test]
async fn every_request_example_of_the_guide_gets_a_reply_with_the_guides_field_names() {
    let raw = spawn(Options::default()).await;
    let requester = json!({"type": "PHR", "id": abdm_sandbox::DEMO_REQUESTER_ID});
    let base = Live::default().with("requester", requester).with("requesterId", abdm_sandbox::DEMO_REQUESTER_ID);
    let mut r = Replay { raw, examples: examples(), replayed: BTreeSet::new() };

    // Sign-up by mobile.
    let mobile = "9822009900";
    let reply = r
        .post("/v1/apps/generate/otp", base.clone().with("value", r.raw.enc(mobile)).with("authMode", "MOBILE_OTP"))
        .await;
    let session = reply["sessionId"].as_str().unwrap().to_owned();
    r.raw.sandbox.clock().advance(60);
    r.raw.token = gateway_token(&r.raw.http, &r.raw.sandbox).await;
    r.post("/v1/apps/resend/otp", base.clone().with("sessionId", session.as_str())).await;
    let otp = r.raw.otp_for(mobile);
    r.post("/v1/apps/validate/otp", base.clone().with("sessionId", session.as_str()).with("value", r.raw.enc(&otp)))
        .await;
    let live = base
        .clone()
        .with("sessionId", session.as_str())
        .with("email", r.raw.enc("shubh.shukla@example.in"))
        .with("mobile", r.raw.enc(mobile));
    r.post("/v1/apps/registration/details", live).await;
    let live = base
        .clone()
        .with("sessionId", session.as_str())
        .with("phrAddress", "shubh.shukla@sbx")
        .with("password", r.raw.enc("Pun3#Rains"))
        .with("alreadyExistedPHR", false);
    r.post("/v1/apps/create/phrAddress", live).await;

    // Sign-up by ABHA number.
    let arjun = "91-4444-5555-6666";
    r.post("/v1/apps/registration/hid/search/auth-mode", base.clone().with("healhtIdNumber", arjun)).await;
    let reply = r.post("/v1/apps/registration/hid/auth-init", base.clone().with("healthIdNumber", arjun)).await;
    let session = reply["sessionId"].as_str().unwrap().to_owned();
    let otp = r.raw.otp_for("9988776655");
    r.post(
        "/v1/apps/registration/hid/confirm-init",
        base.clone().with("sessionId", session.as_str()).with("value", r.raw.enc(&otp)),
    )
    .await;
    let live = base
        .clone()
        .with("sessionId", session.as_str())
        .with("phrAddress", "arjun.singh95@sbx")
        .with("password", r.raw.enc("Luckn0w#Nawab"))
        .with("alreadyExistedPHR", false);
    r.post("/v1/apps/create/registration/hid/create/phrAddress", live).await;

    // Login by mobile.
    let reply =
        r.post("/v1/apps/login/mobileEmail/auth-init", base.clone().with("value", r.raw.enc("9876543210"))).await;
    let txn = reply["transactionId"].as_str().unwrap().to_owned();
    let otp = r.raw.otp_for("9876543210");
    r.post(
        "/v1/apps/login/mobileEmail/pre-Verify",
        base.clone().with("transactionId", txn.as_str()).with("authcode", r.raw.enc(&otp)),
    )
    .await;
    let reply = r
        .post(
            "/v1/apps/login/mobileEmail/auth-confirm",
            base.clone().with("transactionId", txn.as_str()).with("patientId", "asha.verma@sbx"),
        )
        .await;
    let user_token = reply["token"].as_str().unwrap().to_owned();

    // Login by ABHA number.
    let meera = "91-1111-2222-3333";
    r.post(
        "/v1/apps/login/hid/search/auth-mode",
        base.clone().with("healthIdNumber", meera).with("yearOfBirth", "1990"),
    )
    .await;
    r.post("/v1/apps/login/hid/auth-init", base.clone().with("healthIdNumber", meera)).await;

    // Login by ABHA address.
    r.get("/v1/apps/phrAddress/search/auth-mode", "phrAddress=asha.verma@sbx").await;
    let reply = r.post("/v1/apps/phrAddress/auth-init", base.clone().with("patientId", "ashav.pune@sbx")).await;
    let txn = reply["transactionId"].as_str().unwrap().to_owned();
    let otp = r.raw.otp_for("9876543210");
    r.post(
        "/v1/apps/phrAddress/auth-confirm",
        base.clone().with("transactionId", txn.as_str()).with("authCode", r.raw.enc(&otp)),
    )
    .await;

    // The guide gives no request example here; its reply is a bare string.
    let response = r
        .raw
        .http
        .post(format!("{}v1/account/update/phr-address", r.raw.sandbox.phr_base_url()))
        .header("X-Token", &user_token)
        .json(&json!({"phrAddress": "asha.records"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.json::<Value>().await.unwrap().is_string(), "the guide's reply is a string");
    r.replayed.insert("/v1/account/update/phr-address".to_owned());

    let all: BTreeSet<String> = r.examples.keys().cloned().collect();
    let skipped: Vec<_> = all.difference(&r.replayed).collect();
    assert!(skipped.is_empty(), "examples of the guide not replayed: {skipped:?}");
    assert_eq!(all.len(), 18, "the guide documents 18 endpoints");
}
