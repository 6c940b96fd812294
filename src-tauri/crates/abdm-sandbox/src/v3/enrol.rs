//! v3 sign-up (`enrollment/...`): an OTP to the mobile or email (or the
//! ABHA number's mobile), then the whole profile and the new address in one
//! `enrol`. The checks are v1's, on the same people.

use abdm_types::{
    phr::{DateOfBirth, LgdEntry, PersonName},
    phr_v3::*,
};
use axum::{
    Json,
    body::Bytes,
    extract::{Query, State},
    http::HeaderMap,
};
use serde::Deserialize;

use super::{Reply, login_call, replace_earlier, scope_is, txn_key, user_tokens};
use crate::{
    ctx::{Ctx, body},
    error::Fail,
    handlers::{Typed, create, declare, password_to_policy},
    lgd,
    world::{Channel, TxnKind},
};

const SUFFIX: &str = "sbx";

pub(super) async fn request_otp(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<TxnReply> {
    login_call(&ctx, &headers)?;
    let request: RequestOtp = body(&bytes)?;
    let id = ctx.decrypt_v3("loginId", &request.login_id)?;
    let bad_id = || Fail::BadRequest { field: "loginId", reason: "not a valid login id".into() };
    let scope: Vec<&str> = request.scope.iter().map(String::as_str).collect();
    let now = ctx.now();
    let mut world = ctx.world();
    let (kind, sent_to) = match (scope.as_slice(), request.login_hint.as_str(), request.otp_system.as_str()) {
        ([SCOPE_ADDRESS_ENROL, SCOPE_MOBILE], HINT_MOBILE, "abdm") => {
            let mobile = abdm_types::Mobile::parse(&id).map_err(|_| bad_id())?.expose().to_owned();
            let channel = Channel::Mobile(mobile);
            (TxnKind::Registration { channel: channel.clone(), declared: None }, channel)
        }
        ([SCOPE_ADDRESS_ENROL, SCOPE_EMAIL], HINT_EMAIL, "abdm") => {
            let email = abdm_types::Email::parse(&id).map_err(|_| bad_id())?.expose().to_owned();
            let channel = Channel::Email(email);
            (TxnKind::Registration { channel: channel.clone(), declared: None }, channel)
        }
        ([SCOPE_ABHA_LOGIN, SCOPE_MOBILE], HINT_ABHA_NUMBER, "abdm")
        | ([SCOPE_ABHA_LOGIN, SCOPE_AADHAAR], HINT_ABHA_NUMBER, "aadhaar") => {
            let number = abdm_types::AbhaNumber::parse(&id).map_err(|_| bad_id())?.hyphenated();
            let mobile = world.kyc.get(&number).ok_or(Fail::UserNotFound)?.mobile.clone();
            (TxnKind::KycRegistration { abha_number: number }, Channel::Mobile(mobile))
        }
        _ => return Err(Fail::InvalidScope.into()),
    };
    let resends = match txn_key(&kind) {
        Some(key) => replace_earlier(&mut world, &key, now)?,
        None => 0,
    };
    let txn = world.open_txn(kind, Some(sent_to), now);
    world.txn_mut(&txn.id)?.resends = resends;
    Ok(Json(TxnReply { txn_id: txn.id, message: "OTP sent successfully".into() }))
}

/// The OTP; answers the addresses the contact or number already has (with
/// a T-token to log into one of them) and, for an ABHA number, its profile.
pub(super) async fn verify(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<VerifyReply> {
    login_call(&ctx, &headers)?;
    let request: Verify = body(&bytes)?;
    let (["otp"], Some(otp)) = (
        request.auth_data.auth_methods.iter().map(String::as_str).collect::<Vec<_>>().as_slice(),
        &request.auth_data.otp,
    ) else {
        return Err(Fail::BadRequest { field: "authData", reason: "a sign-up is verified by its OTP".into() }.into());
    };
    let given = ctx.decrypt_v3("otpValue", &otp.otp_value)?;
    let now = ctx.now();
    let mut world = ctx.world();
    let txn = world.txn_mut(&otp.txn_id)?.clone();
    let expected = match &txn.kind {
        TxnKind::Registration { channel: Channel::Mobile(_), .. } => [SCOPE_ADDRESS_ENROL, SCOPE_MOBILE],
        TxnKind::Registration { channel: Channel::Email(_), .. } => [SCOPE_ADDRESS_ENROL, SCOPE_EMAIL],
        TxnKind::KycRegistration { .. } => [
            SCOPE_ABHA_LOGIN,
            if request.scope.iter().any(|s| s == SCOPE_AADHAAR) { SCOPE_AADHAAR } else { SCOPE_MOBILE },
        ],
        _ => return Err(Fail::UnknownTransaction.into()),
    };
    if !scope_is(&request.scope, &expected) {
        return Err(Fail::InvalidScope.into());
    }
    world.verify_otp(&otp.txn_id, &given, now)?;
    let (addresses, abha_profile) = match &txn.kind {
        TxnKind::KycRegistration { abha_number } => {
            let k = world.kyc.get(abha_number).cloned().ok_or(Fail::UserNotFound)?;
            let addresses = world.addresses_of_abha_number(abha_number);
            let profile = AbhaProfile {
                first_name: k.first_name.clone(),
                middle_name: k.middle_name.clone(),
                last_name: k.last_name.clone(),
                dob: format!("{:02}-{:02}-{}", k.day_of_birth, k.month_of_birth, k.year_of_birth),
                gender: k.gender.clone(),
                photo: k.photo.clone(),
                mobile: Some(k.mobile.clone()),
                email: k.email.clone(),
                phr_address: addresses.clone(),
                address_line: Some(k.address_line.clone()),
                state_code: Some(k.state_code.clone()),
                state_name: Some(k.state_name.clone()),
                district_code: Some(k.district_code.clone()),
                district_name: Some(k.district_name.clone()),
                pin_code: Some(k.pincode.clone()),
                abha_number: k.abha_number.clone(),
            };
            (addresses, Some(profile))
        }
        TxnKind::Registration { channel, .. } => (world.addresses_on(channel), None),
        _ => return Err(Fail::UnknownTransaction.into()),
    };
    let users = addresses.iter().filter_map(|a| world.accounts.get(a)).map(super::user).collect();
    drop(world);
    Ok(Json(super::to_choose(&ctx, &otp.txn_id, users, abha_profile)))
}

/// Free names for the person of a verified sign-up: from the names sent
/// (mobile or email), or the ABHA number's KYC record.
pub(super) async fn suggestion(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<SuggestReply> {
    login_call(&ctx, &headers)?;
    let request: Suggest = body(&bytes)?;
    let mut world = ctx.world();
    let txn = world.txn_mut(&request.txn_id)?.clone();
    if !txn.verified {
        return Err(Fail::UnknownTransaction.into());
    }
    let names = match &txn.kind {
        TxnKind::Registration { .. } => {
            let year = request
                .year_of_birth
                .trim()
                .parse()
                .map_err(|_| Fail::BadRequest { field: "yearOfBirth", reason: "a year is required".into() })?;
            let last = Some(request.last_name.as_str()).filter(|l| !l.trim().is_empty());
            world.suggestions(&request.first_name, last, year, None, SUFFIX)
        }
        TxnKind::KycRegistration { abha_number } => {
            let k = world.kyc.get(abha_number).cloned().ok_or(Fail::UserNotFound)?;
            world.suggestions(&k.first_name, k.last_name.as_deref(), k.year_of_birth, k.email.as_deref(), SUFFIX)
        }
        _ => return Err(Fail::UnknownTransaction.into()),
    };
    Ok(Json(SuggestReply { txn_id: request.txn_id, abha_address_list: names }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ExistsQuery {
    abha_address: String,
}

/// `true` when the address is taken.
pub(super) async fn is_exists(State(ctx): State<Ctx>, headers: HeaderMap, Query(q): Query<ExistsQuery>) -> Reply<bool> {
    login_call(&ctx, &headers)?;
    let raw = q.abha_address.trim().to_ascii_lowercase();
    let address = if raw.contains('@') { raw } else { format!("{raw}@{SUFFIX}") };
    Ok(Json(ctx.world().accounts.contains_key(&address)))
}

fn optional(raw: &str) -> Option<String> {
    Some(raw.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The profile (mobile and email sign-ups) and the new address, at once.
pub(super) async fn enrol(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<EnrolReply> {
    login_call(&ctx, &headers)?;
    let request: Enrol = body(&bytes)?;
    let d = request.phr_details;
    let decrypt = |field, value: &str| -> Result<Option<String>, Fail> {
        optional(value).map(|v| ctx.decrypt_v3(field, &Encrypted(v))).transpose()
    };
    let password = password_to_policy(decrypt("password", &d.password)?.unwrap_or_default())?;
    let kyc = {
        let mut world = ctx.world();
        matches!(world.txn_mut(&request.txn_id)?.kind, TxnKind::KycRegistration { .. })
    };
    if !kyc {
        let number = |field, raw: &str| {
            optional(raw)
                .map(|v| v.parse::<u8>().map_err(|_| Fail::BadRequest { field, reason: "a number is required".into() }))
                .transpose()
        };
        let year = d
            .year_of_birth
            .trim()
            .parse()
            .map_err(|_| Fail::BadRequest { field: "yearOfBirth", reason: "a year is required".into() })?;
        let typed = Typed {
            name: PersonName {
                first: d.first_name.clone(),
                middle: optional(&d.middle_name),
                last: optional(&d.last_name),
            },
            date_of_birth: DateOfBirth {
                date: number("dayOfBirth", &d.day_of_birth)?,
                month: number("monthOfBirth", &d.month_of_birth)?,
                year,
            },
            gender: d.gender.clone(),
            state_code: d.state_code.clone(),
            district_code: d.district_code.clone(),
            pin_code: d.pin_code.clone(),
            address: d.address.clone(),
            email: decrypt("email", &d.email)?,
            mobile: decrypt("mobile", &d.mobile)?,
        };
        declare(&ctx, &request.txn_id, typed)?;
    }
    let address = create(&ctx, &request.txn_id, &d.abha_address, password, kyc)?;
    let world = ctx.world();
    let account = world.accounts.get(&address).cloned().ok_or(Fail::UserNotFound)?;
    let all = match &account.abha_number {
        Some(number) => world.addresses_of_abha_number(number),
        None => vec![address.clone()],
    };
    drop(world);
    Ok(Json(EnrolReply {
        txn_id: request.txn_id,
        message: "ABHA Address Created Successfully".into(),
        phr_details: EnrolledDetails {
            abha_address: all,
            mobile: account.mobile.map(|m| format!("******{}", m.chars().skip(6).collect::<String>())),
        },
        tokens: user_tokens(&ctx, &address),
    }))
}

/// The LGD states (the ABHA app's form helper; the shape is v1's).
pub(super) async fn lgd_states(State(ctx): State<Ctx>, headers: HeaderMap) -> Reply<Vec<LgdEntry>> {
    login_call(&ctx, &headers)?;
    Ok(Json(lgd::state_entries()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StateQuery {
    state_code: String,
}

pub(super) async fn lgd_districts(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    Query(q): Query<StateQuery>,
) -> Reply<Vec<LgdEntry>> {
    login_call(&ctx, &headers)?;
    Ok(Json(lgd::district_entries(&q.state_code)?))
}
