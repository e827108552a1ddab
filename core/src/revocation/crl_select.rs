//! Which CRLs answer for a certificate, and how they combine (RFC 5280 6.3.3, 5.2.4).
//!
//! Every candidate (supplied, cached or fetched) is judged on its own first: issuer
//! (7.1 name matching; the certificate's issuer, or for an indirect CRL the cRLIssuer
//! of one of its distribution points), usability (no critical extension chainvet does
//! not understand), scope (issuingDistributionPoint against the certificate's CRL
//! distribution points, user/CA-only, onlySomeReasons), thisUpdate not in the future
//! and the signature by a key that may sign CRLs for it (`crl_signer`). The survivors are then combined by rule, never by input order:
//! candidates are processed sorted by their DER, duplicates dropped, so any permutation
//! of the same inputs gives the same verdict.
//!
//! - Complete CRLs are grouped by scope (the issuingDistributionPoint value as
//!   received). In each group the newest CRL (highest cRLNumber; thisUpdate only
//!   between CRLs without one) answers; older ones are superseded. Two newest CRLs with the same
//!   number that disagree: revoked wins, and the detail says so.
//! - A delta CRL applies to a complete CRL of the same scope when its BaseCRLNumber is
//!   at most the complete CRL's number and its own number is greater; the newest such
//!   delta is applied on top: an entry revokes, a removeFromCRL entry un-revokes. A
//!   complete CRL past its nextUpdate still answers with a current delta when it or the
//!   certificate names a freshest CRL (6.3.3 (a)(2)(i)).
//! - The certificate is revoked if the answering CRLs of any group say so; it is good
//!   when they do not and their reasons together cover every reason (6.3.3 (d), (k)).
//! - A newest CRL that is stale still proves a revocation that is not a certificateHold
//!   (a revocation is final); it cannot prove "good".
//!
//! See docs/crl-selection.md.

use core::cmp::Ordering;
use std::collections::BTreeMap;

use super::crl::{ALL_REASONS, CertDps, Crl, CrlError, cmp_numbers, decode_name, number_text};
use super::crl_signer::{Signer, SignerPool};
use crate::certificate::Certificate;
use crate::policy::revocation::RevocationPolicy;
use crate::report::revocation::{Answer, CertStatus, Method, Reason, Source};
use crate::time::Timestamp;

/// Most distinct CRLs from one issuer considered for one certificate: each may cost a
/// signature check. Real deployments publish one complete CRL and one delta per scope.
/// Beyond the bound no CRL answers (the result is `Invalid`): dropping some would let
/// whoever adds CRLs crowd out the one that revokes.
pub(crate) const MAX_CANDIDATES: usize = 32;

/// Most CRLs of other issuers named one by one in a report's detail.
const MAX_OTHER_NOTES: usize = 8;

/// One CRL offered for a certificate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate<'a> {
    /// How reports name it: `supplied CRL 2`, or the URL it was fetched from.
    pub(crate) label: &'a str,
    /// Where it came from.
    pub(crate) source: Source,
    /// The CRL.
    pub(crate) crl: &'a Crl,
    /// Whether its signature was already verified with this issuer's key (the cache
    /// verifies once on insertion).
    pub(crate) verified: bool,
}

/// The status the CRLs establish, and which CRLs established it.
#[derive(Debug, Clone)]
pub(crate) struct Chosen {
    pub(crate) answer: Answer,
    /// The source of the complete CRL that answered.
    pub(crate) source: Source,
    /// The complete CRL's label, with the delta's when one was applied.
    pub(crate) responder: String,
    /// Which CRL answered and why every other one did not.
    pub(crate) detail: String,
}

/// What the CRLs offered for a certificate amount to.
#[derive(Debug, Clone)]
pub(crate) enum Selection {
    /// A status.
    Answer(Chosen),
    /// CRLs from the issuer that cover the certificate exist, but none may be relied
    /// on (stale, not yet valid, bad signature, issuer without cRLSign, unusable).
    Invalid {
        source: Source,
        responder: String,
        error: CrlError,
        detail: String,
    },
    /// No CRL covers this certificate (none from its issuer, other scopes, a delta
    /// without its complete CRL, reasons not all covered): other sources may answer.
    NotApplicable {
        error: Option<CrlError>,
        detail: String,
    },
}

