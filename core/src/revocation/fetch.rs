//! HTTP(S) fetching of OCSP responses (POST) and CRLs (GET), behind the `fetch` cargo
//! feature: ureq 3 with rustls on aws-lc-rs and the webpki-roots trust anchors.
//!
//! Every fetch has one hard deadline covering resolution, connect, send, receive and
//! redirects; bodies are capped; redirects are followed by hand (at most 3), never
//! across schemes and never to another host unless `allow_destinations` lists it.
//!
//! The destination policy (`destination.rs`) is enforced by the resolver ureq connects
//! through: only addresses it lets pass are ever connected to, so a name that resolves
//! differently the second time (DNS rebinding) is judged on the address actually used.
//! Environment proxies (`HTTP_PROXY`, `NO_PROXY`, ...) are honoured for every host,
//! loopback included; the proxy itself is the operator's configuration and is not
//! subject to the policy, and a target reached through it is vetted on the addresses
//! chainvet resolves for it just before the request.

use core::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{TlsConfig, TlsProvider};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::policy::destination::Destinations;
use crate::policy::revocation::RevocationPolicy;

/// Most redirects followed for one fetch.
const MAX_REDIRECTS: usize = 3;

/// Why a fetch failed. Always becomes `revocation.unavailable`. The text is for the
/// operator (`Finding::detail`), never for the uploader.
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
    /// A redirect that is refused (across schemes, to another host, too many, no
    /// Location).
    Redirect(String),
    /// The destination policy refuses the address (loopback, link-local, ...).
    Denied(String),
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
            FetchError::Denied(why) => write!(
                f,
                "destination refused by the policy: {why} (open it with [revocation] allow_destinations)"
            ),
        }
    }
}

impl std::error::Error for FetchError {}

impl FetchError {
    /// Whether the failure is about the destination as a whole (so the negative cache
    /// remembers the origin, not just the URL).
    pub(crate) fn is_destination_failure(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout(_) | FetchError::Transport(_) | FetchError::Denied(_)
        )
    }
}

/// A resolver refusal, carried through ureq as `Error::Other`.
#[derive(Debug)]
struct Denied(String);

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Denied {}

/// ureq's resolver with the destination policy applied to what it returns: the only
/// addresses ureq will connect to.
#[derive(Debug)]
struct VettingResolver {
    inner: DefaultResolver,
    rules: Arc<Destinations>,
    /// The environment proxy (host, port): operator configuration, reached as is.
    proxy: Option<(String, u16)>,
}

fn uri_host(uri: &Uri) -> &str {
    uri.host()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']')
}

fn uri_port(uri: &Uri) -> Option<u16> {
    uri.port_u16().or_else(|| match uri.scheme_str() {
        Some(s) if s.eq_ignore_ascii_case("https") => Some(443),
        Some(s) if s.eq_ignore_ascii_case("http") => Some(80),
        _ => None,
    })
}

impl Resolver for VettingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = self.inner.resolve(uri, config, timeout)?;
        let host = uri_host(uri);
        if let Some((proxy_host, proxy_port)) = &self.proxy
            && host.eq_ignore_ascii_case(proxy_host)
            && uri_port(uri) == Some(*proxy_port)
        {
            return Ok(resolved);
        }
        let mut kept = self.inner.empty();
        let mut refused = None;
        for addr in &resolved {
            match self.rules.check(host, addr.ip()) {
                None => {
                    let _ = kept.try_push(*addr);
                }
                Some(why) => refused = Some(why),
            }
        }
        if kept.is_empty() {
            let why = refused.unwrap_or_else(|| "no address".to_owned());
            return Err(ureq::Error::Other(Box::new(Denied(why))));
        }
        Ok(kept)
    }
}

/// A blocking HTTP client for revocation data. Cheap to clone (shares its pools).
#[derive(Debug, Clone)]
pub struct Fetcher {
    agent: Agent,
    proxy: Option<ureq::Proxy>,
    rules: Arc<Destinations>,
    timeout: Duration,
    max_ocsp_bytes: usize,
    max_crl_bytes: usize,
}

