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

The partner libraries of exercise 1.3
    ``slow_lookup(partner, isbn)`` is an async client (it awaits
    ``asyncio.sleep``); ``legacy_lookup(isbn)`` is the one partner whose client
    is synchronous (it calls ``time.sleep``). Both record every call, so a
    check can see how many ran at the same time and whether the blocking one
    ran on the event loop's thread.
"""
import asyncio
import re
import threading
import time
from dataclasses import dataclass

from course import logs

# ---------------------------------------------------------------- logging


def quiet_request_log():
    """Keep the ``django.request`` logger silent inside the block."""
    return logs.captured("django.request")


# ---------------------------------------------------------------- threads


def thread_kind(name):
    """``name`` with every number replaced by ``N``."""
    return re.sub(r"\d+", "N", name)


# ---------------------------------------------------------------- exercise 1.3

LOOKUP_SECONDS = 0.3
PARTNERS = ("north", "south", "east")  # libraries with an async client: slow_lookup()
LEGACY_PARTNER = "west"  # the library whose client is synchronous: legacy_lookup()


def copies_at(partner, isbn):
    """How many copies of ``isbn`` the partner library holds (a fixed rule, no randomness)."""
    digits = [int(char) for char in str(isbn) if char.isdigit()]
    position = (PARTNERS + (LEGACY_PARTNER,)).index(partner) + 1
    return position * (sum(digits) + 1) % 5


@dataclass
class Call:
    partner: str
    started: float
    ended: float
    on_event_loop: bool  # the call ran on a thread with a running event loop


class _Recorder:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self.calls = []
            self.in_flight = 0
            self.max_in_flight = 0
            self.max_async_in_flight = 0
            self._async_in_flight = 0

    def begin(self, is_async):
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if is_async:
                self._async_in_flight += 1
                self.max_async_in_flight = max(self.max_async_in_flight, self._async_in_flight)
        return time.perf_counter()

    def end(self, partner, started, is_async, on_event_loop):
        with self._lock:
            self.in_flight -= 1
            if is_async:
                self._async_in_flight -= 1
            self.calls.append(Call(partner, started, time.perf_counter(), on_event_loop))


lookups = _Recorder()


def _loop_is_running_here():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def slow_lookup(partner, isbn):
    """Ask one partner library (async client) how many copies of ``isbn`` it has: 0.3 s."""
    if partner not in PARTNERS:
        raise ValueError(f"{partner!r} has no async client; the partners are {', '.join(PARTNERS)}.")
    started = lookups.begin(is_async=True)
    try:
        await asyncio.sleep(LOOKUP_SECONDS)
    finally:
        lookups.end(partner, started, True, _loop_is_running_here())
    return copies_at(partner, isbn)


def legacy_lookup(isbn):
    """Ask the ``west`` library (synchronous client, it blocks its thread) about ``isbn``: 0.3 s."""
    on_event_loop = _loop_is_running_here()
    started = lookups.begin(is_async=False)
    try:
        time.sleep(LOOKUP_SECONDS)
    finally:
        lookups.end(LEGACY_PARTNER, started, False, on_event_loop)
    return copies_at(LEGACY_PARTNER, isbn)
