"""Revocation through Python: stapled, supplied and fetched OCSP responses and CRLs, all
made by the real OpenSSL (`pki.py`), surfaced on `Report.revocation` and as findings;
the failure policy; the cache; and the sans-IO API (`chainvet.ocsp`, `chainvet.Crl`)
compared with pyca/cryptography's reading of the same responses."""

from __future__ import annotations

import base64
import datetime as dt
import random
import socket
import urllib.parse
from pathlib import Path

import pytest
from conftest import SAMPLES
from cryptography.x509 import load_der_x509_crl
from cryptography.x509 import ocsp as pyca_ocsp
from pki import REVOKED_AT, Pki, Responder

import chainvet
from chainvet import ocsp

UTC = dt.timezone.utc
HARD = chainvet.Policy(revocation=chainvet.RevocationPolicy(mode="hard-fail"))
# chainvet fetches only for chains that verify to a configured trust store, and reaches
# loopback only when `allow_destinations` opens it: the validators of the network tests
# trust the test root and open 127.0.0.1, as an operator with a local responder would.
LOOPBACK = ["127.0.0.1"]


def trusting(pki: Pki, **knobs: object) -> chainvet.Validator:
    revocation = chainvet.RevocationPolicy(allow_destinations=LOOPBACK, **knobs)
    return chainvet.Validator(chainvet.Policy(revocation=revocation), trust_store=[pki.root])


def close_to_now(t: dt.datetime | None, slack: dt.timedelta = dt.timedelta(minutes=10)) -> bool:
    return t is not None and abs(t - dt.datetime.now(UTC)) < slack


def codes(report: chainvet.Report) -> list[str]:
    return [f.code for f in report.findings]


class TestStapledAndSupplied:
    def test_stapled_good(self, pki: Pki) -> None:
        report = chainvet.Validator().validate(
            pki.chain(pki.good), stapled_ocsp=pki.response(pki.good), offline=True
        )
        assert report.accepted, report.findings
        assert codes(report) == []
        (status,) = report.revocation
        assert (status.certificate, status.status, status.method, status.source) == (
            0, "good", "ocsp", "stapled",
        )
        assert status.responder == "stapled OCSP response"
        assert status.signer is not None and "CN=Revocation Issuing CA" in status.signer
        assert close_to_now(status.this_update)
        assert status.next_update is not None and status.this_update is not None
        assert status.next_update - status.this_update == dt.timedelta(days=1)
        assert status.valid_until == status.next_update
        assert status.revoked_at is None and status.reason is None
        assert status.to_dict() == report.to_dict()["revocation"][0]

    def test_stapled_revoked_with_reason_and_time(self, pki: Pki) -> None:
        report = chainvet.Validator().validate(
            pki.bundle(pki.revoked), stapled_ocsp=[pki.response(pki.revoked)], offline=True
        )
        assert not report.accepted
        assert codes(report) == ["revocation.revoked"]
        finding = report.findings[0]
        assert finding.severity == "error" and finding.certificate == 0
        assert "Revoked Client" in finding.message
        assert "keyCompromise" in finding.message and "2026-01-15" in finding.message
        assert "new key" in finding.hint
        (status,) = report.revocation
        assert status.status == "revoked"
        assert status.reason == "keyCompromise"
        assert status.revoked_at == REVOKED_AT

    def test_stapled_unknown(self, pki: Pki) -> None:
        report = chainvet.Validator().validate(
            pki.chain(pki.unknown), stapled_ocsp=pki.response(pki.unknown), offline=True
        )
        assert codes(report) == ["revocation.unknown"]
        assert not report.accepted
        assert report.revocation[0].status == "unknown"

    def test_supplied_in_every_form(self, pki: Pki, tmp_path: Path) -> None:
        der = pki.response(pki.revoked)
        path = tmp_path / "resp.der"
        path.write_bytes(der)
        forms: list[object] = [der, [der], (bytearray(der),), path, pyca_ocsp.load_der_ocsp_response(der)]
        validator = chainvet.Validator()
        for form in forms:
            report = validator.validate(pki.chain(pki.revoked), ocsp_responses=form, offline=True)  # type: ignore[arg-type]
            assert codes(report) == ["revocation.revoked"], form
            assert report.revocation[0].source == "supplied"
            assert report.revocation[0].reason == "keyCompromise"

    def test_a_response_about_another_certificate_is_invalid(self, pki: Pki) -> None:
        report = chainvet.Validator().validate(
            pki.chain(pki.good), ocsp_responses=[pki.response(pki.revoked)], offline=True
        )
        assert "revocation.response_invalid" in codes(report)
        assert not report.accepted

    def test_garbage_stapled_is_a_finding(self, pki: Pki) -> None:
        report = chainvet.Validator().validate(
            pki.chain(pki.good), stapled_ocsp=b"\x30\x03\x0a\x01\x00", offline=True
        )
        assert "revocation.response_invalid" in codes(report)

    def test_wrong_types_raise(self, pki: Pki) -> None:
        with pytest.raises(TypeError, match="`ocsp_responses` must be bytes"):
            chainvet.Validator().validate(pki.chain(pki.good), ocsp_responses="text")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"`crls`\[1\] must be"):
            chainvet.Validator().validate(pki.chain(pki.good), crls=[pki.crl_der, 3])  # type: ignore[list-item]


