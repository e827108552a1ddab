//! Where revocation fetches may go: the destination policy, decided on IP addresses
//! (the ones actually connected to) and on host names only where the operator listed
//! them in `allow_destinations`.
//!
//! Denied unless allowed: loopback, link-local (incl. cloud metadata 169.254.169.254),
//! unspecified, multicast, broadcast, the IPv4 "this network" block, and the IPv4-mapped
//! and IPv4-compatible IPv6 forms of all of them. Private ranges (RFC 1918, ULA
//! fc00::/7, CGNAT 100.64.0.0/10) are allowed unless `deny_private_destinations`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::revocation::RevocationPolicy;

/// One entry of `allow_destinations`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowed {
    /// A host name, lowercase, without a trailing dot.
    Host(String),
    /// An address block (a single address is a /32 or /128).
    Net(IpAddr, u8),
}

/// Why an `allow_destinations` entry is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEntry(pub String);

impl core::fmt::Display for BadEntry {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A block as the hosts it reaches: an IPv4-mapped IPv6 block is the IPv4 block.
fn net(ip: IpAddr, bits: u8) -> Allowed {
    match ip {
        IpAddr::V6(v6) if bits >= 96 => match v6.to_ipv4_mapped() {
            Some(v4) => Allowed::Net(IpAddr::V4(v4), bits - 96),
            None => Allowed::Net(ip, bits),
        },
        _ => Allowed::Net(ip, bits),
    }
}

fn parse_entry(entry: &str) -> Result<Allowed, BadEntry> {
    let e = entry.trim();
    let bad = |why: &str| BadEntry(format!("allow_destinations entry `{e}`: {why}"));
    if e.is_empty() || e.len() > 253 {
        return Err(bad("empty or longer than 253 characters"));
    }
    if let Some((addr, bits)) = e.split_once('/') {
        let ip: IpAddr = addr
            .parse()
            .map_err(|_| bad("not an IP address before `/`"))?;
        let bits: u8 = bits
            .parse()
            .map_err(|_| bad("prefix length is not a number"))?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        if bits > max {
            return Err(bad("prefix length too long"));
        }
        return Ok(net(ip, bits));
    }
    let bare = e.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        return Ok(net(ip, bits));
    }
    let host = e.trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if host.split('.').all(label_ok) {
        Ok(Allowed::Host(host))
    } else {
        Err(bad("neither a host name, an IP address nor a CIDR block"))
    }
}

/// An IPv6 address that carries an IPv4 one (mapped `::ffff:a.b.c.d` or the deprecated
/// compatible `::a.b.c.d`), as the IPv4 address it reaches.
fn embedded_v4(v6: &Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = v6.segments();
    // ::a.b.c.d, but not :: and ::1 themselves (judged as IPv6).
    (s[..6].iter().all(|&x| x == 0) && (s[6] != 0 || s[7] > 1)).then(|| {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    })
}

/// The address as the host it reaches: IPv4-mapped IPv6 is judged as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => embedded_v4(&v6).map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Why an address is denied by default, if it is.
fn always_denied(ip: IpAddr) -> Option<&'static str> {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_loopback() {
                Some("a loopback address")
            } else if v4.is_link_local() {
                Some("a link-local address (cloud metadata lives here)")
            } else if v4.is_unspecified() || o[0] == 0 {
                Some("an unspecified address")
            } else if v4.is_broadcast() {
                Some("the broadcast address")
            } else if v4.is_multicast() || o[0] >= 240 {
                Some("a multicast or reserved address")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("a loopback address")
            } else if v6.is_unspecified() {
                Some("an unspecified address")
            } else if v6.is_multicast() {
                Some("a multicast address")
            } else if first & 0xffc0 == 0xfe80 || first & 0xffc0 == 0xfec0 {
                // fec0::/10 (site-local, deprecated) is link-scoped in practice too.
                Some("a link-local address")
            } else {
                None
            }
        }
    }
}

