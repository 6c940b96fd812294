//! The PHR app API and the gateway session, as the sandbox serves them.

use abdm_types::{
    AbhaAddress, AbhaNumber, AddressName, CmSuffix, DistrictCode, Email, Gender, Mobile, Password, Pincode, StateCode,
    YearOfBirth,
    gateway::{GatewayError, GatewayErrorBody, SessionRequest, SessionResponse as GatewaySession},
    phr::*,
};
use axum::{
    Json,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

use crate::{
    ctx::{Ctx, body},
    error::Fail,
    lgd,
    world::{Account, Channel, Declared, KycRecord, TxnKind},
};

type Reply<T> = Result<Json<T>, Fail>;

const SUFFIX: &str = "sbx";

fn current_year(now: i64) -> u16 {
    // Days since 1970 to a Gregorian year, precise enough for a year-of-birth check.
    (1970 + now / 31_556_952) as u16
}

fn channel_of(mode: AuthMode, plain: &str) -> Result<Channel, Fail> {
    match mode {
        AuthMode::MobileOtp => Mobile::parse(plain)
            .map(|m| Channel::Mobile(m.expose().to_owned()))
            .map_err(|e| Fail::BadRequest { field: "value", reason: e.to_string() }),
        AuthMode::EmailOtp => Email::parse(plain)
            .map(|e| Channel::Email(e.expose().to_owned()))
            .map_err(|e| Fail::BadRequest { field: "value", reason: e.to_string() }),
        AuthMode::AadhaarOtp | AuthMode::Password => Err(Fail::AuthModeNotAllowed(mode.as_str().to_owned())),
    }
}

fn mask_channel(channel: &Channel) -> String {
    let raw = channel.address();
    match channel {
        Channel::Mobile(_) => format!("{}XX{}", &raw[..raw.len().min(7)], &raw[raw.len().saturating_sub(1)..]),
        Channel::Email(_) => {
            let (local, domain) = raw.split_once('@').unwrap_or((raw, ""));
            format!("{}***@{domain}", local.chars().next().unwrap_or('*'))
        }
    }
}

fn parse_abha_number(raw: &str) -> Result<String, Fail> {
    AbhaNumber::parse(raw)
        .map(|n| n.hyphenated())
        .map_err(|e| Fail::BadRequest { field: "healthIdNumber", reason: e.to_string() })
}

/// A requested new address: `name` or `name@sbx`, checked against the policy.
fn new_address(raw: &str) -> Result<String, Fail> {
    let raw = raw.trim().to_ascii_lowercase();
    let name = match raw.split_once('@') {
        Some((name, suffix)) if suffix == SUFFIX => name.to_owned(),
        Some(_) => {
            return Err(Fail::AddressPolicy(format!("the address must end in @{SUFFIX}")));
        }
        None => raw,
    };
    let name = AddressName::parse(&name).map_err(|e| Fail::AddressPolicy(e.to_string()))?;
    Ok(AbhaAddress::new(&name, CmSuffix::sandbox()).expose())
}

fn new_password(ctx: &Ctx, password: Option<&Encrypted>) -> Result<Option<String>, Fail> {
    let Some(password) = password else {
        return Ok(None);
    };
    password_to_policy(ctx.decrypt("password", password)?)
}

/// A new password (empty: none), held to the policy.
pub(crate) fn password_to_policy(plain: String) -> Result<Option<String>, Fail> {
    if plain.is_empty() {
        return Ok(None);
    }
    Password::parse(&plain).map_err(|e| Fail::PasswordPolicy(e.to_string()))?;
    Ok(Some(plain))
}

// ---- Encryption key ------------------------------------------------------------

pub(crate) async fn public_certificate(State(ctx): State<Ctx>) -> String {
    ctx.keys.public_key_base64().to_owned()
}

// ---- Gateway session -----------------------------------------------------------

pub(crate) async fn gateway_sessions(State(ctx): State<Ctx>, bytes: Bytes) -> Response {
    let refuse = |status: StatusCode, code: i64, message: &str| {
        (status, Json(GatewayError { error: GatewayErrorBody { code, message: message.to_owned() } })).into_response()
    };
    let Ok(request) = serde_json::from_slice::<SessionRequest>(&bytes) else {
        return refuse(StatusCode::BAD_REQUEST, 1510, "Invalid request");
    };
    let client_id = match request.grant_type.as_str() {
        "client_credentials" => {
            if request.client_id != crate::DEMO_CLIENT_ID || request.client_secret != crate::DEMO_CLIENT_SECRET {
                return refuse(StatusCode::UNAUTHORIZED, 1401, "Invalid client Id or secret");
            }
            request.client_id
        }
        "refresh_token" => match request.refresh_token.as_deref().map(|t| ctx.claims(t, "gateway-refresh")) {
            Some(Ok(claims)) => claims.sub,
            _ => return refuse(StatusCode::UNAUTHORIZED, 1401, "Invalid refresh token"),
        },
        _ => return refuse(StatusCode::BAD_REQUEST, 1510, "Unknown grantType"),
    };
    let (access_token, refresh_token) = ctx.gateway_token(&client_id);
    Json(GatewaySession {
        access_token,
        expires_in: crate::world::GATEWAY_TOKEN_TTL_SECS as u64,
        refresh_expires_in: Some(1800),
        refresh_token: Some(refresh_token),
        token_type: "bearer".to_owned(),
    })
    .into_response()
}

// ---- Registration by mobile or email -------------------------------------------

pub(crate) async fn generate_otp(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<SessionResponse> {
    ctx.require_gateway(&headers)?;
    let request: GenerateOtpRequest = body(&bytes)?;
    let channel = channel_of(request.auth_mode, &ctx.decrypt("value", &request.value)?)?;
    let now = ctx.now();
    let txn =
        ctx.world().open_txn(TxnKind::Registration { channel: channel.clone(), declared: None }, Some(channel), now);
    Ok(Json(SessionResponse { session_id: txn.id }))
}

pub(crate) async fn resend_otp(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<ResendOtpResponse> {
    ctx.require_gateway(&headers)?;
    let request: ResendOtpRequest = body(&bytes)?;
    let now = ctx.now();
    ctx.world().resend(&request.session_id, now)?;
    Ok(Json(ResendOtpResponse { success: true, session_id: request.session_id }))
}

pub(crate) async fn validate_otp(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<ValidateOtpResponse> {
    ctx.require_gateway(&headers)?;
    let request: ValidateOtpRequest = body(&bytes)?;
    let otp = ctx.decrypt("value", &request.value)?;
    let now = ctx.now();
    let mut world = ctx.world();
    let txn = world.verify_otp(&request.session_id, &otp, now)?;
    let TxnKind::Registration { channel, .. } = txn.kind.clone() else {
        return Err(Fail::UnknownTransaction);
    };
    Ok(Json(ValidateOtpResponse { mapped_phr_address: world.addresses_on(&channel), session_id: request.session_id }))
}

/// The self-declared profile as the person typed it, contacts decrypted.
pub(crate) struct Typed {
    pub name: PersonName,
    pub date_of_birth: DateOfBirth,
    pub gender: String,
    pub state_code: String,
    pub district_code: String,
    pub pin_code: String,
    pub address: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
}

/// Checks a typed profile as ABDM does; the verified `channel` is the
/// contact that counts, and the form cannot replace it.
pub(crate) fn declared(typed: Typed, channel: &Channel, now: i64) -> Result<Declared, Fail> {
    let bad = |field, reason: String| Fail::BadRequest { field, reason };
    let first_name = typed.name.first.trim().to_owned();
    if first_name.is_empty() || first_name.len() > 64 {
        return Err(bad("name.first", "the first name is required (at most 64 characters)".into()));
    }
    YearOfBirth::new(typed.date_of_birth.year, current_year(now))
        .map_err(|e| bad("dateOfBirth.year", e.to_string()))?;
    let gender = Gender::parse(&typed.gender).map_err(|e| bad("gender", e.to_string()))?;
    let state = StateCode::parse(&typed.state_code).map_err(|e| bad("stateCode", e.to_string()))?;
    let district = DistrictCode::parse(&typed.district_code).map_err(|e| bad("districtCode", e.to_string()))?;
    if lgd::state_name(state.get()).is_none() {
        return Err(bad("stateCode", "not a state code of the LGD master list".into()));
    }
    if lgd::district_name(state.get(), district.get()).is_none() {
        return Err(bad("districtCode", "not a district of that state in the LGD master list".into()));
    }
    let pincode = Pincode::parse(&typed.pin_code).map_err(|e| bad("pinCode", e.to_string()))?;
    if typed.address.trim().is_empty() {
        return Err(bad("address", "the address is required".into()));
    }
    let email = typed
        .email
        .map(|e| Email::parse(&e).map(|e| e.expose().to_owned()).map_err(|err| bad("email", err.to_string())))
        .transpose()?;
    let mobile = typed
        .mobile
        .map(|m| Mobile::parse(&m).map(|m| m.expose().to_owned()).map_err(|err| bad("mobile", err.to_string())))
        .transpose()?;
    let (mobile, email) = match channel {
        Channel::Mobile(m) => (Some(m.clone()), email),
        Channel::Email(e) => (mobile, Some(e.clone())),
    };
    Ok(Declared {
        first_name,
        middle_name: typed.name.middle.filter(|s| !s.trim().is_empty()),
        last_name: typed.name.last.filter(|s| !s.trim().is_empty()),
        gender: gender.code().to_owned(),
        day_of_birth: typed.date_of_birth.date,
        month_of_birth: typed.date_of_birth.month,
        year_of_birth: typed.date_of_birth.year,
        mobile,
        email,
        address_line: typed.address.trim().to_owned(),
        state_code: typed.state_code.trim().to_owned(),
        district_code: typed.district_code.trim().to_owned(),
        pincode: pincode.as_ref().to_owned(),
    })
}

/// Keeps the declared profile with the verified registration `session_id`.
pub(crate) fn declare(ctx: &Ctx, session_id: &str, typed: Typed) -> Result<(), Fail> {
    let now = ctx.now();
    let mut world = ctx.world();
    let txn = world.txn_mut(session_id)?;
    let verified = txn.verified;
    let TxnKind::Registration { channel, declared: slot } = &mut txn.kind else {
        return Err(Fail::UnknownTransaction);
    };
    if !verified {
        return Err(Fail::UnknownTransaction);
    }
    *slot = Some(Box::new(declared(typed, channel, now)?));
    Ok(())
}

pub(crate) async fn registration_details(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<SessionResponse> {
    ctx.require_gateway(&headers)?;
    let request: RegistrationDetailsRequest = body(&bytes)?;
    let typed = Typed {
        email: request.email.as_ref().map(|v| ctx.decrypt("email", v)).transpose()?,
        mobile: request.mobile.as_ref().map(|v| ctx.decrypt("mobile", v)).transpose()?,
        name: request.name,
        date_of_birth: request.date_of_birth,
        gender: request.gender,
        state_code: request.state_code,
        district_code: request.district_code,
        pin_code: request.pin_code,
        address: request.address,
    };
    declare(&ctx, &request.session_id, typed)?;
    Ok(Json(SessionResponse { session_id: request.session_id }))
}

pub(crate) async fn suggestion(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<Vec<String>> {
    ctx.require_gateway(&headers)?;
    let request: SuggestionRequest = body(&bytes)?;
    let mut world = ctx.world();
    let txn = world.txn_mut(&request.session_id)?.clone();
    let names = match &txn.kind {
        TxnKind::Registration { declared: Some(d), .. } => {
            world.suggestions(&d.first_name, d.last_name.as_deref(), d.year_of_birth, d.email.as_deref(), SUFFIX)
        }
        TxnKind::KycRegistration { abha_number } if txn.verified => {
            let k = world.kyc.get(abha_number).cloned().ok_or(Fail::UserNotFound)?;
            world.suggestions(&k.first_name, k.last_name.as_deref(), k.year_of_birth, k.email.as_deref(), SUFFIX)
        }
        _ => return Err(Fail::UnknownTransaction),
    };
    Ok(Json(names))
}

/// The LGD states, for the profile form's picker.
pub(crate) async fn lgd_states(State(ctx): State<Ctx>, headers: HeaderMap) -> Reply<Vec<LgdEntry>> {
    ctx.require_gateway(&headers)?;
    Ok(Json(lgd::state_entries()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StateQuery {
    state_code: String,
}

/// The districts of one state; an unknown state is a bad request.
pub(crate) async fn lgd_districts(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    Query(q): Query<StateQuery>,
) -> Reply<Vec<LgdEntry>> {
    ctx.require_gateway(&headers)?;
    Ok(Json(lgd::district_entries(&q.state_code)?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddressQuery {
    phr_address: String,
}

/// `true` when the address is taken.
pub(crate) async fn is_exist(State(ctx): State<Ctx>, headers: HeaderMap, Query(q): Query<AddressQuery>) -> Reply<bool> {
    ctx.require_gateway(&headers)?;
    let raw = q.phr_address.trim().to_ascii_lowercase();
    let address = if raw.contains('@') { raw } else { format!("{raw}@{SUFFIX}") };
    Ok(Json(ctx.world().accounts.contains_key(&address)))
}

fn create_account(ctx: &Ctx, request: &CreatePhrAddressRequest, kyc: bool) -> Reply<CreatePhrAddressResponse> {
    if request.already_existed_phr {
        return existing_account(ctx, request, kyc);
    }
    let password = new_password(ctx, request.password.as_ref())?;
    let address = create(ctx, &request.session_id, &request.phr_address, password, kyc)?;
    let tokens = ctx.user_tokens(&address);
    Ok(Json(CreatePhrAddressResponse { phr_address: address, token: tokens.token }))
}

/// A new address for the person a verified registration `session_id` is
/// about (the declared profile, or the KYC record of `kyc`); answers it.
pub(crate) fn create(
    ctx: &Ctx,
    session_id: &str,
    raw_address: &str,
    password: Option<String>,
    kyc: bool,
) -> Result<String, Fail> {
    let address = new_address(raw_address)?;
    let mut world = ctx.world();
    let txn = world.txn_mut(session_id)?.clone();
    if !txn.verified {
        return Err(Fail::UnknownTransaction);
    }
    let account = match (&txn.kind, kyc) {
        (TxnKind::Registration { declared: Some(d), .. }, false) => Account {
            address: address.clone(),
            first_name: d.first_name.clone(),
            middle_name: d.middle_name.clone(),
            last_name: d.last_name.clone(),
            gender: d.gender.clone(),
            day_of_birth: d.day_of_birth,
            month_of_birth: d.month_of_birth,
            year_of_birth: d.year_of_birth,
            mobile: d.mobile.clone(),
            email: d.email.clone(),
            abha_number: None,
            password,
            address_line: Some(d.address_line.clone()),
            state_code: Some(d.state_code.clone()),
            state_name: None,
            district_code: Some(d.district_code.clone()),
            district_name: None,
            pincode: Some(d.pincode.clone()),
            kyc_verified: false,
            photo: None,
            locked_until: None,
            password_failures: 0,
        },
        (TxnKind::KycRegistration { abha_number }, true) => {
            let k = world.kyc.get(abha_number).cloned().ok_or(Fail::UserNotFound)?;
            account_from_kyc(&k, &address, password)
        }
        _ => return Err(Fail::UnknownTransaction),
    };
    if world.accounts.contains_key(&address) {
        return Err(Fail::AddressTaken);
    }
    world.check_mobile_limit(account.mobile.as_deref())?;
    world.accounts.insert(address.clone(), account);
    world.txns.remove(session_id);
    Ok(address)
}

/// `alreadyExistedPHR`: the person picked one of the addresses the verified
/// mobile, email or ABHA number already has, and is logged into it.
fn existing_account(ctx: &Ctx, request: &CreatePhrAddressRequest, kyc: bool) -> Reply<CreatePhrAddressResponse> {
    let address = request.phr_address.trim().to_ascii_lowercase();
    let mut world = ctx.world();
    let txn = world.txn_mut(&request.session_id)?.clone();
    if !txn.verified {
        return Err(Fail::UnknownTransaction);
    }
    let linked = match (&txn.kind, kyc) {
        (TxnKind::Registration { channel, .. }, false) => world.addresses_on(channel),
        (TxnKind::KycRegistration { abha_number }, true) => world.addresses_of_abha_number(abha_number),
        _ => return Err(Fail::UnknownTransaction),
    };
    if !linked.contains(&address) {
        return Err(Fail::UserNotFound);
    }
    world.txns.remove(&request.session_id);
    drop(world);
    let tokens = ctx.user_tokens(&address);
    Ok(Json(CreatePhrAddressResponse { phr_address: address, token: tokens.token }))
}

pub(crate) fn account_from_kyc(k: &KycRecord, address: &str, password: Option<String>) -> Account {
    Account {
        address: address.to_owned(),
        first_name: k.first_name.clone(),
        middle_name: k.middle_name.clone(),
        last_name: k.last_name.clone(),
        gender: k.gender.clone(),
        day_of_birth: Some(k.day_of_birth),
        month_of_birth: Some(k.month_of_birth),
        year_of_birth: k.year_of_birth,
        mobile: Some(k.mobile.clone()),
        email: k.email.clone(),
        abha_number: Some(k.abha_number.clone()),
        password,
        address_line: Some(k.address_line.clone()),
        state_code: Some(k.state_code.clone()),
        state_name: Some(k.state_name.clone()),
        district_code: Some(k.district_code.clone()),
        district_name: Some(k.district_name.clone()),
        pincode: Some(k.pincode.clone()),
        kyc_verified: true,
        photo: k.photo.clone(),
        locked_until: None,
        password_failures: 0,
    }
}

pub(crate) async fn create_phr_address(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<CreatePhrAddressResponse> {
    ctx.require_gateway(&headers)?;
    create_account(&ctx, &body(&bytes)?, false)
}

// ---- Registration by ABHA number -------------------------------------------------

fn kyc_auth_modes(record: &KycRecord) -> AuthModesResponse {
    AuthModesResponse {
        auth_methods: vec!["AADHAAR_OTP".into(), "MOBILE_OTP".into()],
        blocked_auth_methods: vec![],
        health_id_number: record.abha_number.clone(),
        status: "ACTIVE".into(),
    }
}

pub(crate) async fn hid_search(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<AuthModesResponse> {
    ctx.require_gateway(&headers)?;
    let request: HidSearchRequest = body(&bytes)?;
    let number = parse_abha_number(&request.health_id_number)?;
    let world = ctx.world();
    let record = world.kyc.get(&number).ok_or(Fail::UserNotFound)?;
    Ok(Json(kyc_auth_modes(record)))
}

fn otp_to_kyc_mobile(ctx: &Ctx, request: &HidAuthInitRequest, login: bool) -> Result<(String, AuthMode), Fail> {
    if !matches!(request.auth_mode, AuthMode::AadhaarOtp | AuthMode::MobileOtp) {
        return Err(Fail::AuthModeNotAllowed(request.auth_mode.as_str().to_owned()));
    }
    let number = parse_abha_number(&request.health_id_number)?;
    let now = ctx.now();
    let mut world = ctx.world();
    let mobile = world.kyc.get(&number).ok_or(Fail::UserNotFound)?.mobile.clone();
    let kind = if login {
        TxnKind::LoginByAbhaNumber { abha_number: number }
    } else {
        TxnKind::KycRegistration { abha_number: number }
    };
    let txn = world.open_txn(kind, Some(Channel::Mobile(mobile)), now);
    Ok((txn.id, request.auth_mode))
}

pub(crate) async fn hid_auth_init(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<SessionResponse> {
    ctx.require_gateway(&headers)?;
    let (session_id, _) = otp_to_kyc_mobile(&ctx, &body(&bytes)?, false)?;
    Ok(Json(SessionResponse { session_id }))
}

pub(crate) async fn hid_confirm_init(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<KycProfile> {
    ctx.require_gateway(&headers)?;
    let request: HidConfirmInitRequest = body(&bytes)?;
    let otp = ctx.decrypt("value", &request.value)?;
    let now = ctx.now();
    let mut world = ctx.world();
    let txn = world.verify_otp(&request.session_id, &otp, now)?;
    let TxnKind::KycRegistration { abha_number } = txn.kind.clone() else {
        return Err(Fail::UnknownTransaction);
    };
    let k = world.kyc.get(&abha_number).cloned().ok_or(Fail::UserNotFound)?;
    let gender = match k.gender.as_str() {
        "M" => "Male",
        "F" => "Female",
        _ => "Other",
    };
    Ok(Json(KycProfile {
        session_id: request.session_id,
        name: KycName {
            first_name: k.first_name.clone(),
            middle_name: k.middle_name.clone(),
            last_name: k.last_name.clone(),
        },
        gender: gender.to_owned(),
        date_of_birth: DateOfBirth { date: Some(k.day_of_birth), month: Some(k.month_of_birth), year: k.year_of_birth },
        health_id_number: k.abha_number.clone(),
        state_name: Some(k.state_name.clone()),
        state_code: Some(k.state_code.clone()),
        district_code: Some(k.district_code.clone()),
        district_name: Some(k.district_name.clone()),
        pincode: Some(k.pincode.clone()),
        aadhaar_verified: true,
        profile_photo: k.photo.clone(),
        auth_methods: vec!["AADHAAR_OTP".into(), "MOBILE_OTP".into()],
        email: k.email.clone(),
        mobile: Some(k.mobile.clone()),
        kyc_photo: k.photo.clone(),
        phr_address: world.addresses_of_abha_number(&abha_number),
        tags: Default::default(),
    }))
}

pub(crate) async fn hid_create_phr_address(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<CreatePhrAddressResponse> {
    ctx.require_gateway(&headers)?;
    create_account(&ctx, &body(&bytes)?, true)
}

// ---- Login -------------------------------------------------------------------------

fn token_response(ctx: &Ctx, address: &str) -> TokenResponse {
    let tokens = ctx.user_tokens(address);
    TokenResponse {
        token: format!("Bearer {}", tokens.token),
        phr_address: Some(address.to_owned()),
        expires_in: Some(crate::world::USER_TOKEN_TTL_SECS.to_string()),
        refresh_token: Some(tokens.refresh),
        refresh_expires_in: Some(crate::world::REFRESH_TOKEN_TTL_SECS.to_string()),
    }
}

fn transaction(id: String, requester: &Requester, mode: AuthMode) -> TransactionResponse {
    TransactionResponse {
        transaction_id: id,
        requester_id: requester.id.clone(),
        auth_mode: mode.as_str().to_owned(),
        error: None,
    }
}

pub(crate) async fn login_channel_init(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<TransactionResponse> {
    ctx.require_gateway(&headers)?;
    let request: MobileEmailAuthInitRequest = body(&bytes)?;
    let channel = channel_of(request.auth_mode, &ctx.decrypt("value", &request.value)?)?;
    let now = ctx.now();
    let mut world = ctx.world();
    if world.addresses_on(&channel).is_empty() {
        return Err(Fail::UserNotFound);
    }
    let txn = world.open_txn(TxnKind::LoginByChannel { channel: channel.clone() }, Some(channel), now);
    Ok(Json(transaction(txn.id, &request.requester, request.auth_mode)))
}

pub(crate) async fn login_pre_verify(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<PreVerifyResponse> {
    ctx.require_gateway(&headers)?;
    let request: PreVerifyRequest = body(&bytes)?;
    let otp = ctx.decrypt("authcode", &request.auth_code)?;
    let now = ctx.now();
    let mut world = ctx.world();
    let txn = world.verify_otp(&request.transaction_id, &otp, now)?.clone();
    let (addresses, shown) = match &txn.kind {
        TxnKind::LoginByChannel { channel } => (world.addresses_on(channel), mask_channel(channel)),
        TxnKind::LoginByAbhaNumber { abha_number } => {
            let sent_to = txn.sent_to.as_ref().map(mask_channel).unwrap_or_default();
            (world.addresses_of_abha_number(abha_number), sent_to)
        }
        _ => return Err(Fail::UnknownTransaction),
    };
    Ok(Json(PreVerifyResponse {
        mapped_phr_address: addresses,
        mobile_email: shown,
        requester_id: request.requester_id,
        transaction_id: request.transaction_id,
    }))
}

pub(crate) async fn login_channel_confirm(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<TokenResponse> {
    ctx.require_gateway(&headers)?;
    let request: MobileEmailAuthConfirmRequest = body(&bytes)?;
    let now = ctx.now();
    let mut world = ctx.world();
    let txn = world.txn_mut(&request.transaction_id)?.clone();
    if !txn.verified {
        return Err(Fail::UnknownTransaction);
    }
    let mapped = match &txn.kind {
        TxnKind::LoginByChannel { channel } => world.addresses_on(channel),
        TxnKind::LoginByAbhaNumber { abha_number } => world.addresses_of_abha_number(abha_number),
        _ => return Err(Fail::UnknownTransaction),
    };
    let address = request.patient_id.trim().to_ascii_lowercase();
    if !mapped.contains(&address) {
        return Err(Fail::UserNotFound);
    }
    if world.accounts.get(&address).and_then(|a| a.locked_until).is_some_and(|until| now < until) {
        return Err(Fail::AccountLocked);
    }
    world.txns.remove(&request.transaction_id);
    drop(world);
    Ok(Json(token_response(&ctx, &address)))
}

pub(crate) async fn login_hid_search(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<AuthModesResponse> {
    ctx.require_gateway(&headers)?;
    let request: LoginHidSearchRequest = body(&bytes)?;
    let number = parse_abha_number(&request.health_id_number)?;
    let world = ctx.world();
    let record = world.kyc.get(&number).ok_or(Fail::UserNotFound)?;
    // A wrong year is answered like an unknown number, so the pair cannot be probed.
    if request.year_of_birth.trim() != record.year_of_birth.to_string() {
        return Err(Fail::UserNotFound);
    }
    Ok(Json(kyc_auth_modes(record)))
}

pub(crate) async fn login_hid_init(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<TransactionResponse> {
    ctx.require_gateway(&headers)?;
    let request: HidAuthInitRequest = body(&bytes)?;
    let (id, mode) = otp_to_kyc_mobile(&ctx, &request, true)?;
    Ok(Json(transaction(id, &request.requester, mode)))
}

pub(crate) async fn address_auth_modes(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    Query(q): Query<AddressQuery>,
) -> Reply<AddressAuthModesResponse> {
    ctx.require_gateway(&headers)?;
    let address = AbhaAddress::parse(&q.phr_address).map_err(|e| Fail::AddressPolicy(e.to_string()))?.expose();
    let world = ctx.world();
    let account = world.accounts.get(&address).ok_or(Fail::UserNotFound)?;
    let methods = account.auth_methods().into_iter().map(str::to_owned).collect();
    Ok(Json(AddressAuthModesResponse { auth_methods: methods, phr_address: address }))
}

pub(crate) async fn address_auth_init(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<TransactionResponse> {
    ctx.require_gateway(&headers)?;
    let request: AddressAuthInitRequest = body(&bytes)?;
    let address = AbhaAddress::parse(&request.patient_id).map_err(|e| Fail::AddressPolicy(e.to_string()))?.expose();
    let now = ctx.now();
    let mut world = ctx.world();
    let account = world.accounts.get(&address).cloned().ok_or(Fail::UserNotFound)?;
    if account.locked_until.is_some_and(|until| now < until) {
        return Err(Fail::AccountLocked);
    }
    if !account.auth_methods().contains(&request.auth_mode.as_str()) {
        return Err(match request.auth_mode {
            AuthMode::Password => Fail::PasswordMissing,
            other => Fail::AuthModeNotAllowed(other.as_str().to_owned()),
        });
    }
    let sent_to = match request.auth_mode {
        AuthMode::Password => None,
        AuthMode::MobileOtp | AuthMode::AadhaarOtp => account.mobile.clone().map(Channel::Mobile),
        AuthMode::EmailOtp => account.email.clone().map(Channel::Email),
    };
    let kind = TxnKind::LoginByAddress { address, password: request.auth_mode == AuthMode::Password };
    let txn = world.open_txn(kind, sent_to, now);
    Ok(Json(transaction(txn.id, &request.requester, request.auth_mode)))
}

pub(crate) async fn address_auth_confirm(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Reply<TokenResponse> {
    ctx.require_gateway(&headers)?;
    let request: AddressAuthConfirmRequest = body(&bytes)?;
    let secret = ctx.decrypt("authCode", &request.auth_code)?;
    let now = ctx.now();
    let mut world = ctx.world();
    let txn = world.txn_mut(&request.transaction_id)?.clone();
    let TxnKind::LoginByAddress { address, password } = txn.kind.clone() else {
        return Err(Fail::UnknownTransaction);
    };
    if password {
        if now > txn.expires_at {
            return Err(Fail::UnknownTransaction);
        }
        world.check_password(&address, &secret, now)?;
    } else {
        world.verify_otp(&request.transaction_id, &secret, now)?;
    }
    world.txns.remove(&request.transaction_id);
    drop(world);
    Ok(Json(token_response(&ctx, &address)))
}

// ---- Session and account -----------------------------------------------------------

pub(crate) async fn profile_me(State(ctx): State<Ctx>, headers: HeaderMap) -> Reply<Profile> {
    let claims = ctx.require_user(&headers)?;
    let world = ctx.world();
    let a = world.accounts.get(&claims.sub).ok_or(Fail::UserNotFound)?;
    Ok(Json(Profile {
        id: a.address.clone(),
        full_name: a.full_name(),
        name: PersonName { first: a.first_name.clone(), middle: a.middle_name.clone(), last: a.last_name.clone() },
        gender: a.gender.clone(),
        date_of_birth: DateOfBirth { date: a.day_of_birth, month: a.month_of_birth, year: a.year_of_birth },
        health_id: a.abha_number.clone(),
        mobile: a.mobile.clone(),
        email: a.email.clone(),
        address: a.address_line.clone(),
        state_name: a.state_name.clone(),
        state_code: a.state_code.clone(),
        district_name: a.district_name.clone(),
        district_code: a.district_code.clone(),
        pincode: a.pincode.clone(),
        kyc_status: Some(if a.kyc_verified { "VERIFIED" } else { "PENDING" }.to_owned()),
        profile_photo: a.photo.clone(),
        has_password: a.password.is_some(),
    }))
}

pub(crate) async fn reset_password(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<SuccessResponse> {
    let claims = ctx.require_user(&headers)?;
    let request: ResetPasswordRequest = body(&bytes)?;
    let new =
        new_password(&ctx, Some(&request.password))?.ok_or(Fail::PasswordPolicy("a password is required".into()))?;
    let mut world = ctx.world();
    let account = world.accounts.get_mut(&claims.sub).ok_or(Fail::UserNotFound)?;
    if account.password.as_deref() == Some(new.as_str()) {
        return Err(Fail::PasswordSame);
    }
    account.password = Some(new);
    account.password_failures = 0;
    Ok(Json(SuccessResponse { success: true }))
}

pub(crate) async fn refresh_token(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<TokenResponse> {
    ctx.require_gateway(&headers)?;
    let request: RefreshTokenRequest = body(&bytes)?;
    let claims = ctx.claims(&request.refresh_token, "refresh")?;
    // Refresh tokens rotate: the old one is spent.
    ctx.world().revoked.insert(claims.jti);
    Ok(Json(token_response(&ctx, &claims.sub)))
}

pub(crate) async fn logout(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<SuccessResponse> {
    let user = ctx.require_user(&headers)?;
    let request: RefreshTokenRequest = body(&bytes)?;
    let mut revoked = vec![user.jti];
    if let Ok(refresh) = ctx.claims(&request.refresh_token, "refresh") {
        revoked.push(refresh.jti);
    }
    ctx.world().revoked.extend(revoked);
    Ok(Json(SuccessResponse { success: true }))
}

/// Adds an address to the person behind the token; answers the new address.
pub(crate) async fn update_phr_address(State(ctx): State<Ctx>, headers: HeaderMap, bytes: Bytes) -> Reply<String> {
    let claims = ctx.require_user(&headers)?;
    let request: UpdatePhrAddressRequest = body(&bytes)?;
    let address = new_address(&request.phr_address)?;
    let mut world = ctx.world();
    let owner = world.accounts.get(&claims.sub).cloned().ok_or(Fail::UserNotFound)?;
    if world.accounts.contains_key(&address) {
        return Err(Fail::AddressTaken);
    }
    world.check_mobile_limit(owner.mobile.as_deref())?;
    let account =
        Account { address: address.clone(), password: None, locked_until: None, password_failures: 0, ..owner };
    world.accounts.insert(address.clone(), account);
    Ok(Json(address))
}
