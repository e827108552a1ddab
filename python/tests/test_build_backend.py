"""The build backend stops up front, with instructions, when no Rust toolchain is on
PATH (instead of maturin's silent toolchain download), and otherwise is maturin's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import HERE

PACKAGE = HERE.parent
# Only the system directories: no ~/.cargo/bin.
NO_CARGO_PATH = "/usr/bin:/bin"


@pytest.fixture(autouse=True)
def _no_system_cargo() -> None:
    assert shutil.which("cargo", path=NO_CARGO_PATH) is None, "cargo is installed system-wide"


def backend(call: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = f"import sys; sys.path.insert(0, 'build_backend'); import chainvet_build as b; print(b.{call})"
    return subprocess.run([sys.executable, "-c", code], cwd=PACKAGE, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PATH": NO_CARGO_PATH, **env})


def test_hooks_refuse_without_cargo() -> None:
    for call in ("get_requires_for_build_wheel()", "get_requires_for_build_editable()",
                 "prepare_metadata_for_build_wheel('/nonexistent')", "build_wheel('/nonexistent')"):
        done = backend(call)
        assert done.returncode != 0
        assert "RustToolchainMissing" in done.stderr and "no Rust toolchain (cargo) is on PATH" in done.stderr
        assert "https://rustup.rs" in done.stderr and "CHAINVET_ALLOW_RUST_DOWNLOAD=1" in done.stderr


def test_the_download_can_be_allowed_and_cargo_passes() -> None:
    allowed = backend("check_rust()", CHAINVET_ALLOW_RUST_DOWNLOAD="1")
    assert allowed.returncode == 0, allowed.stderr
    cargo_dir = os.path.dirname(shutil.which("cargo") or "")
    assert cargo_dir, "the test machine builds the package, so it has cargo"
    with_cargo = backend("get_requires_for_build_wheel()", PATH=f"{cargo_dir}:{NO_CARGO_PATH}")
    assert with_cargo.returncode == 0, with_cargo.stderr


def test_pip_install_says_so_up_front(tmp_path: object) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps",
         "--target", str(tmp_path), str(PACKAGE)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PATH": NO_CARGO_PATH, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert done.returncode != 0
    assert "no Rust toolchain (cargo) is on PATH" in done.stdout + done.stderr
