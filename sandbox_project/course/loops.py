"""Async helpers for code that runs inside a Jupyter kernel's event loop.

Every notebook cell runs while the kernel's asyncio loop is running in the main
thread. Top-level ``await`` is the normal way to run async code in a cell. Two
things need more:

* ``run(coro)`` drives a coroutine to completion from *plain* (sync) code, such
  as an exercise check, even inside the running loop. It uses nest-asyncio,
  which lets the kernel's loop be re-entered; outside a loop it is ``asyncio.run``.
* ``async_safety()`` switches Django's async-safety check back on for a block.
  The sandbox turns the check off (``DJANGO_ALLOW_ASYNC_UNSAFE``) so sync ORM
  calls work in cells; inside the block a sync ORM call from async code raises
  ``SynchronousOnlyOperation`` exactly as it would under a real ASGI server.
"""
import asyncio
import os
import threading
from contextlib import contextmanager

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def run(awaitable):
    """Run a coroutine from sync code and return its result."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_as_coroutine(awaitable))
    import nest_asyncio

    nest_asyncio.apply(loop)
    return loop.run_until_complete(awaitable)


async def _as_coroutine(awaitable):
    return await awaitable


def allow_sync_orm_in_cells():
    """Let cells make sync ORM calls although a loop is running (sandbox only)."""
    os.environ[ASYNC_UNSAFE] = "true"


@contextmanager
def async_safety():
    """Django's async-safety check on for the block, as in production."""
    previous = os.environ.pop(ASYNC_UNSAFE, None)
    try:
        yield
    finally:
        if previous is not None:
            os.environ[ASYNC_UNSAFE] = previous


def async_safety_is_on():
    return not os.environ.get(ASYNC_UNSAFE)


def thread_name():
    """The current thread's name, e.g. 'MainThread' or 'ThreadPoolExecutor-0_0'."""
    return threading.current_thread().name
