"""Times pyca/cryptography's X.509 client verifier from Python on chainvet's benchmark
bundles: PEM parse, a store holding the bundle's root, a client verifier at the fixed
validation time, verify. Times are CPU time of the thread (time.thread_time_ns), as the
Rust benches measure. Prints one JSON object: {chain: {"median_ns": ..., ...}}.

The `presented` entries time what a gateway would do instead of calling chainvet's
trust-store mode: the verifier built once (store and policy prepared), and per call the
presented leaf and intermediates loaded from DER and verified.

Usage: python3 benches/pyca_verify.py DIR   (DIR holds CHAIN.pem files, leaf first)
"""

import datetime
import json
import pathlib
import statistics
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.verification import PolicyBuilder, Store

# chainvet_benches::at(): 2026-06-01T00:00:00Z
AT = datetime.datetime(2026, 6, 1, tzinfo=datetime.timezone.utc)


def verify(pem: bytes) -> None:
    certs = x509.load_pem_x509_certificates(pem)
    leaf, intermediates, root = certs[0], certs[1:-1], certs[-1]
    verifier = PolicyBuilder().store(Store([root])).time(AT).build_client_verifier()
    verifier.verify(leaf, intermediates)


def presented(pem: bytes):
    """A call that verifies the chain as presented, with the verifier prepared once."""
    certs = x509.load_pem_x509_certificates(pem)
    leaf = certs[0].public_bytes(serialization.Encoding.DER)
    pool = [c.public_bytes(serialization.Encoding.DER) for c in certs[1:-1]]
    verifier = PolicyBuilder().store(Store([certs[-1]])).time(AT).build_client_verifier()

    def call() -> None:
        verifier.verify(
            x509.load_der_x509_certificate(leaf),
            [x509.load_der_x509_certificate(d) for d in pool],
        )

    return call


def measure(call, seconds: float = 2.0, batches: int = 20) -> dict:
    call()  # raises if pyca rejects the fixture
    n = 1
    while True:  # calibrate: a batch of about seconds / batches
        start = time.thread_time_ns()
        for _ in range(n):
            call()
        elapsed = time.thread_time_ns() - start
        if elapsed > seconds / batches * 1e9:
            break
        n *= 2
    per_call = []
    for _ in range(batches):
        start = time.thread_time_ns()
        for _ in range(n):
            call()
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
        pem = path.read_bytes()
        results[path.stem] = measure(lambda: verify(pem))
        results["presented:" + path.stem] = measure(presented(pem))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
