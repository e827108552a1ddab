"""Python conventions: pickling and copying of the value types, results crossing a
process pool, `chainvet.codes` generated from the core's table, cache controls and the
validator-level `offline` default."""

from __future__ import annotations

import copy
import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import chains
import pytest
from chains import NOW, pem
from conftest import HERE

import chainvet
from chainvet import codes

LEAF, I1, ROOT = chains.chain(("p256", "p256", "p256"), slot=80)
VALIDATOR = chainvet.Validator(trust_store=[ROOT])


def reversed_report() -> chainvet.Report:
    return VALIDATOR.validate(pem([ROOT, I1, LEAF]), at=NOW)


class TestPickleAndCopy:
    def test_report_round_trips(self) -> None:
        report = reversed_report()
        for again in (pickle.loads(pickle.dumps(report)), copy.copy(report), copy.deepcopy(report),
                      chainvet.Report.from_json(report.to_json()),
                      chainvet.Report.from_dict(report.to_dict())):
            assert isinstance(again, chainvet.Report)
            assert again.to_dict() == report.to_dict()
            assert again.findings == report.findings and again.certificates == report.certificates
            assert again.has(codes.CHAIN_ORDER_REVERSED)
        with pytest.raises(ValueError, match="not a chainvet report"):
            chainvet.Report.from_json('{"accepted": true}')
        with pytest.raises(ValueError):
            chainvet.Report.from_dict({"findings": "nope"})

    def test_findings_and_certificates_pickle_hash_and_compare(self) -> None:
        report = reversed_report()
        for item in (*report.findings, *report.certificates):
            again = pickle.loads(pickle.dumps(item))
            assert again == item and hash(again) == hash(item)
            assert copy.deepcopy(item) == item
        assert len(set(report.certificates) | set(reversed_report().certificates)) == 3
        assert len({*report.findings, *reversed_report().findings}) == len(set(report.findings))

    def test_policy_pickles_with_every_knob(self) -> None:
        policy = chainvet.Policy(leaf_min_lifetime_days=7, allowed_curves=["P-256"],
                                 severity={"chain.root_missing": "warning"},
                                 revocation={"mode": "hard-fail", "timeout_ms": 900})
        for again in (pickle.loads(pickle.dumps(policy)), copy.copy(policy), copy.deepcopy(policy)):
            assert again == policy and again.to_dict() == policy.to_dict()
        assert pickle.loads(pickle.dumps(chainvet.Policy())) == chainvet.Policy()

    def test_registrations_pickle_by_kind(self) -> None:
        by_cert = chainvet.Registration.from_certificate(LEAF, label="acme primary")
        pins = [chainvet.Registration.from_sha256("ab" * 32, label="pin"),
                chainvet.Registration.from_spki_sha256("cd" * 32)]
        for reg in (by_cert, by_cert.with_label("renamed"), *pins):
            again = pickle.loads(pickle.dumps(reg))
            assert again == reg and again.label == reg.label and again.kind == reg.kind
            assert again.to_dict() == reg.to_dict()
            assert copy.copy(reg) == reg

    def test_registry_registration_refuses_to_pickle(self, tmp_path: Path) -> None:
        (tmp_path / "leaf.pem").write_bytes(pem([LEAF]))
        registry = chainvet.Registry.from_toml('[clients.acme]\ncertificates = ["leaf.pem"]\n',
                                               base_dir=tmp_path)
        loaded = registry.binding_for("acme").registrations[0]
        assert loaded == chainvet.Registration.from_certificate(LEAF).with_label(loaded.label)
        with pytest.raises(TypeError, match="registry"):
            pickle.dumps(loaded)


def refuse(bundle: bytes) -> bytes:
    """Runs in a worker process: FixRefused must pickle back to the parent."""
    return chainvet.fix(bundle, at=NOW)


def validate(bundle: bytes) -> chainvet.Report:
    return chainvet.Validator().validate(bundle, at=NOW)


def test_results_and_fix_refused_cross_a_process_pool() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        report = pool.submit(validate, pem([ROOT, I1, LEAF])).result(timeout=120)
        assert report.has(codes.ORDER_REVERSED)
        with pytest.raises(chainvet.FixRefused) as e:
            pool.submit(refuse, pem([LEAF, ROOT])).result(timeout=120)
    assert e.value.reasons and isinstance(e.value.report, chainvet.Report)
    assert e.value.report.has("chain.issuer_missing")


class TestCodes:
    def test_generated_from_the_core_table(self) -> None:
        table = chainvet._native._codes()
        assert len(codes.ALL) == len(table) > 50
        assert [(str(c), c.number) for c in codes.ALL] == [(row[0], row[1]) for row in table]
        assert codes.CHAIN_ORDER_REVERSED == "chain.order_reversed"
        assert codes.ORDER_REVERSED is codes.CHAIN_ORDER_REVERSED
        assert codes.INPUT_NOT_PEM.number == 1002 and codes.INPUT_NOT_PEM.severity == "error"
        assert codes.lookup("revocation.revoked").number == codes.REVOCATION_REVOKED.number
        assert codes.from_number(codes.LEAF_IS_CA.number) is codes.LEAF_IS_CA
        assert len({c.number for c in codes.ALL}) == len(codes.ALL)
        assert pickle.loads(pickle.dumps(codes.LEAF_IS_CA)).number == codes.LEAF_IS_CA.number

    def test_ambiguous_short_names_are_absent(self) -> None:
        # "malformed" ends several codes: only the full names exist.
        assert not hasattr(codes, "MALFORMED")
        assert codes.CERTIFICATE_MALFORMED == "certificate.malformed"

    def test_typos_fail_loudly(self) -> None:
        report = reversed_report()
        with pytest.raises(AttributeError):
            codes.CHAIN_ORDER_REVERSD  # type: ignore[attr-defined]  # noqa: B018
        with pytest.raises(ValueError, match="unknown finding code"):
            report.has("chain.order_reversd")
        with pytest.raises(ValueError):
            codes.lookup("chain.order_reversd")
        with pytest.raises(ValueError):
            codes.from_number(1)
        with pytest.raises(ValueError):
            VALIDATOR.check_binding(LEAF, chainvet.Binding([])).has("binding.nope")

    def test_shipped_stub_is_current(self) -> None:
        shipped = (HERE.parent / "python" / "chainvet" / "codes.pyi").read_text()
        assert shipped == codes.stub(), "regenerate: python -m chainvet.codes > python/chainvet/codes.pyi"


