//! Certificate-profile rules of RFC 5280 section 4 and of the CA/Browser Forum Baseline
//! Requirements that path validation itself does not need: a conforming CA never breaks
//! them, so a certificate that does was mis-issued. Off in the onboarding profile (a
//! client cannot fix its CA's certificates and real private CAs break some of these);
//! on in `Policy::rfc5280()`. Every rule reports `certificate.nonconforming` naming the
//! section it comes from.
//!
//! Two rule books, each in its own file: `rfc5280` (section 4's certificate profile) and
//! `cabf` (the Baseline Requirements); this module holds what both read (each
//! certificate's `View`) and reports what they find.

mod cabf;
mod rfc5280;

use const_oid::ObjectIdentifier;
use der::{Decode, Reader, SliceReader, Tag, TagNumber};
use x509_cert::certificate::{Raw, TbsCertificateInner};
use x509_cert::ext::Extension;

use super::Context;
use crate::certificate::Certificate;
use crate::code::Code;
use crate::policy::usage::Usage;
use crate::report::Role;

/// An extension as it appears in the certificate, with its criticality.
struct Ext {
    oid: ObjectIdentifier,
    critical: bool,
    value: Vec<u8>,
}

/// One certificate's view for the rules: the extensions as listed and the inner
/// signature algorithm, decoded again from the signed bytes (only when the rules are on).
struct View {
    extensions: Vec<Ext>,
    inner_signature_algorithm: Option<Vec<u8>>,
}

impl View {
    fn of(cert: &Certificate) -> View {
        // A validity of 1950-1969 is read on the copy shifted past 1970 (as `Certificate`
        // was judged); only the extensions are taken from it.
        let pre_epoch = || crate::der::pre_epoch_validity_shifted(cert.tbs());
        let extensions = TbsCertificateInner::<Raw>::from_der(cert.tbs())
            .ok()
            .or_else(|| TbsCertificateInner::<Raw>::from_der(&pre_epoch()?).ok())
            .and_then(|tbs| tbs.extensions().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|e: Extension| Ext {
                oid: e.extn_id,
                critical: e.critical,
                value: e.extn_value.into_bytes().into_vec(),
            })
            .collect();
        View {
            extensions,
            inner_signature_algorithm: inner_signature_algorithm(cert.tbs()),
        }
    }

    fn get(&self, oid: ObjectIdentifier) -> Option<&Ext> {
        self.extensions.iter().find(|e| e.oid == oid)
    }
}

/// The content octets of tbsCertificate.signature.
fn inner_signature_algorithm(tbs: &[u8]) -> Option<Vec<u8>> {
    let mut reader = SliceReader::new(tbs).ok()?;
    reader
        .sequence(|r| {
            if matches!(
                Tag::peek(r)?,
                Tag::ContextSpecific {
                    number: TagNumber(0),
                    ..
                }
            ) {
                r.tlv_bytes()?; // version
            }
            r.tlv_bytes()?; // serialNumber
            let alg = r.tlv_bytes()?;
            while !r.is_finished() {
                r.tlv_bytes()?;
            }
            crate::der::value_of(alg).map(<[u8]>::to_vec)
        })
        .ok()
}

/// Collects the broken rules of one certificate.
struct Breaks(Vec<String>);

impl Breaks {
    fn rule(&mut self, broken: bool, what: impl FnOnce() -> String) {
        if broken {
            self.0.push(what());
        }
    }
}

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    let rules = ctx.policy.conformance;
    if !rules.rfc5280 && !rules.cabf {
        return;
    }
    let leaf = ctx.chain.leaf;
    for (i, cert) in ctx.chain_certificates() {
        let view = View::of(cert);
        let is_leaf = leaf == Some(i);
        let is_root = ctx.chain.roles.get(i) == Some(&Role::Root) && cert.is_self_issued();
        let mut breaks = Breaks(Vec::new());
        if rules.rfc5280 {
            let is_anchor = ctx.chain.roles.get(i) == Some(&Role::Root);
            rfc5280::check(cert, &view, is_leaf, is_anchor, !rules.cabf, &mut breaks);
        }
        if rules.cabf {
            cabf::check(cert, &view, is_root, &mut breaks);
            if is_leaf && ctx.usage == Usage::ServerAuth {
                cabf::server_leaf(cert, &view, &mut breaks);
            }
        }
        for rule in breaks.0 {
            ctx.findings.add(
                Code::CertificateNonconforming,
                Some(i),
                format!("{} breaks {rule}", cert.describe(i)),
                if is_leaf {
                    "The issuing CA mis-issued this certificate: have it re-issued by a CA that follows RFC 5280 and the CA/B Forum Baseline Requirements."
                } else {
                    "This CA certificate was mis-issued: it cannot anchor or extend a conforming chain; use a chain from a CA that follows RFC 5280."
                },
            );
        }
    }
}
