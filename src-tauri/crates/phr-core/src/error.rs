use abdm_client::AbdmError;
use phr_store::{StoreError, VaultError};
use serde::{Deserialize, Serialize};

/// The closed set of failure kinds the UI branches on. Each has a human message in
/// English and Hindi in `ui/src/locales/` (`Record<ErrorCode, string>`, so a new code without words
/// does not compile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// What was typed is not a mobile number (the message says which rule).
    InvalidMobile,
    InvalidEmail,
    /// Not 6 digits.
    InvalidOtpFormat,
    InvalidAbhaAddress,
    InvalidAbhaNumber,
    InvalidYearOfBirth,
    /// A date of birth that is no real date, is in the future, or is more than 120 years ago.
    InvalidDateOfBirth,
    /// A field of the profile form (the message names which, and the rule).
    InvalidProfile,
    /// The password and its confirmation differ.
    PasswordsDiffer,
    /// ABDM did not accept the OTP (or the password).
    OtpInvalid,
    /// The OTP's 10 minutes are over: request a new one.
    OtpExpired,
    /// Too many wrong OTPs or resends: wait 30 minutes or start again.
    OtpLocked,
    /// A new OTP can be requested 60 seconds after the last one.
    OtpResendTooSoon,
    /// ABDM knows no account for this mobile, email, address or number.
    AccountNotFound,
    /// Too many wrong passwords: try another way or wait 24 hours.
    AccountLocked,
    AddressTaken,
    AddressLimitReached,
    WeakPassword,
    /// The sign-in is no longer valid: log in again.
    SessionExpired,
    /// This needs someone signed in, and nobody is.
    NotSignedIn,
    /// This computer is offline; nothing was lost.
    NetworkUnavailable,
    /// ABDM did not answer or is down; try again shortly.
    AbdmUnavailable,
    /// The system keyring cannot be used; a passphrase is needed instead.
    KeyringUnavailable,
    /// The passphrase does not open the saved data.
    WrongPassphrase,
    /// The local cache cannot be opened (damaged file, no space, no permission).
    StorageUnavailable,
    /// The step asked for is not open (the flow ended, or was never started here).
    FlowNotFound,
    /// The patient cannot be verified this way for this purpose.
    ModeNotAllowed,
    /// The generation of ABDM's API this app is set to has no such step.
    NotOnThisApi,
    /// The name, gender, date of birth or mobile given do not match the account.
    DemographicsMismatch,
    /// The patient declined the request in their PHR app.
    VerificationDenied,
    /// The gateway turned a verification step down for a reason it gave only in
    /// words this app does not know; the message is ABDM's words (masked).
    GatewayRefused,
    /// ABDM accepted the request but its answer did not arrive in time.
    NoCallback,
    /// What the barcode scanner typed is no ABHA QR code, or was read in part.
    QrNotAbha,
    /// The ABHA QR code holds no ABHA address to verify.
    QrNoAddress,
    /// A facility counter's Scan and Share QR was scanned in place of the patient's.
    QrCounterCode,
    /// The front desk needs a member of staff signed in.
    StaffNotSignedIn,
    /// The front desk is locked: the same person signs in again, or someone else does.
    DeskLocked,
    /// No staff sign-in is set up on this computer (`[staff]` in config.toml).
    StaffNotConfigured,
    /// The auth platform's API key (or the provider's client secret) is not in the keyring.
    StaffSecretMissing,
    /// The auth platform did not accept this installation's API key.
    StaffApiKeyRefused,
    /// The email or password is not right.
    StaffWrongPassword,
    /// The email is not verified yet: the verification email can be sent again.
    StaffEmailNotVerified,
    StaffEmailTaken,
    /// Sign-up with an email no clinic takes, and no invite.
    StaffNoClinicForEmail,
    StaffInviteInvalid,
    /// The account belongs to no clinic.
    StaffNoClinic,
    /// The verification link is unknown or older than 24 hours.
    StaffVerificationInvalid,
    StaffAlreadyVerified,
    /// No staff account uses this email.
    StaffUnknownEmail,
    /// The staff sign-in has ended: sign in again.
    StaffSessionExpired,
    /// The clinic's sign-in service cannot be reached or answered nonsense.
    StaffProviderUnavailable,
    /// Too many tries at the clinic's sign-in service just now.
    StaffTooManyTries,
    /// The browser sign-in was cancelled, or the browser closed before it finished.
    StaffSignInCancelled,
    /// An answer that belongs to no sign-in of ours arrived (wrong `state` or issuer).
    StaffSignInForeign,
    /// The provider's ID token failed a check (signature, issuer, audience, expiry, nonce).
    StaffIdTokenInvalid,
    /// The provider refused the sign-in (an OAuth error).
    StaffSignInRefused,
    /// A staff password has 8 to 32 characters.
    StaffPasswordLength,
    /// A first and a last name are needed.
    StaffNameRequired,
    /// The system browser could not be opened.
    BrowserUnavailable,
    /// The access log's day or person filter does not make sense.
    InvalidAccessLogFilter,
    /// The file could not be written.
    ExportFailed,
    /// The desk makes a patient's ABHA card only from a verification in this run
    /// of the app (it keeps their full ABHA number nowhere else).
    CardUnavailable,
    /// Something only demo mode has (*Reset demo*) was asked for outside it.
    DemoOnly,
    /// The command's arguments could not be read (a wrong type, a missing key, text
    /// that is not Unicode). Tauri refuses these before any command runs, with a bare
    /// string; the UI gives them this code (`ui/src/errors.ts`).
    MalformedRequest,
    /// A bug or an unexpected state: nothing the user can fix by retrying differently.
    Internal,
}

