use std::sync::Arc;

use abdm_client::{AbdmClient, AbdmConfig, BaseUrl, ClientOptions, PhrApi};
use abdm_sandbox::SandboxHandle;
use abdm_types::{CmSuffix, Sensitive};
use phr_core::{Clock, Phr, ProfileForm, StaffDesk, StaffIdentity};
use phr_store::{DbKey, SecretKind, Store, Vault};
use tempfile::TempDir;

pub struct App {
    pub sandbox: SandboxHandle,
    pub phr: Phr,
    pub vault: Vault,
    options: ClientOptions,
    /// The generation of ABDM's PHR API the app speaks.
    pub api: PhrApi,
    /// Where the front desk's bridge listens, once `with_desk` started it.
    pub bridge_url: Option<String>,
    /// The desk's bridge, given again to the `Phr` of a restart.
    desk: Option<phr_core::FrontDeskBridge>,
    // Before `dir`: fields drop in order, and the copy needs the folder.
    _keep: KeepDatabase,
    dir: TempDir,
    key: DbKey,
}

static TELEMETRY: std::sync::OnceLock<Option<phr_core::telemetry::Telemetry>> = std::sync::OnceLock::new();

/// The app's own logging, at debug, into `$ABHA_TEST_LOG_DIR` when the test
/// command sets it: it then greps those files for every secret the tests used.
fn telemetry() {
    TELEMETRY.get_or_init(|| {
        let dir = std::env::var_os("ABHA_TEST_LOG_DIR")?;
        phr_core::telemetry::init(std::path::Path::new(&dir), "debug").ok()
    });
}

/// The sandbox, a fresh encrypted cache, a keyring namespace of this test's own,
/// and a clock that follows the sandbox's.
pub async fn start() -> App {
    start_with(abdm_sandbox::Options::default()).await
}

pub async fn start_with(options: abdm_sandbox::Options) -> App {
    start_with_client(options, ClientOptions::default()).await
}

/// As `start`, speaking `api` to the sandbox, which serves both generations.
pub async fn start_on(api: PhrApi) -> App {
    open(abdm_sandbox::Options::default(), ClientOptions::default(), api).await
}

/// Both generations of the PHR API, for the journeys that run on each.
pub const BOTH: [PhrApi; 2] = [PhrApi::V1, PhrApi::V3];

/// As `start`, with the client's timeouts set by the test.
pub async fn start_with_client(options: abdm_sandbox::Options, client_options: ClientOptions) -> App {
    open(options, client_options, PhrApi::V1).await
}

async fn open(options: abdm_sandbox::Options, client_options: ClientOptions, api: PhrApi) -> App {
    telemetry();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox = abdm_sandbox::spawn_with(listener, options).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = DbKey::random();
    let vault = Vault::new(unique_service());
    let phr = phr(&sandbox, &dir, &key, &vault, &client_options, api).await;
    App {
        sandbox,
        phr,
        vault,
        options: client_options,
        api,
        bridge_url: None,
        desk: None,
        _keep: KeepDatabase(dir.path().to_owned()),
        dir,
        key,
    }
}

fn client(sandbox: &SandboxHandle, options: &ClientOptions, api: PhrApi) -> AbdmClient {
    let phr_base_url = match api {
        PhrApi::V1 => sandbox.phr_base_url(),
        PhrApi::V3 => sandbox.phr_v3_base_url(),
    };
    let config = AbdmConfig {
        phr_base_url: BaseUrl::parse(&phr_base_url).unwrap(),
        gateway_base_url: BaseUrl::parse(&sandbox.gateway_base_url()).unwrap(),
        client_id: abdm_sandbox::DEMO_CLIENT_ID.to_owned(),
        requester_id: abdm_sandbox::DEMO_REQUESTER_ID.to_owned(),
        cm_suffix: CmSuffix::sandbox(),
        api,
    };
    AbdmClient::with_options(config, Sensitive::from(abdm_sandbox::DEMO_CLIENT_SECRET), options.clone()).unwrap()
}

fn clock(sandbox: &SandboxHandle) -> Clock {
    let clock: Arc<abdm_sandbox::Clock> = sandbox.clock().clone();
    Clock::from_fn(move || clock.now())
}

async fn phr(
    sandbox: &SandboxHandle,
    dir: &TempDir,
    key: &DbKey,
    vault: &Vault,
    options: &ClientOptions,
    api: PhrApi,
) -> Phr {
    let store = Store::open(&dir.path().join("cache.db"), key).await.unwrap();
    Phr::new(client(sandbox, options, api), store, vault.clone(), clock(sandbox))
        .with_desk(staff_desk(sandbox, 15 * 60))
}

