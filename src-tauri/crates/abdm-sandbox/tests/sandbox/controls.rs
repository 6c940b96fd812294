use abdm_sandbox::Options;
use serde_json::{Value, json};

use crate::raw::*;

#[tokio::test]
async fn the_controls_are_off_unless_enabled() {
    let raw = spawn(Options::default()).await;
    let reply = raw.http.get(format!("{}/_sandbox/outbox", raw.sandbox.url())).send().await.unwrap();
    assert_eq!(reply.status(), 404);
}

#[tokio::test]
async fn the_outbox_shows_the_otps_sent_to_one_mobile() {
    let raw = spawn(Options { controls: true, ..Options::default() }).await;
    raw.post("v1/apps/generate/otp", &json!({"value": raw.enc("9822007788"), "authMode": "MOBILE_OTP"})).await;
    raw.post("v1/apps/generate/otp", &json!({"value": raw.enc("9822007789"), "authMode": "MOBILE_OTP"})).await;
    let outbox: Vec<Value> = raw
        .http
        .get(format!("{}/_sandbox/outbox?to=9822007788", raw.sandbox.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0]["otp"].as_str().unwrap().len(), 6);
    assert_eq!(outbox[0]["expiresAt"].as_i64().unwrap() - outbox[0]["sentAt"].as_i64().unwrap(), 600);
}

#[tokio::test]
async fn the_clock_moves_forward_and_expires_otps() {
    let raw = spawn(Options { controls: true, ..Options::default() }).await;
    let (_, reply) =
        raw.post("v1/apps/generate/otp", &json!({"value": raw.enc("9822007790"), "authMode": "MOBILE_OTP"})).await;
    let otp = raw.otp_for("9822007790");
    let before: Value =
        raw.http.get(format!("{}/_sandbox/clock", raw.sandbox.url())).send().await.unwrap().json().await.unwrap();
    let after: Value = raw
        .http
        .post(format!("{}/_sandbox/clock", raw.sandbox.url()))
        .json(&json!({"advanceSecs": 601}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(after["now"].as_i64().unwrap() - before["now"].as_i64().unwrap() >= 601);
    // The gateway token expired along with the OTP; a new session is needed first.
    let token = gateway_token(&raw.http, &raw.sandbox).await;
    let reply = raw
        .http
        .post(format!("{}v1/apps/validate/otp", raw.sandbox.phr_base_url()))
        .bearer_auth(&token)
        .json(&json!({"value": raw.enc(&otp), "sessionId": reply["sessionId"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 422);
    let body: Value = reply.json().await.unwrap();
    assert_eq!(code(&body), "ABDM-1406");
}

#[tokio::test]
async fn faults_are_injected_per_endpoint_and_cleared() {
    let raw = spawn(Options { controls: true, ..Options::default() }).await;
    let faults = format!("{}/_sandbox/faults", raw.sandbox.url());
    let added = raw
        .http
        .post(&faults)
        .json(&json!({"path": "/cm/v1/apps/phrAddress/isExist", "kind": "status", "status": 502}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 204);
    assert_eq!(raw.get("v1/apps/phrAddress/isExist?phrAddress=asha.verma@sbx").await.0, 502);
    assert_eq!(raw.get("v1/apps/phrAddress/isExist?phrAddress=asha.verma@sbx").await.0, 502, "until cleared");
    assert_eq!(
        raw.get("v1/apps/phrAddress/search/auth-mode?phrAddress=asha.verma@sbx").await.0,
        200,
        "other paths unaffected"
    );
    raw.http.delete(&faults).send().await.unwrap();
    assert_eq!(raw.get("v1/apps/phrAddress/isExist?phrAddress=asha.verma@sbx").await.0, 200);
}
