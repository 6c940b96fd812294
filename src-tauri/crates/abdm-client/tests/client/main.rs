//! The client against a real sandbox on loopback (journeys and ABDM's refusals),
//! and against wiremock for what a faithful sandbox never does.

// Helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gateway_models;
mod helpers;
mod login;
mod odd_servers;
mod registration;
mod session;
mod user_auth;
mod v3;
