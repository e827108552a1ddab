"""WSGI middleware that vets the client certificate of every request (Flask, Django,
any WSGI app).

::

    from chainvet import Validator
    from chainvet.wsgi import ClientCertificateMiddleware

    app.wsgi_app = ClientCertificateMiddleware(
        app.wsgi_app, Validator(trust_store=Path("clients-ca.pem")), source="nginx"
    )

The report lands in ``environ["chainvet.report"]`` and the presented chain (DER, leaf
first) in ``environ["chainvet.chain"]``. See ``python/README.md``; the headers must be
stripped at the edge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
from chainvet.forwarded import DEFAULT_MAX_CERTIFICATES, ForwardedCertificateError

__all__ = ["DEFAULT_HEADERS", "ClientCertificateMiddleware", "Rejection", "json_rejection"]

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 421: "Misdirected Request"}


def _environ_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


class ClientCertificateMiddleware:
    """Vets the client certificate of each request before the app sees it.

    Options as for ``chainvet.asgi.ClientCertificateMiddleware``, except the sources:
    ``"nginx"``, ``"xfcc"``, ``"traefik"``, ``"alb"`` (a header, read from
    ``HTTP_*`` in the environ) or ``"environ"`` (``SSL_CLIENT_CERT`` and
    ``SSL_CLIENT_CERT_CHAIN_0``, ``_1``, ... as Apache mod_ssl exports them with
    ``SSLOptions +ExportCertData``), and ``client_id`` (a header name, or a function of
    the environ). The report lands in ``environ["chainvet.report"]``. Validation runs
    in the request's thread with the GIL released, so a threaded server keeps serving.
    """

    def __init__(
        self,
        app: WSGIApp,
        validator: Validator,
        *,
        source: Literal["nginx", "xfcc", "traefik", "alb", "environ"],
        header: Optional[str] = None,
        hop: Optional[int] = None,
        bindings: Optional[Bindings] = None,
        client_id: Union[str, Callable[[Environ], Optional[str]], None] = None,
        intermediates: Sequence[bytes] = (),
        mode: Optional[Literal["trust-store", "bundle"]] = None,
        offline: Optional[bool] = None,
        on_reject: Optional[Callable[[Rejection], Response]] = None,
        enforce: bool = True,
    ) -> None:
        allowed: tuple[Source, ...] = ("nginx", "xfcc", "traefik", "alb", "environ")
        self.app = app
        self._vetting = Vetting(
            validator, source, header=header, hop=hop, bindings=bindings, client_id=client_id,
            intermediates=intermediates, mode=mode, offline=offline, on_reject=on_reject,
            enforce=enforce, allowed=allowed,
        )
        self._key = _environ_key(self._vetting.header)
        self._client_key = _environ_key(client_id) if isinstance(client_id, str) else None

    def _chain(self, environ: Environ) -> list[bytes]:
        v = self._vetting
        if v.source != "environ":
            # WSGI servers join repeated headers with ","; XFCC and Traefik use "," too,
            # so a duplicate cannot be told apart here: strip them at the edge.
            return v.decode(environ.get(self._key))
        leaf = environ.get("SSL_CLIENT_CERT")
        if not leaf:
            return []
        items = [leaf]
        for n in range(DEFAULT_MAX_CERTIFICATES + 1):
            item = environ.get(f"SSL_CLIENT_CERT_CHAIN_{n}")
            if not item:
                break
            items.append(item)
        return v.pem_list(items)

    def _client(self, environ: Environ) -> Optional[str]:
        if self._client_key is not None:
            value = environ.get(self._client_key)
            return value if isinstance(value, str) else None
        client_id = self._vetting.client_id
        return client_id(environ) if callable(client_id) else None

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        v = self._vetting
        report = None
        rejection: Optional[Rejection] = None
        try:
            chain = self._chain(environ)
        except ForwardedCertificateError as e:
            chain, rejection = [], Rejection(403, (e.code,), detail=str(e))
        environ["chainvet.chain"] = chain
        if rejection is None and not chain:
            rejection = Rejection(403, ("client_certificate.missing",), detail="no client certificate")
        if rejection is None:
            binding, rejection = v.binding(self._client(environ) if v.lookup is not None else None)
        if rejection is None:
            report = v.run(chain, binding)
            rejection = v.judge(report)
        environ["chainvet.report"] = report
        environ["chainvet.rejection"] = rejection
        if rejection is None or not v.enforce:
            return self.app(environ, start_response)
        status, headers, body = v.on_reject(rejection)
        start_response(f"{status} {_REASONS.get(status, 'Rejected')}", list(headers))
        return [body]
