#!/usr/bin/env bash
# The NGINX module, end to end: builds it against Debian's nginx-dev sources
# (integrations/nginx/build.sh), makes a test PKI with the openssl CLI, and runs Debian's
# nginx with the module on 127.0.0.1 (its own prefix and configuration in a temporary
# directory; a second server block is the upstream). Real curl clients with client
# certificates check: the good chain is accepted and proxied with the variables in
# headers; self-signed, expired, 90-day, untrusted-root, wrong-registered and
# CRL-revoked clients get 403 with the right code in the JSON body and the access log;
# no certificate gets the configured answer; a reload with a new CRL revokes a client
# without restart; broken files fail `nginx -t` and the reload while the old
# configuration keeps serving; 8 workers stay correct under a burst of 400 handshakes;
# and one run under valgrind shows no memory error from the module.
# Installs what it needs (nginx, nginx-dev, curl, openssl, valgrind, pkg-config, make,
# gcc, python3) if missing. Everything listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf -- '--> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# --- tools ---------------------------------------------------------------------------
missing=()
for pkg in nginx nginx-dev libssl-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
for tool in curl openssl valgrind pkg-config make gcc python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  kill -TERM "$(cat "$work/prefix/nginx.pid" 2>/dev/null)" 2>/dev/null || true
  # Wait (bounded) for the master to go before removing its files.
  for _ in $(seq 50); do
    kill -0 "$(cat "$work/prefix/nginx.pid" 2>/dev/null)" 2>/dev/null || break
    sleep 0.1
  done
  rm -rf "$work"
}
trap cleanup EXIT

# --- build ---------------------------------------------------------------------------
say "building the module (debug libchainvet, Debian's nginx-dev sources, -Werror)"
module=$(PROFILE=debug integrations/nginx/build.sh "$work/build" | tail -n 1)
[ -f "$module" ] || fail "build.sh made no module"

say "test PKI (openssl CLI)"
bash integrations/nginx/test-pki.sh "$work/pki" >/dev/null
pki=$work/pki

