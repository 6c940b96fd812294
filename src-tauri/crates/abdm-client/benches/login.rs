//! A full mobile-OTP login against the sandbox on loopback: auth-init, pre-Verify
//! (with the OTP from the sandbox's outbox), auth-confirm. Run with
//! `cargo bench -p abdm-client --bench login`.

mod support;

use abdm_client::Contact;
use abdm_types::{AbhaAddress, Mobile, Otp};
use criterion::{Criterion, criterion_group, criterion_main};

fn login(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let (sandbox, client) = runtime.block_on(support::sandbox_and_client());
    let contact = Contact::Mobile(Mobile::parse("9876543210").expect("mobile"));
    let chosen = AbhaAddress::parse("asha.verma@sbx").expect("address");

    c.bench_function("mobile OTP login (3 calls, loopback sandbox)", |b| {
        b.to_async(&runtime).iter(|| async {
            let txn = client.login_contact_init(&contact).await.expect("init").transaction_id;
            let sent = sandbox.outbox().into_iter().rev().find(|m| m.transaction_id == txn).expect("OTP sent");
            let otp = Otp::parse(&sent.otp).expect("otp");
            client.login_pre_verify(&txn, &otp).await.expect("pre-verify");
            client.login_choose(&txn, &chosen).await.expect("confirm")
        })
    });
}

criterion_group!(benches, login);
criterion_main!(benches);
