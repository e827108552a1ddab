#!/usr/bin/env bash
# The Python package: `pip install ./python` into a fresh venv (what a user does),
# `maturin build --release` (the abi3 wheel), then pytest and mypy.stubtest against the
# installed package. The venv lives in a temporary directory removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

python=${PYTHON:-python3}
# The revocation tests make every OCSP response and CRL with the real openssl CLI
# (ci.sh installs it); fail here, clearly, rather than halfway through pytest.
command -v openssl >/dev/null || { echo "the Python tests need the openssl CLI" >&2; exit 1; }
# tests/test_nginx.py puts a real NGINX (Debian's package) in front of uvicorn.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  echo "--- installing nginx"
  sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx-light \
    || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/chainvet-python.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv"
venv="$work/venv/bin"
"$venv/pip" install --quiet --upgrade pip
# Versions the suite was written against (a new major release should be a deliberate
# update, not a red CI run).
"$venv/pip" install --quiet "maturin>=1.7,<2" "pytest>=8,<10" "mypy==2.*" "cryptography>=48,<51" \
  "uvicorn>=0.30,<1" "starlette>=0.40,<2" "httpx>=0.27,<1"

echo "--- pip install ./python"
"$venv/pip" install --quiet ./python

echo "--- maturin build --release"
"$venv/maturin" build --release --manifest-path python/Cargo.toml --out "$work/dist" 2>&1 | tail -n 3
wheel=$(ls "$work"/dist/chainvet-*.whl)
# maturin audits the library's glibc symbols and tags the wheel manylinux_2_X (2_34 when
# built on Debian 12); `--zig --compatibility manylinux2014` gives 2_17 (python/README.md).
case "$wheel" in
  *-cp39-abi3-manylinux*) echo "wheel: $(basename "$wheel")" ;;
  *) echo "expected one manylinux abi3 wheel for Python >= 3.9, got: $wheel" >&2; exit 1 ;;
esac

echo "--- import check outside the source tree"
(cd "$work" && "$venv/python" -c 'import chainvet, sys; print("chainvet", chainvet.__version__, "from", chainvet.__file__); sys.exit(not chainvet.Validator().validate(b"").findings)')

echo "--- mypy.stubtest chainvet._native"
(cd python && MYPY_CACHE_DIR="$work/mypy-cache" "$venv/python" -m mypy.stubtest chainvet._native --allowlist stubtest-allowlist.txt)

echo "--- mypy --strict (the tests, the benchmark and the example gateway type-check against the stubs)"
(cd python && "$venv/python" -m mypy --strict --cache-dir "$work/mypy-cache" tests bench examples)

echo "--- pytest"
(cd python && "$venv/python" -m pytest -q -p no:cacheprovider tests)
