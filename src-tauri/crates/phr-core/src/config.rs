//! Where the app's settings come from: built-in defaults, then `config.toml` in the
//! app's config folder, then `ABHA_*` environment variables. Every value is checked
//! at start-up; a bad one stops the app with a message naming the key and where
//! it came from, so the app never runs half-configured.

use std::{
    fmt, fs, io,
    path::{Path, PathBuf},
};

use abdm_client::{AbdmConfig, BaseUrl, PhrApi};
use abdm_types::CmSuffix;
use serde::{Deserialize, Serialize};
use staff_identity::{ClientAuth, ResponseMode};

pub const CONFIG_FILE_NAME: &str = "config.toml";

/// How the app reaches ABDM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// The embedded simulator on loopback; nothing leaves the machine.
    Demo,
    /// ABDM's public sandbox (`@sbx` addresses).
    AbdmSandbox,
    /// ABDM production (`@abdm` addresses).
    AbdmProduction,
}

impl Mode {
    fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "demo" => Some(Mode::Demo),
            "abdm-sandbox" => Some(Mode::AbdmSandbox),
            "abdm-production" => Some(Mode::AbdmProduction),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Demo => "demo",
            Mode::AbdmSandbox => "abdm-sandbox",
            Mode::AbdmProduction => "abdm-production",
        })
    }
}

/// Where ABDM calls go: the embedded sandbox (its URL is known only once it runs)
/// or a configured ABDM deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Demo,
    AbdmSandbox(AbdmConfig),
    AbdmProduction(AbdmConfig),
}

impl Target {
    pub fn mode(&self) -> Mode {
        match self {
            Target::Demo => Mode::Demo,
            Target::AbdmSandbox(_) => Mode::AbdmSandbox,
            Target::AbdmProduction(_) => Mode::AbdmProduction,
        }
    }
}

/// The checked configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    pub target: Target,
    /// Where the gateway's callbacks are received (`127.0.0.1:0`: loopback, any port).
    pub bridge_listen: std::net::SocketAddr,
    /// The URL ABDM posts callbacks to, when it is not the listening address
    /// itself (a clinic's public bridge that forwards here).
    pub bridge_url: Option<BaseUrl>,
    /// A `tracing` filter such as `info` or `phr_core=debug,info`.
    pub log_filter: String,
    /// How clinic staff sign in at the front desk.
    pub staff: StaffConfig,
    /// The counters patients scan a QR at to share their profile (Scan and Share).
    pub counters: Vec<String>,
    /// The generation of ABDM's PHR API to speak (demo mode too: the embedded
    /// sandbox serves both).
    pub api: PhrApi,
}

/// The `[staff]` table: how the front desk knows who is at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffConfig {
    pub sign_in: StaffSignIn,
    /// Seconds without input after which the desk locks itself.
    pub idle_secs: i64,
    /// The program (and its arguments) that opens a URL in the system browser.
    pub opener: Vec<String>,
}

/// Which of the clinic's services identifies its staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffSignIn {
    /// None is configured (outside demo mode): the front desk cannot be used.
    NotConfigured,
    /// The clinic's auth platform. `None` in demo mode: the embedded sandbox's.
    AuthPlatform {
        url: Option<BaseUrl>,
    },
    Oidc(OidcConfig),
}

/// An OpenID Connect provider. `issuer` and `client_id` are `None` in demo
/// mode: the embedded sandbox's provider and its registered desktop client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// Exactly as written (a trailing slash matters to the issuer check).
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_auth: ClientAuth,
    pub scopes: Vec<String>,
    pub response_mode: ResponseMode,
    pub max_age: Option<u64>,
}

impl Default for StaffConfig {
    fn default() -> Self {
        Self {
            sign_in: StaffSignIn::AuthPlatform { url: None },
            idle_secs: DEFAULT_IDLE_MINUTES * 60,
            opener: vec![DEFAULT_OPENER.to_owned()],
        }
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            target: Target::Demo,
            log_filter: DEFAULT_LOG_FILTER.to_owned(),
            bridge_listen: DEFAULT_BRIDGE_LISTEN,
            bridge_url: None,
            staff: StaffConfig::default(),
            counters: vec![DEFAULT_COUNTER.to_owned()],
            api: PhrApi::default(),
        }
    }
}

const DEFAULT_IDLE_MINUTES: i64 = 15;
const DEFAULT_OPENER: &str = "xdg-open";
const DEFAULT_OIDC_SCOPES: &str = "profile email";

const DEFAULT_LOG_FILTER: &str = "info";
/// One counter, unless the clinic names its counters.
const DEFAULT_COUNTER: &str = "1";
const DEFAULT_BRIDGE_LISTEN: std::net::SocketAddr =
    std::net::SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);
