//! The sandbox over real loopback HTTP, spoken to in raw JSON: what ABDM's rules
//! look like to any client, the test controls, persistence, and a replay of every
//! request example in ABDM's sign-up and sign-in guide.

// Helpers outside #[test] fns are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod controls;
mod raw;
mod rules;
mod seed_replay;
