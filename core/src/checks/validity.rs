//! Validity at the given time for every certificate; lifetime and renewal window for
//! the leaf.

use super::Context;
use crate::chain::Chain;
use crate::code::Code;
use crate::time::{DAY, whole_days};

fn renew_hint(chain: &Chain, index: usize) -> &'static str {
    if chain.leaf == Some(index) {
        "Renew the certificate and upload the new one with its chain."
    } else {
        "This CA certificate is out of date: get the current chain from your CA."
    }
}

pub(super) fn check(ctx: &mut Context<'_, '_>) {
    let at = ctx.at;
    for (i, cert) in ctx.chain_certificates() {
        let window = &mut ctx.findings.window;
        window.split_at(at, cert.not_after().0.saturating_add(1));
        window.split_at(at, cert.not_before().0);
        if at > cert.not_after() {
            // The message counts days up to the validation date.
            window.pin(at);
            ctx.findings.add(
                Code::ValidityExpired,
                Some(i),
                format!(
                    "{} expired on {} ({} days before {})",
                    cert.describe(i),
                    cert.not_after(),
                    whole_days(at.0 - cert.not_after().0),
                    at.date()
                ),
                renew_hint(ctx.chain, i),
            );
        } else if at < cert.not_before() {
            ctx.findings.add(
                Code::ValidityNotYetValid,
                Some(i),
                format!("{} is not valid before {}", cert.describe(i), cert.not_before()),
                "Wait until the certificate's start date, or check the clock of the machine that validates it.",
            );
        }
    }

    let Some(leaf) = ctx.chain.leaf else { return };
    let Ok(cert) = &ctx.slots[leaf] else { return };
    let policy = ctx.policy;
    // RFC 5280 4.1.2.5: the validity period includes both notBefore and notAfter.
    let lifetime_days = whole_days(cert.not_after().0 - cert.not_before().0 + 1);
    let span = format!(
        "{} to {}",
        cert.not_before().date(),
        cert.not_after().date()
    );
    if policy.leaf_min_lifetime_days > 0 && lifetime_days < i64::from(policy.leaf_min_lifetime_days)
    {
        ctx.findings.add(
            Code::ValidityTooShort,
            Some(leaf),
            format!(
                "the leaf, {}, is valid for {lifetime_days} days ({span}); the policy requires at least {}",
                cert.describe(leaf),
                policy.leaf_min_lifetime_days
            ),
            format!(
                "Request a certificate valid for at least {} days: short-lived certificates (90-day ACME ones, for example) lapse between rotations and are not accepted.",
                policy.leaf_min_lifetime_days
            ),
        );
    }
    if policy.leaf_max_lifetime_days > 0 && lifetime_days > i64::from(policy.leaf_max_lifetime_days)
    {
        ctx.findings.add(
            Code::ValidityTooLong,
            Some(leaf),
            format!(
                "the leaf, {}, is valid for {lifetime_days} days ({span}); the policy allows at most {}",
                cert.describe(leaf),
                policy.leaf_max_lifetime_days
            ),
            format!("Request a certificate valid for at most {} days.", policy.leaf_max_lifetime_days),
        );
    }
    let left = cert.not_after().0 - at.0;
    if policy.renewal_window_days > 0 {
        // Whether the leaf is inside the renewal window, and how many whole days it has
        // left (the message says), depend on the time.
        let window = &mut ctx.findings.window;
        let na = cert.not_after().0;
        let renew_from = na
            .saturating_sub(i64::from(policy.renewal_window_days) * DAY)
            .saturating_add(1);
        window.split_at(at, cert.not_after().0.saturating_add(1));
        window.split_at(at, cert.not_before().0);
        window.split_at(at, renew_from);
        let days = whole_days(left);
        let day_start = |d: i64| na.saturating_sub(d.saturating_mul(DAY)).saturating_add(1);
        window.split_at(at, day_start(days.saturating_add(1)));
        window.split_at(at, day_start(days));
    }
    if policy.renewal_window_days > 0
        && left >= 0
        && at >= cert.not_before()
        && left < i64::from(policy.renewal_window_days) * DAY
    {
        ctx.findings.add(
            Code::ValidityExpiresSoon,
            Some(leaf),
            format!(
                "the leaf, {}, expires in {} days, on {}",
                cert.describe(leaf),
                whole_days(left),
                cert.not_after()
            ),
            "Renew it now and register the new certificate before the old one expires.",
        );
    }
}