impl Selection {
    /// The answer, or why there is none, for callers that need only that.
    #[cfg(feature = "fetch")]
    pub(crate) fn into_answer(self) -> Result<Answer, String> {
        match self {
            Selection::Answer(chosen) => Ok(chosen.answer),
            Selection::Invalid { error, .. } => Err(error.to_string()),
            Selection::NotApplicable {
                error: Some(error), ..
            } => Err(error.to_string()),
            Selection::NotApplicable {
                error: None,
                detail,
            } => Err(detail),
        }
    }
}

/// A candidate that passed every check on its own.
struct Usable<'a> {
    c: Candidate<'a>,
    reasons: u16,
    /// Which key signed it.
    signer: Signer,
    /// Its scope: CRLs with the same one are issues of the same CRL.
    scope: Vec<u8>,
    /// Set when the CRL is past its nextUpdate.
    stale: Option<CrlError>,
}

/// What one complete CRL, with its delta if any, says.
struct Verdict<'a> {
    complete: &'a Usable<'a>,
    delta: Option<&'a Usable<'a>>,
    status: CertStatus,
    /// Whether it may prove "good" (current, or rescued by a current delta).
    current: bool,
}

fn number_of(crl: &Crl) -> String {
    crl.crl_number()
        .map_or_else(|| "none".to_owned(), number_text)
}

/// Which CRL is newer: the higher cRLNumber (RFC 5280 5.2.3: numbers increase per
/// scope); a CRL without one is older than any with one, and two without one are
/// ordered by thisUpdate. Two CRLs with the same number are equally new, whatever their
/// thisUpdate: if they disagree, that is a conflict, not an update.
fn newer(a: &Crl, b: &Crl) -> Ordering {
    match (a.crl_number(), b.crl_number()) {
        (Some(x), Some(y)) => cmp_numbers(x, y),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => a.this_update().0.cmp(&b.this_update().0),
    }
}

fn reason_names(bits: u16) -> String {
    const NAMES: [&str; 9] = [
        "unused",
        "keyCompromise",
        "cACompromise",
        "affiliationChanged",
        "superseded",
        "cessationOfOperation",
        "certificateHold",
        "privilegeWithdrawn",
        "aACompromise",
    ];
    let names: Vec<&str> = (1..NAMES.len())
        .filter(|i| bits & (1 << i) != 0)
        .map(|i| NAMES[i])
        .collect();
    names.join(", ")
}

/// What a complete CRL says of `cert`, with `delta` applied on top.
fn status_of(complete: &Crl, delta: Option<&Crl>, cert: &Certificate) -> CertStatus {
    let (serial, issuer) = (cert.serial_bytes(), cert.issuer_raw());
    if let Some(d) = delta
        && let Some((time, reason)) = d.listed(serial, issuer)
    {
        // RFC 5280 5.3.1: removeFromCRL in a delta CRL takes the entry off the base.
        return if reason == Some(Reason::RemoveFromCrl) {
            CertStatus::Good
        } else {
            CertStatus::Revoked { time, reason }
        };
    }
    match complete.listed(serial, issuer) {
        // removeFromCRL only means something in a delta CRL.
        Some((time, reason)) if reason != Some(Reason::RemoveFromCrl) => {
            CertStatus::Revoked { time, reason }
        }
        _ => CertStatus::Good,
    }
}

