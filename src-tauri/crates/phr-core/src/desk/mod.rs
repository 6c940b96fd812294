//! Who is at the front desk. A member of staff signs in (the clinic's auth
//! platform, or its OpenID Connect provider in the system browser) before any
//! front-desk command runs; the desk locks itself after the configured idle
//! time, on *Lock* or on `Ctrl+L`, and then refuses every front-desk command
//! until the same person signs in again or another member of staff signs in
//! instead. Every front-desk audit line names the member of staff.
//!
//! Enforced here, not in the UI: the front-desk methods of [`Phr`] start with
//! [`Phr::on_duty`], which refuses with `STAFF_NOT_SIGNED_IN`, `DESK_LOCKED` or
//! `STAFF_NOT_CONFIGURED`, and keeps the staff session fresh (one refresh at a
//! time, before the session token lapses, the new pair written to the keyring
//! in one entry).

mod access_log;
mod sign_in;

use std::sync::{Arc, Mutex};

use abdm_types::Sensitive;
use phr_store::{ByStaff, DeskStaff, SecretKind};
use serde::{Deserialize, Serialize};
use staff_identity::{AuthPlatform, Oidc, OidcSettings, Refusal};
use tokio::sync::oneshot;

pub use access_log::{AccessEntry, AccessLog, AccessLogFilter, DeskAction, StaffRef};
pub use sign_in::{StaffSignInOutcome, StaffSignUp, StaffSignedUp, UiLanguage};

use crate::{Error, ErrorCode, Phr};

/// A staff session is refreshed this long before its token lapses.
const REFRESH_MARGIN_SECS: i64 = 120;

/// How a clinic identifies its staff, as the shell built it from `[staff]`.
#[derive(Debug, Clone)]
pub enum StaffIdentity {
    AuthPlatform(AuthPlatform),
    Oidc(OidcSettings),
    /// The platform's API key (or the provider's client secret) is not in the
    /// keyring: sign-in is refused until it is.
    MissingSecret(StaffWay),
}

/// The front desk's staff sign-in, as configured.
#[derive(Debug, Clone)]
pub struct StaffDesk {
    pub identity: StaffIdentity,
    /// Seconds without input before the desk locks.
    pub idle_secs: i64,
    /// The program (and arguments) that opens a URL in the system browser.
    pub opener: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "kebab-case")]
pub enum StaffWay {
    AuthPlatform,
    Oidc,
}

impl StaffWay {
    fn as_str(self) -> &'static str {
        match self {
            StaffWay::AuthPlatform => "auth-platform",
            StaffWay::Oidc => "oidc",
        }
    }

    fn parse(raw: &str) -> Option<Self> {
        match raw {
            "auth-platform" => Some(StaffWay::AuthPlatform),
            "oidc" => Some(StaffWay::Oidc),
            _ => None,
        }
    }
}

/// A member of staff, as the desk shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StaffCard {
    /// Their id at the auth platform (`sub` of the session) or the provider (`sub`).
    pub id: String,
    pub name: String,
    pub email_masked: Option<String>,
    pub clinic: Option<String>,
    pub way: StaffWay,
}

/// What the front desk shows: a sign-in, the desk, or the lock screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum DeskStatus {
    /// No staff sign-in is configured on this computer.
    NotConfigured,
    SignedOut {
        way: StaffWay,
    },
    Open {
        staff: StaffCard,
        /// The desk locks after this many seconds without input.
        idle_secs: u32,
    },
    /// Only `staff` (signing in again) or another member of staff opens it.
    Locked {
        staff: StaffCard,
    },
}

#[derive(Debug, Clone)]
struct OnDuty {
    staff: StaffCard,
    last_seen: i64,
    /// When to refresh; the refresh token's own expiry is read from the keyring.
    session_expires_at: Option<i64>,
}

#[derive(Debug, Clone)]
enum State {
    /// Not read from the store yet (the desk starts locked if someone was
    /// signed in when the app closed).
    Unread,
    SignedOut,
    Open(OnDuty),
    Locked(StaffCard),
}

