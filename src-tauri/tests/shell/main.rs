//! The shell on Tauri's mock runtime: real start-up, real commands over IPC.

// Helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use abha_desktop::{AppDirs, Startup};
use tauri::{
    WebviewWindowBuilder,
    ipc::{CallbackFn, InvokeBody},
    test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder},
    webview::InvokeRequest,
};

fn dirs(root: &Path) -> AppDirs {
    AppDirs { config: root.join("config"), logs: root.join("logs") }
}

fn build(startup: Startup) -> Result<tauri::App<MockRuntime>, abha_desktop::StartError> {
    abha_desktop::run_app(mock_builder(), startup)
}

fn invoke(app: &tauri::App<MockRuntime>, cmd: &str) -> Result<serde_json::Value, serde_json::Value> {
    invoke_from(app, "main", cmd)
}

fn invoke_from(app: &tauri::App<MockRuntime>, window: &str, cmd: &str) -> Result<serde_json::Value, serde_json::Value> {
    let webview = WebviewWindowBuilder::new(app, window, Default::default()).build().expect("window");
    get_ipc_response(
        &webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::default(),
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

#[test]
fn app_info_reports_the_configured_abdm_host_outside_demo_mode() {
    let root = tempfile::tempdir().unwrap();
    let env = [("ABHA_MODE", "abdm-sandbox"), ("ABHA_CLIENT_ID", "SBX_000123"), ("ABHA_REQUESTER_ID", "IN3410000260")]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let app = build(Startup::isolated(dirs(root.path()), env)).expect("app starts in sandbox mode");

    let info = invoke(&app, "app_info").expect("app_info succeeds");

    assert_eq!(info["mode"], "abdm-sandbox");
    assert_eq!(info["abdmHost"], "dev.abdm.gov.in");
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
fn an_unknown_command_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    assert!(invoke(&app, "no_such_command").is_err());
}

#[test]
fn a_window_without_a_capability_cannot_call_app_commands() {
    let root = tempfile::tempdir().unwrap();
    let app = build(Startup::isolated(dirs(root.path()), [])).unwrap();
    let refused = invoke_from(&app, "popup", "app_info").expect_err("only `main` is granted app_info");
    assert!(refused.to_string().contains("not allowed"), "{refused}");
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
