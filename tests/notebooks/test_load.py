"""Under load: every check's accept/reject tests, and lessons 01 and 02 under nbval, on a saturated CPU.

A learner's laptop is often busy (a browser, a video call, an indexer). The checks run the
learner's code under a time limit, and lessons 01 and 02 time real requests and tasks, so
their verdicts and stored outputs must not depend on an idle machine. With several busy
processes per core started by this test (and always stopped, on failure and on Ctrl-C too,
and by themselves when this process goes away), it runs in pytest subprocesses

* the accept/reject tests of every check (tests/checks/, tests/unit/test_checking.py);
* nbval in strict mode on lessons 01 and 02 and their solutions;

and both must pass. It takes a few minutes; deselect it with ``-m "not load"``.
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

import psutil
import pytest

from tests.notebook_runner import ROOT

pytestmark = pytest.mark.load

BUSY_PER_CORE = 2  # several per core in all: 4 on a 2-core machine
# Per subprocess; COURSE_LOAD_TIMEOUT overrides it (seconds).
TIMEOUT_SECONDS = int(os.environ.get("COURSE_LOAD_TIMEOUT") or 1500)
CHECK_TESTS = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "checks").glob("test_lesson0*_checks.py")) + [
    "tests/unit/test_checking.py"
]
NOTEBOOKS = [
    "notebooks/01_async_views.ipynb",
    "notebooks/02_async_orm.ipynb",
    "solutions/01_async_views_solutions.ipynb",
    "solutions/02_async_orm_solutions.ipynb",
]
# Spins until its parent (this process) is gone, checking about every 50 ms: never outlives the test.
BUSY_LOOP = (
    "import os, sys\n"
    "parent = int(sys.argv[1])\n"
    "while os.getppid() == parent:\n"
    "    for _ in range(500_000): pass\n"
)


@contextmanager
def saturated_cpu(per_core=BUSY_PER_CORE):
    """``per_core`` busy processes per core while the block runs; all of them stopped whatever happens."""
    busy = []
    try:
        for _ in range(per_core * (os.cpu_count() or 1)):
            busy.append(subprocess.Popen([sys.executable, "-c", BUSY_LOOP, str(os.getpid())]))
        time.sleep(1)
        assert all(process.poll() is None for process in busy), "a busy process exited at start"
        yield len(busy)
    finally:
        for process in busy:
            if process.poll() is None:
                process.kill()
        for process in busy:
            process.wait()


def stop_tree(process, grace=30):
    """Stop a pytest subprocess as Ctrl-C would (so that it shuts its kernels down), then anything left of it."""
    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.Error:
        tree = []
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for left in tree:
        try:
            left.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(tree, timeout=10)


def run_pytest(*arguments):
    """``python -m pytest -p no:xdist -v ARGUMENTS`` from the repository root, stopped after TIMEOUT_SECONDS
    and on any error of this process (Ctrl-C included); (return code or None on time-out, output, seconds)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "COV_CORE"))}
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "no:xdist", "-v", "-r", "fE", *arguments],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            code = process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            stop_tree(process)
        log.seek(0)
        return code, log.read(), time.monotonic() - started


def report(what, code, output, seconds):
    """What failed (test names as pytest -v printed them, then the short summary), for an assertion message."""
    lines = output.splitlines()
    failed = [line for line in lines if re.search(r" (FAILED|ERROR)( |$)", line)]
    reached = [line for line in lines if "::" in line and "[" in line][-1:]  # how far pytest -v got
    summary = output[output.rfind("short test summary info"):] if "short test summary info" in output else ""
    status = f"did not finish within {TIMEOUT_SECONDS} s" if code is None else f"exited {code}"
    head = f"{what} on a saturated CPU: {status} after {seconds:.0f} s; last test: {reached}"
    return head + "\n" + "\n".join(failed[:60] + [summary[-6000:]])


def test_checks_and_lessons_01_02_pass_on_a_saturated_cpu(record_property):
    with saturated_cpu() as busy:
        lessons = run_pytest(*NOTEBOOKS)
        checks = run_pytest(*CHECK_TESTS)
    record_property("checks_seconds", round(checks[2], 1))
    record_property("notebooks_seconds", round(lessons[2], 1))
    print(
        f"\nunder load ({busy} busy processes on {os.cpu_count()} cores): "
        f"check tests {checks[2]:.0f} s, nbval on lessons 01/02 and solutions {lessons[2]:.0f} s"
    )
    problems = [
        report(what, *run)
        for what, run in [("nbval strict on lessons 01/02 and their solutions", lessons), ("the checks' tests", checks)]
        if run[0] != 0
    ]
    assert not problems, "\n\n".join(problems)
