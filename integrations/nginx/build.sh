#!/usr/bin/env bash
# Builds the chainvet NGINX dynamic module against the NGINX sources Debian's nginx-dev
# ships (/usr/share/nginx/src, configured with Debian's own flags, --with-compat among
# them, so Debian's nginx loads it), linking libchainvet through its pkg-config file.
#
#   integrations/nginx/build.sh [OUT_DIR]
#
# OUT_DIR (default target/nginx-$PROFILE) receives ngx_http_chainvet_module.so and the
# build tree; nothing is written under /usr/share. PROFILE=release (default) or debug
# picks the libchainvet build (made here with `make -C ffi`). To link an installed
# libchainvet instead (`make -C ffi install`), set CHAINVET_PKG_CONFIG_PATH to the
# directory holding its chainvet.pc. EXTRA_CFLAGS / EXTRA_LDFLAGS are passed on (e.g.
# sanitizers).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
profile=${PROFILE:-release}
out=${1:-$root/target/nginx-$profile}
src=/usr/share/nginx/src

if [ ! -x "$src/configure" ] || [ ! -f "$src/conf_flags" ]; then
  echo "build.sh: $src is missing: install nginx-dev (apt-get install nginx-dev)" >&2
  exit 1
fi

if [ -n "${CHAINVET_PKG_CONFIG_PATH:-}" ]; then
  export PKG_CONFIG_PATH=$CHAINVET_PKG_CONFIG_PATH
else
  # Before PKG_CONFIG_PATH is set: aws-lc-sys rebuilds when it changes.
  make -s -C "$root/ffi" lib pc PROFILE="$profile" >/dev/null
  export PKG_CONFIG_PATH=$root/target/$profile/pkgconfig
fi
CHAINVET_INCS=$(pkg-config --variable=includedir chainvet)
CHAINVET_LIBS=$(pkg-config --libs chainvet)
export CHAINVET_INCS CHAINVET_LIBS

mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$src"
# shellcheck disable=SC1091 # Debian's configure flags: defines NGX_CONF_FLAGS
. ./conf_flags
./configure --with-cc-opt="-g -O2 -fPIC -fstack-protector-strong -Wformat -Werror=format-security ${EXTRA_CFLAGS:-}" \
  --with-ld-opt="-fPIC -Wl,-z,relro -Wl,-z,now ${EXTRA_LDFLAGS:-}" \
  "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$here" --builddir="$out" >"$out/configure.log" 2>&1 ||
  { tail -20 "$out/configure.log" >&2; exit 1; }
make -s -f "$out/Makefile" -C "$src" modules >"$out/make.log" 2>&1 || { cat "$out/make.log" >&2; exit 1; }
echo "$out/ngx_http_chainvet_module.so"