impl ErrorCode {
    /// The English sentence for the code, for logs and the CLI; the UI has its own
    /// English and Hindi words in `ui/src/locales/`.
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::InvalidMobile => "Enter a 10-digit mobile number starting with 6, 7, 8 or 9.",
            ErrorCode::InvalidEmail => "Enter an email address like name@example.in.",
            ErrorCode::InvalidOtpFormat => "The OTP has 6 digits.",
            ErrorCode::InvalidAbhaAddress => "Enter an ABHA address like name@abdm.",
            ErrorCode::InvalidAbhaNumber => "Enter the 14-digit ABHA number, like 91-1234-5678-9012.",
            ErrorCode::InvalidYearOfBirth => "Enter the year of birth as 4 digits, like 1987.",
            ErrorCode::InvalidDateOfBirth => {
                "Enter a real date of birth: the year is needed, day and month may be left out; not in the future, not more than 120 years ago."
            }
            ErrorCode::InvalidProfile => "Check the highlighted detail of the profile.",
            ErrorCode::PasswordsDiffer => "The two passwords are not the same.",
            ErrorCode::OtpInvalid => "That OTP (or password) is not right. Check it and try again.",
            ErrorCode::OtpExpired => "This OTP has expired. Request a new one.",
            ErrorCode::OtpLocked => "Too many attempts. Please try again after 30 minutes.",
            ErrorCode::OtpResendTooSoon => "Please wait a moment before asking for a new OTP.",
            ErrorCode::AccountNotFound => "No ABHA account was found for these details.",
            ErrorCode::AccountLocked => {
                "This account is locked after too many attempts. Try another way to log in, or try again in 24 hours."
            }
            ErrorCode::AddressTaken => "This ABHA address is already taken. Choose another.",
            ErrorCode::AddressLimitReached => "This mobile number already has the most ABHA addresses allowed (4).",
            ErrorCode::WeakPassword => "The password does not meet the rules shown.",
            ErrorCode::SessionExpired => "Your session has ended. Please log in again.",
            ErrorCode::NotSignedIn => "Please log in first.",
            ErrorCode::NetworkUnavailable => "You are offline. Nothing you entered was lost; try again when connected.",
            ErrorCode::AbdmUnavailable => "ABDM is not answering right now. Please try again in a few minutes.",
            ErrorCode::KeyringUnavailable => {
                "The system keyring is not available. A passphrase is needed to protect your data."
            }
            ErrorCode::WrongPassphrase => "That passphrase does not open the saved data. Try again.",
            ErrorCode::StorageUnavailable => "The saved data on this computer cannot be opened.",
            ErrorCode::FlowNotFound => "This step is no longer open. Please start again.",
            ErrorCode::ModeNotAllowed => {
                "The patient cannot be verified this way for this purpose. Choose another way."
            }
            ErrorCode::NotOnThisApi => {
                "ABDM's current API cannot do this here. To get another ABHA address, sign up again with the same mobile number."
            }
            ErrorCode::DemographicsMismatch => "These details do not match the patient's ABHA profile.",
            ErrorCode::VerificationDenied => "The patient declined the request in their ABHA app.",
            ErrorCode::GatewayRefused => "ABDM turned this step down.",
            ErrorCode::NoCallback => "ABDM did not answer in time. Please try again.",
            ErrorCode::QrNotAbha => "This is not an ABHA QR code, or it was not read whole. Scan it again.",
            ErrorCode::QrNoAddress => "This ABHA QR code has no ABHA address. Ask the patient for it.",
            ErrorCode::QrCounterCode => {
                "This is a counter's QR code, for the patient's app to scan. Scan the patient's ABHA card or app."
            }
            ErrorCode::StaffNotSignedIn => "A member of staff must sign in to use the front desk.",
            ErrorCode::DeskLocked => "The front desk is locked. Sign in again to continue.",
            ErrorCode::StaffNotConfigured => {
                "Staff sign-in is not set up on this computer, so the front desk is closed."
            }
            ErrorCode::StaffSecretMissing => {
                "This desk does not have the key for the clinic's sign-in service. Ask whoever set up this computer."
            }
            ErrorCode::StaffApiKeyRefused => {
                "The clinic's sign-in service did not accept this desk's key. Ask whoever set up this computer."
            }
            ErrorCode::StaffWrongPassword => "The email or password is not right.",
            ErrorCode::StaffEmailNotVerified => "Verify your email before signing in. We can send the link again.",
            ErrorCode::StaffEmailTaken => "There is already an account with this email. Sign in instead.",
            ErrorCode::StaffNoClinicForEmail => {
                "No clinic takes sign-ups from this email. Use your clinic email, or the invite you were sent."
            }
            ErrorCode::StaffInviteInvalid => "This invite is not valid for this email, or it has expired.",
            ErrorCode::StaffNoClinic => "Your account does not belong to any clinic. Ask your administrator.",
            ErrorCode::StaffVerificationInvalid => {
                "This verification link is not valid or has expired. Send a new one."
            }
            ErrorCode::StaffAlreadyVerified => "This email is already verified. You can sign in.",
            ErrorCode::StaffUnknownEmail => "No staff account uses this email.",
            ErrorCode::StaffSessionExpired => "Your staff sign-in has ended. Please sign in again.",
            ErrorCode::StaffProviderUnavailable => "The clinic's sign-in service cannot be reached. Try again shortly.",
            ErrorCode::StaffTooManyTries => "Too many tries just now. Wait a moment and try again.",
            ErrorCode::StaffSignInCancelled => "The sign-in was cancelled, or the browser closed before it finished.",
            ErrorCode::StaffSignInForeign => {
                "An answer from another sign-in arrived, so for safety nothing was signed in. Start again."
            }
            ErrorCode::StaffIdTokenInvalid => {
                "The clinic's sign-in service sent an identity that did not pass the checks. Nothing was signed in."
            }
            ErrorCode::StaffSignInRefused => "The clinic's sign-in service refused the sign-in. Start again.",
            ErrorCode::StaffPasswordLength => "A password here has 8 to 32 characters.",
            ErrorCode::StaffNameRequired => "Enter a first and a last name.",
            ErrorCode::BrowserUnavailable => "The web browser could not be opened to sign in.",
            ErrorCode::InvalidAccessLogFilter => "Choose a day and a person from the lists.",
            ErrorCode::ExportFailed => "The file could not be saved. Check the Downloads folder and try again.",
            ErrorCode::CardUnavailable => "Verify the patient again to make their ABHA card.",
            ErrorCode::DemoOnly => "Only the demo can be reset, and this is not the demo.",
            ErrorCode::MalformedRequest => {
                "The app could not read what was sent, so nothing was changed. Check what you entered and try again."
            }
            ErrorCode::Internal => "Something went wrong inside ABHA Desktop. Please try again.",
        }
    }
}