class TestCrl:
    def test_supplied_crl_in_every_form(self, pki: Pki, tmp_path: Path) -> None:
        path = tmp_path / "ca.crl"
        path.write_bytes(pki.crl_der)
        forms: list[object] = [
            pki.crl_der, pki.crl_pem, pki.crl_pem.decode(), path, [pki.crl_der],
            load_der_x509_crl(pki.crl_der),
        ]
        validator = chainvet.Validator()
        for form in forms:
            revoked = validator.validate(pki.chain(pki.revoked), crls=form, offline=True)  # type: ignore[arg-type]
            assert codes(revoked) == ["revocation.revoked"], form
            status = revoked.revocation[0]
            assert (status.status, status.method, status.source) == ("revoked", "crl", "supplied")
            assert status.revoked_at == REVOKED_AT and status.reason == "keyCompromise"
            good = validator.validate(pki.chain(pki.good), crls=form, offline=True)  # type: ignore[arg-type]
            assert good.accepted and good.revocation[0].status == "good"

    def test_sans_io_crl(self, pki: Pki) -> None:
        crl = chainvet.Crl(pki.crl_pem)
        assert len(crl) == 1
        assert crl.der == pki.crl_der
        assert crl.next_update is not None and crl.next_update - crl.this_update == dt.timedelta(days=1)
        assert crl.is_for(pki.good) and not crl.is_for(pki.ca)
        answer = crl.evaluate(pki.revoked, pki.ca)
        assert (answer.status, answer.method, answer.reason) == ("revoked", "crl", "keyCompromise")
        assert answer.revoked_at == REVOKED_AT
        assert answer.produced_at is None
        # CRLs have no "unknown": a serial that is not listed is good.
        assert crl.evaluate(pki.unknown, pki.ca).status == "good"
        pyca = load_der_x509_crl(pki.crl_der)
        assert crl.this_update == pyca.last_update_utc
        assert crl.next_update == pyca.next_update_utc

    def test_crl_errors_carry_a_code(self, pki: Pki) -> None:
        crl = chainvet.Crl(pki.crl_der)
        with pytest.raises(chainvet.CrlError, match="not by the certificate's issuer") as info:
            crl.evaluate(pki.ca, pki.root)
        assert info.value.code == "revocation.response_invalid"
        with pytest.raises(chainvet.CrlError, match="stale"):
            crl.evaluate(pki.good, pki.ca, at=dt.datetime.now(UTC) + dt.timedelta(days=3))
        with pytest.raises(chainvet.CrlError) as info:
            chainvet.Crl(b"not a crl")
        assert info.value.code == "revocation.response_invalid"
        assert issubclass(chainvet.CrlError, ValueError)


class TestFailurePolicy:
    def test_offline_hard_fail_is_an_error(self, pki: Pki) -> None:
        report = chainvet.Validator(HARD).validate(pki.chain(pki.good), offline=True)
        assert not report.accepted
        assert codes(report) == ["revocation.unavailable"]
        assert report.findings[0].severity == "error"
        assert report.revocation[0].status == "unavailable"
        assert report.revocation[0].detail

    def test_offline_soft_fail_is_a_warning(self, pki: Pki) -> None:
        report = chainvet.Validator().validate(pki.chain(pki.good), offline=True)
        assert report.accepted
        assert [(f.code, f.severity) for f in report.findings] == [("revocation.unavailable", "warning")]

    def test_off_checks_nothing(self, pki: Pki) -> None:
        off = chainvet.Policy(revocation={"mode": "off"})
        report = chainvet.Validator(off).validate(pki.chain(pki.revoked), offline=True)
        assert report.accepted and report.revocation == ()

    def test_a_severity_override_wins_over_hard_fail(self, pki: Pki) -> None:
        policy = HARD.replace(severity={"revocation.unavailable": "info"})
        report = chainvet.Validator(policy).validate(pki.chain(pki.good), offline=True)
        assert report.accepted and report.findings[0].severity == "info"

    def test_certificates_without_urls_are_not_checked(self, validator: chainvet.Validator) -> None:
        report = validator.validate(SAMPLES / "good.pem")
        assert [r.status for r in report.revocation] == ["not_checked"]
        assert not any(f.code.startswith("revocation.") for f in report.findings)
        strict = chainvet.Policy(revocation=chainvet.RevocationPolicy(require_url=True))
        assert chainvet.Validator(strict).validate(SAMPLES / "good.pem").has("revocation.no_ocsp_url")


