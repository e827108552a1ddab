"""Client certificates forwarded by a TLS-terminating proxy in an HTTP header.

Behind NGINX, Envoy, Traefik or an AWS Application Load Balancer the gateway never sees
the TLS handshake: the proxy puts the certificate(s) the client presented into a header,
each proxy in its own encoding. Each function here decodes one encoding and returns the
presented certificates as DER ``bytes``, leaf first, ready for
``Validator.validate_presented(chain[0], chain[1:])``:

- ``from_nginx``: NGINX ``$ssl_client_escaped_cert`` (URL-encoded PEM) or the older
  ``$ssl_client_cert`` (PEM whose lines are continued with a tab, or unfolded by the
  HTTP server into spaces).
- ``from_xfcc``: Envoy ``x-forwarded-client-cert`` (``Cert=`` / ``Chain=``, URL-encoded
  PEM); ``xfcc_elements`` gives every element, nearest hop first.
- ``from_traefik``: Traefik ``X-Forwarded-Tls-Client-Cert`` (base64 DER without PEM
  armour, comma-separated, optionally URL-encoded).
- ``from_alb``: AWS ALB ``X-Amzn-Mtls-Clientcert`` (URL-encoded PEM chain).

An empty header (NGINX sends ``""`` when the client presented no certificate) gives an
empty list. Anything malformed raises ``ForwardedCertificateError`` with a ``code`` and
a message naming the problem and where (certificate or element number), never the
header's content: a header may carry what it should not (a private key pasted by a
misconfigured proxy), and messages end up in logs. A chain is returned whole or not at
all. Input is bounded: ``max_bytes`` (default 64 KiB) before any decoding, at most
``max_certificates`` (default 16) certificates and, for XFCC, ``max_elements`` (default
16) elements.

Security: these headers are only as trustworthy as the hop that set them. Accept them
only from your proxy, and have the proxy strip (or overwrite) any copy the client sent:
otherwise any client can claim any certificate. The functions check the encoding, not
the certificates: validate the result against your trust store.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import urllib.parse
from dataclasses import dataclass
from typing import Optional, Union

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CERTIFICATES",
    "DEFAULT_MAX_ELEMENTS",
    "ForwardedCertificateError",
    "XfccElement",
    "from_alb",
    "from_nginx",
    "from_traefik",
    "from_xfcc",
    "xfcc_elements",
]

#: Largest header value decoded (a 10-certificate RSA-4096 chain, URL-encoded, is ~25 KiB).
DEFAULT_MAX_BYTES = 64 * 1024
#: Most certificates accepted from one header (or one XFCC element).
DEFAULT_MAX_CERTIFICATES = 16
#: Most XFCC elements (one per proxy that appended its own).
DEFAULT_MAX_ELEMENTS = 16
_SEPARATOR = re.compile("[,;]")
# Most key=value pairs in one XFCC element (Envoy writes at most one per SAN plus five).
_MAX_PAIRS = 64

HeaderValue = Union[str, bytes, bytearray, memoryview]


class ForwardedCertificateError(ValueError):
    """A forwarded-certificate header that cannot be decoded.

    ``code`` is stable (``forwarded.too_large``, ``forwarded.not_ascii``,
    ``forwarded.bad_escape``, ``forwarded.bad_pem``, ``forwarded.bad_base64``,
    ``forwarded.private_key``, ``forwarded.not_certificate``,
    ``forwarded.too_many_certificates``, ``forwarded.xfcc_syntax``,
    ``forwarded.xfcc_mismatch``, ``forwarded.too_many_elements``,
    ``forwarded.ambiguous``, ``forwarded.no_certificate``, and from the middleware
    ``forwarded.duplicate_header``); the message says what is
    wrong and where, never what the header contained.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[ForwardedCertificateError], tuple[str, str]]:
        return (type(self), (self.code, str(self)))


