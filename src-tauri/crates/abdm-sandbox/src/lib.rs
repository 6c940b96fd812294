//! An offline simulator of the ABDM sandbox.
//!
//! [`spawn`] serves it on a listener the caller bound (tests and demo mode use
//! `127.0.0.1:0`) and returns a [`SandboxHandle`] with its URL and a shutdown.
//! The PHR app API is mounted under `/cm/` and the gateway under `/gateway/`,
//! mirroring `https://dev.abdm.gov.in/cm` and `https://dev.abdm.gov.in/gateway`.
//!
//! It behaves like ABDM where the app can tell: credentials must arrive
//! RSA-encrypted with its published key, OTPs expire after 10 minutes, resends
//! wait 60 seconds, too many wrong OTPs or resends lock a transaction for 30
//! minutes, a mobile carries at most 4 addresses, tokens are signed JWTs that
//! expire. Test controls live under `/_sandbox/` and are off unless enabled.

mod auth_platform;
mod controls;
mod ctx;
mod error;
mod faults;
mod gateway;
mod handlers;
mod keys;
mod lgd;
mod oidc;
mod people;
mod share;
mod state;
mod v3;
pub mod world;

use std::{
    io,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    routing::{get, post},
};
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub use auth_platform::{AuthPlatformOptions, DEMO_API_KEY as DEMO_AUTH_PLATFORM_API_KEY, state::SentMail};
pub use ctx::Clock;
pub use error::Fail;
pub use faults::{Fault, FaultKind};
pub use gateway::DirectRequest;
pub use oidc::state::{CONFIDENTIAL_CLIENT as DEMO_OIDC_CONFIDENTIAL_CLIENT, PUBLIC_CLIENT as DEMO_OIDC_CLIENT};
pub use share::{ShareAnswer, ShareFailure};
pub use state::{StateFile, StateKey};
pub use world::SentOtp;

use crate::{ctx::Ctx, faults::Faults, keys::Keys, world::World};

/// The gateway client the sandbox knows, used by demo mode and tests.
pub const DEMO_CLIENT_ID: &str = "ABHA_DESKTOP_DEMO";
/// Its secret. Public on purpose: it opens nothing but this simulator.
pub const DEMO_CLIENT_SECRET: &str = "abdm-sandbox-demo-secret";
/// The HIP id the demo front desk acts as.
pub const DEMO_REQUESTER_ID: &str = "DEMO-HIP-001";

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Serve the test controls under `/_sandbox/` (outbox, clock, faults).
    pub controls: bool,
    /// Keep the state in this file across restarts (in memory when `None`).
    pub state: Option<StateFile>,
    /// The clinic's auth platform: token lifetimes, rate limit, flow route.
    pub auth_platform: AuthPlatformOptions,
}

/// A running sandbox. Dropping it without [`SandboxHandle::shutdown`] leaves the
/// server running until the runtime stops, which is what demo mode wants.
pub struct SandboxHandle {
    addr: SocketAddr,
    ctx: Ctx,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

impl std::fmt::Debug for SandboxHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxHandle").field("addr", &self.addr).finish_non_exhaustive()
    }
}

/// Where each simulated server answers. Known from the address alone, so a
/// caller can set up its clients on a bound listener before the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxUrls(pub SocketAddr);

impl SandboxUrls {
    /// `http://127.0.0.1:<port>` with no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.0)
    }

    /// Base URL of the PHR app API (`/cm/`), to be used as the client's PHR base.
    pub fn phr_base_url(&self) -> String {
        format!("{}/cm/", self.url())
    }

    /// Base URL of the PHR v3 app API (`/abha/api/v3/phr/app/`).
    pub fn phr_v3_base_url(&self) -> String {
        format!("{}/abha/api/v3/phr/app/", self.url())
    }

    /// Base URL of the HIE-CM gateway (`/gateway/`).
    pub fn gateway_base_url(&self) -> String {
        format!("{}/gateway/", self.url())
    }

    /// Base URL of the clinic's auth platform (`/nap/`).
    pub fn auth_platform_url(&self) -> String {
        format!("{}/nap/", self.url())
    }

    /// Issuer of the clinic's OpenID Connect provider, trailing slash included.
    pub fn oidc_issuer(&self) -> String {
        format!("{}/oidc/", self.url())
    }
}

impl SandboxHandle {
    pub fn urls(&self) -> SandboxUrls {
        SandboxUrls(self.addr)
    }

