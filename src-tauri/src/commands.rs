//! Every command is one call into `phr_core::Phr`.

use phr_core::AppInfo;
use tauri::State;

use crate::startup::Started;

#[tauri::command]
#[specta::specta]
pub fn app_info(app: State<'_, Started>) -> AppInfo {
    app.phr.app_info()
}
