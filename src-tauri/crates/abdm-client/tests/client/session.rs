use std::time::Duration;

use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_partial_json, header, method, path},
};

use crate::helpers::*;

fn session_reply(expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "accessToken": "gw-token", "expiresIn": expires_in, "refreshExpiresIn": 1800,
        "refreshToken": "gw-refresh", "tokenType": "bearer"
    }))
}

async fn mocked() -> (MockServer, abdm_client::AbdmClient) {
    let server = MockServer::start().await;
    let client = client_for(&format!("{}/cm/", server.uri()), &format!("{}/gateway/", server.uri()), "secret");
    (server, client)
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused_by_the_gateway() {
    let t = spawn().await;
    let client = client_for(&t.sandbox.phr_base_url(), &t.sandbox.gateway_base_url(), "not-the-secret");
    assert_rejected(client.is_address_taken(&address("asha.verma@sbx")).await, 401, "1401");
}

#[tokio::test]
async fn concurrent_callers_share_one_gateway_session() {
    let (server, client) = mocked().await;
    Mock::given(method("POST"))
        .and(path("/gateway/v0.5/sessions"))
        .and(body_partial_json(json!({"grantType": "client_credentials", "clientId": abdm_sandbox::DEMO_CLIENT_ID})))
        .respond_with(session_reply(600))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cm/v1/apps/phrAddress/isExist"))
        .and(header("authorization", "Bearer gw-token"))
        .and(header("x-cm-id", "sbx"))
        .respond_with(ResponseTemplate::new(200).set_body_json(false))
        .expect(20)
        .mount(&server)
        .await;

    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.is_address_taken(&address("asha.verma@sbx")).await })
    });
    for call in calls {
        assert!(!call.await.unwrap().unwrap());
    }
}

#[tokio::test]
async fn the_session_is_refreshed_shortly_before_it_expires() {
    let (server, client) = mocked().await;
    Mock::given(method("POST"))
        .and(path("/gateway/v0.5/sessions"))
        .and(body_partial_json(json!({"grantType": "client_credentials"})))
        .respond_with(session_reply(61))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/gateway/v0.5/sessions"))
        .and(body_partial_json(json!({"grantType": "refresh_token", "refreshToken": "gw-refresh"})))
        .respond_with(session_reply(600))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cm/v1/apps/phrAddress/isExist"))
        .respond_with(ResponseTemplate::new(200).set_body_json(true))
        .mount(&server)
        .await;

    client.is_address_taken(&address("asha.verma@sbx")).await.unwrap();
    // 61 s of validity minus the 60 s margin: stale after a second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.is_address_taken(&address("asha.verma@sbx")).await.unwrap();
}

#[tokio::test]
async fn a_401_reopens_the_session_and_retries_once() {
    let (server, client) = mocked().await;
    Mock::given(method("POST"))
        .and(path("/gateway/v0.5/sessions"))
        .respond_with(session_reply(600))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cm/v1/apps/phrAddress/isExist"))
        .respond_with(ResponseTemplate::new(401))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cm/v1/apps/phrAddress/isExist"))
        .respond_with(ResponseTemplate::new(200).set_body_json(true))
        .mount(&server)
        .await;

    assert!(client.is_address_taken(&address("asha.verma@sbx")).await.unwrap());
}
