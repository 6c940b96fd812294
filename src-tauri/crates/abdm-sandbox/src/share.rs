//! Scan and Share, both sides ABDM plays. As the patient's PHR app: a demo
//! person scans a counter's QR and shares their profile; the gateway posts it,
//! signed, to the facility's bridge (`/v1.0/patients/profile/share`). As the
//! gateway: the facility answers `on-share` with a token within 30 seconds,
//! which the patient's app then shows.

use std::time::Duration;

use abdm_types::gateway::{
    OnShare, PatientAddress, ProfileShare, ShareIntent, ShareLocation, SharedPatient, SharedProfile, TypedValue,
    timestamp,
};
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use crate::{ctx::Ctx, world::Account};

/// ABDM: "the facility is expected to respond within 30 seconds".
pub const ANSWER_WITHIN: Duration = Duration::from_secs(30);

/// What the patient's app shows after sharing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareAnswer {
    /// `SUCCESS` or `FAILURE`, as the facility said.
    pub status: String,
    pub token_number: String,
    /// The facility's reason, when it refused.
    pub message: Option<String>,
}

/// Why a share got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareFailure {
    #[error("no demo person has that ABHA address")]
    UnknownPatient,
    #[error("that is not a counter's Scan and Share QR")]
    NotCounterQr,
    #[error("no facility bridge is registered")]
    NoBridge,
    #[error("the facility refused the share (HTTP {0})")]
    Refused(u16),
    #[error("the facility did not answer within 30 seconds")]
    NoAnswer,
}

/// The facility and counter a counter's QR names:
/// `https://…/share-profile?hip-id=…&counter-id=…`.
pub fn read_counter_qr(qr: &str) -> Result<(String, String), ShareFailure> {
    let url = url::Url::parse(qr.trim()).map_err(|_| ShareFailure::NotCounterQr)?;
    if !url.path().ends_with("/share-profile") {
        return Err(ShareFailure::NotCounterQr);
    }
    let find = |key: &str| url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
    match (find("hip-id"), find("counter-id")) {
        (Some(hip), Some(counter)) if !hip.is_empty() => Ok((hip, counter)),
        _ => Err(ShareFailure::NotCounterQr),
    }
}

fn profile(account: &Account, counter: &str) -> SharedProfile {
    let mut identifiers = Vec::new();
    if let Some(mobile) = &account.mobile {
        identifiers.push(TypedValue { kind: "MOBILE".into(), value: mobile.clone() });
    }
    SharedProfile {
        hip_code: Some(counter.to_owned()),
        patient: SharedPatient {
            health_id: account.address.clone(),
            // The published model requires it; ABDM's PHR users with an address
            // and no number share too: an empty string, which a HIP reads as none.
            health_id_number: Some(account.abha_number.clone().unwrap_or_default()),
            name: account.full_name(),
            gender: account.gender.clone(),
            address: Some(PatientAddress {
                line: account.address_line.clone(),
                district: account.district_name.clone(),
                state: account.state_name.clone(),
                pincode: account.pincode.clone(),
            }),
            year_of_birth: account.year_of_birth,
            day_of_birth: account.day_of_birth,
            month_of_birth: account.month_of_birth,
            identifiers,
        },
    }
}

impl Ctx {
    /// The patient `address` scans the counter QR `qr` and shares; answers
    /// what their app then shows.
    pub(crate) async fn share_profile(&self, address: &str, qr: &str) -> Result<ShareAnswer, ShareFailure> {
        let (hip, counter) = read_counter_qr(qr)?;
        let (account, bridge) = {
            let world = self.world();
            (world.accounts.get(address).cloned(), world.bridge_url.clone())
        };
        let account = account.ok_or(ShareFailure::UnknownPatient)?;
        let bridge = bridge.ok_or(ShareFailure::NoBridge)?;
        let now = self.now();
        let share = ProfileShare {
            request_id: uuid::Uuid::new_v4().to_string(),
            timestamp: timestamp(now * 1000),
            intent: ShareIntent { kind: "PROFILE_SHARE".into() },
            location: ShareLocation { latitude: "18.5204".into(), longitude: "73.8567".into() },
            profile: profile(&account, &counter),
        };
        let reply = self
            .http
            .post(format!("{bridge}/v1.0/patients/profile/share"))
            .bearer_auth(self.callback_token())
            .header("X-HIP-ID", &hip)
            .json(&share)
            .send()
            .await
            .map_err(|_| ShareFailure::Refused(0))?;
        if reply.status() != StatusCode::ACCEPTED {
            return Err(ShareFailure::Refused(reply.status().as_u16()));
        }
        let deadline = tokio::time::Instant::now() + ANSWER_WITHIN;
        loop {
            // Registered before looking, so an answer in between still wakes this.
            let answered = self.share_answered.notified();
            tokio::pin!(answered);
            answered.as_mut().enable();
            if let Some(answer) = self.world().share_answers.get(&share.request_id).cloned() {
                return Ok(answer);
            }
            if tokio::time::timeout_at(deadline, answered).await.is_err() {
                return Err(ShareFailure::NoAnswer);
            }
        }
    }
}

/// `POST /v1.0/patients/profile/on-share`: the facility's answer to a share.
pub(crate) async fn on_share(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Response {
    let answer: OnShare = match crate::gateway::admit(&ctx, &headers, &bytes) {
        Ok(answer) => answer,
        Err((status, code, message)) => return crate::gateway::refuse(status, code, message),
    };
    let ack = answer.acknowledgement;
    let shown =
        ShareAnswer { status: ack.status, token_number: ack.token_number, message: answer.error.map(|e| e.message) };
    ctx.world().share_answers.insert(answer.resp.request_id, shown);
    ctx.persist();
    ctx.share_answered.notify_waiters();
    StatusCode::ACCEPTED.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_qr_names_the_facility_and_the_counter() {
        let qr = "https://phrsbx.abdm.gov.in/share-profile?hip-id=IN3410000260&counter-id=12345";
        assert_eq!(read_counter_qr(qr), Ok(("IN3410000260".into(), "12345".into())));
        assert_eq!(
            read_counter_qr("https://phrsbx.abdm.gov.in/share-profile?counter-id=1"),
            Err(ShareFailure::NotCounterQr)
        );
        assert_eq!(read_counter_qr("asha.verma@sbx"), Err(ShareFailure::NotCounterQr));
        assert_eq!(read_counter_qr("https://example.in/?hip-id=X&counter-id=1"), Err(ShareFailure::NotCounterQr));
    }
}
