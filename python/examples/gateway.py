"""An API gateway behind Envoy that vets every client certificate with chainvet.

Envoy terminates mutual TLS and forwards the client's chain in
``x-forwarded-client-cert`` (``forward_client_cert_details: SANITIZE_SET`` with
``set_current_client_cert_details: {cert: true, chain: true}``, so a client can never
smuggle its own header in). This app trusts that header because only Envoy can reach
it; it checks the chain against the clients' CA, binds it to the client named in
``x-client-id``, and answers 403 with the finding codes otherwise.

Run: ``CLIENTS_CA=clients-ca.pem REGISTRY=registry.toml python examples/gateway.py``
(uvicorn on 127.0.0.1:8443). ``mypy --strict`` checks this file in CI.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import chainvet
from chainvet import codes
from chainvet.asgi import ClientCertificateMiddleware, Rejection, json_rejection


async def whoami(request: Request) -> JSONResponse:
    """What the gateway learnt about the caller (only reached when the chain passed)."""
    report: chainvet.Report = request.scope["chainvet.report"]
    leaf = report.certificates[0]
    warnings = [f.code for f in report.findings if f.severity == "warning"]
    return JSONResponse({
        "client": request.headers.get("x-client-id"),
        "subject": leaf.subject,
        "serial": leaf.serial_hex,
        "not_after": leaf.not_after.isoformat(),
        "expires_soon": report.has(codes.VALIDITY_EXPIRES_SOON),
        "warnings": warnings,
    })


def log_rejection(rejection: Rejection) -> tuple[int, list[tuple[str, str]], bytes]:
    """The default 403 JSON, plus a log line with the codes (never the certificate)."""
    print("rejected:", ", ".join(rejection.codes))
    status, headers, body = json_rejection(rejection)
    return status, list(headers), body


def create_app(clients_ca: Path, registry: Optional[Path] = None) -> Starlette:
    validator = chainvet.Validator(
        chainvet.Policy(revocation={"mode": "soft-fail"}),
        trust_store=clients_ca,
        offline=True,  # no OCSP fetches per request; staple or cache responses instead
    )
    bindings = chainvet.Registry.from_file(registry) if registry else None
    return Starlette(
        routes=[Route("/whoami", whoami)],
        middleware=[
            Middleware(
                ClientCertificateMiddleware,
                validator=validator,
                source="xfcc",
                bindings=bindings,
                client_id="x-client-id" if bindings else None,
                on_reject=log_rejection,
            )
        ],
    )


if __name__ == "__main__":
    import uvicorn

    registry = os.environ.get("REGISTRY")
    app = create_app(Path(os.environ["CLIENTS_CA"]), Path(registry) if registry else None)
    uvicorn.run(app, host="127.0.0.1", port=8443)
