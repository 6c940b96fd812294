//! Wire shapes of the HIE-CM gateway (v0.5).

use serde::{Deserialize, Serialize};

/// `POST /v0.5/sessions`: a client-credentials (or refresh) grant.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRequest {
    pub client_id: String,
    pub client_secret: String,
    /// `client_credentials` or `refresh_token`.
    pub grant_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for SessionRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRequest")
            .field("client_id", &self.client_id)
            .field("grant_type", &self.grant_type)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    pub access_token: String,
    /// Seconds.
    pub expires_in: u64,
    #[serde(default)]
    pub refresh_expires_in: Option<u64>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    pub token_type: String,
}

impl std::fmt::Debug for SessionResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionResponse")
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .finish_non_exhaustive()
    }
}

/// The gateway's error body: `{"error":{"code":1401,"message":".."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayError {
    pub error: GatewayErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayErrorBody {
    pub code: i64,
    pub message: String,
}

// ---- User authentication (HIP/HIU side), `/v0.5/users/auth/*` ----
//
// A HIP/HIU sends fetch-modes, init, confirm and on-notify and gets 202; the
// answers arrive later as callbacks the gateway POSTs to the HIP/HIU's bridge
// URL, correlated by `resp.requestId` (or `auth.transactionId` for notify).

/// Why the patient is being authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthPurpose {
    Kyc,
    Link,
    KycAndLink,
}

/// How the patient proves it is them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GatewayAuthMode {
    MobileOtp,
    AadhaarOtp,
    Demographics,
    /// The patient approves in their PHR app; the answer comes as `notify`.
    Direct,
}

/// `{type: "HIP"|"HIU", id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthRequester {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// A request that asks about a patient: `requestId`, `timestamp` (UTC with
/// milliseconds and `Z`) and the `query`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryRequest<Q> {
    pub request_id: String,
    pub timestamp: String,
    pub query: Q,
}

/// `POST /v0.5/users/auth/fetch-modes`.
pub type FetchModesRequest = QueryRequest<FetchModesQuery>;
/// `POST /v0.5/users/auth/init`.
pub type AuthInitRequest = QueryRequest<AuthInitQuery>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchModesQuery {
    /// The patient's ABHA address.
    pub id: String,
    pub purpose: AuthPurpose,
    pub requester: AuthRequester,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthInitQuery {
    pub id: String,
    pub purpose: AuthPurpose,
    #[serde(default)]
    pub auth_mode: Option<GatewayAuthMode>,
    pub requester: AuthRequester,
}

/// `POST /v0.5/users/auth/confirm`: an OTP (`authCode`) or the demographics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthConfirmRequest {
    pub request_id: String,
    pub timestamp: String,
    pub transaction_id: String,
    pub credential: AuthCredential,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthCredential {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demographic: Option<Demographic>,
}

impl std::fmt::Debug for AuthCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthCredential(<redacted>)")
    }
}

/// What the front desk reads off the patient for DEMOGRAPHICS; must match the account.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Demographic {
    pub name: String,
    /// `M`, `F`, `O` or `U`.
    pub gender: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<TypedValue>,
}

impl std::fmt::Debug for Demographic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Demographic(<redacted>)")
    }
}

/// `{type, value}`: `MOBILE` on confirm; `MOBILE`, `MR`, `NDHM_HEALTH_NUMBER`, `HEALTH_ID` on a patient.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypedValue {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
}

impl std::fmt::Debug for TypedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TypedValue({}, <redacted>)", self.kind)
    }
}

/// `POST /v0.5/users/auth/on-notify`: the HIP/HIU acknowledges a DIRECT-mode notify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnNotifyRequest {
    pub request_id: String,
    pub timestamp: String,
    pub acknowledgement: Acknowledgement,
    pub resp: RequestReference,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    /// `OK`.
    pub status: String,
}

/// `resp` of a callback: the `requestId` it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestReference {
    pub request_id: String,
}

/// The error inside a callback body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackError {
    pub code: i64,
    pub message: String,
}

