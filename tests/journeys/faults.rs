//! The fault matrix. Each step of each flow meets each fault the sandbox can make
//! on the call that step sends (too slow for the client, 500, 502, 503, a body
//! that is not JSON, a dropped connection), and ABDM's own refusals where the
//! step can meet them (an expired OTP, a lockout, a sign-in that expired, a
//! callback that never comes). Every cell must end in a specific error, leave
//! what was saved as it was, and let the person go on: the same step again, or
//! its flow from the start. The cells come from `Step::ALL` and `Trouble::ALL`,
//! so a new step is one more row; the table is printed (and kept beside the
//! test logs, where the test command shows it).

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use abdm_client::ClientOptions;
use abdm_sandbox::{Fault, FaultKind};
use abdm_types::gateway::{AuthPurpose, GatewayAuthMode};
use phr_core::{DemographicsForm, Error, ErrorCode, KycMethod, SignupStep, VerificationStep, Verified};

use crate::helpers::*;

/// The client gives up after this; the sandbox's slow answer comes after `SLOW`.
const TIMEOUT: Duration = Duration::from_millis(1500);
const SLOW: Duration = Duration::from_millis(2000);
/// How long the desk waits for a callback.
const CALLBACK_WAIT: Duration = Duration::from_millis(1500);
/// Cells at once: each has its own sandbox, database and keyring namespace.
const PARALLEL: usize = 4;
const FAULT_TIMES: u32 = 2;

const ASHA_MOBILE: &str = "9876543210";
const NEW_MOBILE: &str = "9822001122";
const NEW_EMAIL: &str = "kavya.iyer@example.in";
const KYC_NUMBER: &str = "91-4444-5555-6666";
const KYC_MOBILE: &str = "9988776655";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    LoginMobileOtp,
    LoginEmailOtp,
    LoginVerifyOtp,
    LoginChoose,
    LoginAddressOtp,
    LoginAddressVerifyOtp,
    LoginAddressPassword,
    LoginAbhaNumberOtp,
    SignupMobileOtp,
    SignupEmailOtp,
    SignupResendOtp,
    SignupVerifyOtp,
    SignupProfile,
    SignupAddressAvailable,
    SignupCreate,
    KycMethods,
    KycOtp,
    KycVerifyOtp,
    KycCreate,
    AddAddress,
    Refresh,
    ResetPassword,
    Logout,
    States,
    DeskFetchModes,
    DeskMobileOtp,
    DeskVerifyOtp,
    DeskDemographics,
    DeskDirect,
}

impl Step {
    const ALL: [Step; 29] = [
        Step::LoginMobileOtp,
        Step::LoginEmailOtp,
        Step::LoginVerifyOtp,
        Step::LoginChoose,
        Step::LoginAddressOtp,
        Step::LoginAddressVerifyOtp,
        Step::LoginAddressPassword,
        Step::LoginAbhaNumberOtp,
        Step::SignupMobileOtp,
        Step::SignupEmailOtp,
        Step::SignupResendOtp,
        Step::SignupVerifyOtp,
        Step::SignupProfile,
        Step::SignupAddressAvailable,
        Step::SignupCreate,
        Step::KycMethods,
        Step::KycOtp,
        Step::KycVerifyOtp,
        Step::KycCreate,
        Step::AddAddress,
        Step::Refresh,
        Step::ResetPassword,
        Step::Logout,
        Step::States,
        Step::DeskFetchModes,
        Step::DeskMobileOtp,
        Step::DeskVerifyOtp,
        Step::DeskDemographics,
        Step::DeskDirect,
    ];

