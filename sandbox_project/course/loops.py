"""Async helpers for code that runs inside a Jupyter kernel's event loop.

Every notebook cell runs while the kernel's asyncio loop is running in the main
thread. Top-level ``await`` is the normal way to run async code in a cell. Two
things need more:

* ``run(coro)`` drives a coroutine to completion from *plain* (sync) code, such
  as an exercise check, even inside the running loop. It uses nest-asyncio,
  which lets the kernel's loop be re-entered; outside a loop it is ``asyncio.run``.
* ``async_safety()`` applies Django's async-safety rule to the cell's own code
  too. Outside it, the sandbox refuses sync ORM calls from async code (as a real
  ASGI server does) but lets a cell's own synchronous code use the ORM although
  the kernel's loop is running (``course.sandbox.async_rules``); inside it, the
  cell's code is refused as well, exactly as code in a coroutine would be.
"""
import asyncio
import os
import threading
from contextlib import contextmanager

__all__ = ["ASYNC_UNSAFE", "loop_running", "run", "replace_sync_worker", "async_safety", "async_safety_is_on", "thread_name"]

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def loop_running():
    """Return whether an event loop is running in this thread (in a cell, it always is)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run(awaitable):
    """Run a coroutine from sync code and return its result.

    If the run is stopped from outside (a check's time limit, Ctrl-C), the
    coroutine is cancelled, so nothing of it is left behind in the kernel's loop.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_as_coroutine(awaitable))
    import nest_asyncio

    nest_asyncio.apply(loop)
    task = asyncio.ensure_future(awaitable, loop=loop)
    try:
        return loop.run_until_complete(task)
    except BaseException:
        if not task.done():
            task.cancel()
            task.add_done_callback(_forget)
        raise


def _forget(task):
    if not task.cancelled():
        task.exception()  # retrieved: no "exception was never retrieved" log line


def replace_sync_worker():
    """Give ``sync_to_async`` (and so the async ORM) a fresh worker thread.

    Thread-sensitive ``sync_to_async`` calls made from a kernel cell all run on
    one worker thread, one after another. If learner code blocks that thread
    (``time.sleep(3600)`` inside ``sync_to_async``), every later async query
    would queue behind it for ever. The blocked thread is abandoned: it no
    longer serves calls, and the kernel does not wait for it when it exits.
    """
    import concurrent.futures
    from concurrent.futures import thread as futures_thread

    from asgiref.sync import SyncToAsync

    old = SyncToAsync.single_thread_executor
    SyncToAsync.single_thread_executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    old.shutdown(wait=False, cancel_futures=True)
    for worker in list(getattr(old, "_threads", ())):
        futures_thread._threads_queues.pop(worker, None)  # not joined when the kernel exits
        lock = getattr(worker, "_tstate_lock", None)
        shutdown_locks = getattr(threading, "_shutdown_locks", None)
        if lock is not None and shutdown_locks is not None:
            shutdown_locks.discard(lock)


async def _as_coroutine(awaitable):
    return await awaitable


@contextmanager
def async_safety():
    """Django's async-safety rule for the block, for the cell's own code too, as in production."""
    from .sandbox import async_rules

    previous = os.environ.pop(ASYNC_UNSAFE, None)  # set by hand? it would switch the check off
    try:
        with async_rules.production_rule():
            yield
    finally:
        if previous is not None:
            os.environ[ASYNC_UNSAFE] = previous


def async_safety_is_on():
    """True inside ``async_safety()``: the cell's own sync ORM calls are refused too."""
    from .sandbox import async_rules

    return async_rules.production_rule_applies()


def thread_name():
    """The current thread's name, e.g. 'MainThread' or 'ThreadPoolExecutor-0_0'."""
    return threading.current_thread().name