class TestNetwork:
    def test_fetched_from_the_responder_in_this_process(self, pki: Pki, responder: Responder) -> None:
        """The responder is a thread of this process: the fetch can only be answered if
        `validate` releases the GIL while it waits for the network."""
        validator = trusting(pki, mode="hard-fail")
        before = len(responder.requests)
        good = validator.validate(pki.chain(pki.good))
        assert good.accepted, good.findings
        status = good.revocation[0]
        assert (status.status, status.source, status.responder) == ("good", "network", pki.ocsp_url)
        revoked = validator.validate(pki.chain(pki.revoked))
        assert codes(revoked) == ["revocation.revoked"]
        assert revoked.revocation[0].reason == "keyCompromise"
        assert responder.requests[before:] == ["/ocsp", "/ocsp"]
        # The validator's cache answers the second time: no new request.
        again = validator.validate(pki.chain(pki.good))
        assert again.revocation[0].source == "cache"
        assert len(responder.requests) == before + 2

    def test_crl_fetched_when_preferred(self, pki: Pki, responder: Responder) -> None:
        report = trusting(pki, mode="hard-fail", prefer="crl").validate(pki.chain(pki.revoked))
        assert codes(report) == ["revocation.revoked"]
        assert (report.revocation[0].method, report.revocation[0].source) == ("crl", "network")
        assert report.revocation[0].responder == pki.crl_url
        assert "/crl" in responder.requests

    def test_an_unreachable_responder(self, tmp_path: Path) -> None:
        # Certificates whose responder and distribution point are a closed port.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        dead = Pki(tmp_path, f"http://127.0.0.1:{port}")
        soft = trusting(dead, negative_cache_seconds=0).validate(dead.chain(dead.good))
        assert soft.accepted
        assert [(f.code, f.severity) for f in soft.findings] == [("revocation.unavailable", "warning")]
        # Both URLs tried are named; why they failed is the operator's detail only.
        finding = soft.findings[0]
        assert dead.ocsp_url in finding.message and dead.crl_url in finding.message
        assert finding.detail is not None and "refused" in finding.detail.lower()
        assert "refused" not in finding.message.lower()
        assert finding.to_dict()["detail"] == finding.detail
        assert soft.revocation[0].status == "unavailable"
        hard = trusting(dead, mode="hard-fail").validate(dead.chain(dead.good))
        assert not hard.accepted and hard.findings[0].severity == "error"
        # A stapled response makes the network unnecessary.
        stapled = trusting(dead, mode="hard-fail").validate(dead.chain(dead.good), stapled_ocsp=dead.response(dead.good))
        assert stapled.accepted and stapled.revocation[0].source == "stapled"

    def test_nonce_is_sent_and_echoed(self, pki: Pki) -> None:
        report = trusting(pki, mode="hard-fail").validate(pki.chain(pki.unknown), ocsp_nonce=True)
        assert codes(report) == ["revocation.unknown"]
        assert report.revocation[0].source == "network"


