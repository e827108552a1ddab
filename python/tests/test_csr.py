"""CSR pre-flight and the subject policy through Python: CSRs made by
pyca/cryptography (and by the openssl CLI where pyca refuses, SHA-1), every `csr.*` and
`subject.*` code, the same subject rules on a bundle's leaf, input forms and misuse."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any, Optional

import chains
import pytest
from chains import NOW, pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

import chainvet

C, ST, O, OU = NameOID.COUNTRY_NAME, NameOID.STATE_OR_PROVINCE_NAME, NameOID.ORGANIZATION_NAME, \
    NameOID.ORGANIZATIONAL_UNIT_NAME
STRICT = chainvet.Policy(subject=chainvet.SubjectPolicy(
    required_attributes=["C", "O", "CN"], common_names=["api.*.example.com"],
    dns_names=["api.*.example.com"], check_country=True))


def make_csr(
    kind: str = "p256",
    cn: str = "api.payments.example.com",
    *attrs: tuple[Any, str],
    dns: tuple[str, ...] = ("api.payments.example.com",),
    slot: int = 90,
) -> x509.CertificateSigningRequest:
    subject = chains.name(cn, *(attrs or ((C, "DE"), (ST, "Berlin"), (O, "Example Client GmbH"))))
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    if dns:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(d) for d in dns]), critical=False)
    key = chains.key(kind, slot)
    return builder.sign(key, chains.default_hash(key))  # type: ignore[arg-type]


def csr_pem(csr: x509.CertificateSigningRequest) -> bytes:
    return csr.public_bytes(serialization.Encoding.PEM)


def codes(report: chainvet.CsrReport | chainvet.Report) -> list[str]:
    return [f.code for f in report.findings]


class TestCsr:
    @pytest.mark.parametrize("kind,key", [("rsa2048", "RSA 2048"), ("p256", "EC P-256")])
    def test_good_requests_pass(self, kind: str, key: str) -> None:
        csr = make_csr(kind)
        report = chainvet.Validator(STRICT).check_csr(csr_pem(csr))
        assert report.accepted and report.findings == () and report.errors == ()
        info = report.csr
        assert info is not None
        assert info.subject == "CN=api.payments.example.com,O=Example Client GmbH,ST=Berlin,C=DE"
        assert info.key == key
        assert info.signature_algorithm == (
            "sha256WithRSAEncryption" if kind.startswith("rsa") else "ecdsa-with-SHA256")
        assert info.dns_names == ["api.payments.example.com"]
        assert report.to_dict() == json.loads(report.to_json()) == {
            "accepted": True, "findings": [], "csr": info.to_dict()}

    def test_a_1024_bit_key_fails(self) -> None:
        report = chainvet.check_csr(csr_pem(make_csr("rsa1024")))
        assert not report.accepted and codes(report) == ["key.rsa_too_small"]
        assert "1024" in report.findings[0].message
        assert report.csr is not None and report.csr.key == "RSA 1024"

    def test_missing_country_fails(self) -> None:
        report = chainvet.Validator(STRICT).check_csr(csr_pem(make_csr("p256", "api.x.example.com",
                                                                       (O, "Example Client GmbH"))))
        assert codes(report) == ["subject.missing_attribute"]
        f = report.findings[0]
        assert "C (countryName)" in f.message or "countryName" in f.message
        assert "openssl req" in f.hint and "/C=DE" in f.hint

    def test_every_subject_code(self) -> None:
        validator = chainvet.Validator(STRICT)
        cases = {
            "subject.cn_mismatch": make_csr("p256", "client.example.com", dns=("api.a.example.com",)),
            "subject.country_invalid": make_csr("p256", "api.a.example.com", (C, "UK"), (O, "X")),
            "subject.dns_name_not_allowed": make_csr("p256", "api.a.example.com", dns=("api.example.org",)),
        }
        for code, csr in cases.items():
            report = validator.check_csr(csr_pem(csr))
            assert codes(report) == [code], (code, report.findings)
            assert not report.accepted
        uk = validator.check_csr(csr_pem(cases["subject.country_invalid"])).findings[0]
        assert "GB" in uk.message + uk.hint

    def test_every_csr_code(self) -> None:
        good = csr_pem(make_csr())
        key = chains.key("p256", 91).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        key_body = key.decode().splitlines()[1]
        as_key = chainvet.check_csr(key)
        assert codes(as_key) == ["csr.malformed"] and as_key.csr is None
        assert "private key" in as_key.findings[0].message
        assert key_body[:16] not in as_key.findings[0].message + as_key.findings[0].hint
        as_cert = chainvet.check_csr(pem(chains.chain(("p256", "p256"), slot=9)[:1]))
        assert codes(as_cert) == ["csr.malformed"] and "certificate" in as_cert.findings[0].message
        both = chainvet.check_csr(good + key)
        assert "pem.private_key_present" in codes(both)
        two = chainvet.check_csr(good + csr_pem(make_csr("rsa2048")))
        assert codes(two) == ["csr.malformed"] and "2 CSRs" in two.findings[0].message
        # Altered after signing: the CN inside the signed request changes.
        der = make_csr("p256").public_bytes(serialization.Encoding.DER)
        tampered = der.replace(b"api.payments.example.com", b"api.paymentz.example.com", 1)
        assert tampered != der
        report = chainvet.check_csr(tampered)
        assert codes(report) == ["csr.signature_invalid"]
        assert not chainvet.check_csr(b"").accepted and codes(chainvet.check_csr(b"")) == ["input.empty"]

    def test_sha1_request_made_by_openssl(self, tmp_path: Path) -> None:
        # pyca refuses to sign with SHA-1; the openssl CLI still does.
        key = tmp_path / "k.pem"
        key.write_bytes(chains.key("p256", 92).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        subprocess.run(["openssl", "req", "-new", "-key", str(key), "-sha1", "-subj",
                        "/C=DE/ST=Berlin/O=Client/CN=sha1.example.com", "-out", str(tmp_path / "c.pem")],
                       check=True, capture_output=True, timeout=60)
        report = chainvet.check_csr(tmp_path / "c.pem")
        assert codes(report) == ["signature.weak_algorithm"]
        assert report.csr is not None and report.csr.signature_algorithm == "ecdsa-with-SHA1"

    def test_input_forms_agree(self, tmp_path: Path) -> None:
        csr = make_csr("rsa2048")
        path = tmp_path / "client.csr"
        path.write_bytes(csr_pem(csr))
        validator = chainvet.Validator(STRICT)
        forms: list[object] = [csr, csr_pem(csr), csr_pem(csr).decode(), bytearray(csr_pem(csr)),
                               csr.public_bytes(serialization.Encoding.DER), path]
        dicts = [validator.check_csr(f).to_dict() for f in forms]  # type: ignore[arg-type]
        assert all(d == dicts[0] for d in dicts) and dicts[0]["accepted"]
        assert chainvet.check_csr(csr, policy=STRICT).to_dict() == dicts[0]

    def test_str_is_pem_text_never_a_path(self, tmp_path: Path) -> None:
        path = tmp_path / "client.csr"
        path.write_bytes(csr_pem(make_csr()))
        report = chainvet.check_csr(str(path))
        assert not report.accepted and report.csr is None

    def test_misuse_and_garbage(self) -> None:
        with pytest.raises(TypeError, match="`data` must be bytes"):
            chainvet.check_csr(42)  # type: ignore[arg-type]
        with pytest.raises(FileNotFoundError):
            chainvet.check_csr(Path("/nonexistent.csr"))
        rng = random.Random(5)
        der = make_csr().public_bytes(serialization.Encoding.DER)
        for n in range(300):
            if n % 2:
                blob = bytearray(der)
                blob[rng.randrange(len(blob))] ^= 1 << rng.randrange(8)
                data = bytes(blob)
            else:
                data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
                if n % 4 == 0:
                    data = b"-----BEGIN CERTIFICATE REQUEST-----\n" + data + b"\n-----END CERTIFICATE REQUEST-----\n"
            report = chainvet.check_csr(data)
            # One flipped bit breaks the parse or the signature; garbage never parses.
            assert not report.accepted and report.errors, (n, report.findings)


class TestSubjectPolicy:
    def test_typed_attribute_and_knobs(self) -> None:
        assert chainvet.Policy().subject.is_off
        sub = STRICT.subject
        assert sub.required_attributes == ["C", "O", "CN"]
        assert sub.common_names == ["api.*.example.com"] and sub.dns_names == ["api.*.example.com"]
        assert sub.check_country and not sub.is_off
        as_dict = chainvet.Policy(subject=sub.to_dict())
        assert as_dict == STRICT == chainvet.Policy.from_toml(STRICT.to_toml())
        assert "subject=SubjectPolicy(" in repr(STRICT)
        assert sub.replace(check_country=False).check_country is False
        # Long attribute names are accepted and shown short.
        assert chainvet.SubjectPolicy(required_attributes=["countryName"]).required_attributes == ["C"]
        with pytest.raises(chainvet.PolicyError, match="subject knob `required_attribute`"):
            chainvet.SubjectPolicy(required_attribute=["C"])
        with pytest.raises(chainvet.PolicyError, match="XX"):
            chainvet.SubjectPolicy(required_attributes=["XX"])
        with pytest.raises(chainvet.PolicyError, match="policy knob `subject`"):
            chainvet.Policy(subject={"check_countries": True})

    def test_the_same_rules_apply_to_the_leaf(self) -> None:
        def leaf_codes(cn: str, *attrs: tuple[Any, str], san: Optional[str] = "api.a.example.com") -> list[str]:
            chain = chains.chain(("p256", "p256", "p256"), slot=11,
                                 leaf_name=chains.name(cn, *attrs), san=san)
            report = chainvet.Validator(STRICT).validate(chain, at=NOW)
            return [f.code for f in report.findings if f.code.startswith("subject.")]

        assert leaf_codes("api.a.example.com", (C, "DE"), (O, "X")) == []
        assert leaf_codes("api.a.example.com", (O, "X")) == ["subject.missing_attribute"]
        assert leaf_codes("client-1", (C, "DE"), (O, "X")) == ["subject.cn_mismatch"]
        assert leaf_codes("api.a.example.com", (C, "UK"), (O, "X")) == ["subject.country_invalid"]
        assert leaf_codes("api.a.example.com", (C, "DE"), (O, "X"), san="evil.example.org") == [
            "subject.dns_name_not_allowed"]
