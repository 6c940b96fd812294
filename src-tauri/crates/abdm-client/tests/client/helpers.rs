use abdm_client::{AbdmClient, AbdmConfig, AbdmError, BaseUrl, ClientOptions};
use abdm_sandbox::{Options, SandboxHandle};
use abdm_types::{AbhaAddress, CmSuffix, Email, Mobile, Otp, Sensitive};
use tokio::net::TcpListener;

pub struct TestSandbox {
    pub sandbox: SandboxHandle,
    pub client: AbdmClient,
}

pub async fn spawn() -> TestSandbox {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox = abdm_sandbox::spawn_with(listener, Options { controls: true, ..Options::default() }).await.unwrap();
    let client = client_for(&sandbox.phr_base_url(), &sandbox.gateway_base_url(), abdm_sandbox::DEMO_CLIENT_SECRET);
    TestSandbox { sandbox, client }
}

pub fn config(phr: &str, gateway: &str) -> AbdmConfig {
    AbdmConfig {
        phr_base_url: BaseUrl::parse(phr).unwrap(),
        gateway_base_url: BaseUrl::parse(gateway).unwrap(),
        client_id: abdm_sandbox::DEMO_CLIENT_ID.to_owned(),
        requester_id: abdm_sandbox::DEMO_REQUESTER_ID.to_owned(),
        cm_suffix: CmSuffix::sandbox(),
        api: abdm_client::PhrApi::V1,
    }
}

pub fn client_for(phr: &str, gateway: &str, secret: &str) -> AbdmClient {
    AbdmClient::with_options(config(phr, gateway), Sensitive::from(secret), ClientOptions::default()).unwrap()
}

impl TestSandbox {
    /// The latest OTP the sandbox "sent" to a mobile or email.
    pub fn otp_for(&self, to: &str) -> Otp {
        let sent = self.sandbox.outbox().into_iter().rev().find(|m| m.to == to).expect("an OTP was sent");
        Otp::parse(&sent.otp).unwrap()
    }

    pub fn advance(&self, secs: i64) {
        self.sandbox.clock().advance(secs);
    }
}

/// Another OTP than `otp`, for the wrong-OTP paths.
pub fn wrong(otp: &Otp) -> Otp {
    let digit = if otp.expose().starts_with('1') { '2' } else { '1' };
    Otp::parse(&format!("{digit}{}", &otp.expose()[1..])).unwrap()
}

pub fn mobile(raw: &str) -> Mobile {
    Mobile::parse(raw).unwrap()
}

pub fn email(raw: &str) -> Email {
    Email::parse(raw).unwrap()
}

pub fn address(raw: &str) -> AbhaAddress {
    AbhaAddress::parse(raw).unwrap()
}

#[track_caller]
pub fn assert_rejected(result: Result<impl std::fmt::Debug, AbdmError>, status: u16, code: &str) {
    match result {
        Err(err @ AbdmError::Rejected { .. }) => {
            assert_eq!(err.status(), Some(status), "{err:?}");
            assert!(err.has_code(code), "expected {code}, got {:?}", err.codes());
        }
        other => panic!("expected a {status} {code} rejection, got {other:?}"),
    }
}

/// A token as ABDM handed it out, for a call that carries it.
pub fn bearer(token: &str) -> Sensitive<String> {
    Sensitive::from(token.to_owned())
}
