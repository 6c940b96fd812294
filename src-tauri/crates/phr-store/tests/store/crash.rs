//! A writer killed (SIGKILL) at a random moment, 100 times over: the file stays
//! sound and everything it reported as committed is still there, whole, in
//! every table the app writes (people and their addresses with the search
//! index, sessions, flows, the audit log, the desk's staff, sealed secrets).

use std::{
    io::{BufRead, BufReader, Write},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use abdm_types::Sensitive;
use phr_store::{DbKey, DeskStaff, PersonRecord, SavedFlow, SecretKind, Store, Vault};
use rand::Rng;

fn person(n: u64) -> PersonRecord {
    PersonRecord {
        full_name: format!("Writer {n}"),
        gender: "O".into(),
        year_of_birth: 1990,
        abha_number_masked: None,
        mobile_masked: None,
        email_masked: None,
        kyc_verified: false,
        photo: Some(vec![7; 4096]),
        addresses: vec![format!("writer{n}.a@sbx"), format!("writer{n}.b@sbx")],
        default_address: None,
        abha_number_key: None,
        mobile_key: None,
    }
}

const ROUNDS: u32 = 100;

fn flow(n: u64) -> SavedFlow {
    SavedFlow {
        id: format!("flow-{n}"),
        kind: "login".into(),
        state: format!("{{\"n\":{n}}}"),
        expires_at: n as i64 + 600,
    }
}

fn staff(n: u64) -> DeskStaff {
    DeskStaff {
        staff_id: format!("staff-{n}"),
        name: format!("Staff {n}"),
        email_masked: None,
        clinic: None,
        way: "auth-platform".into(),
        signed_in_at: n as i64,
    }
}

/// The writer: for each n, one write to every table, and says so after the last commits.
#[tokio::test]
#[ignore = "run by a_killed_writer_loses_nothing_it_committed in a child process"]
async fn child_writer() {
    let path = std::env::var("CRASH_DB_PATH").unwrap();
    let key = DbKey::from_hex(Sensitive::new(std::env::var("CRASH_DB_KEY").unwrap())).unwrap();
    let start: u64 = std::env::var("CRASH_FROM").unwrap().parse().unwrap();
    let store = Store::open(path.as_ref(), &key).await.unwrap();
    let sealed = Vault::sealed_in(store.clone());
    let mut out = std::io::stdout().lock();
    writeln!(out, "open").unwrap();
    out.flush().unwrap();
    for n in start.. {
        let address = format!("writer{n}.a@sbx");
        store.save_person(&person(n), n as i64).await.unwrap();
        store.open_session(&address, n as i64, n as i64 + 1800, Some(2)).await.unwrap();
        store.save_flow(&flow(n), n as i64).await.unwrap();
        store.append_audit(n as i64, "crash-test", "written", Some(&address)).await.unwrap();
        store.set_desk_staff(&staff(n)).await.unwrap();
        sealed.persist(SecretKind::UserToken, &address, &Sensitive::new(format!("token-{n}"))).await.unwrap();
        writeln!(out, "committed {n}").unwrap();
        out.flush().unwrap();
    }
}

#[tokio::test]
async fn a_killed_writer_loses_nothing_it_committed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let key = DbKey::random();
    let mut next = 0u64;
    let mut reported: Vec<u64> = Vec::new();
    let mut rng = rand::thread_rng();

    for round in 0..ROUNDS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["crash::child_writer", "--exact", "--ignored", "--nocapture", "--quiet"])
            .env("CRASH_DB_PATH", &path)
            .env("CRASH_DB_KEY", key.expose_hex())
            .env("CRASH_FROM", next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        // libtest prints its own lines first.
        while rx.recv_timeout(Duration::from_secs(30)).expect("the writer starts") != "open" {}
        std::thread::sleep(Duration::from_millis(rng.gen_range(2..60)));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        let committed: Vec<u64> =
            rx.try_iter().filter_map(|line| line.strip_prefix("committed ").and_then(|n| n.parse().ok())).collect();

        let store = Store::open(&path, &key).await.unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), "ok", "round {round}");
        reported.extend(&committed);
        let sealed = Vault::sealed_in(store.clone());
        for &n in &reported {
            let address = format!("writer{n}.a@sbx");
            let person = store.person_by_address(&address).await.unwrap();
            let person = person.unwrap_or_else(|| panic!("round {round}: committed person {n} is gone"));
            assert_eq!(person.record.addresses.len(), 2, "round {round}: person {n} is whole");
            assert!(store.session(&address).await.unwrap().is_some(), "round {round}: session {n} is gone");
            assert_eq!(store.load_flow(&flow(n).id).await.unwrap(), Some(flow(n)), "round {round}: flow {n}");
            assert!(store.audited("written", &address).await.unwrap(), "round {round}: audit line {n} is gone");
            let token = sealed.retrieve(SecretKind::UserToken, &address).await.unwrap();
            assert_eq!(token.map(|t| t.expose().clone()), Some(format!("token-{n}")), "round {round}: secret {n}");
        }
        // The search index moved with the rows it indexes.
        if let Some(&last) = reported.last() {
            let found = store.search_people(&format!("Writer {last}"), 5).await.unwrap();
            assert!(found.iter().any(|p| p.record.full_name == format!("Writer {last}")), "round {round}: index");
            let desk = store.desk_staff().await.unwrap().expect("the desk's staff survives");
            let at: u64 = desk.staff_id.trim_start_matches("staff-").parse().unwrap();
            assert!(at >= last, "round {round}: the desk's staff went back to {at} from {last}");
        }
        // What was being written at the kill is either whole or absent, never half.
        let unreported = committed.last().map_or(next, |last| last + 1);
        if let Some(person) = store.person_by_address(&format!("writer{unreported}.b@sbx")).await.unwrap() {
            assert_eq!(person.record.addresses.len(), 2, "round {round}: a half-written person");
        }
        store.close().await;
        next = unreported + 1;
    }
    assert!(reported.len() > ROUNDS as usize, "the writers committed {} times in {ROUNDS} rounds", reported.len());
}
