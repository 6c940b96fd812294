//! Patient authentication through the gateway: the client asks, the sandbox
//! answers 202 and calls back to a real bridge on loopback, signed.

use std::time::Duration;

use abdm_client::bridge::{Bridge, Callback, NoCallback};
use abdm_types::gateway::*;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rsa::{
    RsaPrivateKey,
    pkcs1v15::SigningKey,
    pkcs8::DecodePrivateKey,
    sha2::Sha256,
    signature::{SignatureEncoding, Signer},
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::helpers::*;

const WAIT: Duration = Duration::from_secs(5);

struct Desk {
    t: TestSandbox,
    bridge: Bridge,
    bridge_url: String,
    http: reqwest::Client,
}

async fn desk() -> Desk {
    let t = spawn().await;
    let bridge = Bridge::new(t.client.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bridge_url = format!("http://{}", listener.local_addr().unwrap());
    let router = bridge.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    t.client.register_bridge(&bridge_url).await.unwrap();
    let http = reqwest::Client::new();
    Desk { t, bridge, bridge_url, http }
}

impl Desk {
    async fn modes(&self, patient: &str, purpose: AuthPurpose) -> OnFetchModes {
        let request = self.t.client.fetch_auth_modes(&address(patient), purpose).await.unwrap();
        let Callback::FetchModes(answer) = self.bridge.wait(&request, WAIT).await.unwrap() else { panic!() };
        answer
    }

    async fn init(&self, patient: &str, purpose: AuthPurpose, mode: GatewayAuthMode) -> OnInit {
        let request = self.t.client.auth_init(&address(patient), purpose, mode).await.unwrap();
        let Callback::Init(answer) = self.bridge.wait(&request, WAIT).await.unwrap() else { panic!() };
        answer
    }

    async fn confirm_otp(&self, patient: &str, txn: &str, otp: &abdm_types::Otp) -> OnConfirm {
        let request = self.t.client.auth_confirm_otp(&address(patient), txn, otp).await.unwrap();
        let Callback::Confirm(answer) = self.bridge.wait(&request, WAIT).await.unwrap() else { panic!() };
        answer
    }

    /// POSTs a callback to the bridge as the test says: token, id headers, body.
    async fn post(&self, path: &str, token: Option<&str>, ids: &[(&str, &str)], body: &Value) -> u16 {
        let mut request = self.http.post(format!("{}/v0.5/users/auth/{path}", self.bridge_url)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in ids {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap().status().as_u16()
    }
}

/// A token signed with the sandbox's key, as the gateway signs callbacks.
fn gateway_token(claims: Value) -> String {
    let key = RsaPrivateKey::from_pkcs8_pem(include_str!("../../../abdm-sandbox/keys/demo-sandbox-key.pem")).unwrap();
    sign(&SigningKey::<Sha256>::new(key), "abdm-sandbox", claims)
}

fn sign(key: &SigningKey<Sha256>, kid: &str, claims: Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT", "kid": kid}).to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{body}");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(key.sign(input.as_bytes()).to_bytes()))
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn valid_claims() -> Value {
    json!({"aud": "account", "exp": now() + 300, "iat": now()})
}

fn fetch_modes_answer(answering: &str) -> Value {
    json!({"requestId": "cb-1", "timestamp": "2026-11-23T10:00:00.000Z",
           "auth": {"purpose": "KYC", "modes": ["MOBILE_OTP"]}, "error": null, "resp": {"requestId": answering}})
}

#[tokio::test]
async fn kyc_by_mobile_otp_from_modes_to_verified_demographics() {
    let d = desk().await;
    let modes = d.modes("asha.verma@sbx", AuthPurpose::Kyc).await;
    let offered = modes.auth.unwrap().modes;
    assert!(offered.contains(&GatewayAuthMode::MobileOtp) && offered.contains(&GatewayAuthMode::Direct));

    let init = d.init("asha.verma@sbx", AuthPurpose::Kyc, GatewayAuthMode::MobileOtp).await;
    let auth = init.auth.unwrap();
    assert_eq!(auth.mode, GatewayAuthMode::MobileOtp);
    assert!(auth.meta.unwrap().expiry.unwrap().ends_with('Z'));

    let confirmed = d.confirm_otp("asha.verma@sbx", &auth.transaction_id, &d.t.otp_for("9876543210")).await;
    let granted = confirmed.auth.unwrap();
    let patient = granted.patient.unwrap();
    assert_eq!(
        (patient.id.as_str(), patient.name.as_str(), patient.year_of_birth),
        ("asha.verma@sbx", "Asha Verma", 1987)
    );
    assert!(granted.access_token.is_none(), "KYC alone gives no linking token");
}

#[tokio::test]
async fn link_by_direct_approval_notifies_and_is_acknowledged() {
    let d = desk().await;
    let init = d.init("meera.nair@sbx", AuthPurpose::KycAndLink, GatewayAuthMode::Direct).await;
    let txn = init.auth.unwrap().transaction_id;
    let waiting = d.t.sandbox.direct_requests();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].patient.as_str(), waiting[0].requester_id.as_str()),
        ("meera.nair@sbx", abdm_sandbox::DEMO_REQUESTER_ID)
    );

    assert!(d.t.sandbox.answer_direct(&txn, true));
    assert!(!d.t.sandbox.answer_direct(&txn, true), "answered once");
    let Callback::Notify(notify) = d.bridge.wait(&txn, WAIT).await.unwrap() else { panic!() };
    assert_eq!(notify.auth.status, "GRANTED");
    assert!(notify.auth.access_token.is_some() && notify.auth.patient.is_some());
    d.t.client.acknowledge_notify(&notify.request_id).await.unwrap();
    assert_eq!(d.t.sandbox.notify_acks(), [notify.request_id]);
}

