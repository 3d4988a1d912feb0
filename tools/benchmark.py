"""Measure the course's speed and print the figures (a script, not a test).

    python -m tools benchmark               # boot ratio, kernel-to-ready, every notebook's run time
    python -m tools benchmark --suite       # ... and the whole test suite's and the fast loop's wall time
    python -m tools benchmark --runs 9      # more runs for the medians

Targets: the sandbox boot at most 1.2x a bare Django boot (django.setup() + migrate of
the same apps on a plain ":memory:" database); every notebook's Restart & Run All at
most 10 s; the whole `python -m pytest` at most 90 s on an idle 2-core machine, the
fast loop (`python -m pytest -m "not slow"`) at most 20 s; a warm side_by_side() of four
Django versions under 5 s on 2 cores (first use, download + install, is printed per version).
"""
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import resources

from . import layout, notebook_io

__all__ = ["run"]
FAST_LOOP = ["-m", "not slow"]

def timed_child(script):
    """(seconds reported by the child for its own boot, wall seconds of the whole child)."""
    code = resources.files("tools.scripts").joinpath(script).read_text(encoding="utf-8")
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=layout.ROOT
    ).stdout
    wall = time.perf_counter() - started
    return float(output.strip().splitlines()[-1]), wall


def boot_figures(runs):
    sandbox = [timed_child("boot_sandbox.py") for _ in range(runs)]
    bare = [timed_child("boot_bare_django.py") for _ in range(runs)]
    median = statistics.median
    return {
        "sandbox boot, in process (median s)": median(s for s, _ in sandbox),
        "bare django.setup()+migrate, in process (median s)": median(s for s, _ in bare),
        "boot ratio, in process (target <= 1.2)": median(s for s, _ in sandbox) / median(s for s, _ in bare),
        "sandbox, whole fresh interpreter (median s)": median(w for _, w in sandbox),
        "bare, whole fresh interpreter (median s)": median(w for _, w in bare),
        "boot ratio, whole interpreter (target <= 1.2)": median(w for _, w in sandbox) / median(w for _, w in bare),
    }


def kernel_to_ready(runs):
    """Seconds from asking for a kernel to the boot cell having finished."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        manager = notebook_io.kernel_manager()
        manager.start_kernel(cwd=str(layout.LESSONS))
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            reply = client.execute_interactive("from course import boot; boot()", timeout=60, output_hook=lambda msg: None)
            assert reply["content"]["status"] == "ok", reply["content"]
            times.append(time.perf_counter() - started)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    return statistics.median(times)


def notebook_times():
    """Kernel start to last cell, per notebook (Restart & Run All)."""
    rows = []
    for path in layout.lesson_notebooks() + layout.solution_notebooks() + layout.exercise_notebooks():
        nb = notebook_io.read(path)
        started = time.perf_counter()
        notebook_io.execute(nb, path.parent, timeout=300)
        rows.append((str(path.relative_to(layout.ROOT)), time.perf_counter() - started))
    return rows


def suite_time(extra=()):
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *extra], cwd=layout.ROOT, capture_output=True, text=True, check=False
    )
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    return time.perf_counter() - started, summary


def other_django_figures(runs):
    """First use (download + install into an empty temporary cache) of each other Django, then warm runs."""
    import tempfile

    from course.other_djangos import cache, runner

    snippet = 'from library.models import Book; print(hasattr(Book.objects, "acount"))'
    saved = {name: os.environ.get(name) for name in (cache.CACHE_ENV, "PIP_NO_CACHE_DIR")}
    figures = {}
    with tempfile.TemporaryDirectory(prefix="course-djangos-") as empty:
        os.environ.update({cache.CACHE_ENV: empty, "PIP_NO_CACHE_DIR": "1"})  # pip downloads for real
        try:
            for series in (*runner.DEFAULT_VERSIONS, "6.0"):
                started = time.perf_counter()
                try:
                    exact, python, directory = runner.prepare(series)
                except cache.InstallError as error:
                    figures[f"first use of Django {runner.PINS[series]}: {error}"] = None
                    continue
                what = "kernel's own, no install" if directory is None else f"download + install, Python {'.'.join(map(str, python.version))}"
                figures[f"first use of Django {exact} ({what}) s"] = time.perf_counter() - started
            for series in (*runner.DEFAULT_VERSIONS, "6.0"):
                warm = []
                for _ in range(runs):
                    started = time.perf_counter()
                    runner.run_under(series, snippet)
                    warm.append(time.perf_counter() - started)
                figures[f"warm run_under({series!r}) (median s)"] = statistics.median(warm)
            warm = []
            for _ in range(runs):
                started = time.perf_counter()
                runner.table(snippet)
                warm.append(time.perf_counter() - started)
            figures["warm side_by_side of 4.0/4.1/4.2/5.2 (median s, target < 5 on 2 cores)"] = statistics.median(warm)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    return figures


def machine():
    cores = os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {cores} cores, Python {platform.python_version()}"


def run(runs=5, suite=False, notebooks=True, out=print):
    """Print every figure."""
    out(f"Machine: {machine()}, load average {os.getloadavg()[0]:.2f} at the start")
    out(f"\n{'Boot':<52} {'value':>8}")
    for name, value in boot_figures(runs).items():
        out(f"{name:<52} {value:>8.3f}")
    out(f"{'kernel start to ready sandbox (median s)':<52} {kernel_to_ready(max(3, runs // 2)):>8.3f}")

    out(f"\n{'Other Django versions (course.versions)':<84} {'value':>8}")
    for name, value in other_django_figures(max(3, runs // 2)).items():
        out(name if value is None else f"{name:<84} {value:>8.2f}")

    if notebooks:
        out(f"\n{'Notebook (kernel start to last cell)':<60} {'s':>6}  target 10 s")
        for name, seconds in notebook_times():
            flag = "" if seconds <= 10 else "  over"
            out(f"{name:<60} {seconds:>6.1f}{flag}")

    if suite:
        seconds, summary = suite_time(FAST_LOOP)
        out(f"\nFast loop (python -m pytest -m 'not slow'): {seconds:.1f} s, target 20 s  [{summary}]")
        seconds, summary = suite_time()
        out(f"Whole test suite (python -m pytest): {seconds:.1f} s, target 90 s idle  [{summary}]")
    return 0
