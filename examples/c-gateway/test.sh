#!/usr/bin/env bash
# End-to-end test of the example gateway: real TLS handshakes with client certificates.
#
# Usage: examples/c-gateway/test.sh GATEWAY_BINARY FIXTURES_DIR
# FIXTURES_DIR is the `gateway/` directory written by
# `cargo run -p chainvet-ffi --example gen-c-fixtures -- DIR`.
#
# Starts the gateway on 127.0.0.1 (a free port it picks itself), connects with curl using
# each client certificate, and checks both sides: curl's answer and the gateway's log
# (the right finding code for the right connection). The gateway is stopped on exit,
# also on failure, and must then exit 0 (under ASan that includes no leaks).
set -euo pipefail

gateway=$(realpath "$1")
fixtures=$(realpath "$2")
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- gateway log ---" >&2
  cat "$work/log" >&2 || true
  exit 1
}

cd "$fixtures"
"$gateway" --cert server.pem --key server.key --trust-store ca.pem --policy policy.toml --crl crl.der \
  --registry registry.toml >"$work/out" 2>"$work/log" &
pid=$!

port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/out")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the gateway exited before listening"
  sleep 0.1
done
[ -n "$port" ] || fail "the gateway did not start listening within 10 s"
echo "gateway listening on 127.0.0.1:$port (pid $pid)"

conn=0
# connect NAME [CLIENT_ID]: curl with NAME.pem/NAME.key (or no certificate for
# NAME=none), sending X-Client-Id: CLIENT_ID (default acme-payments, the client that
# registered good.pem); sets $status (curl's exit code), $http and $body.
connect() {
  conn=$((conn + 1))
  local cert_args=()
  [ "$1" != none ] && cert_args=(--cert "$1.pem" --key "$1.key")
  rm -f "$work/body"
  set +e
  http=$(curl -sS --max-time 15 --resolve "gateway.test:$port:127.0.0.1" --cacert ca.pem \
    "${cert_args[@]}" -H "X-Client-Id: ${2:-acme-payments}" -o "$work/body" -w '%{http_code}' \
    "https://gateway.test:$port/" 2>"$work/curl-err")
  status=$?
  set -e
  body=$(cat "$work/body" 2>/dev/null || true)
}

# wait_log PATTERN: the gateway logs asynchronously to curl's exit; give it 5 s.
wait_log() {
  for _ in $(seq 1 50); do
    grep -qE "$1" "$work/log" && return 0
    sleep 0.1
  done
  fail "connection $conn: the gateway log has no line matching: $1"
}

# expect_accepted NAME [CLIENT_ID]
expect_accepted() {
  local client=${2:-acme-payments}
  connect "$1" "$client"
  [ "$status" -eq 0 ] || fail "$1: curl failed ($status): $(cat "$work/curl-err")"
  [ "$http" = 200 ] && [ "$body" = accepted ] || fail "$1: expected 200 'accepted', got $http '$body'"
  wait_log "^conn $conn: chain of [0-9]+ accepted$"
  wait_log "^conn $conn: vetted in [0-9]+ us$"
  wait_log "^conn $conn: registered to client \`$client\`$"
  wait_log "^conn $conn: answered 200 accepted$"
  if grep -q "^conn $conn: rejected" "$work/log"; then fail "$1: logged as rejected"; fi
  echo "ok: $1 accepted"
}

# expect_rejected NAME CODE DOTTED: the handshake fails, and the gateway logs the
# rejection with the finding's integer and dotted code.
expect_rejected() {
  connect "$1"
  [ "$status" -ne 0 ] || fail "$1: curl succeeded, expected the handshake to fail"
  [ "$body" != accepted ] || fail "$1: answered 'accepted'"
  wait_log "^conn $conn: rejected: "
  wait_log "^conn $conn:   $2 $3 \(error\): "
  wait_log "^conn $conn: handshake failed, connection closed$"
  if grep -q "^conn $conn: answered 200" "$work/log"; then fail "$1: answered 200"; fi
  echo "ok: $1 refused with $2 $3 ($(head -c 120 "$work/curl-err"))"
}

# expect_unbound NAME CLIENT_ID CODE DOTTED: the chain is fine, so the handshake succeeds,
# but the certificate is not the one CLIENT_ID registered: 403, and the binding finding
# is logged.
expect_unbound() {
  connect "$1" "$2"
  [ "$http" = 403 ] && [ "$body" = rejected ] || fail "$1 as $2: expected 403 'rejected', got $http '$body'"
  wait_log "^conn $conn: chain of [0-9]+ accepted$"
  wait_log "^conn $conn: rejected: not registered to client \`$2\`"
  wait_log "^conn $conn:   $3 $4 \(error\): "
  wait_log "^conn $conn: answered 403, connection closed$"
  if grep -q "^conn $conn: answered 200" "$work/log"; then fail "$1 as $2: answered 200"; fi
  echo "ok: $1 as client $2 refused with $3 $4"
}

expect_accepted good
# Trust-store mode: the client's extra certificates are an unordered pool; a stranger CA
# sent before the intermediate changes nothing.
expect_accepted unordered
expect_rejected self-signed 1400 leaf.self_signed
# A complete, valid chain to a root that is not in the gateway's trust store.
expect_rejected untrusted 1406 root.not_trusted
expect_rejected expired 1600 validity.expired
expect_rejected short-lived 1602 validity.too_short
# A valid chain from the same CA, same subject, but not the registered certificate.
expect_unbound other acme-payments 1901 binding.serial_mismatch
expect_unbound good globex 1900 binding.no_registered_certificate
# Revocation from the CRL given with --crl (made by `openssl ca -gencrl`), no network.
expect_accepted pki-good pki-client
wait_log "^conn $conn: revocation of certificate 0: good \(CRL, supplied\)$"
echo "ok: pki-good's revocation status logged as good, from the supplied CRL"
expect_rejected pki-revoked 2000 revocation.revoked
wait_log "^conn $conn: revocation of certificate 0: revoked \(CRL, supplied\)$"

# No client certificate at all: OpenSSL refuses before chainvet is asked.
connect none
[ "$status" -ne 0 ] || fail "no certificate: curl succeeded"
wait_log "^conn $conn:   openssl: .*peer did not return a certificate"
echo "ok: no client certificate refused"

# The gateway keeps serving after refusals.
expect_accepted good

kill -TERM "$pid"
set +e
wait "$pid"
code=$?
set -e
pid=
[ "$code" -eq 0 ] || fail "the gateway exited with $code on SIGTERM"
grep -q '^stopping$' "$work/log" || fail "the gateway did not log its shutdown"
echo "ok: gateway stopped cleanly after $conn connections"
