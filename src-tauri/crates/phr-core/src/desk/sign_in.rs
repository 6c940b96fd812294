//! Signing in at the desk: with the clinic's auth platform (sign-up, the
//! verification email, login, the lock screen's password), or with its OpenID
//! Connect provider in the system browser.

use std::time::Duration;

use abdm_types::{Email, Sensitive};
use serde::{Deserialize, Serialize};
use staff_identity::{AuthPlatform, Login, OidcError, Prompt, Signup};

use super::{DeskStatus, Held, StaffCard, StaffIdentity, StaffWay, State, account, platform_error, staff_error};
use crate::{Error, ErrorCode, Phr};

/// A language the UI speaks, asked of the clinic's sign-in page (`ui_locales`).
/// Only these two: whatever else the page sends is refused before it reaches
/// the URL the browser opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum UiLanguage {
    En,
    Hi,
}

impl UiLanguage {
    pub fn tag(self) -> &'static str {
        match self {
            UiLanguage::En => "en",
            UiLanguage::Hi => "hi",
        }
    }
}

/// How long the app waits for the browser to come back from the provider.
const BROWSER_WAIT: Duration = Duration::from_secs(5 * 60);
/// The platform's password rule (8 to 32 characters).
const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=32;
/// Names longer than this are refused rather than cut.
const NAME_CHARS: usize = 100;

/// The staff sign-up form.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StaffSignUp {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub password: String,
    pub confirm: String,
    /// The token of an invitation to a clinic, when there is one.
    pub invite_token: Option<String>,
}

/// A sign-up went through and the verification email is on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StaffSignedUp {
    pub email_masked: String,
}

/// What a staff sign-in with the auth platform gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "outcome", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum StaffSignInOutcome {
    SignedIn {
        desk: DeskStatus,
    },
    /// The person works at several clinics. The platform offers no call to
    /// choose one at sign-in, so nobody is signed in; `clinics` is empty when
    /// the platform would not say which they are.
    SeveralClinics {
        clinics: Vec<String>,
    },
}

fn email(raw: &str) -> Result<Email, Error> {
    Email::parse(raw).map_err(|e| Error::input(ErrorCode::InvalidEmail, e))
}

/// A name as typed (see [`crate::phr::plain_text`]).
fn name(raw: &str) -> Result<String, Error> {
    crate::phr::plain_text(raw, NAME_CHARS)
        .map(str::to_owned)
        .map_err(|_| Error::input(ErrorCode::StaffNameRequired, "a first and a last name, in letters"))
}

fn password(raw: &str) -> Result<Sensitive<String>, Error> {
    if !PASSWORD_CHARS.contains(&raw.chars().count()) {
        return Err(Error::input(ErrorCode::StaffPasswordLength, "a password of 8 to 32 characters"));
    }
    Ok(Sensitive::new(raw.to_owned()))
}

impl Phr {
    fn platform(&self) -> Result<&AuthPlatform, Error> {
        match self.identity()? {
            StaffIdentity::AuthPlatform(platform) => Ok(platform),
            StaffIdentity::MissingSecret(_) => {
                Err(Error::input(ErrorCode::StaffSecretMissing, "the auth platform's API key is not in the keyring"))
            }
            StaffIdentity::Oidc(_) => {
                Err(Error::input(ErrorCode::StaffNotConfigured, "this desk signs in with OpenID Connect"))
            }
        }
    }

