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

``queries_by_thread()`` records the thread and SQL of every query run in its
block, on the cell's thread and on the worker thread; ``thread_diagram(...)``
draws those records as a Mermaid sequence diagram and ``cost_picture(...)``
draws measured per-query times with matplotlib (an image, never compared).
``PausedQueries`` registers an SQL function ``pause()`` on the worker's SQLite
connection that records how many queries are in flight when each one runs.
``hop_diagram(...)`` draws recorded hops as a Mermaid sequence diagram, and
``watching_sync_work()`` (used by the checks) records who wrapped sync code in
``sync_to_async`` and on which thread each query ran. They only record; the
work itself runs unchanged. Every conclusion drawn from them is a count, a
thread name or an order, never a duration, so it is the same on a busy machine.
"""
import contextlib
import functools
import inspect
import os
import sys
import sysconfig
import threading
from contextlib import contextmanager

from asgiref.sync import SyncToAsync

__all__ = [
    "counting_hops",
    "hop_diagram",
    "queries_by_thread",
    "thread_diagram",
    "cost_picture",
    "PausedQueries",
    "watching_sync_work",
    "is_library_file",
]


@contextmanager
def counting_hops():
    """Count the calls that ``sync_to_async`` hands to the worker thread in the block."""
    executor = SyncToAsync.single_thread_executor
    hops = []
    submit = executor.submit

    def counted_submit(function, *args, **kwargs):
        hops.append(_label(function))
        return submit(function, *args, **kwargs)

    executor.submit = counted_submit
    try:
        yield hops
    finally:
        del executor.submit  # the class's own submit is visible again


def _label(function):
    """A name for a submitted call, read without ``repr()``: the repr of a queryset would run its query."""
    while isinstance(function, functools.partial):
        function = function.func
    return getattr(function, "__qualname__", None) or type(function).__name__


def hop_diagram(loop_thread, worker_threads, queries, handed_over):
    """A Mermaid sequence diagram (as Markdown) of queries handed from the event loop to worker threads.

    ``queries`` are ``(label, thread name, queries in flight when it started)``
    in the order they ran; ``handed_over`` is the number of hops counted.
    """
    from IPython.display import Markdown

    names = {thread: f"W{number}" for number, thread in enumerate(worker_threads, 1)}
    lines = ["```mermaid", "sequenceDiagram", f"    participant L as event loop ({loop_thread})"]
    lines += [f"    participant {alias} as {thread}" for thread, alias in names.items()]
    first = next(iter(names.values()))
    lines.append(f"    L->>{first}: {handed_over} queries handed over at once")
    for label, thread, in_flight in queries:
        alias = names[thread]
        lines.append(f"    Note over {alias}: {label} runs ({in_flight} in flight)")
        lines.append(f"    {alias}-->>L: result of {label}")
    lines.append("```")
    return Markdown("\n".join(lines))


class _QueryLog(list):
    """``(step, thread name, SQL)`` of every query, in the order they ran; ``step(label)`` names what follows."""

    current = None

    def step(self, label):
        """Label the queries that run from now on (what the cell is calling)."""
        self.current = label

    def __call__(self, execute, sql, params, many, context):  # a connection execute wrapper
        import threading

        self.append((self.current, threading.current_thread().name, sql))
        return execute(sql, params, many, context)


@contextlib.asynccontextmanager
async def queries_by_thread():
    """Record ``(step, thread name, SQL)`` for every query in the block, on this thread and on the worker thread.

    Each thread has its own connection, so Django's ``execute_wrapper`` hook is
    installed on both: on this thread's connection directly, on the worker's
    through ``sync_to_async``. ``log.step("acount()")`` labels the queries that follow.
    """
    from asgiref.sync import sync_to_async
    from django.db import connection

    log = _QueryLog()

    def install():
        connection.execute_wrappers.append(log)

    def uninstall():
        connection.execute_wrappers.remove(log)

    install()
    await sync_to_async(install)()
    try:
        yield log
    finally:
        uninstall()
        await sync_to_async(uninstall)()


def thread_diagram(loop_thread, queries):
    """A Mermaid sequence diagram (as Markdown) of which thread ran each query.

    ``queries`` are ``(step, thread name, SQL)`` as recorded by ``queries_by_thread()``.
    A query on ``loop_thread`` stays on the event loop; any other is a hop to that thread.
    """
    from IPython.display import Markdown

    workers = sorted({thread for _, thread, _ in queries if thread != loop_thread})
    names = {thread: f"W{number}" for number, thread in enumerate(workers, 1)}
    lines = ["```mermaid", "sequenceDiagram", f"    participant L as event loop ({loop_thread})"]
    lines += [f"    participant {alias} as sync worker ({thread})" for thread, alias in names.items()]
    for step, thread, sql in queries:
        verb = sql.split()[0]
        if thread == loop_thread:
            lines.append(f"    Note over L: {step}: {verb} runs on the loop's own thread")
        else:
            alias = names[thread]
            lines.append(f"    L->>{alias}: {step}")
            lines.append(f"    Note over {alias}: {verb}")
            lines.append(f"    {alias}-->>L: result")
    lines.append("```")
    return Markdown("\n".join(lines))


def cost_picture(times):
    """Draw measured seconds per call (``{label: [seconds, ...]}``) as a box plot in microseconds."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 0.6 + 0.55 * len(times)))
    ax.boxplot([[t * 1e6 for t in values] for values in times.values()], vert=False, showfliers=False)
    ax.set_yticks(range(1, len(times) + 1), [f"{label} ({len(v)} calls)" for label, v in times.items()])
    ax.set_xlabel("microseconds per call, measured on this machine just now (varies from run to run)")
    ax.set_xlim(left=0)
    ax.invert_yaxis()
    fig.tight_layout()
    plt.show()


