//! A gateway PKI for mutual-TLS tests with real handshakes: a root and an issuing CA,
//! a server certificate, and one client certificate per case a gateway must decide,
//! all dated around the current time (TLS stacks validate at "now").
//!
//! | client | what it is |
//! |---|---|
//! | `good` | valid 2 years, registered for client `acme-payments` |
//! | `other` | like `good` (same CN and issuer), another key and serial: not registered |
//! | `expired` | expired 35 days ago |
//! | `short-lived` | a 90-day leaf (under the default 180-day minimum lifetime) |
//! | `self-signed` | a self-signed leaf |
//! | `untrusted` | a complete chain to a root the gateway does not trust |
//! | `revoked` | valid, revoked by the issuing CA's CRL (`crl`) |

use std::path::Path;

use rcgen::ExtendedKeyUsagePurpose;
use time::{Duration, OffsetDateTime};

use crate::{Issued, KeyKind, Spec, crl, issue, self_signed};

/// Serial number (content bytes) of the `revoked` client certificate.
pub const REVOKED_SERIAL: &[u8] = &[0x52, 0x45, 0x56];

/// The client case names, in the order of the module table.
pub const CLIENTS: [&str; 7] = [
    "good",
    "other",
    "expired",
    "short-lived",
    "self-signed",
    "untrusted",
    "revoked",
];

/// The PKI; see the module documentation.
#[derive(Debug, Clone)]
pub struct MtlsPki {
    /// The root the gateway trusts (for clients, and the server certificate's issuer).
    pub root: Issued,
    /// The issuing CA of the client certificates.
    pub ca: Issued,
    /// The server's certificate (`gateway.test`, `*.gateway.test`), issued by the root.
    pub server: Issued,
    /// The CA's CRL (DER), revoking `revoked`, current for a week.
    pub crl: Vec<u8>,
    clients: Vec<(&'static str, Vec<Issued>)>,
}

impl Default for MtlsPki {
    fn default() -> Self {
        MtlsPki::new()
    }
}

impl MtlsPki {
    /// Generates the PKI (P-256 keys in slots 60 to 72).
    pub fn new() -> MtlsPki {
        let now = OffsetDateTime::now_utc();
        let days = Duration::days;
        let dated = |spec: Spec, from, to| spec.validity(from, to);
        let root = self_signed(dated(
            Spec::ca("Gateway Test Root CA").key(KeyKind::P256, 60),
            now - days(30),
            now + days(3650),
        ));
        let ca = issue(
            dated(
                Spec::ca("Gateway Test Issuing CA").key(KeyKind::P256, 61),
                now - days(30),
                now + days(3650),
            ),
            &root,
        );
        let mut server = Spec::leaf("gateway.test").key(KeyKind::P256, 62);
        server.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
        server.dns_names = vec!["gateway.test".to_owned(), "*.gateway.test".to_owned()];
        let server = issue(dated(server, now - days(1), now + days(365)), &root);

        let leaf = |cn: &str, slot: u8, from, to| {
            issue(
                dated(Spec::leaf(cn).key(KeyKind::P256, slot), from, to),
                &ca,
            )
        };
        let with_ca = |leaf: Issued| vec![leaf, ca.clone()];
        let good = leaf("acme-payments client", 63, now - days(1), now + days(730));
        let other = leaf("acme-payments client", 64, now - days(1), now + days(730));
        let expired = leaf("expired client", 65, now - days(400), now - days(35));
        let short = leaf("short-lived client", 66, now - days(1), now + days(89));
        let lone = self_signed(dated(
            Spec::leaf("self-signed client").key(KeyKind::P256, 67),
            now - days(1),
            now + days(730),
        ));
        let elsewhere = self_signed(dated(
            Spec::ca("Untrusted Root CA").key(KeyKind::P256, 68),
            now - days(30),
            now + days(3650),
        ));
        let elsewhere_ca = issue(
            dated(
                Spec::ca("Untrusted Issuing CA").key(KeyKind::P256, 69),
                now - days(30),
                now + days(3650),
            ),
            &elsewhere,
        );
        let stray = issue(
            dated(
                Spec::leaf("untrusted client").key(KeyKind::P256, 70),
                now - days(1),
                now + days(730),
            ),
            &elsewhere_ca,
        );
        let mut revoked = Spec::leaf("revoked client").key(KeyKind::P256, 71);
        revoked.serial = Some(REVOKED_SERIAL.to_vec());
        let revoked = issue(dated(revoked, now - days(1), now + days(730)), &ca);
        let crl = crl(&ca, &[REVOKED_SERIAL], now - days(1), now + days(7));

        let clients = vec![
            ("good", with_ca(good)),
            ("other", with_ca(other)),
            ("expired", with_ca(expired)),
            ("short-lived", with_ca(short)),
            ("self-signed", vec![lone]),
            ("untrusted", vec![stray, elsewhere_ca, elsewhere]),
            ("revoked", with_ca(revoked)),
        ];
        MtlsPki {
            root,
            ca,
            server,
            crl,
            clients,
        }
    }

    /// The chain the client `name` presents (leaf first); panics for an unknown name.
    pub fn client(&self, name: &str) -> &[Issued] {
        self.clients
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, chain)| chain.as_slice())
            .unwrap_or_else(|| panic!("no client {name}"))
    }

    /// Writes the files a gateway and curl need into `dir`: `ca.pem` (the root),
    /// `server.pem` and `server.key`, `NAME.pem` (chain) and `NAME.key` per client,
    /// `crl.der`, and `registry.toml`: client `acme-payments` registered `good.pem`,
    /// and every other case but `other` is registered under its own name (so a gateway
    /// that binds by client id sees each case's own finding first).
    pub fn write(&self, dir: &Path) {
        let write = |name: &str, bytes: &[u8]| {
            std::fs::write(dir.join(name), bytes).expect("write PKI file");
        };
        write("ca.pem", self.root.pem().as_bytes());
        write("server.pem", self.server.pem().as_bytes());
        write("server.key", self.server.key_pem().as_bytes());
        for (name, chain) in &self.clients {
            let pem: String = chain.iter().map(Issued::pem).collect();
            write(&format!("{name}.pem"), pem.as_bytes());
            write(&format!("{name}.key"), chain[0].key_pem().as_bytes());
        }
        write("crl.der", &self.crl);
        let mut registry = String::from("[clients.acme-payments]\ncertificates = [\"good.pem\"]\n");
        for (name, _) in self
            .clients
            .iter()
            .filter(|(n, _)| !matches!(*n, "good" | "other"))
        {
            registry.push_str(&format!(
                "\n[clients.{name}]\ncertificates = [\"{name}.pem\"]\n"
            ));
        }
        write("registry.toml", registry.as_bytes());
    }
}
