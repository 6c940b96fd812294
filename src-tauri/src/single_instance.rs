//! One ABHA Desktop per desktop session: a second launch brings the first
//! window forward and exits, so two windows never act on the same sign-ins.
//!
//! Over the session D-Bus through `dbus` (libdbus), which the window (tao) and
//! the keyring already load. The Tauri plugin does the same over zbus, whose
//! async stack (zbus, async-io, async-executor, blocking and the rest: 0.8 MB of
//! the release binary, three threads) did nothing else here. Name, path and
//! method are the plugin's, so either build finds the other.

use std::time::Duration;

use dbus::{
    Path,
    blocking::Connection,
    channel::{MatchingReceiver, Sender},
    message::MatchRule,
    strings::BusName,
};

/// `tauri.conf.json`'s `identifier` (a shell test holds the two together).
pub const IDENTIFIER: &str = "in.abhadesktop.client";

const INTERFACE: &str = "org.SingleInstance.DBus";
const METHOD: &str = "ExecuteCallback";
/// How long a second launch waits for the first to answer. The first answers
/// from its own thread, even while its window is still being built.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// What a launch found on the session bus.
#[derive(Debug)]
pub enum Claim {
    /// This is the only instance; [`First::answer`] makes later launches reach it.
    First(First),
    /// Another instance runs and was asked to come forward.
    Second,
    /// No session bus, so no way to find another instance: this one runs alone.
    NoBus(dbus::Error),
}

/// The name held on the bus, for as long as this connection lives.
pub struct First {
    connection: Connection,
    path: Path<'static>,
}

impl std::fmt::Debug for First {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("First").field("path", &self.path).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("{0:?} cannot name an app on D-Bus")]
    AppId(String),
    #[error("another ABHA Desktop is running but did not answer ({0})")]
    NoAnswer(dbus::Error),
    #[error("the session bus refused the name {name} ({source})")]
    Refused { name: String, source: dbus::Error },
}

/// Takes `{app_id}.SingleInstance` on the session bus, or, when another process
/// holds it, asks that one to come forward.
pub fn claim(app_id: &str) -> Result<Claim, ClaimError> {
    let bad_id = || ClaimError::AppId(app_id.to_owned());
    let name = BusName::new(format!("{app_id}.SingleInstance")).map_err(|_| bad_id())?;
    let path = Path::new(format!("/{}", name.replace('.', "/").replace('-', "_"))).map_err(|_| bad_id())?;
    let connection = match Connection::new_session() {
        Ok(connection) => connection,
        Err(err) => return Ok(Claim::NoBus(err)),
    };
    // Not queued and not replaceable: the bus answers at once who has it.
    use dbus::blocking::stdintf::org_freedesktop_dbus::RequestNameReply;
    match connection.request_name(name.clone(), false, false, true) {
        Ok(RequestNameReply::PrimaryOwner | RequestNameReply::AlreadyOwner) => {
            Ok(Claim::First(First { connection, path }))
        }
        Ok(RequestNameReply::Exists | RequestNameReply::InQueue) => {
            // The plugin's signature (arguments, folder), sent empty: the first
            // instance reads neither, and nothing of this launch goes on the bus.
            connection
                .with_proxy(name, path, ANSWER_WITHIN)
                .method_call::<(), _, _, _>(INTERFACE, METHOD, (Vec::<String>::new(), String::new()))
                .map_err(ClaimError::NoAnswer)?;
            Ok(Claim::Second)
        }
        Err(source) => Err(ClaimError::Refused { name: name.to_string(), source }),
    }
}

impl First {
    /// Answers later launches from a thread of its own, calling `come_forward`
    /// for each. Calls that arrived before this waited in the connection.
    pub fn answer(self, come_forward: impl Fn() + Send + 'static) -> std::io::Result<()> {
        let First { connection, path } = self;
        std::thread::Builder::new().name("single-instance".into()).spawn(move || {
            let rule = MatchRule::new_method_call().with_path(path).with_interface(INTERFACE).with_member(METHOD);
            connection.start_receive(
                rule,
                Box::new(move |call, connection| {
                    come_forward();
                    // The caller waits for this before it exits.
                    let _ = connection.send(call.method_return());
                    true
                }),
            );
            loop {
                if let Err(err) = connection.process(Duration::from_secs(3600)) {
                    tracing::warn!(error = %err, "single instance: the session bus went away");
                    return;
                }
            }
        })?;
        Ok(())
    }
}
