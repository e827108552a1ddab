#!/usr/bin/env bash
# The C ABI suite: builds libchainvet (debug), fails if include/chainvet.h differs from
# what cbindgen 0.29.4 generates, checks the header compiles as C11, C2x and C++17 and
# that every exported function is exercised by the C tests, runs the C unit tests under
# AddressSanitizer+UBSan and under valgrind, the 8-thread test, the README's C example
# against an installed copy (shared and static), and the example gateway's end-to-end
# mTLS test. Installs what it needs (cbindgen, libssl-dev, valgrind, curl, pkg-config,
# make, g++, openssl) if missing. Everything it starts listens on 127.0.0.1 only and is
# stopped on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf -- '--> %s\n' "$*"; }

# --- tools ---------------------------------------------------------------------------
missing=()
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
for tool in valgrind curl pkg-config make g++ openssl; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cbindgen_version=0.29.4 # pinned: point releases change the output
if [ "$(cbindgen --version 2>/dev/null)" != "cbindgen $cbindgen_version" ]; then
  say "installing cbindgen $cbindgen_version"
  cargo install --locked --quiet cbindgen --version "$cbindgen_version"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- library, header, pkg-config file ------------------------------------------------
# Every cargo command runs first and without PKG_CONFIG_PATH or CFLAGS in the
# environment: aws-lc-sys's build script reruns (~2 minutes) when either changes.
say "building libchainvet (debug), its build-tree chainvet.pc, and an installed copy"
make -s -C ffi lib pc PROFILE=debug >/dev/null
make -s -C ffi install PROFILE=debug PREFIX="$work/prefix" >/dev/null
lib=$root/target/debug/libchainvet.so
say "generating test certificates (chainvet-testkit)"
cargo run --locked --quiet -p chainvet-ffi --example gen-c-fixtures -- "$work/fixtures" >/dev/null

export PKG_CONFIG_PATH=$root/target/debug/pkgconfig
version=$(pkg-config --modversion chainvet)

say "header drift: regenerating include/chainvet.h with cbindgen $cbindgen_version"
cbindgen --quiet --config ffi/cbindgen.toml --crate chainvet-ffi --output "$work/chainvet.h" ffi
if ! diff -u include/chainvet.h "$work/chainvet.h"; then
  echo "include/chainvet.h is out of date: run 'make -C ffi header' and commit it" >&2
  exit 1
fi

say "every exported function is declared in the header and called by ffi/tests/*.c"
exports=$(nm -D --defined-only "$lib" | awk '$2 == "T" && $3 ~ /^chainvet_/ {print $3}' | sort)
declared=$(grep -oE '\bchainvet_[a-z0-9_]+\(' include/chainvet.h | tr -d '(' | sort -u)
if [ "$exports" != "$declared" ]; then
  echo "exported symbols and header declarations differ:" >&2
  diff <(echo "$exports") <(echo "$declared") >&2 || true
  exit 1
fi
for fn in $exports; do
  grep -qE "\b$fn\(" ffi/tests/*.c || { echo "no C test calls $fn" >&2; exit 1; }
done
echo "$(echo "$exports" | wc -l) functions exported, declared and tested"

cflags=(-Wall -Wextra -Werror -Wpedantic -std=c11 -g)

say "the header compiles alone as C11, C2x and C++17, warnings as errors"
for std in c11 c2x; do
  gcc "${cflags[@]/-std=c11/-std=$std}" -fsyntax-only -x c -Iinclude include/chainvet.h
done
printf '#include <chainvet.h>\nint main() { chainvet_validator *v = nullptr; return chainvet_validator_new(&v); }\n' \
  >"$work/header.cpp"
g++ -Wall -Wextra -Werror -Wpedantic -std=c++17 -Iinclude -fsyntax-only "$work/header.cpp"
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
read -r -a link <<<"$(pkg-config --cflags --libs chainvet)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# --- C unit tests ---------------------------------------------------------------------
say "C unit tests under AddressSanitizer + UBSan"
gcc "${cflags[@]}" "${sanitize[@]}" ffi/tests/api.c -o "$work/api-asan" "${link[@]}"
# (grep reads all of nm's output: with pipefail, grep -q would let nm die of SIGPIPE.)
[ "$(nm "$work/api-asan" | grep -c '__asan_init')" -ge 1 ] || { echo "ASan is not linked in" >&2; exit 1; }
"$work/api-asan" "$work/fixtures" "$version"

say "private keys in every shape through every C entry point, never echoed (ASan + UBSan)"
gcc "${cflags[@]}" "${sanitize[@]}" ffi/tests/keys.c -o "$work/keys-asan" "${link[@]}"
"$work/keys-asan" "$work/fixtures"

say "C unit tests under valgrind (memcheck, full leak check)"
gcc "${cflags[@]}" ffi/tests/api.c -o "$work/api" "${link[@]}"
valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
  "$work/api" "$work/fixtures" "$version"

say "thread test: one validator, 8 threads, 10,000 validations (ASan + UBSan)"
gcc "${cflags[@]}" "${sanitize[@]}" -pthread ffi/tests/threads.c -o "$work/threads" "${link[@]}"
"$work/threads" "$work/fixtures" 10000

# --- ffi/README.md's C example, against an installed copy --------------------------------
say "ffi/README.md C example, built against 'make -C ffi install' (shared and static)"
awk '/^```c$/ {grab = 1; next} grab && /^```$/ {exit} grab' ffi/README.md >"$work/vet.c"
[ -s "$work/vet.c" ] || { echo "ffi/README.md has no \`\`\`c example" >&2; exit 1; }
(
  export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig
  read -r -a installed <<<"$(pkg-config --cflags --libs chainvet)"
  gcc "${cflags[@]}" "$work/vet.c" -o "$work/vet" "${installed[@]}"
  read -r -a static <<<"$(pkg-config --cflags chainvet)"
  read -r -a private <<<"$(pkg-config --static --libs-only-l chainvet | sed 's/-lchainvet//')"
  gcc "${cflags[@]}" "$work/vet.c" -o "$work/vet-static" "${static[@]}" \
    "$work/prefix/lib/libchainvet.a" "${private[@]}"
  [ "$(ldd "$work/vet-static" | grep -c libchainvet)" -eq 0 ] || { echo "static build links the .so" >&2; exit 1; }
  for vet in "$work/vet" "$work/vet-static"; do
    out=$(LD_LIBRARY_PATH=$work/prefix/lib "$vet" "$work/fixtures/unit/good.pem")
    [ "$out" = accepted ] || { echo "$vet on good.pem: $out" >&2; exit 1; }
    set +e
    out=$(LD_LIBRARY_PATH=$work/prefix/lib "$vet" "$work/fixtures/unit/reversed.pem")
    status=$?
    set -e
    [ "$status" -eq 1 ] && grep -q '^1300 chain.order_reversed: ' <<<"$out" ||
      { echo "$vet on reversed.pem: exit $status, output: $out" >&2; exit 1; }
  done
  echo "README example: accepted good.pem, refused reversed.pem with 1300, shared and static"
)

# --- gateway end to end ---------------------------------------------------------------
say "example gateway (OpenSSL, ASan + UBSan): mTLS end-to-end with curl"
make -s -C examples/c-gateway OUT="$work/gateway" \
  CFLAGS="${cflags[*]} -O1 ${sanitize[*]}" >/dev/null
bash examples/c-gateway/test.sh "$work/gateway" "$work/fixtures/gateway"

say "C ABI suite passed"
