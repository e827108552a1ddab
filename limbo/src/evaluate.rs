//! One limbo testcase through chainvet's trust-store mode with `Policy::rfc5280()`.

use chainvet::{
    Certificate, Engine, KeyUsageBit, PeerName, Policy, PresentedOptions, Severity, Timestamp,
    TrustStore, Usage, Validator,
};

use crate::suite::{CaseResult, Kind, Outcome, Testcase};

/// Features whose cases are skipped, with why. Every other feature is implemented.
pub(crate) const UNSUPPORTED_FEATURES: &[(&str, &str)] = &[(
    "pedantic-public-suffix-wildcard",
    "chainvet carries no Public Suffix List, so it cannot refuse wildcards on public suffixes",
)];

/// The two profiles the suite runs under. Where `rfc5280::` and `webpki::` cases
/// conflict (`conflicts_with`), each namespace is judged by the profile it tests:
/// `webpki::` by `Policy::cabf()` (RFC 5280 plus the CA/B Forum Baseline Requirements),
/// everything else by `Policy::rfc5280()`. The choice depends on the id's namespace only,
/// never on the expected result.
pub(crate) struct Profiles {
    rfc5280: Policy,
    cabf: Policy,
}

impl Profiles {
    pub(crate) fn new() -> Profiles {
        let mut rfc5280 = Policy::rfc5280();
        // A measuring knob: `CHAINVET_LIMBO_ENGINE=chainvet|webpki` runs the rfc5280
        // profile on the named engine, to compare the engines case by case.
        match std::env::var("CHAINVET_LIMBO_ENGINE").as_deref() {
            Ok("chainvet") => rfc5280.path_validation.engine = Engine::Chainvet,
            Ok("webpki") => rfc5280.path_validation.engine = Engine::Webpki,
            _ => {}
        }
        Profiles {
            rfc5280,
            cabf: Policy::cabf(),
        }
    }

    pub(crate) fn for_case(&self, id: &str) -> &Policy {
        if id.starts_with("webpki::") {
            &self.cabf
        } else {
            &self.rfc5280
        }
    }
}

fn der_of(pem: &str, what: &str) -> Result<Vec<u8>, String> {
    pem_rfc7468::decode_vec(pem.trim().as_bytes())
        .map(|(_, der)| der)
        .map_err(|e| format!("{what} is not PEM: {e}"))
}

fn skip(id: &str, why: impl Into<String>) -> CaseResult {
    CaseResult {
        id: id.to_owned(),
        actual_result: Outcome::Skipped,
        context: Some(why.into()),
    }
}

fn key_usage_bit(name: &str) -> Option<KeyUsageBit> {
    Some(match name {
        "digitalSignature" => KeyUsageBit::DigitalSignature,
        "contentCommitment" => KeyUsageBit::ContentCommitment,
        "keyEncipherment" => KeyUsageBit::KeyEncipherment,
        "dataEncipherment" => KeyUsageBit::DataEncipherment,
        "keyAgreement" => KeyUsageBit::KeyAgreement,
        "keyCertSign" => KeyUsageBit::KeyCertSign,
        "cRLSign" => KeyUsageBit::CrlSign,
        "encipherOnly" => KeyUsageBit::EncipherOnly,
        "decipherOnly" => KeyUsageBit::DecipherOnly,
        _ => return None,
    })
}

fn peer_name(kind: &str, value: &str) -> Result<PeerName, String> {
    match kind {
        "DNS" => Ok(PeerName::Dns(value.to_owned())),
        "IP" => value
            .parse()
            .map(PeerName::Ip)
            .map_err(|e| format!("expected IP {value:?} does not parse: {e}")),
        "RFC822" => Ok(PeerName::Email(value.to_owned())),
        other => Err(format!("unknown peer name kind {other}")),
    }
}

