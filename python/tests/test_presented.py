"""Trust-store mode: `Validator.validate_presented(leaf, intermediates, ...)`, a presented
leaf and an unordered pool of intermediates against the validator's trust anchors."""

from __future__ import annotations

import ipaddress
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import chains
import pytest
from chains import DAY, NOW, der, pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pki import Pki

import chainvet

# Leaf, intermediates 1 and 2, root (slot 20: keys 200-203 of their own).
LEAF, I1, I2, ROOT = chains.chain(("p256", "p256", "p256", "p256"), slot=20)
# Another PKI: its intermediate is a stranger in the pool, its root is not trusted.
OTHER = chains.chain(("p256", "p256", "p384"), slot=21)
TRUSTING = chainvet.Validator(trust_store=[ROOT])
I1_KEY = chains.key("p256", 201)


def codes(report: chainvet.Report) -> list[str]:
    return sorted(f.code for f in report.errors)


class TestAcceptedPath:
    def test_unordered_pool_with_a_stranger(self) -> None:
        report = TRUSTING.validate_presented(LEAF, [I2, OTHER[1], I1], at=NOW)
        assert report.accepted, report.findings
        assert report.findings == ()
        # Leaf 0, the pool as given (1..3), the trust anchor appended as 4.
        assert report.chain.path == [0, 3, 1, 4]
        assert report.chain.leaf == 0
        assert len(report.certificates) == 5
        assert "Test CA 20-3" in report.certificates[4].subject
        assert report.certificates[4].role == "root"
        assert report.certificates[2].role == "unrelated"

    def test_every_input_form_agrees(self, tmp_path: Path) -> None:
        leaf_pem = tmp_path / "leaf.pem"
        leaf_pem.write_bytes(pem([LEAF]))
        pool_pem = tmp_path / "pool.pem"
        pool_pem.write_bytes(pem([I2, I1]))
        forms: list[tuple[object, object]] = [
            (LEAF, [I2, I1]),
            (der(LEAF), [der(I2), der(I1)]),
            (pem([LEAF]), pem([I2, I1])),
            (pem([LEAF]).decode(), pem([I2, I1]).decode()),
            (bytearray(der(LEAF)), (I2, bytearray(der(I1)))),
            (leaf_pem, pool_pem),
            # A bundle as the leaf: its first certificate is the leaf, the rest join
            # the pool (so the indices are the same as above).
            (pem([LEAF, I2, I1]), None),
            ([LEAF, I2, I1], None),
        ]
        reports = [TRUSTING.validate_presented(leaf, pool, at=NOW) for leaf, pool in forms]  # type: ignore[arg-type]
        for report in reports:
            assert report.accepted, report.findings
            assert report.chain.path == [0, 2, 1, 3]
            assert report.to_dict() == reports[0].to_dict()

    def test_pem_with_text_and_a_private_key_reads_only_certificates(self) -> None:
        key_pem = chains.key("p256", 250).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        leaf = b"subject=CN=client-1\n" + pem([LEAF]) + key_pem
        report = TRUSTING.validate_presented(leaf, pem([I1, I2]), at=NOW)
        assert report.accepted, report.findings
        assert key_pem[40:80].decode() not in report.to_json()

    def test_no_trust_store_validates_nothing(self, validator: chainvet.Validator) -> None:
        report = validator.validate_presented(LEAF, [I1, I2, ROOT], at=NOW)
        assert not report.accepted
        assert "root.not_trusted" in codes(report)


class TestRejected:
    def test_untrusted_root(self) -> None:
        report = TRUSTING.validate_presented(OTHER[0], [OTHER[1], OTHER[2]], at=NOW)
        assert not report.accepted
        (finding,) = [f for f in report.findings if f.code == "root.not_trusted"]
        assert finding.certificate == 2
        assert "Test CA 21-2" in finding.message
        assert finding.hint

    def test_missing_intermediate(self) -> None:
        report = TRUSTING.validate_presented(LEAF, [I2], at=NOW)
        assert not report.accepted
        (finding,) = [f for f in report.findings if f.code == "chain.issuer_missing"]
        assert finding.certificate == 0
        assert "Test CA 20-1" in finding.message

    def test_expired_leaf_and_time(self) -> None:
        assert not TRUSTING.validate_presented(LEAF, [I1, I2], at=NOW + 400 * DAY).accepted
        report = TRUSTING.validate_presented(LEAF, [I1, I2], at=NOW + 400 * DAY)
        assert "validity.expired" in codes(report)
        assert report.validated_at == NOW + 400 * DAY

    def test_a_self_signed_leaf(self) -> None:
        lone = chains.certificate(chains.name("lone client"), chains.key("p256", 251))
        report = TRUSTING.validate_presented(lone, at=NOW)
        assert codes(report) == ["leaf.self_signed", "root.not_trusted"]


