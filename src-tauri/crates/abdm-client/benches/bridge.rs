//! The bridge on loopback: (1) one gateway round trip as the front desk lives
//! it, from sending fetch-modes to its callback handed to the waiting flow
//! (sandbox signs, POSTs, the bridge verifies the JWT and correlates); (2) the
//! same bridge taking 1,000 signed callbacks at once, all delivered. Run with
//! `cargo bench -p abdm-client --bench bridge`.

use std::time::Duration;

mod support;

use abdm_client::bridge::{Bridge, Callback};
use abdm_types::{AbhaAddress, gateway::AuthPurpose};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use criterion::{Criterion, criterion_group, criterion_main};
use rsa::{
    RsaPrivateKey,
    pkcs1v15::SigningKey,
    pkcs8::DecodePrivateKey,
    sha2::Sha256,
    signature::{SignatureEncoding, Signer},
};
use serde_json::json;

const CONCURRENT: usize = 1000;

fn gateway_token() -> String {
    let pem = include_str!("../../abdm-sandbox/keys/demo-sandbox-key.pem");
    let key = SigningKey::<Sha256>::new(RsaPrivateKey::from_pkcs8_pem(pem).expect("demo key"));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT","kid":"abdm-sandbox"}"#);
    let body = URL_SAFE_NO_PAD.encode(json!({"aud": "account", "exp": now + 3600}).to_string());
    let input = format!("{header}.{body}");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(key.sign(input.as_bytes()).to_bytes()))
}

fn bridge(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let (_sandbox, client, bridge, url) = runtime.block_on(async {
        let (sandbox, client) = support::sandbox_and_client().await;
        let bridge = Bridge::new(client.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(bridge.clone().serve(listener));
        client.register_bridge(&url).await.expect("register");
        (sandbox, client, bridge, url)
    });
    let patient = AbhaAddress::parse("asha.verma@sbx").expect("address");

    c.bench_function("fetch-modes sent to its callback handed over (loopback)", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = client.fetch_auth_modes(&patient, AuthPurpose::Kyc).await.expect("accepted");
            let answer = bridge.wait(&request, Duration::from_secs(5)).await.expect("called back");
            assert!(matches!(answer, Callback::FetchModes(_)));
        })
    });

    let token = gateway_token();
    let http = reqwest::Client::builder().pool_max_idle_per_host(CONCURRENT).build().expect("http");
    let mut group = c.benchmark_group("bridge");
    group.sample_size(10);
    group.bench_function("1000 concurrent signed callbacks, all delivered", |b| {
        b.to_async(&runtime).iter(|| async {
            let run = uuid_like();
            let posts = (0..CONCURRENT).map(|i| {
                let body = json!({"requestId": format!("cb-{i}"), "timestamp": "2026-11-23T10:00:00.000Z",
                    "auth": {"purpose": "KYC", "modes": ["MOBILE_OTP"]}, "resp": {"requestId": format!("{run}-{i}")}});
                let request = http
                    .post(format!("{url}/v0.5/users/auth/on-fetch-modes"))
                    .bearer_auth(&token)
                    .header("X-HIP-ID", abdm_sandbox::DEMO_REQUESTER_ID)
                    .json(&body);
                async move { request.send().await.expect("posted").status().as_u16() }
            });
            let statuses = futures_join_all(posts).await;
            assert!(statuses.iter().all(|s| *s == 202), "every callback accepted");
            for i in 0..CONCURRENT {
                bridge.wait(&format!("{run}-{i}"), Duration::from_secs(5)).await.expect("delivered");
            }
        })
    });
    group.finish();
}

fn uuid_like() -> String {
    format!("{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_nanos())
}

async fn futures_join_all<F: std::future::Future<Output = u16> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<u16> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
}

criterion_group!(benches, bridge);
criterion_main!(benches);
