"""Helpers for lesson 01 (async class-based views), its exercises and its checks.

``quiet_request_log()``
    Django reports every 4xx/5xx answer on the ``django.request`` logger
    ("Internal Server Error: /x/", "Method Not Allowed (PUT): /x/", "Not Found: /x/").
    With no logging configured, those lines go to stderr and land in the
    notebook next to the output. A lesson that triggers such an answer on
    purpose silences the logger for that block only.

``thread_kind(name)``
    A thread's name with its counters replaced by ``N``
    (``ThreadPoolExecutor-3_0`` -> ``ThreadPoolExecutor-N_N``): what kind of
    thread ran the code, the same on every run.

``ViewLog``: what the views of the concurrency demo record
    Each request enters and leaves a view inside ``log.visit(kind)``; the log
    keeps, under a lock, the order of those events, how many requests were
    inside each view at the same time, and the thread that served each one.
    ``log.wait_for_all(kind)`` (async) and ``log.wait_for_all_blocking(kind)``
    (sync) are a rendezvous: a request waits there until every request of the
    demo is inside the view, or at most ``cap`` seconds. Wherever the server
    can serve the requests concurrently, they overlap because of that design,
    however fast or loaded the machine is; where it cannot, the cap ends the
    wait and the log shows fewer inside. No conclusion is read off a clock:
    the timestamps are kept only to draw the timeline. ``log.overlapping(kind)``
    counts the requests that were inside while another one was, from the
    recorded order of enter/leave events; ``timeline(log, demo)`` draws the
    visits with matplotlib.

The partner libraries of exercise 1.3
    ``slow_lookup(partner, isbn)`` is an async client (it awaits
    ``asyncio.sleep``); ``legacy_lookup(isbn)`` is the one partner whose client
    is synchronous (it calls ``time.sleep``). Both record every call (which
    partner, which ISBN, on which thread), so a check can count how many ran at
    the same time and see whether the blocking one ran on the event loop's
    thread. Inside ``lookups.rendezvous(n)`` (what the check of exercise 1.3
    uses) each lookup first waits until ``n`` lookups are in flight, or at most
    ``RENDEZVOUS_SECONDS`` once per check: lookups that were started together
    then overlap by design, even on a machine too busy to start a thread
    promptly, and lookups started one after another never do.
"""
import asyncio
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from course import logs
from course.loops import loop_running

# ---------------------------------------------------------------- logging


def quiet_request_log():
    """Keep the ``django.request`` logger silent inside the block."""
    return logs.captured("django.request")


# ---------------------------------------------------------------- threads


def thread_kind(name):
    """``name`` with every number replaced by ``N``."""
    return re.sub(r"\d+", "N", name)


# ---------------------------------------------------------------- the concurrency demo

DEMO_CAP_SECONDS = 5.0  # the longest a request of the demo waits for the others


@dataclass(frozen=True)
class Visit:
    kind: str
    entered: float  # time.perf_counter(), for the timeline only
    left: float
    thread: str
    order: tuple  # (enter sequence number, leave sequence number): the exact order of events


class ViewLog:
    """What the demo's views record: who was inside which view, in which order, on which thread."""

    def __init__(self, everyone, cap=DEMO_CAP_SECONDS):
        self.everyone = everyone  # how many requests the demo sends to each view
        self.cap = cap
        self._condition = threading.Condition()
        self.clear()

    def clear(self):
        """Forget every visit (before the demo sends its requests again)."""
        with self._condition:
            self._sequence = 0
            self._entered = {}
            self._inside = {}
            self._most_inside = {}
            self._visits = []

    def _next(self):
        self._sequence += 1
        return self._sequence

    @contextmanager
    def visit(self, kind):
        """Record one request's stay in the view ``kind``."""
        with self._condition:
            entered, first = time.perf_counter(), self._next()
            self._entered[kind] = self._entered.get(kind, 0) + 1
            self._inside[kind] = self._inside.get(kind, 0) + 1
            self._most_inside[kind] = max(self._most_inside.get(kind, 0), self._inside[kind])
            self._condition.notify_all()
        try:
            yield
        finally:
            with self._condition:
                self._inside[kind] -= 1
                left, last = time.perf_counter(), self._next()
                name = threading.current_thread().name
                self._visits.append(Visit(kind, entered, left, name, (first, last)))

    def _all_arrived(self, kind):
        return self._entered.get(kind, 0) >= self.everyone

    async def wait_for_all(self, kind):
        """Await (the loop stays free) until every request has entered ``kind``, or ``cap`` seconds."""
        deadline = time.monotonic() + self.cap
        while not self._all_arrived(kind) and time.monotonic() < deadline:
            await asyncio.sleep(0.005)

    def wait_for_all_blocking(self, kind):
        """Block this thread until every request has entered ``kind``, or ``cap`` seconds."""
        with self._condition:
            self._condition.wait_for(lambda: self._all_arrived(kind), timeout=self.cap)

    def most_inside(self, kind):
        """The largest number of requests that were inside the view ``kind`` at the same time."""
        return self._most_inside.get(kind, 0)

    def visits(self, kind):
        """The visits to ``kind``, in the order the requests entered."""
        return sorted((v for v in self._visits if v.kind == kind), key=lambda v: v.order)

    def events(self, kind):
        """Enter (``+``) and leave (``-``) events of ``kind`` in the order they happened, e.g. ``'++--'``."""
        marks = [(v.order[0], "+") for v in self.visits(kind)] + [(v.order[1], "-") for v in self.visits(kind)]
        return "".join(mark for _, mark in sorted(marks))

    def threads(self, kind):
        return [v.thread for v in self.visits(kind)]

    def overlapping(self, kind):
        """How many requests of ``kind`` were inside the view while at least one other was, from the event order."""
        visits = self.visits(kind)
        return sum(
            any(a is not b and a.order[0] < b.order[1] and b.order[0] < a.order[1] for b in visits) for a in visits
        )


