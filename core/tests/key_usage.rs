//! `leaf.key_usage_unsuitable`: a TLS client certificate whose keyUsage allows neither
//! digitalSignature nor keyAgreement, in bundle and trust-store mode, and the policy
//! knob and profiles that turn the check off.

mod common;

use chainvet::policy::Level;
use chainvet::{
    Code, KeyUsageBit, Policy, PresentedOptions, Severity, Timestamp, TrustStore, Usage, Validator,
};
use chainvet_testkit::rcgen::{ExtendedKeyUsagePurpose, KeyUsagePurpose};
use chainvet_testkit::{Chain, Spec, at};
use common::*;

fn leaf(cn: &str, key_usage: Vec<KeyUsagePurpose>) -> Chain {
    let mut spec = Spec::leaf(cn);
    spec.key_usage = key_usage;
    Chain::standard().with_leaf(spec)
}

fn presented(chain: &Chain, policy: Policy, options: &PresentedOptions) -> chainvet::Report {
    let roots = TrustStore::from_pem(chain.certs[2].pem().as_bytes()).expect("root");
    let pool = [chain.certs[1].der.as_slice()];
    Validator::with_trust_store(policy, roots).validate_presented(
        &chain.certs[0].der,
        &pool,
        options,
    )
}

#[test]
fn a_client_leaf_that_may_not_sign_is_reported_in_bundle_mode() {
    let chain = leaf("kex only", vec![KeyUsagePurpose::KeyEncipherment]);
    let r = check(&chain.pem());
    assert_problems(&r, &[Code::LeafKeyUsageUnsuitable]);
    let f = &r.findings[0];
    assert_eq!((f.severity, f.certificate), (Severity::Error, Some(0)));
    assert!(!r.accepted);
    for part in [
        "CN=kex only",
        "only keyEncipherment",
        "digitalSignature",
        "keyAgreement",
    ] {
        assert!(f.message.contains(part), "{}", f.message);
    }
    assert!(f.hint.contains("digitalSignature"), "{}", f.hint);
    assert_eq!(
        Code::LeafKeyUsageUnsuitable.as_str(),
        "leaf.key_usage_unsuitable"
    );

    // Bits that allow a TLS client, and no keyUsage at all, pass.
    for usage in [
        vec![KeyUsagePurpose::DigitalSignature],
        vec![KeyUsagePurpose::KeyAgreement],
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ],
        vec![],
    ] {
        let r = check(&leaf("fine", usage.clone()).pem());
        assert!(r.accepted, "{usage:?}: {:#?}", r.findings);
        assert!(!r.has(Code::LeafKeyUsageUnsuitable));
    }
    // Other bits without the two are just as unsuitable.
    let r = check(
        &leaf(
            "signer of nothing tls",
            vec![
                KeyUsagePurpose::ContentCommitment,
                KeyUsagePurpose::DataEncipherment,
            ],
        )
        .pem(),
    );
    let f = r
        .with_code(Code::LeafKeyUsageUnsuitable)
        .next()
        .expect("reported");
    assert!(
        f.message.contains("contentCommitment, dataEncipherment"),
        "{}",
        f.message
    );
}

#[test]
fn a_ca_certificate_as_leaf_is_reported_once_as_such() {
    let mut spec = Spec::ca("CA as client");
    spec.eku = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let chain = Chain::standard().with_leaf(spec);
    let r = check(&chain.pem());
    assert!(r.has(Code::LeafIsCa), "{:#?}", r.findings);
    assert!(!r.has(Code::LeafKeyUsageUnsuitable), "{:#?}", r.findings);
}

#[test]
fn the_knob_severity_and_path_profiles_turn_it_off() {
    let chain = leaf("kex only", vec![KeyUsagePurpose::KeyEncipherment]);
    let off = Policy {
        require_tls_client_key_usage: false,
        ..Policy::default()
    };
    assert!(check_with(off, &chain.pem()).accepted);
    let toml = Policy::from_toml("require_tls_client_key_usage = false\n").expect("toml");
    assert!(!toml.require_tls_client_key_usage);
    assert!(Policy::default().require_tls_client_key_usage);
    assert!(!Policy::rfc5280().require_tls_client_key_usage);
    assert!(!Policy::cabf().require_tls_client_key_usage);
    let mut warn = Policy::default();
    warn.severity
        .insert(Code::LeafKeyUsageUnsuitable, Level::Warning);
    let r = check_with(warn, &chain.pem());
    assert!(r.accepted && r.has(Code::LeafKeyUsageUnsuitable));
}

#[test]
fn trust_store_mode_reports_it_for_clients_only() {
    let chain = leaf("kex only", vec![KeyUsagePurpose::KeyEncipherment]);
    let client = PresentedOptions::new(Timestamp(at()), Usage::ClientAuth);
    let r = presented(&chain, Policy::default(), &client);
    assert!(
        r.has(Code::LeafKeyUsageUnsuitable) && !r.accepted,
        "{:#?}",
        r.findings
    );

    // A server certificate is not held to the client rule.
    let mut spec = Spec::leaf("server");
    spec.key_usage = vec![KeyUsagePurpose::KeyEncipherment];
    spec.eku = vec![ExtendedKeyUsagePurpose::ServerAuth];
    spec.dns_names = vec!["server.example".to_owned()];
    let server_chain = Chain::standard().with_leaf(spec);
    let server = PresentedOptions::new(Timestamp(at()), Usage::ServerAuth);
    let r = presented(&server_chain, Policy::default(), &server);
    assert!(!r.has(Code::LeafKeyUsageUnsuitable), "{:#?}", r.findings);

    // Required bits from the API (as `verify --key-usage` sets them).
    let fine = leaf("signer", vec![KeyUsagePurpose::DigitalSignature]);
    let mut wants = client.clone();
    wants.key_usage = vec![KeyUsageBit::KeyAgreement];
    let r = presented(&fine, Policy::default(), &wants);
    assert!(!r.accepted, "{:#?}", r.findings);
    wants.key_usage = vec![KeyUsageBit::DigitalSignature];
    assert!(presented(&fine, Policy::default(), &wants).accepted);
}

#[test]
fn key_usage_bits_parse_by_their_rfc_names() {
    for bit in KeyUsageBit::ALL {
        assert_eq!(bit.as_str().parse::<KeyUsageBit>(), Ok(bit));
        assert_eq!(bit.as_str().to_uppercase().parse::<KeyUsageBit>(), Ok(bit));
    }
    assert_eq!(
        "digital_signature".parse::<KeyUsageBit>(),
        Ok(KeyUsageBit::DigitalSignature)
    );
    assert_eq!(
        "nonRepudiation".parse::<KeyUsageBit>(),
        Ok(KeyUsageBit::ContentCommitment)
    );
    let err = "sign".parse::<KeyUsageBit>().expect_err("unknown");
    assert!(err.contains("digitalSignature"), "{err}");
}
