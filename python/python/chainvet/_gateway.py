"""What the ASGI and WSGI middleware share: where the chain comes from, which
validation runs, the binding lookup and the rejection response."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Optional, Union

from chainvet import forwarded
from chainvet._native import Binding, Registry, Report, Validator

#: Where the middleware finds the client's certificates.
Source = Literal["nginx", "xfcc", "traefik", "alb", "tls", "environ"]

#: The header each proxy format arrives in unless ``header=`` says otherwise.
DEFAULT_HEADERS: Mapping[str, str] = {
    "nginx": "x-ssl-client-cert",
    "xfcc": "x-forwarded-client-cert",
    "traefik": "x-forwarded-tls-client-cert",
    "alb": "x-amzn-mtls-clientcert",
}

#: A binding lookup: a ``Registry``, a mapping, or a function, client id -> ``Binding``.
Bindings = Union[Registry, Mapping[str, Binding], Callable[[str], Optional[Binding]]]


@dataclass(frozen=True)
class Rejection:
    """Why a request was refused, handed to ``on_reject``.

    ``codes``: the report's error codes, or one of ``client_certificate.missing`` (no
    certificate arrived), ``client_id.missing`` (bindings are configured but the request
    names no client) or a ``forwarded.*`` code (the header could not be decoded).
    ``report`` is ``None`` when no validation ran."""

    status: int
    codes: tuple[str, ...]
    report: Optional[Report] = None
    detail: str = field(default="", compare=False)


#: What ``on_reject`` returns: status, headers, body.
Response = tuple[int, Sequence[tuple[str, str]], bytes]


def json_rejection(rejection: Rejection) -> Response:
    """The default response: ``403`` with ``{"error": "client certificate rejected",
    "codes": [...]}``. Codes only: the findings' messages describe the certificate in
    detail and stay in the server's report (the scope / environ)."""
    body = json.dumps(
        {"error": "client certificate rejected", "codes": list(rejection.codes)}
    ).encode()
    return (
        rejection.status,
        [("content-type", "application/json"), ("content-length", str(len(body)))],
        body,
    )


class Vetting:
    """The configuration shared by both middleware; see their docstrings."""

    def __init__(
        self,
        validator: Validator,
        source: Source,
        *,
        header: Optional[str],
        hop: Optional[int],
        bindings: Optional[Bindings],
        client_id: Union[str, Callable[[Any], Optional[str]], None],
        intermediates: Sequence[bytes],
        mode: Optional[Literal["trust-store", "bundle"]],
        offline: Optional[bool],
        on_reject: Optional[Callable[[Rejection], Response]],
        enforce: bool,
        allowed: tuple[Source, ...],
    ) -> None:
        if not isinstance(validator, Validator):
            raise TypeError(f"validator must be a chainvet.Validator, got {type(validator).__name__}")
        if source not in allowed:
            raise ValueError(f"source must be one of {', '.join(allowed)}; got {source!r}")
        if mode is None:
            if validator.trust_anchors == 0:
                raise ValueError(
                    "the Validator has no trust store, so nothing would prove that a client's "
                    "chain comes from your CA: give it Validator(trust_store=...), or pass "
                    "mode='bundle' to vet only the chain's shape (consistency, not trust)"
                )
            mode = "trust-store"
        if mode not in ("trust-store", "bundle"):
            raise ValueError(f"mode must be 'trust-store' or 'bundle'; got {mode!r}")
        if bindings is not None and client_id is None:
            raise ValueError("bindings need client_id= (a header name or a function) to look clients up")
        self.validator = validator
        self.source = source
        self.header = (header or DEFAULT_HEADERS.get(source, "")).lower()
        self.hop = hop
        self.mode = mode
        self.offline = offline
        self.enforce = enforce
        self.on_reject = on_reject or json_rejection
        self.intermediates = [bytes(i) for i in intermediates]
        self.client_id = client_id
        self.lookup: Optional[Callable[[str], Optional[Binding]]] = None
        if bindings is not None:
            get = getattr(bindings, "get", None)
            self.lookup = get if callable(get) else bindings  # type: ignore[assignment]
            if not callable(self.lookup):
                raise TypeError("bindings must be a Registry, a mapping or a function")

    def decode(self, value: Union[str, bytes, None]) -> list[bytes]:
        """The chain in a header value (``[]`` when there is none)."""
        if value is None:
            return []
        if self.source == "nginx":
            return forwarded.from_nginx(value)
        if self.source == "xfcc":
            return forwarded.from_xfcc(value, hop=self.hop)
        if self.source == "traefik":
            return forwarded.from_traefik(value)
        return forwarded.from_alb(value)

    def pem_list(self, items: Sequence[Union[str, bytes]]) -> list[bytes]:
        """The certificates of a list of PEM strings (the ASGI TLS extension, WSGI's
        ``SSL_CLIENT_CERT*``), bounded like a header."""
        if len(items) > forwarded.DEFAULT_MAX_CERTIFICATES:
            raise forwarded.ForwardedCertificateError(
                "forwarded.too_many_certificates",
                f"more than {forwarded.DEFAULT_MAX_CERTIFICATES} certificates; refusing the chain",
            )
        out: list[bytes] = []
        for item in items:
            out.extend(forwarded.from_nginx(item))
        return out

    def binding(self, client: Optional[str]) -> tuple[Optional[Binding], Optional[Rejection]]:
        if self.lookup is None:
            return None, None
        if not client:
            return None, Rejection(403, ("client_id.missing",), detail="no client id in the request")
        found = self.lookup(client)
        # An unknown client is checked against no registrations, so the report says
        # `binding.no_registered_certificate` like any client without one.
        return (found if found is not None else Binding([], client=client)), None

    def run(self, chain: list[bytes], binding: Optional[Binding]) -> Report:
        """The validation, blocking (the ASGI middleware runs it in a thread)."""
        if self.mode == "trust-store":
            return self.validator.validate_presented(
                chain[0], chain[1:] + self.intermediates, binding=binding, offline=self.offline
            )
        return self.validator.validate(chain + self.intermediates, binding=binding, offline=self.offline)

    def judge(self, report: Report) -> Optional[Rejection]:
        if report.accepted:
            return None
        codes = tuple(dict.fromkeys(f.code for f in report.errors))
        return Rejection(403, codes, report)
