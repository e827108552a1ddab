#!/usr/bin/env bash
# Runs each fuzz target for a fixed time, one after the other (the machine is shared: one
# fuzzer at a time), seeding its corpus from samples/ and the test fixtures first.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     default: 600 s, every target
#
# Stable Rust: libFuzzer without a sanitizer (`-s none`). FUZZ_ASAN=1 adds AddressSanitizer
# through RUSTC_BOOTSTRAP=1 (about 10x slower). Each target's libFuzzer log goes to
# fuzz/logs/TARGET.log; a crash stops the run with the input in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-600}"
[ $# -gt 0 ] && shift
if ! command -v cargo-fuzz >/dev/null; then
  echo "fuzz/run.sh: cargo-fuzz is missing: cargo install --locked cargo-fuzz" >&2
  exit 1
fi
if [ "${FUZZ_ASAN:-0}" = 1 ]; then
  export RUSTC_BOOTSTRAP=1
  sanitizer=(-s address)
else
  sanitizer=(-s none)
fi
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo fuzz list); fi

seed() {
  local target=$1 dir=corpus/$1
  mkdir -p "$dir"
  case "$target" in
    check_pem | parse_der | c_abi)
      cp -n ../samples/* ../testkit/fixtures/*.pem "$dir"/ 2>/dev/null || true ;;
    policy_toml)
      cp -n seeds/policy/* "$dir"/ 2>/dev/null || true ;;
    *)
      cp -n seeds/"$target"/* "$dir"/ 2>/dev/null || true ;;
  esac
  if [ "$target" = parse_der ]; then
    # DER seeds: every certificate of the samples, decoded.
    local n=0
    for pem in ../samples/*.pem; do
      awk '/-----BEGIN CERTIFICATE-----/{f=1;next}/-----END CERTIFICATE-----/{f=0;print "--";next}f' "$pem" |
        awk -v out="$dir/der-$(basename "$pem" .pem)" 'BEGIN{RS="--\n"} NF{print > (out "-" NR ".b64")}'
    done
    for b in "$dir"/*.b64; do [ -e "$b" ] && base64 -d "$b" > "${b%.b64}.der" 2>/dev/null; rm -f "$b"; n=$((n + 1)); done
  fi
}

mkdir -p logs
cargo fuzz build "${sanitizer[@]}" >/dev/null
for t in "${targets[@]}"; do
  seed "$t"
  echo "== $t: ${secs}s"
  cargo fuzz run "${sanitizer[@]}" "$t" "corpus/$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"logs/$t.log" 2>&1 || { tail -n 40 "logs/$t.log"; echo "fuzz/run.sh: $t FAILED" >&2; exit 1; }
  grep -E "^(Done|stat::number_of_executed_units)" "logs/$t.log" | sed "s/^/   /"
done
