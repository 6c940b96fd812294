//! The signed-in person: their addresses, adding one, switching between those
//! signed in, the default, resetting the password, logging out.

use abdm_types::Sensitive;
use phr_store::{Person, PersonRecord, SessionRecord};
use serde::Serialize;

use super::{Phr, Tokens, new_password, token_expiry};
use crate::{Error, ErrorCode};

/// The audit action that records the "Personal Data Processing Consent".
const PROCESSING_CONSENT: &str = "processing-consent";

/// ABDM allows 4 ABHA addresses per mobile number.
pub const ADDRESSES_PER_MOBILE: i64 = 4;

/// The person in use and their addresses, as the home screen shows them. Read
/// from the cache: available offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The address in use.
    pub address: String,
    pub person: PersonCard,
    pub addresses: Vec<AddressEntry>,
    /// The person has agreed to this app processing their profile (asked once,
    /// on their first login here).
    pub consented: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PersonCard {
    pub full_name: String,
    pub gender: String,
    pub year_of_birth: u16,
    pub abha_number_masked: Option<String>,
    pub mobile_masked: Option<String>,
    pub email_masked: Option<String>,
    pub kyc_verified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AddressEntry {
    pub address: String,
    pub is_default: bool,
    /// A sign-in is held for it: switching needs no OTP.
    pub signed_in: bool,
    /// ABDM listed it on the same mobile number or email, which a family may
    /// share: not known to be this person's until it is logged into.
    pub on_same_contact: bool,
}

/// A person found in the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CachedPerson {
    pub person: PersonCard,
    pub addresses: Vec<String>,
    /// When the cache last heard of them (Unix seconds).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub updated_at: i64,
    /// When the front desk last verified them through ABDM.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub verified_at: Option<i64>,
}

pub(super) fn cached(p: Person) -> CachedPerson {
    CachedPerson {
        addresses: p.record.addresses.clone(),
        updated_at: p.updated_at,
        verified_at: p.verified_at,
        person: card(p.record),
    }
}

fn card(r: PersonRecord) -> PersonCard {
    PersonCard {
        full_name: r.full_name,
        gender: r.gender,
        year_of_birth: r.year_of_birth,
        abha_number_masked: r.abha_number_masked,
        mobile_masked: r.mobile_masked,
        email_masked: r.email_masked,
        kyc_verified: r.kyc_verified,
    }
}

pub(super) fn not_signed_in() -> Error {
    Error::input(ErrorCode::NotSignedIn, "nobody is signed in")
}

impl Phr {
    /// People cached on this computer whose name, address or masked number
    /// starts with the words typed (the front desk's list); works offline.
    /// Only for a member of staff at an open desk.
    pub async fn find_people(&self, query: &str) -> Result<Vec<CachedPerson>, Error> {
        self.on_duty().await?;
        let people = self.store.search_people(query, 50).await?;
        Ok(people.into_iter().map(cached).collect())
    }

    /// A person from the desk's list, opened by a member of staff (audited).
    pub async fn open_person(&self, raw_address: &str) -> Result<CachedPerson, Error> {
        let staff = self.on_duty().await?;
        let address = super::address(raw_address)?.expose();
        let person = self.store.person_by_address(&address).await?.ok_or_else(|| {
            Error::input(ErrorCode::AccountNotFound, "nobody with this address is saved on this computer")
        })?;
        self.desk_audit(&staff, crate::DeskAction::PatientOpened, Some(&address)).await?;
        Ok(cached(person))
    }

    /// Who is signed in, from the cache; `None` when nobody is.
    pub async fn session(&self) -> Result<Option<Session>, Error> {
        let Some(active) = self.store.active_session().await? else {
            return Ok(None);
        };
        let person = self.store.person_by_address(&active.address).await?.ok_or_else(not_signed_in)?;
        Ok(Some(self.describe(&active.address, person).await?))
    }

    /// The session after a change, reported as well as answered.
    async fn changed_session(&self) -> Result<Session, Error> {
        self.report_session().await?.ok_or_else(not_signed_in)
    }

