"""ASGI middleware that vets the client certificate of every request (Starlette,
FastAPI, Quart, any ASGI app).

::

    from chainvet import Validator
    from chainvet.asgi import ClientCertificateMiddleware

    app = ClientCertificateMiddleware(
        app, Validator(trust_store=Path("clients-ca.pem")), source="xfcc"
    )

The report lands in ``scope["chainvet.report"]`` (Starlette: ``request.scope[...]``) and
the presented chain (DER, leaf first) in ``scope["chainvet.chain"]``. See
``python/README.md`` for every option; the headers must be stripped at the edge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, MutableMapping, Sequence
from typing import Any, Callable, Literal, Optional, Union

from chainvet._gateway import (
    DEFAULT_HEADERS,
    Bindings,
    Rejection,
    Response,
    Source,
    Vetting,
    json_rejection,
)
from chainvet._native import Validator
from chainvet.forwarded import ForwardedCertificateError

__all__ = ["DEFAULT_HEADERS", "ClientCertificateMiddleware", "Rejection", "json_rejection"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ClientCertificateMiddleware:
    """Vets the client certificate of each HTTP and WebSocket request before the app
    sees it.

    ``validator``: a ``Validator`` with a ``trust_store`` (trust-store mode,
    ``validate_presented``: the leaf plus the forwarded intermediates and
    ``intermediates`` against your roots). A validator without one raises
    ``ValueError`` unless ``mode="bundle"`` is passed, which vets the chain's shape only
    (``validate``; consistency, not trust).

    ``source``: ``"nginx"``, ``"xfcc"``, ``"traefik"`` or ``"alb"`` (a header in that
    proxy's format, named by ``header=`` or the default in ``DEFAULT_HEADERS``; ``hop``
    picks the XFCC element), or ``"tls"`` (the ASGI TLS extension's
    ``client_cert_chain``, when the server terminates TLS itself).

    ``bindings`` (a ``Registry``, a mapping or a function: client id -> ``Binding``) with
    ``client_id`` (a header name, or a function of the scope) also checks that the leaf
    is one the client registered; an unknown client is checked against no registration
    (``binding.no_registered_certificate``) and a request without a client id is refused
    (``client_id.missing``).

    Refused requests get ``on_reject(rejection)`` (default ``json_rejection``: 403 and
    the error codes as JSON); with ``enforce=False`` every request reaches the app with
    ``scope["chainvet.report"]`` (``None`` when there was no certificate) and
    ``scope["chainvet.rejection"]``. Validation runs in a worker thread
    (``asyncio.to_thread``, as ``Validator.avalidate_presented`` does) with the GIL
    released, so the event loop keeps serving other requests meanwhile. ``offline``
    (default: the validator's ``offline``) skips revocation fetches when true.
    Lifespan and other scope types pass through untouched.
    """

    def __init__(
        self,
        app: ASGIApp,
        validator: Validator,
        *,
        source: Literal["nginx", "xfcc", "traefik", "alb", "tls"],
        header: Optional[str] = None,
        hop: Optional[int] = None,
        bindings: Optional[Bindings] = None,
        client_id: Union[str, Callable[[Scope], Optional[str]], None] = None,
        intermediates: Sequence[bytes] = (),
        mode: Optional[Literal["trust-store", "bundle"]] = None,
        offline: Optional[bool] = None,
        on_reject: Optional[Callable[[Rejection], Response]] = None,
        enforce: bool = True,
    ) -> None:
        allowed: tuple[Source, ...] = ("nginx", "xfcc", "traefik", "alb", "tls")
        self.app = app
        self._vetting = Vetting(
            validator, source, header=header, hop=hop, bindings=bindings, client_id=client_id,
            intermediates=intermediates, mode=mode, offline=offline, on_reject=on_reject,
            enforce=enforce, allowed=allowed,
        )
        self._header = self._vetting.header.encode("latin-1")
        self._client_header = client_id.lower().encode("latin-1") if isinstance(client_id, str) else None

    def _headers(self, scope: Scope, name: bytes) -> Optional[bytes]:
        found = [v for k, v in scope.get("headers", ()) if k.lower() == name]
        if len(found) > 1:
            # Two copies: one was not stripped at the edge. Never pick one.
            raise ForwardedCertificateError(
                "forwarded.duplicate_header",
                f"the {name.decode('latin-1')} header appears more than once",
            )
        return found[0] if found else None

    def _chain(self, scope: Scope) -> list[bytes]:
        v = self._vetting
        if v.source == "tls":
            tls = (scope.get("extensions") or {}).get("tls") or {}
            chain = tls.get("client_cert_chain") or ()
            return v.pem_list(list(chain))
        return v.decode(self._headers(scope, self._header))

    def _client(self, scope: Scope) -> Optional[str]:
        v = self._vetting
        if self._client_header is not None:
            raw = self._headers(scope, self._client_header)
            return raw.decode("latin-1") if raw is not None else None
        if callable(v.client_id):
            return v.client_id(scope)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        v = self._vetting
        report = None
        rejection: Optional[Rejection] = None
        binding = None
        try:
            chain = self._chain(scope)
            if chain and v.lookup is not None:
                binding, rejection = v.binding(self._client(scope))
        except ForwardedCertificateError as e:
            chain, rejection = [], Rejection(403, (e.code,), detail=str(e))
        scope["chainvet.chain"] = chain
        if rejection is None and not chain:
            rejection = Rejection(403, ("client_certificate.missing",), detail="no client certificate")
        if rejection is None:
            report = await asyncio.to_thread(v.run, chain, binding)
            rejection = v.judge(report)
        scope["chainvet.report"] = report
        scope["chainvet.rejection"] = rejection
        if rejection is None or not v.enforce:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            # Before the handshake is accepted: close with "policy violation".
            await send({"type": "websocket.close", "code": 1008})
            return
        status, headers, body = v.on_reject(rejection)
        await send({
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode("latin-1"), val.encode("latin-1")) for k, val in headers],
        })
        await send({"type": "http.response.body", "body": body})
