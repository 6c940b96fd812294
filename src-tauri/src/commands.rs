//! Every command is one call into `phr_core`. Failures cross as `{code, message}`.

use abdm_types::gateway::{AuthPurpose, GatewayAuthMode};
use phr_core::{
    AccessLog, AccessLogFilter, AppInfo, CachedPerson, CardFor, Change, CounterQr, DataLock, DemographicsForm,
    DeskStatus, KycMethod, LoginFlow, Phr, Place, ProfileForm, QueuedPatient, Registered, SavedCard, Scanned, Session,
    SignedIn, SignupFlow, StaffSignInOutcome, StaffSignUp, StaffSignedUp, UiLanguage, Verification, Verified, Waiting,
};
use tauri::State;

use crate::{IpcError, startup::Started};

type Reply<T> = Result<T, IpcError>;

async fn phr<'a>(app: &'a State<'_, Started>) -> Result<&'a Phr, IpcError> {
    Ok(app.data().await?.phr()?)
}

#[tauri::command]
#[specta::specta]
pub fn app_info(app: State<'_, Started>) -> AppInfo {
    // The page asks for this as it mounts: scripts/measure-launch times launch to here.
    tracing::debug!("app info requested");
    app.info.clone()
}

/// Whether the saved data is open, or waits for a passphrase (no keyring).
#[tauri::command]
#[specta::specta]
pub async fn data_lock(app: State<'_, Started>) -> Reply<DataLock> {
    Ok(app.data().await?.lock())
}

#[tauri::command]
#[specta::specta]
pub async fn unlock(app: State<'_, Started>, passphrase: String) -> Reply<DataLock> {
    Ok(app.data().await?.unlock(&passphrase).await?)
}

// ---- Who is signed in ----

#[tauri::command]
#[specta::specta]
pub async fn session(app: State<'_, Started>) -> Reply<Option<Session>> {
    let session = phr(&app).await?.session().await?;
    // The page's last start-up call: scripts/measure-launch times launch to here.
    tracing::debug!("session read");
    Ok(session)
}

