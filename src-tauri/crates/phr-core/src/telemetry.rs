//! Logs to a daily-rotated file in the app's log folder and to stderr.
//!
//! Two guards keep personal data out of them. Secrets travel in
//! [`abdm_types::Sensitive`], whose `Debug`/`Display` print `<redacted>`. And every
//! formatted line passes through [`redact`] before it is written, which masks what
//! looks like a token, an email, a mobile, Aadhaar or ABHA number, or a value
//! given to a key such as `otp=` or `"password":`, in case something slipped past
//! the types (a raw error body, a third-party crate's message).

use std::{
    borrow::Cow,
    fs,
    io::{self, IsTerminal, Write},
    path::{Path, PathBuf},
    sync::LazyLock,
};

use regex::Regex;
use tracing::Subscriber;
use tracing_appender::{
    non_blocking::{NonBlockingBuilder, WorkerGuard},
    rolling::{self, Rotation},
};
use tracing_subscriber::{EnvFilter, Registry, fmt, fmt::MakeWriter, layer::SubscriberExt, util::SubscriberInitExt};

/// Log files are `abha-desktop.<date>.log`.
pub const LOG_FILE_PREFIX: &str = "abha-desktop";
/// Days of log files kept.
pub const LOG_FILES_KEPT: usize = 14;
/// Lines waiting for the background writer before new ones are dropped. The
/// crate's default (128,000) allocates and touches its whole queue up front: 4 MiB
/// resident for a log that writes a few lines a minute (measured, smaps).
const LINES_QUEUED: usize = 4_096;

/// Keeps the background log writer alive; dropping it flushes the file.
#[derive(Debug)]
pub struct Telemetry {
    _file: WorkerGuard,
}

