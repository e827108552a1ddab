//! Negative serial numbers: RFC 5280 4.1.2.2 forbids them, yet CAs issued them and TLS
//! stacks accept them, so by default they are a warning, not a rejection. With RFC 5280
//! conformance on, `conformance` reports them as errors instead.

use super::Context;
use crate::code::Code;
use crate::report::Severity;

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    if ctx.policy.conformance.rfc5280 {
        return; // reported by the conformance rules
    }
    for (i, cert) in ctx.chain_certificates() {
        if !cert.serial_is_negative() {
            continue;
        }
        ctx.findings.add_with_default(
            Code::CertificateNonconforming,
            Severity::Warning,
            Some(i),
            format!(
                "{} has a negative serial number, {}, which RFC 5280 (4.1.2.2) forbids; some TLS stacks reject it",
                cert.describe(i),
                cert.serial_hex()
            ),
            "Have the certificate re-issued with a positive serial number when you next renew it.",
        );
    }
}
