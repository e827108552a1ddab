#!/usr/bin/env bash
# The full test command: installs what the tests need and runs every test (Rust, Python,
# C). CI calls it on a clean clone through .ci/run. Anything it starts (responders,
# servers) listens on 127.0.0.1 only and is stopped on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }

# The Rust tests drive the real openssl command line tool (CSRs made by `openssl req`).
if ! command -v openssl >/dev/null 2>&1; then
  step "installing openssl"
  apt-get update -qq && apt-get install -y -qq openssl
fi

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
