"""Headers as each proxy writes them, for the forwarded-certificate and middleware tests.

Each encoder follows the proxy's own code or documentation: NGINX escapes
`$ssl_client_escaped_cert` as a URI component and prefixes the continuation lines of the
deprecated `$ssl_client_cert` with a tab; Envoy percent-encodes the PEM in `Cert=` and
`Chain=` and double-quotes values holding `,` `;` `=` (escaping `"` as `\\"`); Traefik
strips the PEM armour and line breaks and joins the certificates with `,`; the ALB
URL-encodes the PEM chain keeping `+`, `=` and `/`.
"""

from __future__ import annotations

import base64
import hashlib
import urllib.parse
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import serialization


def _pem(certs: Sequence[x509.Certificate]) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in certs)


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def nginx_escaped(leaf: x509.Certificate) -> str:
    return urllib.parse.quote(_pem([leaf]), safe="")


def nginx_tabbed(leaf: x509.Certificate) -> str:
    """`$ssl_client_cert`: every line after the first starts with a tab."""
    return _pem([leaf]).rstrip("\n").replace("\n", "\n\t")


def nginx_unfolded(leaf: x509.Certificate) -> str:
    """`$ssl_client_cert` after a server unfolded the continuation lines into spaces."""
    return _pem([leaf]).rstrip("\n").replace("\n", " ")


def xfcc_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def xfcc_element(
    chain: Sequence[x509.Certificate],
    *,
    by: str = "spiffe://cluster.local/ns/edge/sa/envoy",
    subject: str = 'CN=client-1,O=Client "Quoted", GmbH',
    with_chain: bool = True,
    with_cert: bool = True,
    dns: Sequence[str] = ("client.example",),
) -> str:
    parts = [f"By={by}", f"Hash={hashlib.sha256(_der(chain[0])).hexdigest()}"]
    if with_cert:
        parts.append("Cert=" + xfcc_quote(urllib.parse.quote(_pem(chain[:1]), safe="")))
    if with_chain:
        parts.append("Chain=" + xfcc_quote(urllib.parse.quote(_pem(chain), safe="")))
    parts.append("Subject=" + xfcc_quote(subject))
    parts.append("URI=spiffe://example.org/client-1")
    parts.extend(f"DNS={d}" for d in dns)
    return ";".join(parts)


def traefik(chain: Sequence[x509.Certificate]) -> str:
    return ",".join(base64.b64encode(_der(c)).decode() for c in chain)


def traefik_escaped(chain: Sequence[x509.Certificate]) -> str:
    return urllib.parse.quote(traefik(chain), safe="")


def alb(chain: Sequence[x509.Certificate]) -> str:
    return urllib.parse.quote(_pem(chain), safe="+=/")
