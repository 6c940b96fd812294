use abdm_sandbox::{Options, SandboxHandle};
use base64::{Engine, engine::general_purpose::STANDARD};
use rsa::{Pkcs1v15Encrypt, RsaPublicKey, pkcs8::DecodePublicKey};
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// A sandbox and a bare HTTP client holding a gateway token and the public key.
pub struct Raw {
    pub sandbox: SandboxHandle,
    pub http: reqwest::Client,
    pub token: String,
    key: RsaPublicKey,
}

pub async fn spawn(options: Options) -> Raw {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox = abdm_sandbox::spawn_with(listener, options).await.unwrap();
    let http = reqwest::Client::new();
    let token = gateway_token(&http, &sandbox).await;
    let certificate = http
        .get(format!("{}v1/apps/public/certificate", sandbox.phr_base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = RsaPublicKey::from_public_key_der(&STANDARD.decode(certificate).unwrap()).unwrap();
    Raw { token, sandbox, http, key }
}

/// A fresh gateway session token (they last 600 s on the sandbox clock).
pub async fn gateway_token(http: &reqwest::Client, sandbox: &SandboxHandle) -> String {
    let session: Value = http
        .post(format!("{}v0.5/sessions", sandbox.gateway_base_url()))
        .json(&json!({
            "clientId": abdm_sandbox::DEMO_CLIENT_ID,
            "clientSecret": abdm_sandbox::DEMO_CLIENT_SECRET,
            "grantType": "client_credentials"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    session["accessToken"].as_str().unwrap().to_owned()
}

impl Raw {
    pub fn enc(&self, plain: &str) -> String {
        STANDARD.encode(self.key.encrypt(&mut rand::thread_rng(), Pkcs1v15Encrypt, plain.as_bytes()).unwrap())
    }

    /// POSTs JSON to a path below `/cm/`; answers status and body.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{}", self.sandbox.phr_base_url(), path.trim_start_matches('/')))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(format!("{}{}", self.sandbox.phr_base_url(), path.trim_start_matches('/')))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub fn otp_for(&self, to: &str) -> String {
        self.sandbox.outbox().into_iter().rev().find(|m| m.to == to).expect("an OTP was sent").otp
    }

    /// A verified sign-up session for `mobile` with the profile filled in.
    pub async fn declared_session(&self, mobile: &str) -> String {
        let (_, reply) =
            self.post("v1/apps/generate/otp", &json!({"value": self.enc(mobile), "authMode": "MOBILE_OTP"})).await;
        let session = reply["sessionId"].as_str().unwrap().to_owned();
        let otp = self.otp_for(mobile);
        let (status, _) =
            self.post("v1/apps/validate/otp", &json!({"value": self.enc(&otp), "sessionId": session})).await;
        assert_eq!(status, 200);
        let (status, body) = self.post("v1/apps/registration/details", &details(&session)).await;
        assert_eq!(status, 200, "{body}");
        session
    }
}

pub fn details(session: &str) -> Value {
    json!({
        "sessionId": session,
        "name": {"first": "Kiran", "last": "Rao"},
        "dateOfBirth": {"year": 1990},
        "gender": "F",
        "stateCode": "27",
        "districtCode": "401",
        "pinCode": "411001",
        "address": "5 Baner Road"
    })
}

pub fn code(body: &Value) -> &str {
    body["details"][0]["code"].as_str().unwrap_or_default()
}