class PausedQueries:
    """An SQL function ``pause(pk, seconds)`` that notes which thread runs it and how many queries are in flight.

    ``await paused.install()`` registers it on the worker thread's SQLite
    connection; ``paused.get(pk)`` is an ``aget()`` whose query calls it once.
    ``paused.ran`` holds ``(pk, thread name, queries in flight when it started)``
    in the order the queries ran; ``paused.most`` the most in flight at once.
    """

    def __init__(self, seconds=0.1):
        import threading

        self.seconds = seconds
        self._lock = threading.Lock()
        self.clear()

    def clear(self):
        self.ran, self.now, self.most = [], 0, 0

    def _pause(self, pk, seconds):
        import threading
        import time

        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            self.ran.append((pk, threading.current_thread().name, self.now))
        time.sleep(seconds)
        with self._lock:
            self.now -= 1
        return seconds

    async def install(self):
        from asgiref.sync import sync_to_async
        from django.db import connection

        def register():
            connection.ensure_connection()
            connection.connection.create_function("pause", 2, self._pause)

        await sync_to_async(register)()

    def get(self, pk):
        from django.db.models import FloatField, Func, Value
        from library.models import Book

        paused = Func(Value(pk), Value(self.seconds), function="pause", output_field=FloatField())
        return Book.objects.filter(pk=pk).annotate(paused=paused).aget()


# --------------------------------------------------------------------------- for the checks

_LIBRARY_DIRS = None


def _library_dirs():
    global _LIBRARY_DIRS
    if _LIBRARY_DIRS is None:
        import django

        import course
        import library

        dirs = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
        dirs |= {os.path.dirname(django.__file__), os.path.dirname(sys.modules["asgiref"].__file__)}
        dirs |= {os.path.dirname(course.__file__), os.path.dirname(library.__file__)}
        _LIBRARY_DIRS = tuple(os.path.normcase(os.path.realpath(path)) + os.sep for path in dirs if path)
    return _LIBRARY_DIRS


@functools.lru_cache(maxsize=4096)
def is_library_file(filename):
    """True for Python's, Django's, asgiref's and the course's own files; False for cells and the learner's files."""
    if not filename or filename.startswith("<frozen"):
        return True
    path = os.path.normcase(os.path.realpath(filename))
    return path.startswith(_library_dirs())


