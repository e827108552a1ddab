#!/usr/bin/env bash
# Makes the ocsp_eval fuzz seeds with OpenSSL: a CA, a leaf, and OCSP responses about
# the leaf (good, revoked, and signed by a delegated responder). Writes
# fuzz/seeds/ocsp-chain.pem (leaf, CA) and fuzz/seeds/ocsp_eval/*.der. Run from anywhere.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -subj "/CN=Fuzz OCSP CA" -days 36500 -addext basicConstraints=critical,CA:true \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=Fuzz Leaf" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\nauthorityInfoAccess=OCSP;URI:http://127.0.0.1/ocsp\n' > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 4660 -days 36500 -extfile leaf.ext -out leaf.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout resp.key -out resp.csr -subj "/CN=Fuzz Responder" 2>/dev/null
printf 'extendedKeyUsage=OCSPSigning\n' > resp.ext
openssl x509 -req -in resp.csr -CA ca.pem -CAkey ca.key -set_serial 4661 -days 36500 -extfile resp.ext -out resp.pem 2>/dev/null
openssl ocsp -issuer ca.pem -cert leaf.pem -reqout req.der -no_nonce 2>/dev/null
exp=$(date -u -d '+50 years' +%y%m%d%H%M%SZ 2>/dev/null || echo 761231000000Z)
printf 'V\t%s\t\t1234\tunknown\t/CN=Fuzz Leaf\n' "$exp" > good.txt
printf 'R\t%s\t240101000000Z,keyCompromise\t1234\tunknown\t/CN=Fuzz Leaf\n' "$exp" > revoked.txt
mkdir -p "$out/ocsp_eval"
openssl ocsp -index good.txt -CA ca.pem -rsigner ca.pem -rkey ca.key -reqin req.der -respout "$out/ocsp_eval/good.der" -ndays 36500 2>/dev/null
openssl ocsp -index revoked.txt -CA ca.pem -rsigner ca.pem -rkey ca.key -reqin req.der -respout "$out/ocsp_eval/revoked.der" -ndays 36500 2>/dev/null
openssl ocsp -index good.txt -CA ca.pem -rsigner resp.pem -rkey resp.key -reqin req.der -respout "$out/ocsp_eval/delegated.der" -ndays 36500 2>/dev/null
cat leaf.pem ca.pem > "$out/ocsp-chain.pem"