/// Runs one testcase.
pub(crate) fn evaluate(case: &Testcase, profiles: &Profiles) -> CaseResult {
    let id = case.id.as_str();
    let policy = profiles.for_case(id);
    for feature in &case.features {
        if let Some((_, why)) = UNSUPPORTED_FEATURES.iter().find(|(f, _)| f == feature) {
            return skip(id, format!("feature {feature}: {why}"));
        }
    }
    if !case.signature_algorithms.is_empty() {
        return skip(id, "signature_algorithms constraints are not mapped");
    }
    let usage = match case.validation_kind {
        Kind::Server => Usage::ServerAuth,
        Kind::Client => Usage::ClientAuth,
    };
    // The leaf's EKU is checked for the usage (required if present); a testcase asking
    // for any other purpose cannot be expressed.
    let usage_eku = match usage {
        Usage::ServerAuth => "serverAuth",
        Usage::ClientAuth => "clientAuth",
    };
    if let Some(other) = case.extended_key_usage.iter().find(|e| *e != usage_eku) {
        return skip(
            id,
            format!(
                "extended_key_usage {other} is not the {usage_eku} of a {:?} validation",
                case.validation_kind
            ),
        );
    }
    let mut key_usage = Vec::new();
    for name in &case.key_usage {
        match key_usage_bit(name) {
            Some(bit) => key_usage.push(bit),
            None => return skip(id, format!("unknown key usage {name}")),
        }
    }
    match run(case, policy, usage, key_usage) {
        Ok(result) => result,
        Err(why) => CaseResult {
            id: id.to_owned(),
            actual_result: Outcome::Failure,
            context: Some(why),
        },
    }
}

fn run(
    case: &Testcase,
    policy: &Policy,
    usage: Usage,
    key_usage: Vec<KeyUsageBit>,
) -> Result<CaseResult, String> {
    let mut anchors = Vec::new();
    let mut unusable = 0;
    for pem in &case.trusted_certs {
        match Certificate::from_der(der_of(pem, "a trusted certificate")?) {
            Ok(c) => anchors.push(c),
            Err(_) => unusable += 1,
        }
    }
    let validator =
        Validator::with_trust_store(policy.clone(), TrustStore::from_certificates(anchors));
    let leaf = der_of(&case.peer_certificate, "the peer certificate")?;
    let pool: Vec<Vec<u8>> = case
        .untrusted_intermediates
        .iter()
        .map(|p| der_of(p, "an intermediate"))
        .collect::<Result<_, _>>()?;
    let pool_refs: Vec<&[u8]> = pool.iter().map(Vec::as_slice).collect();

    let mut options = PresentedOptions::default();
    // The suite is offline data: never fetch OCSP or CRLs named in its certificates.
    options.base.offline = true;
    options.usage = usage;
    options.key_usage = key_usage;
    options.max_depth = case.max_chain_depth;
    options.base.at = case
        .validation_time
        .as_deref()
        .map(Timestamp::parse_rfc3339)
        .transpose()?;
    for name in case
        .expected_peer_name
        .iter()
        .chain(case.expected_peer_names.iter())
    {
        options.peer_names.push(peer_name(&name.kind, &name.value)?);
    }
    for pem in &case.crls {
        options.base.crls.push(der_of(pem, "a CRL")?);
    }

    let report = validator.validate_presented(&leaf, &pool_refs, &options);
    let context = if report.accepted {
        None
    } else {
        let errors: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{}: {}", f.code, f.message))
            .collect();
        let mut text = errors.join("; ");
        if unusable > 0 {
            text.push_str(&format!(
                " ({unusable} trusted certificate(s) did not parse)"
            ));
        }
        Some(text)
    };
    Ok(CaseResult {
        id: case.id.clone(),
        actual_result: if report.accepted {
            Outcome::Success
        } else {
            Outcome::Failure
        },
        context,
    })
}

#[cfg(test)]
mod tests {
    use chainvet_testkit::{Chain, Spec, at};

    use super::*;