fn agent(rules: Arc<Destinations>, proxy: Option<&ureq::Proxy>) -> Agent {
    let tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .build();
    let config = Agent::config_builder()
        .tls_config(tls)
        .max_redirects(0)
        .http_status_as_error(false)
        .proxy(proxy.cloned())
        .user_agent(concat!("chainvet/", env!("CARGO_PKG_VERSION")))
        .build();
    let resolver = VettingResolver {
        inner: DefaultResolver::default(),
        rules,
        proxy: proxy.map(|p| (p.host().to_owned(), p.port())),
    };
    Agent::with_parts(config, DefaultConnector::new(), resolver)
}

/// `scheme://authority` of an http(s) URL, and the scheme.
fn split_url(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme_ok = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    if !scheme_ok {
        return None;
    }
    let end = rest
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme.len() + 3 + i);
    Some((scheme, &url[..end]))
}

/// The host of an http(s) URL as written (brackets of an IPv6 literal removed),
/// lowercase.
pub(crate) fn url_host(url: &str) -> Option<String> {
    let (_, origin) = split_url(url)?;
    let authority = origin.split_once("://").map_or("", |(_, a)| a);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    Some(host.to_ascii_lowercase())
}

/// `scheme://host:port` of an http(s) URL, lowercase, with the default port filled
/// in: the unit the negative cache remembers.
pub(crate) fn origin_key(url: &str) -> Option<String> {
    let (scheme, origin) = split_url(url)?;
    let scheme = scheme.to_ascii_lowercase();
    let host = url_host(url)?;
    let authority = origin.split_once("://").map_or("", |(_, a)| a);
    let after_host = authority.rsplit_once(']').map_or(authority, |(_, r)| r);
    let port = after_host
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok())
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    Some(format!("{scheme}://{host}:{port}"))
}

/// Resolves `host:port` with a time limit (std's lookup has none).
fn resolve_within(host: &str, port: u16, limit: Duration) -> Result<Vec<SocketAddr>, FetchError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let target = (host.to_owned(), port);
    std::thread::spawn(move || {
        let _ = tx.send(target.to_socket_addrs().map(Iterator::collect::<Vec<_>>));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(e)) => Err(FetchError::Transport(format!("cannot resolve {host}: {e}"))),
        Err(_) => Err(FetchError::Timeout(limit)),
    }
}

impl Fetcher {
    /// A fetcher with the policy's timeout, size caps and destination rules (an
    /// unusable `allow_destinations` entry opens nothing: see `Validator::new`, which
    /// refuses such a policy).
    pub fn new(policy: &RevocationPolicy) -> Fetcher {
        let rules = Arc::new(Destinations::from_policy(policy).unwrap_or_else(|_| {
            let mut closed = policy.clone();
            closed.allow_destinations.clear();
            Destinations::from_policy(&closed).unwrap_or_default()
        }));
        let proxy = ureq::Proxy::try_from_env();
        Fetcher {
            agent: agent(Arc::clone(&rules), proxy.as_ref()),
            proxy,
            rules,
            timeout: Duration::from_millis(u64::from(policy.timeout_ms)),
            max_ocsp_bytes: policy.max_ocsp_bytes,
            max_crl_bytes: policy.max_crl_bytes,
        }
    }

