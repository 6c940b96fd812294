use abdm_sandbox::{Options, StateFile, StateKey};
use serde_json::json;

use crate::raw::*;

#[tokio::test]
async fn an_unknown_endpoint_answers_404_with_the_abdm_error_body() {
    let raw = spawn(Options::default()).await;
    let (status, body) = raw.post("v1/apps/no-such-thing", &json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "MIS-404");
    assert!(body["details"][0]["message"].as_str().unwrap().contains("/cm/v1/apps/no-such-thing"));
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let raw = spawn(Options::default()).await;
    let addr = raw.sandbox.local_addr();
    assert!(addr.ip().is_loopback());
    raw.sandbox.shutdown().await.expect("clean shutdown");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "port {addr} still accepts connections");
}

#[tokio::test]
async fn calls_without_a_live_gateway_token_are_refused() {
    let raw = spawn(Options::default()).await;
    let url = format!("{}v1/apps/generate/otp", raw.sandbox.phr_base_url());
    let body = json!({"value": raw.enc("9876543210"), "authMode": "MOBILE_OTP"});
    let none = raw.http.post(&url).json(&body).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let forged = raw.http.post(&url).bearer_auth("eyJhbGciOiJSUzI1NiJ9.e30.c2ln").json(&body).send().await.unwrap();
    assert_eq!(forged.status(), 401);
    raw.sandbox.clock().advance(601);
    let (status, _) = raw.post("v1/apps/generate/otp", &body).await;
    assert_eq!(status, 401, "gateway tokens last 600 s");
}

#[tokio::test]
async fn plain_text_credentials_are_refused() {
    let raw = spawn(Options::default()).await;
    let (status, body) =
        raw.post("v1/apps/generate/otp", &json!({"value": "9876543210", "authMode": "MOBILE_OTP"})).await;
    assert_eq!(status, 400);
    assert_eq!(code(&body), "ABDM-1502");
    assert_eq!(body["message"], "Plain text credentials is not allowed");
}

#[tokio::test]
async fn a_malformed_mobile_names_the_field() {
    let raw = spawn(Options::default()).await;
    let (status, body) =
        raw.post("v1/apps/generate/otp", &json!({"value": raw.enc("12345"), "authMode": "MOBILE_OTP"})).await;
    assert_eq!(status, 400);
    assert_eq!(body["details"][0]["attribute"]["key"], "value");
}

#[tokio::test]
async fn the_profile_form_is_checked_field_by_field() {
    let raw = spawn(Options::default()).await;
    let (_, reply) =
        raw.post("v1/apps/generate/otp", &json!({"value": raw.enc("9822005566"), "authMode": "MOBILE_OTP"})).await;
    let session = reply["sessionId"].as_str().unwrap().to_owned();
    let otp = raw.otp_for("9822005566");
    raw.post("v1/apps/validate/otp", &json!({"value": raw.enc(&otp), "sessionId": session})).await;
    for (field, bad) in [
        ("pinCode", json!("01100")),
        ("gender", json!("X")),
        ("stateCode", json!("0")),
        ("stateCode", json!("99")),
        ("districtCode", json!("568")), // Chennai is not in Maharashtra
        ("address", json!(" ")),
    ] {
        let mut body = details(&session);
        body[field] = bad;
        let (status, reply) = raw.post("v1/apps/registration/details", &body).await;
        assert_eq!(status, 400, "{field}: {reply}");
        assert_eq!(reply["details"][0]["attribute"]["key"], field);
    }
    let mut future = details(&session);
    future["dateOfBirth"]["year"] = json!(2999);
    assert_eq!(raw.post("v1/apps/registration/details", &future).await.0, 400);
}

#[tokio::test]
async fn addresses_against_the_policy_are_refused_with_the_rule() {
    let raw = spawn(Options::default()).await;
    let session = raw.declared_session("9822005567").await;
    for bad in ["kiran", "kiran..rao1", "_kiranrao", "kiran-rao1", "98220055671", "kiranrao@abdm"] {
        let (status, body) = raw
            .post(
                "v1/apps/create/phrAddress",
                &json!({"alreadyExistedPHR": false, "phrAddress": bad, "sessionId": session}),
            )
            .await;
        assert_eq!((status, code(&body)), (422, "ABDM-1417"), "{bad}: {body}");
    }
}

