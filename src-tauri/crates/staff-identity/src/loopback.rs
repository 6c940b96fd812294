//! Where the system browser brings the person back after signing in (RFC 8252
//! §7.3): a listener on `127.0.0.1` at a port the OS picks, opened when the
//! sign-in starts and closed as soon as one answer has come, with the query
//! (or, in form-post mode, the form) handed over. Any local program can reach
//! a loopback port, so what arrives is checked by the caller (`state`, `iss`).

use std::{
    collections::HashMap,
    net::{Ipv4Addr, SocketAddr},
    sync::{Arc, Mutex},
};

use axum::{
    Form, Router,
    extract::{Query, State},
    response::Html,
    routing::get,
};
use tokio::{net::TcpListener, sync::oneshot};

pub(crate) const CALLBACK_PATH: &str = "/callback";

/// What came back on the redirect: `code`, `state`, `iss`, or `error`.
pub(crate) type Answer = HashMap<String, String>;

type Slot = Arc<Mutex<Option<oneshot::Sender<Answer>>>>;

/// A listener waiting for one redirect.
#[derive(Debug)]
pub(crate) struct Loopback {
    addr: SocketAddr,
    answer: oneshot::Receiver<Answer>,
    stop: Option<oneshot::Sender<()>>,
}

impl Loopback {
    /// Binds `127.0.0.1:0` and serves until an answer arrives or this is dropped.
    /// `expected_state` picks the page the browser shows; every answer is handed
    /// over either way.
    pub(crate) async fn open(expected_state: String, hindi: bool) -> std::io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (send, answer) = oneshot::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let slot: Slot = Arc::new(Mutex::new(Some(send)));
        let page = Arc::new(Pages { expected_state, hindi });
        let app = Router::new().route(CALLBACK_PATH, get(by_query).post(by_form)).with_state((slot, page));
        tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(err) = served.await {
                tracing::warn!(%err, "the sign-in listener stopped");
            }
        });
        Ok(Self { addr, answer, stop: Some(stop) })
    }

    /// `http://127.0.0.1:<port>/callback`.
    pub(crate) fn redirect_uri(&self) -> String {
        format!("http://{}{CALLBACK_PATH}", self.addr)
    }

    /// The first answer. The listener closes a moment after it has come (the
    /// browser is still to get its page), off the sign-in's path.
    pub(crate) async fn answer(mut self) -> Option<Answer> {
        let answer = (&mut self.answer).await.ok();
        if let Some(stop) = self.stop.take() {
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                let _ = stop.send(());
            });
        }
        answer
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

struct Pages {
    expected_state: String,
    hindi: bool,
}

impl Pages {
    fn render(&self, answer: &Answer) -> Html<&'static str> {
        let ours = answer.get("state") == Some(&self.expected_state);
        Html(match (ours, answer.contains_key("code"), self.hindi) {
            (true, true, false) => PAGE_DONE_EN,
            (true, true, true) => PAGE_DONE_HI,
            (true, false, false) => PAGE_FAILED_EN,
            (true, false, true) => PAGE_FAILED_HI,
            (false, _, false) => PAGE_FOREIGN_EN,
            (false, _, true) => PAGE_FOREIGN_HI,
        })
    }
}

fn deliver(slot: &Slot, pages: &Pages, answer: Answer) -> Html<&'static str> {
    let page = pages.render(&answer);
    if let Some(send) = slot.lock().unwrap_or_else(|p| p.into_inner()).take() {
        let _ = send.send(answer);
    }
    page
}

async fn by_query(State((slot, pages)): State<(Slot, Arc<Pages>)>, Query(answer): Query<Answer>) -> Html<&'static str> {
    deliver(&slot, &pages, answer)
}

async fn by_form(State((slot, pages)): State<(Slot, Arc<Pages>)>, Form(answer): Form<Answer>) -> Html<&'static str> {
    deliver(&slot, &pages, answer)
}

const PAGE_DONE_EN: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Signed in</title>\
<h1>You are signed in to ABHA Desktop</h1><p>You can close this tab and go back to the app.</p></html>";
const PAGE_DONE_HI: &str = "<!doctype html><html lang=\"hi\"><meta charset=\"utf-8\"><title>साइन इन हो गया</title>\
<h1>आप ABHA Desktop में साइन इन हो गए हैं</h1><p>यह टैब बंद करके ऐप पर लौटें।</p></html>";
const PAGE_FAILED_EN: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not signed in</title>\
<h1>The sign-in did not finish</h1><p>Go back to ABHA Desktop to see why, and try again there.</p></html>";
const PAGE_FAILED_HI: &str = "<!doctype html><html lang=\"hi\"><meta charset=\"utf-8\"><title>साइन इन नहीं हुआ</title>\
<h1>साइन इन पूरा नहीं हुआ</h1><p>कारण देखने और फिर से कोशिश करने के लिए ABHA Desktop पर लौटें।</p></html>";
const PAGE_FOREIGN_EN: &str = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Not this sign-in</title>\
<h1>This answer is not for ABHA Desktop's sign-in</h1><p>Nothing was signed in. Start again from the app.</p></html>";
const PAGE_FOREIGN_HI: &str = "<!doctype html><html lang=\"hi\"><meta charset=\"utf-8\"><title>यह साइन इन नहीं</title>\
<h1>यह उत्तर ABHA Desktop के साइन इन का नहीं है</h1><p>कुछ साइन इन नहीं हुआ। ऐप से फिर शुरू करें।</p></html>";
