"""A private key is never echoed from Python, whatever its shape.

Every shape of RSA, EC and Ed25519 private keys (PKCS#8, PKCS#1, SEC1, encrypted
PKCS#8, PEM and DER, PKCS#12; PEM also on one line with literal \\n in JSON, with
CR-only line endings, lower-case labels, indented, UTF-16, and as a body without its
BEGIN line) goes through validate, validate_presented, repair/fix, check_csr,
Registration, Registry and trust-store loading. No 16-character run of the key's
base64 or DER hex may appear in any report, JSON, message, hint or exception.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
import functools
from typing import Callable, Union

import chains
import pytest
from chains import NOW, pem
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

import chainvet

GOOD = chains.chain(("p256", "p256", "p256"), slot=3)
GOOD_PEM = pem(GOOD)
RUN = 16

Key = Union[rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey]


def _keys() -> dict[str, Key]:
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
    }


def _self_signed(key: Key) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "key-shapes")])
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=1))
        .sign(key, algorithm)
    )


def _text_forms(doc: bytes) -> dict[str, bytes]:
    text = doc.decode()
    lines = text.splitlines()
    escaped = text.replace("\n", "\\n")
    return {
        "pem": doc,
        "one-line-json": ('{"private_key": "' + escaped + '"}\n').encode(),
        "cr-only": text.replace("\n", "\r").encode(),
        "lower-case-label": "\n".join(
            line.lower() if line.startswith("-----") else line for line in lines
        ).encode() + b"\n",
        "indented": "".join("    " + line + "\n" for line in lines).encode(),
        "utf16": text.encode("utf-16"),
        "no-begin-line": ("\n".join(lines[1:]) + "\n").encode(),
        "body-only": ("\n".join(lines[1:-1]) + "\n").encode(),
    }


def _shapes() -> list[tuple[str, bytes, bool, list[str]]]:
    """(name, input, is text, secrets) for every shape of three fresh keys."""
    shapes: list[tuple[str, bytes, bool, list[str]]] = []
    pkcs8 = serialization.PrivateFormat.PKCS8
    der, pem_enc = serialization.Encoding.DER, serialization.Encoding.PEM
    plain = serialization.NoEncryption()
    locked = serialization.BestAvailableEncryption(b"secret")
    for kind, key in _keys().items():
        encodings: dict[str, tuple[bytes, bytes]] = {
            "pkcs8": (key.private_bytes(pem_enc, pkcs8, plain), key.private_bytes(der, pkcs8, plain)),
            "encrypted-pkcs8": (
                key.private_bytes(pem_enc, pkcs8, locked),
                key.private_bytes(der, pkcs8, locked),
            ),
        }
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            traditional = serialization.PrivateFormat.TraditionalOpenSSL
            name = "pkcs1" if kind == "rsa" else "sec1"
            encodings[name] = (
                key.private_bytes(pem_enc, traditional, plain),
                key.private_bytes(der, traditional, plain),
            )
        p12 = pkcs12.serialize_key_and_certificates(b"k", key, _self_signed(key), None, locked)
        secrets: list[str] = [base64.b64encode(p12).decode()]
        for _, key_der in encodings.values():
            secrets += [base64.b64encode(key_der).decode(), key_der.hex(), key_der.hex().upper()]
        for encoding, (doc, key_der) in encodings.items():
            for form, data in _text_forms(doc).items():
                shapes.append((f"{kind}/{encoding}.{form}", data, True, secrets))
            shapes.append((f"{kind}/{encoding}.der", key_der, False, secrets))
        shapes.append((f"{kind}/p12", p12, False, secrets))
    return shapes


SHAPES = _shapes()


def _leaked(text: str, secrets: list[str]) -> str | None:
    runs = {s[i : i + RUN] for s in secrets for i in range(len(s) - RUN + 1)}
    return next((text[i : i + RUN] for i in range(len(text) - RUN + 1) if text[i : i + RUN] in runs), None)


def _report_text(report: chainvet.Report) -> str:
    parts = [report.to_json(), repr(report), repr(report.findings)]
    parts += [f.message + "\n" + f.hint for f in report.findings]
    return "\n".join(parts)


def _outcome(call: Callable[[], object]) -> str:
    """What a call shows its caller: its result's text, or its exception's."""
    try:
        result = call()
    except Exception as e:  # noqa: BLE001 - every exception's text is checked
        return f"{type(e).__name__}: {e}\n{e!r}"
    if isinstance(result, chainvet.Report):
        return _report_text(result)
    if isinstance(result, chainvet.Repair):
        return "\n".join([result.pem.decode(), *result.changes, _report_text(result.report)])
    if isinstance(result, chainvet.CsrReport):
        return result.to_json() + "\n" + repr(result.findings)
    return repr(result)


@pytest.mark.parametrize("name,data,text,secrets", SHAPES, ids=[s[0] for s in SHAPES])
def test_no_entry_point_echoes_a_private_key(
    name: str, data: bytes, text: bool, secrets: list[str], tmp_path: Path
) -> None:
    validator = chainvet.Validator()
    gateway = chainvet.Validator(trust_store=[GOOD[-1]])
    inputs = [data]
    if text and not name.endswith(".utf16"):
        inputs += [GOOD_PEM + data, data + GOOD_PEM]
    key_file = tmp_path / "shape.key"
    key_file.write_bytes(data)
    calls: list[tuple[str, Callable[[], object]]] = [
        ("validate file", lambda: validator.validate(key_file, at=NOW)),
        ("validate_presented", lambda: gateway.validate_presented(data, at=NOW, offline=True)),
        ("validate_presented pool", lambda: gateway.validate_presented(
            GOOD[0], [data], at=NOW, offline=True)),
        ("check_csr", lambda: validator.check_csr(data)),
        ("registration", lambda: chainvet.Registration.from_certificate(data)),
        ("trust store", lambda: chainvet.Validator(trust_store=data)),
        ("registry", lambda: chainvet.Registry.from_toml(
            '[clients.acme]\ncertificates = ["shape.key"]\n', base_dir=tmp_path)),
    ]
    for i, bundle in enumerate(inputs):
        calls += [
            (f"validate {i}", functools.partial(validator.validate, bundle, at=NOW, offline=True)),
            (f"repair {i}", functools.partial(validator.repair, bundle, at=NOW)),
            (f"fix {i}", functools.partial(validator.fix, bundle, at=NOW)),
        ]
    for what, call in calls:
        shown = _outcome(call)
        run = _leaked(shown, secrets)
        assert run is None, f"{name}: {what} echoes key material {run!r}:\n{shown}"
    report = validator.validate(data, at=NOW)
    assert not report.accepted
    assert report.has("pem.private_key_present") or (
        name.endswith("/p12") and any("PKCS#12" in f.message for f in report.findings)
    ), f"{name}: {report.findings!r}"
