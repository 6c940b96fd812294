//! Where the app's settings come from: built-in defaults, then `config.toml` in the
//! app's config folder, then `ABHA_*` environment variables. Every value is checked
//! at start-up; a bad one stops the app with a message naming the key and where
//! it came from, so the app never runs half-configured.

use std::{
    fmt, fs, io,
    path::{Path, PathBuf},
};

use abdm_client::{AbdmConfig, BaseUrl};
use abdm_types::CmSuffix;
use serde::{Deserialize, Serialize};

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
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            target: Target::Demo,
            log_filter: DEFAULT_LOG_FILTER.to_owned(),
            bridge_listen: DEFAULT_BRIDGE_LISTEN,
            bridge_url: None,
        }
    }
}

const DEFAULT_LOG_FILTER: &str = "info";
const DEFAULT_BRIDGE_LISTEN: std::net::SocketAddr =
    std::net::SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);
const SANDBOX_PHR_BASE_URL: &str = "https://dev.abdm.gov.in/cm/";
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
pub const BRIDGE_LISTEN: Key = Key { file: "bridge.listen", env: "ABHA_BRIDGE_LISTEN" };
pub const BRIDGE_URL: Key = Key { file: "bridge.public_url", env: "ABHA_BRIDGE_URL" };

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
        "`{key}` is required in {mode} mode: set it under [abdm] in {} or with ${env}",
        file.display(), key = key.file, env = key.env
    )]
    Missing { key: Key, mode: Mode, file: PathBuf },
    #[error(
        "`abdm.client_secret` must not be written in {}: the client secret is kept in the OS keyring",
        path.display()
    )]
    SecretInFile { path: PathBuf },
}

impl ConfigError {
    /// The key the error is about, if it is about one.
    pub fn key(&self) -> Option<Key> {
        match self {
            ConfigError::Invalid { key, .. } | ConfigError::Missing { key, .. } => Some(*key),
            ConfigError::SecretInFile { .. } => Some(Key { file: "abdm.client_secret", env: "" }),
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
    /// Accepted only to refuse it with a clear message.
    client_secret: Option<toml::Value>,
}

impl AppConfig {
    /// Reads `config_file` (absent is fine: defaults apply) and then the environment,
    /// given as a lookup so tests need not touch the process environment.
    pub fn load(config_file: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let raw = match fs::read_to_string(config_file) {
            Ok(text) => toml::from_str::<RawFile>(&text)
                .map_err(|err| ConfigError::Syntax { path: config_file.to_owned(), message: err.to_string() })?,
            Err(err) if err.kind() == io::ErrorKind::NotFound => RawFile::default(),
            Err(source) => {
                return Err(ConfigError::Read { path: config_file.to_owned(), source });
            }
        };
        if raw.abdm.client_secret.is_some() {
            return Err(ConfigError::SecretInFile { path: config_file.to_owned() });
        }
        let sources = Sources { file: config_file, env: &env };

        let mode = match sources.pick(MODE, raw.mode) {
            None => Mode::Demo,
            Some((value, origin)) => Mode::parse(&value).ok_or_else(|| ConfigError::Invalid {
                key: MODE,
                origin,
                reason: format!("{value:?} is not one of demo, abdm-sandbox, abdm-production"),
            })?,
        };

        let log_filter = match sources.pick(LOG, raw.log) {
            None => DEFAULT_LOG_FILTER.to_owned(),
            Some((value, origin)) => {
                tracing_subscriber::EnvFilter::try_new(&value).map_err(|err| ConfigError::Invalid {
                    key: LOG,
                    origin,
                    reason: format!("not a log filter such as `info` or `phr_core=debug,info` ({err})"),
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

        let bridge_listen = sources
            .parse(BRIDGE_LISTEN, raw.bridge.listen, |v| {
                v.trim()
                    .parse::<std::net::SocketAddr>()
                    .map_err(|_| "must be an address and port such as 127.0.0.1:8089")
            })?
            .unwrap_or(DEFAULT_BRIDGE_LISTEN);
        let bridge_url = sources.parse(BRIDGE_URL, raw.bridge.public_url, BaseUrl::parse)?;

        let missing = |key| ConfigError::Missing { key, mode, file: config_file.to_owned() };
        let target = match mode {
            Mode::Demo => Target::Demo,
            Mode::AbdmSandbox | Mode::AbdmProduction => {
                let sandbox = mode == Mode::AbdmSandbox;
                let default_url = |url: &str| BaseUrl::parse(url).ok();
                let abdm = AbdmConfig {
                    phr_base_url: phr_base_url
                        .or_else(|| sandbox.then(|| default_url(SANDBOX_PHR_BASE_URL)).flatten())
                        .ok_or_else(|| missing(PHR_BASE_URL))?,
                    gateway_base_url: gateway_base_url
                        .or_else(|| sandbox.then(|| default_url(SANDBOX_GATEWAY_BASE_URL)).flatten())
                        .ok_or_else(|| missing(GATEWAY_BASE_URL))?,
                    client_id: client_id.ok_or_else(|| missing(CLIENT_ID))?,
                    requester_id: requester_id.ok_or_else(|| missing(REQUESTER_ID))?,
                    cm_suffix: cm_suffix
                        .unwrap_or_else(|| if sandbox { CmSuffix::sandbox() } else { CmSuffix::production() }),
                };
                if sandbox { Target::AbdmSandbox(abdm) } else { Target::AbdmProduction(abdm) }
            }
        };
        Ok(Self { target, log_filter, bridge_listen, bridge_url })
    }

    pub fn mode(&self) -> Mode {
        self.target.mode()
    }
}

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
                parse(&value).map_err(|reason| ConfigError::Invalid { key, origin, reason: reason.to_string() })
            })
            .transpose()
    }
}

/// ABDM client and HIP/HIU ids: printable, no spaces, at most 64 characters.
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
        assert_eq!(abdm.phr_base_url.to_string(), SANDBOX_PHR_BASE_URL);
        assert_eq!(abdm.gateway_base_url.to_string(), SANDBOX_GATEWAY_BASE_URL);
        assert_eq!(abdm.client_id, "SBX_001");
        assert_eq!(abdm.cm_suffix, CmSuffix::sandbox());
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
