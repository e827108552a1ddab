"""`chainvet.asgi` and `chainvet.wsgi` middleware behind real servers on 127.0.0.1:
uvicorn serving a Starlette app, and wsgiref's threaded server serving a WSGI app, with
requests (httpx) carrying the headers each proxy writes, and the attacker's requests."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import urllib.parse
from collections.abc import Iterable
from typing import Any, Callable

import chains
import httpx
import proxies
import pytest
import servers
from chains import der
from cryptography.hazmat.primitives import hashes, serialization
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import chainvet
from chainvet import asgi, wsgi
from chainvet._gateway import Rejection, Response

# Valid around the real current time: the servers validate "now".
NOW = dt.datetime.now(dt.timezone.utc)
LEAF, I1, ROOT = chains.chain(("p256", "p256", "p256"), slot=50,
                              leaf_not_before=NOW - chains.DAY,
                              leaf_not_after=NOW + 365 * chains.DAY)
OTHER_LEAF, OTHER_I1, _ = chains.chain(("p256", "p256", "p256"), slot=51,
                                       leaf_not_before=NOW - chains.DAY,
                                       leaf_not_after=NOW + 365 * chains.DAY)
TRUSTING = chainvet.Validator(trust_store=[ROOT])
HEADERS: dict[str, tuple[str, Callable[[list[Any]], str]]] = {
    "nginx": ("x-ssl-client-cert", lambda c: proxies.nginx_escaped(c[0])),
    "xfcc": ("x-forwarded-client-cert", proxies.xfcc_element),
    "traefik": ("x-forwarded-tls-client-cert", proxies.traefik),
    "alb": ("x-amzn-mtls-clientcert", proxies.alb),
}
REGISTRY = {"acme": chainvet.Binding([chainvet.Registration.from_certificate(LEAF)], client="acme"),
            "other": chainvet.Binding([chainvet.Registration.from_certificate(OTHER_LEAF)])}


async def whoami(request: Request) -> JSONResponse:
    report = request.scope["chainvet.report"]
    rejection = request.scope["chainvet.rejection"]
    return JSONResponse({
        "accepted": None if report is None else report.accepted,
        "leaf": None if report is None else report.certificates[0].subject,
        "chain": len(request.scope["chainvet.chain"]),
        "rejected": None if rejection is None else list(rejection.codes),
    })


def starlette(**options: Any) -> Starlette:
    options.setdefault("validator", TRUSTING)
    return Starlette(routes=[Route("/", whoami)],
                     middleware=[Middleware(asgi.ClientCertificateMiddleware, **options)])


def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    report = environ["chainvet.report"]
    rejection = environ["chainvet.rejection"]
    body = json.dumps({
        "accepted": None if report is None else report.accepted,
        "leaf": None if report is None else report.certificates[0].subject,
        "chain": len(environ["chainvet.chain"]),
        "rejected": None if rejection is None else list(rejection.codes),
    }).encode()
    start_response("200 OK", [("content-type", "application/json")])
    return [body]


def wsgi_stack(**options: Any) -> wsgi.ClientCertificateMiddleware:
    options.setdefault("validator", TRUSTING)
    return wsgi.ClientCertificateMiddleware(wsgi_app, **options)


def serve(kind: str, **options: Any) -> Any:
    if kind == "asgi":
        return servers.asgi(starlette(**options))
    return servers.wsgi(wsgi_stack(**options))


KINDS = ["asgi", "wsgi"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("source", sorted(HEADERS))
class TestEachProxyFormat:
    def test_good_chain_reaches_the_app_with_its_report(self, kind: str, source: str) -> None:
        name, encode = HEADERS[source]
        with serve(kind, source=source, intermediates=[der(I1)]) as url:
            got = httpx.get(url, headers={name: encode([LEAF, I1])}, timeout=20)
            assert got.status_code == 200, got.text
            body = got.json()
            assert body["accepted"] is True
            assert body["leaf"] == LEAF.subject.rfc4514_string()
            assert body["rejected"] is None

            # A chain from another CA: 403 with the report's error codes, no app call.
            got = httpx.get(url, headers={name: encode([OTHER_LEAF, OTHER_I1])}, timeout=20)
            assert got.status_code == 403
            assert got.headers["content-type"] == "application/json"
            codes = got.json()["codes"]
            assert codes and all("." in c for c in codes)
            assert "leaf" not in got.json()

            # No header: the client presented nothing.
            got = httpx.get(url, timeout=20)
            assert (got.status_code, got.json()["codes"]) == (403, ["client_certificate.missing"])

            # A header the proxy could not have written.
            got = httpx.get(url, headers={name: "!!!%%%"}, timeout=20)
            assert got.status_code == 403
            assert got.json()["codes"][0].startswith("forwarded.")


@pytest.mark.parametrize("kind", KINDS)
class TestMiddlewareOptions:
    def test_binding_lookup_by_client_header(self, kind: str) -> None:
        name, encode = HEADERS["xfcc"]
        with serve(kind, source="xfcc", bindings=REGISTRY, client_id="x-client-id") as url:
            ok = httpx.get(url, headers={name: encode([LEAF, I1]), "x-client-id": "acme"}, timeout=20)
            assert ok.status_code == 200, ok.text
            # The right CA, the wrong client: the leaf is not the one "other" registered.
            wrong = httpx.get(url, headers={name: encode([LEAF, I1]), "x-client-id": "other"}, timeout=20)
            assert wrong.status_code == 403
            assert any(c.startswith("binding.") for c in wrong.json()["codes"])
            unknown = httpx.get(url, headers={name: encode([LEAF, I1]), "x-client-id": "nobody"}, timeout=20)
            assert "binding.no_registered_certificate" in unknown.json()["codes"]
            anonymous = httpx.get(url, headers={name: encode([LEAF, I1])}, timeout=20)
            assert anonymous.json()["codes"] == ["client_id.missing"]

    def test_registry_object_and_function_lookups(self, kind: str) -> None:
        registry = chainvet.Registry.from_json(json.dumps(
            {"clients": {"acme": {"sha256": [LEAF.fingerprint(hashes.SHA256()).hex()]}}}))
        name, encode = HEADERS["alb"]
        for bindings in (registry, REGISTRY.get):
            with serve(kind, source="alb", bindings=bindings,
                       client_id=lambda env: "acme") as url:
                ok = httpx.get(url, headers={name: encode([LEAF, I1])}, timeout=20)
                assert ok.status_code == 200, ok.text

    def test_enforce_false_hands_the_rejection_to_the_app(self, kind: str) -> None:
        name, encode = HEADERS["traefik"]
        with serve(kind, source="traefik", enforce=False) as url:
            got = httpx.get(url, headers={name: encode([OTHER_LEAF, OTHER_I1])}, timeout=20)
            assert got.status_code == 200
            assert got.json()["accepted"] is False and got.json()["rejected"]
            got = httpx.get(url, timeout=20)
            assert got.json() == {"accepted": None, "leaf": None, "chain": 0,
                                  "rejected": ["client_certificate.missing"]}

    def test_custom_rejection_and_header_name(self, kind: str) -> None:
        seen: list[Rejection] = []

        def teapot(rejection: Rejection) -> Response:
            seen.append(rejection)
            return 401, [("x-why", ",".join(rejection.codes))], b"no"

        with serve(kind, source="nginx", header="X-Client-Cert", on_reject=teapot) as url:
            got = httpx.get(url, headers={"x-client-cert": proxies.nginx_escaped(OTHER_LEAF)}, timeout=20)
            assert (got.status_code, got.text) == (401, "no")
            assert got.headers["x-why"] == ",".join(seen[0].codes)
            assert seen[0].report is not None and not seen[0].report.accepted
            ok = httpx.get(url, headers={"x-client-cert": proxies.nginx_escaped(LEAF)}, timeout=20)
            # NGINX forwards the leaf only and no intermediates are configured here.
            assert ok.status_code == 401

    def test_private_key_in_the_header_is_not_echoed(self, kind: str) -> None:
        key_pem = chains.key("p256", 501).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode()
        with serve(kind, source="alb") as url:
            header = proxies.alb([LEAF]) + urllib.parse.quote(key_pem)
            got = httpx.get(url, headers={HEADERS["alb"][0]: header}, timeout=20)
            assert got.json()["codes"] == ["forwarded.private_key"]
            assert key_pem.splitlines()[1][:20] not in got.text


def test_asgi_duplicate_header_is_refused() -> None:
    name, encode = HEADERS["xfcc"]
    with servers.asgi(starlette(source="xfcc", bindings=REGISTRY, client_id="x-client-id")) as url:
        got = httpx.get(url, headers=[(name, encode([LEAF, I1])), (name, encode([LEAF, I1])),
                                      ("x-client-id", "acme")], timeout=20)
        assert got.json()["codes"] == ["forwarded.duplicate_header"]
        # Two client ids: refused the same way (not a server error).
        got = httpx.get(url, headers=[(name, encode([LEAF, I1])), ("x-client-id", "acme"),
                                      ("x-client-id", "other")], timeout=20)
        assert (got.status_code, got.json()["codes"]) == (403, ["forwarded.duplicate_header"])


def test_wsgi_mod_ssl_environ() -> None:
    """`SSL_CLIENT_CERT` / `SSL_CLIENT_CERT_CHAIN_n` as Apache mod_ssl exports them; the
    server here is wsgiref, so a wrapper plays mod_ssl's part."""
    stack = wsgi_stack(source="environ")

    def mod_ssl(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        certs = {"leaf": [LEAF, I1], "other": [OTHER_LEAF, OTHER_I1]}.get(environ["PATH_INFO"][1:], [])
        pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in certs]
        if pems:
            environ["SSL_CLIENT_CERT"] = pems[0]
            for n, pem in enumerate(pems[1:]):
                environ[f"SSL_CLIENT_CERT_CHAIN_{n}"] = pem
        return stack(environ, start_response)

    with servers.wsgi(mod_ssl) as url:
        got = httpx.get(url + "/leaf", timeout=20)
        assert (got.status_code, got.json()["chain"]) == (200, 2)
        assert httpx.get(url + "/other", timeout=20).status_code == 403
        assert httpx.get(url + "/none", timeout=20).json()["codes"] == ["client_certificate.missing"]