#[tokio::test]
async fn a_denied_direct_request_says_so() {
    let d = desk().await;
    let txn = d.init("asha.verma@sbx", AuthPurpose::Kyc, GatewayAuthMode::Direct).await.auth.unwrap().transaction_id;
    assert!(d.t.sandbox.answer_direct(&txn, false));
    let Callback::Notify(notify) = d.bridge.wait(&txn, WAIT).await.unwrap() else { panic!() };
    assert_eq!(notify.auth.status, "DENIED");
    assert!(notify.auth.patient.is_none());
}

/// The cause of a refused step: the published models allow only the general
/// codes 1000 and 10001, so the words carry it.
fn cause(error: Option<CallbackError>) -> String {
    let error = error.expect("a refusal");
    assert_eq!(error.code, 1000);
    error.message
}

#[tokio::test]
async fn each_documented_failure_comes_back_as_a_callback_error() {
    let d = desk().await;
    assert_eq!(
        cause(d.modes("nobody.here@sbx", AuthPurpose::Kyc).await.error),
        "No patient found with this ABHA address"
    );
    let refused = d.init("asha.verma@sbx", AuthPurpose::Link, GatewayAuthMode::Demographics).await;
    assert_eq!(
        cause(refused.error),
        "This authentication mode is not offered for the purpose",
        "demographics do not authorise linking"
    );

    let txn = d.init("asha.verma@sbx", AuthPurpose::Kyc, GatewayAuthMode::MobileOtp).await.auth.unwrap().transaction_id;
    let right = d.t.otp_for("9876543210");
    assert_eq!(cause(d.confirm_otp("asha.verma@sbx", &txn, &wrong(&right)).await.error), "Invalid OTP");
    d.t.advance(601);
    assert_eq!(cause(d.confirm_otp("asha.verma@sbx", &txn, &right).await.error), "This transaction has expired");

    let txn = d.init("asha.verma@sbx", AuthPurpose::Kyc, GatewayAuthMode::MobileOtp).await.auth.unwrap().transaction_id;
    let right = d.t.otp_for("9876543210");
    for _ in 0..5 {
        assert_eq!(cause(d.confirm_otp("asha.verma@sbx", &txn, &wrong(&right)).await.error), "Invalid OTP");
    }
    let locked = d.confirm_otp("asha.verma@sbx", &txn, &right).await.error;
    assert_eq!(cause(locked), "Too many wrong attempts", "locked after 5 wrong");
}

