#!/usr/bin/env bash
# x509-limbo conformance gate: runs the suite through chainvet's trust-store mode and fails
# if fewer cases pass than limbo/floor.txt, or if limbo/exceptions.json does not list
# exactly the cases that do not pass. It is never skipped.
#
# The suite is shared test data (../shared/limbo/limbo-shared.json next to the repository).
# A clean clone may not have ../shared, so an xz copy is committed in limbo/suite/ with its
# SHA-256; when both exist they must be identical. LIMBO_SUITE overrides both.
set -euo pipefail
cd "$(dirname "$0")/.."
expected=$(cat limbo/suite/limbo-shared.json.sha256)
if [ -n "${LIMBO_SUITE:-}" ]; then
  suite=$LIMBO_SUITE
else
  suite=target/limbo/limbo-shared.json
  mkdir -p target/limbo
  if [ ! -f "$suite" ] || [ "$(sha256sum "$suite" | cut -d' ' -f1)" != "$expected" ]; then
    if command -v xz >/dev/null; then
      xz -dc limbo/suite/limbo-shared.json.xz > "$suite"
    else
      python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
        limbo/suite/limbo-shared.json.xz "$suite"
    fi
  fi
  actual=$(sha256sum "$suite" | cut -d' ' -f1)
  if [ "$actual" != "$expected" ]; then
    echo "ci/40-limbo.sh: the committed suite does not match its checksum" >&2
    exit 1
  fi
  shared=../shared/limbo/limbo-shared.json
  if [ -f "$shared" ] && [ "$(sha256sum "$shared" | cut -d' ' -f1)" != "$expected" ]; then
    echo "ci/40-limbo.sh: $shared differs from limbo/suite/: refresh the committed copy" >&2
    exit 1
  fi
fi
if [ ! -f "$suite" ]; then
  echo "ci/40-limbo.sh: the x509-limbo suite is missing at $suite" >&2
  exit 1
fi
cargo run --quiet --locked -p chainvet-limbo -- gate \
  --suite "$suite" --floor limbo/floor.txt --exceptions limbo/exceptions.json