def test_asgi_tls_extension_and_lifespan_passthrough() -> None:
    """The ASGI TLS extension (`client_cert_chain`, PEM strings) with a direct ASGI call:
    uvicorn does not implement the extension."""
    calls: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        calls.append(dict(scope))

    middleware = asgi.ClientCertificateMiddleware(app, TRUSTING, source="tls")
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request"}

    pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in (LEAF, I1)]
    scope = {"type": "http", "headers": [], "extensions": {"tls": {"client_cert_chain": pems}}}
    asyncio.run(middleware(scope, receive, send))
    assert calls[-1]["chainvet.report"].accepted and not sent
    asyncio.run(middleware({"type": "lifespan"}, receive, send))
    assert "chainvet.report" not in calls[-1]
    asyncio.run(middleware({"type": "websocket", "headers": []}, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1008}]


def test_without_trust_store_the_mode_must_be_chosen() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        pass

    with pytest.raises(ValueError, match="trust_store"):
        asgi.ClientCertificateMiddleware(app, chainvet.Validator(), source="xfcc")
    with pytest.raises(ValueError, match="trust_store"):
        wsgi.ClientCertificateMiddleware(wsgi_app, chainvet.Validator(), source="environ")
    with pytest.raises(ValueError, match="source"):
        wsgi.ClientCertificateMiddleware(wsgi_app, TRUSTING, source="tls")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="client_id"):
        wsgi.ClientCertificateMiddleware(wsgi_app, TRUSTING, source="nginx", bindings=REGISTRY)
    # Bundle mode, chosen explicitly: the chain's own root anchors it (shape, not trust).
    with servers.wsgi(wsgi_stack(validator=chainvet.Validator(), source="alb", mode="bundle")) as url:
        got = httpx.get(url, headers={HEADERS["alb"][0]: proxies.alb([LEAF, I1, ROOT])}, timeout=20)
        assert got.status_code == 200, got.text
