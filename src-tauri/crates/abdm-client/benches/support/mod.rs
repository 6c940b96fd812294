//! What every bench here starts from: the sandbox on loopback and a client of it.

use abdm_client::{AbdmClient, AbdmConfig, BaseUrl};
use abdm_sandbox::SandboxHandle;
use abdm_types::{CmSuffix, Sensitive};

pub async fn sandbox_and_client() -> (SandboxHandle, AbdmClient) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let sandbox = abdm_sandbox::spawn(listener).await.expect("spawn sandbox");
    let config = AbdmConfig {
        phr_base_url: BaseUrl::parse(&sandbox.phr_base_url()).expect("url"),
        gateway_base_url: BaseUrl::parse(&sandbox.gateway_base_url()).expect("url"),
        client_id: abdm_sandbox::DEMO_CLIENT_ID.to_owned(),
        requester_id: abdm_sandbox::DEMO_REQUESTER_ID.to_owned(),
        cm_suffix: CmSuffix::sandbox(),
        api: abdm_client::PhrApi::V1,
    };
    let client = AbdmClient::new(config, Sensitive::from(abdm_sandbox::DEMO_CLIENT_SECRET)).expect("client");
    (sandbox, client)
}