#[tokio::test]
async fn a_weak_password_is_refused_with_the_rules_it_breaks() {
    let raw = spawn(Options::default()).await;
    let session = raw.declared_session("9822005568").await;
    let (status, body) = raw
        .post(
            "v1/apps/create/phrAddress",
            &json!({"alreadyExistedPHR": false, "phrAddress": "kiran.rao90", "password": raw.enc("password123"), "sessionId": session}),
        )
        .await;
    assert_eq!((status, code(&body)), (422, "ABDM-1441"), "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("upper-case") && message.contains("symbol") && message.contains("123"), "{message}");
    assert!(!message.contains("password123"));
}

#[tokio::test]
async fn an_address_needs_a_verified_and_completed_sign_up() {
    let raw = spawn(Options::default()).await;
    let (_, reply) =
        raw.post("v1/apps/generate/otp", &json!({"value": raw.enc("9822005569"), "authMode": "MOBILE_OTP"})).await;
    let session = reply["sessionId"].as_str().unwrap();
    let (status, body) = raw
        .post(
            "v1/apps/create/phrAddress",
            &json!({"alreadyExistedPHR": false, "phrAddress": "kiran.rao90", "sessionId": session}),
        )
        .await;
    assert_eq!((status, code(&body)), (404, "ABDM-1509"));
}

/// Creates `kiran.rao90` on a fresh sandbox kept in `state`, restarts it, and
/// answers whether the address is still known.
async fn created_then_restarted(state: StateFile) -> Raw {
    let options = Options { state: Some(state.clone()), ..Options::default() };
    let raw = spawn(options.clone()).await;
    let session = raw.declared_session("9822005570").await;
    let (status, _) = raw
        .post(
            "v1/apps/create/phrAddress",
            &json!({"alreadyExistedPHR": false, "phrAddress": "kiran.rao90", "sessionId": session}),
        )
        .await;
    assert_eq!(status, 200);
    raw.sandbox.shutdown().await.unwrap();
    spawn(options).await
}

async fn exists(raw: &Raw, address: &str) -> bool {
    raw.get(&format!("v1/apps/phrAddress/isExist?phrAddress={address}")).await.1 == json!(true)
}

#[tokio::test]
async fn the_state_survives_a_restart_when_a_file_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let again = created_then_restarted(StateFile { path: dir.path().join("state.json"), key: None }).await;
    assert!(exists(&again, "kiran.rao90@sbx").await, "the address created before the restart is still there");
    assert!(exists(&again, "asha.verma@sbx").await);
}

#[tokio::test]
async fn a_sealed_state_survives_a_restart_and_reads_as_noise_without_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.sealed");
    let state = StateFile { path: path.clone(), key: Some(StateKey::new([42; 32])) };
    let again = created_then_restarted(state.clone()).await;
    assert!(exists(&again, "kiran.rao90@sbx").await, "the sealed state came back");

    let bytes = std::fs::read(&path).unwrap();
    for plain in ["kiran", "9822005570", "asha", "\"accounts\""] {
        assert!(!bytes.windows(plain.len()).any(|w| w == plain.as_bytes()), "{plain} is readable in the file");
    }

    // Reset: the seeded people only, and that is what the file now holds.
    again.sandbox.reset();
    assert!(!exists(&again, "kiran.rao90@sbx").await, "reset forgets what the demo created");
    assert!(exists(&again, "asha.verma@sbx").await, "reset keeps the seeded people");
    again.sandbox.shutdown().await.unwrap();
    let after_reset = spawn(Options { state: Some(state), ..Options::default() }).await;
    assert!(!exists(&after_reset, "kiran.rao90@sbx").await);
    after_reset.sandbox.shutdown().await.unwrap();

    // Another key (the cache was replaced): the old file is set aside, the seeded people serve.
    let other = StateFile { path: path.clone(), key: Some(StateKey::new([43; 32])) };
    let fresh = spawn(Options { state: Some(other), ..Options::default() }).await;
    assert!(exists(&fresh, "asha.verma@sbx").await);
    let aside = std::fs::read_dir(dir.path()).unwrap().filter_map(Result::ok);
    assert!(
        aside.into_iter().any(|e| e.file_name().to_string_lossy().contains("unreadable")),
        "set aside, not deleted"
    );
}

