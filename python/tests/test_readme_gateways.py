"""python/README.md's gateway examples run as written: forwarded headers, the Starlette
middleware (served by uvicorn on 127.0.0.1), async, codes and pickling."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from typing import Any

import chains
import httpx
import proxies
import servers
from chains import der, pem
from conftest import REPO

import chainvet

NOW = dt.datetime.now(dt.timezone.utc)
LEAF, I1, ROOT = chains.chain(("p256", "p256", "p256"), slot=92, leaf_not_before=NOW - chains.DAY,
                              leaf_not_after=NOW + 365 * chains.DAY)


def blocks() -> list[str]:
    readme = (REPO / "python" / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Gateways", 1)[1]
    found: list[str] = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(found) == 4
    return found


def run(code: str, names: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    out = io.StringIO()
    scope = dict(names)
    with contextlib.redirect_stdout(out):
        exec(compile(code, "python/README.md", "exec"), scope)
    return out.getvalue(), scope


def test_forwarded_example() -> None:
    printed, _ = run(blocks()[0], {"clients_ca_pem": pem([ROOT]),
                                   "xfcc_header": proxies.xfcc_element([LEAF, I1])})
    assert printed.splitlines() == [
        f"True {LEAF.subject.rfc4514_string()}",
        "forwarded.bad_escape - the ALB header has a '%' not followed by two hex digits",
    ]


def test_middleware_example() -> None:
    registry = {"acme": chainvet.Binding([chainvet.Registration.from_certificate(LEAF)])}
    _, scope = run(blocks()[1], {"clients_ca_pem": pem([ROOT]), "registry": registry})
    with servers.asgi(scope["app"]) as url:
        header = proxies.xfcc_element([LEAF, I1])
        ok = httpx.get(url, headers={"x-forwarded-client-cert": header, "x-client-id": "acme"}, timeout=20)
        assert (ok.status_code, ok.text) == (200, f"hello {LEAF.subject.rfc4514_string()}")
        refused = httpx.get(url, headers={"x-forwarded-client-cert": header, "x-client-id": "x"}, timeout=20)
        assert refused.status_code == 403
        assert refused.json()["codes"] == ["binding.no_registered_certificate"]


def test_async_example() -> None:
    validator = chainvet.Validator(trust_store=[ROOT])
    printed, _ = run(blocks()[2], {"validator": validator, "leaf_der": der(LEAF), "intermediates": [der(I1)]})
    assert printed == "True\n"


def test_codes_and_pickle_example() -> None:
    printed, _ = run(blocks()[3], {"reversed_bundle": pem([ROOT, I1, LEAF])})
    assert printed.splitlines() == [f"True {chainvet.codes.CHAIN_ORDER_REVERSED.number}", "True"]
