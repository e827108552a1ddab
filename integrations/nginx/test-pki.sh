#!/usr/bin/env bash
# Makes the test PKI of the NGINX module's test with the openssl command line tool
# (P-256 keys, so it takes a second):
#
#   integrations/nginx/test-pki.sh DIR
#
#   root.pem                 the client CA the gateway trusts (chainvet_trust_store)
#   int.pem                  an intermediate under it, which issues the client leaves
#   <name>.pem / <name>.key  client leaves, each file leaf + intermediate as a client
#                            sends them: good, good2, expired, short (90 days),
#                            revoked, selfsigned and hostile (self-signed, a subject
#                            full of JSON and HTML metacharacters), untrusted (under
#                            another root, sent with its intermediate and root)
#   crl.pem                  the intermediate's CRL: `revoked` is revoked
#   crl2.pem                 a later CRL: `revoked` and `good2` are revoked
#   server.pem / server.key  the gateway's TLS certificate (127.0.0.1, localhost,
#                            acme.test), self-signed
#   registry.toml            client `acme` and `acme.test` registered `good`, client
#                            `globex` registered `good2`
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }

cat >ext.cnf <<'EOF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[int]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
# Never fetched (the module is offline; .invalid never resolves): with it a leaf no CRL
# file covers has no revocation status (revocation.unavailable).
crlDistributionPoints = URI:http://crl.invalid/int.crl
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:acme.test
EOF

# `openssl ca` for the intermediate: explicit start and end dates (expired leaves) and
# an index to make CRLs from.
mkdir -p ca
: >ca/index.txt
echo 1000 >ca/serial
cat >ca.cnf <<EOF
[ca]
default_ca = int
[int]
dir = $PWD/ca
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
certificate = $PWD/int.pem
private_key = $PWD/int.key
default_md = sha256
default_crl_days = 7
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
EOF

{ printf '[req]\ndistinguished_name = dn\n[dn]\n'; cat ext.cnf; } >req.cnf
self_signed() { # name subject section days
  key "$1"
  openssl req -new -x509 -key "$1.key" -subj "$2" -days "$4" -sha256 \
    -config req.cnf -extensions "$3" -out "$1.pem"
}

signed() { # name subject section days issuer
  key "$1"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -CA "$5.pem" -CAkey "$5.key" -CAcreateserial -days "$4" \
    -sha256 -extfile ext.cnf -extensions "$3" -out "$1.pem" 2>/dev/null
}

self_signed root "/O=chainvet test/CN=Test Client Root" ca 3650
signed int "/O=chainvet test/CN=Test Client Issuing CA" int 3000 root
self_signed otherroot "/O=elsewhere/CN=Other Root" ca 3650
signed otherint "/O=elsewhere/CN=Other Issuing CA" int 3000 otherroot

leaf() { # name CN start end
  key "$1"
  openssl req -new -key "$1.key" -subj "/O=chainvet test/CN=$2" -out "$1.csr"
  openssl ca -batch -config ca.cnf -extfile ext.cnf -extensions client -notext \
    -startdate "$3" -enddate "$4" -in "$1.csr" -out "$1.leaf.pem" 2>/dev/null
  cat "$1.leaf.pem" int.pem >"$1.pem"
}
now=$(date -u +%s)
stamp() { date -u -d "@$1" +%Y%m%d%H%M%SZ; }
day=86400
leaf good "client-good" "$(stamp $((now - day)))" "$(stamp $((now + 364 * day)))"
leaf good2 "client-globex" "$(stamp $((now - day)))" "$(stamp $((now + 364 * day)))"
leaf revoked "client-revoked" "$(stamp $((now - day)))" "$(stamp $((now + 364 * day)))"
leaf expired "client-expired" "$(stamp $((now - 400 * day)))" "$(stamp $((now - 35 * day)))"
leaf short "client-90-days" "$(stamp $((now - day)))" "$(stamp $((now + 89 * day)))"

self_signed selfsigned "/O=chainvet test/CN=client-self-signed" client 365
# A subject made to break naive JSON and HTML: quotes, a backslash, markup, non-ASCII.
self_signed hostile "/O=chainvet test/CN=evil \"quote\" \\\\ back <script>é" client 365
signed untrusted.leaf "/O=elsewhere/CN=client-untrusted" client 365 otherint
mv untrusted.leaf.key untrusted.key
cat untrusted.leaf.pem otherint.pem otherroot.pem >untrusted.pem

self_signed server "/CN=gateway.test" server 365

openssl ca -config ca.cnf -revoke revoked.leaf.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -config ca.cnf -gencrl -out crl.pem 2>/dev/null
openssl ca -config ca.cnf -revoke good2.leaf.pem -crl_reason superseded 2>/dev/null
openssl ca -config ca.cnf -gencrl -out crl2.pem 2>/dev/null

cat >registry.toml <<'EOF'
[clients.acme]
certificates = ["good.leaf.pem"]

[clients."acme.test"]
certificates = ["good.leaf.pem"]

[clients.globex]
certificates = ["good2.leaf.pem"]
EOF
rm -f ./*.csr ./*.srl