/// Judges every candidate and combines the usable ones; see the module documentation.
pub(crate) fn select(
    cert: &Certificate,
    issuer: &Certificate,
    candidates: &[Candidate<'_>],
    at: Timestamp,
    policy: &RevocationPolicy,
    pool: &SignerPool<'_>,
) -> Selection {
    let dps = CertDps::of(cert);
    let (mut order, others): (Vec<&Candidate<'_>>, Vec<&Candidate<'_>>) =
        candidates.iter().partition(|c| c.crl.may_cover(cert, &dps));
    let mut notes = other_issuers(cert, others);
    if order.is_empty() {
        notes.insert(0, "no CRL from the certificate's issuer".to_owned());
        return Selection::NotApplicable {
            error: None,
            detail: notes.join("; "),
        };
    }
    order.sort_by(|a, b| a.crl.der().cmp(b.crl.der()));
    order.dedup_by(|a, b| a.crl.der() == b.crl.der());
    if order.len() > MAX_CANDIDATES {
        let error = CrlError::Unsupported(format!(
            "{} CRLs from this issuer were offered, more than the {MAX_CANDIDATES} chainvet checks for one certificate",
            order.len()
        ));
        return Selection::Invalid {
            source: order[0].source,
            responder: format!("{} CRLs", order.len()),
            detail: error.to_string(),
            error,
        };
    }
    let mut invalid: Option<(Candidate<'_>, CrlError)> = None;
    let mut not_applicable: Option<CrlError> = None;
    let mut completes = Vec::new();
    let mut deltas = Vec::new();
    for &c in &order {
        match judge(*c, cert, issuer, &dps, at, policy, pool) {
            Ok(usable) if c.crl.is_delta() => deltas.push(usable),
            Ok(usable) => completes.push(usable),
            Err(e @ CrlError::NotApplicable(_)) => {
                notes.push(format!("{}: {e}", c.label));
                not_applicable.get_or_insert(e);
            }
            Err(e) => {
                notes.push(format!("{}: {e}", c.label));
                invalid.get_or_insert((*c, e));
            }
        }
    }

    // Complete CRLs by scope; BTreeMap so groups are visited in a fixed order.
    let mut groups: BTreeMap<&[u8], Vec<&Usable<'_>>> = BTreeMap::new();
    for u in &completes {
        groups.entry(u.scope.as_slice()).or_default().push(u);
    }
    let mut used_deltas: Vec<&[u8]> = Vec::new();
    let mut revoked: Option<Verdict<'_>> = None;
    let mut good: Vec<Verdict<'_>> = Vec::new();
    let mut covered = 0u16;
    for (scope, members) in &groups {
        let Some(newest) = members
            .iter()
            .copied()
            .max_by(|a, b| newer(a.c.crl, b.c.crl))
        else {
            continue;
        };
        let (top, older): (Vec<&Usable<'_>>, Vec<&Usable<'_>>) = members
            .iter()
            .partition(|u| newer(u.c.crl, newest.c.crl) == Ordering::Equal);
        for o in older {
            notes.push(format!(
                "{}: superseded by the newer {} (cRLNumber {} over {})",
                o.c.label,
                newest.c.label,
                number_of(newest.c.crl),
                number_of(o.c.crl)
            ));
        }
        let verdicts: Vec<Verdict<'_>> = top
            .iter()
            .map(|t| {
                let delta = best_delta(t, scope, &deltas, cert);
                if let Some(d) = delta {
                    used_deltas.push(d.c.crl.der());
                }
                let rescued = delta.is_some() && (t.c.crl.has_freshest_crl() || dps.freshest);
                Verdict {
                    complete: t,
                    delta,
                    status: status_of(t.c.crl, delta.map(|d| d.c.crl), cert),
                    current: t.stale.is_none() || rescued,
                }
            })
            .collect();
        let counts = |v: &Verdict<'_>| {
            v.current
                || matches!(v.status, CertStatus::Revoked { reason, .. }
                    if reason != Some(Reason::CertificateHold))
        };
        let mut counted: Vec<Verdict<'_>> = verdicts.into_iter().filter(counts).collect();
        if counted.is_empty() {
            if let Some(e) = &newest.stale {
                notes.push(format!(
                    "{}: the newest CRL of its scope is stale: {e}",
                    newest.c.label
                ));
                invalid.get_or_insert((newest.c, e.clone()));
            }
            continue;
        }
        let is_revoked = |v: &Verdict<'_>| matches!(v.status, CertStatus::Revoked { .. });
        if counted.iter().any(is_revoked) && !counted.iter().all(is_revoked) {
            let labels = |revoked: bool| {
                counted
                    .iter()
                    .filter(|v| is_revoked(v) == revoked)
                    .map(|v| v.complete.c.label)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            notes.push(format!(
                "CRLs with the same cRLNumber {} disagree: {} revoke the certificate, {} do not; revoked wins",
                number_of(newest.c.crl),
                labels(true),
                labels(false)
            ));
        }
        if let Some(pos) = counted.iter().position(is_revoked) {
            let v = counted.swap_remove(pos);
            if revoked.is_none() {
                revoked = Some(v);
            }
            continue;
        }
        for v in counted {
            covered |= v.complete.reasons;
            good.push(v);
        }
    }
    for d in &deltas {
        if !used_deltas.contains(&d.c.crl.der()) {
            notes.push(format!(
                "{}: a delta CRL (cRLNumber {}, base {}) with no matching complete CRL of its scope",
                d.c.label,
                number_of(d.c.crl),
                d.c.crl.base_crl_number().map_or_else(String::new, number_text)
            ));
            not_applicable.get_or_insert(CrlError::Unsupported(
                "it is a delta CRL, which gives a status only on top of its complete CRL"
                    .to_owned(),
            ));
        }
    }

    if let Some(v) = revoked {
        return Selection::Answer(chosen(&v, &[], issuer, policy, notes));
    }
    if covered & ALL_REASONS == ALL_REASONS
        && let Some(first) = good.first()
    {
        // One CRL covering every reason answers alone; reason-partitioned CRLs together.
        let whole = good.iter().find(|v| v.complete.reasons == ALL_REASONS);
        let (main, rest): (&Verdict<'_>, Vec<&Verdict<'_>>) = match whole {
            Some(w) => (w, Vec::new()),
            None => (first, good.iter().skip(1).collect()),
        };
        return Selection::Answer(chosen(main, &rest, issuer, policy, notes));
    }
    if !good.is_empty() {
        let error = CrlError::NotApplicable(format!(
            "the CRLs that cover the certificate leave out the reasons {}",
            reason_names(ALL_REASONS & !covered)
        ));
        notes.push(error.to_string());
        return Selection::NotApplicable {
            error: Some(error),
            detail: notes.join("; "),
        };
    }
    if let Some((c, error)) = invalid {
        return Selection::Invalid {
            source: c.source,
            responder: c.label.to_owned(),
            error,
            detail: notes.join("; "),
        };
    }
    Selection::NotApplicable {
        error: not_applicable,
        detail: notes.join("; "),
    }
}

/// Checks one candidate on its own; a stale complete CRL passes (with `stale` set), as
/// a current delta may still make it usable.
fn judge<'a>(
    c: Candidate<'a>,
    cert: &Certificate,
    issuer: &Certificate,
    dps: &CertDps,
    at: Timestamp,
    policy: &RevocationPolicy,
    pool: &SignerPool<'_>,
) -> Result<Usable<'a>, CrlError> {
    if let Some(why) = c.crl.unusable() {
        return Err(CrlError::Unsupported(why.to_owned()));
    }
    let reasons = c.crl.scope_for(cert, dps)?;
    c.crl.check_not_future(at, policy)?;
    // A cached CRL was verified with the path issuer's key when it was inserted.
    let signer = if c.verified && c.crl.is_for(cert) {
        Signer::Issuer
    } else {
        pool.verify(c.crl, issuer)?
    };
    let stale = c.crl.check_current(at, policy).err();
    if c.crl.is_delta()
        && let Some(e) = stale
    {
        return Err(e);
    }
    // Direct CRLs share their scope by issuingDistributionPoint; an indirect CRL of
    // another issuer is its own scope under that issuer's name.
    let mut scope = Vec::new();
    if !c.crl.is_for(cert) {
        scope.push(1);
        scope.extend_from_slice(c.crl.issuer_raw());
    }
    scope.extend_from_slice(c.crl.scope_key());
    Ok(Usable {
        c,
        reasons,
        signer,
        scope,
        stale,
    })
}

