//! What the simulated ABDM knows and the rules it enforces: ABHA-number holders,
//! ABHA addresses (accounts), OTP transactions, and the outbox of "sent" OTPs.
//! No IO here; handlers lock the world, call these methods, and answer.

use std::collections::{BTreeMap, HashMap, HashSet};

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::Fail;

/// OTPs are valid for 10 minutes.
pub const OTP_TTL_SECS: i64 = 600;
/// A new OTP may be requested 60 seconds after the last one.
pub const RESEND_AFTER_SECS: i64 = 60;
/// Resends allowed per transaction; one more locks it.
pub const MAX_RESENDS: u32 = 3;
/// Wrong OTPs allowed per transaction; the last one locks it.
pub const MAX_WRONG_OTPS: u32 = 5;
/// How long a locked transaction stays locked.
pub const LOCK_SECS: i64 = 30 * 60;
/// The guide's limit of ABHA addresses on one mobile number.
pub const MAX_ADDRESSES_PER_MOBILE: usize = 4;
/// Wrong passwords before an address is locked for 24 hours.
pub const MAX_PASSWORD_FAILURES: u32 = 5;
pub const ACCOUNT_LOCK_SECS: i64 = 24 * 60 * 60;
pub const USER_TOKEN_TTL_SECS: i64 = 1800;
pub const REFRESH_TOKEN_TTL_SECS: i64 = 1_296_000;
/// v3: a T-token lives five minutes (the ABHA app's comment).
pub const TRANSFER_TOKEN_TTL_SECS: i64 = 300;
pub const GATEWAY_TOKEN_TTL_SECS: i64 = 600;

/// One ABHA address and the person behind it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Account {
    pub address: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    /// `M`, `F` or `O`.
    pub gender: String,
    pub day_of_birth: Option<u8>,
    pub month_of_birth: Option<u8>,
    pub year_of_birth: u16,
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// `NN-NNNN-NNNN-NNNN` when linked to an ABHA number.
    pub abha_number: Option<String>,
    pub password: Option<String>,
    pub address_line: Option<String>,
    pub state_code: Option<String>,
    pub state_name: Option<String>,
    pub district_code: Option<String>,
    pub district_name: Option<String>,
    pub pincode: Option<String>,
    pub kyc_verified: bool,
    pub photo: Option<String>,
    pub locked_until: Option<i64>,
    pub password_failures: u32,
}