class TestNoRequestsForUntrustedChains:
    """An attacker's self-built chain names OCSP and CRL URLs on a listener that counts
    connections: no entry point reaches it with default settings, and a trusted chain
    reaches loopback only when `allow_destinations` names it."""

    @staticmethod
    def listener() -> tuple[socket.socket, str]:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        s.setblocking(False)
        return s, f"http://127.0.0.1:{s.getsockname()[1]}"

    @staticmethod
    def connections(s: socket.socket) -> int:
        n = 0
        while True:
            try:
                conn, _ = s.accept()
            except BlockingIOError:
                return n
            conn.close()
            n += 1

    def test_attacker_chain_never_connects(self, tmp_path: Path) -> None:
        s, base = self.listener()
        with s:
            attacker = Pki(tmp_path, base)
            chain = attacker.chain(attacker.good)
            (tmp_path / "other").mkdir()
            other = chainvet.Validator(trust_store=[Pki(tmp_path / "other", base).root])
            for mode in ("soft-fail", "hard-fail"):
                policy = chainvet.Policy(revocation=chainvet.RevocationPolicy(mode=mode))
                bare = chainvet.Validator(policy)
                report = bare.validate(chain)
                assert report.revocation[0].status in ("not_checked", "unavailable")
                detail = report.revocation[0].detail or ""
                assert "trust store" in detail
                bare.validate(attacker.bundle(attacker.good))
                other.validate(chain)
                other.validate_presented(attacker.good, [attacker.ca])
            assert self.connections(s) == 0

    def test_trusted_chain_reaches_loopback_only_when_allowed(self, tmp_path: Path) -> None:
        s, base = self.listener()
        with s:
            pki = Pki(tmp_path, base)
            closed = chainvet.Validator(HARD, trust_store=[pki.root])
            report = closed.validate(pki.chain(pki.good))
            finding = next(f for f in report.findings if f.code == "revocation.unavailable")
            assert finding.detail is not None and "loopback" in finding.detail
            assert "loopback" not in finding.message
            assert self.connections(s) == 0
            opened = trusting(pki, mode="hard-fail")
            assert opened.policy.revocation.allow_destinations == LOOPBACK
            with pytest.raises(chainvet.PolicyError, match="allow_destinations"):
                chainvet.RevocationPolicy(allow_destinations=["10.0.0.0/99"])
            opened.validate(pki.chain(pki.good))
            assert self.connections(s) >= 1


class TestParsedCrl:
    def test_a_crl_parsed_once_serves_many_validations(self, pki: Pki) -> None:
        crl = chainvet.Crl(pki.crl_der)
        validator = chainvet.Validator(HARD)
        for _ in range(3):
            report = validator.validate(pki.chain(pki.revoked), crls=crl, offline=True)
            assert codes(report) == ["revocation.revoked"]
            assert report.revocation[0].source == "supplied"
            good = validator.validate(pki.chain(pki.good), crls=[pki.crl_pem, crl], offline=True)
            assert good.accepted, good.findings
        gateway = chainvet.Validator(HARD, trust_store=[pki.root])
        presented = gateway.validate_presented(pki.revoked, [pki.ca], crls=(crl,), offline=True)
        assert "revocation.revoked" in codes(presented)
        # The policy's size cap holds for a parsed CRL as for bytes.
        tiny = chainvet.Policy(revocation=chainvet.RevocationPolicy(max_crl_bytes=64))
        capped = chainvet.Validator(tiny).validate(pki.chain(pki.revoked), crls=crl, offline=True)
        assert "revocation.revoked" not in codes(capped)
        assert "revocation.response_invalid" in codes(capped)


class TestCache:
    def test_a_response_fetched_by_the_caller_is_cached(self, pki: Pki) -> None:
        validator = chainvet.Validator(HARD)
        response = pki.response(pki.revoked)
        answer = validator.cache_ocsp_response(response, pki.revoked, pki.ca, responder="my-fetcher")
        assert answer.status == "revoked"
        report = validator.validate(pki.chain(pki.revoked), offline=True)
        assert codes(report) == ["revocation.revoked"]
        status = report.revocation[0]
        assert (status.source, status.responder) == ("cache", "my-fetcher")
        with pytest.raises(chainvet.OcspError, match="another certificate"):
            validator.cache_ocsp_response(response, pki.good, pki.ca)


