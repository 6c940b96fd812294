//! Wire shapes of the PHR app API (`/v1/apps/...`), as ABDM's sign-up and sign-in
//! guide gives them. Field names are the contract, typos included: `healhtIdNumber`
//! on one request, `phrAdress` in create responses, `authcode` in pre-Verify but
//! `authCode` in auth-confirm. Responses also accept the corrected spelling.
//!
//! Credentials travel as [`Encrypted`] (base64 RSA ciphertext); the client encrypts
//! them, the sandbox decrypts them.

use serde::{Deserialize, Serialize};

pub use crate::wire::Encrypted;
use crate::wire::{flexible_bool, flexible_list};

/// How a person proves who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthMode {
    MobileOtp,
    EmailOtp,
    AadhaarOtp,
    Password,
}

impl AuthMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMode::MobileOtp => "MOBILE_OTP",
            AuthMode::EmailOtp => "EMAIL_OTP",
            AuthMode::AadhaarOtp => "AADHAAR_OTP",
            AuthMode::Password => "PASSWORD",
        }
    }

    /// Reads a mode from a list entry; `None` for modes this app does not offer.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "MOBILE_OTP" => Some(AuthMode::MobileOtp),
            "EMAIL_OTP" => Some(AuthMode::EmailOtp),
            "AADHAAR_OTP" => Some(AuthMode::AadhaarOtp),
            "PASSWORD" => Some(AuthMode::Password),
            _ => None,
        }
    }
}

/// Why the app asks: always `CM_ACCESS` for a PHR app's own login.
pub const PURPOSE_CM_ACCESS: &str = "CM_ACCESS";

/// Who asks: `{ "type": "PHR", "id": "<requester id>" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

impl Requester {
    pub fn phr(id: impl Into<String>) -> Self {
        Self { kind: "PHR".to_owned(), id: id.into() }
    }
}

// ---- Registration by mobile or email ------------------------------------------

/// `POST /v1/apps/generate/otp`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateOtpRequest {
    /// The mobile or email, encrypted.
    pub value: Encrypted,
    pub auth_mode: AuthMode,
}

/// Reply of generate OTP, registration details and the ABHA-number auth-init.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    pub session_id: String,
}

/// `POST /v1/apps/resend/otp`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResendOtpRequest {
    pub session_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResendOtpResponse {
    /// The guide's example sends `"true"`, a string.
    #[serde(deserialize_with = "flexible_bool")]
    pub success: bool,
    pub session_id: String,
}

/// `POST /v1/apps/validate/otp`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOtpRequest {
    /// The OTP, encrypted.
    pub value: Encrypted,
    pub session_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateOtpResponse {
    /// Addresses already linked to the mobile or email.
    #[serde(deserialize_with = "flexible_list", default)]
    pub mapped_phr_address: Vec<String>,
    pub session_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    pub first: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateOfBirth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    pub year: u16,
}

/// `POST /v1/apps/registration/details`: the self-declared profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationDetailsRequest {
    pub session_id: String,
    pub name: PersonName,
    pub date_of_birth: DateOfBirth,
    /// `M`, `F` or `O`.
    pub gender: String,
    pub state_code: String,
    pub district_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Encrypted>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<Encrypted>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    pub pin_code: String,
    pub address: String,
}

/// `POST /v1/apps/phr/suggestion`: names (without suffix) free to take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuggestionRequest {
    pub session_id: String,
}

/// `POST /v1/apps/create/phrAddress` and
/// `POST /v1/apps/create/registration/hid/create/phrAddress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePhrAddressRequest {
    #[serde(rename = "alreadyExistedPHR")]
    pub already_existed_phr: bool,
    /// Optional: an address may have no password (then it logs in by OTP only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Encrypted>,
    pub phr_address: String,
    pub session_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatePhrAddressResponse {
    #[serde(rename = "phrAdress", alias = "phrAddress")]
    pub phr_address: String,
    pub token: String,
}

// ---- Registration by ABHA number (KYC) ----------------------------------------

/// `POST /v1/apps/registration/hid/search/auth-mode`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HidSearchRequest {
    #[serde(rename = "healhtIdNumber", alias = "healthIdNumber")]
    pub health_id_number: String,
}

/// Reply of both ABHA-number auth-mode searches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthModesResponse {
    #[serde(deserialize_with = "flexible_list", default)]
    pub auth_methods: Vec<String>,
    #[serde(deserialize_with = "flexible_list", default)]
    pub blocked_auth_methods: Vec<String>,
    pub health_id_number: String,
    pub status: String,
}

