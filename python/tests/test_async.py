"""`await validator.avalidate(...)` / `avalidate_presented(...)`: same reports as the
plain calls, run in a worker thread with the GIL released, so the event loop keeps
running while the core works."""

from __future__ import annotations

import asyncio
import contextvars
import sys
import time

import chains
import pytest
from chains import NOW, der, pem

import chainvet

LEAF, I1, ROOT = chains.chain(("p256", "p256", "p256"), slot=70)
VALIDATOR = chainvet.Validator(trust_store=[ROOT])


def test_same_reports_as_the_plain_calls() -> None:
    async def main() -> tuple[chainvet.Report, chainvet.Report]:
        return (
            await VALIDATOR.avalidate(pem([LEAF, I1, ROOT]), NOW, offline=True),
            await VALIDATOR.avalidate_presented(der(LEAF), [I1], at=NOW, usage="client"),
        )

    bundle, presented = asyncio.run(main())
    assert bundle.to_dict() == VALIDATOR.validate(pem([LEAF, I1, ROOT]), NOW, offline=True).to_dict()
    assert presented.accepted
    assert presented.to_dict() == VALIDATOR.validate_presented(der(LEAF), [I1], at=NOW).to_dict()


def test_errors_propagate_to_the_awaiting_task() -> None:
    async def main() -> None:
        with pytest.raises(TypeError):
            await VALIDATOR.avalidate(42)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await VALIDATOR.avalidate(b"", no_such_argument=1)  # type: ignore[call-arg]

    asyncio.run(main())


def test_context_variables_reach_the_worker() -> None:
    """`asyncio.to_thread` semantics: the call sees the task's context (so request-scoped
    logging context still applies in a custom `public_bytes`)."""
    request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id")
    seen: list[str] = []

    class Traced:
        def public_bytes(self, encoding: object) -> bytes:
            seen.append(request_id.get())
            return der(LEAF)

    async def main() -> None:
        request_id.set("r-42")
        await VALIDATOR.avalidate_presented(Traced(), [I1], at=NOW)

    asyncio.run(main())
    assert seen == ["r-42"]


def test_event_loop_keeps_running_during_a_call() -> None:
    """With a huge switch interval the interpreter never forces a thread switch, so the
    loop's ticker can run while the worker is inside the native call only if that call
    releases the GIL. The native part starts after the last item of the input was read
    (a traced certificate object records when) and ends before the await returns."""
    chain = chains.chain(("p256", "p256"), slot=71)
    unrelated = [
        der(chains.certificate(chains.name(f"u{i}"), chains.key("p256", 710), chains.name("other"),
                               chains.key("p256", 711)))
        for i in range(1000)
    ]
    native_start: list[float] = []

    class Traced:
        def public_bytes(self, encoding: object) -> bytes:
            native_start.append(time.perf_counter())
            return der(chain[1])

    validator = chainvet.Validator(chainvet.Policy(max_certificates=10_000, max_input_bytes=0),
                                   cache_limits="off")

    async def main() -> list[float]:
        ticks: list[float] = []
        done = False

        async def ticker() -> None:
            while not done:
                ticks.append(time.perf_counter())
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        report = await validator.avalidate([der(chain[0]), *unrelated, Traced()], NOW)
        end = time.perf_counter()
        done = True
        await task
        # 1,000 certificates that are not on the leaf's chain (merged into one finding).
        assert not report.accepted and report.findings
        return [t for t in ticks if native_start[0] < t < end]

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        inside = asyncio.run(main())
    finally:
        sys.setswitchinterval(old)
    assert len(inside) > 10, len(inside)
