"""Shared fixtures: the repository's samples and a default validator."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SAMPLES = REPO / "samples"
FIXTURES = REPO / "testkit" / "fixtures"

# `chains` (the certificate factory) is a plain module beside the tests.
sys.path.insert(0, str(HERE))

import chainvet  # noqa: E402


@pytest.fixture(scope="session")
def validator() -> chainvet.Validator:
    return chainvet.Validator()
