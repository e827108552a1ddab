#!/usr/bin/env bash
# x509-limbo conformance gate: runs the shared suite through chainvet's trust-store mode
# and fails if fewer cases pass than limbo/floor.txt, or if limbo/exceptions.json does not
# list exactly the cases that do not pass. The suite is shared test data kept next to the
# repository (../shared/limbo/limbo-shared.json; override with LIMBO_SUITE). It is never
# skipped: a missing suite fails this step.
set -euo pipefail
cd "$(dirname "$0")/.."
suite="${LIMBO_SUITE:-../shared/limbo/limbo-shared.json}"
if [ ! -f "$suite" ]; then
  echo "ci/40-limbo.sh: the x509-limbo suite is missing at $suite (set LIMBO_SUITE)" >&2
  exit 1
fi
cargo run --quiet --locked -p chainvet-limbo -- gate \
  --suite "$suite" --floor limbo/floor.txt --exceptions limbo/exceptions.json
