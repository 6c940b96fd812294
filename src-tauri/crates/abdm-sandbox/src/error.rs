//! Every refusal the sandbox makes, with the status and body ABDM uses for it.
//! The codes follow ABDM's legacy numeric codes (`ABDM-1405` = invalid OTP);
//! the body is the PHR API's `{code, message, details}`.

use abdm_types::phr::{ApiError, ApiErrorAttribute, ApiErrorDetail};
use axum::{
    Json,
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fail {
    /// Missing or malformed field; the attribute names it.
    BadRequest {
        field: &'static str,
        reason: String,
    },
    /// A credential field was not RSA-encrypted with the published key.
    NotEncrypted {
        field: &'static str,
    },
    /// No or an expired/forged gateway or user token.
    Unauthorized,
    /// The session or transaction id is unknown (or finished).
    UnknownTransaction,
    OtpInvalid {
        attempts_left: u32,
    },
    OtpExpired,
    /// Too many wrong OTPs or resends: the transaction is locked for 30 minutes.
    TooManyAttempts {
        retry_after_secs: i64,
    },
    ResendTooSoon {
        retry_after_secs: i64,
    },
    UserNotFound,
    AddressTaken,
    AddressPolicy(String),
    AddressLimit,
    PasswordPolicy(String),
    PasswordMissing,
    PasswordSame,
    AuthModeNotAllowed(String),
    AccountLocked,
    /// v3: a `scope` list and `loginHint` that do not go together.
    InvalidScope,
    /// v3: the request's `TIMESTAMP` is too far from ABDM's clock.
    ClockDrift,
    /// A fault injected through `/_sandbox/faults`.
    Injected(StatusCode),
    NoSuchEndpoint(String),
}

impl Fail {
    pub fn status(&self) -> StatusCode {
        match self {
            Fail::BadRequest { .. } | Fail::NotEncrypted { .. } | Fail::InvalidScope | Fail::ClockDrift => {
                StatusCode::BAD_REQUEST
            }
            Fail::Unauthorized => StatusCode::UNAUTHORIZED,
            Fail::UnknownTransaction | Fail::UserNotFound | Fail::NoSuchEndpoint(_) => StatusCode::NOT_FOUND,
            Fail::TooManyAttempts { .. } | Fail::ResendTooSoon { .. } => StatusCode::TOO_MANY_REQUESTS,
            Fail::AccountLocked => StatusCode::FORBIDDEN,
            Fail::Injected(status) => *status,
            Fail::OtpInvalid { .. }
            | Fail::OtpExpired
            | Fail::AddressTaken
            | Fail::AddressPolicy(_)
            | Fail::AddressLimit
            | Fail::PasswordPolicy(_)
            | Fail::PasswordMissing
            | Fail::PasswordSame
            | Fail::AuthModeNotAllowed(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Fail::BadRequest { .. } => "ABDM-1510",
            Fail::NotEncrypted { .. } => "ABDM-1502",
            Fail::Unauthorized => "ABDM-1401",
            Fail::UnknownTransaction => "ABDM-1509",
            Fail::OtpInvalid { .. } => "ABDM-1405",
            Fail::OtpExpired => "ABDM-1406",
            Fail::TooManyAttempts { .. } => "ABDM-1100",
            Fail::ResendTooSoon { .. } => "ABDM-1407",
            Fail::UserNotFound => "ABDM-1414",
            Fail::AddressTaken => "ABDM-1434",
            Fail::AddressPolicy(_) => "ABDM-1417",
            Fail::AddressLimit => "ABDM-1436",
            Fail::PasswordPolicy(_) => "ABDM-1441",
            Fail::PasswordMissing => "ABDM-1442",
            Fail::PasswordSame => "ABDM-1440",
            Fail::AuthModeNotAllowed(_) => "ABDM-1118",
            Fail::AccountLocked => "ABDM-1423",
            Fail::InvalidScope => "ABDM-1107",
            Fail::ClockDrift => "ABDM-1016",
            Fail::Injected(_) => "ABDM-1500",
            Fail::NoSuchEndpoint(_) => "ABDM-1404",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Fail::BadRequest { field, reason } => format!("Invalid {field}: {reason}"),
            Fail::NotEncrypted { .. } => "Plain text credentials is not allowed".to_owned(),
            Fail::Unauthorized => "Unauthorized Access".to_owned(),
            Fail::UnknownTransaction => "Invalid transaction id".to_owned(),
            Fail::OtpInvalid { attempts_left } => {
                format!("Could not Verify OTP or Password; {attempts_left} attempts left")
            }
            Fail::OtpExpired => "OTP expired, please request a new OTP".to_owned(),
            Fail::TooManyAttempts { .. } => "Maximum attempts reached. Please try again after 30 minutes".to_owned(),
            Fail::ResendTooSoon { retry_after_secs } => {
                format!("OTP can be resent after {retry_after_secs} seconds")
            }
            Fail::UserNotFound => "No account found".to_owned(),
            Fail::AddressTaken => "ABHA address already exists".to_owned(),
            Fail::AddressPolicy(reason) => format!("Invalid ABHA address: {reason}"),
            Fail::AddressLimit => "Maximum 4 ABHA addresses can be linked to one mobile number".to_owned(),
            Fail::PasswordPolicy(reason) => format!("Password does not meet the policy: {reason}"),
            Fail::PasswordMissing => "Login via password is not allowed: no password is set".to_owned(),
            Fail::PasswordSame => "New password must be different from the old password".to_owned(),
            Fail::AuthModeNotAllowed(mode) => {
                format!("Auth mode {mode} is not allowed for this account")
            }
            Fail::AccountLocked => {
                "Maximum login attempts exceeded. Try other modes or try again in 24 hours".to_owned()
            }
            Fail::InvalidScope => "Invalid combinations of scopes".to_owned(),
            Fail::ClockDrift => "Invalid timestamp: the request's clock is too far from ABDM's".to_owned(),
            Fail::Injected(_) => "Downstream system(s) is down".to_owned(),
            Fail::NoSuchEndpoint(path) => format!("{path} is not served"),
        }
    }

    fn attribute(&self) -> Option<ApiErrorAttribute> {
        match self {
            Fail::BadRequest { field, reason } => {
                Some(ApiErrorAttribute { key: (*field).to_owned(), value: reason.clone() })
            }
            Fail::NotEncrypted { field } => {
                Some(ApiErrorAttribute { key: (*field).to_owned(), value: "must be encrypted".to_owned() })
            }
            _ => None,
        }
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ApiError {
            code: format!("MIS-{}", status.as_u16()),
            message: self.message(),
            details: vec![ApiErrorDetail {
                code: self.code().to_owned(),
                message: self.message(),
                attribute: self.attribute(),
            }],
        };
        let mut response = (status, Json(body)).into_response();
        if let Fail::TooManyAttempts { retry_after_secs } | Fail::ResendTooSoon { retry_after_secs } = self
            && let Ok(value) = retry_after_secs.max(1).to_string().parse()
        {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

pub(crate) async fn unknown_endpoint(uri: Uri) -> Fail {
    Fail::NoSuchEndpoint(uri.path().to_owned())
}