    /// The call the step sends that the fault meets.
    fn path(self) -> &'static str {
        match self {
            Step::LoginMobileOtp | Step::LoginEmailOtp => "/cm/v1/apps/login/mobileEmail/auth-init",
            Step::LoginVerifyOtp => "/cm/v1/apps/login/mobileEmail/pre-Verify",
            Step::LoginChoose => "/cm/v1/apps/login/mobileEmail/auth-confirm",
            Step::LoginAddressOtp => "/cm/v1/apps/phrAddress/auth-init",
            Step::LoginAddressVerifyOtp | Step::LoginAddressPassword => "/cm/v1/apps/phrAddress/auth-confirm",
            Step::LoginAbhaNumberOtp => "/cm/v1/apps/login/hid/auth-init",
            Step::SignupMobileOtp | Step::SignupEmailOtp => "/cm/v1/apps/generate/otp",
            Step::SignupResendOtp => "/cm/v1/apps/resend/otp",
            Step::SignupVerifyOtp => "/cm/v1/apps/validate/otp",
            Step::SignupProfile => "/cm/v1/apps/registration/details",
            Step::SignupAddressAvailable => "/cm/v1/apps/phrAddress/isExist",
            Step::SignupCreate => "/cm/v1/apps/create/phrAddress",
            Step::KycMethods => "/cm/v1/apps/registration/hid/search/auth-mode",
            Step::KycOtp => "/cm/v1/apps/registration/hid/auth-init",
            Step::KycVerifyOtp => "/cm/v1/apps/registration/hid/confirm-init",
            Step::KycCreate => "/cm/v1/apps/create/registration/hid/create/phrAddress",
            Step::AddAddress => "/cm/v1/account/update/phr-address",
            Step::Refresh => "/cm/v1/apps/token/refresh",
            Step::ResetPassword => "/cm/v1/apps/patients/profile/reset-password",
            Step::Logout => "/cm/logout",
            Step::States => "/cm/v1/apps/location/states",
            Step::DeskFetchModes => "/gateway/v0.5/users/auth/fetch-modes",
            Step::DeskMobileOtp => "/gateway/v0.5/users/auth/init",
            Step::DeskVerifyOtp | Step::DeskDemographics => "/gateway/v0.5/users/auth/confirm",
            Step::DeskDirect => "/gateway/v0.5/users/auth/on-notify",
        }
    }

    /// Whose OTP the step checks, for the expiry and lockout cells.
    fn otp_to(self) -> Option<&'static str> {
        match self {
            Step::LoginVerifyOtp | Step::LoginAddressVerifyOtp => Some(ASHA_MOBILE),
            Step::SignupVerifyOtp => Some(NEW_MOBILE),
            Step::KycVerifyOtp => Some(KYC_MOBILE),
            Step::DeskVerifyOtp => Some("9123456780"),
            _ => None,
        }
    }

    /// The step needs Asha's sign-in to be alive.
    fn needs_sign_in(self) -> bool {
        matches!(self, Step::AddAddress | Step::Refresh | Step::ResetPassword)
    }

    fn at_desk(self) -> bool {
        matches!(
            self,
            Step::DeskFetchModes
                | Step::DeskMobileOtp
                | Step::DeskVerifyOtp
                | Step::DeskDemographics
                | Step::DeskDirect
        )
    }

    fn waits_for_callback(self) -> bool {
        matches!(self, Step::DeskFetchModes | Step::DeskMobileOtp | Step::DeskVerifyOtp | Step::DeskDemographics)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trouble {
    Slow,
    Status(u16),
    NotJson,
    Dropped,
    OtpExpired,
    OtpLocked,
    SignInExpired,
    NoCallback,
}

impl Trouble {
    const ALL: [Trouble; 10] = [
        Trouble::Slow,
        Trouble::Status(500),
        Trouble::Status(502),
        Trouble::Status(503),
        Trouble::NotJson,
        Trouble::Dropped,
        Trouble::OtpExpired,
        Trouble::OtpLocked,
        Trouble::SignInExpired,
        Trouble::NoCallback,
    ];

    fn header(self) -> String {
        match self {
            Trouble::Slow => "slow".into(),
            Trouble::Status(status) => status.to_string(),
            Trouble::NotJson => "not JSON".into(),
            Trouble::Dropped => "dropped".into(),
            Trouble::OtpExpired => "OTP expired".into(),
            Trouble::OtpLocked => "locked".into(),
            Trouble::SignInExpired => "sign-in expired".into(),
            Trouble::NoCallback => "no callback".into(),
        }
    }

    fn meets(self, step: Step) -> bool {
        match self {
            Trouble::Slow | Trouble::Status(_) | Trouble::NotJson | Trouble::Dropped => true,
            Trouble::OtpExpired | Trouble::OtpLocked => step.otp_to().is_some(),
            Trouble::SignInExpired => step.needs_sign_in(),
            Trouble::NoCallback => step.waits_for_callback(),
        }
    }

    fn fault(self, step: Step) -> Option<Fault> {
        let kind = match self {
            Trouble::Slow => FaultKind::Latency { ms: SLOW.as_millis() as u64 },
            Trouble::Status(status) => FaultKind::Status { status },
            Trouble::NotJson => FaultKind::Malformed,
            Trouble::Dropped => FaultKind::Drop,
            Trouble::OtpExpired | Trouble::OtpLocked | Trouble::SignInExpired | Trouble::NoCallback => return None,
        };
        // Twice: the client's one retry of a safe call meets it too.
        Some(Fault { path: step.path().into(), kind, times: Some(FAULT_TIMES) })
    }
}

/// How a cell must end.
enum Expect {
    /// Refused with one of these codes: each says what happened and what to do.
    Refused(&'static [ErrorCode]),
    /// Done all the same, as far as it can be here: logging out wipes this
    /// computer's tokens whatever ABDM answers (a shared computer must not keep
    /// them), and the desk's acknowledgement of a notify has no answer to read.
    DoneHere,
    /// Kept, shown as waiting for the connection, and sent on its own when it
    /// returns: a verification the desk starts while ABDM cannot be reached.
    Waits,
}

fn expected(step: Step, trouble: Trouble) -> Expect {
    const UNAVAILABLE: &[ErrorCode] = &[ErrorCode::AbdmUnavailable];
    match trouble {
        Trouble::Slow | Trouble::Status(_) | Trouble::NotJson | Trouble::Dropped if step == Step::Logout => {
            Expect::DoneHere
        }
        // The gateway answers these requests with an empty 202; a body that is
        // not JSON goes unread, and the callback the request asked for never comes.
        Trouble::NotJson if step == Step::DeskDirect => Expect::DoneHere,
        Trouble::NotJson if step.waits_for_callback() => Expect::Refused(&[ErrorCode::NoCallback]),
        Trouble::Slow | Trouble::Status(_) | Trouble::Dropped if step == Step::DeskFetchModes => Expect::Waits,
        Trouble::Slow | Trouble::Status(_) | Trouble::NotJson => Expect::Refused(UNAVAILABLE),
        // Cut off before the status line is the network; after it, ABDM.
        Trouble::Dropped => Expect::Refused(&[ErrorCode::NetworkUnavailable, ErrorCode::AbdmUnavailable]),
        Trouble::OtpExpired => Expect::Refused(&[ErrorCode::OtpExpired]),
        Trouble::OtpLocked => Expect::Refused(&[ErrorCode::OtpLocked]),
        Trouble::SignInExpired => Expect::Refused(&[ErrorCode::SessionExpired]),
        Trouble::NoCallback => Expect::Refused(&[ErrorCode::NoCallback]),
    }
}

/// Where a prepared step stands: the flow or verification it continues.
#[derive(Default)]
struct Ready {
    id: String,
}

/// Brings the app to just before `step`.
async fn prepare(app: &App, step: Step) -> Ready {
    let id = match step {
        Step::LoginMobileOtp
        | Step::LoginEmailOtp
        | Step::LoginAddressOtp
        | Step::LoginAbhaNumberOtp
        | Step::SignupMobileOtp
        | Step::SignupEmailOtp
        | Step::KycMethods
        | Step::KycOtp
        | Step::SignupAddressAvailable
        | Step::AddAddress
        | Step::ResetPassword
        | Step::Logout
        | Step::States => String::new(),
        Step::LoginVerifyOtp | Step::LoginChoose => {
            let flow = app.phr.login_by_contact(ASHA_MOBILE).await.unwrap();
            if step == Step::LoginChoose {
                let Verified::Choose(_) = app.phr.login_verify_otp(&flow.id, &app.otp_for(ASHA_MOBILE)).await.unwrap()
                else {
                    panic!("a mobile login chooses next")
                };
            }
            flow.id
        }
        Step::LoginAddressVerifyOtp => app.phr.login_by_address("ashav.pune@sbx", false).await.unwrap().id,
        Step::LoginAddressPassword => app.phr.login_by_address("asha.verma@sbx", true).await.unwrap().id,
        Step::SignupResendOtp | Step::SignupVerifyOtp | Step::SignupProfile | Step::SignupCreate => {
            let flow = app.phr.signup_by_contact(NEW_MOBILE).await.unwrap();
            if step == Step::SignupResendOtp {
                app.sandbox.clock().advance(61);
            }
            if matches!(step, Step::SignupProfile | Step::SignupCreate) {
                app.phr.signup_verify_otp(&flow.id, &app.otp_for(NEW_MOBILE)).await.unwrap();
            }
            if step == Step::SignupCreate {
                app.phr.signup_profile(&flow.id, &profile()).await.unwrap();
            }
            flow.id
        }
        Step::KycVerifyOtp | Step::KycCreate => {
            let flow = app.phr.signup_by_abha_number(KYC_NUMBER, KycMethod::AadhaarOtp).await.unwrap();
            if step == Step::KycCreate {
                app.phr.signup_verify_otp(&flow.id, &app.otp_for(KYC_MOBILE)).await.unwrap();
                app.phr.signup_with_kyc(&flow.id).await.unwrap();
            }
            flow.id
        }
        Step::Refresh => {
            // The user token's 30 minutes are over; the refresh token's are not.
            app.sandbox.clock().advance(31 * 60);
            String::new()
        }
        Step::DeskFetchModes => String::new(),
        Step::DeskMobileOtp | Step::DeskDemographics | Step::DeskDirect => {
            app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.unwrap().id
        }
        Step::DeskVerifyOtp => {
            let v = app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.unwrap();
            app.phr.verify_with(&v.id, GatewayAuthMode::MobileOtp).await.unwrap();
            v.id
        }
    };
    Ready { id }
}

/// The step itself, with the right OTP or `wrong_otp` (for the lockout).
async fn attempt(app: &App, step: Step, ready: &Ready, wrong_otp: Option<&str>) -> Result<(), Error> {
    let otp = |to: &str| wrong_otp.map_or_else(|| app.otp_for(to), str::to_owned);
    let id = ready.id.as_str();
    match step {
        Step::LoginMobileOtp => app.phr.login_by_contact(ASHA_MOBILE).await.map(drop),
        Step::LoginEmailOtp => app.phr.login_by_contact("ravi.kumar@example.in").await.map(drop),
        Step::LoginVerifyOtp | Step::LoginAddressVerifyOtp => {
            app.phr.login_verify_otp(id, &otp(ASHA_MOBILE)).await.map(drop)
        }
        Step::LoginChoose => app.phr.login_choose(id, "ashav.pune@sbx").await.map(drop),
        Step::LoginAddressOtp => app.phr.login_by_address("ashav.pune@sbx", false).await.map(drop),
        Step::LoginAddressPassword => app.phr.login_with_password(id, "Hyd3rabad!Rain").await.map(drop),
        Step::LoginAbhaNumberOtp => app.phr.login_by_abha_number("91111122223333", "1990").await.map(drop),
        Step::SignupMobileOtp => app.phr.signup_by_contact(NEW_MOBILE).await.map(drop),
        Step::SignupEmailOtp => app.phr.signup_by_contact(NEW_EMAIL).await.map(drop),
        Step::SignupResendOtp => app.phr.signup_resend_otp(id).await.map(drop),
        Step::SignupVerifyOtp => app.phr.signup_verify_otp(id, &otp(NEW_MOBILE)).await.map(drop),
        Step::SignupProfile => {
            let flow = app.phr.signup_profile(id, &profile()).await?;
            assert!(matches!(flow.step, SignupStep::ChoosingAddress { .. }), "{flow:?}");
            Ok(())
        }
        Step::SignupAddressAvailable => app.phr.address_available("kavya.iyer93").await.map(drop),
        Step::SignupCreate => app.phr.signup_create(id, "kavya.iyer93", None).await.map(drop),
        Step::KycMethods => app.phr.kyc_methods(KYC_NUMBER).await.map(drop),
        Step::KycOtp => app.phr.signup_by_abha_number(KYC_NUMBER, KycMethod::AadhaarOtp).await.map(drop),
        Step::KycVerifyOtp => app.phr.signup_verify_otp(id, &otp(KYC_MOBILE)).await.map(drop),
        Step::KycCreate => app.phr.signup_create(id, "kavya.kyc93", None).await.map(drop),
        Step::AddAddress | Step::Refresh => app.phr.add_address("asha.matrix").await.map(drop),
        Step::ResetPassword => app.phr.reset_password("N3w#Monsoon", "N3w#Monsoon").await,
        Step::Logout => app.phr.logout().await,
        Step::States => app.phr.states().await.map(drop),
        Step::DeskFetchModes => app.phr.verify_patient("meera.nair@sbx", AuthPurpose::Kyc).await.map(drop),
        Step::DeskMobileOtp => app.phr.verify_with(id, GatewayAuthMode::MobileOtp).await.map(drop),
        Step::DeskVerifyOtp => {
            let otp = wrong_otp.map_or_else(|| app.sandbox.outbox().last().unwrap().otp.clone(), str::to_owned);
            app.phr.verify_otp(id, &otp).await.map(drop)
        }
        Step::DeskDemographics => {
            app.phr.verify_with(id, GatewayAuthMode::Demographics).await?;
            let form = DemographicsForm {
                full_name: "Meera Devi Nair".into(),
                gender: "F".into(),
                date_of_birth: "1990-01-14".into(),
                mobile: None,
            };
            app.phr.verify_demographics(id, form).await.map(drop)
        }
        Step::DeskDirect => {
            app.phr.verify_with(id, GatewayAuthMode::Direct).await?;
            let request = app.sandbox.direct_requests().pop().expect("the patient's app shows the request");
            app.sandbox.answer_direct(&request.transaction_id, true);
            app.phr.verify_await_approval(id).await.map(drop)
        }
    }
}

/// What a failed step must not change: the person saved here, the flows in
/// progress, and who is signed in.
async fn saved(app: &App, with_session: bool) -> String {
    let people = app.phr.store().person_by_address("asha.verma@sbx").await.unwrap().map(|p| p.record);
    let flows: Vec<String> = app.phr.flows_in_progress().await.unwrap().into_iter().map(|f| format!("{f:?}")).collect();
    let session = if with_session { format!("{:?}", app.phr.session().await.unwrap()) } else { String::new() };
    format!("{people:?}\n{flows:?}\n{session}")
}

#[derive(Debug)]
enum Recovery {
    /// The same step again went through.
    Resumed,
    /// The flow from its start went through.
    Restarted,
    /// Sent on its own once the connection returned, ready to carry on.
    Sent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The code shown.
    Refused(ErrorCode),
    /// Done here all the same.
    DoneHere,
    /// Kept until the connection returns.
    Waits,
}

struct Cell {
    step: Step,
    trouble: Trouble,
    outcome: Outcome,
    recovery: Recovery,
}

async fn cell(step: Step, trouble: Trouble) -> Cell {
    let options = ClientOptions { timeout: TIMEOUT, ..ClientOptions::default() };
    let mut app = start_with_client(abdm_sandbox::Options::default(), options).await;
    if step.at_desk() {
        app = with_desk(app, CALLBACK_WAIT, true).await;
    }
    // Something saved before the step, which no failure may lose.
    sign_in_asha(&app).await;
    let ready = prepare(&app, step).await;
    // Expired or ended on purpose, the sign-in is not what must survive.
    let with_session = trouble != Trouble::SignInExpired && step != Step::Logout;
    let before = saved(&app, with_session).await;

    let result = match trouble {
        Trouble::OtpExpired => {
            app.sandbox.clock().advance(10 * 60 + 1);
            attempt(&app, step, &ready, None).await
        }
        Trouble::OtpLocked => {
            let wrong = if app.otp_for(step.otp_to().unwrap()) == "000000" { "111111" } else { "000000" };
            let mut result = Ok(());
            for _ in 0..10 {
                result = attempt(&app, step, &ready, Some(wrong)).await;
                if result.as_ref().is_err_and(|e| e.code() != ErrorCode::OtpInvalid) {
                    break;
                }
            }
            result
        }
        Trouble::SignInExpired => {
            app.sandbox.clock().advance(16 * 24 * 60 * 60);
            attempt(&app, step, &ready, None).await
        }
        Trouble::NoCallback => {
            app.client().register_bridge("http://127.0.0.1:9").await.unwrap();
            let result = attempt(&app, step, &ready, None).await;
            app.client().register_bridge(app.bridge_url.as_deref().unwrap()).await.unwrap();
            result
        }
        Trouble::Slow | Trouble::Status(_) | Trouble::NotJson | Trouble::Dropped => {
            app.sandbox.inject(trouble.fault(step).unwrap());
            let result = attempt(&app, step, &ready, None).await;
            let left = app.sandbox.pending_faults().first().and_then(|f| f.times).unwrap_or(0);
            assert!(left < FAULT_TIMES, "{step:?} never sent {}", step.path());
            app.sandbox.clear_faults();
            if trouble == Trouble::Slow {
                // The sandbox still answers, late: let it finish as ABDM would.
                tokio::time::sleep(SLOW - TIMEOUT + Duration::from_millis(300)).await;
            }
            result
        }
    };
    let waiting = if step.at_desk() { app.phr.waiting_verifications().await.unwrap() } else { Vec::new() };
    let outcome = match (expected(step, trouble), result) {
        (Expect::Refused(codes), Err(err)) if codes.contains(&err.code()) => Outcome::Refused(err.code()),
        (Expect::DoneHere, Ok(())) => Outcome::DoneHere,
        (Expect::Waits, Ok(())) if waiting.len() == 1 => Outcome::Waits,
        (_, result) => panic!("{step:?} with {trouble:?}: {result:?}, {} waiting", waiting.len()),
    };
    assert_eq!(saved(&app, with_session).await, before, "{step:?} with {trouble:?} lost something");

    let recovery = match outcome {
        Outcome::DoneHere => go_on_after_done(&app, step).await,
        Outcome::Refused(_) => go_on(&mut app, step, trouble, &ready).await,
        Outcome::Waits => {
            app.phr.send_waiting().await.unwrap();
            let waiting = app.phr.waiting_verifications().await.unwrap();
            let [sent] = waiting.as_slice() else { panic!("{step:?} with {trouble:?}: {waiting:?}") };
            assert!(matches!(sent.verification.step, VerificationStep::ChoosingMode { .. }), "{sent:?}");
            Recovery::Sent
        }
    };
    let _ = app.phr.logout().await;
    Cell { step, trouble, outcome, recovery }
}

/// The person goes on: the same step again, or the flow from its start (after
/// the wait ABDM asks for, and a new sign-in where it ended).
async fn go_on(app: &mut App, step: Step, trouble: Trouble, ready: &Ready) -> Recovery {
    if attempt(app, step, ready, None).await.is_ok() {
        return Recovery::Resumed;
    }
    let wait = if trouble == Trouble::OtpLocked { 31 * 60 } else { 61 };
    app.sandbox.clock().advance(wait);
    if step.at_desk() {
        app.staff_signed_in().await;
    }
    if trouble == Trouble::SignInExpired {
        sign_in_asha(app).await;
    }
    let ready = prepare(app, step).await;
    if let Err(err) = attempt(app, step, &ready, None).await {
        panic!("{step:?} after {trouble:?} could not start again: {err:?}");
    }
    Recovery::Restarted
}

/// After a step done here despite ABDM: nothing of it is left half way.
async fn go_on_after_done(app: &App, step: Step) -> Recovery {
    match step {
        Step::Logout => {
            assert!(app.token_of("asha.verma@sbx").await.is_none(), "the token left this computer");
            sign_in_asha(app).await;
        }
        _ => assert!(app.phr.flows_in_progress().await.unwrap().is_empty()),
    }
    Recovery::Resumed
}

async fn sign_in_asha(app: &App) {
    let flow = app.phr.login_by_address("asha.verma@sbx", true).await.unwrap();
    app.phr.login_with_password(&flow.id, "Hyd3rabad!Rain").await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_step_meets_every_fault_with_a_specific_error_and_can_go_on() {
    let limit = Arc::new(tokio::sync::Semaphore::new(PARALLEL));
    let mut cells = tokio::task::JoinSet::new();
    for step in Step::ALL {
        for trouble in Trouble::ALL.into_iter().filter(|t| t.meets(step)) {
            let limit = limit.clone();
            cells.spawn(async move {
                let _permit = limit.acquire_owned().await.unwrap();
                // Its own task, so one failing cell is reported with the rest.
                tokio::spawn(cell(step, trouble)).await.map_err(|e| (step, trouble, panic_text(e)))
            });
        }
    }
    let (mut done, mut failed) = (Vec::new(), Vec::new());
    while let Some(result) = cells.join_next().await {
        match result.unwrap() {
            Ok(cell) => done.push(cell),
            Err(failure) => failed.push(failure),
        }
    }

    let mut table = String::from("| step |");
    for trouble in Trouble::ALL {
        write!(table, " {} |", trouble.header()).unwrap();
    }
    table.push_str("\n|---|");
    table.push_str(&"---|".repeat(Trouble::ALL.len()));
    for step in Step::ALL {
        write!(table, "\n| {step:?} |").unwrap();
        for trouble in Trouble::ALL {
            match done.iter().find(|c| c.step == step && c.trouble == trouble) {
                Some(Cell { outcome: Outcome::Refused(code), recovery, .. }) => {
                    write!(table, " {code:?}, {recovery:?} |").unwrap()
                }
                Some(Cell { outcome: Outcome::DoneHere, .. }) => table.push_str(" done here |"),
                Some(Cell { outcome: Outcome::Waits, recovery, .. }) => {
                    write!(table, " waits, {recovery:?} |").unwrap()
                }
                None if failed.iter().any(|f| f.0 == step && f.1 == trouble) => table.push_str(" FAILED |"),
                None => table.push_str(" — |"),
            }
        }
    }
    writeln!(
        table,
        "\n\n{} cells, {} steps: each ended in the code shown and went on as shown.",
        done.len(),
        Step::ALL.len()
    )
    .unwrap();
    println!("{table}");
    if let Some(dir) = std::env::var_os("ABHA_TEST_LOG_DIR") {
        std::fs::write(std::path::Path::new(&dir).join("fault-matrix.md"), &table).unwrap();
    }
    assert!(
        failed.is_empty(),
        "{} cells failed:\n{}",
        failed.len(),
        failed.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join("\n")
    );
}

fn panic_text(err: tokio::task::JoinError) -> String {
    let Ok(panic) = err.try_into_panic() else { return "cancelled".into() };
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}
