use abdm_types::Sensitive;
use phr_store::{SecretKind, Vault, VaultError};

/// A service name of this test run's own, so runs never see each other's entries.
fn vault() -> Vault {
    Vault::new(format!("in.abhadesktop.test.{}", std::process::id()))
}

#[tokio::test]
async fn a_secret_persists_in_the_system_keyring_and_is_read_back_by_a_fresh_handle() {
    let vault = vault();
    vault.probe().await.expect(
        "the Secret Service keyring must be available: run the tests through scripts/test \\
         (dbus-run-session with gnome-keyring unlocked)",
    );
    let token = Sensitive::from("eyJ.test-token.sig");
    vault.persist(SecretKind::UserToken, "asha.verma@sbx", &token).await.unwrap();

    let fresh = Vault::new(format!("in.abhadesktop.test.{}", std::process::id()));
    let back = fresh.retrieve(SecretKind::UserToken, "asha.verma@sbx").await.unwrap();
    assert_eq!(back.as_ref().map(|s| s.expose().as_str()), Some("eyJ.test-token.sig"));
    assert!(fresh.retrieve(SecretKind::RefreshToken, "asha.verma@sbx").await.unwrap().is_none(), "kinds are apart");

    // Another process sees it too: it is in the keyring daemon, not in this process.
    let other_process = std::process::Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            &format!("in.abhadesktop.test.{}", std::process::id()),
            "username",
            "user-token:asha.verma@sbx",
        ])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by scripts/install");
    assert_eq!(String::from_utf8_lossy(&other_process.stdout), "eyJ.test-token.sig");

    vault.delete(SecretKind::UserToken, "asha.verma@sbx").await.unwrap();
    assert!(fresh.retrieve(SecretKind::UserToken, "asha.verma@sbx").await.unwrap().is_none());
    vault.delete(SecretKind::UserToken, "asha.verma@sbx").await.expect("deleting twice is fine");
}

/// Runs in a child process whose session bus does not exist (see below).
#[tokio::test]
#[ignore = "run by without_a_session_bus_the_keyring_is_unavailable in a child process"]
async fn child_probe_without_a_bus() {
    let result = vault().probe().await;
    assert!(matches!(result, Err(VaultError::Unavailable(_))), "{result:?}");
}

#[test]
fn without_a_session_bus_the_keyring_is_unavailable() {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["vault::child_probe_without_a_bus", "--exact", "--ignored", "--quiet"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/abha-desktop-test-bus")
        .status()
        .unwrap();
    assert!(status.success(), "with no session bus the vault must say Unavailable, and write nothing");
}

/// A secret written ahead is sealed in the cache until the keyring has it: it
/// reads back at once, survives the app dying before the move (a new store and
/// vault on the same file and keyring), is never in the file in plain text,
/// and a removal mid-way leaves it nowhere.
#[tokio::test]
async fn a_secret_written_ahead_survives_the_app_dying_before_the_keyring_has_it() {
    use phr_store::{DbKey, Store};
    use sqlx::{ConnectOptions, Row, sqlite::SqliteConnectOptions};

    let dir = tempfile::tempdir().unwrap();
    let (path, key) = (dir.path().join("cache.db"), DbKey::random());
    let service = format!("in.abhadesktop.test.ahead.{}", std::process::id());
    let token = Sensitive::from("eyJ.ahead-token.sig");
    let account = "asha.verma@sbx";
    {
        let store = Store::open(&path, &key).await.unwrap();
        let vault = Vault::new(&service).writing_ahead(store.clone());
        assert!(vault.write_ahead(SecretKind::UserSignIn, account, &token).await.unwrap());
        assert_eq!(vault.retrieve(SecretKind::UserSignIn, account).await.unwrap().unwrap().expose(), token.expose());
        store.close().await;
        // The app died here: the keyring never got it.
    }
    assert!(Vault::new(&service).retrieve(SecretKind::UserSignIn, account).await.unwrap().is_none());
    let mut raw = SqliteConnectOptions::new()
        .filename(&path)
        .pragma("key", format!("\"x'{}'\"", key.expose_hex()))
        .connect()
        .await
        .unwrap();
    let sealed: Vec<u8> = sqlx::query("SELECT sealed FROM keyring_pending").fetch_one(&mut raw).await.unwrap().get(0);
    assert!(!sealed.windows(8).any(|w| w == b"ahead-to"), "sealed, not plain, inside SQLCipher too");

    let store = Store::open(&path, &key).await.unwrap();
    let vault = Vault::new(&service).writing_ahead(store.clone());
    assert_eq!(vault.retrieve(SecretKind::UserSignIn, account).await.unwrap().unwrap().expose(), token.expose());
    vault.move_pending().await.unwrap();
    let keyring = Vault::new(&service);
    assert_eq!(keyring.retrieve(SecretKind::UserSignIn, account).await.unwrap().unwrap().expose(), token.expose());
    let left: i64 = sqlx::query("SELECT count(*) FROM keyring_pending").fetch_one(&mut raw).await.unwrap().get(0);
    assert_eq!(left, 0, "moved, so no longer in the cache");

    // A newer secret, then a removal before its move: gone from both places.
    vault.persist_soon(SecretKind::UserSignIn, account, &Sensitive::from("eyJ.newer.sig")).await.unwrap();
    vault.delete(SecretKind::UserSignIn, account).await.unwrap();
    vault.move_pending().await.unwrap();
    assert!(vault.retrieve(SecretKind::UserSignIn, account).await.unwrap().is_none());
    assert!(keyring.retrieve(SecretKind::UserSignIn, account).await.unwrap().is_none());

    // Two quick sign-ins: the keyring ends with the newer, whatever order the moves run in.
    vault.persist_soon(SecretKind::UserSignIn, account, &Sensitive::from("eyJ.first.sig")).await.unwrap();
    vault.persist_soon(SecretKind::UserSignIn, account, &Sensitive::from("eyJ.second.sig")).await.unwrap();
    vault.move_pending().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(keyring.retrieve(SecretKind::UserSignIn, account).await.unwrap().unwrap().expose(), "eyJ.second.sig");
    vault.delete(SecretKind::UserSignIn, account).await.unwrap();
}
