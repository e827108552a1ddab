#!/usr/bin/env bash
# Measures what the module adds to a TLS handshake: two Debian nginx instances (one
# worker each) on 127.0.0.1 with otherwise identical TLS servers ("ssl_verify_client
# optional_no_ca"), one with `chainvet on` (trust store + CRL), the other without the
# module's directives; a Python client makes N fresh connections to each, interleaved
# (full handshake with a P-256 client certificate, leaf + intermediate, then one GET of
# a small file), one at a time: first with the same client certificate every time
# (chainvet's caches warm), then with a new certificate for every connection (cold). It
# prints the wall time per connection
# (median, mean) and each worker's CPU time per connection (/proc: what the server
# spent, less disturbed by other load on the machine than wall time). A third instance
# with the debug log gives the module's own account: the thread CPU time of each vetting.
#
#   PROFILE=release integrations/nginx/measure.sh [N]    (N: default 500)
#
# A bounded local burst, not a benchmark suite: run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-500}
profile=${PROFILE:-release}
work=$(mktemp -d)
stop() {
  for name in with without logged; do kill -TERM "$(cat "$work/$name/nginx.pid" 2>/dev/null)" 2>/dev/null || true; done
  sleep 0.5
  rm -rf "$work"
}
trap stop EXIT

module=$(integrations/nginx/build.sh "$work/build" 2>/dev/null | tail -n 1)
bash integrations/nginx/test-pki.sh "$work/pki" >/dev/null
# N more client leaves (same key, distinct certificates) for the "new client every
# connection" pass: nothing chainvet caches about one certificate helps with the next.
(
  cd "$work/pki"
  mkdir -p fresh
  openssl req -new -key good.key -subj "/O=chainvet test/CN=client-fresh" -out fresh.csr
  for i in $(seq "$n"); do
    openssl x509 -req -in fresh.csr -CA int.pem -CAkey int.key -set_serial $((100000 + i)) \
      -days 365 -sha256 -extfile ext.cnf -extensions client -out "fresh/$i.leaf.pem" 2>/dev/null
    cat "fresh/$i.leaf.pem" int.pem >"fresh/$i.pem"
  done
)
read -r with without logged <<<"$(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')"

# Two nginx instances, one worker each, so each worker's CPU time is its server's alone.
conf() { # name port chainvet-directives [error_log level]
  mkdir -p "$work/$1"
  cat >"$work/$1/nginx.conf" <<EOF
load_module $module;
worker_processes 1;
pid $work/$1/nginx.pid;
error_log $work/$1/error.log ${4:-error};
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $work/$1/tmp;
    ssl_certificate $work/pki/server.pem;
    ssl_certificate_key $work/pki/server.key;
    ssl_verify_client optional_no_ca;
    ssl_session_cache off;
    ssl_session_tickets off;
    server {
        listen 127.0.0.1:$2 ssl;
        $3
        location / { root $work; try_files /pki/root.pem =404; }
    }
}
EOF
}
conf with "$with" "chainvet_trust_store $work/pki/root.pem; chainvet_crl $work/pki/crl.pem; chainvet on;"
conf without "$without" ""
# A third, with the debug log, where the module logs the CPU time of each vetting.
conf logged "$logged" "chainvet_trust_store $work/pki/root.pem; chainvet_crl $work/pki/crl.pem; chainvet on;" debug
# The workers (nobody, when started as root) serve a file from the work directory.
chmod a+rx "$work" "$work/pki"
chmod a+r "$work/pki/root.pem"
for name in with without logged; do
  nginx -p "$work/$name/" -c "$work/$name/nginx.conf" -e "$work/$name/error.log"
done
sleep 0.5
worker() { pgrep -P "$(cat "$work/$1/nginx.pid")"; }

python3 - "$work/pki" "$n" "$with" "$without" "$(worker with)" "$(worker without)" "$logged" "$work/logged/error.log" <<'EOF'
import os, re, socket, ssl, statistics, sys, time
pki, n = sys.argv[1], int(sys.argv[2])
logged, debug_log = int(sys.argv[7]), sys.argv[8]
ports = {"with chainvet": int(sys.argv[3]), "without": int(sys.argv[4])}
workers = {"with chainvet": sys.argv[5], "without": sys.argv[6]}
tick = os.sysconf("SC_CLK_TCK")

def cpu(pid):  # user + system seconds of a worker
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick
def context(chain):
    ctx = ssl.create_default_context(cafile=f"{pki}/server.pem")
    ctx.load_cert_chain(chain, f"{pki}/good.key")
    return ctx

same = context(f"{pki}/good.pem")
fresh = [context(f"{pki}/fresh/{i}.pem") for i in range(1, n + 1)]

def one(port, ctx):
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := tls.recv(65536):
                data += chunk
    assert data.startswith(b"HTTP/1.1 200"), data[:80]
    return time.perf_counter() - start

for port in ports.values():  # warm up both
    for _ in range(20):
        one(port, same)
print(f"{n} connections each, TLS {ssl.OPENSSL_VERSION}, P-256 client chain of 2")
for label, contexts in (("same client every connection", [same] * n),
                        ("a new client certificate every connection", fresh)):
    results = {name: [] for name in ports}
    cpu_before = {name: cpu(pid) for name, pid in workers.items()}
    for ctx in contexts:  # interleaved, so both see the same machine load
        for name, port in ports.items():
            results[name].append(one(port, ctx))
    worker_cpu = {name: (cpu(pid) - cpu_before[name]) / n for name, pid in workers.items()}
    print(label + ":")
    for name, times in results.items():
        print(f"{name:>16}: wall median {statistics.median(times) * 1e6:6.0f} us, mean {statistics.mean(times) * 1e6:6.0f} us;"
              f" worker CPU {worker_cpu[name] * 1e6:5.0f} us per connection")
    d = statistics.median(results["with chainvet"]) - statistics.median(results["without"])
    c = worker_cpu["with chainvet"] - worker_cpu["without"]
    print(f"{'difference':>16}: wall median {d * 1e6:6.0f} us; worker CPU {c * 1e6:5.0f} us per connection")

# The module's own account: CPU time of each vetting, from the debug log.
for ctx in [same] * n + fresh:
    one(logged, ctx)
spent = [int(t) / 1000 for t in re.findall(r"chainvet: chain accepted, \d+ finding\(s\), (\d+) ns of CPU",
                                         open(debug_log).read())]
assert len(spent) == 2 * n, len(spent)
print("CPU time of one vetting in the worker (debug log):")
print(f"{'same client':>16}: median {statistics.median(spent[1:n]):6.0f} us (the first, cold: {spent[0]:.0f} us)")
print(f"{'new client':>16}: median {statistics.median(spent[n:]):6.0f} us, 90th percentile "
      f"{statistics.quantiles(spent[n:], n=10)[-1]:6.0f} us")
EOF