/// Private ranges: allowed unless `deny_private_destinations`.
fn private(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => v6.segments()[0] & 0xfe00 == 0xfc00,
    }
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (canonical(ip), net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// The destination rules of one policy, parsed once.
#[derive(Debug, Clone, Default)]
pub struct Destinations {
    allowed: Vec<Allowed>,
    deny_private: bool,
}

impl Destinations {
    /// The rules of `policy`; an entry of `allow_destinations` that does not parse is an
    /// error (the policy loader reports it; see `check_policy`).
    pub fn from_policy(policy: &RevocationPolicy) -> Result<Destinations, BadEntry> {
        let allowed = policy
            .allow_destinations
            .iter()
            .map(|e| parse_entry(e))
            .collect::<Result<_, _>>()?;
        Ok(Destinations {
            allowed,
            deny_private: policy.deny_private_destinations,
        })
    }

    /// Whether the operator listed this host name (case-insensitive, exact).
    pub fn host_listed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        self.allowed
            .iter()
            .any(|a| matches!(a, Allowed::Host(h) if h.eq_ignore_ascii_case(host)))
    }

    /// Whether this address falls in a listed address or block.
    pub fn ip_listed(&self, ip: IpAddr) -> bool {
        self.allowed
            .iter()
            .any(|a| matches!(a, Allowed::Net(net, bits) if in_net(ip, *net, *bits)))
    }

    /// Whether a URL's host (as written) was listed: by name, or an IP literal in a
    /// listed block. Used for redirects to another host.
    pub fn url_host_listed(&self, host: &str) -> bool {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(ip) => self.ip_listed(ip),
            Err(_) => self.host_listed(bare),
        }
    }

    /// `None` if a connection to `ip`, reached by resolving `host`, is allowed; else why
    /// not. A listed host name opens every address it resolves to, a listed block every
    /// address inside it.
    pub fn check(&self, host: &str, ip: IpAddr) -> Option<String> {
        if self.host_listed(host) || self.ip_listed(ip) {
            return None;
        }
        if let Some(why) = always_denied(ip) {
            return Some(format!("{ip} is {why}"));
        }
        if self.deny_private && private(ip) {
            return Some(format!("{ip} is a private address"));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(allow: &[&str], deny_private: bool) -> Destinations {
        let policy = RevocationPolicy {
            allow_destinations: allow.iter().map(|s| (*s).to_owned()).collect(),
            deny_private_destinations: deny_private,
            ..RevocationPolicy::default()
        };
        Destinations::from_policy(&policy).expect("rules")
    }

    fn denied(d: &Destinations, ip: &str) -> bool {
        d.check("h.example", ip.parse().expect("ip")).is_some()
    }

    #[test]
    fn default_denies_internal_targets_in_every_spelling() {
        let d = rules(&[], false);
        for ip in [
            "127.0.0.1",
            "127.255.0.9",
            "169.254.169.254",
            "169.254.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "febf::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:0.0.0.0",
            "::ffff:255.255.255.255",
            "::127.0.0.1",
            "::169.254.169.254",
        ] {
            assert!(denied(&d, ip), "{ip} should be denied");
        }
        for ip in [
            "10.0.0.1",
            "172.16.5.5",
            "192.168.1.1",
            "fd00::1",
            "100.64.0.1",
            "8.8.8.8",
            "2001:db8::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!denied(&d, ip), "{ip} should be allowed");
        }
    }

    #[test]
    fn the_private_knob_denies_rfc1918_and_ula() {
        let d = rules(&[], true);
        for ip in [
            "10.0.0.1",
            "172.31.0.1",
            "192.168.0.1",
            "fc00::1",
            "fdff::1",
            "::ffff:192.168.0.1",
        ] {
            assert!(denied(&d, ip), "{ip}");
        }
        assert!(!denied(&d, "8.8.8.8"));
    }

    #[test]
    fn allow_list_opens_hosts_addresses_and_blocks() {
        let d = rules(
            &["127.0.0.1", "10.1.0.0/16", "OCSP.internal.example."],
            true,
        );
        assert!(!denied(&d, "127.0.0.1"));
        assert!(!denied(&d, "::ffff:127.0.0.1"));
        assert!(denied(&d, "127.0.0.2"));
        assert!(!denied(&d, "10.1.200.3"));
        assert!(denied(&d, "10.2.0.1"));
        assert!(
            d.check("ocsp.internal.example", "169.254.169.254".parse().unwrap())
                .is_none()
        );
        assert!(d.url_host_listed("ocsp.internal.example"));
        assert!(d.url_host_listed("10.1.0.7"));
        assert!(!d.url_host_listed("evil.example"));
        assert!(!d.url_host_listed("[::1]"));
    }

    #[test]
    fn bad_entries_are_refused() {
        for e in ["", "10.0.0.0/33", "::/129", "a b", "x/8", "http://x/"] {
            let policy = RevocationPolicy {
                allow_destinations: vec![e.to_owned()],
                ..RevocationPolicy::default()
            };
            assert!(Destinations::from_policy(&policy).is_err(), "{e}");
        }
    }
}
