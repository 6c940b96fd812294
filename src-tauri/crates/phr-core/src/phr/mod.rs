//! The application: performs the ABDM calls between the steps of a flow, saves
//! the flow after each, and on sign-in puts the tokens in the keyring, the profile
//! in the cache, the session in the sessions table and a line in the audit log.

mod card;
mod login;
mod places;
mod queue;
mod returning;
mod session;
mod signup;
mod tokens;
mod verify;
mod waiting;

use abdm_client::{AbdmClient, Contact};
use abdm_types::{AbhaAddress, Email, Mobile, Otp, Password, Sensitive};
use base64::Engine;
use phr_store::{PersonRecord, SavedFlow, Store, Vault};
use serde::{Serialize, de::DeserializeOwned};

use tokio::sync::broadcast;

use crate::{Clock, Error, ErrorCode, LoginFlow, SignupFlow, Via, login::StepError};

pub use card::{CardFor, SavedCard};
pub use login::Verified;
pub use places::Place;
pub use queue::{CounterQr, QueuedPatient, Registered};
pub use session::{AddressEntry, CachedPerson, PersonCard, Session};
pub use signup::{KycMethod, ProfileForm};
pub use verify::{DemographicsForm, FrontDeskBridge, Scanned, Verification, VerificationStep, VerifiedCard};
pub use waiting::Waiting;

/// The application API behind the UI.
#[derive(Debug, Clone)]
pub struct Phr {
    pub(crate) client: AbdmClient,
    pub(crate) store: Store,
    pub(crate) vault: Vault,
    pub(crate) clock: Clock,
    changes: broadcast::Sender<Change>,
    /// Taken to read and report who is signed in (see [`Phr::report_session`]).
    session_reports: std::sync::Arc<tokio::sync::Mutex<()>>,
    places: places::Places,
    bridge: Option<FrontDeskBridge>,
    verifications: verify::Verifications,
    pub(crate) cards: card::Cards,
    pub(crate) desk: crate::desk::Desk,
}

/// What changed, for whoever shows it (the shell turns these into UI events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "value", rename_all = "camelCase")]
pub enum Change {
    /// Who is signed in now (`None`: nobody).
    Session(Option<Session>),
    Login(LoginFlow),
    Signup(SignupFlow),
    /// The flow finished or was given up.
    FlowEnded(String),
    /// A patient joined or left the Scan and Share queue.
    QueueChanged,
    /// A verification started waiting for the connection, was sent or cancelled.
    WaitingChanged,
    /// A waiting verification was sent and ABDM turned it down (an unknown address).
    WaitingRefused {
        id: String,
        code: ErrorCode,
    },
}

/// Who is signed in now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub address: String,
    pub full_name: String,
    pub kyc_verified: bool,
}

impl From<StepError> for Error {
    fn from(err: StepError) -> Self {
        let code = match err {
            StepError::WrongStep => ErrorCode::FlowNotFound,
            StepError::OtpExpired => ErrorCode::OtpExpired,
            StepError::NotOffered => ErrorCode::InvalidAbhaAddress,
            StepError::TooSoon => ErrorCode::OtpResendTooSoon,
        };
        Error::input(code, err)
    }
}

/// A mobile number, or an email when there is an `@`.
fn contact(raw: &str) -> Result<Contact, Error> {
    if raw.contains('@') {
        Email::parse(raw).map(Contact::Email).map_err(|e| Error::input(ErrorCode::InvalidEmail, e))
    } else {
        Mobile::parse(raw).map(Contact::Mobile).map_err(|e| Error::input(ErrorCode::InvalidMobile, e))
    }
}

fn otp(raw: &str) -> Result<Otp, Error> {
    Otp::parse(raw).map_err(|e| Error::input(ErrorCode::InvalidOtpFormat, e))
}

pub(crate) fn address(raw: &str) -> Result<AbhaAddress, Error> {
    AbhaAddress::parse(raw).map_err(|e| Error::input(ErrorCode::InvalidAbhaAddress, e))
}

/// A new password and its confirmation: the policy first, then that they match.
fn new_password(raw: &str, confirm: &str) -> Result<Password, Error> {
    let password = Password::parse(raw).map_err(|e| Error::input(ErrorCode::WeakPassword, e))?;
    if raw != confirm {
        return Err(Error::input(ErrorCode::PasswordsDiffer, "the two passwords are not the same"));
    }
    Ok(password)
}

/// A mobile number or email as shown on screen: masked. Anything else is hidden.
pub fn mask_contact(raw: &str) -> String {
    match contact(raw) {
        Ok(contact) => match Via::of(&contact) {
            Via::Mobile(shown) | Via::Email(shown) | Via::AbhaNumber(shown) | Via::Address(shown) => shown,
        },
        Err(_) => "******".to_owned(),
    }
}

/// An ABHA address as shown on screen: a 14-digit default one masked. Anything
/// else is hidden.
pub fn mask_address(raw: &str) -> String {
    address(raw).map(|a| a.to_string()).unwrap_or_else(|_| "******".to_owned())
}