/// Notes for the CRLs that are about certificates of other issuers (6.3.3 (b)(1)), at
/// most `MAX_OTHER_NOTES` of them named.
fn other_issuers(cert: &Certificate, others: Vec<&Candidate<'_>>) -> Vec<String> {
    let mut others = others;
    others.sort_by(|a, b| a.crl.der().cmp(b.crl.der()));
    others.dedup_by(|a, b| a.crl.der() == b.crl.der());
    let mut notes: Vec<String> = others
        .iter()
        .take(MAX_OTHER_NOTES)
        .map(|c| {
            format!(
                "{}: wrong issuer: issued by {}, not by the certificate's issuer {} nor by a CRL issuer its distribution points name",
                c.label,
                decode_name(c.crl.issuer_raw()),
                cert.issuer_string()
            )
        })
        .collect();
    if others.len() > MAX_OTHER_NOTES {
        notes.push(format!(
            "{} more CRLs of other issuers",
            others.len() - MAX_OTHER_NOTES
        ));
    }
    notes
}

/// The newest delta CRL of `scope` that applies to `complete` (RFC 5280 5.2.4: base
/// number at most the complete CRL's, own number greater). Among deltas with the same
/// number the one that revokes the certificate wins.
fn best_delta<'a>(
    complete: &Usable<'_>,
    scope: &[u8],
    deltas: &'a [Usable<'a>],
    cert: &Certificate,
) -> Option<&'a Usable<'a>> {
    let number = complete.c.crl.crl_number()?;
    let applicable = deltas.iter().filter(|d| {
        d.scope == scope
            && d.c
                .crl
                .base_crl_number()
                .is_some_and(|b| cmp_numbers(b, number).is_le())
            && d.c
                .crl
                .crl_number()
                .is_some_and(|n| cmp_numbers(n, number).is_gt())
    });
    applicable.max_by(|a, b| {
        newer(a.c.crl, b.c.crl).then_with(|| {
            let revokes = |d: &Usable<'_>| {
                d.c.crl
                    .listed(cert.serial_bytes(), cert.issuer_raw())
                    .is_some_and(|(_, r)| r != Some(Reason::RemoveFromCrl))
            };
            revokes(a).cmp(&revokes(b))
        })
    })
}

