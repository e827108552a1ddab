"""End to end behind a real NGINX on 127.0.0.1: NGINX terminates mutual TLS (requests a
client certificate, leaves the verdict to chainvet: `ssl_verify_client optional_no_ca`)
and forwards `$ssl_client_escaped_cert` to uvicorn serving a Starlette app behind
`chainvet.asgi.ClientCertificateMiddleware`. ci/10-python.sh installs nginx if missing."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import chains
import httpx
import pytest
import servers
from chains import pem
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

import chainvet
from chainvet.asgi import ClientCertificateMiddleware

NOW = dt.datetime.now(dt.timezone.utc)
LEAF, I1, ROOT = chains.chain(("p256", "p256", "p256"), slot=96, leaf_not_before=NOW - chains.DAY,
                              leaf_not_after=NOW + 365 * chains.DAY)
OTHER = chains.chain(("p256", "p256", "p256"), slot=97, leaf_not_before=NOW - chains.DAY,
                     leaf_not_after=NOW + 365 * chains.DAY)


def key_pem(slot: int) -> bytes:
    return chains.key("p256", slot).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


async def hello(request: Request) -> PlainTextResponse:
    report = request.scope["chainvet.report"]
    return PlainTextResponse(report.certificates[0].subject)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture()
def nginx(tmp_path: Path) -> Iterator[str]:
    """NGINX in front of uvicorn; yields the HTTPS base URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(binary).exists(), "nginx is required (ci/10-python.sh installs it)"
    server_leaf, server_ca = chains.chain(("p256", "p256"), slot=98)
    (tmp_path / "server.pem").write_bytes(pem([server_leaf, server_ca]))
    (tmp_path / "server.key").write_bytes(key_pem(980))
    (tmp_path / "ca.pem").write_bytes(pem([ROOT]))
    # NGINX forwards the leaf only: the validator knows the intermediate.
    validator = chainvet.Validator(trust_store=[ROOT], intermediates=[I1], offline=True)
    app = Starlette(routes=[Route("/", hello)], middleware=[Middleware(
        ClientCertificateMiddleware, validator=validator, source="nginx")])
    with servers.asgi(app) as upstream:
        port = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(f"""
daemon off;
master_process off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {tmp_path}/server.pem;
        ssl_certificate_key {tmp_path}/server.key;
        ssl_client_certificate {tmp_path}/ca.pem;
        ssl_verify_client optional_no_ca;
        location / {{
            proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
            proxy_pass {upstream};
        }}
    }}
}}
""")
        proc = subprocess.Popen([binary, "-p", str(tmp_path), "-c", str(conf)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 20
            while not (tmp_path / "nginx.pid").exists():
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else b""
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
            yield f"https://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def client(tmp_path: Path, chain: Optional[list[x509.Certificate]], key_slot: int) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the test is about the client's certificate
    if chain is not None:
        (tmp_path / f"client-{key_slot}.pem").write_bytes(pem(chain))
        (tmp_path / f"client-{key_slot}.key").write_bytes(key_pem(key_slot))
        ctx.load_cert_chain(tmp_path / f"client-{key_slot}.pem", tmp_path / f"client-{key_slot}.key")
    return ctx


def test_behind_real_nginx(nginx: str, tmp_path: Path) -> None:
    good = httpx.get(nginx, verify=client(tmp_path, [LEAF, I1], 960), timeout=20)
    assert (good.status_code, good.text) == (200, LEAF.subject.rfc4514_string())
    stranger = httpx.get(nginx, verify=client(tmp_path, OTHER[:2], 970), timeout=20)
    assert stranger.status_code == 403 and stranger.json()["codes"]
    anonymous = httpx.get(nginx, verify=client(tmp_path, None, 0), timeout=20)
    assert anonymous.json()["codes"] == ["client_certificate.missing"]
