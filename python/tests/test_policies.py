"""RFC 5280 certificate policies in trust-store mode: the 6.1.1 inputs as keyword
arguments of `validate_presented` (and `avalidate_presented`), and
`Report.certificate_policies`, the policies the accepted path is valid for."""

from __future__ import annotations

import asyncio

import pytest
from chains import NOW, certificate, key, name
from cryptography import x509

import chainvet

P1 = "1.3.6.1.4.1.55555.1"
P2 = "1.3.6.1.4.1.55555.2"
ANY = "2.5.29.32.0"


def policies(*oids: str) -> x509.CertificatePolicies:
    return x509.CertificatePolicies(
        [x509.PolicyInformation(x509.ObjectIdentifier(o), None) for o in oids]
    )


ROOT_KEY, CA_KEY, LEAF_KEY = key("p256", 400), key("p256", 401), key("p256", 402)
ROOT = certificate(name("Policy Root"), ROOT_KEY, ca=True, serial=0x4000)
CA = certificate(
    name("Policy CA"), CA_KEY, ROOT.subject, ROOT_KEY, ca=True, serial=0x4001,
    extensions=[policies(P1, P2)],
)
LEAF = certificate(
    name("policy-client"), LEAF_KEY, CA.subject, CA_KEY, serial=0x4002,
    extensions=[policies(P1)],
)
BARE_CA = certificate(name("Bare CA"), key("p256", 403), ROOT.subject, ROOT_KEY, ca=True,
                      serial=0x4003)
BARE_LEAF = certificate(name("bare-client"), key("p256", 404), BARE_CA.subject,
                        key("p256", 403), serial=0x4004)
VALIDATOR = chainvet.Validator(trust_store=[ROOT])


def test_the_accepted_path_reports_its_policies() -> None:
    report = VALIDATOR.validate_presented(LEAF, [CA], at=NOW)
    assert report.accepted, report.findings
    assert report.certificate_policies == (P1,)
    assert report.to_dict()["certificate_policies"] == [P1]
    # No policy anywhere: valid, for no particular policy.
    bare = VALIDATOR.validate_presented(BARE_LEAF, [BARE_CA], at=NOW)
    assert bare.accepted, bare.findings
    assert bare.certificate_policies == ()


def test_the_inputs_decide_per_call() -> None:
    ok = VALIDATOR.validate_presented(LEAF, [CA], at=NOW, policy_oids=P1, explicit_policy=True)
    assert ok.accepted, ok.findings
    assert ok.certificate_policies == (P1,)
    bad = VALIDATOR.validate_presented(LEAF, [CA], at=NOW, policy_oids=[P2], explicit_policy=True)
    assert not bad.accepted
    assert bad.has("chain.policy_invalid")
    assert bad.certificate_policies is None
    # Several OIDs, not explicit: a path valid for none of them still passes (RFC 5280).
    loose = VALIDATOR.validate_presented(LEAF, [CA], at=NOW, policy_oids=[P2])
    assert loose.accepted and loose.certificate_policies == ()
    assert not VALIDATOR.validate_presented(
        BARE_LEAF, [BARE_CA], at=NOW, explicit_policy=True
    ).accepted
    # The inhibits are accepted and keep a path without mapping or anyPolicy valid.
    report = VALIDATOR.validate_presented(
        LEAF, [CA], at=NOW, policy_oids=[P1, P2], explicit_policy=True,
        inhibit_policy_mapping=True, inhibit_any_policy=True,
    )
    assert report.accepted and report.certificate_policies == (P1,)
    # The same validator again without inputs: the cached verdict of another call's
    # inputs is not reused.
    again = VALIDATOR.validate_presented(LEAF, [CA], at=NOW)
    assert again.accepted and again.certificate_policies == (P1,)


def test_any_policy_inhibit() -> None:
    any_key = key("p256", 405)
    any_ca = certificate(name("Any CA"), any_key, ROOT.subject, ROOT_KEY, ca=True,
                         serial=0x4005, extensions=[policies(ANY)])
    leaf = certificate(name("any-client"), key("p256", 406), any_ca.subject, any_key,
                       serial=0x4006, extensions=[policies(P1)])
    ok = VALIDATOR.validate_presented(leaf, [any_ca], at=NOW, policy_oids=P1,
                                      explicit_policy=True)
    assert ok.accepted, ok.findings
    inhibited = VALIDATOR.validate_presented(leaf, [any_ca], at=NOW, policy_oids=P1,
                                             explicit_policy=True, inhibit_any_policy=True)
    assert inhibited.has("chain.policy_invalid")


def test_async_takes_the_same_arguments() -> None:
    report = asyncio.run(VALIDATOR.avalidate_presented(
        LEAF, [CA], at=NOW, policy_oids=[P2], explicit_policy=True))
    assert report.has("chain.policy_invalid")


def test_bad_policy_arguments_raise() -> None:
    with pytest.raises(ValueError, match="not-an-oid"):
        VALIDATOR.validate_presented(LEAF, [CA], at=NOW, policy_oids="not-an-oid")
    with pytest.raises(TypeError):
        VALIDATOR.validate_presented(LEAF, [CA], at=NOW, policy_oids=[1, 2])  # type: ignore[list-item]


def test_bundle_mode_has_no_policy_set() -> None:
    report = chainvet.Validator().validate([LEAF, CA, ROOT], at=NOW)
    assert report.certificate_policies is None
    assert "certificate_policies" not in report.to_dict()