    /// A new staff account at the clinic's auth platform, then the verification
    /// email (the platform does not send one on sign-up by itself).
    pub async fn staff_sign_up(&self, form: &StaffSignUp) -> Result<StaffSignedUp, Error> {
        let platform = self.platform()?;
        let (first_name, last_name) = (name(&form.first_name)?, name(&form.last_name)?);
        let email = email(&form.email)?;
        let secret = password(&form.password)?;
        if form.password != form.confirm {
            return Err(Error::input(ErrorCode::PasswordsDiffer, "the two passwords are not the same"));
        }
        let invite = form.invite_token.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(Sensitive::from);
        let signup = Signup {
            email: &email,
            password: &secret,
            first_name: &first_name,
            last_name: &last_name,
            invite_token: invite.as_ref(),
        };
        let user_id = platform.signup(&signup).await.map_err(platform_error)?;
        tracing::info!(staff = %user_id, "a member of staff signed up");
        platform.send_verification(&email).await.map_err(platform_error)?;
        Ok(StaffSignedUp { email_masked: email.masked() })
    }

    /// Sends the verification link again.
    pub async fn staff_send_verification(&self, raw_email: &str) -> Result<StaffSignedUp, Error> {
        let email = email(raw_email)?;
        self.platform()?.send_verification(&email).await.map_err(platform_error)?;
        Ok(StaffSignedUp { email_masked: email.masked() })
    }

    /// The link from the verification email (or the token in it).
    pub async fn staff_verify_email(&self, pasted: &str) -> Result<(), Error> {
        let platform = self.platform()?;
        let token = staff_identity::auth_platform::verification_token(pasted)
            .ok_or_else(|| Error::input(ErrorCode::StaffVerificationInvalid, "that is not a verification link"))?;
        platform.verify_email(&token).await.map_err(platform_error)
    }

    /// Signs a member of staff in with the auth platform (also from the lock
    /// screen, as someone else).
    pub async fn staff_sign_in(&self, raw_email: &str, raw_password: &str) -> Result<StaffSignInOutcome, Error> {
        let platform = self.platform()?;
        let email = email(raw_email)?;
        if raw_password.is_empty() {
            return Err(Error::input(ErrorCode::StaffWrongPassword, "the password is empty"));
        }
        let login = platform.login(&email, &Sensitive::from(raw_password)).await.map_err(platform_error)?;
        let tokens = match login {
            Login::SignedIn(tokens) => tokens,
            Login::ChooseClinic { flow_id } => {
                let clinics = match platform.flow(&flow_id).await {
                    Ok(flow) => flow.clinics,
                    Err(err) => {
                        tracing::info!(error = %err, "the platform would not say which clinics");
                        Vec::new()
                    }
                };
                return Ok(StaffSignInOutcome::SeveralClinics { clinics });
            }
        };
        let nap = tokens.staff().ok_or_else(|| {
            Error::input(ErrorCode::StaffProviderUnavailable, "the session token does not say who signed in")
        })?;
        let staff = StaffCard {
            id: nap.id,
            name: format!("{} {}", nap.first_name, nap.last_name).trim().to_owned(),
            email_masked: Some(email.masked()),
            clinic: Some(nap.clinic).filter(|c| !c.is_empty()),
            way: StaffWay::AuthPlatform,
        };
        let held = Held {
            email: Some(email.expose().to_owned()),
            session: Some(tokens.session_token.expose().clone()),
            refresh: Some(tokens.refresh_token.expose().clone()),
            session_expires_at: Some(tokens.session_expires_at),
            refresh_expires_at: Some(tokens.refresh_expires_at),
        };
        Ok(StaffSignInOutcome::SignedIn { desk: self.staff_on_duty(staff, held).await? })
    }

    /// The lock screen: the person the desk is locked for types their password.
    pub async fn staff_unlock(&self, raw_password: &str) -> Result<StaffSignInOutcome, Error> {
        let State::Locked(staff) = self.desk_state().await? else {
            return Err(Error::input(ErrorCode::StaffNotSignedIn, "the desk is not locked for anyone"));
        };
        let held = self.held(&account(&staff)).await?;
        let Some(email) = held.and_then(|h| h.email) else {
            return Err(Error::input(ErrorCode::StaffSessionExpired, "sign in with your email and password"));
        };
        self.staff_sign_in(&email, raw_password).await
    }

