"""Differential tests against pyca/cryptography on generated chains.

Each chain is made here with `cryptography` itself: RSA-2048 / P-256 / P-384 / P-521 /
Ed25519 keys, depth 2 to 5, SHA-256/384/512, random validity windows, serials from 1 to
20 bytes (including ones whose top bit forces a leading zero byte), and subject names
over the RFC 4514 attribute table with values that need escaping and non-ASCII text.
Some chains carry a defect (expired or not-yet-valid certificate, broken signature,
wrong issuer key). For every certificate, subject, issuer, serial, notBefore/notAfter
and SHA-256 fingerprint must equal what `cryptography` parses; for every chain the
verdict must equal the one known by construction, and for chains inside pyca's profile
(no Ed25519: its WebPKI policy forbids that key type) equal the verdict of
`cryptography.x509.verification`'s client verifier.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Callable, Optional

import chains
import pytest
from chains import DAY, NOW, certificate, key
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

import chainvet

CHAINS = 300

# RFC 4514 section 3's table: the attribute types both libraries print by short name.
ATTRIBUTES = [
    NameOID.COUNTRY_NAME,
    NameOID.STATE_OR_PROVINCE_NAME,
    NameOID.LOCALITY_NAME,
    NameOID.STREET_ADDRESS,
    NameOID.ORGANIZATION_NAME,
    NameOID.ORGANIZATIONAL_UNIT_NAME,
    NameOID.DOMAIN_COMPONENT,
    NameOID.USER_ID,
]
VALUES = [
    "Example GmbH", "a,b", "a+b", 'say "hi"', "back\\slash", "<tag>", "semi;colon", "#first",
    " leading space", "trailing space ", "Müller & Söhne", "東京", "x=y", "-", "O'Brien",
]
HASHES: list[Callable[[], hashes.HashAlgorithm]] = [hashes.SHA256, hashes.SHA384, hashes.SHA512]
SERIALS = [1, 0x7F, 0x80, 0xFF, 0x100, 0x0ABC, 2**63, 2**64 - 1, 2**151, 2**152 - 1, 2**158, 2**159 - 1]


@dataclass
class Case:
    chain: list[x509.Certificate]  # leaf first, root last
    valid: bool
    why: str
    pyca_profile: bool


def random_name(rng: random.Random, cn: str) -> x509.Name:
    rdns = []
    for oid in rng.sample(ATTRIBUTES, rng.randrange(0, 4)):
        value = "DE" if oid == NameOID.COUNTRY_NAME else rng.choice(VALUES)
        if oid == NameOID.DOMAIN_COMPONENT:
            value = rng.choice(["example", "com", "a-b"])
        rdns.append(x509.RelativeDistinguishedName([x509.NameAttribute(oid, value)]))
    if rng.random() < 0.1:  # a multi-valued RDN
        rdns.append(x509.RelativeDistinguishedName([
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, rng.choice(VALUES)),
            x509.NameAttribute(NameOID.LOCALITY_NAME, rng.choice(VALUES)),
        ]))
    rdns.append(x509.RelativeDistinguishedName([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
    return x509.Name(rdns)


def random_serial(rng: random.Random) -> int:
    if rng.random() < 0.5:
        return rng.choice(SERIALS)
    return rng.randrange(1, 2**159)


def make_case(i: int) -> Case:
    rng = random.Random(1000 + i)
    depth = rng.randrange(2, 6)
    kinds: list[tuple[str, int]] = []
    while len(kinds) < depth:  # distinct keys within a chain
        k = (rng.choice(chains.KEY_KINDS), rng.randrange(3))
        if k not in kinds:
            kinds.append(k)
    private = [key(kind, 100 + slot) for kind, slot in kinds]
    names = [random_name(rng, f"chain {i} cert {j} {rng.choice(VALUES)}") for j in range(depth)]
    defect = rng.choice([None] * 6 + ["expired", "not_yet_valid", "ca_expired", "signature", "wrong_key"])
    valid, why = defect is None, defect or "valid"
    certs: list[x509.Certificate] = []
    for j in range(depth - 1, -1, -1):
        parent = min(j + 1, depth - 1)
        leaf = j == 0
        before = NOW - rng.randrange(1, 3000) * DAY
        after = NOW + rng.randrange(1, 3000) * DAY
        if leaf and defect == "expired":
            after = NOW - rng.randrange(1, 100) * DAY
        if leaf and defect == "not_yet_valid":
            before = NOW + rng.randrange(1, 100) * DAY
        if j == depth - 2 and defect == "ca_expired" and depth > 2:
            after = NOW - DAY
        elif j == depth - 2 and defect == "ca_expired":
            valid, why = True, "valid"  # no intermediate to expire
        signer = private[parent]
        if leaf and defect == "wrong_key":
            signer = key("p256", 199)
        hash_algorithm = chains.default_hash(signer) and rng.choice(HASHES)()
        cert = certificate(
            names[j], private[j], names[parent], signer,
            serial=random_serial(rng), not_before=before, not_after=max(after, before + DAY),
            ca=not leaf, hash_algorithm=hash_algorithm, authority_key=private[parent],
        )
        if leaf and defect == "signature":
            der = bytearray(chains.der(cert))
            der[-3] ^= 0x40
            cert = x509.load_der_x509_certificate(bytes(der))
        certs.insert(0, cert)
    return Case(certs, valid, why, pyca_profile=all(k != "ed25519" for k, _ in kinds))


CASES = [make_case(i) for i in range(CHAINS)]
POLICY = chainvet.Policy(leaf_min_lifetime_days=0, renewal_window_days=0)


def serial_hex(serial: int) -> str:
    return serial.to_bytes(max(1, (serial.bit_length() + 7) // 8), "big").hex()


def pyca_verdict(case: Case) -> Optional[str]:
    """None if pyca's client verifier accepts the chain, else its error."""
    verifier = PolicyBuilder().store(Store([case.chain[-1]])).time(NOW).build_client_verifier()
    try:
        verifier.verify(case.chain[0], case.chain[1:-1])
    except VerificationError as e:
        return str(e)
    return None


