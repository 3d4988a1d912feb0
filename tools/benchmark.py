"""Measure the course's speed and print the figures (a script, not a test).

    python tools/benchmark.py               # boot ratio, kernel-to-ready, every notebook's run time
    python tools/benchmark.py --suite       # ... and the whole test suite's wall time
    python tools/benchmark.py --runs 9      # more runs for the medians

Targets: the sandbox boot at most 1.2x a bare Django boot (django.setup() + migrate of
the same apps on a plain ":memory:" database); every notebook's Restart & Run All at
most 10 s of kernel time (the concurrency demo of lesson 01 excepted); the whole
`python -m pytest` at most 2 minutes on a 2-core machine.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import notebooks  # noqa: E402

SANDBOX_BOOT = """
import time
started = time.perf_counter()
from course import boot
boot()
print(time.perf_counter() - started)
"""

BARE_BOOT = """
import os, time
started = time.perf_counter()
os.environ["DJANGO_SETTINGS_MODULE"] = "library_site.settings"
os.environ["LIBRARY_DB"] = ":memory:"
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
print(time.perf_counter() - started)
"""


def timed_child(code):
    """(seconds reported by the child for its own boot, wall seconds of the whole child)."""
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=notebooks.ROOT
    ).stdout
    wall = time.perf_counter() - started
    return float(output.strip().splitlines()[-1]), wall


def boot_figures(runs):
    sandbox = [timed_child(SANDBOX_BOOT) for _ in range(runs)]
    bare = [timed_child(BARE_BOOT) for _ in range(runs)]
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
        manager = notebooks.kernel_manager()
        manager.start_kernel(cwd=str(notebooks.LESSONS))
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
    for path in notebooks.lesson_notebooks() + notebooks.solution_notebooks() + notebooks.exercise_notebooks():
        nb = notebooks.read(path)
        started = time.perf_counter()
        notebooks.execute(nb, path.parent, timeout=300)
        rows.append((str(path.relative_to(notebooks.ROOT)), time.perf_counter() - started))
    return rows


def suite_time():
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=notebooks.ROOT, capture_output=True, text=True)
    summary = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    return time.perf_counter() - started, summary


def machine():
    cores = os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {cores} cores, Python {platform.python_version()}"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    parser.add_argument("--no-notebooks", action="store_true", help="skip the per-notebook times")
    args = parser.parse_args(argv)

    print(f"Machine: {machine()}")
    print(f"\n{'Boot':<52} {'value':>8}")
    for name, value in boot_figures(args.runs).items():
        print(f"{name:<52} {value:>8.3f}")
    print(f"{'kernel start to ready sandbox (median s)':<52} {kernel_to_ready(max(3, args.runs // 2)):>8.3f}")

    if not args.no_notebooks:
        print(f"\n{'Notebook (kernel start to last cell)':<60} {'s':>6}  target 10 s")
        for name, seconds in notebook_times():
            flag = "" if seconds <= 10 else "  over"
            print(f"{name:<60} {seconds:>6.1f}{flag}")

    if args.suite:
        seconds, summary = suite_time()
        print(f"\nWhole test suite (python -m pytest): {seconds:.1f} s, target 120 s  [{summary}]")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