/// A field of a form the UI shows, named when an error is about one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Field {
    FirstName,
    MiddleName,
    LastName,
    Gender,
    DateOfBirth,
    Address,
    State,
    District,
    Pincode,
    Email,
    Mobile,
}

impl Field {
    /// The field's name in an English reason (the UI has its own labels).
    pub fn label(self) -> &'static str {
        match self {
            Field::FirstName => "first name",
            Field::MiddleName => "middle name",
            Field::LastName => "last name",
            Field::Gender => "gender",
            Field::DateOfBirth => "date of birth",
            Field::Address => "address",
            Field::State => "state",
            Field::District => "district",
            Field::Pincode => "pin code",
            Field::Email => "email",
            Field::Mobile => "mobile",
        }
    }
}

/// Failures of the application API, by what the caller does next.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that failed validation before anything was sent; `reason` names the
    /// rule and is safe to show (it never repeats the input); `field` is the
    /// form field it is about, when the form has several.
    #[error("{reason}")]
    Input { code: ErrorCode, reason: String, field: Option<Field> },
    /// ABDM refused or could not be reached. Boxed: it carries the raw body.
    #[error("ABDM call failed")]
    Abdm(#[source] Box<AbdmError>),
    #[error("local cache failed")]
    Store(#[from] StoreError),
    #[error("keyring failed")]
    Vault(#[from] VaultError),
    /// The clinic's sign-in service said no, or could not be reached; `code`
    /// is what the person does next, `source` what happened (for the log).
    #[error("staff sign-in failed")]
    Staff {
        code: ErrorCode,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A file the person asked for (the access log's CSV, an ABHA card)
    /// could not be written where it goes.
    #[error("the file could not be written")]
    File(#[source] std::io::Error),
    /// Something that should not happen; the chain says what.
    #[error("unexpected failure")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<AbdmError> for Error {
    fn from(err: AbdmError) -> Self {
        Error::Abdm(Box::new(err))
    }
}

impl Error {
    pub fn input(code: ErrorCode, reason: impl std::fmt::Display) -> Self {
        Error::Input { code, reason: reason.to_string(), field: None }
    }

    /// Bad input in one field of a form, so the UI marks that field.
    pub fn in_field(code: ErrorCode, field: Field, reason: impl std::fmt::Display) -> Self {
        Error::Input { code, reason: reason.to_string(), field: Some(field) }
    }

    pub fn field(&self) -> Option<Field> {
        match self {
            Error::Input { field, .. } => *field,
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Input { code, .. } | Error::Staff { code, .. } => *code,
            Error::Abdm(err) => abdm_code(err),
            Error::Store(err) => store_code(err),
            Error::Vault(VaultError::Unavailable(_)) => ErrorCode::KeyringUnavailable,
            Error::Vault(VaultError::Failed(_) | VaultError::Task(_)) => ErrorCode::Internal,
            Error::Vault(VaultError::Sealed(err)) => store_code(err),
            Error::File(_) => ErrorCode::ExportFailed,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A sentence for a person: the validation rule for bad input, otherwise the
    /// code's message. Never the inner error's text, which may carry data.
    pub fn user_message(&self) -> String {
        match self {
            Error::Input { reason, .. } => capitalise(reason),
            other => other.code().message().to_owned(),
        }
    }
}

fn store_code(err: &StoreError) -> ErrorCode {
    match err {
        StoreError::WrongKey { .. } | StoreError::Open { .. } | StoreError::Folder(_) => ErrorCode::StorageUnavailable,
        StoreError::Migrate(_) | StoreError::Sql(_) | StoreError::Sealing => ErrorCode::Internal,
    }
}

fn capitalise(reason: &str) -> String {
    let mut chars = reason.chars();
    match chars.next() {
        Some(first) => {
            let sentence: String = first.to_uppercase().chain(chars).collect();
            if sentence.ends_with(['.', '?', '!']) { sentence } else { sentence + "." }
        }
        None => String::new(),
    }
}

/// ABDM's answer, by what the person does next. The detail codes are the
/// sandbox's (ABDM's legacy numbers, and v3's where they differ); statuses
/// decide where codes are unknown.
fn abdm_code(err: &AbdmError) -> ErrorCode {
    let has = |code: &str| err.has_code(code);
    // v3 answers a wrong or expired OTP as a complaint about the field.
    let otp_field = |failure: &abdm_client::ApiFailure| {
        failure.fields.iter().find(|(field, _)| field == "otpValue").map(|(_, message)| {
            if message.to_ascii_lowercase().contains("expired") { ErrorCode::OtpExpired } else { ErrorCode::OtpInvalid }
        })
    };
    match err {
        AbdmError::Unreachable(_) => ErrorCode::NetworkUnavailable,
        AbdmError::Timeout(_) => ErrorCode::AbdmUnavailable,
        AbdmError::Rejected { status, failure, .. } => {
            if let Some(code) = otp_field(failure) {
                code
            } else if has("ABDM-1405") {
                ErrorCode::OtpInvalid
            } else if has("ABDM-1406") {
                ErrorCode::OtpExpired
            } else if has("ABDM-1100") {
                ErrorCode::OtpLocked
            } else if has("ABDM-1407") || has("ABDM-1022") {
                ErrorCode::OtpResendTooSoon
            } else if has("ABDM-1414") || has("ABDM-1114") || has("ABDM-1211") {
                ErrorCode::AccountNotFound
            } else if has("ABDM-1423") {
                ErrorCode::AccountLocked
            } else if has("ABDM-1434") || has("ABDM-1101") {
                ErrorCode::AddressTaken
            } else if has("ABDM-1436") {
                ErrorCode::AddressLimitReached
            } else if has("ABDM-1441") || has("ABDM-1440") || has("ABDM-1110") {
                ErrorCode::WeakPassword
            } else if has("ABDM-1509") || has("ABDM-1017") {
                ErrorCode::FlowNotFound
            } else if has("ABDM-1417") {
                ErrorCode::InvalidAbhaAddress
            } else if has("ABDM-1118") || has("ABDM-1119") {
                ErrorCode::ModeNotAllowed
            } else {
                match status {
                    401 => ErrorCode::SessionExpired,
                    404 => ErrorCode::AccountNotFound,
                    429 => ErrorCode::OtpLocked,
                    500..=599 => ErrorCode::AbdmUnavailable,
                    _ => ErrorCode::Internal,
                }
            }
        }
        AbdmError::Malformed { .. } | AbdmError::Missing(_) | AbdmError::Key(_) => ErrorCode::AbdmUnavailable,
        // A v3 step this run did not see begin: the person starts it again.
        AbdmError::TransactionLost => ErrorCode::FlowNotFound,
        AbdmError::NotInGeneration { .. } => ErrorCode::NotOnThisApi,
        AbdmError::Encrypt(_) | AbdmError::Build(_) => ErrorCode::Internal,
    }
}

#[cfg(test)]
mod tests {
    use abdm_client::ApiFailure;

    use super::*;

    fn rejected(status: u16, detail: &str) -> Error {
        let raw = format!(r#"{{"code":"MIS-{status}","message":"x","details":[{{"code":"{detail}","message":"x"}}]}}"#);
        AbdmError::Rejected { status, failure: ApiFailure::parse(&raw), raw }.into()
    }

    #[test]
    fn codes_serialise_as_screaming_snake_case_for_the_ui() {
        assert_eq!(serde_json::to_string(&ErrorCode::OtpResendTooSoon).unwrap(), "\"OTP_RESEND_TOO_SOON\"");
    }

    #[test]
    fn abdm_refusals_map_to_what_the_person_does_next() {
        for (status, detail, code) in [
            (422, "ABDM-1405", ErrorCode::OtpInvalid),
            (422, "ABDM-1406", ErrorCode::OtpExpired),
            (429, "ABDM-1100", ErrorCode::OtpLocked),
            (429, "ABDM-1407", ErrorCode::OtpResendTooSoon),
            (404, "ABDM-1414", ErrorCode::AccountNotFound),
            (403, "ABDM-1423", ErrorCode::AccountLocked),
            (422, "ABDM-1434", ErrorCode::AddressTaken),
            (422, "ABDM-1436", ErrorCode::AddressLimitReached),
            (422, "ABDM-1441", ErrorCode::WeakPassword),
            (401, "ABDM-1401", ErrorCode::SessionExpired),
            (404, "ABDM-1509", ErrorCode::FlowNotFound),
            (503, "ABDM-1500", ErrorCode::AbdmUnavailable),
            (400, "SOMETHING-NEW", ErrorCode::Internal),
        ] {
            assert_eq!(rejected(status, detail).code(), code, "{status} {detail}");
        }
    }

    #[test]
    fn bad_input_says_the_rule_and_not_the_input() {
        let err = Error::input(ErrorCode::InvalidMobile, abdm_types::Mobile::parse("58765").unwrap_err());
        assert_eq!(err.code(), ErrorCode::InvalidMobile);
        assert_eq!(err.user_message(), "A mobile number has 10 digits.");
    }

    #[test]
    fn the_user_message_does_not_carry_the_cause() {
        let err = Error::Internal("db row 9876543210 missing".into());
        assert_eq!(err.code(), ErrorCode::Internal);
        assert!(!err.user_message().contains("9876543210"));
        let abdm = rejected(422, "ABDM-1405");
        assert!(!abdm.user_message().contains("MIS"));
    }

    #[test]
    fn every_code_has_a_message() {
        // Exhaustive by construction (a match); this guards against empty strings.
        for code in [ErrorCode::Internal, ErrorCode::KeyringUnavailable, ErrorCode::NetworkUnavailable] {
            assert!(code.message().ends_with('.'));
        }
    }
}
