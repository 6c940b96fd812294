//! The store on a real SQLCipher file and the vault on the real OS keyring
//! (Secret Service; the test command provides a session bus and gnome-keyring).

// Helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cache;
mod crash;
mod exit;
mod vault;
