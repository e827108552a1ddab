"""A small PKI whose OCSP responses and CRL are made by the real OpenSSL, for the
revocation tests: the same setup as the Rust tests' `chainvet_testkit::revocation::Pki`.

Certificates are made with pyca/cryptography (valid around the real current time, since
OpenSSL's responder stamps thisUpdate with it); every OCSP response comes from
`openssl ocsp -index index.txt -CA -rsigner -rkey -reqin -respout` and the CRL from
`openssl ca -gencrl`. `Responder` serves them over HTTP on 127.0.0.1 (a random port)
from a thread of the test process, so a validation that fetches while holding the GIL
would deadlock instead of passing. The openssl CLI is required: without it the tests
fail rather than skip.

| leaf | serial | in the CA's index.txt |
|---|---|---|
| `good` | 1001 | valid |
| `revoked` | 1002 | revoked 2026-01-15, keyCompromise |
| `unknown` | 1003 | absent (OCSP says unknown) |
"""

from __future__ import annotations

import datetime as dt
import http.server
import itertools
import subprocess
import threading
from pathlib import Path
from typing import Optional

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

import chains

UTC = dt.timezone.utc
REVOKED_AT = dt.datetime(2026, 1, 15, tzinfo=UTC)
_SEQ = itertools.count()


def openssl(cwd: Path, *args: str) -> bytes:
    """Runs the openssl CLI in `cwd`; raises with its stderr if it fails."""
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


