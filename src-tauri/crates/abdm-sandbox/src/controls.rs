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
    world::SentOtp,
};

pub(crate) fn router() -> Router<Ctx> {
    Router::new()
        .route("/outbox", get(outbox))
        .route("/mailbox", get(mailbox))
        .route("/clock", get(clock).post(advance_clock))
        .route("/faults", post(add_fault).delete(clear_faults))
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
