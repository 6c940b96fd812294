//! From process start to a managed `Phr`: folders, config, logging, and in demo
//! mode the embedded ABDM sandbox. A bad config or a port in use stops the app
//! before a window opens, with a message that names what to fix. The saved data
//! (keyring, SQLCipher, migrations) and the demo sandbox then open while WebKit
//! starts and loads the page, so the first screen does not wait for them twice;
//! commands wait for them, and a failure there reaches the window as its code.

use std::{collections::HashMap, io, net::Ipv4Addr, path::PathBuf, time::Duration};

use abdm_client::{AbdmClient, AbdmConfig, BaseUrl, PhrApi, bridge::Bridge};
use abdm_sandbox::{SandboxHandle, SandboxUrls, StateFile};
use abdm_types::{CmSuffix, Sensitive};
use phr_core::{
    AppConfig, AppInfo, Clock, ConfigError, FrontDeskBridge, LocalData, Mode, StaffConfig, StaffDesk, StaffIdentity,
    StaffSignIn, StaffWay, Target,
    config::CONFIG_FILE_NAME,
    telemetry::{self, Telemetry, TelemetryError},
};
use staff_identity::{AuthPlatform, ClientAuth, OidcSettings};
use tauri::{Runtime, path::PathResolver};
use tokio::sync::{SetOnce, broadcast};

use crate::IpcError;

/// The app's folders. Production uses Tauri's per-user folders; tests use temp ones.
#[derive(Debug, Clone)]
pub struct AppDirs {
    /// Holds `config.toml`.
    pub config: PathBuf,
    /// Holds the rotated log files.
    pub logs: PathBuf,
    /// Holds one encrypted cache per mode (`demo/`, `abdm-sandbox/`, ...).
    pub data: PathBuf,
    /// Where exported files (the access log) are saved: the Downloads folder.
    pub exports: PathBuf,
}

/// Keyring entries are per mode, so demo sign-ins never mix with real ones.
pub fn keyring_service(mode: Mode) -> String {
    format!("in.abhadesktop.client.{mode}")
}

/// What start-up reads from outside: `ABHA_*` environment variables and, unless
/// given, the per-user folders.
#[derive(Debug, Default)]
pub struct Startup {
    env: HashMap<String, String>,
    dirs: Option<AppDirs>,
}

/// What the running app holds on to. Managed by Tauri, read by the commands.
pub(crate) struct Started {
    pub info: AppInfo,
    pub exports: PathBuf,
    /// Set by [`Opening::open`] once the data and the demo sandbox are up.
    data: SetOnce<Result<LocalData, IpcError>>,
    // Kept for their Drop: the log writer flushes, the sandbox serves until exit
    // (and its outbox is the demo phone).
    _telemetry: Option<Telemetry>,
    sandbox: SetOnce<SandboxHandle>,
}

