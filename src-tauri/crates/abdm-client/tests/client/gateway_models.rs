//! Every callback the sandbox's gateway sends, for every kind and every cause it
//! refuses for, held against ABDM's published models (PyPI `abdm` 1.0.0, generated
//! from the gateway's OpenAPI spec; `tests/gateway-models/validate.py`): required
//! fields, the enums (callback error codes 1000 and 10001, modes, genders) and
//! types. A bridge that only records what it is sent stands in for a HIP.

use std::{
    io::Write,
    path::PathBuf,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use abdm_sandbox::world::MAX_WRONG_OTPS;
use abdm_types::gateway::{AuthPurpose, Demographic, GatewayAuthMode};
use axum::{Router, body::Bytes, extract::State, http::Uri, response::IntoResponse};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::helpers::*;

type Received = Arc<Mutex<Vec<(String, Value)>>>;

async fn record(State(received): State<Received>, uri: Uri, body: Bytes) -> impl IntoResponse {
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    received.lock().unwrap().push((uri.path().to_owned(), body));
    axum::http::StatusCode::ACCEPTED
}

struct Hip {
    t: TestSandbox,
    received: Received,
    cases: Vec<(String, &'static str, Value)>,
}

impl Hip {
    async fn new() -> Self {
        let t = spawn().await;
        let received = Received::default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let router = Router::new().fallback(record).with_state(received.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        t.client.register_bridge(&url).await.unwrap();
        Self { t, received, cases: Vec::new() }
    }

    /// Waits for the profile share of `patient` the gateway posted.
    async fn expect_share(&self, patient: &str) -> Value {
        for _ in 0..500 {
            let found = self.received.lock().unwrap().iter().find_map(|(p, body)| {
                (p.ends_with("profile/share") && body["profile"]["patient"]["healthId"] == patient)
                    .then(|| body.clone())
            });
            if let Some(body) = found {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no profile share for {patient}");
    }

    /// Waits for the callback on `path` about `key` (the request's id, or for
    /// `notify` the transaction's) and keeps it as `case`.
    async fn expect(&mut self, case: &str, path: &str, key: &str) -> Value {
        for _ in 0..500 {
            let found = self.received.lock().unwrap().iter().find_map(|(p, body)| {
                let about = [&body["resp"]["requestId"], &body["auth"]["transactionId"]];
                (p.ends_with(path) && about.iter().any(|v| v.as_str() == Some(key))).then(|| body.clone())
            });
            if let Some(body) = found {
                let model = match path {
                    "on-fetch-modes" => "PatientAuthModeQueryResponse",
                    "on-init" => "PatientAuthInitResponse",
                    "on-confirm" => "PatientAuthConfirmResponse",
                    "notify" => "PatientAuthNotification",
                    other => panic!("no model for {other}"),
                };
                self.cases.push((case.to_owned(), model, body.clone()));
                return body;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no {path} callback for {case}");
    }

    async fn modes(&mut self, case: &str, patient: &str, purpose: AuthPurpose) -> Value {
        let request = self.t.client.fetch_auth_modes(&address(patient), purpose).await.unwrap();
        self.expect(case, "on-fetch-modes", &request).await
    }

    async fn init(&mut self, case: &str, patient: &str, purpose: AuthPurpose, mode: GatewayAuthMode) -> Value {
        let request = self.t.client.auth_init(&address(patient), purpose, mode).await.unwrap();
        self.expect(case, "on-init", &request).await
    }

    /// Opens a transaction by `mode` and gives its id.
    async fn open(&mut self, case: &str, patient: &str, purpose: AuthPurpose, mode: GatewayAuthMode) -> String {
        let answer = self.init(case, patient, purpose, mode).await;
        answer["auth"]["transactionId"].as_str().expect("a transaction").to_owned()
    }

    async fn confirm_otp(&mut self, case: &str, patient: &str, txn: &str, otp: &abdm_types::Otp) -> Value {
        let request = self.t.client.auth_confirm_otp(&address(patient), txn, otp).await.unwrap();
        self.expect(case, "on-confirm", &request).await
    }
}

fn validator() -> (PathBuf, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../tests/gateway-models");
    let python = dir.join(".venv/bin/python");
    assert!(python.exists(), "ABDM's published models are not installed in {}: run scripts/install", dir.display());
    (python, dir.join("validate.py"))
}

#[tokio::test]
async fn every_callback_and_every_refusal_satisfies_the_published_gateway_models() {
    let mut hip = Hip::new().await;
    let asha = "asha.verma@sbx";
    let nobody = "nobody.here@sbx";
    use AuthPurpose::*;
    use GatewayAuthMode::*;

    hip.modes("modes offered", asha, Kyc).await;
    hip.modes("modes: unknown patient", nobody, Kyc).await;
    hip.init("init: unknown patient", nobody, Kyc, MobileOtp).await;
    hip.init("init: mode not offered", asha, Link, Demographics).await;

    let txn = hip.open("init by mobile OTP", asha, Kyc, MobileOtp).await;
    let otp = hip.t.otp_for("9876543210");
    hip.confirm_otp("confirm: wrong OTP", asha, &txn, &wrong(&otp)).await;
    hip.confirm_otp("confirm: KYC verified", asha, &txn, &otp).await;
    hip.confirm_otp("confirm: already complete", asha, &txn, &otp).await;

    let txn = hip.open("init to link", asha, KycAndLink, MobileOtp).await;
    let otp = hip.t.otp_for("9876543210");
    let linked = hip.confirm_otp("confirm: KYC and link, with a token", asha, &txn, &otp).await;
    assert!(linked["auth"]["accessToken"].is_string(), "the linking case has its token: {linked}");

    let txn = hip.open("init by demographics", asha, Kyc, Demographics).await;
    let wrong_person = Demographic {
        name: "Someone Else".into(),
        gender: "M".into(),
        date_of_birth: "1990-01-01".into(),
        identifier: None,
    };
    let request = hip.t.client.auth_confirm_demographics(&address(asha), &txn, wrong_person).await.unwrap();
    hip.expect("confirm: demographics do not match", "on-confirm", &request).await;

    let txn = hip.open("init, left to expire", asha, Kyc, MobileOtp).await;
    let otp = hip.t.otp_for("9876543210");
    hip.t.advance(3_600);
    hip.confirm_otp("confirm: expired", asha, &txn, &otp).await;

    let txn = hip.open("init, to be locked", asha, Kyc, MobileOtp).await;
    let otp = hip.t.otp_for("9876543210");
    for attempt in 1..=MAX_WRONG_OTPS {
        hip.confirm_otp(&format!("confirm: wrong OTP again ({attempt})"), asha, &txn, &wrong(&otp)).await;
    }
    hip.confirm_otp("confirm: too many wrong tries", asha, &txn, &otp).await;

    let txn = hip.open("init by DIRECT", asha, KycAndLink, Direct).await;
    let request = hip.t.client.auth_confirm_otp(&address(asha), &txn, &otp).await.unwrap();
    hip.expect("confirm: DIRECT is not confirmed by the HIP", "on-confirm", &request).await;
    assert!(hip.t.sandbox.answer_direct(&txn, true));
    hip.expect("notify: granted", "notify", &txn).await;
    let txn = hip.open("init by DIRECT, to be denied", asha, KycAndLink, Direct).await;
    assert!(hip.t.sandbox.answer_direct(&txn, false));
    hip.expect("notify: denied", "notify", &txn).await;

    // Every refusal above, by the code the models allow and its cause in words.
    let refusals: Vec<&Value> = hip.cases.iter().map(|(_, _, body)| &body["error"]).filter(|e| !e.is_null()).collect();
    assert!(refusals.len() >= 9, "{} refusals", refusals.len());
    for error in &refusals {
        assert_eq!(error["code"], json!(1000), "{error}");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    }
    let causes: std::collections::BTreeSet<&str> = refusals.iter().filter_map(|e| e["message"].as_str()).collect();
    assert_eq!(causes.len(), 8, "each cause in its own words: {causes:?}");

    validate(&hip.cases);
}

/// Runs the published models over `cases` (case, model, body): every body must pass.
fn validate(cases: &[(String, &'static str, Value)]) {
    let (python, script) = validator();
    let mut child = Command::new(python).arg(script).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for (case, model, body) in cases {
        writeln!(stdin, "{}", json!({"case": case, "model": model, "body": body})).unwrap();
    }
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the published models refuse what was sent:\n{report}");
    assert_eq!(report.lines().filter(|l| l.starts_with("ok")).count(), cases.len(), "{report}");
}

/// Scan and Share: the share the sandbox's gateway posts for a patient with an
/// ABHA number and for one with only an address, and the desk's answers (a
/// token, a refusal), held against the gateway's own published models
/// (`abdm_gateway` 1.0.0: `ShareProfileRequest1`, `ShareProfileResult1`).
#[tokio::test]
async fn profile_shares_and_the_desks_answers_satisfy_the_published_gateway_models() {
    let mut hip = Hip::new().await;
    let qr =
        format!("https://phrsbx.abdm.gov.in/share-profile?hip-id={}&counter-id=1", abdm_sandbox::DEMO_REQUESTER_ID);
    for (patient, answer) in
        [("meera.nair@sbx", Ok("1-001")), ("asha.verma@sbx", Err("No such counter at this facility"))]
    {
        let refusal = answer.map_err(|m| abdm_types::gateway::CallbackError { code: 1000, message: m.into() });
        let desk = async {
            let body = hip.expect_share(patient).await;
            let share: abdm_types::gateway::ProfileShare = serde_json::from_value(body.clone()).unwrap();
            hip.t.client.answer_share(&share, refusal.clone()).await.unwrap();
            (body, abdm_client::share_answer(&share, refusal.clone()))
        };
        let (shown, (body, on_share)) = tokio::join!(hip.t.sandbox.share_profile(patient, &qr), desk);
        assert_eq!(shown.unwrap().token_number, answer.unwrap_or(""), "{patient}");
        hip.cases.push((format!("share of {patient}"), "abdm_gateway:ShareProfileRequest1", body));
        hip.cases.push((format!("on-share for {patient}"), "abdm_gateway:ShareProfileResult1", json!(on_share)));
    }
    validate(&hip.cases);
}
