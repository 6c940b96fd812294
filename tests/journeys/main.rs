//! Whole journeys through `phr-core`, as the UI will drive them: the sandbox on
//! loopback, a temporary SQLCipher cache, and the real OS keyring (the test
//! command provides a session bus with gnome-keyring).

// Helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod at_rest;
mod card;
mod faults;
mod front_desk;
mod helpers;
mod local;
mod login;
mod queue;
mod session;
mod signup;
mod staff;
