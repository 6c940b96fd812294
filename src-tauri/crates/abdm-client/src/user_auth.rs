//! The gateway's patient authentication, as the front desk (a HIP) asks for it.
//! Each call is accepted with 202 and answered later by a callback to the
//! bridge ([`crate::bridge`]); each returns the `requestId` the answer will carry
//! in `resp.requestId`.

use std::time::{SystemTime, UNIX_EPOCH};

use abdm_types::{AbhaAddress, Otp, gateway::*};

use crate::{AbdmClient, AbdmError};

/// The front desk acts as a health information provider.
const REQUESTER_TYPE: &str = "HIP";

pub(crate) fn stamp() -> (String, String) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default();
    (uuid::Uuid::new_v4().to_string(), timestamp(now))
}

/// The `on-share` body answering `share`: its token, or `FAILURE` and why.
pub fn share_answer(share: &ProfileShare, token: Result<&str, CallbackError>) -> OnShare {
    let (request_id, timestamp) = stamp();
    let (status, token_number, error) = match token {
        Ok(token) => ("SUCCESS", token.to_owned(), None),
        Err(error) => ("FAILURE", String::new(), Some(error)),
    };
    OnShare {
        request_id,
        timestamp,
        acknowledgement: ShareAcknowledgement {
            status: status.into(),
            health_id: share.profile.patient.health_id.clone(),
            token_number,
        },
        error,
        resp: RequestReference { request_id: share.request_id.clone() },
    }
}

impl AbdmClient {
    fn hip(&self) -> AuthRequester {
        AuthRequester { kind: REQUESTER_TYPE.into(), id: self.config().requester_id.clone() }
    }

    /// `POST /v0.5/users/auth/fetch-modes`; answered by `on-fetch-modes`.
    pub async fn fetch_auth_modes(&self, patient: &AbhaAddress, purpose: AuthPurpose) -> Result<String, AbdmError> {
        let (request_id, timestamp) = stamp();
        let query = FetchModesQuery { id: patient.expose(), purpose, requester: self.hip() };
        let body = FetchModesRequest { request_id: request_id.clone(), timestamp, query };
        self.post_accepted("v0.5/users/auth/fetch-modes", patient.suffix().as_ref(), &body).await?;
        Ok(request_id)
    }

    /// `POST /v0.5/users/auth/init`; answered by `on-init` with the transaction.
    pub async fn auth_init(
        &self,
        patient: &AbhaAddress,
        purpose: AuthPurpose,
        mode: GatewayAuthMode,
    ) -> Result<String, AbdmError> {
        let (request_id, timestamp) = stamp();
        let query = AuthInitQuery { id: patient.expose(), purpose, auth_mode: Some(mode), requester: self.hip() };
        let body = AuthInitRequest { request_id: request_id.clone(), timestamp, query };
        self.post_accepted("v0.5/users/auth/init", patient.suffix().as_ref(), &body).await?;
        Ok(request_id)
    }

    /// `POST /v0.5/users/auth/confirm` with the OTP the patient read out; answered by `on-confirm`.
    pub async fn auth_confirm_otp(
        &self,
        patient: &AbhaAddress,
        transaction_id: &str,
        otp: &Otp,
    ) -> Result<String, AbdmError> {
        let credential = AuthCredential { auth_code: Some(otp.expose().to_owned()), demographic: None };
        self.auth_confirm(patient, transaction_id, credential).await
    }

    /// `POST /v0.5/users/auth/confirm` with the demographics; answered by `on-confirm`.
    pub async fn auth_confirm_demographics(
        &self,
        patient: &AbhaAddress,
        transaction_id: &str,
        demographic: Demographic,
    ) -> Result<String, AbdmError> {
        let credential = AuthCredential { auth_code: None, demographic: Some(demographic) };
        self.auth_confirm(patient, transaction_id, credential).await
    }

    async fn auth_confirm(
        &self,
        patient: &AbhaAddress,
        transaction_id: &str,
        credential: AuthCredential,
    ) -> Result<String, AbdmError> {
        let (request_id, timestamp) = stamp();
        let body = AuthConfirmRequest {
            request_id: request_id.clone(),
            timestamp,
            transaction_id: transaction_id.into(),
            credential,
        };
        self.post_accepted("v0.5/users/auth/confirm", patient.suffix().as_ref(), &body).await?;
        Ok(request_id)
    }

    /// `POST /v0.5/users/auth/on-notify`: acknowledges a DIRECT-mode `notify`.
    pub async fn acknowledge_notify(&self, notify_request_id: &str) -> Result<(), AbdmError> {
        let (request_id, timestamp) = stamp();
        let body = OnNotifyRequest {
            request_id,
            timestamp,
            acknowledgement: Acknowledgement { status: "OK".into() },
            resp: RequestReference { request_id: notify_request_id.into() },
        };
        let cm = self.config().cm_suffix.as_ref().to_owned();
        self.post_accepted("v0.5/users/auth/on-notify", &cm, &body).await
    }

    /// `POST /v1.0/patients/profile/on-share`: answers a profile share, with
    /// the patient's token or why there is none.
    pub async fn answer_share(
        &self,
        share: &ProfileShare,
        token: Result<&str, CallbackError>,
    ) -> Result<(), AbdmError> {
        let cm = self.config().cm_suffix.as_ref().to_owned();
        self.post_accepted("v1.0/patients/profile/on-share", &cm, &share_answer(share, token)).await
    }
}