impl Account {
    /// The ways this address can log in: by password if it has one, by OTP to
    /// whatever it is linked to.
    pub fn auth_methods(&self) -> Vec<&'static str> {
        let mut methods = Vec::new();
        if self.password.is_some() {
            methods.push("PASSWORD");
        }
        if self.mobile.is_some() {
            methods.push("MOBILE_OTP");
        }
        if self.email.is_some() {
            methods.push("EMAIL_OTP");
        }
        if self.abha_number.is_some() {
            methods.push("AADHAAR_OTP");
        }
        methods
    }

    pub fn full_name(&self) -> String {
        [Some(self.first_name.as_str()), self.middle_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A holder of an ABHA number: the KYC record ABDM keeps (from Aadhaar).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KycRecord {
    /// `NN-NNNN-NNNN-NNNN`.
    pub abha_number: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub gender: String,
    pub day_of_birth: u8,
    pub month_of_birth: u8,
    pub year_of_birth: u16,
    pub mobile: String,
    pub email: Option<String>,
    pub address_line: String,
    pub state_code: String,
    pub state_name: String,
    pub district_code: String,
    pub district_name: String,
    pub pincode: String,
    pub photo: Option<String>,
}

/// Where an OTP goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Channel {
    Mobile(String),
    Email(String),
}

impl Channel {
    pub fn address(&self) -> &str {
        match self {
            Channel::Mobile(v) | Channel::Email(v) => v,
        }
    }
}

/// The self-declared profile given during sign-up by mobile or email.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Declared {
    pub first_name: String,
    pub middle_name: Option<String>,
    pub last_name: Option<String>,
    pub gender: String,
    pub day_of_birth: Option<u8>,
    pub month_of_birth: Option<u8>,
    pub year_of_birth: u16,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address_line: String,
    pub state_code: String,
    pub district_code: String,
    pub pincode: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum TxnKind {
    /// Sign-up by mobile or email: OTP, then details, then create.
    Registration { channel: Channel, declared: Option<Box<Declared>> },
    /// Sign-up by ABHA number: OTP to the Aadhaar- or ABHA-linked mobile, then create.
    KycRegistration { abha_number: String },
    /// Login by mobile or email: OTP, then choose one of the linked addresses.
    LoginByChannel { channel: Channel },
    /// Login by ABHA number: OTP, then choose one of its addresses.
    LoginByAbhaNumber { abha_number: String },
    /// Login by ABHA address with an OTP or its password.
    LoginByAddress { address: String, password: bool },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Txn {
    pub id: String,
    pub kind: TxnKind,
    pub otp: Option<String>,
    pub sent_to: Option<Channel>,
    pub expires_at: i64,
    pub last_sent_at: i64,
    pub resends: u32,
    pub wrong_attempts: u32,
    pub locked_until: Option<i64>,
    pub verified: bool,
}

impl Txn {
    /// Whether another OTP may go out for this transaction now: not while it
    /// is locked, not within 60 s of the last, and not after three more
    /// (which locks it for half an hour).
    pub fn check_resend(&mut self, now: i64) -> Result<(), Fail> {
        check_not_locked(self, now)?;
        let wait = self.last_sent_at + RESEND_AFTER_SECS - now;
        if wait > 0 {
            return Err(Fail::ResendTooSoon { retry_after_secs: wait });
        }
        if self.resends >= MAX_RESENDS {
            self.locked_until = Some(now + LOCK_SECS);
            return Err(Fail::TooManyAttempts { retry_after_secs: LOCK_SECS });
        }
        Ok(())
    }
}

/// An OTP the sandbox "sent", for the demo phone and for tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentOtp {
    /// The mobile number or email it went to.
    pub to: String,
    pub otp: String,
    pub transaction_id: String,
    /// Unix seconds on the sandbox clock.
    pub sent_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct World {
    /// Where gateway callbacks go (`PATCH /devservice/v1/bridges`).
    #[serde(default)]
    pub bridge_url: Option<String>,
    /// Patient authentications a HIP/HIU started, by transaction id.
    #[serde(default)]
    pub user_auths: HashMap<String, crate::gateway::UserAuth>,
    /// `resp.requestId`s of the on-notify acknowledgements received.
    #[serde(default)]
    pub notify_acks: Vec<String>,
    /// Facilities' answers to profile shares, by the share's `requestId`.
    #[serde(default)]
    pub share_answers: HashMap<String, crate::share::ShareAnswer>,
    pub accounts: BTreeMap<String, Account>,
    pub kyc: BTreeMap<String, KycRecord>,
    pub txns: HashMap<String, Txn>,
    pub outbox: Vec<SentOtp>,
    pub revoked: HashSet<String>,
    /// The clinic's staff servers: not ABDM's, but in the same sandbox so demo
    /// mode needs no network for the front desk either.
    #[serde(default)]
    pub auth_platform: crate::auth_platform::state::AuthPlatform,
    #[serde(default)]
    pub oidc: crate::oidc::state::Provider,
}

pub(crate) fn new_otp() -> String {
    format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))
}

impl World {
    /// Opens a transaction, sending an OTP to `sent_to` when there is one.
    pub fn open_txn(&mut self, kind: TxnKind, sent_to: Option<Channel>, now: i64) -> Txn {
        let id = uuid::Uuid::new_v4().to_string();
        let otp = sent_to.as_ref().map(|_| new_otp());
        let txn = Txn {
            id: id.clone(),
            kind,
            otp: otp.clone(),
            sent_to: sent_to.clone(),
            expires_at: now + OTP_TTL_SECS,
            last_sent_at: now,
            resends: 0,
            wrong_attempts: 0,
            locked_until: None,
            verified: false,
        };
        if let (Some(channel), Some(otp)) = (sent_to, otp) {
            self.send(&channel, otp, &id, now, txn.expires_at);
        }
        self.txns.insert(id, txn.clone());
        txn
    }

    /// "Sends" an OTP: it lands in the outbox, where the demo phone and tests read it.
    pub(crate) fn send(&mut self, channel: &Channel, otp: String, txn_id: &str, now: i64, expires_at: i64) {
        self.outbox.push(SentOtp {
            to: channel.address().to_owned(),
            otp,
            transaction_id: txn_id.to_owned(),
            sent_at: now,
            expires_at,
        });
    }

