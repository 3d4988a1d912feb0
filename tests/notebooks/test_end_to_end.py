"""The course as learners and teachers use it: re-run, read-only, exercises untouched.

Every lesson and solution notebook runs twice in one kernel (Run All twice), and every
exercise notebook once, as shipped: each of its checks must print one line with the verdict "NOT ATTEMPTED".
All run from a read-only copy of the course, with the kernel started in another working
directory. Nothing may be written into the copy, and no process, listening port or
temporary directory started by a lesson may outlive its kernel.
"""
import hashlib
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.notebook_runner import ROOT, execute, output_lines
from course.processes import TEST_MARKER, marked_processes
from tools import layout

COPIED = ("notebooks", "exercises", "solutions", "sandbox_project")
TWICE = layout.lesson_notebooks() + layout.solution_notebooks()
ONCE = layout.exercise_notebooks()


def snapshot(root):
    """Every file and folder below root, with a digest of each file's content."""
    state = {}
    for path in sorted(Path(root).rglob("*")):
        key = str(path.relative_to(root))
        state[key] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return state


def make_read_only(root):
    """Make ``root`` read-only for this machine's user: a read-only bind mount where that is allowed
    (as root, where file modes alone stop nothing), file modes otherwise. True if mounted."""
    for path in [Path(root), *Path(root).rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount")):
        return False
    mounted = subprocess.run(["mount", "--bind", str(root), str(root)], capture_output=True).returncode == 0
    if mounted and subprocess.run(["mount", "-o", "remount,bind,ro", str(root)], capture_output=True).returncode:
        subprocess.run(["umount", str(root)], capture_output=True)
        return False
    return mounted


@pytest.fixture(scope="module")
def read_only_course():
    base = Path(tempfile.mkdtemp(prefix="django41-course-readonly-"))
    course = base / "course"
    for name in COPIED:
        shutil.copytree(
            ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "db.sqlite3")
        )
    mounted = make_read_only(course)
    before = snapshot(course)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {
        **os.environ,
        # The copy's sandbox library comes first, before the editable install of the checkout.
        "PYTHONPATH": os.pathsep.join([str(course / "sandbox_project"), os.environ.get("PYTHONPATH", "")]),
    }
    yield course, elsewhere, env
    after = snapshot(course)
    if mounted:
        subprocess.run(["umount", str(course)], check=True)
    assert after == before, "running the notebooks wrote into the read-only copy"
    for path in [course, *course.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    shutil.rmtree(base)


def command_line(process):
    """A process's first words; None once it has exited (a zombie waiting to be reaped has exited too)."""
    try:
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return " ".join(process.cmdline()[:3])
    except psutil.Error:  # gone meanwhile, or a zombie
        return None


def leftovers(marker, temp):
    """What the kernel of this run (and anything it started) left behind."""
    processes = {process.pid: command_line(process) for process in marked_processes(marker, TEST_MARKER)}
    processes = {pid: words for pid, words in processes.items() if words is not None}
    listening = [
        c for c in psutil.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN and c.pid in processes
    ]
    return {
        "processes": list(processes.values()),
        "listening sockets": listening,
        "temporary files": sorted(str(path.relative_to(temp)) for path in temp.iterdir()),
    }


def wait_until_clean(marker, temp, seconds=15):
    deadline = time.monotonic() + seconds
    while True:
        found = {kind: items for kind, items in leftovers(marker, temp).items() if items}
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


@pytest.mark.parametrize(
    "relative, times",
    [(str(p.relative_to(ROOT)), 2) for p in TWICE] + [(str(p.relative_to(ROOT)), 1) for p in ONCE],
)
def test_runs_from_a_read_only_copy_and_leaves_nothing_behind(read_only_course, relative, times):
    course, elsewhere, env = read_only_course
    marker = uuid.uuid4().hex
    with tempfile.TemporaryDirectory(prefix="django41-course-e2e-") as temp:
        # The kernel's own temporary directory, so that what it leaves there is visible.
        run_env = {**env, TEST_MARKER: marker, "TMPDIR": temp}
        nb = execute(course / relative, cwd=elsewhere, times=times, env=run_env)
        assert wait_until_clean(marker, Path(temp)) == {}
    assert sorted(os.listdir(elsewhere)) == [], "the notebook wrote into its working directory"
    if relative.startswith("exercises/"):
        assert_every_check_says_not_attempted(nb, relative)


CHECK_CELL = re.compile(r"^check\.ex\d+\(.*\)$")
CHECK_LINE = re.compile(r"^(✅|❌|⏳) (PASSED|FAILED|NOT ATTEMPTED) · Exercise [0-9]+\.[0-9]+: \S")


def check_lines(cell):
    """The lines of a cell's output that are a check's verdict (symbol first, or `· Exercise N.M:`)."""
    return [
        line
        for line in output_lines(cell)
        if line[:1] in {"✅", "❌", "⏳"} or re.search(r"(PASSED|FAILED|NOT ATTEMPTED) · Exercise ", line)
    ]


def assert_every_check_says_not_attempted(nb, relative):
    """As shipped, each check cell prints exactly one line, and every check line's verdict is NOT ATTEMPTED."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    checks = [cell for cell in code if CHECK_CELL.match(cell.source.strip())]
    assert checks, f"{relative} has no check cell (`check.exN()`)"
    for cell in checks:
        lines = check_lines(cell)
        shown = output_lines(cell)
        assert len(lines) == 1, f"{relative}: `{cell.source.strip()}` printed {len(lines)} check lines: {shown}"
    for cell in code:
        for line in check_lines(cell):
            match = CHECK_LINE.match(line)
            assert match, f"{relative}: `{cell.source.strip()}` printed a line not in the check format: {line!r}"
            assert match.group(1, 2) == ("⏳", "NOT ATTEMPTED"), f"{relative}: `{cell.source.strip()}` says {line!r}"
            assert "PASSED" not in line and "FAILED" not in line, f"{relative}: `{cell.source.strip()}` says {line!r}"