/// `POST /v1/apps/registration/hid/auth-init` and `POST /v1/apps/login/hid/auth-init`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HidAuthInitRequest {
    pub health_id_number: String,
    pub purpose: String,
    pub auth_mode: AuthMode,
    pub requester: Requester,
}

/// `POST /v1/apps/registration/hid/confirm-init`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HidConfirmInitRequest {
    pub session_id: String,
    /// The OTP, encrypted.
    pub value: Encrypted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KycName {
    pub first_name: String,
    #[serde(default)]
    pub middle_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

/// The verified profile ABDM returns after an ABHA-number OTP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KycProfile {
    pub session_id: String,
    pub name: KycName,
    /// `Male`, `Female` or `Other` in the guide's example.
    pub gender: String,
    pub date_of_birth: DateOfBirth,
    pub health_id_number: String,
    #[serde(default)]
    pub state_name: Option<String>,
    #[serde(default)]
    pub state_code: Option<String>,
    #[serde(default)]
    pub district_code: Option<String>,
    #[serde(default)]
    pub district_name: Option<String>,
    #[serde(default)]
    pub pincode: Option<String>,
    #[serde(default)]
    pub aadhaar_verified: bool,
    /// Base64 JPEG.
    #[serde(default)]
    pub profile_photo: Option<String>,
    #[serde(deserialize_with = "flexible_list", default)]
    pub auth_methods: Vec<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    /// Base64 of the photo on the KYC document, when there is one.
    #[serde(default)]
    pub kyc_photo: Option<String>,
    #[serde(deserialize_with = "flexible_list", default)]
    pub phr_address: Vec<String>,
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, String>,
}

// ---- Login --------------------------------------------------------------------

/// `POST /v1/apps/login/hid/search/auth-mode`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginHidSearchRequest {
    pub health_id_number: String,
    pub year_of_birth: String,
}

/// `POST /v1/apps/login/mobileEmail/auth-init`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MobileEmailAuthInitRequest {
    /// The mobile or email, encrypted.
    pub value: Encrypted,
    pub purpose: String,
    pub auth_mode: AuthMode,
    pub requester: Requester,
}

/// Reply of every login auth-init.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionResponse {
    pub transaction_id: String,
    pub requester_id: String,
    pub auth_mode: String,
    #[serde(default)]
    pub error: Option<serde_json::Value>,
}

/// `POST /v1/apps/login/mobileEmail/pre-Verify`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreVerifyRequest {
    pub transaction_id: String,
    /// The OTP, encrypted. Spelled `authcode` here, unlike auth-confirm.
    #[serde(rename = "authcode", alias = "authCode")]
    pub auth_code: Encrypted,
    pub requester_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreVerifyResponse {
    #[serde(deserialize_with = "flexible_list", default)]
    pub mapped_phr_address: Vec<String>,
    /// Masked, e.g. `9988776XX5`.
    pub mobile_email: String,
    pub requester_id: String,
    pub transaction_id: String,
}

/// `POST /v1/apps/login/mobileEmail/auth-confirm`: pick one of the mapped addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MobileEmailAuthConfirmRequest {
    pub patient_id: String,
    pub transaction_id: String,
    pub requester_id: String,
}

/// A user token, as `"Bearer <jwt>"`. The richer fields appear in recorded
/// sandbox replies though the guide shows only `token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phr_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_in: Option<String>,
}

/// `GET /v1/apps/phrAddress/search/auth-mode?phrAddress=`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressAuthModesResponse {
    /// The guide's example is one string, `"[PASSWORD, MOBILE_OTP, EMAIL_OTP]"`.
    #[serde(deserialize_with = "flexible_list", default)]
    pub auth_methods: Vec<String>,
    pub phr_address: String,
}

/// `POST /v1/apps/phrAddress/auth-init`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressAuthInitRequest {
    pub patient_id: String,
    pub purpose: String,
    pub auth_mode: AuthMode,
    pub requester: Requester,
}

/// `POST /v1/apps/phrAddress/auth-confirm`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressAuthConfirmRequest {
    pub transaction_id: String,
    /// The OTP or password, encrypted.
    pub auth_code: Encrypted,
    pub requester_id: String,
}

// ---- Session and account ------------------------------------------------------