def _text(value: HeaderValue, max_bytes: int) -> str:
    """The header as text, after the size check; ASGI gives bytes, WSGI latin-1 str."""
    if isinstance(value, str):
        text, size = value, len(value)
    elif isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        text, size = raw.decode("latin-1"), len(raw)
    else:
        raise TypeError(f"a header value must be str or bytes, got {type(value).__name__}")
    if size > max_bytes:
        raise ForwardedCertificateError(
            "forwarded.too_large",
            f"the header is {size} bytes, over the limit of {max_bytes} (max_bytes)",
        )
    if not text.isascii():
        raise ForwardedCertificateError(
            "forwarded.not_ascii", "the header holds non-ASCII characters; certificates are ASCII"
        )
    return text


def _unquote(text: str, where: str) -> str:
    """Percent-decoding without turning ``+`` into a space: ``+`` is a base64 digit, and
    proxies differ in whether they escape it."""
    # Refuse broken escapes instead of passing them through as urllib does, since a
    # half-decoded value would then fail later with a less precise message.
    i = text.find("%")
    while i != -1:
        hexpair = text[i + 1 : i + 3]
        if len(hexpair) != 2 or any(c not in "0123456789abcdefABCDEF" for c in hexpair):
            raise ForwardedCertificateError(
                "forwarded.bad_escape", f"{where} has a '%' not followed by two hex digits"
            )
        i = text.find("%", i + 3)
    decoded = urllib.parse.unquote_to_bytes(text)
    if not decoded.isascii():
        raise ForwardedCertificateError(
            "forwarded.not_ascii", f"{where} decodes to non-ASCII characters"
        )
    return decoded.decode("ascii")


def _check_der(der: bytes, where: str) -> bytes:
    """Refuses what is not one complete DER SEQUENCE (a truncated or padded certificate),
    and names a private key as such; the validator parses the rest."""
    ok = len(der) >= 2 and der[0] == 0x30
    body = 2
    if ok:
        n = der[1]
        if n < 0x80:
            length = n
        else:
            k = n & 0x7F
            ok = 1 <= k <= 4 and len(der) >= 2 + k
            length = int.from_bytes(der[2 : 2 + k], "big") if ok else 0
            body = 2 + k
        ok = ok and body + length == len(der)
    if not ok:
        raise ForwardedCertificateError(
            "forwarded.not_certificate", f"{where} is not one complete DER certificate"
        )
    # A certificate's first field is the tbsCertificate SEQUENCE; PKCS#1, PKCS#8 and SEC1
    # private keys all start with an INTEGER version instead.
    if len(der) > body and der[body] == 0x02:
        raise ForwardedCertificateError(
            "forwarded.private_key",
            f"{where} is a private key, not a certificate (its content is not shown); "
            "fix the proxy configuration and replace the key",
        )
    return der


def _b64(body: str, where: str) -> bytes:
    compact = "".join(body.split())
    if not compact:
        raise ForwardedCertificateError("forwarded.bad_base64", f"{where} is empty")
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ForwardedCertificateError(
            "forwarded.bad_base64", f"{where} is not valid base64"
        ) from None


def _too_many(count: int, limit: int) -> ForwardedCertificateError:
    return ForwardedCertificateError(
        "forwarded.too_many_certificates",
        f"more than {limit} certificates (max_certificates); refusing the chain",
    )