/// A callback answering one request (`resp.requestId`): `auth` when it
/// worked, `error` when it did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer<A> {
    pub request_id: String,
    pub timestamp: String,
    #[serde(default = "Option::default")]
    pub auth: Option<A>,
    #[serde(default)]
    pub error: Option<CallbackError>,
    pub resp: RequestReference,
}

/// Callback `on-fetch-modes`.
pub type OnFetchModes = Answer<FetchedModes>;
/// Callback `on-init`: the transaction and where the OTP went.
pub type OnInit = Answer<InitAuth>;
/// Callback `on-confirm`: the linking token and/or the demographics.
pub type OnConfirm = Answer<ConfirmedAuth>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchedModes {
    pub purpose: AuthPurpose,
    pub modes: Vec<GatewayAuthMode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitAuth {
    pub transaction_id: String,
    pub mode: GatewayAuthMode,
    #[serde(default)]
    pub meta: Option<AuthMeta>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthMeta {
    #[serde(default)]
    pub hint: Option<String>,
    /// When the OTP or the approval request expires.
    #[serde(default)]
    pub expiry: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfirmedAuth {
    /// A linking token (LINK, KYC_AND_LINK).
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub validity: Option<TokenValidity>,
    /// The demographics (KYC, KYC_AND_LINK).
    #[serde(default)]
    pub patient: Option<VerifiedPatient>,
}

impl std::fmt::Debug for ConfirmedAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfirmedAuth")
            .field("has_access_token", &self.access_token.is_some())
            .field("validity", &self.validity)
            .field("has_patient", &self.patient.is_some())
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenValidity {
    pub purpose: AuthPurpose,
    pub requester: AuthRequester,
    pub expiry: String,
    pub limit: u32,
}

/// The patient's demographics as the consent manager verified them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedPatient {
    /// The ABHA address.
    pub id: String,
    pub name: String,
    pub gender: String,
    pub year_of_birth: u16,
    #[serde(default)]
    pub address: Option<PatientAddress>,
    #[serde(default)]
    pub identifiers: Vec<TypedValue>,
}

impl std::fmt::Debug for VerifiedPatient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VerifiedPatient(<redacted>)")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientAddress {
    #[serde(default)]
    pub line: Option<String>,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub pincode: Option<String>,
}

/// Callback `notify` (DIRECT mode), correlated by `auth.transactionId`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notify {
    pub request_id: String,
    pub timestamp: String,
    pub auth: NotifyAuth,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotifyAuth {
    pub transaction_id: String,
    /// `GRANTED` or `DENIED`.
    pub status: String,
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default)]
    pub validity: Option<TokenValidity>,
    #[serde(default)]
    pub patient: Option<VerifiedPatient>,
}

impl std::fmt::Debug for NotifyAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyAuth")
            .field("transaction_id", &self.transaction_id)
            .field("status", &self.status)
            .field("has_patient", &self.patient.is_some())
            .finish_non_exhaustive()
    }
}

/// `GET /v0.5/certs`: the keys that sign the gateway's callback JWTs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certs {
    pub keys: Vec<Jwk>,
}

/// One RSA signing key; `n` and `e` base64url without padding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kid: String,
    pub kty: String,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(rename = "use", default)]
    pub usage: Option<String>,
    pub n: String,
    pub e: String,
}

/// A gateway `timestamp`: UTC, milliseconds, `Z` (`2023-05-09T21:10:36.177Z`).
pub fn timestamp(unix_millis: i64) -> String {
    let (secs, millis) = (unix_millis.div_euclid(1000), unix_millis.rem_euclid(1000));
    let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        day_secs / 3600,
        day_secs % 3600 / 60,
        day_secs % 60
    )
}