#[tokio::test]
async fn a_hips_tests_answer_direct_requests_over_http() {
    let d = desk().await;
    let url = format!("{}/_sandbox/direct", d.t.sandbox.url());
    let answer = |body: Value| {
        let (http, url) = (d.http.clone(), url.clone());
        async move {
            let reply = http.post(url).json(&body).send().await.unwrap();
            (reply.status().as_u16(), reply.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let first = d.init("asha.verma@sbx", AuthPurpose::Kyc, GatewayAuthMode::Direct).await.auth.unwrap().transaction_id;
    let newest = d.init("asha.verma@sbx", AuthPurpose::Kyc, GatewayAuthMode::Direct).await.auth.unwrap().transaction_id;
    let listed: Vec<Value> = d.http.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["transactionId"], newest.as_str());

    // By address: the newest open request is the one answered.
    let (status, body) = answer(json!({"patient": "asha.verma@sbx", "grant": true})).await;
    assert_eq!(
        (status, body["transactionId"].as_str(), body["status"].as_str()),
        (200, Some(newest.as_str()), Some("GRANTED"))
    );
    let Callback::Notify(notify) = d.bridge.wait(&newest, WAIT).await.unwrap() else { panic!() };
    assert_eq!(notify.auth.status, "GRANTED");

    // By transaction id, a denial.
    assert_eq!(answer(json!({"transactionId": first, "grant": false})).await.0, 200);
    let Callback::Notify(notify) = d.bridge.wait(&first, WAIT).await.unwrap() else { panic!() };
    assert_eq!(notify.auth.status, "DENIED");

    // Nothing open, both or neither named, a field that is not there: refused.
    assert!(answer(json!({"transactionId": first, "grant": true})).await.0 >= 400, "answered once");
    assert!(answer(json!({"patient": "meera.nair@sbx", "grant": true})).await.0 >= 400);
    assert_eq!(answer(json!({"grant": true})).await.0, 400);
    assert_eq!(answer(json!({"transactionId": first, "patient": "asha.verma@sbx", "grant": true})).await.0, 400);
    assert_eq!(answer(json!({"transactionId": first, "approve": true})).await.0, 400);
}

#[tokio::test]
async fn a_direct_request_the_patient_left_unanswered_expires() {
    let d = desk().await;
    let txn = d.init("asha.verma@sbx", AuthPurpose::Kyc, GatewayAuthMode::Direct).await.auth.unwrap().transaction_id;
    assert_eq!(d.t.sandbox.direct_requests().len(), 1);
    d.t.advance(601);
    assert!(d.t.sandbox.direct_requests().is_empty(), "no longer shown in the patient's app");
    assert!(!d.t.sandbox.answer_direct(&txn, true), "and can no longer be approved");
    assert!(!d.t.sandbox.answer_direct("no-such-transaction", true));
}

#[tokio::test]
async fn forged_expired_foreign_and_malformed_callbacks_are_refused_and_reach_nobody() {
    let d = desk().await;
    let hip = [("X-HIP-ID", abdm_sandbox::DEMO_REQUESTER_ID)];
    let body = fetch_modes_answer("req-1");
    let other_key = SigningKey::<Sha256>::new(RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap());
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"abdm-sandbox"}"#),
        URL_SAFE_NO_PAD.encode(valid_claims().to_string())
    );
    // (case, token, id headers, body, status the bridge must answer)
    type Case<'a> = (&'a str, Option<String>, Vec<(&'a str, &'a str)>, Value, u16);
    let cases: Vec<Case> = vec![
        ("no token", None, hip.to_vec(), body.clone(), 401),
        ("unsigned", Some(unsigned), hip.to_vec(), body.clone(), 401),
        ("forged", Some(sign(&other_key, "abdm-sandbox", valid_claims())), hip.to_vec(), body.clone(), 401),
        ("unknown kid", Some(sign(&other_key, "elsewhere", valid_claims())), hip.to_vec(), body.clone(), 401),
        ("expired", Some(gateway_token(json!({"aud": "account", "exp": now() - 1}))), hip.to_vec(), body.clone(), 401),
        (
            "other audience",
            Some(gateway_token(json!({"aud": "hiu", "exp": now() + 300}))),
            hip.to_vec(),
            body.clone(),
            401,
        ),
        ("no id header", Some(gateway_token(valid_claims())), vec![], body.clone(), 400),
        (
            "both id headers",
            Some(gateway_token(valid_claims())),
            vec![hip[0], ("X-HIU-ID", abdm_sandbox::DEMO_REQUESTER_ID)],
            body.clone(),
            400,
        ),
        ("another HIP", Some(gateway_token(valid_claims())), vec![("X-HIP-ID", "SOMEONE-ELSE")], body.clone(), 401),
        ("malformed body", Some(gateway_token(valid_claims())), hip.to_vec(), json!({"requestId": 7}), 400),
        (
            "neither auth nor error",
            Some(gateway_token(valid_claims())),
            hip.to_vec(),
            json!({"requestId": "x", "timestamp": "t", "resp": {"requestId": "req-1"}}),
            400,
        ),
    ];
    for (case, token, ids, body, status) in cases {
        assert_eq!(d.post("on-fetch-modes", token.as_deref(), &ids, &body).await, status, "{case}");
    }
    assert_eq!(d.bridge.wait("req-1", Duration::from_millis(200)).await, Err(NoCallback), "nothing got through");
}