#[tauri::command]
#[specta::specta]
pub async fn flows_in_progress(app: State<'_, Started>) -> Reply<Vec<Change>> {
    Ok(phr(&app).await?.flows_in_progress().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn abandon_flow(app: State<'_, Started>, flow_id: String) -> Reply<()> {
    Ok(phr(&app).await?.abandon_flow(&flow_id).await?)
}

// ---- Login ----

#[tauri::command]
#[specta::specta]
pub async fn login_by_contact(app: State<'_, Started>, contact: String) -> Reply<LoginFlow> {
    Ok(phr(&app).await?.login_by_contact(&contact).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn login_by_abha_number(app: State<'_, Started>, number: String, year_of_birth: String) -> Reply<LoginFlow> {
    Ok(phr(&app).await?.login_by_abha_number(&number, &year_of_birth).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn login_by_address(app: State<'_, Started>, address: String, with_password: bool) -> Reply<LoginFlow> {
    Ok(phr(&app).await?.login_by_address(&address, with_password).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn login_verify_otp(app: State<'_, Started>, flow_id: String, otp: String) -> Reply<Verified> {
    Ok(phr(&app).await?.login_verify_otp(&flow_id, &otp).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn login_resend_otp(app: State<'_, Started>, flow_id: String) -> Reply<LoginFlow> {
    Ok(phr(&app).await?.login_resend_otp(&flow_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn login_with_password(app: State<'_, Started>, flow_id: String, password: String) -> Reply<SignedIn> {
    Ok(phr(&app).await?.login_with_password(&flow_id, &password).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn login_choose(app: State<'_, Started>, flow_id: String, address: String) -> Reply<SignedIn> {
    Ok(phr(&app).await?.login_choose(&flow_id, &address).await?)
}

// ---- Sign-up ----

#[tauri::command]
#[specta::specta]
pub async fn signup_by_contact(app: State<'_, Started>, contact: String) -> Reply<SignupFlow> {
    Ok(phr(&app).await?.signup_by_contact(&contact).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn kyc_methods(app: State<'_, Started>, number: String) -> Reply<Vec<KycMethod>> {
    Ok(phr(&app).await?.kyc_methods(&number).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn signup_by_abha_number(app: State<'_, Started>, number: String, method: KycMethod) -> Reply<SignupFlow> {
    Ok(phr(&app).await?.signup_by_abha_number(&number, method).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn signup_resend_otp(app: State<'_, Started>, flow_id: String) -> Reply<SignupFlow> {
    Ok(phr(&app).await?.signup_resend_otp(&flow_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn signup_verify_otp(app: State<'_, Started>, flow_id: String, otp: String) -> Reply<SignupFlow> {
    Ok(phr(&app).await?.signup_verify_otp(&flow_id, &otp).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn signup_choose_existing(app: State<'_, Started>, flow_id: String, address: String) -> Reply<SignedIn> {
    Ok(phr(&app).await?.signup_choose_existing(&flow_id, &address).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn signup_profile(app: State<'_, Started>, flow_id: String, form: ProfileForm) -> Reply<SignupFlow> {
    Ok(phr(&app).await?.signup_profile(&flow_id, &form).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn signup_keep_draft(app: State<'_, Started>, flow_id: String, form: ProfileForm) -> Reply<()> {
    Ok(phr(&app).await?.signup_keep_draft(&flow_id, &form).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn signup_with_kyc(app: State<'_, Started>, flow_id: String) -> Reply<SignupFlow> {
    Ok(phr(&app).await?.signup_with_kyc(&flow_id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn address_available(app: State<'_, Started>, name: String) -> Reply<bool> {
    Ok(phr(&app).await?.address_available(&name).await?)
}

/// The LGD states, for the profile form's picker.
#[tauri::command]
#[specta::specta]
pub async fn states(app: State<'_, Started>) -> Reply<Vec<Place>> {
    Ok(phr(&app).await?.states().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn districts(app: State<'_, Started>, state_code: String) -> Reply<Vec<Place>> {
    Ok(phr(&app).await?.districts(&state_code).await?)
}

/// `password` and `confirm` both or neither: an address may have no password.
#[tauri::command]
#[specta::specta]
pub async fn signup_create(
    app: State<'_, Started>,
    flow_id: String,
    name: String,
    password: Option<String>,
    confirm: Option<String>,
) -> Reply<SignedIn> {
    let password = password.map(|p| (p, confirm.unwrap_or_default()));
    Ok(phr(&app)
        .await?
        .signup_create(&flow_id, &name, password.as_ref().map(|(p, c)| (p.as_str(), c.as_str())))
        .await?)
}

/// The password rules `password` does not meet yet, for the live checklist.
#[tauri::command]
#[specta::specta]
pub fn password_rules(password: String) -> Vec<abdm_types::PasswordRule> {
    abdm_types::Password::check(&password)
}

// ---- The signed-in person ----

/// The "Personal Data Processing Consent", given on the first login here.
#[tauri::command]
#[specta::specta]
pub async fn agree_to_processing(app: State<'_, Started>) -> Reply<Session> {
    Ok(phr(&app).await?.agree_to_processing().await?)
}

/// The QR code of an address, as SVG.
#[tauri::command]
#[specta::specta]
pub fn address_qr(address: String) -> Reply<String> {
    Ok(phr_core::address_qr(&address)?)
}

#[tauri::command]
#[specta::specta]
pub async fn add_address(app: State<'_, Started>, name: String) -> Reply<Session> {
    Ok(phr(&app).await?.add_address(&name).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn switch_address(app: State<'_, Started>, address: String) -> Reply<Session> {
    Ok(phr(&app).await?.switch_address(&address).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn set_default_address(app: State<'_, Started>, address: String) -> Reply<Session> {
    Ok(phr(&app).await?.set_default_address(&address).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn reset_password(app: State<'_, Started>, password: String, confirm: String) -> Reply<()> {
    Ok(phr(&app).await?.reset_password(&password, &confirm).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn logout(app: State<'_, Started>) -> Reply<()> {
    Ok(phr(&app).await?.logout().await?)
}

// ---- Staff at the front desk ----

#[tauri::command]
#[specta::specta]
pub async fn desk_status(app: State<'_, Started>) -> Reply<DeskStatus> {
    Ok(phr(&app).await?.desk_status().await?)
}

/// Someone is using the desk (the UI reports input now and then).
#[tauri::command]
#[specta::specta]
pub async fn desk_activity(app: State<'_, Started>) -> Reply<DeskStatus> {
    Ok(phr(&app).await?.desk_activity().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn lock_desk(app: State<'_, Started>) -> Reply<DeskStatus> {
    Ok(phr(&app).await?.lock_desk().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn staff_sign_in(app: State<'_, Started>, email: String, password: String) -> Reply<StaffSignInOutcome> {
    Ok(phr(&app).await?.staff_sign_in(&email, &password).await?)
}

/// The lock screen: the person the desk waits for types their password.
#[tauri::command]
#[specta::specta]
pub async fn staff_unlock(app: State<'_, Started>, password: String) -> Reply<StaffSignInOutcome> {
    Ok(phr(&app).await?.staff_unlock(&password).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn staff_sign_up(app: State<'_, Started>, form: StaffSignUp) -> Reply<StaffSignedUp> {
    Ok(phr(&app).await?.staff_sign_up(&form).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn staff_send_verification(app: State<'_, Started>, email: String) -> Reply<StaffSignedUp> {
    Ok(phr(&app).await?.staff_send_verification(&email).await?)
}

/// The link from the verification email, or the token in it.
#[tauri::command]
#[specta::specta]
pub async fn staff_verify_email(app: State<'_, Started>, link: String) -> Reply<()> {
    Ok(phr(&app).await?.staff_verify_email(&link).await?)
}

/// OpenID Connect in the system browser; resolves when the browser comes back.
#[tauri::command]
#[specta::specta]
pub async fn staff_sign_in_browser(app: State<'_, Started>, locale: UiLanguage) -> Reply<DeskStatus> {
    Ok(phr(&app).await?.staff_sign_in_browser(Some(locale)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn staff_cancel_sign_in(app: State<'_, Started>) -> Reply<bool> {
    Ok(phr(&app).await?.staff_cancel_sign_in())
}

#[tauri::command]
#[specta::specta]
pub async fn staff_sign_out(app: State<'_, Started>) -> Reply<DeskStatus> {
    Ok(phr(&app).await?.staff_sign_out().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn access_log(app: State<'_, Started>, filter: AccessLogFilter) -> Reply<AccessLog> {
    Ok(phr(&app).await?.access_log(&filter).await?)
}

/// Saves the filtered access log as CSV in the Downloads folder; the file's path.
#[tauri::command]
#[specta::specta]
pub async fn export_access_log(app: State<'_, Started>, filter: AccessLogFilter) -> Reply<String> {
    Ok(phr(&app).await?.export_access_log(&filter, &app.exports).await?.display().to_string())
}

// ---- Front desk ----

#[tauri::command]
#[specta::specta]
pub async fn find_people(app: State<'_, Started>, query: String) -> Reply<Vec<CachedPerson>> {
    Ok(phr(&app).await?.find_people(&query).await?)
}

/// A person from the desk's list, opened by the member of staff (audited).
#[tauri::command]
#[specta::specta]
pub async fn open_person(app: State<'_, Started>, address: String) -> Reply<CachedPerson> {
    Ok(phr(&app).await?.open_person(&address).await?)
}

/// Asks ABDM how a walk-in patient can be verified for `purpose`.
#[tauri::command]
#[specta::specta]
pub async fn verify_patient(app: State<'_, Started>, address: String, purpose: AuthPurpose) -> Reply<Verification> {
    Ok(phr(&app).await?.verify_patient(&address, purpose).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn same_patient(app: State<'_, Started>, address: String, returning: String) -> Reply<CachedPerson> {
    Ok(phr(&app).await?.same_patient(&address, &returning).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn verify_scanned(app: State<'_, Started>, scan: String, purpose: AuthPurpose) -> Reply<Scanned> {
    Ok(phr(&app).await?.verify_scanned(&scan, purpose).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn verify_with(app: State<'_, Started>, id: String, mode: GatewayAuthMode) -> Reply<Verification> {
    Ok(phr(&app).await?.verify_with(&id, mode).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn verify_otp(app: State<'_, Started>, id: String, otp: String) -> Reply<Verification> {
    Ok(phr(&app).await?.verify_otp(&id, &otp).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn verify_demographics(app: State<'_, Started>, id: String, form: DemographicsForm) -> Reply<Verification> {
    Ok(phr(&app).await?.verify_demographics(&id, form).await?)
}

/// Waits for the patient's answer in their PHR app (DIRECT mode).
#[tauri::command]
#[specta::specta]
pub async fn verify_await_approval(app: State<'_, Started>, id: String) -> Reply<Verification> {
    Ok(phr(&app).await?.verify_await_approval(&id).await?)
}

// ---- Demo mode ----

/// An OTP the embedded sandbox "sent", as the demo phone shows it.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PhoneMessage {
    /// The mobile or email it went to, masked.
    pub to: String,
    pub otp: String,
    /// Unix seconds.
    #[specta(type = u32)]
    pub sent_at: i64,
}

/// What the embedded sandbox sent, newest first; empty outside demo mode (there
/// is no phone to show: the OTP goes to the person's real one).
#[tauri::command]
#[specta::specta]
pub fn demo_phone(app: State<'_, Started>) -> Vec<PhoneMessage> {
    app.demo_outbox()
        .into_iter()
        .rev()
        .take(10)
        .map(|m| PhoneMessage { to: phr_core::mask_contact(&m.to), otp: m.otp, sent_at: m.sent_at })
        .collect()
}

/// An email the embedded auth platform "sent": a member of staff's verification link.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InboxMail {
    /// The address it went to, masked.
    pub to: String,
    pub subject: String,
    pub link: String,
    /// Unix seconds.
    #[specta(type = u32)]
    pub sent_at: i64,
}

/// The demo inbox, newest first; empty outside demo mode.
#[tauri::command]
#[specta::specta]
pub fn demo_inbox(app: State<'_, Started>) -> Vec<InboxMail> {
    app.demo_mailbox()
        .into_iter()
        .rev()
        .take(5)
        .map(|m| InboxMail { to: phr_core::mask_contact(&m.to), subject: m.subject, link: m.link, sent_at: m.sent_at })
        .collect()
}

/// A request a demo patient's PHR app shows: "DEMO-HIP-001 wants to verify you".
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRequest {
    pub transaction_id: String,
    pub patient: String,
    pub requester_id: String,
    pub purpose: AuthPurpose,
}

/// DIRECT-mode requests waiting on the demo patients; empty outside demo mode.
#[tauri::command]
#[specta::specta]
pub fn demo_approvals(app: State<'_, Started>) -> Vec<ApprovalRequest> {
    app.demo_direct_requests()
        .into_iter()
        .map(|r| ApprovalRequest {
            transaction_id: r.transaction_id,
            patient: phr_core::mask_address(&r.patient),
            requester_id: r.requester_id,
            purpose: r.purpose,
        })
        .collect()
}

/// The demo patient approves (`grant`) or denies; `false` if it was no longer open.
#[tauri::command]
#[specta::specta]
pub fn demo_answer_approval(app: State<'_, Started>, transaction_id: String, grant: bool) -> bool {
    app.demo_answer_direct(&transaction_id, grant)
}

/// A demo person the demo phone can act as.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoPerson {
    pub address: String,
    pub full_name: String,
}

/// The demo people, by name; empty outside demo mode.
#[tauri::command]
#[specta::specta]
pub fn demo_people(app: State<'_, Started>) -> Vec<DemoPerson> {
    let mut people: Vec<_> =
        app.demo_people().into_iter().map(|(address, full_name)| DemoPerson { address, full_name }).collect();
    people.sort_by(|a, b| a.full_name.cmp(&b.full_name).then_with(|| a.address.cmp(&b.address)));
    people
}

/// What the demo patient's app shows after sharing at a counter.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoShareAnswer {
    /// The token, when the facility gave one.
    pub token: Option<String>,
    /// The facility's reason, when it refused.
    pub refused: Option<String>,
}

/// A demo patient scans the counter QR `qr` and shares their profile.
#[tauri::command]
#[specta::specta]
pub async fn demo_share_profile(app: State<'_, Started>, address: String, qr: String) -> Reply<DemoShareAnswer> {
    let answer = app.demo_share(&address, &qr).await?;
    Ok(if answer.status == "SUCCESS" {
        DemoShareAnswer { token: Some(answer.token_number), refused: None }
    } else {
        DemoShareAnswer { token: None, refused: Some(answer.message.unwrap_or_default()) }
    })
}

/// Demo mode's *ABDM unreachable* switch.
#[tauri::command]
#[specta::specta]
pub fn demo_outage(app: State<'_, Started>, down: bool) -> Reply<()> {
    app.demo_outage(down)
}

#[tauri::command]
#[specta::specta]
pub async fn share_queue(app: State<'_, Started>) -> Reply<Vec<QueuedPatient>> {
    Ok(phr(&app).await?.share_queue().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn register_shared(app: State<'_, Started>, id: u32) -> Reply<Registered> {
    Ok(phr(&app).await?.register_shared(i64::from(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn dismiss_shared(app: State<'_, Started>, id: u32) -> Reply<()> {
    Ok(phr(&app).await?.dismiss_shared(i64::from(id)).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn waiting_verifications(app: State<'_, Started>) -> Reply<Vec<Waiting>> {
    Ok(phr(&app).await?.waiting_verifications().await?)
}

#[tauri::command]
#[specta::specta]
pub async fn cancel_waiting(app: State<'_, Started>, id: String) -> Reply<()> {
    Ok(phr(&app).await?.cancel_waiting(&id).await?)
}

#[tauri::command]
#[specta::specta]
pub async fn counter_qrs(app: State<'_, Started>) -> Reply<Vec<CounterQr>> {
    Ok(phr(&app).await?.counter_qrs()?)
}

// ---- ABHA card ----

/// The card as a PNG (base64), to show and to print.
#[tauri::command]
#[specta::specta]
pub async fn abha_card_png(app: State<'_, Started>, whose: CardFor, language: UiLanguage) -> Reply<String> {
    Ok(phr(&app).await?.abha_card_png(&whose, language).await?)
}

/// The card saved as PNG and PDF in the Downloads folder.
#[tauri::command]
#[specta::specta]
pub async fn save_abha_card(app: State<'_, Started>, whose: CardFor, language: UiLanguage) -> Reply<SavedCard> {
    Ok(phr(&app).await?.save_abha_card(&whose, language, &app.exports).await?)
}

/// *Reset demo*: the embedded sandbox and this computer's demo data go back
/// to the seeded people. `DEMO_ONLY` outside demo mode.
#[tauri::command]
#[specta::specta]
pub async fn reset_demo(app: State<'_, Started>) -> Reply<()> {
    app.reset_demo().await
}
