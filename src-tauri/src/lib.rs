//! The Tauri shell: wiring only. Commands forward to `phr_core::Phr`; nothing here
//! speaks HTTP or SQL or holds flow logic.

mod commands;
mod ipc_error;
mod startup;

use std::process::ExitCode;

use tauri::{Manager, Runtime};

pub use ipc_error::IpcError;
pub use startup::{AppDirs, StartError, Startup};

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/bindings.ts";

/// Commands, events and shared types, as exported to `ui/src/bindings.ts`.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    tauri_specta::Builder::<R>::new().commands(tauri_specta::collect_commands![commands::app_info]).typ::<IpcError>()
}

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), specta_typescript::Error> {
    specta_builder::<tauri::Wry>().export(specta_typescript::Typescript::default(), path)
}

/// The app on any runtime, built and started but not yet running: folders, config,
/// logging and (demo mode) the sandbox are up before any window opens, and a bad
/// config stops it here with a [`StartError`] naming the key. `run` adds what needs
/// a real desktop (single instance); tests pass `tauri::test::mock_builder()`.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, startup: Startup) -> Result<tauri::App<R>, StartError> {
    let specta = specta_builder::<R>();
    let app = builder
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            Ok(())
        })
        .build(tauri::generate_context!())
        .map_err(StartError::Build)?;
    let started = startup.start(app.path())?;
    app.manage(started);
    Ok(app)
}

/// Entry point of the desktop binary.
pub fn run() -> ExitCode {
    // Without a display GTK panics deep inside the event loop; say it plainly instead.
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return cannot_start("there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)");
    }
    // Registered first, as the plugin requires: a second launch focuses this window.
    let builder = tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.set_focus();
        }
    }));
    match run_app(builder, Startup::from_process()) {
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(err) => cannot_start(&startup::describe(&err)),
    }
}

/// Logging may not be up yet (a bad config is found before it is), so stderr it is.
#[allow(clippy::print_stderr)]
fn cannot_start(reason: &str) -> ExitCode {
    eprintln!("ABHA Desktop cannot start: {reason}");
    ExitCode::from(2)
}
