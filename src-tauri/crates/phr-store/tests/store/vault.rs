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