def timeline(log, demo, title="Each request's stay in its view"):
    """Draw the recorded visits: one lane per view kind, one bar per request (entered to left).

    ``demo`` maps a label to ``(kind, url)``, as in the lesson. The bars' lengths
    are measured times (they change with the machine); the overlaps are what the
    printed counts describe.
    """
    import matplotlib.pyplot as plt

    colors = ("tab:green", "tab:blue", "tab:red", "tab:purple")
    fig, ax = plt.subplots(figsize=(7.5, 0.16 * sum(len(log.visits(k)) + 1 for k, _ in demo.values()) + 1.0))
    row, ticks, labels = 0, [], []
    for color, (label, (kind, _)) in zip(colors, demo.items()):
        visits = log.visits(kind)
        if not visits:
            continue
        start = visits[0].entered
        ticks.append(row + (len(visits) - 1) / 2)
        labels.append(f"{label}\n{log.overlapping(kind)} of {len(visits)} overlapping")
        for visit in visits:
            ax.barh(row, visit.left - visit.entered, left=visit.entered - start, height=0.7, color=color)
            row += 1
        row += 1
    ax.set_yticks(ticks, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("seconds since the view's first request entered (one bar per request)")
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    plt.show()


# ---------------------------------------------------------------- exercise 1.3

LOOKUP_SECONDS = 0.2
RENDEZVOUS_SECONDS = 2.0  # inside a check: the longest the lookups wait for each other (once per check)
PARTNERS = ("north", "south", "east")  # libraries with an async client: slow_lookup()
LEGACY_PARTNER = "west"  # the library whose client is synchronous: legacy_lookup()


def copies_at(partner, isbn):
    """How many copies of ``isbn`` the partner library holds (a fixed rule, no randomness)."""
    digit_sum = sum(int(char) for char in str(isbn) if char.isdigit())
    position = (PARTNERS + (LEGACY_PARTNER,)).index(partner) + 1
    return position * (3 * digit_sum + 1) % 10


@dataclass
class Call:
    partner: str
    isbn: str
    started: float
    ended: float
    on_event_loop: bool  # the call ran on a thread with a running event loop
    thread: int  # threading.get_ident() of the thread that ran it


class _Recorder:
    def __init__(self):
        self._condition = threading.Condition()
        self._generation = 0
        self._expected = None
        self.reset()

    def reset(self):
        """Forget every call; calls still running from before are not recorded when they end."""
        with self._condition:
            self._generation += 1
            self.calls = []
            self.in_flight = 0
            self.max_in_flight = 0
            self.max_async_in_flight = 0
            self._async_in_flight = 0
            self._patient = True
            self._condition.notify_all()

    @contextmanager
    def rendezvous(self, expected, cap=None):
        """Inside the block, each lookup waits until ``expected`` are in flight (at most ``cap`` s, once).

        ``cap`` defaults to the module's ``RENDEZVOUS_SECONDS``, read when the block starts.
        """
        with self._condition:
            self._expected, self._patient = expected, True
            self._cap = RENDEZVOUS_SECONDS if cap is None else cap
        try:
            yield
        finally:
            with self._condition:
                self._expected = None
                self._condition.notify_all()

    def begin(self, is_async):
        with self._condition:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if is_async:
                self._async_in_flight += 1
                self.max_async_in_flight = max(self.max_async_in_flight, self._async_in_flight)
            self._condition.notify_all()
            return self._generation, time.perf_counter()

    def end(self, token, partner, isbn, is_async, on_event_loop):
        generation, started = token
        with self._condition:
            if generation != self._generation:
                return  # a call left running by an earlier check
            self.in_flight -= 1
            if is_async:
                self._async_in_flight -= 1
            thread = threading.get_ident()
            self.calls.append(Call(partner, str(isbn), started, time.perf_counter(), on_event_loop, thread))

    def _waiting(self):
        return self._expected is not None and self._patient and self.in_flight < self._expected

    def _give_up(self):
        with self._condition:
            self._patient = False  # once per check: later lookups do not wait again
            self._condition.notify_all()

    async def wait_async(self):
        if not self._waiting():
            return
        deadline = time.monotonic() + self._cap
        while self._waiting():
            if time.monotonic() >= deadline:
                self._give_up()
                return
            await asyncio.sleep(0.002)

    def wait_blocking(self):
        with self._condition:
            if not self._waiting():
                return
            if not self._condition.wait_for(lambda: not self._waiting(), timeout=self._cap):
                self._patient = False
                self._condition.notify_all()


lookups = _Recorder()


async def slow_lookup(partner, isbn):
    """Ask one partner library (async client) how many copies of ``isbn`` it has: 0.2 s."""
    if partner not in PARTNERS:
        raise ValueError(f"{partner!r} has no async client; the partners are {', '.join(PARTNERS)}.")
    token = lookups.begin(is_async=True)
    try:
        await lookups.wait_async()
        await asyncio.sleep(LOOKUP_SECONDS)
    finally:
        lookups.end(token, partner, isbn, True, loop_running())
    return copies_at(partner, isbn)


def legacy_lookup(isbn):
    """Ask the ``west`` library (synchronous client, it blocks its thread) about ``isbn``: 0.2 s."""
    on_event_loop = loop_running()
    token = lookups.begin(is_async=False)
    try:
        if not on_event_loop:  # waiting on the loop's thread would only hold the loop up
            lookups.wait_blocking()
        time.sleep(LOOKUP_SECONDS)
    finally:
        lookups.end(token, LEGACY_PARTNER, isbn, False, on_event_loop)
    return copies_at(LEGACY_PARTNER, isbn)