class TestValidatorSettings:
    def test_cache_controls(self) -> None:
        validator = chainvet.Validator(trust_store=[ROOT])
        assert validator.cache_usage() == {"signatures": {"entries": 0, "bytes": 0},
                                           "analyses": {"entries": 0, "bytes": 0}}
        validator.validate(pem([LEAF, I1, ROOT]), at=NOW)
        used = validator.cache_usage()
        assert used["signatures"]["entries"] > 0 and used["analyses"]["bytes"] > 0
        validator.clear_caches()
        assert validator.cache_usage()["analyses"]["entries"] == 0

        # The core shards its caches 16 ways: 16 entries is one per shard.
        small = chainvet.Validator(cache_limits={"analyses": {"entries": 16}})
        assert small.cache_limits()["analyses"]["entries"] == 16
        assert small.cache_limits()["signatures"] == chainvet.Validator().cache_limits()["signatures"]
        for n in range(64):  # distinct inputs (the text line differs)
            small.validate(f"note {n}\n".encode() + pem([LEAF, I1, ROOT]), at=NOW)
        assert 0 < small.cache_usage()["analyses"]["entries"] <= 16
        off = chainvet.Validator(cache_limits="off")
        off.validate(pem([LEAF, I1, ROOT]), at=NOW)
        assert off.cache_usage()["signatures"]["entries"] == 0
        bad: object
        for bad in ("on", {"nope": {}}, {"analyses": {"entries": -1}}, {"analyses": {"size": 1}}):
            with pytest.raises((ValueError, TypeError)):
                chainvet.Validator(cache_limits=bad)  # type: ignore[arg-type]

    def test_offline_default(self, pki: object) -> None:
        from pki import Pki

        assert isinstance(pki, Pki)
        chain = pki.chain(pki.good)
        # The test responder listens on 127.0.0.1, which only an explicit
        # allow_destinations opens.
        revocation = chainvet.RevocationPolicy(allow_destinations=["127.0.0.1"])
        offline = chainvet.Validator(
            chainvet.Policy(revocation=revocation), trust_store=[pki.root], offline=True
        )
        assert offline.offline
        report = offline.validate(chain)
        assert [r.status for r in report.revocation] == ["unavailable"]
        # A call can still override it.
        online = offline.validate(chain, offline=False)
        assert [(r.status, r.source) for r in online.revocation] == [("good", "network")]
        assert json.loads(report.to_json())["accepted"] == report.accepted


def test_certificate_info_has_sans_and_spki_sha256() -> None:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    key = chains.key("p256", 805)
    i1_key = chains.key("p256", 801)  # slot 80, position 1
    sans = x509.SubjectAlternativeName([
        x509.DNSName("api.example.com"), x509.DNSName("*.example.com"),
        x509.IPAddress(ipaddress.ip_address("192.0.2.7")),
        x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
        x509.RFC822Name("ops@example.com"),
        x509.UniformResourceIdentifier("spiffe://example.org/ns/prod/sa/payments"),
        x509.UniformResourceIdentifier("https://example.org/client"),
    ])
    leaf = chains.certificate(chains.name("workload"), key, I1.subject, i1_key,
                              san=None, extensions=[sans])
    info = VALIDATOR.validate_presented(leaf, [I1], at=NOW).certificates[0]
    assert info.dns_names == ["api.example.com", "*.example.com"]
    assert info.ip_addresses == ["192.0.2.7", "2001:db8::1"]
    assert info.emails == ["ops@example.com"]
    assert info.uris == ["spiffe://example.org/ns/prod/sa/payments", "https://example.org/client"]
    assert info.spiffe_ids == ["spiffe://example.org/ns/prod/sa/payments"]
    spki = leaf.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(spki)
    assert info.spki_sha256 == digest.finalize().hex()
    assert chainvet.Registration.from_certificate(leaf).spki_sha256 == info.spki_sha256
    # In the JSON form (and so through pickling and from_json).
    san = info.to_dict()["san"]
    assert san["uri"][0].startswith("spiffe://") and san["ip"] == ["192.0.2.7", "2001:db8::1"]
    assert pickle.loads(pickle.dumps(info)).spiffe_ids == info.spiffe_ids
    # A certificate without SANs has empty lists (and no "san" key in JSON).
    plain = VALIDATOR.validate_presented(chains.certificate(
        chains.name("bare"), key, I1.subject, i1_key, san=None), [I1], at=NOW)
    assert plain.certificates[0].dns_names == [] and "san" not in plain.certificates[0].to_dict()