def _pem_certificates(text: str, where: str, max_certificates: int) -> list[bytes]:
    """Every CERTIFICATE block of `text`, in order. Anything else than whitespace between
    blocks, any other block, or an unterminated block raises: a chain is all or nothing.
    Linear in the input (one pass of `str.find`)."""
    out: list[bytes] = []
    pos = 0
    while True:
        begin = text.find("-----BEGIN ", pos)
        tail = text[pos:] if begin == -1 else text[pos:begin]
        if tail.strip():
            n = len(out) + 1
            what = "after the last certificate" if begin == -1 else f"before certificate {n}"
            if not out and begin == -1:
                what = "where a PEM certificate was expected"
            raise ForwardedCertificateError(
                "forwarded.bad_pem", f"{where} has text outside PEM blocks ({what})"
            )
        if begin == -1:
            return out
        n = len(out) + 1
        label_end = text.find("-----", begin + 11)
        label = text[begin + 11 : label_end] if label_end != -1 else ""
        if label_end == -1 or len(label) > 40 or not label.replace(" ", "").isalnum():
            raise ForwardedCertificateError(
                "forwarded.bad_pem", f"{where}: certificate {n} has a broken BEGIN line"
            )
        end_marker = f"-----END {label}-----"
        end = text.find(end_marker, label_end + 5)
        if "PRIVATE KEY" in label:
            raise ForwardedCertificateError(
                "forwarded.private_key",
                f"{where} holds a private key (block {n}; its content is not shown); "
                "fix the proxy configuration and replace the key",
            )
        if label != "CERTIFICATE":
            raise ForwardedCertificateError(
                "forwarded.bad_pem",
                f"{where}: block {n} is not a CERTIFICATE (only certificates are forwarded)",
            )
        if end == -1:
            raise ForwardedCertificateError(
                "forwarded.bad_pem", f"{where}: certificate {n} has no END line (truncated?)"
            )
        if len(out) >= max_certificates:
            raise _too_many(len(out) + 1, max_certificates)
        body = text[label_end + 5 : end]
        if "-----" in body:
            raise ForwardedCertificateError(
                "forwarded.bad_pem", f"{where}: certificate {n} has no END line before the next block"
            )
        der = _b64(body, f"{where}: certificate {n}")
        out.append(_check_der(der, f"{where}: certificate {n}"))
        pos = end + len(end_marker)


def _url_pem(value: HeaderValue, what: str, max_bytes: int, max_certificates: int) -> list[bytes]:
    text = _text(value, max_bytes).strip()
    if not text:
        return []
    return _pem_certificates(_unquote(text, what), what, max_certificates)


def from_nginx(
    value: HeaderValue,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_certificates: int = DEFAULT_MAX_CERTIFICATES,
) -> list[bytes]:
    """The certificate NGINX forwarded, as DER, leaf first (NGINX forwards the leaf only:
    configure the intermediates on the ``Validator`` or pass them to
    ``validate_presented``).

    ``value``: ``$ssl_client_escaped_cert`` (URL-encoded PEM, the one to use), or the
    deprecated ``$ssl_client_cert`` (raw PEM whose continuation lines start with a tab,
    or with the line breaks unfolded into spaces by the receiving server). An empty
    value (no client certificate) gives ``[]``.
    """
    text = _text(value, max_bytes).strip()
    if not text:
        return []
    if "%" in text:
        # $ssl_client_escaped_cert (raw PEM never holds a '%').
        text = _unquote(text, "the NGINX header")
    return _pem_certificates(text, "the NGINX header", max_certificates)


def from_alb(
    value: HeaderValue,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_certificates: int = DEFAULT_MAX_CERTIFICATES,
) -> list[bytes]:
    """The chain an AWS Application Load Balancer forwarded in ``X-Amzn-Mtls-Clientcert``
    (mTLS passthrough: the whole chain; verify mode's ``X-Amzn-Mtls-Clientcert-Leaf``
    has the same encoding), as DER, leaf first. URL-encoded PEM; ``+``, ``=`` and ``/``
    may appear unescaped."""
    return _url_pem(value, "the ALB header", max_bytes, max_certificates)


def from_traefik(
    value: HeaderValue,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_certificates: int = DEFAULT_MAX_CERTIFICATES,
) -> list[bytes]:
    """The chain Traefik's ``passTLSClientCert`` middleware (``pem: true``) forwarded in
    ``X-Forwarded-Tls-Client-Cert``, as DER, leaf first: base64 DER entries without PEM
    armour or line breaks, separated by ``,`` (older releases URL-encode the value;
    both are accepted)."""
    text = _text(value, max_bytes).strip()
    if not text:
        return []
    if "%" in text:  # never in base64: the value was URL-encoded
        text = _unquote(text, "the Traefik header")
    if "-----" in text:
        raise ForwardedCertificateError(
            "forwarded.bad_pem",
            "the Traefik header holds PEM armour; Traefik sends bare base64 "
            "(use from_nginx or from_alb for PEM)",
        )
    entries = text.split(",")
    if len(entries) > max_certificates:
        raise _too_many(len(entries), max_certificates)
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"the Traefik header: certificate {n}"
        out.append(_check_der(_b64(entry, where), where))
    return out


