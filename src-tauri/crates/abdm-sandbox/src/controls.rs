//! `/_sandbox/`: what a test or a trainer needs and ABDM does not offer. The
//! client never calls these.

use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth_platform::state::SentMail;
use crate::{
    ctx::{Ctx, body},
    error::Fail,
    faults::Fault,
    gateway::DirectRequest,
    world::SentOtp,
};

pub(crate) fn router() -> Router<Ctx> {
    Router::new()
        .route("/outbox", get(outbox))
        .route("/mailbox", get(mailbox))
        .route("/clock", get(clock).post(advance_clock))
        .route("/faults", post(add_fault).delete(clear_faults))
        .route("/direct", get(direct_requests).post(answer_direct))
        .route("/share", post(share))
}

#[derive(Deserialize)]
struct OutboxQuery {
    to: Option<String>,
}

async fn outbox(State(ctx): State<Ctx>, Query(q): Query<OutboxQuery>) -> Json<Vec<SentOtp>> {
    let world = ctx.world();
    Json(world.outbox.iter().filter(|m| q.to.as_ref().is_none_or(|to| &m.to == to)).cloned().collect())
}

/// The auth platform's sent emails (verification links).
async fn mailbox(State(ctx): State<Ctx>, Query(q): Query<OutboxQuery>) -> Json<Vec<SentMail>> {
    let world = ctx.world();
    let mail = world.auth_platform.mail.iter();
    Json(mail.filter(|m| q.to.as_ref().is_none_or(|to| &m.to == to)).cloned().collect())
}

async fn clock(State(ctx): State<Ctx>) -> Json<Value> {
    Json(json!({ "now": ctx.now() }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Advance {
    advance_secs: i64,
}

async fn advance_clock(State(ctx): State<Ctx>, bytes: axum::body::Bytes) -> Result<Json<Value>, Fail> {
    let request: Advance = body(&bytes)?;
    ctx.clock.advance(request.advance_secs);
    Ok(Json(json!({ "now": ctx.now() })))
}

async fn add_fault(State(ctx): State<Ctx>, bytes: axum::body::Bytes) -> Result<StatusCode, Fail> {
    let fault: Fault = body(&bytes)?;
    ctx.faults.add(fault);
    Ok(StatusCode::NO_CONTENT)
}

async fn clear_faults(State(ctx): State<Ctx>) -> StatusCode {
    ctx.faults.clear();
    StatusCode::NO_CONTENT
}

/// DIRECT-mode requests waiting for the patient, as their PHR app lists them.
async fn direct_requests(State(ctx): State<Ctx>) -> Json<Vec<DirectRequest>> {
    Json(ctx.direct_requests())
}

/// The patient's answer to a DIRECT request: the one with `transactionId`, or
/// the newest open one for `patient` (an ABHA address). A HIP's own tests drive
/// the DIRECT mode over HTTP with this, as the in-process handle does.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DirectAnswer {
    transaction_id: Option<String>,
    patient: Option<String>,
    grant: bool,
}

async fn answer_direct(State(ctx): State<Ctx>, bytes: axum::body::Bytes) -> Result<Json<Value>, Fail> {
    let answer: DirectAnswer = body(&bytes)?;
    let transaction_id = match (answer.transaction_id, answer.patient) {
        (Some(id), None) => id,
        (None, Some(patient)) => {
            let newest = ctx.direct_requests().into_iter().rfind(|r| r.patient == patient);
            newest.ok_or(Fail::UnknownTransaction)?.transaction_id
        }
        _ => {
            let reason = "give either transactionId or patient".to_owned();
            return Err(Fail::BadRequest { field: "transactionId", reason });
        }
    };
    if !ctx.answer_direct(&transaction_id, answer.grant) {
        return Err(Fail::UnknownTransaction);
    }
    Ok(Json(json!({"transactionId": transaction_id, "status": if answer.grant { "GRANTED" } else { "DENIED" }})))
}

#[derive(Deserialize)]
struct Share {
    address: String,
    /// The counter QR's content: `https://…/share-profile?hip-id=…&counter-id=…`.
    qr: String,
}

/// `POST /_sandbox/share {address, qr}`: a demo person scans a counter's QR and
/// shares their profile; answers what their app shows (the token), or 409 with why not.
async fn share(State(ctx): State<Ctx>, bytes: axum::body::Bytes) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
    let request: Share =
        body(&bytes).map_err(|_| (StatusCode::BAD_REQUEST, Json(json!({"error": "address and qr"}))))?;
    match ctx.share_profile(&request.address, &request.qr).await {
        Ok(answer) => Ok(Json(json!(answer))),
        Err(failure) => Err((StatusCode::CONFLICT, Json(json!({"error": failure.to_string()})))),
    }
}