/// What opens after the window is on its way: the saved data, then (demo mode)
/// the sandbox, whose state is sealed with a key derived from the data's.
pub(crate) struct Opening {
    client: AbdmClient,
    folder: PathBuf,
    service: String,
    bridge: FrontDeskBridge,
    staff: Option<StaffDesk>,
    demo: Option<DemoSandbox>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot build the application")]
    Build(#[source] tauri::Error),
    #[error("cannot find the app's folders")]
    Dirs(#[source] tauri::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot start logging")]
    Telemetry(#[source] TelemetryError),
    #[error("cannot start the embedded ABDM sandbox for demo mode")]
    Sandbox(#[source] io::Error),
    #[error(
        "the ABDM client secret for `{client_id}` is not in the OS keyring; store it with: secret-tool store \
         --label='ABHA Desktop client secret' service {service} username client-secret:{client_id} target default \
         application rust-keyring"
    )]
    NoClientSecret { client_id: String, service: String },
    #[error("cannot receive ABDM's callbacks on {listen} (set `bridge.listen` or $ABHA_BRIDGE_LISTEN)")]
    Bridge {
        listen: std::net::SocketAddr,
        #[source]
        source: io::Error,
    },
    #[error("cannot open the saved data")]
    Data(#[source] phr_core::Error),
    #[error("cannot set up the staff sign-in")]
    Staff(#[source] staff_identity::AuthPlatformError),
}

/// How long the front desk waits for the gateway's answer to one step.
const CALLBACK_WAIT: Duration = Duration::from_secs(30);

impl Started {
    /// The saved data, once opened (a command that comes sooner waits for it).
    pub async fn data(&self) -> Result<&LocalData, IpcError> {
        self.data.wait().await.as_ref().map_err(Clone::clone)
    }

    /// The embedded sandbox's outbox (demo mode only; empty until it is up).
    pub fn demo_outbox(&self) -> Vec<abdm_sandbox::SentOtp> {
        self.sandbox.get().map(SandboxHandle::outbox).unwrap_or_default()
    }

    /// The embedded auth platform's sent mail (demo mode only).
    pub fn demo_mailbox(&self) -> Vec<abdm_sandbox::SentMail> {
        self.sandbox.get().map(SandboxHandle::mailbox).unwrap_or_default()
    }

    /// DIRECT-mode requests the demo patients' PHR app shows (demo mode only).
    pub fn demo_direct_requests(&self) -> Vec<abdm_sandbox::DirectRequest> {
        self.sandbox.get().map(SandboxHandle::direct_requests).unwrap_or_default()
    }

    /// Demo mode's *Reset demo*: this computer forgets the demo's people and
    /// sign-ins first, then the sandbox goes back to its seeded people.
    pub async fn reset_demo(&self) -> Result<(), IpcError> {
        let data = self.data().await?;
        let Some(sandbox) = self.sandbox.get() else {
            return Err(phr_core::Error::input(phr_core::ErrorCode::DemoOnly, "only demo mode can be reset").into());
        };
        data.phr()?.forget_everyone().await?;
        sandbox.reset();
        tracing::info!("demo reset to its seeded people");
        Ok(())
    }

    /// The demo people the demo phone can act as (demo mode only).
    pub fn demo_people(&self) -> Vec<(String, String)> {
        self.sandbox.get().map(SandboxHandle::people).unwrap_or_default()
    }

    /// A demo patient scans a counter's QR and shares their profile.
    pub async fn demo_share(&self, address: &str, qr: &str) -> Result<abdm_sandbox::ShareAnswer, IpcError> {
        let Some(sandbox) = self.sandbox.get() else {
            return Err(
                phr_core::Error::input(phr_core::ErrorCode::DemoOnly, "only demo mode has demo patients").into()
            );
        };
        sandbox.share_profile(address, qr).await.map_err(|failure| {
            // The sandbox's side failed (no desk yet, or it did not answer): as
            // a patient's app would, the phone says the facility did not answer.
            phr_core::Error::input(phr_core::ErrorCode::NoCallback, failure).into()
        })
    }

    /// Demo mode's *ABDM unreachable*: every call to the embedded sandbox has
    /// its connection dropped until it is switched off, so a trainer can show
    /// what the app does while ABDM is down.
    pub fn demo_outage(&self, down: bool) -> Result<(), IpcError> {
        let Some(sandbox) = self.sandbox.get() else {
            return Err(phr_core::Error::input(phr_core::ErrorCode::DemoOnly, "only demo mode has a sandbox").into());
        };
        sandbox.clear_faults();
        if down {
            sandbox.inject(abdm_sandbox::Fault { path: "/*".into(), kind: abdm_sandbox::FaultKind::Drop, times: None });
        }
        Ok(())
    }

    /// A demo patient approves or denies in their PHR app.
    pub fn demo_answer_direct(&self, transaction_id: &str, grant: bool) -> bool {
        self.sandbox.get().is_some_and(|s| s.answer_direct(transaction_id, grant))
    }
}

impl Opening {
    /// Opens the data and the demo sandbox, hands them to `started`, and gives
    /// the data's changes for the UI's events.
    pub(crate) async fn open(self, started: &Started) -> Option<broadcast::Receiver<phr_core::Change>> {
        let opened = async {
            let data = LocalData::open(
                self.client,
                &self.folder,
                &self.service,
                Clock::system(),
                Some(self.bridge),
                self.staff,
            )
            .await?;
            if let Some(demo) = self.demo {
                let sandbox = demo.serve(&self.folder, &data).await.map_err(|e| phr_core::Error::Internal(e.into()))?;
                let _ = started.sandbox.set(sandbox);
            }
            Ok::<_, phr_core::Error>(data)
        };
        let (changes, data) = match opened.await {
            Ok(data) => (Some(data.subscribe()), Ok(data)),
            Err(err) => (None, Err(IpcError::from(err))),
        };
        let _ = started.data.set(data);
        changes
    }
}

impl Startup {
    pub fn from_process() -> Self {
        Self { env: std::env::vars().filter(|(key, _)| key.starts_with("ABHA_")).collect(), dirs: None }
    }

    /// Start-up in the given folders with the given `ABHA_*` variables, ignoring
    /// the process environment.
    pub fn isolated(dirs: AppDirs, env: impl IntoIterator<Item = (String, String)>) -> Self {
        Self { env: env.into_iter().collect(), dirs: Some(dirs) }
    }

    pub(crate) fn start<R: Runtime>(self, paths: &PathResolver<R>) -> Result<(Started, Opening), StartError> {
        let dirs = match self.dirs {
            Some(dirs) => dirs,
            None => AppDirs {
                config: paths.app_config_dir().map_err(StartError::Dirs)?,
                logs: paths.app_log_dir().map_err(StartError::Dirs)?,
                data: paths.app_data_dir().map_err(StartError::Dirs)?,
                // No Downloads folder (a bare account): next to the data.
                exports: paths.download_dir().or_else(|_| paths.app_data_dir()).map_err(StartError::Dirs)?,
            },
        };
        let config = AppConfig::load(&dirs.config.join(CONFIG_FILE_NAME), |key| self.env.get(key).cloned())?;
        let telemetry = match telemetry::init(&dirs.logs, &config.log_filter) {
            Ok(telemetry) => Some(telemetry),
            // Another app instance in this process (tests) already logs.
            Err(TelemetryError::AlreadyInstalled(_)) => None,
            Err(err) => return Err(StartError::Telemetry(err)),
        };
        let mode = config.mode();
        let service = keyring_service(mode);
        let (bridge_listen, bridge_url) = (config.bridge_listen, config.bridge_url.clone());
        let staff_config = config.staff.clone();
        let counters = config.counters.clone();
        let (abdm, secret, demo) = match config.target {
            Target::Demo => {
                let demo = DemoSandbox::bind().map_err(StartError::Sandbox)?;
                (
                    demo.abdm(config.api).map_err(StartError::Sandbox)?,
                    Sensitive::from(abdm_sandbox::DEMO_CLIENT_SECRET),
                    Some(demo),
                )
            }
            Target::AbdmSandbox(abdm) | Target::AbdmProduction(abdm) => {
                let secret = client_secret(&service, &abdm.client_id)?;
                (abdm, secret, None)
            }
        };
        tracing::info!(%mode, api = abdm.api.as_str(), abdm_host = abdm.phr_base_url.host(), logs = %dirs.logs.display(), "started");
        let info = AppInfo::new(mode, &abdm);
        let client = AbdmClient::new(abdm, secret).map_err(|e| StartError::Data(e.into()))?;
        let mut bridge = start_bridge(&client, bridge_listen, bridge_url.as_ref(), demo.is_some())?;
        bridge.counters = counters;
        let staff = staff_desk(staff_config, demo.as_ref().map(|d| d.urls), &service)?;
        let folder = dirs.data.join(mode.to_string());
        let started = Started {
            info,
            exports: dirs.exports,
            data: SetOnce::new(),
            _telemetry: telemetry,
            sandbox: SetOnce::new(),
        };
        // Requests to the demo sandbox made before it serves (the bridge's
        // registration) wait on its bound listener.
        Ok((started, Opening { client, folder, service, bridge, staff, demo }))
    }
}

/// Receives the gateway's callbacks in this process. The embedded sandbox (or,
/// with `bridge.public_url`, ABDM) is told where in the background: start-up
/// does not wait on the network.
fn start_bridge(
    client: &AbdmClient,
    listen: std::net::SocketAddr,
    public_url: Option<&BaseUrl>,
    demo: bool,
) -> Result<FrontDeskBridge, StartError> {
    let listener = tauri::async_runtime::block_on(tokio::net::TcpListener::bind(listen))
        .map_err(|source| StartError::Bridge { listen, source })?;
    let bound = listener.local_addr().map_err(|source| StartError::Bridge { listen, source })?;
    let bridge = Bridge::new(client.clone());
    tauri::async_runtime::spawn(bridge.clone().serve(listener));
    let public = match public_url {
        Some(url) => Some(url.endpoint("").to_string().trim_end_matches('/').to_owned()),
        None => demo.then(|| format!("http://{bound}")),
    };
    if let Some(public) = public {
        let client = client.clone();
        tauri::async_runtime::spawn(async move {
            match client.register_bridge(&public).await {
                Ok(()) => tracing::info!("the gateway's callbacks come to this desk"),
                Err(err) => tracing::warn!(error = %err, "the bridge URL could not be registered"),
            }
        });
    }
    tracing::info!(%bound, "bridge listening for the gateway's callbacks");
    Ok(FrontDeskBridge { bridge, wait: CALLBACK_WAIT, counters: Vec::new() })
}

/// How the front desk's staff sign in, from `[staff]`: in demo mode the
/// embedded sandbox's auth platform or provider. A secret missing from the
/// keyring does not stop the app (the patient's side works without the desk):
/// the desk says so, and the log has the line that stores it.
fn staff_desk(
    config: StaffConfig,
    sandbox: Option<SandboxUrls>,
    service: &str,
) -> Result<Option<StaffDesk>, StartError> {
    let identity = match config.sign_in {
        StaffSignIn::NotConfigured => return Ok(None),
        StaffSignIn::AuthPlatform { url: configured } => {
            let (base, key) = match (configured, sandbox) {
                (Some(base), _) => {
                    let account = base.host().to_owned();
                    (base, staff_secret(service, StaffWay::AuthPlatform, &account)?)
                }
                (None, Some(sandbox)) => {
                    let base = BaseUrl::parse(&sandbox.auth_platform_url())
                        .map_err(|e| StartError::Sandbox(io::Error::other(e)))?;
                    (base, Some(Sensitive::from(abdm_sandbox::DEMO_AUTH_PLATFORM_API_KEY)))
                }
                (None, None) => return Ok(None),
            };
            match key {
                Some(key) => StaffIdentity::AuthPlatform(AuthPlatform::new(base, key).map_err(StartError::Staff)?),
                None => StaffIdentity::MissingSecret(StaffWay::AuthPlatform),
            }
        }
        StaffSignIn::Oidc(oidc) => {
            let (issuer, client_id) = match (oidc.issuer, oidc.client_id, sandbox) {
                (Some(issuer), Some(client_id), _) => (issuer, client_id),
                (_, _, Some(sandbox)) => (sandbox.oidc_issuer(), abdm_sandbox::DEMO_OIDC_CLIENT.id.to_owned()),
                _ => return Ok(None),
            };
            let needs_secret = oidc.client_auth != ClientAuth::None;
            let client_secret = if needs_secret { staff_secret(service, StaffWay::Oidc, &client_id)? } else { None };
            if needs_secret && client_secret.is_none() {
                StaffIdentity::MissingSecret(StaffWay::Oidc)
            } else {
                StaffIdentity::Oidc(OidcSettings {
                    issuer,
                    client_id,
                    client_secret,
                    auth: oidc.client_auth,
                    scopes: oidc.scopes,
                    response_mode: oidc.response_mode,
                    max_age: oidc.max_age,
                })
            }
        }
    };
    Ok(Some(StaffDesk { identity, idle_secs: config.idle_secs, opener: config.opener }))
}

/// A staff sign-in secret from the keyring; when it is missing, the log says
/// how to store it.
fn staff_secret(service: &str, way: StaffWay, account: &str) -> Result<Option<Sensitive<String>>, StartError> {
    let secret =
        tauri::async_runtime::block_on(phr_core::staff_secret(service, way, account)).map_err(StartError::Data)?;
    if secret.is_none() {
        let (label, kind) = match way {
            StaffWay::AuthPlatform => ("auth platform API key", "staff-api-key"),
            StaffWay::Oidc => ("OpenID Connect client secret", "staff-client-secret"),
        };
        tracing::warn!(
            "the front desk stays closed: the {label} is not in the keyring; store it with: secret-tool store \
             --label='ABHA Desktop {label}' service {service} username {kind}:{account} target default \
             application rust-keyring"
        );
    }
    Ok(secret)
}

/// The installation's ABDM client secret, from the OS keyring.
fn client_secret(service: &str, client_id: &str) -> Result<Sensitive<String>, StartError> {
    let missing = || StartError::NoClientSecret { client_id: client_id.to_owned(), service: service.to_owned() };
    let secret = tauri::async_runtime::block_on(phr_core::client_secret(service, client_id));
    secret.map_err(StartError::Data)?.ok_or_else(missing)
}

/// The embedded sandbox of demo mode, bound but not yet serving.
struct DemoSandbox {
    listener: tokio::net::TcpListener,
    urls: SandboxUrls,
}

/// The demo sandbox's state, in the demo data folder beside the cache.
const DEMO_STATE_FILE: &str = "sandbox-state.sealed";
const DEMO_STATE_PURPOSE: &str = "abdm-sandbox-state";

impl DemoSandbox {
    fn bind() -> io::Result<Self> {
        let listener = tauri::async_runtime::block_on(tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))?;
        Ok(Self { urls: SandboxUrls(listener.local_addr()?), listener })
    }

    fn abdm(&self, api: PhrApi) -> io::Result<AbdmConfig> {
        let base_url = |url: String| BaseUrl::parse(&url).map_err(io::Error::other);
        let phr_base_url = match api {
            PhrApi::V1 => self.urls.phr_base_url(),
            PhrApi::V3 => self.urls.phr_v3_base_url(),
        };
        Ok(AbdmConfig {
            phr_base_url: base_url(phr_base_url)?,
            gateway_base_url: base_url(self.urls.gateway_base_url())?,
            client_id: abdm_sandbox::DEMO_CLIENT_ID.to_owned(),
            requester_id: abdm_sandbox::DEMO_REQUESTER_ID.to_owned(),
            cm_suffix: CmSuffix::sandbox(),
            api,
        })
    }

    /// Serves with the state saved in `folder`, sealed with a key derived from
    /// the cache's. Without a keyring the cache's key comes from a passphrase
    /// typed later, so the sandbox then keeps its state in memory only.
    async fn serve(self, folder: &std::path::Path, data: &LocalData) -> io::Result<SandboxHandle> {
        let state = match data.sealing_key(DEMO_STATE_PURPOSE) {
            Some(key) => {
                std::fs::create_dir_all(folder)?;
                Some(StateFile { path: folder.join(DEMO_STATE_FILE), key: Some(key) })
            }
            None => {
                tracing::warn!("no keyring: the demo sandbox forgets what it was told when the app closes");
                None
            }
        };
        let options = abdm_sandbox::Options { state, ..Default::default() };
        abdm_sandbox::spawn_with(self.listener, options).await
    }
}

/// A start-up failure as one line: the outermost message and its causes.
pub(crate) fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut line = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line
}
