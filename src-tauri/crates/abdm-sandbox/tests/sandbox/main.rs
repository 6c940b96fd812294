//! The sandbox served over real loopback HTTP.

use tokio::net::TcpListener;

async fn spawn_sandbox() -> abdm_sandbox::SandboxHandle {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    abdm_sandbox::spawn(listener).await.expect("spawn sandbox")
}

#[tokio::test]
async fn an_unknown_endpoint_answers_404_with_the_abdm_error_body() {
    let sandbox = spawn_sandbox().await;
    let url = format!("{}v1/apps/no-such-thing", sandbox.phr_base_url());

    let response = reqwest::Client::new()
        .post(&url)
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.expect("json body");
    assert_eq!(body["code"], "MIS-404");
    assert!(body["message"].is_string());
    assert!(
        body["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("/cm/v1/apps/no-such-thing")
    );
    sandbox.shutdown().await.expect("clean shutdown");
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let sandbox = spawn_sandbox().await;
    let addr = sandbox.local_addr();
    assert!(addr.ip().is_loopback());
    sandbox.shutdown().await.expect("clean shutdown");

    let after = tokio::net::TcpStream::connect(addr).await;
    assert!(
        after.is_err(),
        "port {addr} still accepts connections after shutdown"
    );
}