/// A sign-in's tokens as ABDM gave them.
struct Tokens {
    access: Sensitive<String>,
    refresh: Option<Sensitive<String>>,
}

impl Tokens {
    fn new(access: String, refresh: Option<String>) -> Self {
        Self { access: Sensitive::new(access), refresh: refresh.map(Sensitive::new) }
    }
}

/// What a sign-in knows about the person beyond ABDM's profile.
#[derive(Default)]
struct Known {
    /// Other addresses of the same person (those of the same ABHA number).
    same_person: Vec<String>,
    /// How many addresses ABDM listed on the person's mobile, when it was verified.
    on_mobile: Option<usize>,
    /// The addresses ABDM listed on the mobile or email just verified.
    on_contact: Option<Vec<String>>,
}

impl Phr {
    /// A sign-in's tokens go to the keyring in the background (see
    /// [`Vault::writing_ahead`]); what a previous run left on its way is moved now.
    pub fn new(client: AbdmClient, store: Store, vault: Vault, clock: Clock) -> Self {
        let vault = vault.writing_ahead(store.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let vault = vault.clone();
            runtime.spawn(async move {
                if let Err(err) = vault.move_pending().await {
                    tracing::warn!(error = %err, "sign-ins stay in the cache until the keyring takes them");
                }
            });
        }
        Self {
            client,
            store,
            vault,
            clock,
            changes: broadcast::channel(1).0,
            session_reports: Default::default(),
            places: Default::default(),
            bridge: None,
            verifications: Default::default(),
            cards: Default::default(),
            desk: Default::default(),
        }
    }

    /// Lets the front desk verify patients: the gateway's answers arrive at
    /// `bridge`, and so do the profiles patients share at its counters.
    pub fn with_bridge(self, bridge: FrontDeskBridge) -> Self {
        let phr = Self { bridge: Some(bridge.clone()), ..self };
        bridge.bridge.take_shares_to(phr.share_desk());
        phr.keep_sending();
        phr
    }

    /// Reports every change to `changes` from now on.
    pub fn reporting_to(self, changes: broadcast::Sender<Change>) -> Self {
        Self { changes, ..self }
    }

    /// Nobody listening is fine: the UI may not be up yet.
    fn report(&self, change: Change) {
        let _ = self.changes.send(change);
    }

    /// Reports who is signed in, read as it is sent: reports that overlap take
    /// turns, so the last one out is of the latest change, whichever change
    /// started it.
    async fn report_session(&self) -> Result<Option<Session>, Error> {
        let _turn = self.session_reports.lock().await;
        let session = self.session().await?;
        self.report(Change::Session(session.clone()));
        Ok(session)
    }

    /// After a logout: nobody, known without reading, in turn with the reports
    /// above.
    async fn report_nobody(&self) {
        let _turn = self.session_reports.lock().await;
        self.report(Change::Session(None));
    }

    /// [`Phr::report_session`] once the caller has answered. A sign-in answers without it: the
    /// window that signed in reads the session itself, and the report is for the
    /// others.
    fn report_session_soon(&self) {
        let phr = self.clone();
        tokio::spawn(async move {
            if let Err(err) = phr.report_session().await {
                tracing::warn!(code = ?err.code(), "who is signed in was not reported");
            }
        });
    }

