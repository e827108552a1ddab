#!/usr/bin/env bash
# Fuzz smoke pass: every cargo-fuzz target for a short time (FUZZ_SMOKE_SECONDS, default
# 20 s each) from the seed corpora, on stable Rust (libFuzzer without a sanitizer). A
# crash fails the step with the input in fuzz/artifacts/. cargo-fuzz is installed from
# crates.io when missing; if that fails the step fails rather than skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-fuzz >/dev/null; then
  echo "installing cargo-fuzz"
  cargo install --locked --quiet cargo-fuzz
fi
fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-20}"