    async fn describe(&self, address: &str, person: Person) -> Result<Session, Error> {
        let live = self.store.live_sessions(self.clock.now()).await?;
        let mut addresses = Vec::with_capacity(person.record.addresses.len());
        for a in &person.record.addresses {
            let signed_in = live.contains(a);
            let is_default = person.record.default_address.as_ref() == Some(a);
            addresses.push(AddressEntry { address: a.clone(), is_default, signed_in, on_same_contact: false });
        }
        let mut others = Vec::new();
        for a in &person.record.addresses {
            others.extend(self.store.linked_addresses(a).await?);
        }
        others.sort();
        others.dedup();
        for other in others {
            if addresses.iter().any(|e| e.address == other) {
                continue;
            }
            let signed_in = live.contains(&other);
            addresses.push(AddressEntry { address: other, is_default: false, signed_in, on_same_contact: true });
        }
        // The default first, then the person's own, then those of the same contact.
        addresses.sort_by(|x, y| {
            y.is_default
                .cmp(&x.is_default)
                .then_with(|| x.on_same_contact.cmp(&y.on_same_contact))
                .then_with(|| x.address.cmp(&y.address))
        });
        // Consent is the person's: given with one of their addresses, it covers the rest.
        let mut consented = false;
        for a in &person.record.addresses {
            if self.store.audited(PROCESSING_CONSENT, a).await? {
                consented = true;
                break;
            }
        }
        Ok(Session { address: address.to_owned(), person: card(person.record), addresses, consented })
    }

    /// The address in use and a token for it that ABDM should still take: the
    /// held one, or a refreshed one when it has expired and a refresh token is held.
    async fn active_token(&self) -> Result<(SessionRecord, Sensitive<String>), Error> {
        let active = self.store.active_session().await?.ok_or_else(not_signed_in)?;
        let token = self.token_for(&active).await?;
        Ok((active, token))
    }

    pub(super) async fn token_for(&self, session: &SessionRecord) -> Result<Sensitive<String>, Error> {
        let expired = || Error::input(ErrorCode::SessionExpired, "the sign-in has ended");
        let address = session.address.as_str();
        let held = self.held_tokens(address).await?.ok_or_else(expired)?;
        if session.expires_at > self.clock.now() {
            return Ok(held.access);
        }
        let refresh = held.refresh.ok_or_else(expired)?;
        // Only ABDM refusing the refresh token ends the sign-in; ABDM or the
        // network failing says so, and the tokens stay for the next try.
        let reply = self.client.refresh(&refresh).await.map_err(|e| match Error::from(e) {
            err if matches!(err.code(), ErrorCode::NetworkUnavailable | ErrorCode::AbdmUnavailable) => err,
            _ => expired(),
        })?;
        // Without a new refresh token in the answer, the one held still serves.
        let tokens = Tokens {
            access: Sensitive::new(reply.token),
            refresh: Some(reply.refresh_token.map_or(refresh, Sensitive::new)),
        };
        self.hold_tokens(address, &tokens).await?;
        let expires_at = token_expiry(&tokens.access).unwrap_or(self.clock.now());
        self.store.extend_session(address, expires_at).await?;
        Ok(tokens.access)
    }

    /// Records that the address in use agreed to this app processing its profile.
    pub async fn agree_to_processing(&self) -> Result<Session, Error> {
        let active = self.store.active_session().await?.ok_or_else(not_signed_in)?;
        if !self.store.audited(PROCESSING_CONSENT, &active.address).await? {
            self.store
                .append_audit(self.clock.now(), &active.address, PROCESSING_CONSENT, Some(&active.address))
                .await?;
        }
        self.changed_session().await
    }

    /// Adds another address to the signed-in person. When the mobile is known to
    /// be at ABDM's limit, says so without asking ABDM.
    pub async fn add_address(&self, raw_name: &str) -> Result<Session, Error> {
        let name = super::signup::address_name(raw_name, &self.client.config().cm_suffix)?;
        let active = self.store.active_session().await?.ok_or_else(not_signed_in)?;
        if active.mobile_addresses.is_some_and(|n| n >= ADDRESSES_PER_MOBILE) {
            return Err(Error::input(ErrorCode::AddressLimitReached, "this mobile has 4 ABHA addresses already"));
        }
        let token = self.token_for(&active).await?;
        let added = self.client.add_address(&token, &name).await?;
        let now = self.clock.now();
        self.store.add_address(&active.address, &added, now).await?;
        self.store.count_mobile_address(&active.address).await?;
        self.store.append_audit(now, &active.address, "address-added", Some(&added)).await?;
        self.changed_session().await
    }

