fn main() {
    // Listing the app's commands makes each one an ACL permission (`allow-<name>`),
    // so a window can call only what its capability grants.
    let manifest = tauri_build::AppManifest::new().commands(&["app_info"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed to read tauri.conf.json or the capabilities");
}