#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("cannot create the log folder {}", path.display())]
    LogDir { path: PathBuf, source: io::Error },
    #[error("cannot open a log file in {}", path.display())]
    LogFile { path: PathBuf, source: rolling::InitError },
    #[error("invalid log filter")]
    Filter(#[from] tracing_subscriber::filter::ParseError),
    #[error("a logger is already installed in this process")]
    AlreadyInstalled(#[from] tracing_subscriber::util::TryInitError),
}

/// The subscriber the app installs, built apart from installing it so tests can
/// scope it with `tracing::subscriber::with_default`.
pub fn subscriber(
    log_dir: &Path,
    filter: &str,
) -> Result<(impl Subscriber + Send + Sync + 'static, WorkerGuard), TelemetryError> {
    fs::create_dir_all(log_dir).map_err(|source| TelemetryError::LogDir { path: log_dir.to_owned(), source })?;
    let appender = rolling::Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix(LOG_FILE_PREFIX)
        .filename_suffix("log")
        .max_log_files(LOG_FILES_KEPT)
        .build(log_dir)
        .map_err(|source| TelemetryError::LogFile { path: log_dir.to_owned(), source })?;
    let (file, guard) = NonBlockingBuilder::default().buffered_lines_limit(LINES_QUEUED).finish(appender);
    let subscriber = Registry::default()
        .with(EnvFilter::try_new(filter)?)
        .with(fmt::layer().with_ansi(false).with_writer(Redacting(file)))
        .with(fmt::layer().with_ansi(io::stderr().is_terminal()).with_writer(Redacting(io::stderr)));
    Ok((subscriber, guard))
}

/// Installs the app's subscriber for the whole process (and forwards `log` records).
pub fn init(log_dir: &Path, filter: &str) -> Result<Telemetry, TelemetryError> {
    let (subscriber, guard) = subscriber(log_dir, filter)?;
    subscriber.try_init()?;
    Ok(Telemetry { _file: guard })
}

/// A `MakeWriter` whose writers pass each formatted event through [`redact`].
#[derive(Debug, Clone)]
pub struct Redacting<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

#[derive(Debug)]
pub struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    // `fmt` formats a whole event into one buffer and writes it in one call, so a
    // value cannot straddle two writes.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let rule = |pattern: &str, replacement| (Regex::new(pattern).expect("redaction pattern compiles"), replacement);
    vec![
        // A value given to a secret-named key: otp=123456, "password":"...", token: ...
        rule(
            r#"(?i)\b(otp|password|passwd|pin|secret|client_?secret|auth_?code|authcode|(?:access_?|refresh_?|x-?auth-?)?token)(\s*["']?\s*[:=]\s*["']?)([^\s"',;}&)]+)"#,
            "${1}${2}<redacted>",
        ),
        rule(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", "<redacted-token>"),
        rule(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{8,}", "Bearer <redacted-token>"),
        rule(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", "<redacted-email>"),
        // ABHA number written 91-1234-5678-9012, Aadhaar written 1234 5678 9012,
        // a mobile written 98765 43210.
        rule(r"\b\d{2}-\d{4}-\d{4}-\d{4}\b", "<redacted-number>"),
        rule(r"\b\d{4}[ -]\d{4}[ -]\d{4}\b", "<redacted-number>"),
        rule(r"\b\d{5}[ -]\d{5}\b", "<redacted-number>"),
        // Any run of 10 or more digits: mobile, Aadhaar, ABHA number, +91 prefixed.
        rule(r"\d{10,}", "<redacted-number>"),
    ]
});

/// Masks what looks like personal data or a credential in a line of text.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (pattern, replacement) in RULES.iter() {
        if pattern.is_match(&out) {
            out = Cow::Owned(pattern.replace_all(&out, *replacement).into_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use abdm_types::Sensitive;

    use super::*;

    const OTP: &str = "483920";
    const PASSWORD: &str = "Hyd3rabad!Rain";
    const MOBILE: &str = "9876543210";
    const EMAIL: &str = "asha.verma@example.in";
    const ABHA_NUMBER: &str = "91-4321-8765-2109";
    const AADHAAR: &str = "4321 8765 2109";
    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhc2hhQHNieCJ9.c2lnbmF0dXJlLWJ5dGVz";

    fn all_secrets() -> [&'static str; 7] {
        [OTP, PASSWORD, MOBILE, EMAIL, ABHA_NUMBER, AADHAAR, JWT]
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn log_every_kind_of_secret() {
        let otp = Sensitive::from(OTP);
        tracing::info!(?otp, "verifying OTP");
        tracing::info!(otp = OTP, "a raw OTP field");
        tracing::info!(password = %PASSWORD, "raw password field");
        tracing::warn!("ABDM said: {{\"mobile\":\"{MOBILE}\",\"email\":\"{EMAIL}\"}}");
        tracing::error!(body = %format!("{{\"healthIdNumber\":\"{ABHA_NUMBER}\",\"aadhaar\":\"{AADHAAR}\"}}"), "bad reply");
        tracing::info!("header Authorization: Bearer {JWT}");
        tracing::info!(token = JWT, "session opened");
        tracing::info!(address = "asha@sbx", "logged in");
    }

    #[test]
    fn no_known_secret_reaches_the_log_output() {
        let captured = Captured::default();
        let writer = {
            let captured = captured.clone();
            move || captured.clone()
        };
        let subscriber = Registry::default()
            .with(EnvFilter::new("trace"))
            .with(fmt::layer().with_ansi(false).with_writer(Redacting(writer)));

        tracing::subscriber::with_default(subscriber, log_every_kind_of_secret);

        let out = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        for secret in all_secrets() {
            assert!(!out.contains(secret), "{secret:?} reached the log:\n{out}");
        }
        assert!(out.contains("asha@sbx"), "the ABHA address is an identifier and stays:\n{out}");
        assert!(out.contains("<redacted>"), "{out}");
        assert_eq!(out.lines().count(), 8, "every event still logged:\n{out}");
    }

    #[test]
    fn the_log_file_on_disk_holds_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let (subscriber, guard) = subscriber(dir.path(), "info").unwrap();
        tracing::subscriber::with_default(subscriber, log_every_kind_of_secret);
        drop(guard); // flushes the background writer

        let files: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(LOG_FILE_PREFIX) && name.ends_with(".log"), "{name}");
        let text = fs::read_to_string(&files[0]).unwrap();
        assert!(text.contains("logged in"), "{text}");
        for secret in all_secrets() {
            assert!(!text.contains(secret), "{secret:?} reached {name}:\n{text}");
        }
    }

    #[test]
    fn ordinary_lines_are_left_alone() {
        let line = "2026-11-23T00:55:12.123456Z  INFO sandbox listening addr=127.0.0.1:41234 took 15ms";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
    }

    #[test]
    fn keyed_values_are_masked_whatever_the_quoting() {
        assert_eq!(redact(r#"{"authCode":"xYz9+/="}"#), r#"{"authCode":"<redacted>"}"#);
        assert_eq!(redact("pin: 1234 ok"), "pin: <redacted> ok");
        assert_eq!(redact("refresh_token=abc.def"), "refresh_token=<redacted>");
    }

    #[test]
    fn mobiles_with_a_country_code_are_masked() {
        assert_eq!(redact("sent to +919876543210"), "sent to +<redacted-number>");
    }
}