const SANDBOX_PHR_BASE_URL: &str = "https://dev.abdm.gov.in/cm/";
const SANDBOX_PHR_V3_BASE_URL: &str = "https://abhasbx.abdm.gov.in/abha/api/v3/phr/app/";
const SANDBOX_GATEWAY_BASE_URL: &str = "https://dev.abdm.gov.in/gateway/";

/// One configurable key: its name in the file and its environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub file: &'static str,
    pub env: &'static str,
}

pub const MODE: Key = Key { file: "mode", env: "ABHA_MODE" };
pub const LOG: Key = Key { file: "log", env: "ABHA_LOG" };
pub const PHR_BASE_URL: Key = Key { file: "abdm.phr_base_url", env: "ABHA_PHR_BASE_URL" };
pub const GATEWAY_BASE_URL: Key = Key { file: "abdm.gateway_base_url", env: "ABHA_GATEWAY_BASE_URL" };
pub const CLIENT_ID: Key = Key { file: "abdm.client_id", env: "ABHA_CLIENT_ID" };
pub const REQUESTER_ID: Key = Key { file: "abdm.requester_id", env: "ABHA_REQUESTER_ID" };
pub const CM_SUFFIX: Key = Key { file: "abdm.cm_suffix", env: "ABHA_CM_SUFFIX" };
pub const API: Key = Key { file: "abdm.api", env: "ABHA_API" };
pub const BRIDGE_LISTEN: Key = Key { file: "bridge.listen", env: "ABHA_BRIDGE_LISTEN" };
pub const BRIDGE_URL: Key = Key { file: "bridge.public_url", env: "ABHA_BRIDGE_URL" };
pub const DESK_COUNTERS: Key = Key { file: "desk.counters", env: "ABHA_DESK_COUNTERS" };
pub const STAFF_SIGN_IN: Key = Key { file: "staff.sign_in", env: "ABHA_STAFF_SIGN_IN" };
pub const STAFF_IDLE_MINUTES: Key = Key { file: "staff.idle_minutes", env: "ABHA_STAFF_IDLE_MINUTES" };
pub const STAFF_OPENER: Key = Key { file: "staff.opener", env: "ABHA_STAFF_OPENER" };
pub const STAFF_AUTH_PLATFORM_URL: Key = Key { file: "staff.auth_platform_url", env: "ABHA_STAFF_AUTH_PLATFORM_URL" };
pub const STAFF_OIDC_ISSUER: Key = Key { file: "staff.oidc_issuer", env: "ABHA_STAFF_OIDC_ISSUER" };
pub const STAFF_OIDC_CLIENT_ID: Key = Key { file: "staff.oidc_client_id", env: "ABHA_STAFF_OIDC_CLIENT_ID" };
pub const STAFF_OIDC_CLIENT_AUTH: Key = Key { file: "staff.oidc_client_auth", env: "ABHA_STAFF_OIDC_CLIENT_AUTH" };
pub const STAFF_OIDC_SCOPES: Key = Key { file: "staff.oidc_scopes", env: "ABHA_STAFF_OIDC_SCOPES" };
pub const STAFF_OIDC_RESPONSE_MODE: Key =
    Key { file: "staff.oidc_response_mode", env: "ABHA_STAFF_OIDC_RESPONSE_MODE" };
pub const STAFF_OIDC_MAX_AGE: Key = Key { file: "staff.oidc_max_age", env: "ABHA_STAFF_OIDC_MAX_AGE" };

/// Where a value came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Env(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => write!(f, "in {}", path.display()),
            Origin::Env(var) => write!(f, "from ${var}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("the config file {} is not valid: {message}", path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("`{key}` {origin} is invalid: {reason}", key = key.file)]
    Invalid { key: Key, origin: Origin, reason: String },
    #[error(
        "`{key}` is required in {mode} mode: set it under [{table}] in {} or with ${env}",
        file.display(), key = key.file, env = key.env, table = key.table()
    )]
    Missing { key: Key, mode: Mode, file: PathBuf },
    #[error("`{key}` must not be written in {}: it is kept in the OS keyring", path.display())]
    SecretInFile { key: &'static str, path: PathBuf },
}

impl Key {
    /// The TOML table the key sits in.
    fn table(&self) -> &'static str {
        self.file.split_once('.').map_or("", |(table, _)| table)
    }
}

