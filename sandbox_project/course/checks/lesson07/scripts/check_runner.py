"""The test runner of a 7.3 check run (--testrunner check_runner.Runner): it reports, as CHECK lines, what ran where."""
import functools
import multiprocessing
import os
import signal
import threading
import time
import unittest

from django.test import runner
from django.test.runner import DiscoverRunner


def _recording(method):
    # Record, in the process that runs the test, each assertion it makes (outermost calls only).
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        depth = getattr(self, "_check_depth", 0)
        self._check_depth = depth + 1
        outcome = "failed"
        try:
            result = method(self, *args, **kwargs)
            outcome = "ok"
            return result
        finally:
            self._check_depth = depth
            if depth == 0:
                spawned = multiprocessing.parent_process() is not None
                where = multiprocessing.get_start_method() if spawned else "parent"
                print(f"\nCHECK assert {self._testMethodName} {outcome} {where} {os.getpid()}", flush=True)

    return wrapper


for _name in dir(unittest.TestCase):
    if _name.startswith(("assert", "fail")) and not _name.startswith("failureException"):
        _method = getattr(unittest.TestCase, _name)
        if callable(_method):
            setattr(unittest.TestCase, _name, _recording(_method))


class RecordingResult(unittest.TextTestResult):
    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed = getattr(self, "passed", []) + [test]


def name(test):
    method = getattr(test, "_testMethodName", None)
    return method or str(test.id()).replace(" ", "")


def last_line(text):
    lines = [line for line in str(text).splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def init_worker(*args):
    runner._init_worker(*args)  # importing this module in the worker also installs the recording


class RecordingSuite(runner.ParallelTestSuite):
    init_worker = init_worker


def stop_everything():
    if hasattr(os, "killpg"):
        os.killpg(os.getpgrp(), signal.SIGKILL)  # this run, workers included (run_python made it a group)
    for child in multiprocessing.active_children():
        child.kill()
    os._exit(3)


def watch_the_pool(places):
    # Evidence of a hang: the pool replaced a dead worker. Django 4.1 never gets a lost test back, and a
    # replacement dies as its predecessor did, so such a run can never finish: report it and stop it.
    seen = set()
    while True:
        seen.update(p.pid for p in multiprocessing.active_children() if "PoolWorker" in p.name)
        if len(seen) > places:
            print(f"\nCHECK replaced {len(seen) - places}", flush=True)
            stop_everything()
        time.sleep(0.02)


class Runner(DiscoverRunner):
    parallel_test_suite = RecordingSuite

    def get_resultclass(self):
        return RecordingResult

    def run_suite(self, suite, **kwargs):
        print(f"CHECK start {multiprocessing.get_start_method()} {self.parallel}", flush=True)
        if self.parallel > 1:
            threading.Thread(target=watch_the_pool, args=(self.parallel,), daemon=True).start()
        result = super().run_suite(suite, **kwargs)
        for test in getattr(result, "passed", []):
            print("CHECK passed", name(test))
        for test, trace in result.failures + result.errors:
            print("CHECK failed", name(test), last_line(trace))
        for test, reason in result.skipped:
            print("CHECK skipped", name(test))
        for test, trace in result.expectedFailures:
            print("CHECK expected-failure", name(test))
        for test in result.unexpectedSuccesses:
            print("CHECK unexpected-success", name(test))
        print("CHECK ran", result.testsRun, flush=True)
        return result
