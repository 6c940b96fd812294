use abdm_types::{BaseUrl, CmSuffix};

/// Where and as whom the client talks to ABDM.
///
/// The client secret is not here: it lives in the OS keyring and is handed to the
/// gateway session when one is opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbdmConfig {
    /// Base of the PHR app API, e.g. `https://dev.abdm.gov.in/cm/`.
    pub phr_base_url: BaseUrl,
    /// Base of the HIE-CM gateway, e.g. `https://dev.abdm.gov.in/gateway/`.
    pub gateway_base_url: BaseUrl,
    /// Client id issued by ABDM for this app (gateway `clientId`).
    pub client_id: String,
    /// HIP/HIU id this workstation acts as in gateway requests (`requester.id`).
    pub requester_id: String,
    /// Consent manager of the addresses we serve, sent as `X-CM-ID`.
    pub cm_suffix: CmSuffix,
    /// Which generation of the PHR app API `phr_base_url` serves.
    pub api: PhrApi,
}

/// The two generations of ABDM's PHR app API. Flows call the same client
/// methods on either; each method speaks the configured one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhrApi {
    /// The sign-up and sign-in guide's `/v1/apps/...` (base e.g.
    /// `https://dev.abdm.gov.in/cm/`): PKCS#1 v1.5 credentials, `X-AUTH-TOKEN`.
    #[default]
    V1,
    /// `/abha/api/v3/phr/app/...` (base e.g.
    /// `https://abhasbx.abdm.gov.in/abha/api/v3/phr/app/`), what ABDM's own app
    /// speaks: OAEP (SHA-1) credentials, `REQUEST-ID` and `TIMESTAMP` on every
    /// call, X-, T- and R-tokens.
    V3,
}

impl PhrApi {
    pub fn as_str(self) -> &'static str {
        match self {
            PhrApi::V1 => "v1",
            PhrApi::V3 => "v3",
        }
    }
}