    pub fn txn_mut(&mut self, id: &str) -> Result<&mut Txn, Fail> {
        self.txns.get_mut(id).ok_or(Fail::UnknownTransaction)
    }

    /// A new OTP on the same transaction, if 60 s have passed and resends remain.
    pub fn resend(&mut self, id: &str, now: i64) -> Result<(), Fail> {
        let txn = self.txns.get_mut(id).ok_or(Fail::UnknownTransaction)?;
        let channel = txn.sent_to.clone().ok_or(Fail::UnknownTransaction)?;
        txn.check_resend(now)?;
        let otp = new_otp();
        txn.otp = Some(otp.clone());
        txn.resends += 1;
        txn.last_sent_at = now;
        txn.expires_at = now + OTP_TTL_SECS;
        txn.wrong_attempts = 0;
        let expires_at = txn.expires_at;
        self.send(&channel, otp, id, now, expires_at);
        Ok(())
    }

    /// Checks an address's password, counting wrong ones towards a day's lock.
    pub fn check_password(&mut self, address: &str, given: &str, now: i64) -> Result<(), Fail> {
        let account = self.accounts.get_mut(address).ok_or(Fail::UserNotFound)?;
        if account.locked_until.is_some_and(|until| now < until) {
            return Err(Fail::AccountLocked);
        }
        if account.password.as_deref() != Some(given) {
            account.password_failures += 1;
            if account.password_failures >= MAX_PASSWORD_FAILURES {
                account.locked_until = Some(now + ACCOUNT_LOCK_SECS);
                return Err(Fail::AccountLocked);
            }
            return Err(Fail::OtpInvalid { attempts_left: MAX_PASSWORD_FAILURES - account.password_failures });
        }
        account.password_failures = 0;
        Ok(())
    }

    /// Checks an OTP against a transaction, counting wrong tries towards the lock.
    pub fn verify_otp(&mut self, id: &str, given: &str, now: i64) -> Result<&mut Txn, Fail> {
        let txn = self.txns.get_mut(id).ok_or(Fail::UnknownTransaction)?;
        check_not_locked(txn, now)?;
        let expected = txn.otp.clone().ok_or(Fail::UnknownTransaction)?;
        if now > txn.expires_at {
            return Err(Fail::OtpExpired);
        }
        if given != expected {
            txn.wrong_attempts += 1;
            if txn.wrong_attempts >= MAX_WRONG_OTPS {
                txn.locked_until = Some(now + LOCK_SECS);
                return Err(Fail::TooManyAttempts { retry_after_secs: LOCK_SECS });
            }
            return Err(Fail::OtpInvalid { attempts_left: MAX_WRONG_OTPS - txn.wrong_attempts });
        }
        txn.verified = true;
        // An OTP works once.
        txn.otp = None;
        Ok(txn)
    }

    /// Addresses linked to a mobile or email, in a stable order.
    pub fn addresses_on(&self, channel: &Channel) -> Vec<String> {
        self.accounts
            .values()
            .filter(|a| match channel {
                Channel::Mobile(m) => a.mobile.as_deref() == Some(m),
                Channel::Email(e) => a.email.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(e)),
            })
            .map(|a| a.address.clone())
            .collect()
    }

    pub fn addresses_of_abha_number(&self, abha_number: &str) -> Vec<String> {
        self.accounts
            .values()
            .filter(|a| a.abha_number.as_deref() == Some(abha_number))
            .map(|a| a.address.clone())
            .collect()
    }

    /// Refuses a new address when its mobile already has the maximum.
    pub fn check_mobile_limit(&self, mobile: Option<&str>) -> Result<(), Fail> {
        match mobile {
            Some(m) if self.addresses_on(&Channel::Mobile(m.to_owned())).len() >= MAX_ADDRESSES_PER_MOBILE => {
                Err(Fail::AddressLimit)
            }
            _ => Ok(()),
        }
    }

    /// Free names derived from a person's name and email, for the sign-up form.
    pub fn suggestions(
        &self,
        first: &str,
        last: Option<&str>,
        year: u16,
        email: Option<&str>,
        suffix: &str,
    ) -> Vec<String> {
        let clean = |s: &str| s.to_ascii_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>();
        let first = clean(first);
        let last = last.map(clean).unwrap_or_default();
        let email_local = email.and_then(|e| e.split('@').next()).map(clean).unwrap_or_default();
        let short_year = year % 100;
        let mut candidates = vec![
            format!("{first}.{last}"),
            format!("{first}{last}{year}"),
            format!("{first}_{last}{short_year:02}"),
            format!("{first}.{last}{short_year:02}"),
            email_local.clone(),
            format!("{email_local}{short_year:02}"),
            format!("{first}{year}"),
        ];
        candidates.retain(|c| {
            abdm_types::AddressName::parse(c).is_ok() && !self.accounts.contains_key(&format!("{c}@{suffix}"))
        });
        candidates.dedup();
        candidates.truncate(5);
        candidates
    }
}