def test_the_corpus_is_varied() -> None:
    kinds = {
        (type(k).__name__, getattr(k, "key_size", 0))
        for c in CASES
        for k in (cert.public_key() for cert in c.chain)
    }
    assert len(kinds) == 5, kinds
    assert {len(c.chain) for c in CASES} == {2, 3, 4, 5}
    assert sum(c.valid for c in CASES) > CHAINS // 2
    assert {c.why for c in CASES} >= {"valid", "expired", "not_yet_valid", "ca_expired", "signature", "wrong_key"}
    serial_sizes = {len(serial_hex(cert.serial_number)) // 2 for c in CASES for cert in c.chain}
    assert {1, 2, 8, 19, 20} <= serial_sizes


@pytest.mark.parametrize("chunk", range(6))
def test_parsed_fields_equal_cryptography(chunk: int) -> None:
    validator = chainvet.Validator(POLICY)
    for case in CASES[chunk::6]:
        report = validator.validate(chains.pem(case.chain), at=NOW)
        assert len(report.certificates) == len(case.chain)
        for info, cert in zip(report.certificates, case.chain):
            assert info.subject == cert.subject.rfc4514_string()
            assert info.issuer == cert.issuer.rfc4514_string()
            assert info.serial == cert.serial_number
            assert info.serial_hex == serial_hex(cert.serial_number)
            assert info.not_before == cert.not_valid_before_utc
            assert info.not_after == cert.not_valid_after_utc
            assert info.sha256 == cert.fingerprint(hashes.SHA256()).hex()


@pytest.mark.parametrize("chunk", range(6))
def test_verdicts_agree_with_pyca_client_verifier(chunk: int) -> None:
    compared = 0
    for case in CASES[chunk::6]:
        root = case.chain[-1]
        validator = chainvet.Validator(POLICY, trust_store=[root])
        report = validator.validate(chains.pem(case.chain), at=NOW)
        assert report.accepted == case.valid, (case.why, report.findings)
        # The peer-chain form (certificate objects, leaf first) gives the same verdict.
        assert validator.validate(case.chain, at=NOW).accepted == case.valid
        if case.pyca_profile:
            pyca = pyca_verdict(case)
            assert (pyca is None) == case.valid, (case.why, pyca, report.findings)
            compared += 1
    assert compared > 10


def test_defects_get_the_right_codes() -> None:
    expected = {
        "expired": "validity.expired",
        "not_yet_valid": "validity.not_yet_valid",
        "ca_expired": "validity.expired",
        "signature": "signature.invalid",
        "wrong_key": "signature.invalid",
    }
    validator = chainvet.Validator(POLICY)
    for case in CASES:
        if case.why in expected:
            report = validator.validate(chains.pem(case.chain), at=NOW)
            assert report.has(expected[case.why]), (case.why, report.findings)


def test_known_name_formatting_differences_from_cryptography() -> None:
    """Pinned: where chainvet's DN strings (the core's, via x509-cert) differ from
    cryptography's `rfc4514_string()`. Both are valid RFC 4514; cryptography prints only
    the RFC 4514 table by short name. If the core changes, this test says so."""
    k = key("p256")
    validator = chainvet.Validator()

    def subject(*attrs: tuple[x509.ObjectIdentifier, str]) -> tuple[str, str]:
        name = x509.Name([x509.NameAttribute(o, v) for o, v in attrs])
        report = validator.validate([certificate(name, k)], at=NOW)
        return report.certificates[0].subject, name.rfc4514_string()

    assert subject((NameOID.EMAIL_ADDRESS, "a@b.c"), (NameOID.COMMON_NAME, "x")) == (
        "CN=x,EMAIL=a@b.c", "CN=x,1.2.840.113549.1.9.1=a@b.c")
    assert subject((NameOID.SERIAL_NUMBER, "42"), (NameOID.COMMON_NAME, "x")) == (
        "CN=x,SERIALNUMBER=42", "CN=x,2.5.4.5=42")
    assert subject((NameOID.COMMON_NAME, "a\nb"),) == ("CN=a\\0ab", "CN=a\nb")
    assert subject() == ("<empty subject>", "")
