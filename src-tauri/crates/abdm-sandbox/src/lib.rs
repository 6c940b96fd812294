//! An offline simulator of the ABDM sandbox.
//!
//! [`spawn`] serves it on a listener the caller bound (tests and demo mode use
//! `127.0.0.1:0`) and returns a [`SandboxHandle`] with its URL and a shutdown.
//! The PHR app API is mounted under `/cm/` and the gateway under `/gateway/`,
//! mirroring `https://dev.abdm.gov.in/cm` and `https://dev.abdm.gov.in/gateway`.

mod error;

use std::{io, net::SocketAddr};

use axum::Router;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub use error::ApiError;

/// A running sandbox. Dropping it without [`SandboxHandle::shutdown`] leaves the
/// server running until the runtime stops, which is what demo mode wants.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:<port>` with no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Base URL of the PHR app API (`/cm/`), to be used as the client's PHR base.
    pub fn phr_base_url(&self) -> String {
        format!("{}/cm/", self.url())
    }

    /// Base URL of the HIE-CM gateway (`/gateway/`).
    pub fn gateway_base_url(&self) -> String {
        format!("{}/gateway/", self.url())
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, lets requests in flight finish, and waits.
    pub async fn shutdown(self) -> io::Result<()> {
        // The server may already have stopped on its own; then there is nobody to tell.
        let _ = self.stop.send(());
        self.task.await.map_err(io::Error::other)?
    }
}

/// Serves the sandbox on `listener` in a background task.
pub async fn spawn(listener: TcpListener) -> io::Result<SandboxHandle> {
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = router();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, "ABDM sandbox listening");
    Ok(SandboxHandle { addr, stop, task })
}

fn router() -> Router {
    Router::new().fallback(error::unknown_endpoint)
}

/// The gateway client the sandbox knows, used by demo mode and tests.
pub const DEMO_CLIENT_ID: &str = "ABHA_DESKTOP_DEMO";
/// The HIP id the demo front desk acts as.
pub const DEMO_REQUESTER_ID: &str = "DEMO-HIP-001";