/// Unix seconds of a gateway timestamp (`2019-12-30T12:01:55Z`, milliseconds
/// optional); `None` if it is not one.
pub fn parse_timestamp(stamp: &str) -> Option<i64> {
    let (date, time) = stamp.strip_suffix('Z')?.split_once('T')?;
    let number = |part: Option<&str>, len: usize| part.filter(|p| p.len() == len)?.parse::<i64>().ok();
    let mut d = date.split('-');
    let (y, m, day) = (number(d.next(), 4)?, number(d.next(), 2)?, number(d.next(), 2)?);
    let (time, _millis) = time.split_once('.').unwrap_or((time, ""));
    let mut t = time.split(':');
    let (h, min, s) = (number(t.next(), 2)?, number(t.next(), 2)?, number(t.next(), 2)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    // Days from a civil date: the inverse of `timestamp` (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400 + h * 3600 + min * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_back_to_the_second() {
        for seconds in [0, 951_782_400, 1_683_666_636, 1_795_000_000] {
            assert_eq!(parse_timestamp(&timestamp(seconds * 1000 + 177)), Some(seconds));
        }
        assert_eq!(parse_timestamp("2019-12-30T12:01:55Z"), Some(1_577_707_315));
        for bad in ["tomorrow", "2019-12-30T12:01:55", "2019-13-30T12:01:55Z", "19-12-30T12:01:55Z"] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_are_utc_with_milliseconds() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(1_683_666_636_177), "2023-05-09T21:10:36.177Z");
        assert_eq!(timestamp(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn callbacks_read_the_documented_shapes() {
        let on_init: OnInit = serde_json::from_str(
            r#"{"requestId":"5f7a535d","timestamp":"2019-12-30T12:01:55Z","auth":{"transactionId":"t1","mode":"MOBILE_OTP","meta":{"hint":null,"expiry":"2019-12-30T12:11:55Z"}},"error":null,"resp":{"requestId":"r1"}}"#,
        )
        .unwrap();
        assert_eq!(on_init.auth.unwrap().mode, GatewayAuthMode::MobileOtp);
        let failed: OnFetchModes = serde_json::from_str(
            r#"{"requestId":"a","timestamp":"t","auth":null,"error":{"code":1404,"message":"not found"},"resp":{"requestId":"r"}}"#,
        )
        .unwrap();
        assert_eq!(failed.error.unwrap().code, 1404);
        let query = serde_json::to_value(FetchModesQuery {
            id: "a@sbx".into(),
            purpose: AuthPurpose::KycAndLink,
            requester: AuthRequester { kind: "HIP".into(), id: "h".into() },
        })
        .unwrap();
        assert_eq!(query["purpose"], "KYC_AND_LINK");
        assert_eq!(query["requester"]["type"], "HIP");
    }
}

/// `POST {bridge}/v1.0/patients/profile/share` (`ShareProfileRequest1`): a
/// patient scanned a counter's QR in their PHR app and shares their profile.
/// v1.0 is followed where v0.5 and v3 differ: it is the generation of the
/// gateway calls this desk makes, and it is the one that carries a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileShare {
    pub request_id: String,
    pub timestamp: String,
    pub intent: ShareIntent,
    pub location: ShareLocation,
    pub profile: SharedProfile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareIntent {
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLocation {
    pub latitude: String,
    pub longitude: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedProfile {
    /// The counter id from the QR that was scanned.
    pub hip_code: Option<String>,
    pub patient: SharedPatient,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedPatient {
    /// The ABHA address.
    pub health_id: String,
    /// The model requires it; a person with an ABHA address and no number
    /// shares too, so it is read when it is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_id_number: Option<String>,
    pub name: String,
    /// `M`, `F`, `O` or `U`.
    pub gender: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<PatientAddress>,
    pub year_of_birth: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_of_birth: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month_of_birth: Option<u8>,
    #[serde(default)]
    pub identifiers: Vec<TypedValue>,
}

impl std::fmt::Debug for SharedPatient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedPatient").field("health_id", &self.health_id).finish_non_exhaustive()
    }
}

/// `POST {gateway}/v1.0/patients/profile/on-share` (`ShareProfileResult1`):
/// the desk's answer to a share, with the patient's token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnShare {
    pub request_id: String,
    pub timestamp: String,
    pub acknowledgement: ShareAcknowledgement,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<CallbackError>,
    pub resp: RequestReference,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareAcknowledgement {
    /// `SUCCESS` or `FAILURE`.
    pub status: String,
    pub health_id: String,
    pub token_number: String,
}
