"""The thread hop behind ``Validator.avalidate`` and ``avalidate_presented``."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, TypeVar

T = TypeVar("T")


async def offload(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``await``-able ``fn(*args, **kwargs)`` in the event loop's default executor
    (``asyncio.to_thread``: context variables carried over). The native call releases
    the GIL, so the loop and other threads keep running meanwhile."""
    return await asyncio.to_thread(fn, *args, **kwargs)