    /// Makes another of the person's addresses the one in use, with the sign-in
    /// held for it (no OTP). Without one, `SESSION_EXPIRED`: log into it.
    pub async fn switch_address(&self, raw_address: &str) -> Result<Session, Error> {
        let address = super::address(raw_address)?.expose();
        let session = self.store.session(&address).await?;
        // Never signed in to here: nothing expired, the person logs in to it first.
        let session = session.ok_or_else(|| Error::input(ErrorCode::NotSignedIn, "log in to this address first"))?;
        self.token_for(&session).await?;
        self.store.activate_session(&address).await?;
        self.store.append_audit(self.clock.now(), &address, "switched", Some(&address)).await?;
        self.changed_session().await
    }

    /// Marks one of the signed-in person's addresses as their default.
    pub async fn set_default_address(&self, raw_address: &str) -> Result<Session, Error> {
        let address = super::address(raw_address)?.expose();
        let current = self.session().await?.ok_or_else(not_signed_in)?;
        if !current.addresses.iter().any(|a| a.address == address) {
            return Err(Error::input(ErrorCode::InvalidAbhaAddress, "that address is not one of yours"));
        }
        self.store.set_default_address(&address).await?;
        self.store.append_audit(self.clock.now(), &current.address, "default-set", Some(&address)).await?;
        self.changed_session().await
    }

    /// A new password for the address in use.
    pub async fn reset_password(&self, raw: &str, confirm: &str) -> Result<(), Error> {
        let password = new_password(raw, confirm)?;
        let (active, token) = self.active_token().await?;
        self.client.reset_password(&token, &password).await?;
        self.store.append_audit(self.clock.now(), &active.address, "password-reset", Some(&active.address)).await?;
        Ok(())
    }

    /// Ends the person's sign-ins: at ABDM, then here (tokens out of the keyring,
    /// sessions closed) for each of their addresses. Offline, the local part still
    /// happens, so nobody at this computer stays signed in; ABDM's tokens then
    /// lapse on their own.
    pub async fn logout(&self) -> Result<(), Error> {
        let active = self.store.active_session().await?.ok_or_else(not_signed_in)?;
        let person = self.store.person_by_address(&active.address).await?;
        let addresses = person.map_or_else(|| vec![active.address.clone()], |p| p.record.addresses);
        let now = self.clock.now();
        for address in &addresses {
            let Some(session) = self.store.session(address).await? else { continue };
            if let Some(held) = self.held_tokens(address).await?.filter(|_| session.expires_at > now) {
                let refresh = held.refresh.unwrap_or_else(|| Sensitive::new(String::new()));
                if let Err(err) = self.client.logout(&held.access, &refresh).await {
                    tracing::warn!(code = ?Error::from(err).code(), "ABDM did not take the logout; ending it here only");
                }
            }
            self.drop_tokens(address).await?;
            self.store.close_session(address).await?;
        }
        self.store.append_audit(now, &active.address, "logged-out", Some(&active.address)).await?;
        self.report_nobody().await;
        Ok(())
    }

    /// Demo mode's *Reset demo*: whoever is signed in here, at *My ABHA* or at
    /// the desk, is signed out (tokens out of the vault), and the cache forgets
    /// every person, address and flow. The audit log keeps its lines and gains
    /// one saying so.
    pub async fn forget_everyone(&self) -> Result<(), Error> {
        self.staff_sign_out().await?;
        for address in self.store.forget_people().await? {
            self.drop_tokens(&address).await?;
        }
        self.store.append_audit(self.clock.now(), "demo", "demo-reset", None).await?;
        self.report_nobody().await;
        Ok(())
    }
}
