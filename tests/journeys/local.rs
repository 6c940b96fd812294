use phr_core::{DataLock, ErrorCode, LocalData};
use phr_store::SecretKind;

use crate::helpers::*;

#[tokio::test]
async fn with_a_keyring_the_data_opens_by_itself_and_again_after_a_restart() {
    let app = start().await;
    let folder = tempfile::tempdir().unwrap();
    let service = unique_service();

    let data = LocalData::open(app.client(), folder.path(), &service, app.clock(), None, None).await.unwrap();
    assert_eq!(data.lock(), DataLock::Open { sealed: false });
    let phr = data.phr().unwrap();
    let flow = phr.login_by_address("asha.verma@sbx", true).await.unwrap();
    phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
    phr.store().clone().close().await;
    drop(data);

    let data = LocalData::open(app.client(), folder.path(), &service, app.clock(), None, None).await.unwrap();
    let session = data.phr().unwrap().session().await.unwrap().expect("the same cache, read with the keyring's key");
    assert_eq!(session.address, "asha.verma@sbx");
    data.phr().unwrap().logout().await.unwrap();
    phr_store::Vault::new(&service).delete(SecretKind::DatabaseKey, "cache").await.unwrap();
}

#[tokio::test]
async fn a_cache_whose_key_is_lost_is_set_aside_and_a_new_one_starts() {
    let app = start().await;
    let folder = tempfile::tempdir().unwrap();
    let service = unique_service();
    let data = LocalData::open(app.client(), folder.path(), &service, app.clock(), None, None).await.unwrap();
    data.phr().unwrap().store().clone().close().await;
    drop(data);
    phr_store::Vault::new(&service).delete(SecretKind::DatabaseKey, "cache").await.unwrap();

    let data = LocalData::open(app.client(), folder.path(), &service, app.clock(), None, None).await.unwrap();
    assert_eq!(data.lock(), DataLock::Open { sealed: false });
    let aside = std::fs::read_dir(folder.path()).unwrap().filter_map(Result::ok);
    assert!(aside.into_iter().any(|e| e.file_name().to_string_lossy().contains("unreadable")));
    phr_store::Vault::new(&service).delete(SecretKind::DatabaseKey, "cache").await.unwrap();
}

/// Runs in a child process whose session bus does not exist (see below).
#[tokio::test]
#[ignore = "run by without_a_keyring_a_passphrase_opens_the_data in a child process"]
async fn child_without_a_keyring() {
    let app = start().await;
    let folder = tempfile::tempdir().unwrap();
    let open =
        || LocalData::open(app.client(), folder.path(), "in.abhadesktop.journeys.nobus", app.clock(), None, None);

    let data = open().await.unwrap();
    assert_eq!(data.lock(), DataLock::NeedsPassphrase { first_time: true });
    assert_eq!(data.phr().unwrap_err().code(), ErrorCode::KeyringUnavailable);
    assert_eq!(data.unlock("short").await.unwrap_err().code(), ErrorCode::WeakPassword);
    assert_eq!(data.unlock("monsoon in pune").await.unwrap(), DataLock::Open { sealed: true });
    let phr = data.phr().unwrap();
    let flow = phr.login_by_address("asha.verma@sbx", true).await.unwrap();
    phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
    phr.store().clone().close().await;
    drop(data);

    let data = open().await.unwrap();
    assert_eq!(data.lock(), DataLock::NeedsPassphrase { first_time: false });
    assert_eq!(data.unlock("monsoon in delhi").await.unwrap_err().code(), ErrorCode::WrongPassphrase);
    data.unlock("monsoon in pune").await.unwrap();
    let phr = data.phr().unwrap();
    assert_eq!(phr.session().await.unwrap().unwrap().address, "asha.verma@sbx");
    phr.reset_password("N3w#Monsoon", "N3w#Monsoon").await.expect("the sealed token still works");

    let raw = std::fs::read(folder.path().join("cache.db")).unwrap();
    assert!(!raw.windows(6).any(|w| w == b"asha.v"), "the file is encrypted");
    phr.logout().await.unwrap();
}

#[test]
fn without_a_keyring_a_passphrase_opens_the_data() {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["local::child_without_a_keyring", "--exact", "--ignored", "--quiet"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/abha-desktop-test-bus")
        .status()
        .unwrap();
    assert!(status.success(), "without a keyring the data waits for a passphrase and seals the tokens in the cache");
}