/// ", signed by ..." for a CRL not signed by the path issuer's key, else nothing.
fn signed_by(u: &Usable<'_>) -> String {
    let mut out = String::new();
    if u.c.crl.is_indirect() {
        out.push_str(", indirect");
    }
    if let Signer::Other { subject, serial } = &u.signer {
        out.push_str(&format!(
            ", signed by the CRL signer {subject} serial {serial}"
        ));
    }
    out
}

fn valid_until(u: &Usable<'_>, policy: &RevocationPolicy) -> Timestamp {
    u.c.crl.valid_until(policy)
}

/// The answer and report fields for `main` (and, for reason-partitioned CRLs, `rest`).
fn chosen(
    main: &Verdict<'_>,
    rest: &[&Verdict<'_>],
    issuer: &Certificate,
    policy: &RevocationPolicy,
    notes: Vec<String>,
) -> Chosen {
    let all = core::iter::once(main).chain(rest.iter().copied());
    let mut this_update = Timestamp(i64::MIN);
    let mut next_update: Option<Timestamp> = None;
    let mut until = Timestamp(i64::MAX);
    let mut responders = Vec::new();
    let mut used = Vec::new();
    for v in all {
        let mut parts = vec![v.complete];
        parts.extend(v.delta);
        // A stale complete CRL made usable by its delta is fresh only as long as the delta.
        let limit = if v.complete.stale.is_some() && v.delta.is_some() {
            &parts[1..]
        } else {
            &parts[..]
        };
        for p in &parts {
            this_update = Timestamp(this_update.0.max(p.c.crl.this_update().0));
            if let Some(n) = p.c.crl.next_update() {
                next_update = Some(next_update.map_or(n, |m| Timestamp(m.0.min(n.0))));
            }
        }
        for p in limit {
            until = Timestamp(until.0.min(valid_until(p, policy).0));
        }
        let mut label = v.complete.c.label.to_owned();
        let mut what = format!(
            "{} (cRLNumber {}{})",
            v.complete.c.label,
            number_of(v.complete.c.crl),
            signed_by(v.complete)
        );
        if let Some(d) = v.delta {
            label.push_str(&format!(" + delta {}", d.c.label));
            what.push_str(&format!(
                " with the delta CRL {} (cRLNumber {}{})",
                d.c.label,
                number_of(d.c.crl),
                signed_by(d)
            ));
        }
        responders.push(label);
        used.push(what);
    }
    let mut detail = format!("answered by {}", used.join(" and "));
    if !notes.is_empty() {
        detail.push_str("; ");
        detail.push_str(&notes.join("; "));
    }
    Chosen {
        answer: Answer {
            status: main.status,
            method: Method::Crl,
            this_update,
            next_update,
            produced_at: None,
            valid_until: until,
            signer: main.complete.signer.describe(issuer),
        },
        source: main.complete.c.source,
        responder: responders.join(" + "),
        detail,
    }
}
