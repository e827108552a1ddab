"""The example gateway (`python/examples/gateway.py`) behind uvicorn on 127.0.0.1, with
requests carrying an Envoy XFCC header: the shipped example works as documented."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType

import chains
import httpx
import proxies
import servers
from chains import pem
from conftest import HERE

NOW = dt.datetime.now(dt.timezone.utc)
LEAF, I1, ROOT = chains.chain(("p256", "p256", "p256"), slot=90, leaf_not_before=NOW - chains.DAY,
                              leaf_not_after=NOW + 365 * chains.DAY)
STRANGER = chains.chain(("p256", "p256", "p256"), slot=91, leaf_not_before=NOW - chains.DAY,
                        leaf_not_after=NOW + 365 * chains.DAY)


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gateway", HERE.parent / "examples" / "gateway.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_gateway(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_bytes(pem([ROOT]))
    (tmp_path / "acme.pem").write_bytes(pem([LEAF]))
    (tmp_path / "registry.toml").write_text('[clients.acme]\ncertificates = ["acme.pem"]\n')
    app = example().create_app(tmp_path / "ca.pem", tmp_path / "registry.toml")
    header = proxies.xfcc_element([LEAF, I1])
    with servers.asgi(app) as url:
        ok = httpx.get(f"{url}/whoami", headers={"x-forwarded-client-cert": header,
                                                  "x-client-id": "acme"}, timeout=20)
        assert ok.status_code == 200, ok.text
        assert ok.json()["subject"] == LEAF.subject.rfc4514_string()
        assert ok.json()["expires_soon"] is False
        stranger = httpx.get(f"{url}/whoami", headers={
            "x-forwarded-client-cert": proxies.xfcc_element(STRANGER[:2]), "x-client-id": "acme"}, timeout=20)
        assert stranger.status_code == 403 and stranger.json()["codes"]
        anonymous = httpx.get(f"{url}/whoami", headers={"x-forwarded-client-cert": header}, timeout=20)
        assert anonymous.json()["codes"] == ["client_id.missing"]