/// `POST /v1/account/update/phr-address` (X-Token): add an address to the
/// ABHA number the token belongs to. Replies with the new address as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePhrAddressRequest {
    pub phr_address: String,
}

/// `POST /v1/apps/patients/profile/reset-password` (X-AUTH-TOKEN)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPasswordRequest {
    pub password: Encrypted,
}

/// Reply of reset password and logout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessResponse {
    #[serde(deserialize_with = "flexible_bool")]
    pub success: bool,
}

/// One entry of the LGD master lists: `GET /v1/apps/location/states` and
/// `GET /v1/apps/location/districts?stateCode=` both answer `[{code, name}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LgdEntry {
    pub code: String,
    pub name: String,
}

/// `POST /v1/apps/token/refresh` and `POST /logout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshTokenRequest {
    pub refresh_token: String,
}

/// `GET /v1/apps/profile/me` (X-AUTH-TOKEN)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The ABHA address.
    pub id: String,
    pub full_name: String,
    pub name: PersonName,
    /// `M`, `F` or `O`.
    pub gender: String,
    pub date_of_birth: DateOfBirth,
    /// The ABHA number, `NN-NNNN-NNNN-NNNN`, when the address is linked to one.
    #[serde(default)]
    pub health_id: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
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
    pub pincode: Option<String>,
    #[serde(default)]
    pub kyc_status: Option<String>,
    #[serde(default)]
    pub profile_photo: Option<String>,
    #[serde(default)]
    pub has_password: bool,
}

// ---- Errors -------------------------------------------------------------------

/// The PHR API's error body: `{"code":"MIS-422","message":..,"details":[..]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub details: Vec<ApiErrorDetail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<ApiErrorAttribute>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorAttribute {
    pub key: String,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_typos_are_kept_on_the_wire() {
        let search = serde_json::to_value(HidSearchRequest { health_id_number: "11-1111-1111-1111".into() }).unwrap();
        assert_eq!(search, serde_json::json!({"healhtIdNumber": "11-1111-1111-1111"}));

        let pre = serde_json::to_value(PreVerifyRequest {
            transaction_id: "t".into(),
            auth_code: Encrypted("c".into()),
            requester_id: "r".into(),
        })
        .unwrap();
        assert!(pre.get("authcode").is_some(), "{pre}");

        let confirm = serde_json::to_value(AddressAuthConfirmRequest {
            transaction_id: "t".into(),
            auth_code: Encrypted("c".into()),
            requester_id: "r".into(),
        })
        .unwrap();
        assert!(confirm.get("authCode").is_some(), "{confirm}");

        let created: CreatePhrAddressResponse =
            serde_json::from_str(r#"{"phrAdress":"user@abdm","token":"t"}"#).unwrap();
        assert_eq!(created.phr_address, "user@abdm");
        assert_eq!(serde_json::to_value(&created).unwrap()["phrAdress"], "user@abdm");
    }

    #[test]
    fn the_guides_response_examples_deserialise() {
        let validate: ValidateOtpResponse = serde_json::from_str(
            r#"{"mappedPhrAddress": "[user@abdm, user2@abdm]", "sessionId": "a825f76b-0696-40f3-864c-5a3a5b389a83"}"#,
        )
        .unwrap();
        assert_eq!(validate.mapped_phr_address, ["user@abdm", "user2@abdm"]);

        let resend: ResendOtpResponse =
            serde_json::from_str(r#"{"success": "true", "sessionId": "16a18568-7c86-49a7-a95c-f1671cd04a94"}"#)
                .unwrap();
        assert!(resend.success);

        let modes: AddressAuthModesResponse =
            serde_json::from_str(r#"{"authMethods": "[PASSWORD, MOBILE_OTP, EMAIL_OTP]", "phrAddress": "user@abdm"}"#)
                .unwrap();
        let parsed: Vec<_> = modes.auth_methods.iter().filter_map(|m| AuthMode::parse(m)).collect();
        assert_eq!(parsed, [AuthMode::Password, AuthMode::MobileOtp, AuthMode::EmailOtp]);

        let txn: TransactionResponse = serde_json::from_str(
            r#"{"transactionId": "1431fa4f-82b4-4cba-bdc0-770e9178f644", "requesterId": "IN041XX", "authMode": "MOBILE_OTP", "error": null}"#,
        )
        .unwrap();
        assert_eq!(txn.auth_mode, "MOBILE_OTP");
    }
}
