"""One Validator shared by many threads gives the same answers as one thread, and the
GIL is released while the core validates (so threads can run on several cores)."""

from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import chains
from chains import DAY, NOW, pem
from conftest import SAMPLES

import chainvet


def bundles() -> list[bytes]:
    good = chains.chain(("rsa2048", "p256", "p384"), slot=5)
    expired = chains.chain(("p256", "p256"), slot=5, leaf_not_before=NOW - 400 * DAY,
                           leaf_not_after=NOW - DAY)
    return [pem(good), pem(good[::-1]), pem(expired), pem(good[:2]), b"", b"junk"] + [
        p.read_bytes() for p in sorted(SAMPLES.glob("*.pem"))
    ]


def test_shared_validator_across_eight_threads() -> None:
    inputs = bundles() * 12
    root = chains.chain(("rsa2048", "p256", "p384"), slot=5)[-1]
    validator = chainvet.Validator(chainvet.Policy(rsa_min_bits=2048), trust_store=[root])
    expected = [validator.validate(b, at=NOW).to_dict() for b in inputs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda b: validator.validate(b, at=NOW).to_dict(), inputs))
    assert got == expected
    assert len({str(r["accepted"]) + str(len(r["findings"])) for r in expected}) > 2


def test_gil_is_released_during_validation() -> None:
    """With a huge switch interval, the interpreter never forces a thread switch, so a
    second thread can run while the main thread is between `start` and `end` only if
    the main thread releases the GIL there, which only `validate` can do."""
    chain = chains.chain(("p256", "p256"), slot=6)
    unrelated = [
        chains.certificate(chains.name(f"u{i}"), chains.key("p256", 60), chains.name("other"),
                           chains.key("p256", 61))
        for i in range(600)
    ]
    big = pem(chain + unrelated)  # a few milliseconds of work per call
    validator = chainvet.Validator(chainvet.Policy(max_certificates=10_000, max_input_bytes=0))
    ticks: list[float] = []
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0)  # releases the GIL, so the main thread can take it back

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    spinner = threading.Thread(target=spin)
    spinner.start()
    inside = 0
    try:
        for _ in range(3):
            start = time.perf_counter()
            report = validator.validate(big, at=NOW)
            end = time.perf_counter()
            inside += sum(1 for t in list(ticks) if start < t < end)
            # 600 end-entity certificates besides the chain's leaf (issue 17).
            assert report.has("chain.multiple_leaves")
    finally:
        stop.set()
        spinner.join()
        sys.setswitchinterval(old)
    assert inside > 0
