//! Every command is one call into `phr_core`.

use phr_core::AppInfo;
use tauri::State;

use crate::startup::Started;

#[tauri::command]
#[specta::specta]
pub fn app_info(app: State<'_, Started>) -> AppInfo {
    // The page asks for this as it mounts: scripts/measure-launch times launch to here.
    tracing::debug!("app info requested");
    app.info.clone()
}