    /// `http://127.0.0.1:<port>` with no trailing slash.
    pub fn url(&self) -> String {
        self.urls().url()
    }

    pub fn phr_base_url(&self) -> String {
        self.urls().phr_base_url()
    }

    pub fn phr_v3_base_url(&self) -> String {
        self.urls().phr_v3_base_url()
    }

    pub fn gateway_base_url(&self) -> String {
        self.urls().gateway_base_url()
    }

    pub fn auth_platform_url(&self) -> String {
        self.urls().auth_platform_url()
    }

    pub fn oidc_issuer(&self) -> String {
        self.urls().oidc_issuer()
    }

    /// Emails the auth platform "sent" (verification links), newest last, for
    /// the demo inbox.
    pub fn mailbox(&self) -> Vec<SentMail> {
        self.ctx.world().auth_platform.mail.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// OTPs "sent" so far, newest last, for the demo phone panel.
    pub fn outbox(&self) -> Vec<SentOtp> {
        self.ctx.world().outbox.clone()
    }

    /// The sandbox's clock, which tests move forward to expire OTPs and tokens.
    pub fn clock(&self) -> &Arc<Clock> {
        &self.ctx.clock
    }

    /// Makes one endpoint misbehave (see [`FaultKind`]).
    pub fn inject(&self, fault: Fault) {
        self.ctx.faults.add(fault);
    }

    /// The injected faults no request has used up yet (a test checks its fault
    /// met the call it was meant for).
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.ctx.faults.pending()
    }

    pub fn clear_faults(&self) {
        self.ctx.faults.clear();
    }

    /// DIRECT-mode authentication requests waiting for the patient, as their PHR
    /// app (in demo mode, the demo phone) shows them.
    pub fn direct_requests(&self) -> Vec<DirectRequest> {
        self.ctx.direct_requests()
    }

    /// The patient approves (`grant`) or denies a DIRECT request; the requester
    /// gets `notify`. `false` when no such request is open.
    pub fn answer_direct(&self, transaction_id: &str, grant: bool) -> bool {
        self.ctx.answer_direct(transaction_id, grant)
    }

    /// The demo people's ABHA addresses and names, for the demo phone to act as.
    pub fn people(&self) -> Vec<(String, String)> {
        self.ctx.world().accounts.values().map(|a| (a.address.clone(), a.full_name())).collect()
    }

    /// The demo person `address` scans the counter QR `qr` (its URL) in their
    /// PHR app and shares their profile: answers the token their app shows.
    pub async fn share_profile(&self, address: &str, qr: &str) -> Result<ShareAnswer, ShareFailure> {
        self.ctx.share_profile(address, qr).await
    }

    /// `resp.requestId`s of the `on-notify` acknowledgements received.
    pub fn notify_acks(&self) -> Vec<String> {
        self.ctx.world().notify_acks.clone()
    }

    /// Forgets everything the sandbox was told since it was seeded (people,
    /// addresses, OTPs, sessions, staff accounts) and saves that; where this
    /// run's gateway callbacks go is kept.
    pub fn reset(&self) {
        {
            let mut world = self.ctx.world();
            let bridge_url = world.bridge_url.take();
            *world = World { bridge_url, ..World::default() };
            seed_missing(&mut world, self.ctx.now());
        }
        self.ctx.persist();
    }

    /// Stops accepting connections, lets requests in flight finish, and waits.
    pub async fn shutdown(self) -> io::Result<()> {
        // The server may already have stopped on its own; then there is nobody to tell.
        let _ = self.stop.send(());
        self.task.await.map_err(io::Error::other)?
    }
}

/// Serves the sandbox on `listener` in a background task, controls off, in memory.
pub async fn spawn(listener: TcpListener) -> io::Result<SandboxHandle> {
    spawn_with(listener, Options::default()).await
}