    /// Signs a member of staff in with the clinic's OpenID Connect provider:
    /// the system browser opens the provider's page (always asking for the
    /// password: a shared desk must not inherit the last person's session at
    /// the provider), and the answer comes back to a loopback listener.
    pub async fn staff_sign_in_browser(&self, language: Option<UiLanguage>) -> Result<DeskStatus, Error> {
        let oidc = self.discovered_oidc().await?;
        let pending = oidc.begin(Some(Prompt::Login), language.map(UiLanguage::tag)).await.map_err(oidc_error)?;
        let (cancel, cancelled) = tokio::sync::oneshot::channel();
        // A newer sign-in replaces (and so cancels) an older one still waiting.
        *self.desk.0.cancel.lock().unwrap_or_else(|p| p.into_inner()) = Some(cancel);
        open_in_browser(&self.desk.config()?.opener, pending.url.as_str())?;
        let signed = oidc
            .finish(pending, BROWSER_WAIT, async {
                let _ = cancelled.await;
            })
            .await
            .map_err(oidc_error)?;
        let name = signed.name.clone().or_else(|| signed.email.clone()).unwrap_or_else(|| signed.subject.clone());
        let staff = StaffCard {
            id: signed.subject,
            name,
            email_masked: signed.email.as_deref().and_then(|e| Email::parse(e).ok()).map(|e| e.masked()),
            clinic: None,
            way: StaffWay::Oidc,
        };
        let held = Held {
            email: signed.email,
            session: Some(signed.tokens.access_token.expose().clone()),
            refresh: signed.tokens.refresh_token.map(|t| t.expose().clone()),
            session_expires_at: signed.tokens.expires_at,
            refresh_expires_at: None,
        };
        self.staff_on_duty(staff, held).await
    }

    /// Gives up the browser sign-in that is waiting; `false` if none was.
    pub fn staff_cancel_sign_in(&self) -> bool {
        let cancel = self.desk.0.cancel.lock().unwrap_or_else(|p| p.into_inner()).take();
        cancel.is_some_and(|c| c.send(()).is_ok())
    }
}

fn oidc_error(err: OidcError) -> Error {
    let code = match &err {
        OidcError::Unreachable(_) | OidcError::Discovery(_) | OidcError::Malformed(_) => {
            ErrorCode::StaffProviderUnavailable
        }
        OidcError::Listener(_) => ErrorCode::Internal,
        OidcError::Cancelled | OidcError::TimedOut => ErrorCode::StaffSignInCancelled,
        OidcError::StateMismatch | OidcError::IssuerMismatch => ErrorCode::StaffSignInForeign,
        OidcError::IdToken(_) => ErrorCode::StaffIdTokenInvalid,
        OidcError::Refused { .. } | OidcError::TokenRefused { .. } => ErrorCode::StaffSignInRefused,
    };
    staff_error(code, err)
}

/// Hands the URL to the desktop's opener (`xdg-open` unless configured), which
/// shows it in the system browser, never in the app's own webview.
fn open_in_browser(opener: &[String], url: &str) -> Result<(), Error> {
    let (program, args) =
        opener.split_first().ok_or_else(|| Error::input(ErrorCode::BrowserUnavailable, "no opener"))?;
    let mut child = std::process::Command::new(program)
        .args(args)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|err| staff_error(ErrorCode::BrowserUnavailable, err))?;
    // Reaped in the background: the opener may outlive this call.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::UiLanguage;

    #[test]
    fn only_the_uis_two_languages_reach_the_sign_in_page() {
        for (sent, tag) in [("\"en\"", "en"), ("\"hi\"", "hi")] {
            assert_eq!(serde_json::from_str::<UiLanguage>(sent).map(UiLanguage::tag).ok(), Some(tag));
        }
        for hostile in ["\"fr\"", "\"EN\"", "\"hi-IN\"", "\"\"", "\"<script>\"", "1", "null"] {
            assert!(serde_json::from_str::<UiLanguage>(hostile).is_err(), "{hostile} was taken");
        }
    }
}