@functools.lru_cache(maxsize=4096)
def _real(filename):
    return os.path.realpath(filename)


def _caller_outside(frame, directory):
    while frame is not None and _real(frame.f_code.co_filename).startswith(directory):
        frame = frame.f_back
    return frame


def _learner_frame(frame):
    """The innermost frame of the learner's own code on this stack, or None."""
    while frame is not None:
        if not is_library_file(frame.f_code.co_filename):
            return frame
        frame = frame.f_back
    return None


def _name(function):
    name = getattr(function, "__qualname__", None) or getattr(function, "__name__", None) or repr(function)
    return name.rsplit("<locals>.", 1)[-1]


class SyncWork:
    """What ``watching_sync_work()`` saw: the learner's ``sync_to_async`` calls, and every query's thread."""

    def __init__(self):
        self.wrapped = []  # the functions of the learner's sync_to_async calls, by name
        self.queries = []  # (thread name, issued by the learner's own sync code, on asgiref's worker thread)

    @property
    def by_learner_sync_code(self):
        return [thread for thread, learner, _ in self.queries if learner]

    @property
    def off_worker_thread(self):
        main = threading.main_thread().name
        return [thread for thread, learner, on_worker in self.queries if not (learner or on_worker or thread == main)]


@contextmanager
def watching_sync_work():
    """Record, in the block, the learner's ``sync_to_async`` calls and, for every query, its thread and origin.

    * A ``sync_to_async`` call is the learner's when the wrapper was made by the
      learner's code, is called from it, or wraps a function of it. The
      learner's code is any code outside Python, Django, asgiref and the
      course: a notebook cell, or a test. Django's own a-methods make and call
      theirs inside ``django/db/models/query.py`` on its own methods.
    * A query is the learner's sync ORM code when the learner's code is on the
      stack of the thread that runs it (a function run by ``sync_to_async``,
      ``asyncio.to_thread`` or a thread); and it is off the worker thread when
      it runs on a thread other than asgiref's worker.
    """
    from django.db.backends import utils

    work = SyncWork()
    asgiref_dir = os.path.realpath(os.path.dirname(sys.modules["asgiref"].__file__)) + os.sep
    original_init = SyncToAsync.__init__
    original_call = SyncToAsync.__call__
    original_execute = utils.CursorWrapper._execute_with_wrappers

    def init(self, func, *args, **kwargs):
        original_init(self, func, *args, **kwargs)
        maker = _caller_outside(sys._getframe(1), asgiref_dir)
        if maker is not None and not is_library_file(maker.f_code.co_filename):
            self._course_made_by_learner = True

    async def call(self, *args, **kwargs):
        caller = _caller_outside(sys._getframe(1), asgiref_dir)
        code = getattr(inspect.unwrap(self.func), "__code__", None)
        if (
            getattr(self, "_course_made_by_learner", False)
            or (caller is not None and not is_library_file(caller.f_code.co_filename))
            or (code is not None and not is_library_file(code.co_filename))
        ):
            work.wrapped.append(_name(self.func))
        return await original_call(self, *args, **kwargs)

    handler = SyncToAsync.thread_handler.__code__

    def execute_with_wrappers(cursor, *args, **kwargs):
        current = threading.current_thread()
        learner = worker = False
        if current is not threading.main_thread():
            frame = sys._getframe(1)
            learner = _learner_frame(frame) is not None
            # Run by sync_to_async's thread handler (not read off the executor's
            # thread set, which a brand-new worker joins only after its first call).
            while frame is not None and not worker:
                worker = frame.f_code is handler
                frame = frame.f_back
        work.queries.append((current.name, learner, worker))
        return original_execute(cursor, *args, **kwargs)

    SyncToAsync.__init__ = init
    SyncToAsync.__call__ = call
    utils.CursorWrapper._execute_with_wrappers = execute_with_wrappers
    try:
        yield work
    finally:
        SyncToAsync.__init__ = original_init
        SyncToAsync.__call__ = original_call
        utils.CursorWrapper._execute_with_wrappers = original_execute
