//! What the app adds to a flow on top of ABDM's own time: the same mobile-OTP
//! login through `Phr` (flow saved after each step in SQLCipher, tokens sealed
//! in it on their way to the keyring, profile cached, session opened, audit
//! line) and through the bare client (the same 4 calls: auth-init, pre-Verify,
//! auth-confirm, profile). The difference is the app-side overhead; both on v1
//! and on v3, so the two generations' client-side costs can be set side by side.
//! `in turn` runs the two logins alternately and prints the ratio. Needs a
//! keyring, so run it inside a session with gnome-keyring unlocked:
//!
//! ```sh
//! dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//!   cargo bench -p phr-core --bench flow_step'
//! ```

#![allow(clippy::print_stdout, reason = "a bench reports on the terminal")]

mod support;

use std::time::{Duration, Instant};

use abdm_client::{AbdmClient, Contact, PhrApi};
use abdm_types::{AbhaAddress, Mobile, Otp, Sensitive};
use criterion::{Criterion, criterion_group, criterion_main};
use phr_core::{Change, Phr, Verified};
use phr_store::Vault;

/// A pause between logins taken in turn, untimed.
const SETTLE: Duration = Duration::from_millis(20);

fn flow_step(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let dir = tempfile::tempdir().expect("a temp dir");
    let sandbox = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        abdm_sandbox::spawn(listener).await.expect("spawn sandbox")
    });
    // v3's client keeps the scope with ABDM's `txnId` (`scope|txnId`).
    let otp_of = |txn: Option<&str>| {
        let txn = txn.map(|t| t.rsplit('|').next().unwrap_or(t));
        let sent = sandbox.outbox().into_iter().rev().find(|m| txn.is_none_or(|t| m.transaction_id == t));
        sent.expect("an OTP was sent").otp
    };
    let contact = Contact::Mobile(Mobile::parse("9876543210").expect("mobile"));
    let chosen = AbhaAddress::parse("asha.verma@sbx").expect("address");

    let mut group = c.benchmark_group("mobile OTP login, loopback sandbox");
    // The same login on each generation of the PHR API: v3 sends a scope and
    // REQUEST-ID and TIMESTAMP with each call, encrypts with OAEP, and keeps
    // the T-token between the verify and the choice.
    for api in [PhrApi::V1, PhrApi::V3] {
        let client = support::client_on(&sandbox, api);
        let phr = runtime.block_on(support::phr_on(&sandbox, &dir.path().join(format!("{}.db", api.as_str())), api));
        let (report, changes) = tokio::sync::broadcast::channel(16);
        let phr = phr.reporting_to(report);
        let changes = tokio::sync::Mutex::new(changes);
        let bare = || bare_login(&client, &contact, &chosen, &otp_of);
        let through_phr = || async { phr_login(&phr, &otp_of, &mut *changes.lock().await).await };
        group.bench_function(format!("{}: bare client (4 calls)", api.as_str()), |b| {
            b.to_async(&runtime).iter_custom(|iterations| async move {
                let mut answered = Duration::ZERO;
                for _ in 0..iterations {
                    answered += bare().await;
                }
                answered
            })
        });
        group.bench_function(format!("{}: through Phr (3 steps)", api.as_str()), |b| {
            b.to_async(&runtime).iter_custom(|iterations| async move {
                let mut answered = Duration::ZERO;
                for _ in 0..iterations {
                    answered += through_phr().await;
                }
                answered
            })
        });
        // The goal is a ratio, and the two benches above run minutes apart on a
        // machine that drifts (the bare client alone moved by 0.6 ms between
        // runs): here the two logins take turns, and the ratio is of the same
        // minutes. Criterion times the logins through `Phr`.
        let in_turn = std::cell::Cell::new((Duration::ZERO, Duration::ZERO));
        group.bench_function(format!("{}: in turn, through Phr", api.as_str()), |b| {
            b.to_async(&runtime).iter_custom(|iterations| {
                let in_turn = &in_turn;
                async move {
                    let (mut bare_time, mut phr_time) = (Duration::ZERO, Duration::ZERO);
                    for _ in 0..iterations {
                        // What a login leaves running (the keyring daemon
                        // saving its file, the cache's checkpoint) ends before
                        // the next: neither login pays for the other's.
                        tokio::time::sleep(SETTLE).await;
                        bare_time += bare().await;
                        tokio::time::sleep(SETTLE).await;
                        phr_time += through_phr().await;
                    }
                    let (b, p) = in_turn.get();
                    in_turn.set((b + bare_time, p + phr_time));
                    phr_time
                }
            })
        });
        let (bare_time, phr_time) = in_turn.get();
        if !bare_time.is_zero() {
            println!(
                "{}: in turn, through Phr ÷ bare client = {:.2}×",
                api.as_str(),
                phr_time.as_secs_f64() / bare_time.as_secs_f64()
            );
        }
        // Nobody is signed in when a filter left the login out.
        if runtime.block_on(phr.session()).expect("the session").is_some() {
            runtime.block_on(phr.logout()).expect("logout");
        }
    }
    let client = support::client_on(&sandbox, abdm_client::PhrApi::V1);
    let phr = runtime.block_on(support::phr_on(&sandbox, &dir.path().join("cache.db"), abdm_client::PhrApi::V1));
    group.bench_function("one step: login init, bare client", |b| {
        b.to_async(&runtime).iter(|| async { client.login_contact_init(&contact).await.expect("init") })
    });
    group.bench_function("one step: login init through Phr", |b| {
        b.to_async(&runtime).iter(|| async { phr.login_by_contact("9876543210").await.expect("init") })
    });
    let vault = Vault::new("in.abhadesktop.bench");
    let token = Sensitive::new("x".repeat(600));
    group.bench_function("keyring: store one token", |b| {
        b.to_async(&runtime).iter(|| async {
            vault.persist(phr_store::SecretKind::UserSignIn, "bench@sbx", &token).await.expect("stored")
        })
    });
    group.finish();
    runtime.block_on(vault.delete(phr_store::SecretKind::UserSignIn, "bench@sbx")).expect("removed");
}