    /// Where this app keeps secrets: the keyring, written ahead through the store.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    async fn save_flow<F: Serialize>(&self, id: &str, kind: &str, flow: &F, expires_at: i64) -> Result<(), Error> {
        let state = serde_json::to_string(flow).map_err(|e| Error::Internal(e.into()))?;
        let saved = SavedFlow { id: id.to_owned(), kind: kind.to_owned(), state, expires_at };
        self.store.save_flow(&saved, self.clock.now()).await?;
        Ok(())
    }

    /// The flows saved on this computer and not finished, newest first: after a
    /// restart the UI offers to go on with them. One whose OTP has expired is
    /// listed too; its next step answers `OTP_EXPIRED`.
    pub async fn flows_in_progress(&self) -> Result<Vec<Change>, Error> {
        let mut flows = Vec::new();
        for saved in self.store.flows().await? {
            let change = match saved.kind.as_str() {
                login::LOGIN => serde_json::from_str(&saved.state).map(Change::Login),
                signup::SIGNUP => serde_json::from_str(&saved.state).map(Change::Signup),
                _ => continue,
            };
            flows.push(change.map_err(|e| Error::Internal(e.into()))?);
        }
        Ok(flows)
    }

    /// Gives up a flow: the UI's "start again".
    pub async fn abandon_flow(&self, id: &str) -> Result<(), Error> {
        if !self.store.delete_flow(id).await? {
            return Err(Error::input(ErrorCode::FlowNotFound, "no such flow is open here"));
        }
        self.report(Change::FlowEnded(id.to_owned()));
        Ok(())
    }

    async fn load_flow<F: DeserializeOwned>(&self, id: &str, kind: &str) -> Result<F, Error> {
        let saved = self.store.load_flow(id).await?.filter(|f| f.kind == kind);
        let saved = saved.ok_or_else(|| Error::input(ErrorCode::FlowNotFound, format!("no {kind} is open here")))?;
        serde_json::from_str(&saved.state).map_err(|e| Error::Internal(e.into()))
    }

    /// Tokens to the keyring, profile to the cache, the session opened and made
    /// the one in use, a line to the audit log, the flow closed. The address is
    /// the one ABDM's profile names.
    async fn signed_in(&self, flow_id: &str, tokens: Tokens, known: Known) -> Result<SignedIn, Error> {
        let profile = self.client.profile(&tokens.access).await?;
        let address = profile.id.as_str();
        self.hold_tokens(address, &tokens).await?;
        let mut addresses = vec![profile.id.clone()];
        addresses.extend(known.same_person.into_iter().filter(|a| a != address));
        let number = profile.health_id.as_deref().and_then(|n| abdm_types::AbhaNumber::parse(n).ok());
        let mobile = profile.mobile.as_deref().and_then(|m| Mobile::parse(m).ok());
        let (abha_number_key, mobile_key) = self.match_keys(number.as_ref(), mobile.as_ref());
        let record = PersonRecord {
            full_name: profile.full_name.clone(),
            gender: profile.gender.clone(),
            year_of_birth: profile.date_of_birth.year,
            abha_number_masked: number.as_ref().map(abdm_types::AbhaNumber::masked),
            mobile_masked: mobile.as_ref().map(Mobile::masked),
            email_masked: profile.email.as_deref().and_then(|e| Email::parse(e).ok()).map(|e| e.masked()),
            kyc_verified: profile.kyc_status.as_deref() == Some("VERIFIED"),
            photo: profile
                .profile_photo
                .as_deref()
                .and_then(|p| base64::engine::general_purpose::STANDARD.decode(p).ok()),
            addresses,
            default_address: None,
            abha_number_key,
            mobile_key,
        };
        let now = self.clock.now();
        self.store
            .record_sign_in(&phr_store::SignIn {
                person: &record,
                address,
                at: now,
                expires_at: token_expiry(&tokens.access).unwrap_or(now),
                mobile_addresses: known.on_mobile.map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                linked: known.on_contact.as_deref(),
                flow_id,
            })
            .await?;
        self.report(Change::FlowEnded(flow_id.to_owned()));
        self.report_session_soon();
        Ok(SignedIn { address: profile.id, full_name: profile.full_name, kyc_verified: record.kyc_verified })
    }
}

/// The `exp` claim of a JWT, read without checking the signature: ABDM checks
/// the token on every call; this only says when not to bother.
fn token_expiry(token: &Sensitive<String>) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct Claims {
        exp: i64,
    }
    let payload = token.expose().split('.').nth(1)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice::<Claims>(&json).ok().map(|c| c.exp)
}

/// A line of text a person typed (a name, an address line): trimmed, not
/// empty, at most `max` characters, and none of what a person never types on
/// purpose but a paste can bring ([`abdm_types::unwanted_in_text`]), nor
/// U+FFFD, which the UI sends in place of half an emoji (a lone UTF-16
/// surrogate) so that the person is asked to type it again.
pub(crate) fn plain_text(raw: &str, max: usize) -> Result<&str, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("it is required".into());
    }
    if text.chars().count() > max {
        return Err(format!("it has at most {max} characters"));
    }
    if text.chars().any(|c| abdm_types::unwanted_in_text(c) || c == '\u{fffd}') {
        return Err("it has a character that cannot be part of it".into());
    }
    Ok(text)
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_and_addresses_are_shown_masked_and_anything_else_hidden() {
        assert_eq!(mask_contact("9876543210"), "******3210");
        assert_eq!(mask_contact("kavya.iyer@example.in"), "k***@example.in");
        assert_eq!(mask_contact("not a contact"), "******");
        assert_eq!(mask_address("91111122223333@sbx"), "**********3333@sbx", "a default address is the ABHA number");
        assert_eq!(mask_address("asha.verma@sbx"), "asha.verma@sbx");
        assert_eq!(mask_address("no address"), "******");
    }

    #[test]
    fn typed_text_is_trimmed_bounded_and_free_of_controls_overrides_and_markup() {
        assert_eq!(plain_text("  Meera Devi ", 64), Ok("Meera Devi"));
        assert_eq!(plain_text("मीरा नायर", 64), Ok("मीरा नायर"), "Devanagari with its marks is fine");
        assert!(plain_text("   ", 64).is_err());
        assert!(plain_text(&"a".repeat(65), 64).is_err());
        assert!(plain_text(&"अ".repeat(64), 64).is_ok(), "counted in characters, not bytes");
        for bad in
            ["Meera\0", "Meera\r\nNair", "\u{202e}ariem", "a\u{2066}b", "<b>Meera</b>", "x\u{7}", "Meera \u{fffd}"]
        {
            assert!(plain_text(bad, 64).is_err(), "{bad:?}");
        }
    }
}
