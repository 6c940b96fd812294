//! The process ends (the app quits, a test binary finishes) while connections
//! still encrypt pages on their own threads: it must end cleanly. OpenSSL's
//! clean-up at exit freed what SQLCipher was using on those threads; CI saw
//! `free(): invalid size` after every test had passed.

use std::{process::Command, time::Duration};

use abdm_types::Sensitive;
use phr_store::{DbKey, Store};

const RUNS: u32 = 40;

/// Writers that never stop, and an exit from under them.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "run by ending_the_process_mid_write_is_a_clean_exit in a child process"]
async fn child_exits_mid_write() {
    let path = std::env::var("EXIT_DB_PATH").unwrap();
    let key = DbKey::from_hex(Sensitive::new(std::env::var("EXIT_DB_KEY").unwrap())).unwrap();
    let store = Store::open(path.as_ref(), &key).await.unwrap();
    for writer in 0..3 {
        let store = store.clone();
        tokio::spawn(async move {
            for at in 0.. {
                store.append_audit(at, "exit-test", "written", Some(&format!("writer {writer}"))).await.unwrap();
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    std::process::exit(0);
}

#[test]
fn ending_the_process_mid_write_is_a_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    let key = DbKey::random();
    // Without the fix about a third of runs crashed (SIGSEGV, SIGBUS, SIGABRT).
    for run in 0..RUNS {
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["exit::child_exits_mid_write", "--exact", "--ignored", "--quiet"])
            .env("EXIT_DB_PATH", dir.path().join(format!("exit-{run}.db")))
            .env("EXIT_DB_KEY", key.expose_hex())
            .output()
            .unwrap();
        assert!(child.status.success(), "run {run}: {:?}\n{}", child.status, String::from_utf8_lossy(&child.stderr));
    }
}
