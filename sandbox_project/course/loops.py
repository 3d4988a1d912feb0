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