#[derive(Debug)]
struct Inner {
    config: Option<StaffDesk>,
    state: Mutex<State>,
    /// One staff-session refresh at a time.
    refreshing: tokio::sync::Mutex<()>,
    /// The provider's discovery, read at the first sign-in (never at start-up).
    oidc: tokio::sync::Mutex<Option<Oidc>>,
    /// Cancels the browser sign-in waiting for its redirect.
    cancel: Mutex<Option<oneshot::Sender<()>>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Desk(Arc<Inner>);

impl Default for Desk {
    fn default() -> Self {
        Self::new(None)
    }
}

impl Desk {
    pub(crate) fn new(config: Option<StaffDesk>) -> Self {
        Desk(Arc::new(Inner {
            config,
            state: Mutex::new(State::Unread),
            refreshing: tokio::sync::Mutex::new(()),
            oidc: tokio::sync::Mutex::new(None),
            cancel: Mutex::new(None),
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn config(&self) -> Result<&StaffDesk, Error> {
        self.0.config.as_ref().ok_or_else(|| Error::input(ErrorCode::StaffNotConfigured, "no staff sign-in is set up"))
    }
}

/// A member of staff's sign-in as the keyring keeps it: one entry, so a
/// rotated pair replaces the old one at once. The email stays so the same
/// person can sign in again from the lock screen.
#[derive(Serialize, Deserialize)]
struct Held {
    email: Option<String>,
    session: Option<String>,
    refresh: Option<String>,
    session_expires_at: Option<i64>,
    refresh_expires_at: Option<i64>,
}

fn refresh_due(duty: &OnDuty, now: i64) -> bool {
    duty.session_expires_at.is_some_and(|at| at - REFRESH_MARGIN_SECS <= now)
}

/// What a refresh came to.
enum Renewal {
    Renewed(Held),
    /// The platform or provider says the session is over.
    Over,
    /// It could not be reached; try again on the next command.
    NotNow,
}

fn account(staff: &StaffCard) -> String {
    format!("{}:{}", staff.way.as_str(), staff.id)
}

pub(crate) fn staff_error(code: ErrorCode, source: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Staff { code, source: Box::new(source) }
}

/// The platform's refusal, by what the person does next.
fn platform_error(err: staff_identity::AuthPlatformError) -> Error {
    let code = match err.refusal() {
        Some(Refusal::ApiKey) => ErrorCode::StaffApiKeyRefused,
        Some(Refusal::RateLimited) => ErrorCode::StaffTooManyTries,
        Some(Refusal::EmailTaken) => ErrorCode::StaffEmailTaken,
        Some(Refusal::NoClinicForEmail) => ErrorCode::StaffNoClinicForEmail,
        Some(Refusal::InvalidInvite) => ErrorCode::StaffInviteInvalid,
        Some(Refusal::WrongCredentials) => ErrorCode::StaffWrongPassword,
        Some(Refusal::EmailNotVerified) => ErrorCode::StaffEmailNotVerified,
        Some(Refusal::NoClinic) => ErrorCode::StaffNoClinic,
        Some(Refusal::SessionEnded) => ErrorCode::StaffSessionExpired,
        Some(Refusal::UnknownEmail) => ErrorCode::StaffUnknownEmail,
        Some(Refusal::AlreadyVerified) => ErrorCode::StaffAlreadyVerified,
        Some(Refusal::InvalidVerificationToken) => ErrorCode::StaffVerificationInvalid,
        Some(Refusal::InvalidInput) => ErrorCode::StaffSignInRefused,
        Some(Refusal::FlowNotFound | Refusal::FlowsNotServed | Refusal::Unexpected) | None => {
            ErrorCode::StaffProviderUnavailable
        }
    };
    staff_error(code, err)
}

impl Phr {
    /// Lets clinic staff sign in at the front desk (without it, every
    /// front-desk command answers `STAFF_NOT_CONFIGURED`).
    pub fn with_desk(mut self, desk: StaffDesk) -> Self {
        self.desk = Desk::new(Some(desk));
        self
    }

    fn identity(&self) -> Result<&StaffIdentity, Error> {
        Ok(&self.desk.config()?.identity)
    }

    fn way(&self) -> Result<StaffWay, Error> {
        Ok(match self.identity()? {
            StaffIdentity::AuthPlatform(_) => StaffWay::AuthPlatform,
            StaffIdentity::Oidc(_) => StaffWay::Oidc,
            StaffIdentity::MissingSecret(way) => *way,
        })
    }

    /// The state, read from the store the first time (then old audit lines are
    /// pruned too: once a run is often enough).
    async fn desk_state(&self) -> Result<State, Error> {
        let state = self.desk.state().clone();
        if !matches!(state, State::Unread) {
            return Ok(state);
        }
        let pruned = self.store.prune_audit(self.clock.now()).await?;
        if pruned > 0 {
            tracing::info!(pruned, "audit entries older than a year removed");
        }
        let read = match self.store.desk_staff().await? {
            // Signed in the way this desk is set up now (a desk switched to
            // another way starts signed out).
            Some(row) => match StaffWay::parse(&row.way).filter(|way| self.way().ok() == Some(*way)) {
                Some(way) => State::Locked(StaffCard {
                    id: row.staff_id,
                    name: row.name,
                    email_masked: row.email_masked,
                    clinic: row.clinic,
                    way,
                }),
                None => State::SignedOut,
            },
            None => State::SignedOut,
        };
        let mut current = self.desk.state();
        if matches!(*current, State::Unread) {
            *current = read;
        }
        Ok(current.clone())
    }

    fn status_of(&self, state: &State) -> DeskStatus {
        let Ok(config) = self.desk.config() else { return DeskStatus::NotConfigured };
        match state {
            State::Unread | State::SignedOut => {
                DeskStatus::SignedOut { way: self.way().unwrap_or(StaffWay::AuthPlatform) }
            }
            State::Open(duty) => DeskStatus::Open {
                staff: duty.staff.clone(),
                idle_secs: u32::try_from(config.idle_secs).unwrap_or(u32::MAX),
            },
            State::Locked(staff) => DeskStatus::Locked { staff: staff.clone() },
        }
    }

    /// What the front desk shows now.
    pub async fn desk_status(&self) -> Result<DeskStatus, Error> {
        if self.desk.config().is_err() {
            return Ok(DeskStatus::NotConfigured);
        }
        let state = self.desk_state().await?;
        if let State::Open(duty) = &state
            && self.idle_since(duty)
        {
            self.lock(&duty.staff, DeskAction::DeskLocked).await?;
        }
        let state = self.desk.state().clone();
        Ok(self.status_of(&state))
    }

    fn idle_since(&self, duty: &OnDuty) -> bool {
        let idle = self.desk.config().map_or(i64::MAX, |c| c.idle_secs);
        self.clock.now() - duty.last_seen >= idle
    }

    /// The member of staff at the desk, for a front-desk command: refused while
    /// nobody is signed in, the desk is locked, or it has been idle too long
    /// (then it locks now). Counts as activity, and refreshes the staff session
    /// when its token is about to lapse.
    pub(crate) async fn on_duty(&self) -> Result<StaffCard, Error> {
        self.desk.config()?;
        let duty = match self.desk_state().await? {
            State::Unread | State::SignedOut => {
                return Err(Error::input(ErrorCode::StaffNotSignedIn, "no member of staff is signed in"));
            }
            State::Locked(_) => return Err(Error::input(ErrorCode::DeskLocked, "the desk is locked")),
            State::Open(duty) => duty,
        };
        if self.idle_since(&duty) {
            self.lock(&duty.staff, DeskAction::DeskLocked).await?;
            return Err(Error::input(ErrorCode::DeskLocked, "the desk locked itself after the idle time"));
        }
        let now = self.clock.now();
        if let State::Open(current) = &mut *self.desk.state() {
            current.last_seen = now;
        }
        if refresh_due(&duty, now) {
            self.refresh_staff().await?;
        }
        Ok(duty.staff)
    }

    /// Input at the desk (the UI reports it now and then): keeps it open, or
    /// locks it if the idle time has already passed.
    pub async fn desk_activity(&self) -> Result<DeskStatus, Error> {
        match self.on_duty().await {
            Ok(_) => {}
            Err(err) if matches!(err.code(), ErrorCode::DeskLocked | ErrorCode::StaffNotSignedIn) => {}
            Err(err) => return Err(err),
        }
        self.desk_status().await
    }

    /// *Lock*, `Ctrl+L` or the UI's idle timer: patient data leaves the screen
    /// and front-desk commands are refused until someone signs in.
    pub async fn lock_desk(&self) -> Result<DeskStatus, Error> {
        if let State::Open(duty) = self.desk_state().await? {
            self.lock(&duty.staff, DeskAction::DeskLocked).await?;
        }
        self.desk_status().await
    }

    async fn lock(&self, staff: &StaffCard, why: DeskAction) -> Result<(), Error> {
        {
            let mut state = self.desk.state();
            match &*state {
                State::Open(duty) if duty.staff == *staff => *state = State::Locked(staff.clone()),
                // Someone else locked or changed it meanwhile.
                _ => return Ok(()),
            }
        }
        tracing::info!(staff = %staff.id, "the front desk is locked");
        self.desk_audit(staff, why, None).await
    }

    /// A front-desk audit line: the desk (its HIP id) as the actor, the member
    /// of staff by id and name, and the patient's address when there is one.
    pub(crate) async fn desk_audit(
        &self,
        staff: &StaffCard,
        action: DeskAction,
        patient: Option<&str>,
    ) -> Result<(), Error> {
        let by = ByStaff { id: &staff.id, name: &staff.name };
        let requester = self.client.config().requester_id.clone();
        self.store.append_desk_audit(self.clock.now(), &requester, action.as_str(), patient, by).await?;
        Ok(())
    }

    /// Ends the sign-in of whoever is at the desk: at the auth platform (with
    /// the refresh token), then here whatever the platform answered.
    pub async fn staff_sign_out(&self) -> Result<DeskStatus, Error> {
        let staff = match self.desk_state().await? {
            State::Open(duty) => Some(duty.staff),
            State::Locked(staff) => Some(staff),
            State::Unread | State::SignedOut => None,
        };
        if let Some(staff) = staff {
            self.end_staff_session(&staff).await?;
        }
        self.desk_status().await
    }

    async fn end_staff_session(&self, staff: &StaffCard) -> Result<(), Error> {
        let account = account(staff);
        if let (Ok(StaffIdentity::AuthPlatform(platform)), Some(held)) = (self.identity(), self.held(&account).await?)
            && let Some(refresh) = held.refresh
            && let Err(err) = platform.logout(&Sensitive::new(refresh)).await
        {
            tracing::warn!(error = %err, "the auth platform did not take the logout; ending it here");
        }
        self.vault.delete(SecretKind::StaffSession, &account).await?;
        self.store.clear_desk_staff().await?;
        *self.desk.state() = State::SignedOut;
        self.cards.forget();
        self.desk_audit(staff, DeskAction::StaffSignedOut, None).await
    }

    async fn held(&self, account: &str) -> Result<Option<Held>, Error> {
        let Some(raw) = self.vault.retrieve(SecretKind::StaffSession, account).await? else { return Ok(None) };
        Ok(serde_json::from_str(raw.expose()).ok())
    }

    async fn keep(&self, account: &str, held: &Held) -> Result<(), Error> {
        let json = serde_json::to_string(held).map_err(|e| Error::Internal(e.into()))?;
        self.vault.persist(SecretKind::StaffSession, account, &Sensitive::new(json)).await?;
        Ok(())
    }

    /// Signs `staff` in at the desk with `held`: whoever was there before is
    /// signed out first (their tokens are theirs alone), unless it is the same
    /// person coming back to a locked desk.
    async fn staff_on_duty(&self, staff: StaffCard, held: Held) -> Result<DeskStatus, Error> {
        let before = match self.desk_state().await? {
            State::Open(duty) => Some(duty.staff),
            State::Locked(staff) => Some(staff),
            State::Unread | State::SignedOut => None,
        };
        let returning = before.as_ref().is_some_and(|b| b.id == staff.id && b.way == staff.way);
        if let Some(before) = before.filter(|_| !returning) {
            self.end_staff_session(&before).await?;
        }
        self.keep(&account(&staff), &held).await?;
        let now = self.clock.now();
        self.store
            .set_desk_staff(&DeskStaff {
                staff_id: staff.id.clone(),
                name: staff.name.clone(),
                email_masked: staff.email_masked.clone(),
                clinic: staff.clinic.clone(),
                way: staff.way.as_str().to_owned(),
                signed_in_at: now,
            })
            .await?;
        *self.desk.state() =
            State::Open(OnDuty { staff: staff.clone(), last_seen: now, session_expires_at: held.session_expires_at });
        let action = if returning { DeskAction::DeskUnlocked } else { DeskAction::StaffSignedIn };
        tracing::info!(staff = %staff.id, ?action, "a member of staff signed in at the front desk");
        self.desk_audit(&staff, action, None).await?;
        self.desk_status().await
    }

    /// The staff session's token lapses soon: trade the refresh token for a new
    /// pair. One at a time; a second caller finds it done. When the platform
    /// or provider says the session is over, the desk locks for the same person
    /// to sign in again. When it cannot be reached, the desk carries on (the
    /// person's identity was proven) and tries again on the next command.
    async fn refresh_staff(&self) -> Result<(), Error> {
        let _one_at_a_time = self.desk.0.refreshing.lock().await;
        let State::Open(duty) = self.desk.state().clone() else { return Ok(()) };
        let now = self.clock.now();
        if !refresh_due(&duty, now) {
            return Ok(());
        }
        let account = account(&duty.staff);
        let Some(held) = self.held(&account).await? else { return self.session_over(&duty.staff, None).await };
        let refresh = match (&held.refresh, held.refresh_expires_at) {
            (Some(refresh), expiry) if expiry.is_none_or(|at| at > now) => Sensitive::new(refresh.clone()),
            _ => return self.session_over(&duty.staff, held.email).await,
        };
        let renewed = match self.identity()? {
            StaffIdentity::AuthPlatform(platform) => match platform.refresh(&refresh).await {
                Ok(tokens) => Renewal::Renewed(Held {
                    email: held.email.clone(),
                    session: Some(tokens.session_token.expose().clone()),
                    refresh: Some(tokens.refresh_token.expose().clone()),
                    session_expires_at: Some(tokens.session_expires_at),
                    refresh_expires_at: Some(tokens.refresh_expires_at),
                }),
                Err(err) if err.refusal() == Some(Refusal::SessionEnded) => Renewal::Over,
                Err(err) => {
                    tracing::warn!(error = %err, "the staff session could not be refreshed now");
                    Renewal::NotNow
                }
            },
            StaffIdentity::Oidc(_) => match self.discovered_oidc().await?.refresh(&refresh).await {
                Ok(tokens) if tokens.subject.as_ref().is_none_or(|s| *s == duty.staff.id) => Renewal::Renewed(Held {
                    email: held.email.clone(),
                    session: Some(tokens.access_token.expose().clone()),
                    refresh: tokens.refresh_token.map(|t| t.expose().clone()),
                    session_expires_at: tokens.expires_at,
                    refresh_expires_at: None,
                }),
                // Another person's token: not this session's.
                Ok(_) => Renewal::Over,
                Err(staff_identity::OidcError::Unreachable(why)) => {
                    tracing::warn!(%why, "the staff session could not be refreshed now");
                    Renewal::NotNow
                }
                Err(err) => {
                    tracing::info!(error = %err, "the provider ended the staff session");
                    Renewal::Over
                }
            },
            StaffIdentity::MissingSecret(_) => Renewal::Over,
        };
        match renewed {
            Renewal::Renewed(renewed) => {
                self.keep(&account, &renewed).await?;
                if let State::Open(current) = &mut *self.desk.state() {
                    current.session_expires_at = renewed.session_expires_at;
                }
                Ok(())
            }
            Renewal::Over => self.session_over(&duty.staff, held.email).await,
            Renewal::NotNow => Ok(()),
        }
    }

    /// The staff session cannot go on: its tokens go, the desk locks, and the
    /// same person signs in again (their email is kept for that).
    async fn session_over(&self, staff: &StaffCard, email: Option<String>) -> Result<(), Error> {
        let held = Held { email, session: None, refresh: None, session_expires_at: None, refresh_expires_at: None };
        self.keep(&account(staff), &held).await?;
        self.lock(staff, DeskAction::StaffSessionEnded).await?;
        Err(Error::input(ErrorCode::StaffSessionExpired, "the staff sign-in has ended"))
    }

    async fn discovered_oidc(&self) -> Result<Oidc, Error> {
        let settings = match self.identity()? {
            StaffIdentity::Oidc(settings) => settings,
            StaffIdentity::MissingSecret(_) => {
                return Err(Error::input(
                    ErrorCode::StaffSecretMissing,
                    "the provider's client secret is not in the keyring",
                ));
            }
            StaffIdentity::AuthPlatform(_) => {
                return Err(Error::input(ErrorCode::StaffNotConfigured, "this desk signs in with the auth platform"));
            }
        };
        let mut discovered = self.desk.0.oidc.lock().await;
        if let Some(oidc) = &*discovered {
            return Ok(oidc.clone());
        }
        let clock = self.clock.clone();
        let oidc = Oidc::discover(settings.clone(), Arc::new(move || clock.now()))
            .await
            .map_err(|err| staff_error(ErrorCode::StaffProviderUnavailable, err))?;
        *discovered = Some(oidc.clone());
        Ok(oidc)
    }
}
