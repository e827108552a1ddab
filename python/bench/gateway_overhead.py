"""Per-call overhead of each gateway integration path, measured by hand (not in CI):
header decoding (`chainvet.forwarded`), the plain validation of a cached chain, the
thread hop of `avalidate_presented`, and the ASGI / WSGI middleware called in-process
(no sockets) against a bare app.

    python python/bench/gateway_overhead.py   # from the repository root, ~10 s

Prints the median of several rounds, in microseconds per call.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import chains  # noqa: E402
import proxies  # noqa: E402

import chainvet  # noqa: E402
from chainvet import asgi, forwarded, wsgi  # noqa: E402

NOW = chains.dt.datetime.now(chains.UTC)  # type: ignore[attr-defined]
LEAF, I1, I2, ROOT = chains.chain(("p256", "p256", "p256", "p256"), slot=95,
                                  leaf_not_before=NOW - chains.DAY,
                                  leaf_not_after=NOW + 365 * chains.DAY)
PRESENTED = [LEAF, I1, I2]
VALIDATOR = chainvet.Validator(trust_store=[ROOT], offline=True)


def per_call(fn: Callable[[], object], n: int, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(times)


def main() -> None:
    headers = {
        "nginx (leaf)": (forwarded.from_nginx, proxies.nginx_escaped(LEAF)),
        "xfcc (3 certs)": (forwarded.from_xfcc, proxies.xfcc_element(PRESENTED)),
        "traefik (3 certs)": (forwarded.from_traefik, proxies.traefik(PRESENTED)),
        "alb (3 certs)": (forwarded.from_alb, proxies.alb(PRESENTED)),
    }
    for name, (decode, header) in headers.items():
        print(f"decode {name:18} {per_call(lambda: decode(header), 2000):8.1f} us")

    ders = forwarded.from_alb(proxies.alb(PRESENTED))
    VALIDATOR.validate_presented(ders[0], ders[1:])  # warm the caches
    print(f"validate_presented (cached)  {per_call(lambda: VALIDATOR.validate_presented(ders[0], ders[1:]), 2000):8.1f} us")

    async def awaited(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await VALIDATOR.avalidate_presented(ders[0], ders[1:])
        return (time.perf_counter() - start) / n * 1e6

    print(f"avalidate_presented (cached) {statistics.median(asyncio.run(awaited(1000)) for _ in range(5)):8.1f} us")

    async def bare(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guarded = asgi.ClientCertificateMiddleware(bare, VALIDATOR, source="xfcc")
    xfcc = proxies.xfcc_element(PRESENTED).encode()

    async def asgi_calls(app: Any, n: int) -> float:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request"}

        async def send(message: Any) -> None:
            pass

        start = time.perf_counter()
        for _ in range(n):
            scope = {"type": "http", "headers": [(b"x-forwarded-client-cert", xfcc)]}
            await app(scope, receive, send)
        return (time.perf_counter() - start) / n * 1e6

    base = statistics.median(asyncio.run(asgi_calls(bare, 1000)) for _ in range(5))
    full = statistics.median(asyncio.run(asgi_calls(guarded, 1000)) for _ in range(5))
    print(f"ASGI middleware (xfcc)       {full - base:8.1f} us over a bare app ({full:.1f} total)")

    def wsgi_bare(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", [])
        return [b"ok"]

    wguarded = wsgi.ClientCertificateMiddleware(wsgi_bare, VALIDATOR, source="xfcc")
    environ = {"HTTP_X_FORWARDED_CLIENT_CERT": xfcc.decode()}
    wbase = per_call(lambda: wsgi_bare(dict(environ), lambda *a: None), 2000)
    wfull = per_call(lambda: wguarded(dict(environ), lambda *a: None), 2000)
    print(f"WSGI middleware (xfcc)       {wfull - wbase:8.1f} us over a bare app ({wfull:.1f} total)")


if __name__ == "__main__":
    main()