#[tokio::test]
async fn without_a_state_file_a_restart_starts_fresh() {
    let raw = spawn(Options::default()).await;
    let session = raw.declared_session("9822005571").await;
    raw.post(
        "v1/apps/create/phrAddress",
        &json!({"alreadyExistedPHR": false, "phrAddress": "kiran.rao91", "sessionId": session}),
    )
    .await;
    raw.sandbox.shutdown().await.unwrap();
    let again = spawn(Options::default()).await;
    assert_eq!(again.get("v1/apps/phrAddress/isExist?phrAddress=kiran.rao91@sbx").await.1, json!(false));
}

#[tokio::test]
async fn the_lgd_lists_name_every_state_and_the_districts_of_one() {
    let raw = spawn(Options::default()).await;
    let (status, states) = raw.get("v1/apps/location/states").await;
    assert_eq!(status, 200);
    let states = states.as_array().unwrap();
    assert_eq!(states.len(), 36, "28 states and 8 union territories");
    assert!(states.contains(&json!({"code": "27", "name": "MAHARASHTRA"})));

    let (status, districts) = raw.get("v1/apps/location/districts?stateCode=27").await;
    assert_eq!(status, 200);
    assert!(districts.as_array().unwrap().contains(&json!({"code": "401", "name": "PUNE"})));

    let (status, reply) = raw.get("v1/apps/location/districts?stateCode=99").await;
    assert_eq!((status, reply["details"][0]["attribute"]["key"].as_str()), (400, Some("stateCode")));
    let unauthenticated = raw.http.get(format!("{}v1/apps/location/states", raw.sandbox.phr_base_url())).send().await;
    assert_eq!(unauthenticated.unwrap().status(), 401, "the gateway token is required");
}

#[tokio::test]
async fn gateway_requests_need_the_consent_manager_and_a_well_formed_body_and_a_bridge_an_http_url() {
    let raw = spawn(Options::default()).await;
    let query = json!({"requestId": "r", "timestamp": "2026-11-23T10:00:00.000Z",
        "query": {"id": "asha.verma@sbx", "purpose": "KYC", "requester": {"type": "HIP", "id": "HIP-1"}}});
    let fetch_modes = format!("{}v0.5/users/auth/fetch-modes", raw.sandbox.gateway_base_url());
    let send = |cm: Option<&str>, body: serde_json::Value| {
        let mut request = raw.http.post(&fetch_modes).bearer_auth(&raw.token).json(&body);
        if let Some(cm) = cm {
            request = request.header("X-CM-ID", cm);
        }
        request.send()
    };
    assert_eq!(send(Some("sbx"), query.clone()).await.unwrap().status(), 202);
    assert_eq!(send(None, query.clone()).await.unwrap().status(), 400, "no X-CM-ID");
    assert_eq!(send(Some("abdm"), query.clone()).await.unwrap().status(), 400, "another consent manager");
    let refused = send(Some("sbx"), json!({"requestId": "r"})).await.unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(refused.json::<serde_json::Value>().await.unwrap()["error"]["code"], 1510);

    let bridges = format!("{}/devservice/v1/bridges", raw.sandbox.url());
    let patch = |token: Option<&str>, url: &str| {
        let mut request = raw.http.patch(&bridges).json(&json!({ "url": url }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(patch(None, "http://127.0.0.1:9").await.unwrap().status(), 401);
    assert_eq!(patch(Some(&raw.token), "ftp://clinic").await.unwrap().status(), 400);
    assert_eq!(patch(Some(&raw.token), "https://clinic.example.in/abdm").await.unwrap().status(), 202);
}
