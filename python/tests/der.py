"""Certificates with serial encodings pyca/cryptography will not produce (redundant
leading zero bytes, 20 value bytes with the high bit set): the TBSCertificate's serial
is rewritten in the DER and the result signed again with the issuer's key, so the
certificate is valid apart from the serial's encoding."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _tlv(buf: bytes, at: int) -> tuple[int, int]:
    """(start of the content, end of the element) of the DER element at `at`."""
    length = buf[at + 1]
    start = at + 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(buf[start:start + n], "big")
        start += n
    return start, start + length


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _element(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _length(len(content)) + content


def with_serial(cert: x509.Certificate, serial_content: bytes, issuer_key: object) -> bytes:
    """The DER of `cert` with the serial INTEGER's content octets replaced by
    `serial_content` (taken as given, e.g. b"\\x00\\x00\\x7f"), signed again by
    `issuer_key` (ECDSA with SHA-256, as `cert` was)."""
    assert isinstance(issuer_key, ec.EllipticCurvePrivateKey), "ECDSA issuers only"
    der = cert.public_bytes(serialization.Encoding.DER)
    outer, _ = _tlv(der, 0)
    tbs_content, tbs_end = _tlv(der, outer)
    _, version_end = _tlv(der, tbs_content)  # [0] EXPLICIT version
    _, serial_end = _tlv(der, version_end)
    tbs = _element(0x30, der[tbs_content:version_end] + _element(0x02, serial_content)
                   + der[serial_end:tbs_end])
    _, algorithm_end = _tlv(der, tbs_end)
    algorithm = der[tbs_end:algorithm_end]
    signature = issuer_key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    return _element(0x30, tbs + algorithm + _element(0x03, b"\x00" + signature))
