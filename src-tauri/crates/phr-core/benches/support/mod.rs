//! What every bench here starts from: a client of the loopback sandbox, and a
//! `Phr` on a fresh encrypted cache, the keyring and the sandbox's clock.

use std::{path::Path, sync::Arc};

use abdm_client::{AbdmClient, AbdmConfig, BaseUrl, PhrApi};
use abdm_sandbox::SandboxHandle;
use abdm_types::{CmSuffix, Sensitive};
use phr_core::{Clock, Phr};
use phr_store::{DbKey, Store, Vault};

/// A client speaking `api` to the sandbox, which serves both generations.
pub fn client_on(sandbox: &SandboxHandle, api: PhrApi) -> AbdmClient {
    let base = match api {
        PhrApi::V1 => sandbox.phr_base_url(),
        PhrApi::V3 => sandbox.phr_v3_base_url(),
    };
    let config = AbdmConfig {
        phr_base_url: BaseUrl::parse(&base).expect("url"),
        gateway_base_url: BaseUrl::parse(&sandbox.gateway_base_url()).expect("url"),
        client_id: abdm_sandbox::DEMO_CLIENT_ID.to_owned(),
        requester_id: abdm_sandbox::DEMO_REQUESTER_ID.to_owned(),
        cm_suffix: CmSuffix::sandbox(),
        api,
    };
    AbdmClient::new(config, Sensitive::from(abdm_sandbox::DEMO_CLIENT_SECRET)).expect("client")
}

pub async fn phr_on(sandbox: &SandboxHandle, db: &Path, api: PhrApi) -> Phr {
    let store = Store::open(db, &DbKey::random()).await.expect("store");
    let clock: Arc<abdm_sandbox::Clock> = sandbox.clock().clone();
    Phr::new(client_on(sandbox, api), store, Vault::new("in.abhadesktop.bench"), Clock::from_fn(move || clock.now()))
}