class TestNames:
    def test_dns_name(self) -> None:
        ok = TRUSTING.validate_presented(LEAF, [I1, I2], peer_names="client.example.com", at=NOW)
        assert ok.accepted, ok.findings
        ok = TRUSTING.validate_presented(LEAF, [I1, I2], peer_names=["CLIENT.example.com"], at=NOW)
        assert ok.accepted, ok.findings

    def test_wrong_name_is_leaf_name_mismatch(self) -> None:
        report = TRUSTING.validate_presented(
            LEAF, [I1, I2], peer_names=("other.example.com",), at=NOW
        )
        assert not report.accepted
        (finding,) = report.errors
        assert finding.code == "leaf.name_mismatch"
        assert finding.certificate == 0
        assert "other.example.com" in finding.message and "other.example.com" in finding.hint

    def test_ip_and_email_names(self) -> None:
        leaf = chains.certificate(
            chains.name("ip client"), chains.key("p256", 252), I1.subject, I1_KEY,
            san=None,
            extensions=[x509.SubjectAlternativeName([
                x509.IPAddress(ipaddress.ip_address("192.0.2.7")),
                x509.IPAddress(ipaddress.ip_address("2001:db8::7")),
                x509.RFC822Name("ops@example.com"),
            ])],
        )
        for names in (
            ["192.0.2.7", "2001:db8::7", "ops@EXAMPLE.com"],
            [ipaddress.ip_address("192.0.2.7"), ipaddress.IPv6Address("2001:db8::7")],
        ):
            report = TRUSTING.validate_presented(leaf, [I1, I2], peer_names=names, at=NOW)
            assert report.accepted, report.findings
        report = TRUSTING.validate_presented(
            leaf, [I1, I2], peer_names=["192.0.2.8", "ops@example.org", "ip.example.com"], at=NOW
        )
        assert [f.code for f in report.errors] == ["leaf.name_mismatch"] * 3
        messages = " ".join(f.message for f in report.errors)
        assert "IP address 192.0.2.8" in messages and "email address ops@example.org" in messages
        assert "DNS name ip.example.com" in messages


class TestUsageAndDepth:
    def test_server_usage(self) -> None:
        server = chains.certificate(
            chains.name("api.example.com"), chains.key("p256", 253), I1.subject, I1_KEY,
            client_auth=False, san="api.example.com",
        )
        report = TRUSTING.validate_presented(
            server, [I1, I2], usage="server", peer_names="api.example.com", at=NOW
        )
        assert report.accepted, report.findings
        # A server certificate presented by a client, and a client one by a server.
        assert codes(TRUSTING.validate_presented(server, [I1, I2], at=NOW)) == [
            "leaf.client_auth_missing"
        ]
        assert codes(TRUSTING.validate_presented(LEAF, [I1, I2], usage="server", at=NOW)) == [
            "leaf.server_auth_missing"
        ]

    def test_max_depth(self) -> None:
        report = TRUSTING.validate_presented(LEAF, [I1, I2], max_depth=1, at=NOW)
        assert not report.accepted
        assert codes(report) == ["chain.too_long"]
        assert TRUSTING.validate_presented(LEAF, [I1, I2], max_depth=2, at=NOW).accepted
        with pytest.raises(ValueError, match="max_depth"):
            TRUSTING.validate_presented(LEAF, [I1, I2], max_depth=-1)


class TestBindingAndRevocation:
    def test_binding(self) -> None:
        other = chains.certificate(
            LEAF.subject, chains.key("p256", 254), I1.subject, I1_KEY,
            serial=0x7777,
        )
        binding = chainvet.Binding([chainvet.Registration.from_certificate(LEAF)], client="acme")
        assert TRUSTING.validate_presented(LEAF, [I1, I2], binding=binding, at=NOW).accepted
        report = TRUSTING.validate_presented(other, [I1, I2], binding=binding, at=NOW)
        assert codes(report) == ["binding.serial_mismatch"]

    def test_crl_and_stapled_ocsp_from_openssl(self, pki: Pki) -> None:
        validator = chainvet.Validator(trust_store=[pki.root])
        revoked = validator.validate_presented(pki.revoked, [pki.ca], crls=pki.crl_pem, offline=True)
        assert codes(revoked) == ["revocation.revoked"]
        (status,) = revoked.revocation
        assert (status.certificate, status.status, status.method, status.source) == (
            0, "revoked", "crl", "supplied",
        )
        good = validator.validate_presented(
            pki.good, [pki.ca], stapled_ocsp=pki.response(pki.good), offline=True
        )
        assert good.accepted, good.findings
        assert [(s.status, s.source) for s in good.revocation] == [("good", "stapled")]

    def test_a_crl_from_cryptography(self) -> None:
        crl = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(I1.subject)
            .last_update(NOW - DAY)
            .next_update(NOW + DAY)
            .add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(LEAF.serial_number)
                .revocation_date(NOW - DAY)
                .build()
            )
            .add_extension(x509.CRLNumber(1), critical=False)
            .sign(I1_KEY, hashes.SHA256())
        )
        report = TRUSTING.validate_presented(LEAF, [I1, I2], crls=[crl], offline=True, at=NOW)
        assert "revocation.revoked" in codes(report)


