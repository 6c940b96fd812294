//! The shell on Tauri's mock runtime: real start-up, real commands over IPC.

// Helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use abha_desktop::{AppDirs, Startup};
use tauri::{
    Manager, WebviewWindowBuilder,
    ipc::{CallbackFn, InvokeBody},
    test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder},
    webview::InvokeRequest,
};

fn dirs(root: &Path) -> AppDirs {
    AppDirs {
        config: root.join("config"),
        logs: root.join("logs"),
        data: root.join("data"),
        exports: root.join("downloads"),
    }
}

fn build(startup: Startup) -> Result<tauri::App<MockRuntime>, abha_desktop::StartError> {
    abha_desktop::run_app(mock_builder(), startup)
}

fn invoke(app: &tauri::App<MockRuntime>, cmd: &str) -> Result<serde_json::Value, serde_json::Value> {
    invoke_from(app, "main", cmd, serde_json::json!({}))
}

fn invoke_with(
    app: &tauri::App<MockRuntime>,
    cmd: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    invoke_from(app, "main", cmd, args)
}

fn invoke_from(
    app: &tauri::App<MockRuntime>,
    window: &str,
    cmd: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Value> {
    let webview = match app.get_webview_window(window) {
        Some(webview) => webview,
        None => WebviewWindowBuilder::new(app, window, Default::default()).build().expect("window"),
    };
    get_ipc_response(
        &webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<serde_json::Value>().expect("json reply"))
}

#[test]
fn app_info_reports_version_and_demo_mode_with_the_embedded_sandbox() {
    let root = tempfile::tempdir().unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).expect("app starts in demo mode");

    let info = invoke(&app, "app_info").expect("app_info succeeds");

    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["mode"], "demo");
    assert_eq!(info["abdmHost"], "127.0.0.1", "demo mode must not reach beyond loopback");
}

const SANDBOX_ENV: [(&str, &str); 3] =
    [("ABHA_MODE", "abdm-sandbox"), ("ABHA_CLIENT_ID", "SBX_000123"), ("ABHA_REQUESTER_ID", "IN3410000260")];

fn sandbox_env() -> Vec<(String, String)> {
    SANDBOX_ENV.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// Outside demo mode the client secret comes from the OS keyring, put there
/// exactly as the start-up message says (with `secret-tool`).
#[test]
fn outside_demo_mode_the_client_secret_comes_from_the_keyring_as_the_message_says() {
    let root = tempfile::tempdir().unwrap();
    let clear = || {
        std::process::Command::new("secret-tool")
            .args(["clear", "service", "in.abhadesktop.client.abdm-sandbox", "username", "client-secret:SBX_000123"])
            .status()
            .unwrap()
    };
    clear();
    let Err(err) = build(Startup::isolated(dirs(root.path()), sandbox_env())) else {
        panic!("no client secret, no start");
    };
    let message = err.to_string();
    let command = message.split_once("store it with: ").expect("the message says how").1;
    let (_, attributes) = command.split_once("secret' ").expect("the label, then the attributes");
    let args: Vec<&str> = attributes.split_whitespace().collect();
    let mut store = std::process::Command::new("secret-tool")
        .arg("store")
        .arg("--label=ABHA Desktop client secret")
        .args(&args)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut store.stdin.take().unwrap(), b"test-client-secret").unwrap();
    assert!(store.wait().unwrap().success(), "secret-tool {args:?}");

    let app =
        build(Startup::isolated(dirs(root.path()), sandbox_env())).expect("starts with the secret in the keyring");
    let info = invoke(&app, "app_info").expect("app_info succeeds");
    assert_eq!(info["mode"], "abdm-sandbox");
    assert_eq!(info["abdmHost"], "abhasbx.abdm.gov.in", "ABDM's v3 sandbox by default");
    let refused = invoke(&app, "reset_demo").unwrap_err();
    assert_eq!(refused["code"], "DEMO_ONLY", "only the demo can be reset: {refused}");
    clear();
}

#[test]
fn an_invalid_config_file_stops_start_up_naming_the_key() {
    let root = tempfile::tempdir().unwrap();
    let dirs = dirs(root.path());
    std::fs::create_dir_all(&dirs.config).unwrap();
    std::fs::write(dirs.config.join("config.toml"), "mode = \"abdm-sandbox\"\n[abdm]\ncm_suffix = \"SBX\"\n").unwrap();

    let Err(err) = build(Startup::isolated(dirs, [])) else {
        panic!("start-up must fail");
    };

    let message = err.to_string();
    assert!(message.contains("`abdm.cm_suffix`"), "{message}");
    assert!(message.contains("config.toml"), "{message}");
}