#[tokio::test]
async fn early_duplicate_and_unknown_callbacks() {
    let d = desk().await;
    let hip = [("X-HIP-ID", abdm_sandbox::DEMO_REQUESTER_ID)];
    let token = gateway_token(valid_claims());
    // Before anybody waits, and twice: kept once, handed over once.
    assert_eq!(d.post("on-fetch-modes", Some(&token), &hip, &fetch_modes_answer("early")).await, 202);
    assert_eq!(d.post("on-fetch-modes", Some(&token), &hip, &fetch_modes_answer("early")).await, 202);
    assert!(matches!(d.bridge.wait("early", WAIT).await, Ok(Callback::FetchModes(_))));
    assert_eq!(
        d.bridge.wait("early", Duration::from_millis(100)).await,
        Err(NoCallback),
        "a duplicate is not a second answer"
    );
    // A callback nobody asked for is accepted (the gateway must not retry it) and goes nowhere.
    assert_eq!(
        d.post(
            "on-init",
            Some(&token),
            &hip,
            &json!({"requestId": "u", "timestamp": "t",
        "error": {"code": 1509, "message": "?"}, "resp": {"requestId": "never-sent"}})
        )
        .await,
        202
    );
    // A request with no callback ends in a clear timeout.
    assert_eq!(d.bridge.wait("no-such-request", Duration::from_millis(100)).await, Err(NoCallback));
}

