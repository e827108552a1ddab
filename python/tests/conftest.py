"""Shared fixtures: the repository's samples, a default validator, and the revocation
test PKI (openssl responder on 127.0.0.1)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SAMPLES = REPO / "samples"
FIXTURES = REPO / "testkit" / "fixtures"

# `chains` (the certificate factory) is a plain module beside the tests.
sys.path.insert(0, str(HERE))

import chainvet  # noqa: E402
from pki import Pki, Responder  # noqa: E402


@pytest.fixture(scope="session")
def validator() -> chainvet.Validator:
    return chainvet.Validator()


@pytest.fixture(scope="session")
def responder() -> Iterator[Responder]:
    """The HTTP side of the test PKI, on 127.0.0.1; stopped when the session ends (also
    after failures)."""
    server = Responder()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pki(responder: Responder, tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """Root, issuing CA and leaves (good, revoked, unknown) with OCSP and CRL served by
    `responder`, every response made by the real `openssl ocsp`."""
    made = Pki(tmp_path_factory.mktemp("pki"), responder.base_url)
    responder.pki = made
    return made