#[test]
fn a_bridge_port_already_taken_stops_start_up_naming_the_setting() {
    let root = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = taken.local_addr().unwrap().to_string();

    let Err(err) = build(Startup::isolated(dirs(root.path()), [("ABHA_BRIDGE_LISTEN".to_owned(), listen.clone())]))
    else {
        panic!("start-up must fail");
    };

    let message = err.to_string();
    assert!(message.contains(&listen) && message.contains("`bridge.listen`"), "{message}");
}

#[test]
fn an_unknown_command_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    assert!(invoke(&app, "no_such_command").is_err());
}

#[test]
fn a_window_without_a_capability_cannot_call_app_commands() {
    let root = tempfile::tempdir().unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    let refused =
        invoke_from(&app, "popup", "app_info", serde_json::json!({})).expect_err("only `main` is granted app_info");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
}

#[test]
fn bad_input_crosses_as_a_code_and_a_message() {
    let root = tempfile::tempdir().unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    let err = invoke_with(&app, "login_by_contact", serde_json::json!({ "contact": "12345" })).unwrap_err();
    assert_eq!(err["code"], "INVALID_MOBILE");
    assert_eq!(err["message"], "A mobile number has 10 digits.");
    assert_eq!(err.as_object().unwrap().len(), 2, "{err}");
}

#[test]
fn a_login_through_the_commands_signs_in_and_tells_the_ui() {
    use tauri::Listener;
    let root = tempfile::tempdir().unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    assert_eq!(invoke(&app, "data_lock").unwrap(), serde_json::json!({ "state": "open", "sealed": false }));
    let (tx, rx) = std::sync::mpsc::channel();
    app.listen_any("changed", move |event| {
        let _ = tx.send(serde_json::from_str::<serde_json::Value>(event.payload()).unwrap());
    });

    let args = serde_json::json!({ "address": "asha.verma@sbx", "withPassword": true });
    let flow = invoke_with(&app, "login_by_address", args).unwrap();
    assert_eq!(flow["step"]["step"], "awaitingPassword");
    let args = serde_json::json!({ "flowId": flow["id"], "password": "Hyd3rabad!Rain" });
    let signed_in = invoke_with(&app, "login_with_password", args).unwrap();
    assert_eq!(signed_in["address"], "asha.verma@sbx");
    let session = invoke(&app, "session").unwrap();
    assert_eq!(session["person"]["fullName"], "Asha Verma");

    let seen: Vec<serde_json::Value> = rx.iter().take(3).collect();
    assert_eq!(seen[0]["kind"], "login", "{seen:?}");
    assert_eq!(seen[1], serde_json::json!({ "kind": "flowEnded", "value": flow["id"] }));
    assert_eq!(seen[2]["value"]["address"], "asha.verma@sbx");

    invoke(&app, "logout").unwrap();
    assert_eq!(invoke(&app, "session").unwrap(), serde_json::Value::Null);
}

