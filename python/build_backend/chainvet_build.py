"""The PEP 517 build backend: maturin's, after an up-front check for a Rust toolchain.

Without ``cargo`` on PATH, maturin quietly downloads a temporary Rust toolchain (about
1 GB) and builds for minutes. A user who expected a quick ``pip install`` should hear
that first: this backend stops with a message saying what is missing and what to do,
unless ``CHAINVET_ALLOW_RUST_DOWNLOAD=1`` asks for maturin's download.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import Any, Optional

import maturin
from maturin import (  # noqa: F401 (hooks re-exported unchanged)
    build_sdist,
    get_requires_for_build_sdist,
)

NO_RUST = """
chainvet is built from Rust source, and no Rust toolchain (cargo) is on PATH.

  * Install Rust (https://rustup.rs, Rust 1.88 or newer; rustup puts cargo in
    ~/.cargo/bin), then run pip again. Building the wheel takes about 2 minutes on
    2 cores (release build, first time; about 40 s for a debug build).
  * Or set CHAINVET_ALLOW_RUST_DOWNLOAD=1 to let maturin download a temporary Rust
    toolchain (about 1 GB) for this build.
""".strip("\n")


class RustToolchainMissing(RuntimeError):
    """No ``cargo`` on PATH and no permission to download one."""


def check_rust() -> None:
    """Raises ``RustToolchainMissing`` with instructions when no cargo is available."""
    if shutil.which("cargo") or os.environ.get("CHAINVET_ALLOW_RUST_DOWNLOAD") == "1":
        return
    raise RustToolchainMissing(NO_RUST)


def get_requires_for_build_wheel(config_settings: Optional[Mapping[str, Any]] = None) -> list[str]:
    check_rust()
    return list(maturin.get_requires_for_build_wheel(config_settings))


def get_requires_for_build_editable(config_settings: Optional[Mapping[str, Any]] = None) -> list[str]:
    check_rust()
    return list(maturin.get_requires_for_build_editable(config_settings))


def prepare_metadata_for_build_wheel(
    metadata_directory: str, config_settings: Optional[Mapping[str, Any]] = None
) -> str:
    check_rust()
    return str(maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings))


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Mapping[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    check_rust()
    return str(maturin.build_wheel(wheel_directory, config_settings, metadata_directory))


def build_editable(
    wheel_directory: str,
    config_settings: Optional[Mapping[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    check_rust()
    return str(maturin.build_editable(wheel_directory, config_settings, metadata_directory))


def prepare_metadata_for_build_editable(
    metadata_directory: str, config_settings: Optional[Mapping[str, Any]] = None
) -> str:
    return prepare_metadata_for_build_wheel(metadata_directory, config_settings)
