#!/usr/bin/env bash
# The full test command: installs what the tests need and runs every test (Rust, Python,
# C). CI calls it on a clean clone through .ci/run. Anything it starts (responders,
# servers) listens on 127.0.0.1 only and is stopped on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never
# A clean clone builds the workspace several times over (debug, release, the Python wheel,
# the fuzz targets with coverage instrumentation). Incremental state and full debug info
# would more than double what that leaves on disk, and CI shares its disk: keep line tables
# (file:line in backtraces) and nothing more.
export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=line-tables-only

step() { printf '\n==> %s\n' "$*"; }

# The Rust tests drive the real openssl command line tool (CSRs made by `openssl req`).
if ! command -v openssl >/dev/null 2>&1; then
  step "installing openssl"
  apt-get update -qq && apt-get install -y -qq openssl
fi

# A linker killed by SIGBUS is what a full disk looks like; say how much there was.
df -h . 2>/dev/null | tail -n 1 | awk '{print "disk free at start: " $4}'

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "test prerequisites"
# The revocation tests run the real OpenSSL responder and CA (`openssl ocsp`,
# `openssl ca -gencrl`), served on 127.0.0.1 by the tests themselves.
if ! command -v openssl >/dev/null; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq openssl
fi
openssl version

step "cargo test"
cargo test --workspace --locked

# Further suites (C, Python, OCSP responder, limbo, fuzz smoke) live in ci/*.sh and run
# in name order.
for script in ci/*.sh; do
  [ -e "$script" ] || continue
  step "$script"
  bash "$script"
done

step "all tests passed"
