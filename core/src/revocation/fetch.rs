//! HTTP(S) fetching of OCSP responses (POST) and CRLs (GET), behind the `fetch` cargo
//! feature: ureq 3 with rustls on aws-lc-rs and the webpki-roots trust anchors.
//!
//! Every fetch has one hard deadline covering connect, send, receive and redirects;
//! bodies are capped; redirects are followed by hand (at most 3) and never across
//! schemes, so an `http` distribution point cannot be bent to `https` or back.
//! Environment proxies (`HTTP_PROXY`, `NO_PROXY`, ...) are honoured except for loopback
//! hosts, which are always reached directly.

use core::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::tls::{TlsConfig, TlsProvider};

use super::policy::RevocationPolicy;

/// Most redirects followed for one fetch.
const MAX_REDIRECTS: usize = 3;

/// Why a fetch failed. Always becomes `revocation.unavailable`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchError {
    /// Not an http or https URL.
    Url(String),
    /// The deadline passed.
    Timeout(Duration),
    /// Connecting, TLS or I/O failed.
    Transport(String),
    /// An HTTP status other than 200.
    Status(u16),
    /// The body exceeds the cap.
    TooLarge(usize),
    /// A redirect that is refused (across schemes, too many, no Location).
    Redirect(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Url(u) => write!(f, "`{u}` is not an http or https URL"),
            FetchError::Timeout(d) => write!(f, "no answer within {} ms", d.as_millis()),
            FetchError::Transport(e) => f.write_str(e),
            FetchError::Status(s) => write!(f, "HTTP status {s}"),
            FetchError::TooLarge(cap) => write!(f, "the answer is larger than {cap} bytes"),
            FetchError::Redirect(why) => write!(f, "redirect refused: {why}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// A blocking HTTP client for revocation data. Cheap to clone (shares its pools).
#[derive(Debug, Clone)]
pub struct Fetcher {
    via_proxy: Agent,
    direct: Agent,
    timeout: Duration,
    max_ocsp_bytes: usize,
    max_crl_bytes: usize,
}

fn agent(proxy_from_env: bool) -> Agent {
    let tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .build();
    let mut builder = Agent::config_builder()
        .tls_config(tls)
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("chainvet/", env!("CARGO_PKG_VERSION")));
    if !proxy_from_env {
        builder = builder.proxy(None);
    }
    builder.build().new_agent()
}

/// `scheme://authority` of an http(s) URL, and the scheme.
fn split_url(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme_ok = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    if !scheme_ok {
        return None;
    }
    let end = rest.find('/').map_or(url.len(), |i| scheme.len() + 3 + i);
    Some((scheme, &url[..end]))
}

fn host_is_loopback(url: &str) -> bool {
    let Some((_, origin)) = split_url(url) else {
        return false;
    };
    let authority = origin.split_once("://").map_or("", |(_, a)| a);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Fetcher {
    /// A fetcher with the policy's timeout and size caps.
    pub fn new(policy: &RevocationPolicy) -> Fetcher {
        Fetcher {
            via_proxy: agent(true),
            direct: agent(false),
            timeout: Duration::from_millis(u64::from(policy.timeout_ms)),
            max_ocsp_bytes: policy.max_ocsp_bytes,
            max_crl_bytes: policy.max_crl_bytes,
        }
    }

    /// POSTs a DER OCSP request to `url` and returns the response body.
    pub fn post_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, FetchError> {
        self.exchange(url, Some(request), self.max_ocsp_bytes)
    }

    /// GETs a CRL from `url`.
    pub fn get_crl(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        self.exchange(url, None, self.max_crl_bytes)
    }

    fn exchange(&self, url: &str, body: Option<&[u8]>, cap: usize) -> Result<Vec<u8>, FetchError> {
        let deadline = Instant::now() + self.timeout;
        let (scheme, _) = split_url(url).ok_or_else(|| FetchError::Url(url.to_owned()))?;
        let scheme = scheme.to_ascii_lowercase();
        let mut current = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            let remaining = deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
                .ok_or(FetchError::Timeout(self.timeout))?;
            let agent = if host_is_loopback(&current) {
                &self.direct
            } else {
                &self.via_proxy
            };
            let result = match body {
                Some(body) => agent
                    .post(&current)
                    .header("Content-Type", "application/ocsp-request")
                    .header("Accept", "application/ocsp-response")
                    .config()
                    .timeout_global(Some(remaining))
                    .build()
                    .send(body),
                None => agent
                    .get(&current)
                    .config()
                    .timeout_global(Some(remaining))
                    .build()
                    .call(),
            };
            let mut response = result.map_err(|e| self.transport(e, cap))?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        FetchError::Redirect(format!("HTTP {status} without a Location"))
                    })?;
                let next = if location.starts_with('/') {
                    let (_, origin) =
                        split_url(&current).ok_or_else(|| FetchError::Url(current.clone()))?;
                    format!("{origin}{location}")
                } else {
                    location.to_owned()
                };
                let next_scheme = split_url(&next)
                    .map(|(s, _)| s.to_ascii_lowercase())
                    .ok_or_else(|| FetchError::Redirect(format!("to `{next}`, not http(s)")))?;
                if next_scheme != scheme {
                    return Err(FetchError::Redirect(format!(
                        "from {scheme} to {next_scheme} (`{next}`)"
                    )));
                }
                current = next;
                continue;
            }
            if status != 200 {
                return Err(FetchError::Status(status));
            }
            return response
                .body_mut()
                .with_config()
                .limit(u64::try_from(cap).unwrap_or(u64::MAX))
                .read_to_vec()
                .map_err(|e| self.transport(e, cap));
        }
        Err(FetchError::Redirect(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }

    fn transport(&self, e: ureq::Error, cap: usize) -> FetchError {
        match e {
            ureq::Error::Timeout(_) => FetchError::Timeout(self.timeout),
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(cap),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                FetchError::Timeout(self.timeout)
            }
            other => FetchError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_loopback() {
        assert_eq!(
            split_url("http://ocsp.example.com/a/b"),
            Some(("http", "http://ocsp.example.com"))
        );
        assert_eq!(
            split_url("HTTPS://x:8443"),
            Some(("HTTPS", "HTTPS://x:8443"))
        );
        assert_eq!(split_url("ldap://x/cn=crl"), None);
        assert!(host_is_loopback("http://127.0.0.1:8080/ocsp"));
        assert!(host_is_loopback("http://[::1]:80/"));
        assert!(host_is_loopback("http://localhost/crl"));
        assert!(!host_is_loopback("http://ocsp.example.com/"));
        assert!(!host_is_loopback("http://127.0.0.1.example.com/"));
    }

    #[test]
    fn non_http_urls_are_refused_before_any_io() {
        let f = Fetcher::new(&RevocationPolicy::default());
        assert_eq!(
            f.get_crl("ldap://dir.example/cn=CA"),
            Err(FetchError::Url("ldap://dir.example/cn=CA".to_owned()))
        );
    }
}
