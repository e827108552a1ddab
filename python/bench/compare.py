"""Per-call cost of chainvet's `Validator.validate` from Python beside pyca/cryptography's
client verifier on the same 3-certificate chain (RSA-2048 and P-256), in one run, and
throughput with 1 vs 8 threads sharing one validator.

    python python/bench/compare.py            # human table
    python python/bench/compare.py --json     # one JSON object, for scripts

Needs `chainvet` and `cryptography` installed (`pip install ./python cryptography`).
Both sides validate against the chain's root as the only trust anchor at a fixed time.
Rows:
  chainvet validate(pem)   PEM bundle in, every check (parse, order, signatures,
                           profile, validity, keys, webpki path validation) -> Report
  chainvet validate(der)   the peer chain as DER bytes, leaf first (as a TLS stack has it)
  pyca parse+verify        load_pem_x509_certificates + ClientVerifier.verify
  pyca verify              ClientVerifier.verify on already-parsed certificates
  chainvet validate(b"")   an empty input: the floor cost of one call through the
                           bindings (argument handling, GIL release, Report object)
Trust-store mode (`validate_presented`, the gateway's per-connection call: leaf and
intermediate as DER, the root in the validator's trust store) beside pyca's client
verifier built once (store and policy prepared), certificates loaded from DER per call:
  chainvet presented repeated     the same presented chain again (steady state)
  chainvet presented new leaf     a leaf never seen before under the known CA: one
                                  signature verification plus parsing and checks
  pyca presented repeated / new leaf   the same calls through pyca
and the ratios pyca / chainvet (targets: >= 20x repeated, >= 2x new leaf).
Per-call times are CPU time of the calling thread (time.thread_time), so that other
processes on a shared machine do not count; the thread rows are wall-clock throughput.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import threading
import time
from typing import Any, Callable

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.verification import PolicyBuilder, Store

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
import chains  # noqa: E402  (the test suite's chain factory)

import chainvet  # noqa: E402


def per_call_us(fn: Callable[[], object], seconds: float) -> float:
    """Median over several batches of the CPU time per call, in microseconds."""
    n = 1
    while True:  # size a batch to ~1/20 of the budget
        t = time.thread_time()
        for _ in range(n):
            fn()
        if time.thread_time() - t > seconds / 20:
            break
        n *= 2
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(samples) < 5:
        t = time.thread_time()
        for _ in range(n):
            fn()
        samples.append((time.thread_time() - t) / n * 1e6)
    return statistics.median(samples)


def each_once_us(fn: Callable[[Any], object], items: list[Any], batches: int = 10) -> float:
    """Median over `batches` slices of `items` of the CPU time per call of `fn(item)`,
    in microseconds: every item is used exactly once (a new leaf stays new)."""
    size = max(1, len(items) // batches)
    samples: list[float] = []
    for start in range(0, size * batches, size):
        chunk = items[start:start + size]
        t = time.thread_time()
        for item in chunk:
            fn(item)
        samples.append((time.thread_time() - t) / len(chunk) * 1e6)
    return statistics.median(samples)


def new_leaves(kinds: tuple[str, ...], chain: list[Any], count: int) -> list[bytes]:
    """`count` distinct leaves (DER) issued by the chain's intermediate (the test chain
    factory's key for it), each with its own serial: each costs one signature check."""
    issuer = chain[1]
    issuer_key = chains.key(kinds[1], 42 * 10 + 1)
    leaf_key = chains.key(kinds[0], 42 * 10)
    return [
        chains.certificate(
            chain[0].subject, leaf_key, issuer.subject, issuer_key, serial=0x10000 + i,
            not_before=chains.NOW - 30 * chains.DAY, not_after=chains.NOW + 365 * chains.DAY,
        ).public_bytes(serialization.Encoding.DER)
        for i in range(count)
    ]


