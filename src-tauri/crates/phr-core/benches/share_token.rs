//! Scan and Share, from a patient's share to the token their app shows: the
//! gateway (the sandbox) signs the share and POSTs it to the bridge, which
//! checks the signature; the desk keeps it in SQLCipher with the counter's
//! next token and sends `on-share`; the gateway receives it and the patient's
//! app has its token. All on loopback, so this is the desk's own time plus two
//! local HTTP round trips. No keyring needed:
//!
//! ```sh
//! cargo bench -p phr-core --bench share_token
//! ```

mod support;

use std::time::Duration;

use abdm_client::bridge::Bridge;
use criterion::{Criterion, criterion_group, criterion_main};
use phr_core::FrontDeskBridge;

fn share_token(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let dir = tempfile::tempdir().expect("a temp dir");
    let (sandbox, qr, _phr) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let sandbox = abdm_sandbox::spawn(listener).await.expect("spawn sandbox");
        let client = support::client_on(&sandbox, abdm_client::PhrApi::V1);
        let bridge = Bridge::new(client.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(bridge.clone().serve(listener));
        client.register_bridge(&url).await.expect("bridge registered");
        let desk = FrontDeskBridge { bridge, wait: Duration::from_secs(5), counters: vec!["1".into()] };
        let phr =
            support::phr_on(&sandbox, &dir.path().join("cache.db"), abdm_client::PhrApi::V1).await.with_bridge(desk);
        let qr = phr.counter_qrs().expect("counter QR").remove(0).url;
        (sandbox, qr, phr)
    });

    let mut group = c.benchmark_group("Scan and Share, loopback");
    group.bench_function("a new share: token kept and answered", |b| {
        b.to_async(&runtime).iter(|| async {
            // Past ABDM's 30 minutes, so each share is a new token.
            sandbox.clock().advance(31 * 60);
            sandbox.share_profile("meera.nair@sbx", &qr).await.expect("a token")
        })
    });
    group.bench_function("a repeat share: the same token", |b| {
        b.to_async(&runtime).iter(|| async { sandbox.share_profile("meera.nair@sbx", &qr).await.expect("a token") })
    });
    group.finish();
}

criterion_group!(benches, share_token);
criterion_main!(benches);