/// The bare client's 4 calls, timed; reading the OTP from the sandbox's outbox
/// (which grows with every iteration) is the test's part, not the app's.
async fn bare_login(
    client: &AbdmClient,
    contact: &Contact,
    chosen: &AbhaAddress,
    otp_of: &impl Fn(Option<&str>) -> String,
) -> Duration {
    let start = Instant::now();
    let txn = client.login_contact_init(contact).await.expect("init").transaction_id;
    let mut answered = start.elapsed();
    let otp = Otp::parse(&otp_of(Some(&txn))).expect("otp");
    let start = Instant::now();
    client.login_pre_verify(&txn, &otp).await.expect("pre-verify");
    let token = client.login_choose(&txn, chosen).await.expect("confirm").token;
    client.profile(&Sensitive::new(token)).await.expect("profile");
    answered += start.elapsed();
    answered
}

/// The same login through `Phr`, timed until the sign-in answers. The keyring's
/// write and the report of who is signed in, which follow in the background,
/// are done outside the time, so that one sign-in's do not land in the next one's.
async fn phr_login(
    phr: &Phr,
    otp_of: &impl Fn(Option<&str>) -> String,
    changes: &mut tokio::sync::broadcast::Receiver<Change>,
) -> Duration {
    let start = Instant::now();
    let flow = phr.login_by_contact("9876543210").await.expect("init");
    let mut answered = start.elapsed();
    let otp = otp_of(None);
    let start = Instant::now();
    let Verified::Choose(flow) = phr.login_verify_otp(&flow.id, &otp).await.expect("otp") else { panic!("a chooser") };
    phr.login_choose(&flow.id, "asha.verma@sbx").await.expect("signed in");
    answered += start.elapsed();
    phr.vault().move_pending().await.expect("the keyring took it");
    while !matches!(changes.recv().await.expect("reported"), Change::Session(Some(_))) {}
    answered
}

criterion_group!(benches, flow_step);
criterion_main!(benches);