ports=$(python3 -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks: s.close()')
read -r tls up plain_tls vg hard <<<"$ports"

# --- configuration -------------------------------------------------------------------
prefix=$work/prefix
mkdir -p "$prefix/logs" "$prefix/tmp" "$prefix/conf"
cp "$pki/root.pem" "$prefix/conf/trust.pem"
cp "$pki/crl.pem" "$prefix/conf/crl.pem"
cp "$pki/registry.toml" "$prefix/conf/registry.toml"
cp "$pki"/good.leaf.pem "$pki"/good2.leaf.pem "$prefix/conf/"
printf '[revocation]\nmode = "soft-fail"\n' >"$prefix/conf/policy.toml"

# common_http WORKERS -> the parts every configuration shares
write_conf() { # file workers extra-main
  cat >"$1" <<EOF
load_module $module;
worker_processes $2;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log info;
$3
events { worker_connections 512; }
http {
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;

    log_format chainvet '\$status \$chainvet_verdict codes=\$chainvet_codes serial=\$chainvet_leaf_serial \$request_uri';
    access_log $prefix/logs/access.log chainvet;

    # The upstream: shows what the gateway told it.
    server {
        listen 127.0.0.1:$up;
        access_log off;
        location / {
            return 200 "upstream verdict=\$http_x_chainvet_verdict codes=\$http_x_chainvet_codes serial=\$http_x_chainvet_serial sha256=\$http_x_chainvet_sha256 ssl_client_verify=\$http_x_ssl_client_verify\n";
        }
    }

    # The gateway (HTTP/2 and HTTP/1.1: curl picks HTTP/2 unless told otherwise).
    server {
        listen 127.0.0.1:$tls ssl http2;
        ssl_certificate $pki/server.pem;
        ssl_certificate_key $pki/server.key;
        ssl_verify_client optional_no_ca;

        chainvet_policy policy.toml;
        chainvet_trust_store trust.pem;
        chainvet_crl crl.pem;
        chainvet_revocation soft;
        chainvet on;

        proxy_set_header X-Chainvet-Verdict \$chainvet_verdict;
        proxy_set_header X-Chainvet-Codes \$chainvet_codes;
        proxy_set_header X-Chainvet-Serial \$chainvet_leaf_serial;
        proxy_set_header X-Chainvet-Sha256 \$chainvet_leaf_sha256;
        proxy_set_header X-Ssl-Client-Verify \$ssl_client_verify;

        location / { proxy_pass http://127.0.0.1:$up; }
        location /bound/ {
            chainvet_registry registry.toml;
            chainvet_client_id \$http_x_client_id;
            proxy_pass http://127.0.0.1:$up;
        }
        location /sni/ {
            chainvet_registry registry.toml;
            chainvet_client_id \$ssl_server_name;
            proxy_pass http://127.0.0.1:$up;
        }
        location /public/ {
            chainvet_require_certificate off;
            proxy_pass http://127.0.0.1:$up;
        }
        location /html/ {
            chainvet_json off;
            proxy_pass http://127.0.0.1:$up;
        }
        location /report-only/ {
            chainvet off;
            proxy_pass http://127.0.0.1:$up;
        }
    }

    # Hard-fail revocation and no CRL for this issuer: no status, no entry.
    server {
        listen 127.0.0.1:$hard ssl;
        ssl_certificate $pki/server.pem;
        ssl_certificate_key $pki/server.key;
        ssl_verify_client optional_no_ca;
        chainvet_trust_store trust.pem;
        chainvet_revocation hard;
        chainvet on;
        location / { proxy_pass http://127.0.0.1:$up; }
    }

    # The same TLS server without the module, for comparison.
    server {
        listen 127.0.0.1:$plain_tls ssl;
        ssl_certificate $pki/server.pem;
        ssl_certificate_key $pki/server.key;
        ssl_verify_client optional_no_ca;
        location / { proxy_pass http://127.0.0.1:$up; }
    }
}
EOF
}
write_conf "$prefix/conf/nginx.conf" 8 ""
ngx() { nginx -p "$prefix/" -c "$prefix/conf/nginx.conf" -e "$prefix/logs/error.log" "$@"; }

say "configurations that cannot work are refused by nginx -t, with the reason"
bad_conf() { # reason server-directives
  local reason=$1
  cat >"$prefix/conf/bad.conf" <<EOF
load_module $module;
pid $prefix/bad.pid;
error_log $prefix/logs/bad.log;
events {}
http {
    server {
        listen 127.0.0.1:$vg ssl;
        ssl_certificate $pki/server.pem;
        ssl_certificate_key $pki/server.key;
        $2
        location / { root $prefix; }
    }
}
EOF
  if nginx -p "$prefix/" -c "$prefix/conf/bad.conf" -e "$prefix/logs/bad.log" -t -q 2>"$work/bad.err"; then
    fail "nginx -t accepted: $2"
  fi
  grep -q "$reason" "$work/bad.err" || fail "nginx -t on '$2': $(cat "$work/bad.err")"
  echo "refused: $reason"
}
ok_conf_ca="ssl_verify_client optional_no_ca; chainvet_trust_store trust.pem;"
bad_conf 'needs a TLS server with "ssl_verify_client optional_no_ca"' "chainvet_trust_store trust.pem; chainvet on;"
bad_conf 'needs chainvet_trust_store or chainvet_policy' "ssl_verify_client optional_no_ca; chainvet on;"
bad_conf 'needs chainvet_trust_store or chainvet_policy' "ssl_verify_client optional_no_ca; chainvet_crl crl.pem;"
bad_conf 'no trust anchors' "ssl_verify_client optional_no_ca; chainvet_policy policy.toml;"
bad_conf 'use chainvet_crl' "$ok_conf_ca ssl_crl crl.pem; chainvet on;"
bad_conf 'chainvet_registry and chainvet_client_id go together' "$ok_conf_ca chainvet_registry registry.toml; chainvet on;"
bad_conf 'invalid value "maybe"' "$ok_conf_ca chainvet_revocation maybe;"
bad_conf 'open() ".*missing.pem" failed' "$ok_conf_ca chainvet_crl missing.pem;"
bad_conf 'chainvet_trust_store "missing.pem":' "ssl_verify_client optional_no_ca; chainvet_trust_store missing.pem;"

say "nginx -t accepts the configuration"
ngx -t -q || fail "nginx -t: $(tail -5 "$prefix/logs/error.log")"
ngx
for _ in $(seq 100); do [ -s "$prefix/nginx.pid" ] && break; sleep 0.1; done
[ -s "$prefix/nginx.pid" ] || fail "nginx did not start: $(tail -5 "$prefix/logs/error.log")"

# req CERT PATH [curl args...] -> "STATUS BODY" in $out; CERT "none" sends none
req() {
  local cert=$1 path=$2
  shift 2
  local args=(-sS --max-time 10 --cacert "$pki/server.pem" -o "$work/body" -w '%{http_code}')
  [ "$cert" = none ] || args+=(--cert "$pki/$cert.pem" --key "$pki/$cert.key")
  status=$(curl "${args[@]}" "$@" "https://127.0.0.1:$tls$path") || fail "curl $cert $path failed"
  body=$(cat "$work/body")
}

# refused CERT PATH CODE [curl args] : 403, JSON body naming CODE, access log too
case_number=0
refused() {
  local cert=$1 code=$3
  case_number=$((case_number + 1))
  local path="$2?case=$case_number" # each access log line is this call's own
  shift 3
  req "$cert" "$path" "$@"
  [ "$status" = 403 ] || fail "$cert on $path: status $status, body $body"
  python3 - "$code" "$work/body" <<'EOF' || fail "$cert on $path: JSON body: $body"
import json, sys
code, path = sys.argv[1], sys.argv[2]
body = json.load(open(path))
assert body["accepted"] is False, body
assert code in body["codes"], body
assert len(body["codes"]) == len(body["messages"]) >= 1, body
assert all(isinstance(m, str) and m for m in body["messages"]), body
EOF
  # The access log line is written after the response: give it a moment.
  for _ in $(seq 50); do
    grep -q "^403 .*codes=[^ ]*$code.* $path\$" "$prefix/logs/access.log" && break
    sleep 0.1
  done
  grep -q "^403 .*codes=[^ ]*$code.* $path\$" "$prefix/logs/access.log" ||
    fail "$cert on $path: no access log line with $code: $(tail -3 "$prefix/logs/access.log")"
  echo "$cert: 403 $code"
}

# --- accepted and proxied ------------------------------------------------------------
say "a good chain is accepted and proxied, with the variables in headers"
serial=$(openssl x509 -in "$pki/good.pem" -noout -serial | cut -d= -f2)
sha256=$(openssl x509 -in "$pki/good.pem" -outform DER | sha256sum | cut -d' ' -f1)
req good /ok
[ "$status" = 200 ] || fail "good: status $status, body $body"
grep -q "^upstream verdict=accepted codes=" <<<"$body" || fail "good: body $body"
grep -q " serial=$serial " <<<"$body" || fail "good: serial $serial not in $body"
grep -q " sha256=$sha256 " <<<"$body" || fail "good: sha256 $sha256 not in $body"
grep -q " ssl_client_verify=SUCCESS\$" <<<"$body" || fail "good: \$ssl_client_verify: $body"
req good /bound/ok -H 'X-Client-Id: acme'
[ "$status" = 200 ] || fail "good as acme: status $status, body $body"
req good /sni/ok --resolve "acme.test:$tls:127.0.0.1" --url "https://acme.test:$tls/sni/ok"
echo "good: 200, serial $serial, sha256 $sha256; registered to acme (header) and acme.test (SNI)"

# --- refused -------------------------------------------------------------------------
say "refused chains: 403, the code in the JSON body and the access log"
refused selfsigned /ok leaf.self_signed
refused expired /ok validity.expired
refused short /ok validity.too_short
refused untrusted /ok root.not_trusted
refused revoked /ok revocation.revoked
refused good /bound/ok binding.serial_mismatch -H 'X-Client-Id: globex'
# The registry is not the client's business: globex's registered certificate stays out.
! grep -qi -e 'client-globex' -e '1001' "$work/body" || fail "the 403 shows globex's registration: $body"
refused good /bound/ok binding.no_registered_certificate -H 'X-Client-Id: nobody'
refused none /ok input.empty

say "the attacker's cases: a hostile subject, a client id that is not UTF-8, a huge one"
refused hostile /ok leaf.self_signed
grep -q 'evil' "$work/body" || fail "hostile: the message does not name the subject: $body"
refused good /bound/ok binding.no_registered_certificate -H $'X-Client-Id: \xff\xfe'
grep -q 'not valid UTF-8' "$work/body" || fail "non-UTF-8 client id: $body"
refused good /bound/ok binding.no_registered_certificate -H "X-Client-Id: $(head -c 6000 /dev/zero | tr '\0' a)"
[ "$(stat -c %s "$work/body")" -lt 4096 ] || fail "the 403 body grew with the client id"
req good /ok --http1.1
[ "$status" = 200 ] || fail "good over HTTP/1.1: $status"

say "chainvet_revocation hard without a CRL: a good chain has no status and is refused"
status=$(curl -sS --max-time 10 --cacert "$pki/server.pem" --cert "$pki/good.pem" --key "$pki/good.key" \
  -o "$work/body" -w '%{http_code}' "https://127.0.0.1:$hard/") || fail "curl hard"
[ "$status" = 403 ] && grep -q '"revocation.unavailable"' "$work/body" || fail "hard: $status $(cat "$work/body")"
req good /soft
[ "$status" = 200 ] || fail "soft with a CRL: $status"
echo "hard without CRL: 403 revocation.unavailable; soft with the CRL: 200"
plain() { # CERT -> status and body of a request to the server without chainvet
  status=$(curl -sS --max-time 10 --cacert "$pki/server.pem" --cert "$pki/$1.pem" --key "$pki/$1.key" \
    -o "$work/body" -w '%{http_code}' "https://127.0.0.1:$plain_tls/") || fail "curl plain $1"
}
plain good
[ "$status" = 200 ] && grep -q '^upstream verdict= codes= serial= ' "$work/body" ||
  fail "good to a server without chainvet: $status $(cat "$work/body")"
plain expired # NGINX's own verification: 400, the answer chainvet's servers avoid
[ "$status" = 400 ] || fail "expired to a server without chainvet: $status $(cat "$work/body")"
echo "a server without chainvet directives is left alone (NGINX verifies: good 200 without variables, expired 400)"

say "the configured answers: no certificate allowed on /public/, HTML 403, report-only"
req none /public/ok
[ "$status" = 200 ] && grep -q "verdict=none" <<<"$body" || fail "public without certificate: $status $body"
req expired /html/ok
[ "$status" = 403 ] && grep -qi "<html>" <<<"$body" && ! grep -q accepted <<<"$body" ||
  fail "chainvet_json off: $status $body"
req expired /report-only/ok
[ "$status" = 200 ] && grep -q "verdict=rejected codes=validity.expired" <<<"$body" ||
  fail "report-only: $status $body"
echo "none on /public/: 200; /html/: 403 without JSON; /report-only/: 200 with verdict=rejected"

grep -q "ssl_client_verify=FAILED:" <<<"$body" || fail "report-only: \$ssl_client_verify: $body"
grep -q "chainvet: client certificate refused: validity.expired" "$prefix/logs/error.log" ||
  fail "no refusal logged at info level"
echo "\$ssl_client_verify: SUCCESS for the good chain, FAILED for a refused one"

# --- reload --------------------------------------------------------------------------
wait_for() { # description command...
  local what=$1
  shift
  for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done
  fail "timed out waiting for: $what"
}
good2_status() { req good2 /ok; [ "$status" = "$1" ]; }

say "a reload with a new CRL revokes a client without restart"
master=$(cat "$prefix/nginx.pid")
good2_status 200 || fail "good2 before the new CRL: $status $body"
# After a reload the old workers finish their connections and exit; until the last one
# has, a new connection may still reach one of them.
old_workers_gone() {
  for pid in $old_workers; do kill -0 "$pid" 2>/dev/null && return 1; done
  return 0
}
old_workers=$(pgrep -P "$master")
cp "$pki/crl2.pem" "$prefix/conf/crl.pem"
ngx -s reload
wait_for "the old workers to exit after the reload" old_workers_gone
refused good2 /ok revocation.revoked
[ "$(cat "$prefix/nginx.pid")" = "$master" ] || fail "the master changed: not a reload"

say "broken files fail nginx -t and the reload; the old configuration keeps serving"
broken() { # file description expected-message
  local file=$1 msg=$2
  cp "$prefix/conf/$file" "$work/saved"
  printf 'this is not what chainvet expects\n' >"$prefix/conf/$file"
  ! ngx -t -q 2>/dev/null || fail "nginx -t accepted a broken $file"
  grep -q "$msg" "$prefix/logs/error.log" || fail "no chainvet error for a broken $file: $(tail -2 "$prefix/logs/error.log")"
  echo "broken $file: $(grep "$msg" "$prefix/logs/error.log" | tail -n 1 | sed 's/^.*\[emerg\] [0-9#]*: //')"
  cp "$work/saved" "$prefix/conf/$file"
}
broken trust.pem 'chainvet_trust_store "trust.pem":'
broken policy.toml 'chainvet_policy "policy.toml": .*invalid policy'
broken crl.pem 'chainvet_crl ".*crl.pem": not a valid CRL'
broken registry.toml 'chainvet_registry ".*registry.toml":'
# `nginx -s reload` parses the configuration before it signals the master: it fails with
# chainvet's error and signals nothing. A SIGHUP sent anyway makes the master load the
# broken configuration, log chainvet's error, and keep the old workers (which still
# refuse good2 and accept good).
printf 'garbage\n' >"$prefix/conf/trust.pem"
if ngx -s reload 2>"$work/reload.err"; then fail "nginx -s reload accepted a broken trust store"; fi
grep -q 'chainvet_trust_store "trust.pem": .*no CERTIFICATE block' "$work/reload.err" ||
  fail "nginx -s reload: $(cat "$work/reload.err")"
before=$(grep -c 'chainvet_trust_store' "$prefix/logs/error.log" || true)
kill -HUP "$master"
reload_failed() { [ "$(grep -c 'chainvet_trust_store' "$prefix/logs/error.log")" -gt "$before" ]; }
wait_for "the failed reload in the error log" reload_failed
grep 'chainvet_trust_store' "$prefix/logs/error.log" | tail -n 1 | grep -q '\[emerg\]' || fail "reload error not emerg"
req good /ok
[ "$status" = 200 ] || fail "good after a failed reload: $status"
refused good2 /ok revocation.revoked
[ "$(pgrep -P "$master" | wc -l)" -eq 8 ] || fail "workers lost after a failed reload"
cp "$pki/root.pem" "$prefix/conf/trust.pem"
echo "nginx -s reload and SIGHUP with a broken trust store failed; the old configuration still serves"

# --- burst ---------------------------------------------------------------------------
say "8 workers, 400 handshakes (16 at a time), good and refused interleaved"
workers=$(pgrep -P "$master" | wc -l)
[ "$workers" -eq 8 ] || fail "expected 8 workers, found $workers"
seq 400 | xargs -P 16 -I{} sh -c '
  n={}; if [ $((n % 2)) -eq 0 ]; then c=good; want=200; else c=expired; want=403; fi
  got=$(curl -sS --max-time 20 --cacert "$1/server.pem" --cert "$1/$c.pem" --key "$1/$c.key" \
        -o /dev/null -w "%{http_code}" "https://127.0.0.1:$2/burst") || got=curl-failed
  echo "$c $want $got"' _ "$pki" "$tls" >"$work/burst"
total=$(wc -l <"$work/burst")
wrong=$(awk '$2 != $3' "$work/burst" | wc -l)
[ "$total" -eq 400 ] && [ "$wrong" -eq 0 ] || fail "burst: $wrong of $total wrong: $(awk '$2 != $3' "$work/burst" | sort | uniq -c | head)"
served=$(grep -c ' /burst$' "$prefix/logs/access.log")
[ "$served" -eq 400 ] || fail "burst: $served access log lines, expected 400"
echo "400 handshakes: 200 accepted, 200 refused, all as expected"

ngx -s quit
wait_for "nginx to stop" sh -c "! kill -0 $master 2>/dev/null"
rm -f "$prefix/nginx.pid"

# --- valgrind ------------------------------------------------------------------------
say "valgrind: one process (master_process off), good, refused, bound and missing certificates"
write_conf "$prefix/conf/valgrind.conf" 1 "master_process off; daemon off; error_log $prefix/logs/debug.log debug;"
sed -i "s/127.0.0.1:$tls /127.0.0.1:$vg /" "$prefix/conf/valgrind.conf"
tls=$vg
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
  --suppressions=integrations/nginx/valgrind.supp --log-file="$work/valgrind.log" \
  nginx -p "$prefix/" -c "$prefix/conf/valgrind.conf" -e "$prefix/logs/error.log" &
vg_pid=$!
pids+=("$vg_pid")
up_now() { curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$up/"; }
for _ in $(seq 600); do up_now && break; sleep 0.2; done
up_now || fail "nginx under valgrind did not start: $(cat "$work/valgrind.log")"
req good /ok
[ "$status" = 200 ] || fail "valgrind: good: $status"
refused expired /ok validity.expired
refused revoked /ok revocation.revoked
refused good /bound/ok binding.serial_mismatch -H 'X-Client-Id: globex'
refused none /ok input.empty

say "once per connection: 3 requests on one HTTP/1.1 connection, 3 streams on one HTTP/2 connection"
vetted() { grep -c 'chainvet: chain accepted' "$prefix/logs/debug.log" || true; }
for proto in --http1.1 --http2; do
  before=$(vetted)
  codes=$(curl -sS --max-time 30 "$proto" --cacert "$pki/server.pem" --cert "$pki/good.pem" \
    --key "$pki/good.key" -o /dev/null -o /dev/null -o /dev/null -w '%{http_code} %{num_connects}\n' \
    "https://127.0.0.1:$tls/a" "https://127.0.0.1:$tls/b" "https://127.0.0.1:$tls/c")
  [ "$(echo "$codes" | awk '{ s += $2 } END { print NR, s }')" = "3 1" ] &&
    [ "$(echo "$codes" | awk '$1 != 200' | wc -l)" -eq 0 ] || fail "$proto: $codes"
  [ $(($(vetted) - before)) -eq 1 ] || fail "$proto: chain vetted $(($(vetted) - before)) times for one connection"
  echo "$proto: 3 requests, 1 connection, chain vetted once"
done
kill -QUIT "$vg_pid"
set +e
wait "$vg_pid"
vg_status=$?
set -e
pids=()
if [ "$vg_status" -ne 0 ] || grep -q '^==[0-9]*== [A-Z]' "$work/valgrind.log"; then
  cat "$work/valgrind.log" >&2
  fail "valgrind reported errors (exit $vg_status)"
fi
echo "valgrind: no errors (exit $vg_status)"

say "NGINX module suite passed"