def throughput(fn: Callable[[], object], threads: int, seconds: float) -> float:
    """Calls per second with `threads` threads calling `fn` for `seconds`."""
    counts = [0] * threads
    stop = threading.Event()
    barrier = threading.Barrier(threads + 1)

    def work(i: int) -> None:
        barrier.wait()
        c = 0
        while not stop.is_set():
            fn()
            c += 1
        counts[i] = c

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    return sum(counts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--leaves", type=int, default=2000,
                        help="distinct new leaves per chain for the new-leaf rows")
    args = parser.parse_args()

    results: dict[str, Any] = {"chainvet": chainvet.__version__, "cpus": os.cpu_count(), "rows": []}
    at = chains.NOW
    for label, kinds in (("RSA-2048", ("rsa2048",) * 3), ("P-256", ("p256",) * 3)):
        chain = chains.chain(kinds, slot=42)
        leaf, intermediate, root = chain
        pem = chains.pem(chain)
        ders = [c.public_bytes(serialization.Encoding.DER) for c in chain]
        validator = chainvet.Validator(trust_store=[root])
        assert validator.validate(pem, at=at).accepted
        verifier = PolicyBuilder().store(Store([root])).time(at).build_client_verifier()
        verifier.verify(leaf, [intermediate])

        def pyca_parse_verify() -> None:
            certs = x509.load_pem_x509_certificates(pem)
            verifier.verify(certs[0], certs[1:-1])

        rows = {
            "chainvet validate(pem)": lambda: validator.validate(pem, at=at),
            "chainvet validate(der)": lambda: validator.validate(ders, at=at),
            "pyca parse+verify": pyca_parse_verify,
            "pyca verify": lambda: verifier.verify(leaf, [intermediate]),
            'chainvet validate(b"")': lambda: validator.validate(b"", at=at),
        }
        for name, fn in rows.items():
            results["rows"].append(
                {"chain": label, "what": name, "us_per_call": round(per_call_us(fn, args.seconds), 1)}
            )

        # Trust-store mode: the leaf and intermediate as a TLS stack hands them over.
        leaf_der, intermediate_der = ders[0], ders[1]
        assert validator.validate_presented(leaf_der, [intermediate_der], at=at).accepted
        leaves = new_leaves(kinds, chain, args.leaves)
        assert validator.validate_presented(leaves[0], [intermediate_der], at=at).accepted
        # A validator that has seen the CA (its links are verified and cached), then
        # every leaf once.
        known_ca = chainvet.Validator(trust_store=[root])
        assert known_ca.validate_presented(leaf_der, [intermediate_der], at=at).accepted

        def pyca_presented(leaf_bytes: bytes) -> None:
            verifier.verify(
                x509.load_der_x509_certificate(leaf_bytes),
                [x509.load_der_x509_certificate(intermediate_der)],
            )

        presented = {
            "chainvet presented repeated": per_call_us(
                lambda: validator.validate_presented(leaf_der, [intermediate_der], at=at),
                args.seconds),
            "chainvet presented new leaf": each_once_us(
                lambda d: known_ca.validate_presented(d, [intermediate_der], at=at), leaves[1:]),
            "pyca presented repeated": per_call_us(lambda: pyca_presented(leaf_der), args.seconds),
            "pyca presented new leaf": each_once_us(pyca_presented, leaves[1:]),
        }
        for name, us in presented.items():
            results["rows"].append({"chain": label, "what": name, "us_per_call": round(us, 1)})
        for case in ("repeated", "new leaf"):
            results["rows"].append({
                "chain": label, "what": f"pyca / chainvet presented {case}",
                "ratio": round(presented[f"pyca presented {case}"]
                               / presented[f"chainvet presented {case}"], 1),
            })
        for name, fn in (("chainvet validate(pem)", rows["chainvet validate(pem)"]),
                         ("pyca parse+verify", pyca_parse_verify)):
            one = throughput(fn, 1, args.seconds)
            eight = throughput(fn, 8, args.seconds)
            results["rows"].append({
                "chain": label, "what": f"{name} threads",
                "calls_per_s_1_thread": round(one), "calls_per_s_8_threads": round(eight),
                "speedup": round(eight / one, 2),
            })

    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"chainvet {results['chainvet']}, {results['cpus']} CPUs, {dt.datetime.now():%Y-%m-%d %H:%M}")
    for row in results["rows"]:
        if "us_per_call" in row:
            print(f"{row['chain']:9} {row['what']:29} {row['us_per_call']:9.1f} us/call")
        elif "ratio" in row:
            print(f"{row['chain']:9} {row['what']:41} {row['ratio']:6.1f}x")
        else:
            print(f"{row['chain']:9} {row['what']:34} 1 thread {row['calls_per_s_1_thread']:7}/s"
                  f"  8 threads {row['calls_per_s_8_threads']:7}/s  x{row['speedup']}")


if __name__ == "__main__":
    main()