#[tokio::test]
async fn gateway_calls_need_a_session() {
    let d = desk().await;
    let query = json!({"requestId": "r", "timestamp": "2026-11-23T10:00:00.000Z",
        "query": {"id": "asha.verma@sbx", "purpose": "KYC", "requester": {"type": "HIP", "id": abdm_sandbox::DEMO_REQUESTER_ID}}});
    let url = format!("{}v0.5/users/auth/fetch-modes", d.t.sandbox.gateway_base_url());
    assert_eq!(d.http.post(&url).header("X-CM-ID", "sbx").json(&query).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn link_by_aadhaar_otp_gives_a_linking_token_and_no_demographics() {
    let d = desk().await;
    let modes = d.modes("meera.nair@sbx", AuthPurpose::Link).await.auth.unwrap().modes;
    assert!(modes.contains(&GatewayAuthMode::AadhaarOtp), "she has an ABHA number: {modes:?}");
    let auth = d.init("meera.nair@sbx", AuthPurpose::Link, GatewayAuthMode::AadhaarOtp).await.auth.unwrap();
    assert_eq!(auth.mode, GatewayAuthMode::AadhaarOtp);
    let otp = d.t.sandbox.outbox().last().unwrap().otp.clone();
    let confirmed = d.confirm_otp("meera.nair@sbx", &auth.transaction_id, &abdm_types::Otp::parse(&otp).unwrap()).await;
    let granted = confirmed.auth.unwrap();
    assert!(granted.access_token.is_some() && granted.patient.is_none(), "{granted:?}");
    let validity = granted.validity.unwrap();
    assert_eq!(
        (validity.purpose, validity.limit, validity.requester.id.as_str()),
        (AuthPurpose::Link, 1, abdm_sandbox::DEMO_REQUESTER_ID)
    );
}

#[tokio::test]
async fn the_openid_configuration_points_at_the_published_keys() {
    let d = desk().await;
    let certs = d.t.client.gateway_certs().await.unwrap();
    assert_eq!((certs.keys[0].kid.as_str(), certs.keys[0].alg.as_deref()), ("abdm-sandbox", Some("RS256")));
    let url = format!("{}v0.5/.well-known/openid-configuration", d.t.sandbox.gateway_base_url());
    let config: Value = d.http.get(url).send().await.unwrap().json().await.unwrap();
    let jwks: Certs = d.http.get(config["jwks_uri"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
    assert_eq!(jwks, certs);
}

/// Forged callbacks with keys the gateway never had do not each make the
/// bridge ask the gateway for its keys again: one fetch serves them all, and
/// the real key still verifies.
#[tokio::test]
async fn unknown_keys_do_not_make_a_fetch_per_callback() {
    let t = spawn().await;
    let certs = serde_json::to_value(t.client.gateway_certs().await.unwrap()).unwrap();
    let gateway = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path("/gateway/v0.5/certs"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(certs))
        .expect(1)
        .mount(&gateway)
        .await;
    let client = client_for(&format!("{}/cm/", gateway.uri()), &format!("{}/gateway/", gateway.uri()), "s");
    let bridge = Bridge::new(client);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bridge_url = format!("http://{}", listener.local_addr().unwrap());
    let router = bridge.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let d = Desk { t, bridge, bridge_url, http: reqwest::Client::new() };
    let hip = [("X-HIP-ID", abdm_sandbox::DEMO_REQUESTER_ID)];
    let forger = SigningKey::<Sha256>::new(RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap());
    for i in 0..20 {
        let token = sign(&forger, &format!("forged-{i}"), valid_claims());
        assert_eq!(d.post("on-fetch-modes", Some(&token), &hip, &fetch_modes_answer("req-f")).await, 401);
    }
    let real = gateway_token(valid_claims());
    assert_eq!(d.post("on-fetch-modes", Some(&real), &hip, &fetch_modes_answer("req-r")).await, 202);
    // `expect(1)` is checked as the mock gateway drops.
}

/// A profile share the bridge admits goes to the desk it was given; before it
/// has one (the desk's data is not open yet) the gateway hears 503, and the
/// desk's "not kept" answer is 503 too. Only an admitted share reaches a desk.
#[tokio::test]
async fn a_share_reaches_the_desk_given_and_is_503_without_one() {
    let d = desk().await;
    let qr =
        format!("https://phrsbx.abdm.gov.in/share-profile?hip-id={}&counter-id=1", abdm_sandbox::DEMO_REQUESTER_ID);
    let share = |address: &'static str| d.t.sandbox.share_profile(address, &qr);
    assert_eq!(share("meera.nair@sbx").await, Err(abdm_sandbox::ShareFailure::Refused(503)), "no desk yet");

    let (seen, mut taken) = tokio::sync::mpsc::unbounded_channel();
    let client = d.t.client.clone();
    d.bridge.take_shares_to(std::sync::Arc::new(move |share: ProfileShare| {
        let (seen, client) = (seen.clone(), client.clone());
        Box::pin(async move {
            let keep = share.profile.patient.health_id == "meera.nair@sbx";
            if keep {
                client.answer_share(&share, Ok("1-001")).await.unwrap();
            }
            seen.send(share.profile.patient.health_id).unwrap();
            keep
        })
    }));
    assert_eq!(share("meera.nair@sbx").await.unwrap().token_number, "1-001");
    assert_eq!(share("asha.verma@sbx").await, Err(abdm_sandbox::ShareFailure::Refused(503)), "not kept");
    assert_eq!(taken.recv().await.unwrap(), "meera.nair@sbx");
    assert_eq!(taken.recv().await.unwrap(), "asha.verma@sbx");
    assert!(taken.try_recv().is_err(), "the share refused without a desk never reached one");
}
