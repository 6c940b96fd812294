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
}
