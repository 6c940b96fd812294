//! What every bench here starts from: a client of the loopback sandbox, and a
//! `Phr` on a fresh encrypted cache, the keyring and the sandbox's clock.

use std::{path::Path, sync::Arc};

use abdm_client::{AbdmClient, AbdmConfig, BaseUrl};
use abdm_sandbox::SandboxHandle;
use abdm_types::{CmSuffix, Sensitive};
use phr_core::{Clock, Phr};
use phr_store::{DbKey, Store, Vault};

pub fn client(sandbox: &SandboxHandle) -> AbdmClient {
    let config = AbdmConfig {
        phr_base_url: BaseUrl::parse(&sandbox.phr_base_url()).expect("url"),
        gateway_base_url: BaseUrl::parse(&sandbox.gateway_base_url()).expect("url"),
        client_id: abdm_sandbox::DEMO_CLIENT_ID.to_owned(),
        requester_id: abdm_sandbox::DEMO_REQUESTER_ID.to_owned(),
        cm_suffix: CmSuffix::sandbox(),
        api: abdm_client::PhrApi::V1,
    };
    AbdmClient::new(config, Sensitive::from(abdm_sandbox::DEMO_CLIENT_SECRET)).expect("client")
}

pub async fn phr(sandbox: &SandboxHandle, db: &Path) -> Phr {
    let store = Store::open(db, &DbKey::random()).await.expect("store");
    let clock: Arc<abdm_sandbox::Clock> = sandbox.clock().clone();
    Phr::new(client(sandbox), store, Vault::new("in.abhadesktop.bench"), Clock::from_fn(move || clock.now()))
}