def pem_of(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


class Pki:
    """Root, issuing CA, and leaves `good`, `revoked`, `unknown` whose
    authorityInfoAccess and CRL distribution point name `base_url`."""

    def __init__(self, directory: Path, base_url: str) -> None:
        self.dir = directory
        self.ocsp_url = f"{base_url}/ocsp"
        self.crl_url = f"{base_url}/crl"
        now = dt.datetime.now(UTC).replace(microsecond=0)
        self.root_key = chains.key("p256", 70)
        self.ca_key = chains.key("p256", 71)
        leaf_key = chains.key("p256", 72)
        root_name = chains.name("Revocation Root", (NameOID.ORGANIZATION_NAME, "Example CA"),
                                (NameOID.COUNTRY_NAME, "DE"))
        ca_name = chains.name("Revocation Issuing CA", (NameOID.ORGANIZATION_NAME, "Example CA"),
                              (NameOID.COUNTRY_NAME, "DE"))
        self.root = chains.certificate(root_name, self.root_key, serial=0x01, ca=True,
                                       not_before=now - dt.timedelta(days=3650),
                                       not_after=now + dt.timedelta(days=3650))
        self.ca = chains.certificate(ca_name, self.ca_key, root_name, self.root_key, serial=0x2001,
                                     ca=True, not_before=now - dt.timedelta(days=3650),
                                     not_after=now + dt.timedelta(days=3650))
        pointers = [
            x509.AuthorityInformationAccess([
                x509.AccessDescription(AuthorityInformationAccessOID.OCSP,
                                       x509.UniformResourceIdentifier(self.ocsp_url)),
            ]),
            x509.CRLDistributionPoints([
                x509.DistributionPoint([x509.UniformResourceIdentifier(self.crl_url)], None, None, None),
            ]),
        ]

        def leaf(cn: str, serial: int) -> x509.Certificate:
            subject = chains.name(cn, (NameOID.COUNTRY_NAME, "DE"),
                                  (NameOID.ORGANIZATION_NAME, "Example Client GmbH"))
            return chains.certificate(subject, leaf_key, ca_name, self.ca_key, serial=serial,
                                      not_before=now - dt.timedelta(days=30),
                                      not_after=now + dt.timedelta(days=365), extensions=pointers)

        self.good = leaf("Good Client", 0x1001)
        self.revoked = leaf("Revoked Client", 0x1002)
        self.unknown = leaf("Unknown Client", 0x1003)

        (directory / "ca.pem").write_bytes(pem_of(self.ca))
        (directory / "ca.key").write_bytes(self.ca_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        for label, cert in (("good", self.good), ("revoked", self.revoked), ("unknown", self.unknown)):
            (directory / f"{label}.pem").write_bytes(pem_of(cert))
        (directory / "index.txt").write_text(
            "V\t350101000000Z\t\t1001\tunknown\t/CN=Good Client\n"
            "R\t350101000000Z\t260115000000Z,keyCompromise\t1002\tunknown\t/CN=Revoked Client\n"
        )
        (directory / "ca.cnf").write_text(
            "[ ca ]\ndefault_ca = test_ca\n[ test_ca ]\ndatabase = index.txt\n"
            "default_md = sha256\ndefault_crl_days = 1\ncrl_extensions = crl_ext\n"
            "[ crl_ext ]\nauthorityKeyIdentifier = keyid:always\n"
        )
        openssl(directory, "ca", "-gencrl", "-batch", "-config", "ca.cnf", "-keyfile", "ca.key",
                "-cert", "ca.pem", "-out", "crl.pem")
        openssl(directory, "crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der")
        self.crl_pem = (directory / "crl.pem").read_bytes()
        self.crl_der = (directory / "crl.der").read_bytes()

    def bundle(self, leaf: x509.Certificate) -> bytes:
        """The PEM bundle leaf, CA, root."""
        return chains.pem([leaf, self.ca, self.root])

    def chain(self, leaf: x509.Certificate) -> list[x509.Certificate]:
        """The peer chain leaf first, as a TLS stack hands it over."""
        return [leaf, self.ca, self.root]

    def request(self, leaf: x509.Certificate, *, nonce: bool = False) -> bytes:
        """An OCSP request for `leaf` made by `openssl ocsp -reqout`."""
        n = next(_SEQ)
        (self.dir / f"leaf-{n}.pem").write_bytes(pem_of(leaf))
        openssl(self.dir, "ocsp", "-issuer", "ca.pem", "-cert", f"leaf-{n}.pem",
                "-reqout", f"req-{n}.der", "-nonce" if nonce else "-no_nonce")
        return (self.dir / f"req-{n}.der").read_bytes()

    def respond(self, request: bytes, *, next_update: bool = True) -> bytes:
        """The CA responder's answer to `request`: `openssl ocsp` on index.txt, signed by
        the CA; nextUpdate one day after thisUpdate unless `next_update` is false."""
        n = next(_SEQ)
        (self.dir / f"in-{n}.der").write_bytes(request)
        args = ["ocsp", "-index", "index.txt", "-CA", "ca.pem", "-rsigner", "ca.pem",
                "-rkey", "ca.key", "-reqin", f"in-{n}.der", "-respout", f"out-{n}.der"]
        if next_update:
            args += ["-ndays", "1"]
        openssl(self.dir, *args)
        return (self.dir / f"out-{n}.der").read_bytes()

    def response(self, leaf: x509.Certificate) -> bytes:
        """An OCSP response for `leaf`, request and response both made by openssl."""
        return self.respond(self.request(leaf))


class Responder:
    """An HTTP server on 127.0.0.1 (random port) answering OCSP POSTs at /ocsp with
    `Pki.respond` and serving the CRL at /crl. Stop it with `stop()`."""

    def __init__(self) -> None:
        self.pki: Optional[Pki] = None
        self.requests: list[str] = []
        responder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                responder.requests.append(self.path)
                if self.path != "/ocsp" or responder.pki is None:
                    self.send_error(404)
                    return
                self.reply(responder.pki.respond(body), "application/ocsp-response")

            def do_GET(self) -> None:  # noqa: N802
                responder.requests.append(self.path)
                if self.path != "/crl" or responder.pki is None:
                    self.send_error(404)
                    return
                self.reply(responder.pki.crl_der, "application/pkix-crl")

            def reply(self, body: bytes, content_type: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
