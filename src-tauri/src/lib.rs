//! The Tauri shell: wiring only. Commands forward to `phr_core::Phr`; nothing here
//! speaks HTTP or SQL or holds flow logic.

mod commands;
mod ipc_error;
#[cfg(target_os = "linux")]
pub mod single_instance;
mod startup;

use std::process::ExitCode;

use tauri::{Manager, Runtime};

pub use ipc_error::IpcError;
pub use startup::{AppDirs, StartError, Startup};

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/bindings.ts";

/// Commands, events and shared types, as exported to `ui/src/bindings.ts`.
pub fn specta_builder<R: Runtime>() -> tauri_specta::Builder<R> {
    use commands::*;
    tauri_specta::Builder::<R>::new()
        .commands(tauri_specta::collect_commands![
            app_info,
            data_lock,
            unlock,
            session,
            flows_in_progress,
            abandon_flow,
            login_by_contact,
            login_by_abha_number,
            login_by_address,
            login_verify_otp,
            login_resend_otp,
            login_with_password,
            login_choose,
            signup_by_contact,
            kyc_methods,
            signup_by_abha_number,
            signup_resend_otp,
            signup_verify_otp,
            signup_choose_existing,
            signup_profile,
            signup_keep_draft,
            signup_with_kyc,
            address_available,
            signup_create,
            add_address,
            switch_address,
            set_default_address,
            reset_password,
            logout,
            find_people,
            demo_phone,
            password_rules,
            states,
            districts,
            agree_to_processing,
            address_qr,
            verify_patient,
            verify_scanned,
            same_patient,
            verify_with,
            verify_otp,
            verify_demographics,
            verify_await_approval,
            demo_approvals,
            demo_answer_approval,
            demo_people,
            demo_share_profile,
            demo_outage,
            share_queue,
            register_shared,
            dismiss_shared,
            counter_qrs,
            abha_card_png,
            save_abha_card,
            waiting_verifications,
            cancel_waiting,
            reset_demo,
            desk_status,
            desk_activity,
            lock_desk,
            staff_sign_in,
            staff_unlock,
            staff_sign_up,
            staff_send_verification,
            staff_verify_email,
            staff_sign_in_browser,
            staff_cancel_sign_in,
            staff_sign_out,
            access_log,
            export_access_log,
            open_person,
            demo_inbox,
        ])
        .events(tauri_specta::collect_events![Changed])
        .typ::<IpcError>()
}

/// A session or flow changed (also when another window caused it): the UI
/// listens to this instead of polling.
#[derive(Debug, Clone, serde::Serialize, specta::Type, tauri_specta::Event)]
pub struct Changed(pub phr_core::Change);

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), specta_typescript::Error> {
    specta_builder::<tauri::Wry>().export(specta_typescript::Typescript::default(), path)
}

/// The app on any runtime, built and started but not yet running: folders, config
/// and logging are up before any window opens, and a bad config stops it here with
/// a [`StartError`] naming the key; the saved data and the demo sandbox open
/// beside the window's start (commands wait for them). `run` adds what needs
/// a real desktop (single instance); tests pass `tauri::test::mock_builder()`.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, startup: Startup) -> Result<tauri::App<R>, StartError> {
    let specta = specta_builder::<R>();
    let app =
        builder.invoke_handler(specta.invoke_handler()).build(tauri::generate_context!()).map_err(StartError::Build)?;
    // Here rather than in `setup`: events may be emitted before the loop runs.
    specta.mount_events(&app);
    let (started, opening) = startup.start(app.path())?;
    app.manage(started);
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        let started = handle.state::<startup::Started>();
        if let Some(changes) = opening.open(&started).await {
            forward_changes(handle.clone(), changes);
        }
    });
    Ok(app)
}

fn forward_changes<R: Runtime>(
    app: tauri::AppHandle<R>,
    mut changes: tokio::sync::broadcast::Receiver<phr_core::Change>,
) {
    use tauri_specta::Event;
    tauri::async_runtime::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(change) => {
                    if let Err(err) = Changed(change).emit(&app) {
                        tracing::warn!(error = %err, "a change could not reach the UI");
                    }
                }
                // The UI reads the current state again on the next event.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "the UI missed changes");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// Entry point of the desktop binary.
pub fn run() -> ExitCode {
    // Without a display GTK panics deep inside the event loop; say it plainly instead.
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return cannot_start("there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)");
    }
    draw_without_compositing();
    // Before anything opens the saved data: a second launch only brings the first forward.
    #[cfg(target_os = "linux")]
    let (first, no_bus) = match single_instance::claim(single_instance::IDENTIFIER) {
        Ok(single_instance::Claim::First(first)) => (Some(first), None),
        Ok(single_instance::Claim::Second) => return ExitCode::SUCCESS,
        Ok(single_instance::Claim::NoBus(err)) => (None, Some(err)),
        Err(err) => return cannot_start(&err.to_string()),
    };
    #[cfg(target_os = "linux")]
    let builder = tauri::Builder::default();
    // Registered first, as the plugin requires: a second launch focuses this window.
    #[cfg(not(target_os = "linux"))]
    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| come_forward(app)));
    match run_app(builder, Startup::from_process()) {
        Ok(app) => {
            #[cfg(target_os = "linux")]
            {
                if let Some(err) = no_bus {
                    tracing::warn!(error = %err, "no session bus: a second launch will open a second window");
                }
                let handle = app.handle().clone();
                if let Some(first) = first
                    && let Err(err) = first.answer(move || come_forward(&handle))
                {
                    tracing::warn!(error = %err, "a second launch will not reach this window");
                }
            }
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(err) => cannot_start(&startup::describe(&err)),
    }
}

/// A second launch was made: the window it wanted is this one.
fn come_forward<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// WebKitGTK composites every page by default, and where there is no GPU (the
/// virtual machines and old desk PCs the app meets, and Xvfb) that costs the web
/// process about 85 MiB for a page of forms that never animates. WebKit reads this
/// only from the environment when it starts, and the setting it offers instead
/// (`hardware-acceleration-policy`) changes nothing once the window exists
/// (measured). A person who wants compositing sets the variable to `0`.
fn draw_without_compositing() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: `run` calls this before Tauri, the runtime or logging start a
        // thread, so nothing can read the environment while it changes.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        }
    }
}

/// Logging may not be up yet (a bad config is found before it is), so stderr it is.
#[allow(clippy::print_stderr)]
fn cannot_start(reason: &str) -> ExitCode {
    eprintln!("ABHA Desktop cannot start: {reason}");
    ExitCode::from(2)
}
