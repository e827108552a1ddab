"""Policy, trust store and registry files that do not load raise a ``LoadError``
(``PolicyError`` or ``RegistryError``) with ``path``, ``line``, ``column`` and ``field``,
and the text ``FILE:LINE:COL: field: message``; a ``Report``, ``CsrReport`` and
``BindingOutcome`` share their verdict methods through ``Verdict``."""

from __future__ import annotations

from pathlib import Path

import chains
import pytest
from chains import NOW, pem

import chainvet

GOOD = chains.chain(("p256", "p256", "p256"), slot=2)


def test_the_errors_share_one_base() -> None:
    assert issubclass(chainvet.PolicyError, chainvet.LoadError)
    assert issubclass(chainvet.RegistryError, chainvet.LoadError)
    assert issubclass(chainvet.LoadError, ValueError)


def test_a_broken_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('leaf_min_lifetime_days = 0\n[revocation]\nmode = "strict"\n')
    with pytest.raises(chainvet.LoadError) as info:
        chainvet.Policy.from_file(path)
    err = info.value
    assert isinstance(err, chainvet.PolicyError)
    assert (err.path, err.line, err.column, err.field) == (str(path), 3, 8, "revocation.mode")
    assert "strict" in err.message
    assert str(err) == f"{path}:3:8: revocation.mode: {err.message}"


def test_a_trust_store_with_a_bad_pem_block(tmp_path: Path) -> None:
    good = pem([GOOD[2]])
    junk = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    path = tmp_path / "trust.pem"
    path.write_bytes(good + junk)
    line = good.count(b"\n") + 1
    with pytest.raises(chainvet.PolicyError) as info:
        chainvet.Validator(trust_store=path)
    err = info.value
    assert (err.path, err.line, err.column, err.field) == (str(path), line, 1, "certificate 2")
    assert str(err).startswith(f"{path}:{line}:1: certificate 2: not a usable certificate: ")
    # The same block as text: no file, the same place.
    with pytest.raises(chainvet.PolicyError) as info:
        chainvet.Validator(trust_store=good + junk)
    assert (info.value.path, info.value.line, info.value.field) == (None, line, "certificate 2")


def test_a_trust_store_error_never_shows_a_key(tmp_path: Path) -> None:
    """The attacker's side: a private key ahead of a bad block never reaches the error."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    junk = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    with pytest.raises(chainvet.PolicyError) as info:
        chainvet.Validator(trust_store=key + junk)
    text = f"{info.value} {info.value.message!r} {info.value.field!r}"
    body = b"".join(line for line in key.splitlines() if not line.startswith(b"-----")).decode()
    for i in range(0, len(body) - 16, 16):
        assert body[i : i + 16] not in text
    assert info.value.line == key.count(b"\n") + 1


def test_a_broken_registry(tmp_path: Path) -> None:
    path = tmp_path / "registry.toml"
    path.write_text('mode = "fingerprint"\n[clients.acme]\nsha256 = ["00"]\n')
    with pytest.raises(chainvet.LoadError) as info:
        chainvet.Registry.from_file(path)
    err = info.value
    assert isinstance(err, chainvet.RegistryError)
    assert (err.path, err.line, err.column, err.field) == (str(path), 3, 11, "clients.acme.sha256[0]")
    assert str(err).startswith(f"{path}:3:11: clients.acme.sha256[0]: ")


def test_a_bad_keyword_has_no_place() -> None:
    with pytest.raises(chainvet.PolicyError) as info:
        chainvet.Policy(rsa_min_bits="big")
    err = info.value
    assert (err.path, err.line, err.column, err.field) == (None, None, None, None)
    assert "rsa_min_bits" in err.message


def test_reports_share_their_verdict_methods(validator: chainvet.Validator) -> None:
    report = validator.validate(pem(GOOD), at=NOW)
    csr = chainvet.check_csr(b"not a csr")
    binding = chainvet.Binding([chainvet.Registration.from_certificate(pem(GOOD[:1]))])
    outcome = validator.check_binding(pem(GOOD[:1]), binding, at=NOW)
    for verdict in (report, csr, outcome):
        assert isinstance(verdict, chainvet.Verdict)
        # One implementation: the subclasses define none of these themselves.
        for name in ("accepted", "findings", "errors", "has", "to_dict", "to_json"):
            assert name not in type(verdict).__dict__, (type(verdict), name)
        assert verdict.errors == tuple(f for f in verdict.findings if f.severity == "error")
        assert verdict.accepted == (not verdict.errors)
        assert verdict.to_dict()["accepted"] == verdict.accepted
        assert verdict.to_json().startswith("{")
    assert report.accepted and outcome.accepted
    assert not csr.accepted and csr.has("csr.malformed")
    with pytest.raises(ValueError):
        csr.has("no.such_code")
    # The subclass's own parts still work, and a report survives its JSON.
    assert report.certificates and chainvet.Report.from_json(report.to_json()).accepted
