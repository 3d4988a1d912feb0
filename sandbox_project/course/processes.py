"""Run Python (``manage.py``, a test runner, a script) in a child process, safely.

Some things cannot happen inside a kernel: the parallel test runner's spawned
workers must import settings and tests from files, and a hung run must never
hang the notebook. ``run_python()`` starts the child in its own process group,
in a fresh temporary working directory (SQLite clone files land there and are
deleted with it), kills the whole group when the time limit passes, and
returns what it printed.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "PROJECT_DIR",
    "MANAGE_PY",
    "RUN_MARKER",
    "TEST_MARKER",
    "Finished",
    "child_environment",
    "run_python",
    "manage",
    "marked_processes",
    "stop_marked",
]

PROJECT_DIR = Path(__file__).resolve().parent.parent  # sandbox_project/, beside the course package
MANAGE_PY = PROJECT_DIR / "manage.py"
# The environment variable that tags every process a lesson or a check starts, so that whatever it
# started can be found and stopped afterwards; its value names the run ("lesson07", "lesson07-check-<id>").
RUN_MARKER = "COURSE_RUN"
# The test harness's own tag, set on a kernel and inherited by everything started under it (a lesson's
# RUN_MARKER replaces its value, this one is never touched): how a test finds what a notebook left behind.
TEST_MARKER = "COURSE_TEST_RUN"


@dataclass
class Finished:
    returncode: int
    output: str
    timed_out: bool = False
    leftovers: list = field(default_factory=list)  # files the run left in its working directory

    @property
    def ok(self):
        return self.returncode == 0 and not self.timed_out

    def lines(self, containing):
        return [line for line in self.output.splitlines() if containing in line]


def child_environment(**overrides):
    """The kernel's environment minus the sandbox's own switches, plus ``overrides``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update({key: str(value) for key, value in overrides.items() if value is not None})
    return env


def run_python(args, *, timeout=60, env=None, cwd=None, files=None):
    """Run ``python ARGS`` and return a ``Finished``.

    ``cwd`` defaults to a fresh temporary directory, removed afterwards;
    ``files`` maps relative paths to text written there first (test modules,
    settings, scripts for a demonstration). ``env`` adds environment variables.
    """
    workdir = Path(cwd) if cwd else Path(tempfile.mkdtemp(prefix="django41-course-run-"))
    written = set()
    for name, text in (files or {}).items():
        target = workdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.add(target)
    before = set(workdir.rglob("*"))
    process = subprocess.Popen(
        [sys.executable, *map(str, args)],
        cwd=workdir,
        env=child_environment(**(env or {})),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    timed_out = False
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(process)
        output, _ = process.communicate()
    except BaseException:  # a check's time limit, Ctrl-C: the child and its directory go too
        _kill_group(process)
        process.communicate()
        if not cwd:
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    leftovers = sorted(
        str(path.relative_to(workdir))
        for path in set(workdir.rglob("*")) - before - written
        if path.is_file() and "__pycache__" not in path.parts
    )
    if not cwd:
        shutil.rmtree(workdir, ignore_errors=True)
    return Finished(process.returncode, output, timed_out, leftovers)


def manage(*args, timeout=60, settings="library_site.settings", env=None, cwd=None, files=None):
    """Run ``python manage.py ARGS`` for the library site in a child process."""
    return run_python(
        [MANAGE_PY, *args],
        timeout=timeout,
        env={"DJANGO_SETTINGS_MODULE": settings, **(env or {})},
        cwd=cwd,
        files=files,
    )


def _kill_group(process):
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # Windows
            process.kill()
    except ProcessLookupError:
        pass


def marked_processes(value, variable=RUN_MARKER):
    """Return the processes, other than this one, whose environment sets ``variable`` to ``value``."""
    import psutil  # installed with ipykernel; imported here so that the module loads without it

    found = []
    for process in psutil.process_iter():
        try:
            if process.pid != os.getpid() and process.environ().get(variable) == value:
                found.append(process)
        except (psutil.Error, OSError):  # processes of other users, or already gone
            pass
    return found


def stop_marked(value, variable=RUN_MARKER):
    """Kill every process marked with ``value``; return how many there were."""
    import psutil

    found = marked_processes(value, variable)
    for process in found:
        try:
            process.kill()
        except (psutil.Error, OSError):
            pass
    psutil.wait_procs(found, timeout=5)
    return len(found)