/// The app with the front desk's bridge listening and registered with the
/// sandbox (when `register`), waiting `wait` for each callback, and Priya signed in.
pub async fn with_desk(mut app: App, wait: std::time::Duration, register: bool) -> App {
    let bridge = abdm_client::bridge::Bridge::new(app.client());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(bridge.clone().serve(listener));
    if register {
        app.client().register_bridge(&url).await.unwrap();
    }
    app.bridge_url = Some(url);
    let counters = vec!["1".to_owned(), "OPD2".to_owned()];
    let desk = phr_core::FrontDeskBridge { bridge, wait, counters };
    app.phr = app.phr.clone().with_bridge(desk.clone());
    app.desk = Some(desk);
    app.staff_signed_in().await;
    app
}

/// The front desk's staff sign-in: the sandbox's auth platform.
pub fn staff_desk(sandbox: &SandboxHandle, idle_secs: i64) -> StaffDesk {
    let platform = staff_identity::AuthPlatform::new(
        BaseUrl::parse(&sandbox.auth_platform_url()).unwrap(),
        Sensitive::from(abdm_sandbox::DEMO_AUTH_PLATFORM_API_KEY),
    )
    .unwrap();
    StaffDesk { identity: StaffIdentity::AuthPlatform(platform), idle_secs, opener: vec!["false".into()] }
}

/// The sandbox's verified member of staff, who works at one clinic.
pub const PRIYA: (&str, &str) = ("priya.desk@sunrise.example", "Desk#Sunrise1");

/// The profile a new sign-up (Kavya, in Chennai) types.
pub fn profile() -> ProfileForm {
    ProfileForm {
        first_name: "Kavya".into(),
        last_name: Some("Iyer".into()),
        gender: "F".into(),
        day_of_birth: "4".into(),
        month_of_birth: "08".into(),
        year_of_birth: "1993".into(),
        address: "9 Temple Street".into(),
        state_code: "33".into(),
        district_code: "568".into(),
        pincode: "600004".into(),
        ..ProfileForm::default()
    }
}

/// A keyring service name no other test uses.
pub fn unique_service() -> String {
    format!("in.abhadesktop.journeys.{}", uuid())
}

impl App {
    /// The same machine after a restart: a new `Phr` on the same cache and keyring.
    pub async fn restart(&mut self) {
        self.phr.store().clone().close().await;
        self.phr = phr(&self.sandbox, &self.dir, &self.key, &self.vault, &self.options, self.api).await;
        if let Some(desk) = self.desk.clone() {
            self.phr = self.phr.clone().with_bridge(desk);
        }
    }

    /// A client of the sandbox, as the app builds one.
    pub fn client(&self) -> AbdmClient {
        client(&self.sandbox, &self.options, self.api)
    }

    pub fn clock(&self) -> Clock {
        clock(&self.sandbox)
    }

    /// Priya signs in at the front desk.
    pub async fn staff_signed_in(&self) {
        let outcome = self.phr.staff_sign_in(PRIYA.0, PRIYA.1).await.unwrap();
        assert!(matches!(outcome, phr_core::StaffSignInOutcome::SignedIn { .. }), "{outcome:?}");
    }

    /// The database file and its key, to read it as an attacker with the key would.
    pub fn database(&self) -> (std::path::PathBuf, String) {
        (self.dir.path().join("cache.db"), self.key.expose_hex().to_owned())
    }

    pub fn otp_for(&self, to: &str) -> String {
        self.sandbox.outbox().into_iter().rev().find(|m| m.to == to).expect("an OTP was sent").otp
    }

    /// The access token held for `address` (the keyring's one entry per
    /// sign-in, or on its way there).
    pub async fn token_of(&self, address: &str) -> Option<Sensitive<String>> {
        let entry = self.phr.vault().retrieve(SecretKind::UserSignIn, address).await.unwrap()?;
        let held: serde_json::Value = serde_json::from_str(entry.expose()).unwrap();
        Some(Sensitive::new(held["access"].as_str().unwrap().to_owned()))
    }

    pub async fn forget_tokens(&self, address: &str) {
        self.phr.vault().delete(SecretKind::UserSignIn, address).await.unwrap();
    }
}

/// The test command greps what tests leave behind for the secrets they used: a
/// copy of each journey's database (and its WAL) goes there too.
struct KeepDatabase(std::path::PathBuf);

impl Drop for KeepDatabase {
    fn drop(&mut self) {
        let Some(dir) = std::env::var_os("ABHA_TEST_LOG_DIR") else { return };
        let kept = std::path::Path::new(&dir).join("databases");
        let _ = std::fs::create_dir_all(&kept);
        let name = uuid();
        for suffix in ["", "-wal"] {
            let from = self.0.join(format!("cache.db{suffix}"));
            let _ = std::fs::copy(from, kept.join(format!("{name}.db{suffix}")));
        }
    }
}

fn uuid() -> String {
    format!(
        "{}.{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    )
}
