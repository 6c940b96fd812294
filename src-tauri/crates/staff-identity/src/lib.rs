//! Who is at the front desk: clients of the two ways a clinic identifies its
//! staff, the clinic's auth platform and an OpenID Connect provider. Nothing
//! here knows ABDM; `phr-core` decides what a signed-in member of staff may do.

pub mod auth_platform;
mod loopback;
pub mod oidc;

pub use auth_platform::{AuthPlatform, AuthPlatformError, Flow, Login, NapStaff, NapTokens, Refusal, Signup};
pub use oidc::{
    ClientAuth, Now, Oidc, OidcError, OidcSettings, OidcSignIn, OidcTokens, PendingSignIn, Prompt, ResponseMode,
};

/// Unix seconds of an RFC 3339 time, in any offset (`2025-08-28T10:00:00.123+05:30`).
pub(crate) fn unix_seconds(raw: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(raw.trim()).ok().map(|t| t.timestamp())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_times_are_read_in_any_offset() {
        assert_eq!(super::unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(super::unix_seconds("1970-01-01T05:30:00.123456789+05:30"), Some(0));
        assert_eq!(super::unix_seconds("yesterday"), None);
    }
}