impl ConfigError {
    /// The key the error is about, if it is about one.
    pub fn key(&self) -> Option<Key> {
        match self {
            ConfigError::Invalid { key, .. } | ConfigError::Missing { key, .. } => Some(*key),
            ConfigError::SecretInFile { key, .. } => Some(Key { file: key, env: "" }),
            ConfigError::Read { .. } | ConfigError::Syntax { .. } => None,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    mode: Option<String>,
    log: Option<String>,
    #[serde(default)]
    abdm: RawAbdm,
    #[serde(default)]
    bridge: RawBridge,
    #[serde(default)]
    staff: RawStaff,
    #[serde(default)]
    desk: RawDesk,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDesk {
    counters: Option<String>,
}

/// Numbers may be written bare (`idle_minutes = 15`) or quoted; both are read
/// as text and checked like the environment's values.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaff {
    sign_in: Option<String>,
    idle_minutes: Option<toml::Value>,
    opener: Option<String>,
    auth_platform_url: Option<String>,
    oidc_issuer: Option<String>,
    oidc_client_id: Option<String>,
    oidc_client_auth: Option<String>,
    oidc_scopes: Option<String>,
    oidc_response_mode: Option<String>,
    oidc_max_age: Option<toml::Value>,
    /// Accepted only to refuse them with a clear message.
    api_key: Option<toml::Value>,
    oidc_client_secret: Option<toml::Value>,
}

fn scalar(value: Option<toml::Value>) -> Option<String> {
    value.map(|v| match v {
        toml::Value::String(s) => s,
        other => other.to_string(),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBridge {
    listen: Option<String>,
    public_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAbdm {
    phr_base_url: Option<String>,
    gateway_base_url: Option<String>,
    client_id: Option<String>,
    requester_id: Option<String>,
    cm_suffix: Option<String>,
    api: Option<String>,
    /// Accepted only to refuse it with a clear message.
    client_secret: Option<toml::Value>,
}

impl AppConfig {
    /// Reads `config_file` (absent is fine: defaults apply) and then the environment,
    /// given as a lookup so tests need not touch the process environment.
    pub fn load(config_file: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let text = match fs::read_to_string(config_file) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ConfigError::Read { path: config_file.to_owned(), source });
            }
        };
        Self::parse(&text, config_file, env)
    }

    /// The config file's `text` (`config_file` names it in errors), then the environment.
    pub fn parse(text: &str, config_file: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let raw = toml::from_str::<RawFile>(text)
            .map_err(|err| ConfigError::Syntax { path: config_file.to_owned(), message: bounded(&err.to_string()) })?;
        for (present, key) in [
            (raw.abdm.client_secret.is_some(), "abdm.client_secret"),
            (raw.staff.api_key.is_some(), "staff.api_key"),
            (raw.staff.oidc_client_secret.is_some(), "staff.oidc_client_secret"),
        ] {
            if present {
                return Err(ConfigError::SecretInFile { key, path: config_file.to_owned() });
            }
        }
        let sources = Sources { file: config_file, env: &env };

        let mode = match sources.pick(MODE, raw.mode) {
            None => Mode::Demo,
            Some((value, origin)) => Mode::parse(&value).ok_or_else(|| ConfigError::Invalid {
                key: MODE,
                origin,
                reason: bounded(&format!("{value:?} is not one of demo, abdm-sandbox, abdm-production")),
            })?,
        };

        let log_filter = match sources.pick(LOG, raw.log) {
            None => DEFAULT_LOG_FILTER.to_owned(),
            Some((value, origin)) => {
                // Targets and levels only, spaces dropped. Span and field filters
                // compile regular expressions (one of 81 characters took the fuzzer
                // over 5 s to start). And tracing-subscriber 0.3.23 slices each
                // directive at offsets into its trimmed copy, so a space before a
                // non-ASCII character panicked (found by the fuzzer).
                let value: String = value.split_whitespace().collect();
                if !value.chars().all(|c| c.is_ascii_alphanumeric() || "_:=,.-".contains(c)) {
                    return Err(ConfigError::Invalid {
                        key: LOG,
                        origin,
                        reason:
                            "only targets and levels such as `phr_core=debug,info`; span and field filters are not read"
                                .into(),
                    });
                }
                tracing_subscriber::EnvFilter::try_new(&value).map_err(|err| ConfigError::Invalid {
                    key: LOG,
                    origin,
                    reason: bounded(&format!("not a log filter such as `info` or `phr_core=debug,info` ({err})")),
                })?;
                value
            }
        };

        // The [abdm] keys are checked in every mode, so a typo is caught before the
        // day someone switches away from demo mode.
        let phr_base_url = sources.parse(PHR_BASE_URL, raw.abdm.phr_base_url, BaseUrl::parse)?;
        let gateway_base_url = sources.parse(GATEWAY_BASE_URL, raw.abdm.gateway_base_url, BaseUrl::parse)?;
        let cm_suffix = sources.parse(CM_SUFFIX, raw.abdm.cm_suffix, CmSuffix::parse)?;
        let client_id = sources.parse(CLIENT_ID, raw.abdm.client_id, identifier)?;
        let requester_id = sources.parse(REQUESTER_ID, raw.abdm.requester_id, identifier)?;
        let api = sources
            .parse(API, raw.abdm.api, |v| match v.trim() {
                "v1" => Ok(PhrApi::V1),
                "v3" => Ok(PhrApi::V3),
                _ => Err("must be v1 (the sign-up and sign-in guide's API) or v3 (the PHR app API ABDM runs today)"),
            })?
            // What ABDM runs today, outside the demo; the demo follows the guide.
            .unwrap_or(if mode == Mode::Demo { PhrApi::V1 } else { PhrApi::V3 });

        let bridge_listen = sources
            .parse(BRIDGE_LISTEN, raw.bridge.listen, |v| {
                v.trim()
                    .parse::<std::net::SocketAddr>()
                    .map_err(|_| "must be an address and port such as 127.0.0.1:8089")
            })?
            .unwrap_or(DEFAULT_BRIDGE_LISTEN);
        let bridge_url = sources.parse(BRIDGE_URL, raw.bridge.public_url, BaseUrl::parse)?;
        let counters =
            sources.parse(DESK_COUNTERS, raw.desk.counters, counters)?.unwrap_or_else(|| vec![DEFAULT_COUNTER.into()]);

        let missing = |key| ConfigError::Missing { key, mode, file: config_file.to_owned() };
        let staff = staff_config(&sources, raw.staff, mode, &missing)?;
        let target = match mode {
            Mode::Demo => Target::Demo,
            Mode::AbdmSandbox | Mode::AbdmProduction => {
                let sandbox = mode == Mode::AbdmSandbox;
                let default_url = |url: &str| BaseUrl::parse(url).ok();
                let abdm = AbdmConfig {
                    phr_base_url: phr_base_url
                        .or_else(|| {
                            let url = match api {
                                PhrApi::V1 => SANDBOX_PHR_BASE_URL,
                                PhrApi::V3 => SANDBOX_PHR_V3_BASE_URL,
                            };
                            sandbox.then(|| default_url(url)).flatten()
                        })
                        .ok_or_else(|| missing(PHR_BASE_URL))?,
                    gateway_base_url: gateway_base_url
                        .or_else(|| sandbox.then(|| default_url(SANDBOX_GATEWAY_BASE_URL)).flatten())
                        .ok_or_else(|| missing(GATEWAY_BASE_URL))?,
                    client_id: client_id.ok_or_else(|| missing(CLIENT_ID))?,
                    requester_id: requester_id.ok_or_else(|| missing(REQUESTER_ID))?,
                    cm_suffix: cm_suffix
                        .unwrap_or_else(|| if sandbox { CmSuffix::sandbox() } else { CmSuffix::production() }),
                    api,
                };
                if sandbox { Target::AbdmSandbox(abdm) } else { Target::AbdmProduction(abdm) }
            }
        };
        Ok(Self { target, log_filter, bridge_listen, bridge_url, staff, counters, api })
    }

    pub fn mode(&self) -> Mode {
        self.target.mode()
    }
}

/// At most [`SHOWN_CHARS`] of an error's text: a reason quotes the value it
/// refuses, and a value can be a megabyte long.
fn bounded(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

const SHOWN_CHARS: usize = 300;

struct Sources<'a, E> {
    file: &'a Path,
    env: &'a E,
}

impl<E: Fn(&str) -> Option<String>> Sources<'_, E> {
    /// The environment wins over the file; an empty variable counts as unset.
    fn pick(&self, key: Key, from_file: Option<String>) -> Option<(String, Origin)> {
        match (self.env)(key.env).filter(|v| !v.trim().is_empty()) {
            Some(value) => Some((value, Origin::Env(key.env))),
            None => from_file.map(|value| (value, Origin::File(self.file.to_owned()))),
        }
    }

    fn parse<T, R: fmt::Display>(
        &self,
        key: Key,
        from_file: Option<String>,
        parse: impl Fn(&str) -> Result<T, R>,
    ) -> Result<Option<T>, ConfigError> {
        self.pick(key, from_file)
            .map(|(value, origin)| {
                parse(&value).map_err(|reason| ConfigError::Invalid {
                    key,
                    origin,
                    reason: bounded(&reason.to_string()),
                })
            })
            .transpose()
    }
}

/// The `[staff]` table, checked in every mode; in demo mode the embedded
/// sandbox stands in for the clinic's services, so their addresses may be left out.
fn staff_config<E: Fn(&str) -> Option<String>>(
    sources: &Sources<'_, E>,
    raw: RawStaff,
    mode: Mode,
    missing: &dyn Fn(Key) -> ConfigError,
) -> Result<StaffConfig, ConfigError> {
    let demo = mode == Mode::Demo;
    let idle_secs = sources
        .parse(STAFF_IDLE_MINUTES, scalar(raw.idle_minutes), |v| match v.trim().parse::<f64>() {
            Ok(minutes) if (0.05..=720.0).contains(&minutes) => Ok((minutes * 60.0).round() as i64),
            _ => Err("must be a number of minutes from 0.05 to 720, such as 15"),
        })?
        .unwrap_or(DEFAULT_IDLE_MINUTES * 60);
    let opener = sources
        .parse(STAFF_OPENER, raw.opener, |v| {
            let words: Vec<String> = v.split_whitespace().map(str::to_owned).collect();
            if words.is_empty() { Err("must name a program, such as xdg-open") } else { Ok(words) }
        })?
        .unwrap_or_else(|| vec![DEFAULT_OPENER.to_owned()]);
    let url = sources.parse(STAFF_AUTH_PLATFORM_URL, raw.auth_platform_url, BaseUrl::parse)?;
    let issuer =
        sources.parse(STAFF_OIDC_ISSUER, raw.oidc_issuer, |v| BaseUrl::parse(v).map(|_| v.trim().to_owned()))?;
    let client_id = sources.parse(STAFF_OIDC_CLIENT_ID, raw.oidc_client_id, identifier)?;
    let client_auth = sources
        .parse(STAFF_OIDC_CLIENT_AUTH, raw.oidc_client_auth, |v| match v.trim() {
            "none" => Ok(ClientAuth::None),
            "client_secret_basic" => Ok(ClientAuth::Basic),
            "client_secret_post" => Ok(ClientAuth::Post),
            _ => Err("must be none, client_secret_basic or client_secret_post"),
        })?
        .unwrap_or(ClientAuth::None);
    let scopes = sources
        .parse(STAFF_OIDC_SCOPES, raw.oidc_scopes, |v| {
            let scopes: Vec<String> = v.split_whitespace().filter(|s| *s != "openid").map(str::to_owned).collect();
            let fine = scopes.iter().all(|s| s.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'));
            if fine { Ok(scopes) } else { Err("must be scope names separated by spaces, such as `profile email`") }
        })?
        .unwrap_or_else(|| DEFAULT_OIDC_SCOPES.split(' ').map(str::to_owned).collect());
    let response_mode = sources
        .parse(STAFF_OIDC_RESPONSE_MODE, raw.oidc_response_mode, |v| match v.trim() {
            "query" => Ok(ResponseMode::Query),
            "form_post" => Ok(ResponseMode::FormPost),
            _ => Err("must be query or form_post (a fragment never reaches the app)"),
        })?
        .unwrap_or(ResponseMode::Query);
    let max_age = sources.parse(STAFF_OIDC_MAX_AGE, scalar(raw.oidc_max_age), |v| {
        v.trim().parse::<u64>().map_err(|_| "must be a whole number of seconds")
    })?;
    let chosen = sources.parse(STAFF_SIGN_IN, raw.sign_in, |v| match v.trim() {
        "auth-platform" => Ok(true),
        "oidc" => Ok(false),
        _ => Err("must be auth-platform or oidc"),
    })?;
    let sign_in = match chosen {
        None if !demo => StaffSignIn::NotConfigured,
        None | Some(true) => StaffSignIn::AuthPlatform {
            url: if demo { None } else { Some(url.ok_or_else(|| missing(STAFF_AUTH_PLATFORM_URL))?) },
        },
        Some(false) => StaffSignIn::Oidc(OidcConfig {
            issuer: if demo { None } else { Some(issuer.ok_or_else(|| missing(STAFF_OIDC_ISSUER))?) },
            client_id: if demo { None } else { Some(client_id.ok_or_else(|| missing(STAFF_OIDC_CLIENT_ID))?) },
            client_auth: if demo { ClientAuth::None } else { client_auth },
            scopes,
            response_mode,
            max_age,
        }),
    };
    Ok(StaffConfig { sign_in, idle_secs, opener })
}

/// ABDM client and HIP/HIU ids: printable, no spaces, at most 64 characters.
/// Counter ids as ABDM's Scan and Share takes them (CARE's rule: 1 to 20
/// letters and digits), separated by spaces or commas, each once.
fn counters(raw: &str) -> Result<Vec<String>, &'static str> {
    let mut counters: Vec<String> = Vec::new();
    for counter in raw.split([' ', ',']).filter(|c| !c.is_empty()) {
        if counter.len() > 20 || !counter.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("each counter is 1 to 20 letters and digits, separated by spaces or commas");
        }
        if !counters.iter().any(|c| c == counter) {
            counters.push(counter.to_owned());
        }
    }
    if counters.is_empty() || counters.len() > 50 {
        return Err("names 1 to 50 counters, such as \"OPD1 OPD2\"");
    }
    Ok(counters)
}

fn identifier(raw: &str) -> Result<String, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 64 || !raw.chars().all(|c| c.is_ascii_graphic()) {
        return Err("must be 1 to 64 printable characters with no spaces");
    }
    Ok(raw.to_owned())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<AppConfig, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE_NAME);
        if let Some(text) = file {
            fs::write(&path, text).unwrap();
        }
        let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        AppConfig::load(&path, |k| env.get(k).cloned())
    }

    #[test]
    fn counters_are_named_in_the_desk_table_or_there_is_one() {
        assert_eq!(load(None, &[]).unwrap().counters, ["1"]);
        let config = load(Some("[desk]\ncounters = \"OPD1, OPD2 OPD1\"\n"), &[]).unwrap();
        assert_eq!(config.counters, ["OPD1", "OPD2"]);
        assert_eq!(load(None, &[("ABHA_DESK_COUNTERS", "A")]).unwrap().counters, ["A"]);
        for bad in ["\"OPD-1\"", "\" , \"", &format!("\"{}\"", "x".repeat(21))] {
            let err = load(Some(&format!("[desk]\ncounters = {bad}\n")), &[]).unwrap_err();
            assert!(err.to_string().contains("desk.counters"), "{err}");
        }
    }

    #[test]
    fn the_bridge_listens_on_loopback_unless_configured() {
        let config = load(None, &[]).unwrap();
        assert_eq!(config.bridge_listen.to_string(), "127.0.0.1:0");
        assert_eq!(config.bridge_url, None);
        let config =
            load(Some("[bridge]\nlisten = \"0.0.0.0:8089\"\npublic_url = \"https://clinic.example.in/abdm/\"\n"), &[])
                .unwrap();
        assert_eq!(config.bridge_listen.to_string(), "0.0.0.0:8089");
        assert!(config.bridge_url.is_some());
        let err = load(None, &[("ABHA_BRIDGE_LISTEN", "port 80")]).unwrap_err();
        assert_eq!(err.key(), Some(BRIDGE_LISTEN));
    }

    #[test]
    fn an_error_quotes_at_most_a_few_hundred_characters_of_what_it_refuses() {
        let huge = "x".repeat(1 << 20);
        for err in [
            load(None, &[("ABHA_MODE", &huge)]).unwrap_err(),
            load(None, &[("ABHA_PHR_BASE_URL", &huge)]).unwrap_err(),
            load(Some(&format!("mode = \"{huge}")), &[]).unwrap_err(),
            load(Some(&format!("{huge} = 1")), &[]).unwrap_err(),
        ] {
            let shown = err.to_string();
            assert!(shown.len() < 1_000, "{} bytes: {}", shown.len(), &shown[..200]);
        }
    }

    #[test]
    fn a_log_filter_with_span_or_field_filters_is_refused_before_it_is_compiled() {
        // Found by the config_file fuzz target: this took over 5 s to compile.
        let slow = include_str!("../../../../fuzz/regressions/config_file/slow-log-filter");
        let err = AppConfig::parse(slow, Path::new(CONFIG_FILE_NAME), |_| None).unwrap_err();
        assert_eq!(err.key(), Some(LOG));
        assert!(load(Some("log = \"phr_core=debug,info\"\n"), &[]).is_ok());
    }

    #[test]
    fn a_log_filter_is_read_without_its_spaces_and_other_characters_are_refused_not_a_panic() {
        // Found by the config_file fuzz target: a space before `⍛` panicked inside tracing-subscriber.
        let panicked = include_str!("../../../../fuzz/regressions/config_file/log-filter-space-before-non-ascii");
        let err = AppConfig::parse(panicked, Path::new(CONFIG_FILE_NAME), |_| None).unwrap_err();
        assert_eq!(err.key(), Some(LOG));
        let err = load(None, &[("ABHA_LOG", "info, h\u{e9}=debug")]).unwrap_err();
        assert_eq!(err.key(), Some(LOG));
        let config = load(None, &[("ABHA_LOG", " phr_core = debug , info ")]).unwrap();
        assert_eq!(config.log_filter, "phr_core=debug,info");
    }

    #[test]
    fn with_no_file_and_no_env_the_app_runs_in_demo_mode() {
        let config = load(None, &[]).unwrap();
        assert_eq!(config, AppConfig::default());
        assert_eq!(config.mode(), Mode::Demo);
    }

    #[test]
    fn sandbox_mode_needs_only_the_ids_and_defaults_the_rest() {
        let config = load(
            Some("mode = \"abdm-sandbox\"\n[abdm]\nclient_id = \"SBX_001\"\nrequester_id = \"IN3410000260\"\n"),
            &[],
        )
        .unwrap();
        let Target::AbdmSandbox(abdm) = config.target else { panic!("expected sandbox target") };
        assert_eq!(abdm.phr_base_url.to_string(), SANDBOX_PHR_V3_BASE_URL, "v3 outside the demo");
        assert_eq!(abdm.gateway_base_url.to_string(), SANDBOX_GATEWAY_BASE_URL);
        assert_eq!(abdm.client_id, "SBX_001");
        assert_eq!(abdm.cm_suffix, CmSuffix::sandbox());
    }

    #[test]
    fn the_api_generation_is_v3_at_abdm_and_v1_in_the_demo_unless_set() {
        assert_eq!(load(None, &[]).unwrap().api, PhrApi::V1, "the demo follows the guide");
        assert_eq!(load(Some("[abdm]\napi = \"v3\"\n"), &[]).unwrap().api, PhrApi::V3, "demo mode too");
        let ids = "mode = \"abdm-sandbox\"\n[abdm]\nclient_id = \"SBX_001\"\nrequester_id = \"IN3410000260\"\n";
        let config = load(Some(ids), &[]).unwrap();
        let Target::AbdmSandbox(abdm) = config.target else { panic!("expected sandbox target") };
        assert_eq!((abdm.api, abdm.phr_base_url.to_string().as_str()), (PhrApi::V3, SANDBOX_PHR_V3_BASE_URL));
        let config = load(Some(ids), &[("ABHA_API", "v1")]).unwrap();
        let Target::AbdmSandbox(abdm) = config.target else { panic!("expected sandbox target") };
        assert_eq!((abdm.api, abdm.phr_base_url.to_string().as_str()), (PhrApi::V1, SANDBOX_PHR_BASE_URL));
        let err = load(Some("[abdm]\napi = \"v2\"\n"), &[]).unwrap_err();
        assert_eq!(err.key(), Some(API));
        assert!(err.to_string().contains("v1") && err.to_string().contains("v3"), "{err}");
        assert_eq!(load(None, &[("ABHA_API", "V3 ")]).unwrap_err().key(), Some(API), "spelled as documented");
    }

    #[test]
    fn environment_variables_override_the_file() {
        let config = load(
            Some("mode = \"demo\"\n[abdm]\nclient_id = \"from-file\"\n"),
            &[
                ("ABHA_MODE", "abdm-production"),
                ("ABHA_CLIENT_ID", "from-env"),
                ("ABHA_REQUESTER_ID", "HIP-9"),
                ("ABHA_PHR_BASE_URL", "https://abdm.example.in/cm"),
                ("ABHA_GATEWAY_BASE_URL", "https://abdm.example.in/gateway"),
                ("ABHA_LOG", "phr_core=debug,info"),
            ],
        )
        .unwrap();
        assert_eq!(config.log_filter, "phr_core=debug,info");
        let Target::AbdmProduction(abdm) = config.target else { panic!("expected production target") };
        assert_eq!(abdm.client_id, "from-env");
        assert_eq!(abdm.cm_suffix, CmSuffix::production());
        assert_eq!(abdm.phr_base_url.to_string(), "https://abdm.example.in/cm/");
    }

    #[test]
    fn an_empty_environment_variable_counts_as_unset() {
        assert_eq!(load(None, &[("ABHA_MODE", "")]).unwrap().mode(), Mode::Demo);
    }

    #[test]
    fn a_bad_mode_names_the_key_the_variable_and_the_choices() {
        let err = load(None, &[("ABHA_MODE", "prod")]).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.key(), Some(MODE));
        assert!(message.contains("`mode`"), "{message}");
        assert!(message.contains("$ABHA_MODE"), "{message}");
        assert!(message.contains("abdm-sandbox"), "{message}");
    }

    #[test]
    fn a_bad_url_in_the_file_names_the_key_and_the_file() {
        let err = load(Some("[abdm]\nphr_base_url = \"http://dev.abdm.gov.in/cm\"\n"), &[]).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.key(), Some(PHR_BASE_URL));
        assert!(message.contains("`abdm.phr_base_url`"), "{message}");
        assert!(message.contains(CONFIG_FILE_NAME), "{message}");
        assert!(message.contains("https://"), "{message}");
    }

    #[test]
    fn a_bad_value_is_caught_even_in_demo_mode() {
        let err = load(Some("[abdm]\ncm_suffix = \"@sbx\"\n"), &[]).unwrap_err();
        assert_eq!(err.key(), Some(CM_SUFFIX));
    }

    #[test]
    fn production_mode_without_urls_says_which_key_is_missing() {
        let err = load(None, &[("ABHA_MODE", "abdm-production"), ("ABHA_CLIENT_ID", "c"), ("ABHA_REQUESTER_ID", "r")])
            .unwrap_err();
        assert!(matches!(err, ConfigError::Missing { key, .. } if key == PHR_BASE_URL), "{err}");
        assert!(err.to_string().contains("$ABHA_PHR_BASE_URL"), "{err}");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_named() {
        let err = load(Some("[abdm]\nclient = \"x\"\n"), &[]).unwrap_err();
        assert!(matches!(err, ConfigError::Syntax { .. }));
        assert!(err.to_string().contains("`client`"), "{err}");
    }

    #[test]
    fn demo_staff_sign_in_is_the_sandbox_auth_platform_and_locks_after_15_minutes() {
        let staff = load(None, &[]).unwrap().staff;
        assert_eq!(staff.sign_in, StaffSignIn::AuthPlatform { url: None });
        assert_eq!(staff.idle_secs, 900);
        assert_eq!(staff.opener, ["xdg-open"]);
        let staff = load(Some("[staff]\nsign_in = \"oidc\"\nidle_minutes = 0.1\n"), &[]).unwrap().staff;
        assert!(matches!(staff.sign_in, StaffSignIn::Oidc(OidcConfig { issuer: None, .. })));
        assert_eq!(staff.idle_secs, 6);
    }

    #[test]
    fn outside_demo_mode_staff_sign_in_needs_its_service() {
        let ids = [("ABHA_MODE", "abdm-sandbox"), ("ABHA_CLIENT_ID", "c"), ("ABHA_REQUESTER_ID", "r")];
        assert_eq!(load(None, &ids).unwrap().staff.sign_in, StaffSignIn::NotConfigured);
        let err = load(Some("[staff]\nsign_in = \"oidc\"\n"), &ids).unwrap_err();
        assert!(matches!(err, ConfigError::Missing { key, .. } if key == STAFF_OIDC_ISSUER), "{err}");
        assert!(err.to_string().contains("under [staff]"), "{err}");
        let mut env = ids.to_vec();
        env.extend([
            ("ABHA_STAFF_SIGN_IN", "oidc"),
            ("ABHA_STAFF_OIDC_ISSUER", "https://connect.authentiq.io/"),
            ("ABHA_STAFF_OIDC_CLIENT_ID", "desk-1"),
            ("ABHA_STAFF_OIDC_CLIENT_AUTH", "client_secret_post"),
            ("ABHA_STAFF_OIDC_MAX_AGE", "3600"),
        ]);
        let StaffSignIn::Oidc(oidc) = load(None, &env).unwrap().staff.sign_in else { panic!("oidc") };
        assert_eq!(oidc.issuer.as_deref(), Some("https://connect.authentiq.io/"), "the slash is kept");
        assert_eq!((oidc.client_auth, oidc.max_age), (ClientAuth::Post, Some(3600)));
        let platform =
            [("ABHA_STAFF_SIGN_IN", "auth-platform"), ("ABHA_STAFF_AUTH_PLATFORM_URL", "https://auth.clinic.example")];
        let config = load(None, &[ids.as_slice(), platform.as_slice()].concat()).unwrap();
        assert!(matches!(config.staff.sign_in, StaffSignIn::AuthPlatform { url: Some(_) }));
    }

    #[test]
    fn bad_staff_values_name_their_key() {
        for (env, key) in [
            (("ABHA_STAFF_SIGN_IN", "ldap"), STAFF_SIGN_IN),
            (("ABHA_STAFF_IDLE_MINUTES", "0"), STAFF_IDLE_MINUTES),
            (("ABHA_STAFF_IDLE_MINUTES", "soon"), STAFF_IDLE_MINUTES),
            (("ABHA_STAFF_AUTH_PLATFORM_URL", "http://auth.clinic.example"), STAFF_AUTH_PLATFORM_URL),
            (("ABHA_STAFF_OIDC_CLIENT_AUTH", "private_key_jwt"), STAFF_OIDC_CLIENT_AUTH),
            (("ABHA_STAFF_OIDC_RESPONSE_MODE", "fragment"), STAFF_OIDC_RESPONSE_MODE),
            (("ABHA_STAFF_OIDC_MAX_AGE", "-1"), STAFF_OIDC_MAX_AGE),
        ] {
            assert_eq!(load(None, &[env]).unwrap_err().key(), Some(key), "{env:?}");
        }
    }

    #[test]
    fn staff_secrets_in_the_file_are_refused() {
        for table in ["[staff]\napi_key = \"nap_live_x\"\n", "[staff]\noidc_client_secret = \"s\"\n"] {
            let err = load(Some(table), &[]).unwrap_err();
            assert!(matches!(err, ConfigError::SecretInFile { .. }), "{err}");
            assert!(err.to_string().contains("OS keyring"), "{err}");
        }
    }

    #[test]
    fn a_client_secret_in_the_file_is_refused() {
        let err = load(Some("[abdm]\nclient_secret = \"s3cr3t-value\"\n"), &[]).unwrap_err();
        assert!(matches!(err, ConfigError::SecretInFile { .. }));
        assert!(!err.to_string().contains("s3cr3t-value"));
    }

    #[test]
    fn a_bad_log_filter_is_rejected() {
        let err = load(None, &[("ABHA_LOG", "phr_core=loud")]).unwrap_err();
        assert_eq!(err.key(), Some(LOG));
    }

    #[test]
    fn broken_toml_is_a_syntax_error_with_the_path() {
        let err = load(Some("mode = "), &[]).unwrap_err();
        assert!(matches!(err, ConfigError::Syntax { .. }));
        assert!(err.to_string().contains(CONFIG_FILE_NAME));
    }
}
