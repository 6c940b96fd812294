use std::{fmt, net::IpAddr};

use url::Url;

/// An absolute http(s) URL that relative endpoint paths are joined onto.
///
/// Always ends with `/`, so `join("v1/apps/generate/otp")` keeps the base path.
/// Plain `http` is accepted only for loopback hosts (the embedded sandbox);
/// anything that crosses a network must be `https`.
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("is not a URL ({0})")]
    Malformed(url::ParseError),
    #[error("must start with https:// (plain http is only allowed for 127.0.0.1 or localhost)")]
    NotHttps,
    #[error("must not carry a query, fragment or user name")]
    HasExtras,
}

impl BaseUrl {
    pub fn parse(raw: &str) -> Result<Self, BaseUrlError> {
        let mut url = Url::parse(raw.trim()).map_err(BaseUrlError::Malformed)?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            _ => return Err(BaseUrlError::NotHttps),
        }
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(BaseUrlError::HasExtras);
        }
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Self(url))
    }

    /// The URL of an endpoint below this base; `path` is relative (no leading `/`).
    pub fn endpoint(&self, path: &str) -> Url {
        let mut url = self.0.clone();
        let joined = format!("{}{}", url.path(), path.trim_start_matches('/'));
        url.set_path(&joined);
        url
    }

    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    pub fn as_url(&self) -> &Url {
        &self.0
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaseUrl({})", self.0)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_the_base_path() {
        let base = BaseUrl::parse("https://dev.abdm.gov.in/cm").unwrap();
        assert_eq!(base.endpoint("v1/apps/generate/otp").as_str(), "https://dev.abdm.gov.in/cm/v1/apps/generate/otp");
        assert_eq!(base.endpoint("/v1/apps/generate/otp").as_str(), "https://dev.abdm.gov.in/cm/v1/apps/generate/otp");
    }

    #[test]
    fn plain_http_is_only_for_loopback() {
        assert!(BaseUrl::parse("http://127.0.0.1:8099/cm/").is_ok());
        assert!(BaseUrl::parse("http://localhost:8099").is_ok());
        assert!(BaseUrl::parse("http://[::1]:8099").is_ok());
        assert_eq!(BaseUrl::parse("http://dev.abdm.gov.in/cm"), Err(BaseUrlError::NotHttps));
        assert_eq!(BaseUrl::parse("ftp://127.0.0.1/"), Err(BaseUrlError::NotHttps));
    }

    #[test]
    fn queries_and_credentials_in_a_base_url_are_rejected() {
        assert_eq!(BaseUrl::parse("https://x.in/cm?a=1"), Err(BaseUrlError::HasExtras));
        assert_eq!(BaseUrl::parse("https://me@x.in/cm"), Err(BaseUrlError::HasExtras));
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(BaseUrl::parse("not a url"), Err(BaseUrlError::Malformed(_))));
    }
}
