//! Fault injection for tests: make one endpoint slow, fail, answer garbage or
//! drop the connection, for a number of calls.

use std::{sync::Mutex, time::Duration};

use axum::{
    body::Body,
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

use crate::{ctx::Ctx, error::Fail};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum FaultKind {
    /// Wait this long, then answer normally.
    Latency { ms: u64 },
    /// Answer with this status and ABDM's generic error body.
    Status { status: u16 },
    /// Answer 200 with a body that is not JSON.
    Malformed,
    /// Start a response and cut the connection.
    Drop,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// The request path, e.g. `/cm/v1/apps/generate/otp`; one ending in `*`
    /// is every path that starts with what comes before it (`/*`: all of ABDM).
    pub path: String,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many calls it affects; absent means until cleared.
    #[serde(default)]
    pub times: Option<u32>,
}

#[derive(Debug, Default)]
pub struct Faults(Mutex<Vec<Fault>>);

impl Faults {
    pub fn add(&self, fault: Fault) {
        self.lock().push(fault);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The faults not yet used up.
    pub fn pending(&self) -> Vec<Fault> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The fault for this path, if any, counting the call against it.
    fn take(&self, path: &str) -> Option<FaultKind> {
        let mut faults = self.lock();
        let index = faults.iter().position(|f| match f.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => f.path == path,
        })?;
        let kind = faults[index].kind.clone();
        if let Some(times) = faults[index].times.as_mut() {
            *times -= 1;
            if *times == 0 {
                faults.remove(index);
            }
        }
        Some(kind)
    }
}

pub(crate) async fn inject(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    let persist = request.method() != axum::http::Method::GET;
    let response = match ctx.faults.take(request.uri().path()) {
        None => next.run(request).await,
        Some(FaultKind::Latency { ms }) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        Some(FaultKind::Status { status }) => {
            Fail::Injected(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)).into_response()
        }
        Some(FaultKind::Malformed) => {
            (StatusCode::OK, [("content-type", "application/json")], "{\"sessionId\": \"truncat").into_response()
        }
        Some(FaultKind::Drop) => {
            let broken = futures_stream_error();
            (StatusCode::OK, [("content-type", "application/json")], Body::from_stream(broken)).into_response()
        }
    };
    if persist {
        ctx.persist();
    }
    response
}

/// A body that fails on its first chunk, which makes the server abort the connection.
fn futures_stream_error() -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    struct Broken;
    impl futures_core::Stream for Broken {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "dropped"))))
        }
    }
    Broken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_ending_in_a_star_is_every_path_under_it() {
        let faults = Faults::default();
        faults.add(Fault { path: "/gateway/*".into(), kind: FaultKind::Drop, times: Some(2) });
        assert_eq!(faults.take("/cm/v1/apps/generate/otp"), None);
        assert_eq!(faults.take("/gateway/v0.5/users/auth/fetch-modes"), Some(FaultKind::Drop));
        assert_eq!(faults.take("/gateway/v0.5/sessions"), Some(FaultKind::Drop));
        assert_eq!(faults.take("/gateway/v0.5/sessions"), None, "used up");
        faults.add(Fault { path: "/cm/v1/apps/generate/otp".into(), kind: FaultKind::Malformed, times: None });
        assert_eq!(faults.take("/cm/v1/apps/generate/otp/x"), None, "an exact path is only itself");
    }
}