fn check_not_locked(txn: &mut Txn, now: i64) -> Result<(), Fail> {
    match txn.locked_until {
        Some(until) if now < until => Err(Fail::TooManyAttempts { retry_after_secs: until - now }),
        Some(_) => {
            // The lock has run out: a clean slate on this transaction.
            txn.locked_until = None;
            txn.wrong_attempts = 0;
            txn.resends = 0;
            Ok(())
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world_with_txn(now: i64) -> (World, String, String) {
        let mut world = World::default();
        let channel = Channel::Mobile("9876543210".into());
        let txn =
            world.open_txn(TxnKind::Registration { channel: channel.clone(), declared: None }, Some(channel), now);
        let otp = world.outbox.last().unwrap().otp.clone();
        (world, txn.id, otp)
    }

    #[test]
    fn the_right_otp_verifies_once() {
        let (mut world, id, otp) = world_with_txn(1000);
        assert!(world.verify_otp(&id, &otp, 1001).is_ok());
        assert!(world.verify_otp(&id, &otp, 1002).is_err(), "an OTP works once");
    }

    #[test]
    fn an_otp_expires_after_ten_minutes() {
        let (mut world, id, otp) = world_with_txn(1000);
        assert_eq!(world.verify_otp(&id, &otp, 1000 + OTP_TTL_SECS + 1).err(), Some(Fail::OtpExpired));
    }

    #[test]
    fn wrong_otps_lock_the_transaction_for_thirty_minutes() {
        let (mut world, id, otp) = world_with_txn(1000);
        for left in (1..MAX_WRONG_OTPS).rev() {
            assert_eq!(world.verify_otp(&id, "000000", 1001).err(), Some(Fail::OtpInvalid { attempts_left: left }));
        }
        assert!(matches!(world.verify_otp(&id, "000000", 1001), Err(Fail::TooManyAttempts { .. })));
        assert!(
            matches!(world.verify_otp(&id, &otp, 1002), Err(Fail::TooManyAttempts { .. })),
            "locked even with the right OTP"
        );
        assert!(matches!(world.resend(&id, 1100), Err(Fail::TooManyAttempts { .. })));
        world.resend(&id, 1001 + LOCK_SECS).expect("the lock runs out");
    }

    #[test]
    fn resend_waits_sixty_seconds_and_is_limited() {
        let (mut world, id, first) = world_with_txn(1000);
        assert_eq!(world.resend(&id, 1030).err(), Some(Fail::ResendTooSoon { retry_after_secs: 30 }));
        let mut now = 1000;
        for _ in 0..MAX_RESENDS {
            now += RESEND_AFTER_SECS;
            world.resend(&id, now).unwrap();
        }
        let latest = world.outbox.last().unwrap().otp.clone();
        assert_eq!(world.outbox.len(), 1 + MAX_RESENDS as usize);
        assert!(matches!(world.resend(&id, now + RESEND_AFTER_SECS), Err(Fail::TooManyAttempts { .. })));
        let _ = (first, latest);
    }

    #[test]
    fn a_resent_otp_replaces_the_old_one() {
        let (mut world, id, first) = world_with_txn(1000);
        world.resend(&id, 1060).unwrap();
        let second = world.outbox.last().unwrap().otp.clone();
        if first != second {
            assert!(matches!(world.verify_otp(&id, &first, 1061), Err(Fail::OtpInvalid { .. })));
        }
        assert!(world.verify_otp(&id, &second, 1062).is_ok());
    }
}
