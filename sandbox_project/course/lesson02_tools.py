"""Instruments for lesson 02: watch the async ORM hand its work to a thread.

Django 4.1's async QuerySet methods are ``sync_to_async`` wrappers around the
sync ones. In a notebook (as under ``asyncio.run``) every thread-sensitive
``sync_to_async`` call goes to asgiref's one process-wide worker thread, through
a ``ThreadPoolExecutor`` with a single worker. ``counting_hops()`` counts the
calls handed to that executor: one call is one trip ("hop") from the event loop
to the worker thread and back::

    with counting_hops() as hops:
        titles = [book.title async for book in Book.objects.all()]
    len(hops)  # 1: the whole result set was loaded in one hop

It only counts; the work itself runs unchanged.
"""
from contextlib import contextmanager

from asgiref.sync import SyncToAsync


@contextmanager
def counting_hops():
    """Count the calls that ``sync_to_async`` hands to the worker thread in the block."""
    executor = SyncToAsync.single_thread_executor
    hops = []
    submit = executor.submit

    def counted_submit(function, *args, **kwargs):
        hops.append(getattr(function, "__name__", repr(function)))
        return submit(function, *args, **kwargs)

    executor.submit = counted_submit
    try:
        yield hops
    finally:
        del executor.submit  # the class's own submit is visible again