@dataclass(frozen=True)
class XfccElement:
    """One element of an ``x-forwarded-client-cert`` header: what one Envoy saw of the
    client certificate on its downstream connection.

    ``certificates``: DER, leaf first (``Chain=`` when present, else ``Cert=``; empty
    when the element carries neither). ``by``: the Envoy's own certificate URI SAN;
    ``hash``: the hex SHA-256 of the leaf (checked against the certificate when both
    are present); ``subject``, ``uris``, ``dns``: as Envoy wrote them (informational:
    the certificates are what to validate)."""

    certificates: tuple[bytes, ...] = ()
    by: Optional[str] = None
    hash: Optional[str] = None
    subject: Optional[str] = None
    uris: tuple[str, ...] = ()
    dns: tuple[str, ...] = ()


def _xfcc_split(text: str, max_elements: int) -> list[list[tuple[str, str]]]:
    """Elements (`,`) of key=value pairs (`;`); a value in double quotes may hold `,`
    `;` `=` and backslash-escaped quotes. One pass, bounded by the caller's size check."""
    elements: list[list[tuple[str, str]]] = []
    pairs: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while True:
        # A key up to '='.
        eq = text.find("=", i)
        key = text[i:eq].strip() if eq != -1 else ""
        if eq == -1 or not key or not key.isalpha():
            where = f"element {len(elements) + 1}"
            raise ForwardedCertificateError(
                "forwarded.xfcc_syntax", f"the XFCC header: {where} has a pair that is not key=value"
            )
        i = eq + 1
        if i < n and text[i] == '"':
            # Jump from one quote or backslash to the next (str.find runs in C): a
            # certificate chain is kilobytes between them.
            chunks: list[str] = []
            i += 1
            quote = -1
            while True:
                # Search again only once past the last quote found (an escaped one), so
                # a run of backslashes costs one pass, not one pass each.
                if quote < i:
                    quote = text.find('"', i)
                slash = text.find("\\", i, quote if quote != -1 else n)
                if slash != -1 and slash + 1 < n:
                    chunks.append(text[i:slash])
                    chunks.append(text[slash + 1])
                    i = slash + 2
                    continue
                if quote == -1 or slash != -1:
                    raise ForwardedCertificateError(
                        "forwarded.xfcc_syntax",
                        f"the XFCC header: element {len(elements) + 1} has an unterminated quoted value",
                    )
                chunks.append(text[i:quote])
                i = quote + 1
                break
            value = "".join(chunks)
            while i < n and text[i] in " \t":
                i += 1
            if i < n and text[i] not in ",;":
                raise ForwardedCertificateError(
                    "forwarded.xfcc_syntax",
                    f"the XFCC header: element {len(elements) + 1} has text after a quoted value",
                )
        else:
            found = _SEPARATOR.search(text, i)
            stop = found.start() if found else n
            value = text[i:stop].strip()
            if '"' in value:
                raise ForwardedCertificateError(
                    "forwarded.xfcc_syntax",
                    f"the XFCC header: element {len(elements) + 1} has a stray quote",
                )
            i = stop
        pairs.append((key.lower(), value))
        if len(pairs) > _MAX_PAIRS:
            raise ForwardedCertificateError(
                "forwarded.xfcc_syntax",
                f"the XFCC header: element {len(elements) + 1} has more than {_MAX_PAIRS} pairs",
            )
        if i >= n or text[i] == ",":
            elements.append(pairs)
            pairs = []
            if len(elements) > max_elements:
                raise ForwardedCertificateError(
                    "forwarded.too_many_elements",
                    f"the XFCC header has more than {max_elements} elements (max_elements)",
                )
            if i >= n:
                return elements
        i += 1