class TestMisuse:
    def test_bad_certificates_are_findings(self) -> None:
        for leaf in (b"", b"junk", "not pem at all", [b"\x30\x03\x02\x01\x01"]):
            report = TRUSTING.validate_presented(leaf, [I1, I2], at=NOW)
            assert not report.accepted
            (finding,) = [f for f in report.findings if f.code == "certificate.malformed"]
            assert finding.certificate == 0
        report = TRUSTING.validate_presented(LEAF, [b"junk", I1, I2], at=NOW)
        assert report.accepted, report.findings  # a stranger in the pool is ignored
        huge = TRUSTING.validate_presented(b"\x00" * (2 << 20), at=NOW)
        assert codes(huge) == ["input.too_large"]

    def test_unusable_pem_raises(self) -> None:
        broken = pem([LEAF]).replace(b"MII", b"!!!", 1)
        with pytest.raises(ValueError, match=r"`leaf`: the certificate block at lines 1-\d+ is malformed"):
            TRUSTING.validate_presented(broken, [I1])
        with pytest.raises(ValueError, match="`intermediates`"):
            TRUSTING.validate_presented(LEAF, broken)
        with pytest.raises(ValueError, match="holds no certificate"):
            TRUSTING.validate_presented(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
        with pytest.raises(ValueError, match="holds no certificate"):
            TRUSTING.validate_presented([])

    def test_wrong_arguments_raise(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match='"client" or "server"'):
            TRUSTING.validate_presented(LEAF, usage="both")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"`peer_names`\[1\] must be a str"):
            TRUSTING.validate_presented(LEAF, peer_names=["a.example", 42])  # type: ignore[list-item]
        with pytest.raises(ValueError, match=r"`peer_names`\[0\] is empty"):
            TRUSTING.validate_presented(LEAF, peer_names="")
        with pytest.raises(TypeError, match="`leaf` must be"):
            TRUSTING.validate_presented(42)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="`intermediates` must be"):
            TRUSTING.validate_presented(LEAF, 42)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="naive datetime"):
            TRUSTING.validate_presented(LEAF, at=NOW.replace(tzinfo=None))
        with pytest.raises(FileNotFoundError):
            TRUSTING.validate_presented(tmp_path / "missing.pem")
        with pytest.raises(TypeError, match="`crls`"):
            TRUSTING.validate_presented(LEAF, crls=[3])  # type: ignore[list-item]


def test_shared_across_threads() -> None:
    cases: list[tuple[x509.Certificate | bytes, list[x509.Certificate]]] = [
        (LEAF, [I2, I1]),
        (LEAF, [I2]),
        (OTHER[0], OTHER[1:]),
        (b"junk", []),
    ] * 25
    expected = [TRUSTING.validate_presented(leaf, pool, at=NOW).to_dict() for leaf, pool in cases]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda c: TRUSTING.validate_presented(c[0], c[1], at=NOW).to_dict(), cases))
    assert got == expected
    assert [r["accepted"] for r in expected[:4]] == [True, False, False, False]


def test_gil_is_released_during_validation() -> None:
    """As in test_threads: with a huge switch interval, a second thread runs while the
    main thread is inside `validate_presented` only if that call releases the GIL."""
    strangers = [
        chains.certificate(chains.name(f"s{i}"), chains.key("p256", 255), chains.name("other"),
                           chains.key("p256", 256))
        for i in range(600)
    ]
    validator = chainvet.Validator(
        chainvet.Policy(max_certificates=10_000, max_input_bytes=0), trust_store=[ROOT]
    )
    ticks: list[float] = []
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0)

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    spinner = threading.Thread(target=spin)
    spinner.start()
    inside = 0
    try:
        for _ in range(3):
            start = time.perf_counter()
            report = validator.validate_presented(LEAF, strangers + [I1, I2], at=NOW)
            end = time.perf_counter()
            inside += sum(1 for t in list(ticks) if start < t < end)
            assert report.accepted, report.findings
    finally:
        stop.set()
        spinner.join()
        sys.setswitchinterval(old)
    assert inside > 0
