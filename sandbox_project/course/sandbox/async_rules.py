"""Where Django's async-safety check applies in a kernel: as in production, except for a cell's own code.

Every cell runs while the kernel's event loop is running in the main thread, so
Django's check (``django.utils.asyncio.async_unsafe``) would refuse every sync
ORM call a cell makes. Setting ``DJANGO_ALLOW_ASYNC_UNSAFE`` for the whole
kernel, the usual fix, goes too far: a sync ORM call inside an ``async def``
view, or ``transaction.atomic()`` in async code, then succeeds in the sandbox
and fails in production.

``install()`` gives the check the rule a real server follows, and one
exception. A sync ORM call is refused when it runs in a thread with a running
event loop *from async code*: a coroutine is on the call stack between it and
the cell (an async view served through ``AsyncClient``, the sync ``Client``
or the course's ASGI server; an ``async def`` of the learner's, awaited in a
cell). It is allowed when the cell's own top-level code called it
synchronously, as in ``manage.py shell``. Worker threads (``sync_to_async``)
have no running loop and are never refused, as in production.
``course.loops.async_safety()`` applies the production rule to the cell too.

``install()`` also lets a cell's own synchronous code call ``async_to_sync``
(and so the sync test ``Client`` on an async view) as a Django ``TestCase``
can: the call runs in a worker thread with no event loop, and the cell waits
for it. From async code, by the same rule, asgiref's ``RuntimeError`` stands.
"""
import contextvars
import inspect
import os
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from course.loops import loop_running

__all__ = ["install", "production_rule", "production_rule_applies", "allowed_here"]

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_ASYNC_CODE = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_ITERABLE_COROUTINE
_state = {"installed": False, "cell_files": None, "production": 0}


def _is_cell_top_level(code):
    cell_files = _state["cell_files"]
    return code.co_name == "<module>" and code.co_filename in cell_files


def allowed_here(frame=None):
    """True if a sync ORM call made from ``frame`` (default: the caller) is a cell's own synchronous code."""
    if _state["production"]:
        return False
    frame = frame or sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if _is_cell_top_level(code):
            return True
        if code.co_flags & _ASYNC_CODE:
            return False
        frame = frame.f_back
    return False


class _Environ(Mapping):
    """``os.environ`` as Django's async-safety check sees it: the variable answers by the rule above."""

    def __getitem__(self, key):
        if key == ASYNC_UNSAFE:
            value = os.environ.get(key)
            if value is not None and not _state["production"]:
                return value  # set by the learner on purpose: Django's own meaning
            if allowed_here(sys._getframe(1)):
                return "true"
            raise KeyError(key)
        return os.environ[key]

    def __iter__(self):
        return iter(os.environ)

    def __len__(self):
        return len(os.environ)


class _OsForDjango:
    """Stands in for the ``os`` module inside ``django.utils.asyncio`` only."""

    environ = _Environ()

    def __getattr__(self, name):
        return getattr(os, name)


def production_rule_applies():
    """True inside ``production_rule()`` (``course.loops.async_safety()``)."""
    return _state["production"] > 0


class production_rule:
    """Context manager: Django's own rule for the block, for the cell's code too (``loops.async_safety``)."""

    def __enter__(self):
        _state["production"] += 1
        return self

    def __exit__(self, *exc):
        _state["production"] -= 1
        return False


def _cell_files():
    """The file names IPython gives cells (its compiler's live map), or an empty set outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return set()
    shell = get_ipython()
    files = getattr(getattr(shell, "compile", None), "_filename_map", None)
    return files if files is not None else set()


def _patch_async_to_sync():
    from asgiref.sync import AsyncToSync

    original = AsyncToSync.__call__

    def __call__(self, *args, **kwargs):
        if threading.current_thread() is threading.main_thread() and loop_running() and allowed_here(sys._getframe(1)):
            # A cell's own synchronous code (the kernel's loop runs in this thread): do what a TestCase does,
            # from a thread with no loop. From async code (a coroutine between the cell and here: an async
            # view, an `async def`) asgiref refuses, as under a real ASGI server.
            context = contextvars.copy_context()
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="course-sync-call") as worker:
                return worker.submit(context.run, original, self, *args, **kwargs).result()
        return original(self, *args, **kwargs)

    AsyncToSync.__call__ = __call__


def install():
    """Apply the rule to Django's async-safety check and let cells call ``async_to_sync`` (once per kernel)."""
    if _state["installed"]:
        return
    import django.utils.asyncio

    _state["cell_files"] = _cell_files()
    django.utils.asyncio.os = _OsForDjango()
    _patch_async_to_sync()
    _state["installed"] = True