def xfcc_elements(
    value: HeaderValue,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_certificates: int = DEFAULT_MAX_CERTIFICATES,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> list[XfccElement]:
    """Every element of an Envoy ``x-forwarded-client-cert`` header, nearest hop first.

    Envoy appends its element (``forward_client_cert_details: APPEND_FORWARD``), so the
    last element in the header is the nearest hop's and comes first here; with
    ``SANITIZE_SET`` there is exactly one. An element that is malformed anywhere makes
    the whole header raise. An empty value gives ``[]``."""
    text = _text(value, max_bytes).strip()
    if not text:
        return []
    raw = _xfcc_split(text, max_elements)
    out = []
    for number, pairs in enumerate(raw, 1):
        fields: dict[str, str] = {}
        uris: list[str] = []
        dns: list[str] = []
        for key, val in pairs:
            if key == "uri":
                uris.append(val)
            elif key == "dns":
                dns.append(val)
            elif key in fields:
                raise ForwardedCertificateError(
                    "forwarded.xfcc_syntax",
                    f"the XFCC header: element {number} repeats a key",
                )
            else:
                fields[key] = val
        where = f"the XFCC header: element {number}"
        cert = (
            _pem_certificates(_unquote(fields["cert"], where), f"{where} Cert", 1)
            if fields.get("cert")
            else []
        )
        chain = (
            _pem_certificates(_unquote(fields["chain"], where), f"{where} Chain", max_certificates)
            if fields.get("chain")
            else []
        )
        if cert and chain and chain[0] != cert[0]:
            raise ForwardedCertificateError(
                "forwarded.xfcc_mismatch", f"{where}: Chain does not start with the Cert"
            )
        certificates = tuple(chain or cert)
        digest = fields.get("hash")
        if digest and certificates and hashlib.sha256(certificates[0]).hexdigest() != digest.lower():
            raise ForwardedCertificateError(
                "forwarded.xfcc_mismatch", f"{where}: Hash is not the SHA-256 of the Cert"
            )
        out.append(
            XfccElement(
                certificates=certificates,
                by=fields.get("by"),
                hash=digest,
                subject=fields.get("subject"),
                uris=tuple(uris),
                dns=tuple(dns),
            )
        )
    out.reverse()
    return out


def from_xfcc(
    value: HeaderValue,
    *,
    hop: Optional[int] = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_certificates: int = DEFAULT_MAX_CERTIFICATES,
    max_elements: int = DEFAULT_MAX_ELEMENTS,
) -> list[bytes]:
    """The certificates of one element of an Envoy ``x-forwarded-client-cert`` header,
    as DER, leaf first.

    ``hop``: which element, counted from the nearest (0: the element the Envoy in front
    of you appended; -1: the first one written, the farthest). With the default
    ``None`` the header must hold exactly one element: with several, which one carries
    the end client's certificate depends on your proxy topology (behind two mTLS Envoys
    the nearest element describes the first Envoy's certificate), so it is an error
    (``forwarded.ambiguous``) rather than a guess. The chosen element must carry
    ``Cert=`` or ``Chain=`` (``forwarded.no_certificate``). An empty value gives ``[]``.
    """
    elements = xfcc_elements(
        value, max_bytes=max_bytes, max_certificates=max_certificates, max_elements=max_elements
    )
    if not elements:
        return []
    if hop is None:
        if len(elements) > 1:
            raise ForwardedCertificateError(
                "forwarded.ambiguous",
                f"the XFCC header has {len(elements)} elements (one per proxy hop); "
                "pass hop= to say which one holds the client's certificate",
            )
        hop = 0
    if not -len(elements) <= hop < len(elements):
        raise ForwardedCertificateError(
            "forwarded.no_certificate",
            f"the XFCC header has {len(elements)} elements; there is no hop {hop}",
        )
    chosen = elements[hop]
    if not chosen.certificates:
        raise ForwardedCertificateError(
            "forwarded.no_certificate", f"the XFCC element of hop {hop} has no Cert or Chain"
        )
    return list(chosen.certificates)
