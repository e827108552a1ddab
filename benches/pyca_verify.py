"""Times pyca/cryptography's X.509 client verifier from Python on chainvet's benchmark
bundles: PEM parse, a store holding the bundle's root, a client verifier at the fixed
validation time, verify. Times are CPU time of the thread (time.thread_time_ns), as the
Rust benches measure. Prints one JSON object: {chain: {"median_ns": ..., ...}}.

Usage: python3 benches/pyca_verify.py DIR   (DIR holds CHAIN.pem files, leaf first)
"""

import datetime
import json
import pathlib
import statistics
import sys
import time

from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store

# chainvet_benches::at(): 2026-06-01T00:00:00Z
AT = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)


def verify(pem: bytes) -> None:
    certs = x509.load_pem_x509_certificates(pem)
    leaf, intermediates, root = certs[0], certs[1:-1], certs[-1]
    verifier = PolicyBuilder().store(Store([root])).time(AT).build_client_verifier()
    verifier.verify(leaf, intermediates)


def measure(pem: bytes, seconds: float = 2.0, batches: int = 20) -> dict:
    verify(pem)  # raises if pyca rejects the fixture
    n = 1
    while True:  # calibrate: a batch of about seconds / batches
        start = time.thread_time_ns()
        for _ in range(n):
            verify(pem)
        elapsed = time.thread_time_ns() - start
        if elapsed > seconds / batches * 1e9:
            break
        n *= 2
    per_call = []
    for _ in range(batches):
        start = time.thread_time_ns()
        for _ in range(n):
            verify(pem)
        per_call.append((time.thread_time_ns() - start) / n)
    return {
        "median_ns": statistics.median(per_call),
        "mean_ns": statistics.fmean(per_call),
        "min_ns": min(per_call),
        "iterations_per_batch": n,
        "cryptography": __import__("cryptography").__version__,
    }


def main() -> int:
    folder = pathlib.Path(sys.argv[1])
    results = {}
    for path in sorted(folder.glob("*.pem")):
        results[path.stem] = measure(path.read_bytes())
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
