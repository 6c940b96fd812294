//! A writer killed (SIGKILL) at a random moment, many times over: the file stays
//! sound and every transaction it reported as committed is still there, whole.

use std::{
    io::{BufRead, BufReader, Write},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use abdm_types::Sensitive;
use phr_store::{DbKey, PersonRecord, Store};
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
    }
}

/// The writer: saves people one transaction at a time and says so after each commit.
#[tokio::test]
#[ignore = "run by a_killed_writer_loses_nothing_it_committed in a child process"]
async fn child_writer() {
    let path = std::env::var("CRASH_DB_PATH").unwrap();
    let key = DbKey::from_hex(Sensitive::new(std::env::var("CRASH_DB_KEY").unwrap())).unwrap();
    let start: u64 = std::env::var("CRASH_FROM").unwrap().parse().unwrap();
    let store = Store::open(path.as_ref(), &key).await.unwrap();
    let mut out = std::io::stdout().lock();
    writeln!(out, "open").unwrap();
    out.flush().unwrap();
    for n in start.. {
        store.save_person(&person(n), n as i64).await.unwrap();
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

    for round in 0..25 {
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
        std::thread::sleep(Duration::from_millis(rng.gen_range(5..120)));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        let committed: Vec<u64> =
            rx.try_iter().filter_map(|line| line.strip_prefix("committed ").and_then(|n| n.parse().ok())).collect();

        let store = Store::open(&path, &key).await.unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), "ok", "round {round}");
        reported.extend(&committed);
        for &n in &reported {
            let person = store.person_by_address(&format!("writer{n}.a@sbx")).await.unwrap();
            let person = person.unwrap_or_else(|| panic!("round {round}: committed person {n} is gone"));
            assert_eq!(person.record.addresses.len(), 2, "round {round}: person {n} is whole");
        }
        // What was being written at the kill is either whole or absent, never half.
        let unreported = committed.last().map_or(next, |last| last + 1);
        if let Some(person) = store.person_by_address(&format!("writer{unreported}.b@sbx")).await.unwrap() {
            assert_eq!(person.record.addresses.len(), 2, "round {round}: a half-written person");
        }
        store.close().await;
        next = unreported + 1;
    }
    assert!(next > 25, "the writers committed something across the rounds");
}
