//! Work that waits out a lost connection. A verification the desk starts while
//! the network or ABDM is down is kept in the cache with what the operator
//! gave (the address, the purpose, what a scanned QR held) and shown as
//! waiting; it is sent on its own when the connection returns, and the
//! operator carries on from the ways ABDM offers. Only the first step waits:
//! every later one needs the patient there (an OTP they read out, their
//! approval), and an OTP is never kept.

use std::time::Duration;

use abdm_types::{AbhaAddress, gateway::AuthPurpose};
use phr_store::WaitingVerification;
use serde::Serialize;

use super::{Change, Phr, Verification, VerificationStep};
use crate::{Error, ErrorCode};

/// How often the waiting verifications are tried again.
pub const RETRY_EVERY: Duration = Duration::from_secs(10);

/// What a scanned ABHA QR held, for the demographics form later.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Prefill {
    pub full_name: Option<String>,
    pub gender: Option<String>,
    pub date_of_birth: Option<String>,
}

/// A verification kept while the connection was down, as the desk shows it:
/// still waiting, or sent and ready for the operator (ChoosingMode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    pub verification: Verification,
    /// The ABHA address in full (the verification shows a default one masked),
    /// for what the desk does with the patient afterwards.
    pub address: String,
    pub full_name: Option<String>,
    pub gender: Option<String>,
    pub date_of_birth: Option<String>,
}

/// The failures that mean "not reachable now", as opposed to ABDM's answer.
fn unreachable(err: &Error) -> bool {
    matches!(err.code(), ErrorCode::NetworkUnavailable | ErrorCode::AbdmUnavailable)
}

fn purpose_code(purpose: AuthPurpose) -> String {
    serde_json::to_value(purpose).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl Phr {
    /// Asks ABDM for the ways to verify `patient`; when it cannot be reached,
    /// keeps the request and answers it as waiting.
    pub(super) async fn verify_or_wait(
        &self,
        patient: AbhaAddress,
        purpose: AuthPurpose,
        prefill: Prefill,
    ) -> Result<Verification, Error> {
        let id = uuid::Uuid::new_v4().to_string();
        match self.fetch_modes(&id, patient.clone(), purpose).await {
            Err(err) if unreachable(&err) => {
                let since = self.clock.now();
                let kept = WaitingVerification {
                    id: id.clone(),
                    address: patient.expose(),
                    purpose: purpose_code(purpose),
                    full_name: prefill.full_name,
                    gender: prefill.gender,
                    date_of_birth: prefill.date_of_birth,
                    queued_at: since,
                };
                self.store.keep_waiting(&kept).await?;
                tracing::info!(code = ?err.code(), "a verification waits for the connection");
                self.report(Change::WaitingChanged);
                Ok(Verification {
                    id,
                    patient: patient.to_string(),
                    purpose,
                    step: VerificationStep::WaitingForConnection { since },
                })
            }
            other => other,
        }
    }

    /// The verifications kept while the connection was down: waiting, or
    /// sent and ready to carry on with.
    pub async fn waiting_verifications(&self) -> Result<Vec<Waiting>, Error> {
        self.on_duty().await?;
        let kept = self.store.waiting().await?;
        Ok(kept.into_iter().filter_map(|w| self.shown(w)).collect())
    }

    fn shown(&self, kept: WaitingVerification) -> Option<Waiting> {
        let patient = AbhaAddress::parse(&kept.address).ok()?;
        let purpose = serde_json::from_value(serde_json::Value::String(kept.purpose)).ok()?;
        let step = self
            .verifications
            .lock()
            .get(&kept.id)
            .map(|open| open.step.clone())
            .unwrap_or(VerificationStep::WaitingForConnection { since: kept.queued_at });
        Some(Waiting {
            verification: Verification { id: kept.id, patient: patient.to_string(), purpose, step },
            address: kept.address,
            full_name: kept.full_name,
            gender: kept.gender,
            date_of_birth: kept.date_of_birth,
        })
    }

    /// Sends the waiting verifications, oldest first, until one finds the
    /// connection still down. One ABDM answers with a refusal (an unknown
    /// address) is dropped, and the desk is told why. Answers how many went.
    pub async fn send_waiting(&self) -> Result<usize, Error> {
        let mut sent = 0;
        for kept in self.store.waiting().await? {
            if self.verifications.lock().contains_key(&kept.id) {
                continue; // sent already, waiting for the operator
            }
            let (Ok(patient), Ok(purpose)) = (
                AbhaAddress::parse(&kept.address),
                serde_json::from_value::<AuthPurpose>(serde_json::Value::String(kept.purpose.clone())),
            ) else {
                self.store.forget_waiting(&kept.id).await?;
                continue;
            };
            match self.fetch_modes(&kept.id, patient, purpose).await {
                Ok(_) => sent += 1,
                Err(err) if unreachable(&err) => break,
                Err(err) => {
                    self.store.forget_waiting(&kept.id).await?;
                    self.report(Change::WaitingRefused { id: kept.id, code: err.code() });
                }
            }
        }
        if sent > 0 {
            self.report(Change::WaitingChanged);
        }
        Ok(sent)
    }

    /// The operator gives up a waiting verification.
    pub async fn cancel_waiting(&self, id: &str) -> Result<(), Error> {
        self.on_duty().await?;
        self.verifications.lock().remove(id);
        if !self.store.forget_waiting(id).await? {
            return Err(Error::input(ErrorCode::FlowNotFound, "this verification is not waiting"));
        }
        self.report(Change::WaitingChanged);
        Ok(())
    }

    /// Tries the waiting verifications every [`RETRY_EVERY`] while this desk's
    /// cache is open.
    pub(super) fn keep_sending(&self) {
        let phr = self.clone();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        runtime.spawn(async move {
            loop {
                tokio::time::sleep(RETRY_EVERY).await;
                if phr.store.is_closed() {
                    break;
                }
                if let Err(err) = phr.send_waiting().await {
                    tracing::warn!(code = ?err.code(), "the waiting verifications could not be sent");
                }
            }
        });
    }
}