class TestSansIo:
    def test_request_evaluate_agree_with_openssl_and_pyca(self, pki: Pki) -> None:
        for leaf, status in ((pki.good, "good"), (pki.revoked, "revoked"), (pki.unknown, "unknown")):
            request = ocsp.request(leaf, pki.ca)
            assert request.nonce is None and request.hash == "sha1"
            assert request.responder_url == pki.ocsp_url == ocsp.responder_url(leaf)
            # What openssl makes of our request, and what pyca makes of the request.
            parsed = pyca_ocsp.load_der_ocsp_request(request.der)
            assert parsed.serial_number == leaf.serial_number
            response = pki.respond(request.der)
            answer = ocsp.evaluate(response, leaf, pki.ca)
            pyca = pyca_ocsp.load_der_ocsp_response(response)
            assert answer.status == status == pyca.certificate_status.name.lower()
            assert answer.method == "ocsp"
            assert answer.this_update == pyca.this_update_utc
            assert answer.next_update == pyca.next_update_utc
            assert answer.produced_at == pyca.produced_at_utc
            assert answer.valid_until == pyca.next_update_utc
            assert "Revocation Issuing CA" in answer.signer
            if status == "revoked":
                assert answer.revoked_at == pyca.revocation_time_utc == REVOKED_AT
                assert pyca.revocation_reason is not None
                assert answer.reason == pyca.revocation_reason.value == "keyCompromise"
            else:
                assert answer.revoked_at is None and answer.reason is None

    def test_nonce_round_trip(self, pki: Pki) -> None:
        request = ocsp.request(pki.good, pki.ca, nonce=True)
        assert request.nonce is not None and len(request.nonce) == 16
        assert ocsp.request(pki.good, pki.ca, nonce=True).nonce != request.nonce
        response = pki.respond(request.der)  # openssl echoes the request's nonce
        assert ocsp.evaluate(response, pki.good, pki.ca, nonce=request.nonce).status == "good"
        with pytest.raises(chainvet.OcspError, match="nonce") as info:
            ocsp.evaluate(response, pki.good, pki.ca, nonce=b"another nonce")
        assert info.value.code == "revocation.response_invalid"
        fixed = ocsp.request(pki.good, pki.ca, nonce=b"0123456789abcdef", hash="sha256")
        assert fixed.nonce == b"0123456789abcdef" and fixed.hash == "sha256"
        assert ocsp.evaluate(pki.respond(fixed.der), pki.good, pki.ca, nonce=fixed.nonce).status == "good"
        # A request from openssl with its own nonce, answered without our nonce.
        with pytest.raises(chainvet.OcspError, match="does not echo"):
            ocsp.evaluate(pki.response(pki.good), pki.good, pki.ca, nonce=b"expected")

    def test_get_url_is_rfc5019(self, pki: Pki) -> None:
        request = ocsp.request(pki.good, pki.ca)
        url = request.get_url()
        prefix = pki.ocsp_url + "/"
        assert url.startswith(prefix)
        assert base64.b64decode(urllib.parse.unquote(url[len(prefix):])) == request.der
        assert request.get_url("http://other.example/").startswith("http://other.example/M")
        bare = ocsp.request(pki.ca, pki.root)  # the CA names no responder
        assert bare.responder_url is None
        with pytest.raises(ValueError, match="no OCSP responder"):
            bare.get_url()

    def test_errors(self, pki: Pki) -> None:
        response = pki.response(pki.good)
        with pytest.raises(chainvet.OcspError, match="another certificate"):
            ocsp.evaluate(response, pki.revoked, pki.ca)
        with pytest.raises(chainvet.OcspError, match="stale"):
            ocsp.evaluate(response, pki.good, pki.ca, at=dt.datetime.now(UTC) + dt.timedelta(days=2))
        with pytest.raises(chainvet.OcspError, match="in the future"):
            ocsp.evaluate(response, pki.good, pki.ca, at=dt.datetime.now(UTC) - dt.timedelta(days=2))
        # The clock skew comes from the policy given.
        lax = chainvet.RevocationPolicy(clock_skew_seconds=3 * 86400)
        assert ocsp.evaluate(response, pki.good, pki.ca, at=dt.datetime.now(UTC) + dt.timedelta(days=2),
                             policy=lax).status == "good"
        # Signed by the CA, but checked against another issuer.
        with pytest.raises(chainvet.OcspError):
            ocsp.evaluate(response, pki.good, pki.root)
        with pytest.raises(ValueError, match="naive"):
            ocsp.evaluate(response, pki.good, pki.ca, at=dt.datetime(2026, 1, 1))
        with pytest.raises(ValueError, match="exactly one"):
            ocsp.request(pki.good, pki.bundle(pki.good))
        with pytest.raises(ValueError, match="`issuer` is not a usable certificate"):
            ocsp.request(pki.good, b"junk")
        with pytest.raises(TypeError, match="`response` must be bytes"):
            ocsp.evaluate("text", pki.good, pki.ca)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="CertID hash"):
            ocsp.request(pki.good, pki.ca, hash="md5")  # type: ignore[arg-type]

    def test_garbage_never_crashes(self, pki: Pki) -> None:
        rng = random.Random(11)
        real = pki.response(pki.good)
        for n in range(300):
            if n % 2:
                blob = bytearray(real)
                for _ in range(rng.randrange(1, 6)):
                    blob[rng.randrange(len(blob))] = rng.randrange(256)
                data = bytes(blob)
            else:
                data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
            try:
                answer = ocsp.evaluate(data, pki.good, pki.ca)
            except chainvet.OcspError as e:
                assert e.code in ("revocation.response_invalid", "revocation.unavailable")
            else:
                # A flipped byte outside the signed data (e.g. in the certs) can leave
                # a valid response.
                assert answer.status == "good"