#[test]
fn the_committed_typescript_bindings_are_current() {
    let committed_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(abha_desktop::BINDINGS_PATH);
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh_path = fresh_dir.path().join("bindings.ts");
    abha_desktop::export_bindings(&fresh_path).expect("export bindings");
    let fresh = std::fs::read_to_string(&fresh_path).unwrap();

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p abha-desktop bindings` and commit it"
    );
}

#[test]
fn the_front_desk_commands_refuse_until_a_member_of_staff_signs_in_and_after_a_lock() {
    let root = tempfile::tempdir().unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    let refused = |cmd: &str, args: serde_json::Value| invoke_with(&app, cmd, args).unwrap_err()["code"].clone();
    let search = serde_json::json!({ "query": "meera" });
    assert_eq!(
        invoke(&app, "desk_status").unwrap(),
        serde_json::json!({ "state": "signedOut", "way": "auth-platform" })
    );
    assert_eq!(refused("find_people", search.clone()), "STAFF_NOT_SIGNED_IN");
    assert_eq!(refused("access_log", serde_json::json!({ "filter": {} })), "STAFF_NOT_SIGNED_IN");

    let priya = serde_json::json!({ "email": "priya.desk@sunrise.example", "password": "Desk#Sunrise1" });
    let signed_in = invoke_with(&app, "staff_sign_in", priya).unwrap();
    assert_eq!(signed_in["desk"]["staff"]["name"], "Priya Sharma", "{signed_in}");
    assert!(invoke_with(&app, "find_people", search.clone()).is_ok());
    assert_eq!(invoke(&app, "lock_desk").unwrap()["state"], "locked");
    assert_eq!(refused("find_people", search), "DESK_LOCKED");
    assert_eq!(refused("open_person", serde_json::json!({ "address": "meera.nair@sbx" })), "DESK_LOCKED");
}

/// Runs `secret-tool` with `args`, typing `input` (a secret to store) when given.
fn secret_tool(args: &[&str], input: Option<&[u8]>) {
    let mut child =
        std::process::Command::new("secret-tool").args(args).stdin(std::process::Stdio::piped()).spawn().unwrap();
    if let Some(input) = input {
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input).unwrap();
    }
    drop(child.stdin.take());
    // `clear` fails when there was nothing to clear; only a store must work.
    let done = child.wait().unwrap().success();
    assert!(done || args[0] == "clear", "secret-tool {args:?}");
}

/// Outside demo mode the auth platform's API key comes from the keyring, under
/// the attributes the README gives; without it the desk says so, and the
/// patient's side still starts.
#[test]
fn the_auth_platform_api_key_comes_from_the_keyring() {
    let root = tempfile::tempdir().unwrap();
    // A client id of its own: the client-secret test clears its entry meanwhile.
    let mut env: Vec<(String, String)> = sandbox_env().into_iter().filter(|(k, _)| k != "ABHA_CLIENT_ID").collect();
    env.push(("ABHA_CLIENT_ID".into(), "SBX_STAFF_01".into()));
    env.push(("ABHA_STAFF_SIGN_IN".into(), "auth-platform".into()));
    env.push(("ABHA_STAFF_AUTH_PLATFORM_URL".into(), "http://127.0.0.1:9/".into()));
    let attributes = [
        "service",
        "in.abhadesktop.client.abdm-sandbox",
        "username",
        "client-secret:SBX_STAFF_01",
        "target",
        "default",
        "application",
        "rust-keyring",
    ];
    let key_attributes = {
        let mut a = attributes;
        a[3] = "staff-api-key:127.0.0.1";
        a
    };
    secret_tool(&[&["store", "--label=client secret"][..], &attributes].concat(), Some(b"test-client-secret"));
    secret_tool(&[&["clear"][..], &key_attributes[..4]].concat(), None);
    let sign_in = serde_json::json!({ "email": "priya.desk@sunrise.example", "password": "Desk#Sunrise1" });
    {
        let app = build(Startup::isolated(dirs(root.path()), env.clone())).expect("starts without the desk's key");
        let err = invoke_with(&app, "staff_sign_in", sign_in.clone()).unwrap_err();
        assert_eq!(err["code"], "STAFF_SECRET_MISSING", "{err}");
    }
    secret_tool(&[&["store", "--label=ABHA Desktop auth platform API key"][..], &key_attributes].concat(), Some(b"k"));
    let app = build(Startup::isolated(dirs(root.path()), env)).unwrap();
    // The key is found; the (unreachable) platform is what stops it now.
    let err = invoke_with(&app, "staff_sign_in", sign_in).unwrap_err();
    assert_eq!(err["code"], "STAFF_PROVIDER_UNAVAILABLE", "{err}");
    secret_tool(&[&["clear"][..], &key_attributes[..4]].concat(), None);
    secret_tool(&[&["clear"][..], &attributes[..4]].concat(), None);
}

/// A provider that wants a client secret, with none in the keyring: the desk
/// says the secret is missing (not that nothing is set up), and no browser opens.
#[test]
fn an_oidc_client_secret_missing_from_the_keyring_is_said_so() {
    let root = tempfile::tempdir().unwrap();
    let env = [
        ("ABHA_STAFF_SIGN_IN", "oidc"),
        ("ABHA_STAFF_OIDC_ISSUER", "http://127.0.0.1:9/oidc/"),
        ("ABHA_STAFF_OIDC_CLIENT_ID", "abha-desktop-no-secret-stored"),
        ("ABHA_STAFF_OIDC_CLIENT_AUTH", "client_secret_basic"),
        ("ABHA_STAFF_OPENER", "false"),
    ];
    let mut env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    // Outside demo mode, with a client secret of its own for ABDM.
    env.extend(sandbox_env().into_iter().filter(|(k, _)| k != "ABHA_CLIENT_ID"));
    env.push(("ABHA_CLIENT_ID".into(), "SBX_STAFF_02".into()));
    let abdm_secret = ["service", "in.abhadesktop.client.abdm-sandbox", "username", "client-secret:SBX_STAFF_02"];
    let rest = ["target", "default", "application", "rust-keyring"];
    secret_tool(&[&["store", "--label=client secret"][..], &abdm_secret, &rest].concat(), Some(b"s"));
    let app = build(Startup::isolated(dirs(root.path()), env)).expect("starts without the provider's secret");
    assert_eq!(invoke(&app, "desk_status").unwrap(), serde_json::json!({ "state": "signedOut", "way": "oidc" }));
    let err = invoke_with(&app, "staff_sign_in_browser", serde_json::json!({ "locale": "en" })).unwrap_err();
    assert_eq!(err["code"], "STAFF_SECRET_MISSING", "{err}");
    secret_tool(&[&["clear"][..], &abdm_secret].concat(), None);
}

/// A trainer's demo survives closing the app: an address added in one run is
/// there to log in to in the next; the sandbox's saved state is sealed; *Reset
/// demo* brings back the seeded people only.
#[test]
fn the_demo_remembers_across_a_restart_sealed_until_reset() {
    let root = tempfile::tempdir().unwrap();
    use serde_json::json;
    let first = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    let flow =
        invoke_with(&first, "login_by_address", json!({ "address": "asha.verma@sbx", "withPassword": true })).unwrap();
    invoke_with(&first, "login_with_password", json!({ "flowId": flow["id"], "password": "Hyd3rabad!Rain" })).unwrap();
    invoke_with(&first, "add_address", json!({ "name": "asha.walk2026" })).unwrap();
    invoke(&first, "logout").unwrap();
    drop(first);

    let state = std::fs::read(root.path().join("data/demo/sandbox-state.sealed")).expect("the demo's state is saved");
    for plain in ["asha.walk2026", "9876543210", "Asha"] {
        assert!(!state.windows(plain.len()).any(|w| w == plain.as_bytes()), "{plain} readable in the saved state");
    }

    let again = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    let log_in_by_otp = |app: &tauri::App<MockRuntime>, address: &str| {
        let flow = invoke_with(app, "login_by_address", json!({ "address": address, "withPassword": false }))?;
        let otp = invoke(app, "demo_phone").unwrap()[0]["otp"].clone();
        invoke_with(app, "login_verify_otp", json!({ "flowId": flow["id"], "otp": otp }))
    };
    let signed_in = log_in_by_otp(&again, "asha.walk2026@sbx").expect("the sandbox still knows the new address");
    assert_eq!(signed_in["value"]["address"], "asha.walk2026@sbx", "{signed_in}");

    invoke(&again, "reset_demo").unwrap();
    assert_eq!(invoke(&again, "session").unwrap(), serde_json::Value::Null, "reset signs everyone out here");
    let gone = log_in_by_otp(&again, "asha.walk2026@sbx").unwrap_err();
    assert_eq!(gone["code"], "ACCOUNT_NOT_FOUND", "{gone}");
    log_in_by_otp(&again, "asha.verma@sbx").expect("the seeded people are back");
    invoke(&again, "logout").unwrap();
}

/// The saved data opens while the window starts, so a data folder that cannot be
/// used no longer stops the app before it has a window: the window opens and says
/// why, in the code its first question gets.
#[test]
fn data_that_cannot_be_opened_reaches_the_window_as_its_code() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("data")).unwrap();
    // Where the demo's folder should be, a file.
    std::fs::write(root.path().join("data/demo"), b"not a folder").unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).expect("the window still opens");

    assert_eq!(invoke(&app, "app_info").expect("app_info answers")["mode"], "demo");
    let refused = invoke(&app, "data_lock").expect_err("the data did not open");
    assert_eq!(refused["code"], "STORAGE_UNAVAILABLE", "{refused}");
    let refused = invoke(&app, "session").expect_err("nor does anything that needs it");
    assert_eq!(refused["code"], "STORAGE_UNAVAILABLE", "{refused}");
}

#[test]
fn the_single_instance_name_is_the_apps_identifier() {
    let config: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tauri.conf.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(config["identifier"], abha_desktop::single_instance::IDENTIFIER);
}

#[test]
fn a_second_launch_reaches_the_first_and_only_the_first_holds_the_name() {
    use abha_desktop::single_instance::{Claim, claim};
    // A name of this test's own on the session bus the tests run in.
    let app_id = format!("test.abhadesktop.p{}", std::process::id());
    let Claim::First(first) = claim(&app_id).unwrap() else { panic!("the first launch did not get the name") };
    let (came_forward, asked) = std::sync::mpsc::channel();
    first.answer(move || came_forward.send(()).unwrap()).unwrap();

    for _ in 0..2 {
        assert!(matches!(claim(&app_id).unwrap(), Claim::Second), "a later launch must not run");
        // `claim` returns only after the first answered, so the call has landed.
        asked.try_recv().expect("the first instance was asked to come forward");
    }
    assert!(asked.try_recv().is_err(), "one call per launch");
}

#[test]
fn a_name_dbus_cannot_carry_is_refused_not_a_panic() {
    let err = abha_desktop::single_instance::claim("in.abha desktop").unwrap_err();
    assert!(matches!(err, abha_desktop::single_instance::ClaimError::AppId(_)), "{err}");
}
