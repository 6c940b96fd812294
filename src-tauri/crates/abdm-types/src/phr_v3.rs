//! Wire shapes of the PHR v3 app API (`/abha/api/v3/phr/app/...`), the
//! generation ABDM's own ABHA app speaks: a `scope` list and a `loginHint`
//! say what a call is for, credentials sit under `authData`, and the tokens
//! come as `{token, expiresIn, refreshToken, refreshExpiresIn}`. Sources:
//! ABDM's P1 integrator notes and the ABHA app's request builders (see
//! `abdm-apis.md` section 4); where they are silent the shape is marked as ours.

use serde::{Deserialize, Serialize};

pub use crate::wire::Encrypted;

/// What an OTP is for: a new address (`abha-address-enroll`), a login to
/// an address (`abha-address-login`) or by ABHA number (`abha-login`).
pub const SCOPE_ADDRESS_ENROL: &str = "abha-address-enroll";
/// Changes to the signed-in address's own profile (`login/profile/verify`).
pub const SCOPE_PROFILE: &str = "abha-address-profile";
pub const SCOPE_ADDRESS_LOGIN: &str = "abha-address-login";
pub const SCOPE_ABHA_LOGIN: &str = "abha-login";
pub const SCOPE_MOBILE: &str = "mobile-verify";
pub const SCOPE_EMAIL: &str = "email-verify";
pub const SCOPE_AADHAAR: &str = "aadhaar-verify";
pub const SCOPE_PASSWORD: &str = "password-verify";

/// `loginHint` values.
pub const HINT_MOBILE: &str = "mobile-number";
pub const HINT_EMAIL: &str = "email";
pub const HINT_ADDRESS: &str = "abha-address";
pub const HINT_ABHA_NUMBER: &str = "abha-number";

/// `POST login/request/otp` and `enrollment/request/otp`: `loginId` is
/// always encrypted, whatever it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestOtp {
    pub scope: Vec<String>,
    pub login_hint: String,
    pub login_id: Encrypted,
    /// `abdm`, or `aadhaar` for an OTP to the Aadhaar-linked mobile.
    pub otp_system: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TxnReply {
    pub txn_id: String,
    #[serde(default)]
    pub message: String,
}

/// `POST login/verify`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verify {
    pub scope: Vec<String>,
    pub auth_data: AuthData,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthData {
    /// `["otp"]` or `["password"]`.
    pub auth_methods: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<OtpData>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PasswordData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtpData {
    pub txn_id: String,
    pub otp_value: Encrypted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordData {
    pub abha_address: String,
    pub password: Encrypted,
}

/// The answer of `login/verify`: with a `refreshToken` the tokens are the
/// user's own (an address login); without, `token` is a T-token for
/// `login/verify/user`, and `users` are the addresses to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyReply {
    #[serde(default)]
    pub txn_id: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub auth_result: String,
    #[serde(default)]
    pub users: Vec<User>,
    pub tokens: Tokens,
    /// An ABHA number's verified profile (`enrollment/verify` by ABHA number;
    /// the shape of `enrol/byAadhaar`'s `ABHAProfile`).
    #[serde(rename = "ABHAProfile", default, skip_serializing_if = "Option::is_none")]
    pub abha_profile: Option<AbhaProfile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbhaProfile {
    #[serde(rename = "firstName")]
    pub first_name: String,
    #[serde(rename = "middleName", default)]
    pub middle_name: Option<String>,
    #[serde(rename = "lastName", default)]
    pub last_name: Option<String>,
    /// `DD-MM-YYYY`.
    pub dob: String,
    /// `M`, `F` or `O`.
    pub gender: String,
    #[serde(default)]
    pub photo: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(rename = "phrAddress", default)]
    pub phr_address: Vec<String>,
    #[serde(rename = "addressLine1", default)]
    pub address_line: Option<String>,
    #[serde(rename = "stateCode", default)]
    pub state_code: Option<String>,
    #[serde(rename = "stateName", default)]
    pub state_name: Option<String>,
    #[serde(rename = "districtCode", default)]
    pub district_code: Option<String>,
    #[serde(rename = "districtName", default)]
    pub district_name: Option<String>,
    #[serde(rename = "pinCode", default)]
    pub pin_code: Option<String>,
    #[serde(rename = "ABHANumber")]
    pub abha_number: String,
}

/// `POST enrollment/suggestion`: the ABHA app sends the email blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggest {
    pub txn_id: String,
    pub first_name: String,
    pub last_name: String,
    pub day_of_birth: String,
    pub month_of_birth: String,
    pub year_of_birth: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuggestReply {
    pub txn_id: String,
    pub abha_address_list: Vec<String>,
}

/// `POST enrollment/enrol`: the whole profile and the address at once;
/// mobile, email and password encrypted, or empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrol {
    pub txn_id: String,
    pub phr_details: PhrDetails,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PhrDetails {
    pub first_name: String,
    pub middle_name: String,
    pub last_name: String,
    pub day_of_birth: String,
    pub month_of_birth: String,
    pub year_of_birth: String,
    pub gender: String,
    pub email: String,
    pub mobile: String,
    pub address: String,
    pub state_code: String,
    pub district_code: String,
    pub pin_code: String,
    pub abha_address: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolReply {
    pub txn_id: String,
    #[serde(default)]
    pub message: String,
    pub phr_details: EnrolledDetails,
    pub tokens: Tokens,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnrolledDetails {
    /// Every address of this person, the new one among them.
    pub abha_address: Vec<String>,
    #[serde(default)]
    pub mobile: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub abha_address: String,
    #[serde(default)]
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abha_number: Option<String>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub kyc_status: String,
}

/// Lifetimes in seconds; `refreshToken` null on a T-token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub token: String,
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub refresh_expires_in: Option<i64>,
}

/// `POST login/verify/user`, with the T-token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyUser {
    pub abha_address: String,
    pub txn_id: String,
}

/// `POST login/search`: how an address can log in. The reply's shape is ours:
/// the sources name the call, not its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Search {
    pub abha_address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchReply {
    pub abha_address: String,
    /// `MOBILE_OTP`, `EMAIL_OTP`, `PASSWORD`, as in v1.
    pub auth_methods: Vec<String>,
}

/// `GET login/profile`: the fields the ABHA app's model reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub abha_address: String,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub middle_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub day_of_birth: Option<String>,
    #[serde(default)]
    pub month_of_birth: Option<String>,
    #[serde(default)]
    pub year_of_birth: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub abha_number: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub state_name: Option<String>,
    #[serde(default)]
    pub state_code: Option<String>,
    #[serde(default)]
    pub district_name: Option<String>,
    #[serde(default)]
    pub district_code: Option<String>,
    #[serde(default)]
    pub pin_code: Option<String>,
    #[serde(default)]
    pub profile_photo: Option<String>,
    #[serde(default)]
    pub kyc_status: Option<String>,
    #[serde(default)]
    pub auth_methods: Vec<String>,
    #[serde(default)]
    pub status: String,
}

/// The wrapped error shape: `{"error":{"code":"ABDM-1204","message":..}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedError {
    pub error: CodeMessage,
}

/// The flat shape, also the wrapped one's inside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeMessage {
    pub code: String,
    pub message: String,
}
