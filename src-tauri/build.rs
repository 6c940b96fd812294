fn main() {
    // Listing the app's commands makes each one an ACL permission (`allow-<name>`),
    // so a window can call only what its capability grants.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "data_lock",
        "unlock",
        "session",
        "flows_in_progress",
        "abandon_flow",
        "login_by_contact",
        "login_by_abha_number",
        "login_by_address",
        "login_verify_otp",
        "login_with_password",
        "login_choose",
        "signup_by_contact",
        "kyc_methods",
        "signup_by_abha_number",
        "signup_resend_otp",
        "signup_verify_otp",
        "signup_choose_existing",
        "signup_profile",
        "signup_with_kyc",
        "address_available",
        "signup_create",
        "add_address",
        "switch_address",
        "set_default_address",
        "reset_password",
        "logout",
        "find_people",
        "demo_phone",
        "password_rules",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed to read tauri.conf.json or the capabilities");
}