pub async fn spawn_with(listener: TcpListener, options: Options) -> io::Result<SandboxHandle> {
    let addr = listener.local_addr()?;
    let ctx = Ctx {
        urls: SandboxUrls(addr),
        keys: Arc::new(Keys::demo()),
        staff_keys: Arc::new(Keys::staff()),
        auth_platform: Arc::new(options.auth_platform.clone()),
        rate_windows: Arc::default(),
        world: Arc::new(Mutex::new(load_world(options.state.as_ref())?)),
        clock: Arc::default(),
        faults: Arc::new(Faults::default()),
        state: options.state.clone().map(Arc::new),
        http: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(io::Error::other)?,
        runtime: tokio::runtime::Handle::current(),
        share_answered: Arc::default(),
    };
    seed_missing(&mut ctx.world(), ctx.now());
    let app = router(ctx.clone(), options.controls);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        // The auth platform's rate limit is per client address.
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, controls = options.controls, "ABDM sandbox listening");
    Ok(SandboxHandle { addr, ctx, stop, task })
}

fn load_world(state: Option<&StateFile>) -> io::Result<World> {
    let Some(state) = state else { return Ok(World::default()) };
    let started = std::time::Instant::now();
    let world = state.load()?.unwrap_or_default();
    tracing::info!(elapsed_us = started.elapsed().as_micros() as u64, "sandbox state loaded");
    Ok(world)
}

/// The seeded people of each simulated server whose world is empty.
fn seed_missing(world: &mut World, now: i64) {
    if world.accounts.is_empty() {
        people::seed(world, now);
    }
    if world.auth_platform.users.is_empty() {
        auth_platform::seed(&mut world.auth_platform, now);
    }
    if world.oidc.accounts.is_empty() {
        oidc::seed(&mut world.oidc);
    }
}

fn router(ctx: Ctx, controls: bool) -> Router {
    use handlers::*;
    let apps = Router::new()
        .route("/public/certificate", get(public_certificate))
        .route("/generate/otp", post(generate_otp))
        .route("/resend/otp", post(resend_otp))
        .route("/validate/otp", post(validate_otp))
        .route("/registration/details", post(registration_details))
        .route("/phr/suggestion", post(suggestion))
        .route("/phrAddress/isExist", get(is_exist))
        .route("/create/phrAddress", post(create_phr_address))
        .route("/registration/hid/search/auth-mode", post(hid_search))
        .route("/registration/hid/auth-init", post(hid_auth_init))
        .route("/registration/hid/confirm-init", post(hid_confirm_init))
        .route("/create/registration/hid/create/phrAddress", post(hid_create_phr_address))
        .route("/login/mobileEmail/auth-init", post(login_channel_init))
        .route("/login/mobileEmail/pre-Verify", post(login_pre_verify))
        .route("/login/mobileEmail/auth-confirm", post(login_channel_confirm))
        .route("/login/hid/search/auth-mode", post(login_hid_search))
        .route("/login/hid/auth-init", post(login_hid_init))
        .route("/phrAddress/search/auth-mode", get(address_auth_modes))
        .route("/phrAddress/auth-init", post(address_auth_init))
        .route("/phrAddress/auth-confirm", post(address_auth_confirm))
        .route("/profile/me", get(profile_me))
        .route("/patients/profile/reset-password", post(reset_password))
        .route("/token/refresh", post(refresh_token))
        .route("/location/states", get(lgd_states))
        .route("/location/districts", get(lgd_districts));
    let cm = Router::new()
        .nest("/v1/apps", apps)
        .route("/v1/account/update/phr-address", post(update_phr_address))
        .route("/logout", post(logout));
    let gateway = Router::new()
        .route("/v0.5/sessions", post(gateway_sessions))
        .route("/v0.5/certs", get(gateway::certs))
        .route("/v0.5/.well-known/openid-configuration", get(gateway::openid_configuration))
        .route("/v0.5/users/auth/fetch-modes", post(gateway::fetch_modes))
        .route("/v0.5/users/auth/init", post(gateway::init))
        .route("/v0.5/users/auth/confirm", post(gateway::confirm))
        .route("/v0.5/users/auth/on-notify", post(gateway::on_notify))
        .route("/v1.0/patients/profile/on-share", post(share::on_share));
    let mut app = Router::new()
        .nest("/cm", cm)
        .nest("/abha/api/v3/phr/app", v3::router())
        .nest("/gateway", gateway)
        .nest("/nap", auth_platform::router(&ctx))
        .nest("/oidc", oidc::router())
        .route("/devservice/v1/bridges", axum::routing::patch(gateway::set_bridge));
    if controls {
        app = app.nest("/_sandbox", controls::router());
    }
    app.fallback(error::unknown_endpoint)
        .layer(axum::middleware::from_fn_with_state(ctx.clone(), faults::inject))
        .with_state(ctx)
}