    /// POSTs a DER OCSP request to `url` and returns the response body.
    pub fn post_ocsp(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, FetchError> {
        self.post_ocsp_until(url, request, None)
    }

    /// GETs a CRL from `url`.
    pub fn get_crl(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        self.get_crl_until(url, None)
    }

    /// As `post_ocsp`, ending at `deadline` if that comes before the policy's timeout.
    pub fn post_ocsp_until(
        &self,
        url: &str,
        request: &[u8],
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, FetchError> {
        self.exchange(url, Some(request), self.max_ocsp_bytes, deadline)
    }

    /// As `get_crl`, ending at `deadline` if that comes before the policy's timeout.
    pub fn get_crl_until(
        &self,
        url: &str,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, FetchError> {
        self.exchange(url, None, self.max_crl_bytes, deadline)
    }

    /// The vetting ureq's resolver cannot do: an IP literal is judged before anything
    /// else, and a host reached through a proxy (which resolves it itself) is resolved
    /// here and judged on every address.
    fn precheck(&self, url: &str, remaining: Duration) -> Result<(), FetchError> {
        let host = url_host(url).ok_or_else(|| FetchError::Url(url.to_owned()))?;
        if let Ok(ip) = host.parse::<IpAddr>() {
            return match self.rules.check(&host, ip) {
                Some(why) => Err(FetchError::Denied(why)),
                None => Ok(()),
            };
        }
        let Some(proxy) = &self.proxy else {
            return Ok(());
        };
        let Ok(uri) = url.parse::<Uri>() else {
            return Err(FetchError::Url(url.to_owned()));
        };
        if proxy.is_no_proxy(&uri) || self.rules.host_listed(&host) {
            return Ok(());
        }
        let port = uri_port(&uri).unwrap_or(80);
        let addrs = resolve_within(&host, port, remaining)?;
        for addr in &addrs {
            if let Some(why) = self.rules.check(&host, addr.ip()) {
                return Err(FetchError::Denied(why));
            }
        }
        if addrs.is_empty() {
            return Err(FetchError::Transport(format!("cannot resolve {host}")));
        }
        Ok(())
    }

    fn exchange(
        &self,
        url: &str,
        body: Option<&[u8]>,
        cap: usize,
        overall: Option<Instant>,
    ) -> Result<Vec<u8>, FetchError> {
        let own = Instant::now() + self.timeout;
        let deadline = overall.map_or(own, |o| o.min(own));
        let (scheme, _) = split_url(url).ok_or_else(|| FetchError::Url(url.to_owned()))?;
        let scheme = scheme.to_ascii_lowercase();
        let first_host = url_host(url).unwrap_or_default();
        let mut current = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            let remaining = deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
                .ok_or(FetchError::Timeout(self.timeout))?;
            self.precheck(&current, remaining)?;
            let result = match body {
                Some(body) => self
                    .agent
                    .post(&current)
                    .header("Content-Type", "application/ocsp-request")
                    .header("Accept", "application/ocsp-response")
                    .config()
                    .timeout_global(Some(remaining))
                    .build()
                    .send(body),
                None => self
                    .agent
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
                let next = if location.starts_with('/') && !location.starts_with("//") {
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
                let next_host = url_host(&next).unwrap_or_default();
                if next_host != first_host && !self.rules.url_host_listed(&next_host) {
                    return Err(FetchError::Redirect(format!(
                        "to another host (`{next}`), not in allow_destinations"
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
            ureq::Error::Other(inner) => match inner.downcast::<Denied>() {
                Ok(denied) => FetchError::Denied(denied.0),
                Err(other) => FetchError::Transport(other.to_string()),
            },
            other => FetchError::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_hosts_and_origins() {
        assert_eq!(
            split_url("http://ocsp.example.com/a/b"),
            Some(("http", "http://ocsp.example.com"))
        );
        assert_eq!(
            split_url("HTTPS://x:8443"),
            Some(("HTTPS", "HTTPS://x:8443"))
        );
        assert_eq!(split_url("ldap://x/cn=crl"), None);
        assert_eq!(
            url_host("http://127.0.0.1:8080/ocsp").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(url_host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(
            url_host("http://u@LocalHost/crl").as_deref(),
            Some("localhost")
        );
        assert_eq!(
            url_host("http://evil.example?@127.0.0.1/").as_deref(),
            Some("evil.example")
        );
        assert_eq!(
            origin_key("HTTP://Ocsp.Example.com/x").as_deref(),
            Some("http://ocsp.example.com:80")
        );
        assert_eq!(
            origin_key("https://[::1]:8443/").as_deref(),
            Some("https://::1:8443")
        );
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

#[cfg(test)]
mod destination_tests {
    use super::*;

    #[test]
    fn loopback_literals_and_names_are_refused_before_any_request() {
        let f = Fetcher::new(&RevocationPolicy::default());
        for url in [
            "http://127.0.0.1:9/ocsp",
            "http://[::1]:9/",
            "http://[::ffff:127.0.0.1]:9/",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            assert!(
                matches!(f.get_crl(url), Err(FetchError::Denied(_))),
                "{url}"
            );
        }
        // `localhost` is a name: the resolver refuses what it resolves to.
        assert!(matches!(
            f.get_crl("http://localhost:9/crl"),
            Err(FetchError::Denied(_))
        ));
    }
}
