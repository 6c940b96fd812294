//! The staff sign-in clients over real loopback HTTP: against the sandbox's
//! auth platform and OpenID Connect provider, and against `panva/oidc-provider`,
//! an OpenID Certified provider nobody here wrote.

// Helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth_platform;
mod helpers;
mod oidc;
mod peer;