    /// A limbo testcase for `leaf` issued by the standard chain's intermediate.
    fn case(id: &str, kind: &str, leaf: Spec, extra: serde_json::Value) -> Testcase {
        let chain = Chain::standard().with_leaf(leaf);
        let time = Timestamp(at()).to_rfc3339();
        let mut json = serde_json::json!({
            "id": id, "description": "", "validation_kind": kind,
            "trusted_certs": [chain.certs[2].pem()],
            "untrusted_intermediates": [chain.certs[1].pem()],
            "peer_certificate": chain.certs[0].pem(),
            "validation_time": time, "signature_algorithms": [], "key_usage": [],
            "extended_key_usage": [], "expected_result": "SUCCESS", "expected_peer_names": [],
        });
        if let (Some(obj), Some(more)) = (json.as_object_mut(), extra.as_object()) {
            obj.extend(more.clone());
        }
        serde_json::from_value(json).unwrap()
    }

    fn server_leaf(eku: bool) -> Spec {
        let mut spec = Spec::leaf("example.com");
        spec.dns_names = vec!["example.com".into()];
        spec.eku = if eku {
            vec![chainvet_testkit::rcgen::ExtendedKeyUsagePurpose::ServerAuth]
        } else {
            Vec::new()
        };
        spec
    }

    #[test]
    fn client_cases_validate_client_authentication() {
        let profiles = Profiles::new();
        let r = evaluate(
            &case(
                "rfc5280::c",
                "CLIENT",
                Spec::leaf("client"),
                serde_json::json!({}),
            ),
            &profiles,
        );
        assert_eq!(r.actual_result, Outcome::Success, "{:?}", r.context);
        // A server certificate presented for client authentication fails.
        let r = evaluate(
            &case(
                "rfc5280::s",
                "CLIENT",
                server_leaf(true),
                serde_json::json!({}),
            ),
            &profiles,
        );
        assert_eq!(r.actual_result, Outcome::Failure);
        assert!(
            r.context
                .unwrap_or_default()
                .contains("leaf.client_auth_missing")
        );
    }

    #[test]
    fn the_namespace_picks_the_profile() {
        let profiles = Profiles::new();
        let names =
            serde_json::json!({"expected_peer_name": {"kind": "DNS", "value": "example.com"}});
        // No EKU: fine for RFC 5280, not for the CA/B Baseline Requirements.
        let r = evaluate(
            &case("rfc5280::x", "SERVER", server_leaf(false), names.clone()),
            &profiles,
        );
        assert_eq!(r.actual_result, Outcome::Success, "{:?}", r.context);
        let r = evaluate(
            &case("webpki::x", "SERVER", server_leaf(false), names.clone()),
            &profiles,
        );
        assert_eq!(r.actual_result, Outcome::Failure);
        let r = evaluate(
            &case("webpki::y", "SERVER", server_leaf(true), names),
            &profiles,
        );
        assert_eq!(r.actual_result, Outcome::Success, "{:?}", r.context);
        let wrong =
            serde_json::json!({"expected_peer_name": {"kind": "DNS", "value": "other.example"}});
        let r = evaluate(
            &case("webpki::z", "SERVER", server_leaf(true), wrong),
            &profiles,
        );
        assert!(r.context.unwrap_or_default().contains("leaf.name_mismatch"));
    }

    #[test]
    fn unsupported_requests_are_skipped_with_a_reason() {
        let profiles = Profiles::new();
        let eku = serde_json::json!({"extended_key_usage": ["codeSigning"]});
        let r = evaluate(&case("a::b", "SERVER", server_leaf(true), eku), &profiles);
        assert_eq!(r.actual_result, Outcome::Skipped);
        let psl = serde_json::json!({"features": ["pedantic-public-suffix-wildcard"]});
        let r = evaluate(&case("a::c", "SERVER", server_leaf(true), psl), &profiles);
        assert_eq!(r.actual_result, Outcome::Skipped);
        assert!(r.context.unwrap_or_default().contains("Public Suffix"));
        let bad_ip =
            serde_json::json!({"expected_peer_name": {"kind": "IP", "value": "300.1.1.1"}});
        let r = evaluate(
            &case("a::d", "SERVER", server_leaf(true), bad_ip),
            &profiles,
        );
        assert_eq!(r.actual_result, Outcome::Failure);
        assert!(r.context.unwrap_or_default().contains("does not parse"));
    }
}
