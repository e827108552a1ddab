"""Certificate chains made with pyca/cryptography for the tests: no files, no openssl.

Keys are generated once per (kind, slot) and reused, so hundreds of chains cost only
signatures. Every certificate follows the profile pyca's verifier enforces (v3, SKI and
AKI, critical basicConstraints and keyUsage on CAs, clientAuth EKU and a SAN on leaves)
unless a test asks for a defect.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any, Callable, Optional, Union

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.timezone.utc
# The validation time most tests use: inside every default validity window.
NOW = dt.datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
DAY = dt.timedelta(days=1)

PrivateKey = Union[rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey]

KEY_KINDS = ("rsa2048", "p256", "p384", "p521", "ed25519")


@functools.lru_cache(maxsize=None)
def key(kind: str, slot: int = 0) -> PrivateKey:
    """A private key of `kind`, the same one for the same (kind, slot)."""
    if kind.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    curves: dict[str, Callable[[], ec.EllipticCurve]] = {
        "p256": ec.SECP256R1,
        "p384": ec.SECP384R1,
        "p521": ec.SECP521R1,
        "secp256k1": ec.SECP256K1,
    }
    if kind in curves:
        return ec.generate_private_key(curves[kind]())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(kind)


def name(cn: str, *extra: tuple[Any, str]) -> x509.Name:
    """A Name with CN last (most specific), after `extra` (oid, value) attributes."""
    attrs = [x509.NameAttribute(oid, value) for oid, value in extra]
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def default_hash(k: PrivateKey) -> Optional[hashes.HashAlgorithm]:
    return None if isinstance(k, ed25519.Ed25519PrivateKey) else hashes.SHA256()


def certificate(
    subject: x509.Name,
    subject_key: PrivateKey,
    issuer: Optional[x509.Name] = None,
    issuer_key: Optional[PrivateKey] = None,
    *,
    serial: int = 0x1001,
    not_before: dt.datetime = NOW - 365 * DAY,
    not_after: dt.datetime = NOW + 365 * DAY,
    ca: bool = False,
    path_length: Optional[int] = None,
    key_cert_sign: bool = True,
    client_auth: bool = True,
    san: Optional[str] = "client.example.com",
    hash_algorithm: Any = "default",
    authority_key: Optional[PrivateKey] = None,
    extensions: Sequence[x509.ExtensionType] = (),
) -> x509.Certificate:
    """One certificate; self-signed when `issuer`/`issuer_key` are omitted. The
    authorityKeyIdentifier names `authority_key` (default: the signing key);
    `extensions` are added non-critical (e.g. authorityInfoAccess)."""
    issuer = issuer if issuer is not None else subject
    issuer_key = issuer_key if issuer_key is not None else subject_key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(subject_key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                (authority_key or issuer_key).public_key()
            ),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=path_length), critical=True
        ).add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=key_cert_sign,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    else:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=False, path_length=None), critical=True
        ).add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        eku = ExtendedKeyUsageOID.CLIENT_AUTH if client_auth else ExtendedKeyUsageOID.SERVER_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
        if san is not None:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False
            )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    algorithm = default_hash(issuer_key) if hash_algorithm == "default" else hash_algorithm
    return builder.sign(issuer_key, algorithm)  # type: ignore[arg-type]


def chain(
    keys: tuple[str, ...] = ("p256", "p256", "p256"),
    *,
    slot: int = 0,
    leaf_serial: int = 0x1001,
    leaf_name: Optional[x509.Name] = None,
    leaf_not_before: dt.datetime = NOW - 30 * DAY,
    leaf_not_after: dt.datetime = NOW + 365 * DAY,
    **leaf_options: Any,
) -> list[x509.Certificate]:
    """A chain leaf first, root last: `keys` names the key kinds from the leaf to the root
    (so its length is the depth). Distinct `slot`s give distinct keys."""
    names = [name(f"Test CA {slot}-{i}", (NameOID.ORGANIZATION_NAME, "Example CA"),
                  (NameOID.COUNTRY_NAME, "DE")) for i in range(len(keys))]
    names[0] = leaf_name or name("client-1", (NameOID.ORGANIZATION_NAME, "Client GmbH"))
    private = [key(kind, slot * 10 + i) for i, kind in enumerate(keys)]
    certs: list[x509.Certificate] = []
    top = len(keys) - 1
    for i in range(top, -1, -1):
        parent = min(i + 1, top)
        is_leaf = i == 0
        options: dict[str, Any] = dict(leaf_options) if is_leaf else {}
        certs.insert(
            0,
            certificate(
                names[i],
                private[i],
                names[parent],
                private[parent],
                serial=leaf_serial if is_leaf else 0x100 + i,
                not_before=leaf_not_before if is_leaf else NOW - 3650 * DAY,
                not_after=leaf_not_after if is_leaf else NOW + 3650 * DAY,
                ca=not is_leaf,
                **options,
            ),
        )
    return certs


def pem(certs: list[x509.Certificate]) -> bytes:
    """The certificates as one PEM bundle, in the order given."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)
