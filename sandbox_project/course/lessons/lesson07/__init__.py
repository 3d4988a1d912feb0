"""Support for lesson 07: the programs its child processes run, shown as files, and what their runs report.

The programs are real files in ``scripts/`` (package data, read with ``importlib.resources``), copied into
the temporary directory of each run.

``script(name)``
    The text of ``scripts/<name>``.
``show(name)``
    Display that file as a syntax-highlighted Markdown code block, headed by its name.
``diff(before, after)``
    Display the unified diff between two of the scripts, labelled with their names.
``run_child(args, *, timeout, env=None, files=None)``
    ``course.processes.run_python()`` with this lesson's marker in the environment; if the run is
    interrupted, every process of the lesson still running is stopped.
``processes_with_marker()``
    The processes started by this lesson that are still running.
``run_library_tests(*options, env=None)``
    The library site's test suite, run by ``manage.py test`` under ``spawn`` with the reporting runner.
``run_script(name, *args, timeout, watch=None)``
    One of the ``runtests_*.py`` scripts, run as ``runtests.py`` beside ``test_shelf.py``; ``watch``
    (``"--kill"`` or ``"--interrupt"``) runs it under ``watch.py``, which stops a hung run.
``ran(run)``, ``summary(run)``, ``report(run)``
    The lines of a test run that are the same every time.
``clones(run)``, ``workers_graph(run)``
    What the reporting runner said about the test databases, and a Mermaid picture of it.
"""
import difflib
import re
from importlib import resources

from IPython.display import Markdown, display

from ... import processes

__all__ = [
    "MARKER",
    "script",
    "show",
    "diff",
    "run_child",
    "processes_with_marker",
    "run_library_tests",
    "run_script",
    "ran",
    "summary",
    "report",
    "clones",
    "workers_graph",
]

MARKER = {processes.RUN_MARKER: "lesson07"}  # in the environment of every process this lesson starts
SCRIPTS = resources.files(__name__) / "scripts"


def script(name):
    """Return the text of ``scripts/<name>``."""
    return (SCRIPTS / name).read_text(encoding="utf-8")


def show(name, label=None):
    """Display ``scripts/<name>`` as a Python code block headed by ``label`` (the file's name in the run)."""
    display(Markdown(f"`{label or name}`\n\n```python\n{script(name).rstrip()}\n```"))


def diff(before, after, labels=None):
    """Display the unified diff from ``scripts/<before>`` to ``scripts/<after>``."""
    old, new = labels or (before, after)
    lines = difflib.unified_diff(
        script(before).splitlines(), script(after).splitlines(), fromfile=old, tofile=new, lineterm=""
    )
    display(Markdown("```diff\n" + "\n".join(lines) + "\n```"))


def processes_with_marker():
    """The processes, started by this lesson, that are still running."""
    return processes.marked_processes(MARKER[processes.RUN_MARKER])


def run_child(args, *, timeout, env=None, files=None):
    """run_python() with this lesson's marker; if the run is interrupted, stop what it started."""
    try:
        return processes.run_python(args, timeout=timeout, env={**MARKER, **(env or {})}, files=files)
    except BaseException:
        processes.stop_marked(MARKER[processes.RUN_MARKER])
        raise


def run_library_tests(*options, env=None):
    """Run the library site's test suite under spawn, in a child process (60 s at most)."""
    return run_child(
        ["spawn.py", processes.MANAGE_PY, "test", "library", *options, "--testrunner", "reporting.Runner"],
        timeout=60,
        env=env,
        files={"spawn.py": script("spawn.py"), "reporting.py": script("reporting.py")},
    )


def run_script(name, *args, timeout, watch=None):
    """Run ``scripts/<name>`` as ``runtests.py ARGS``, beside ``test_shelf.py``, under ``watch.py`` if asked."""
    files = {"runtests.py": script(name), "test_shelf.py": script("shelf_tests.py")}
    command = ["runtests.py", *args]
    if watch:
        files["watch.py"] = script("watch.py")
        command = ["watch.py", watch, *command]
    return run_child(command, timeout=timeout, files=files)


def ran(run):
    """The "Ran N tests" lines of a run, without their timings."""
    return [f"Ran {count} tests" for count in re.findall(r"^Ran (\d+) tests?", run.output, re.M)]


def summary(run):
    """Print the lines of a test run that are the same every time."""
    lines = run.lines("Found ") + sorted(re.findall(r"\[((?:parent|worker \d+): [^]]+)\]", run.output))
    lines += ran(run)
    lines += [line for line in run.output.splitlines() if line.startswith(("OK", "FAILED", "workers:"))]
    print("\n".join(lines))
    print(f"exit status {run.returncode}, timed out: {run.timed_out}, files left behind: {run.leftovers}")


def report(run, label=""):
    """Print how a run of a ``runtests_*.py`` script ended, after ``label``."""
    failed = sorted(set(re.findall(r"^(?:FAIL|ERROR): (test_\w+)", run.output, re.M)))
    print(*([f"{label}:"] if label else []), ran(run), run.lines("OK") + run.lines("FAILED"), "failed:", failed)
    print(f"    exit status {run.returncode}, timed out: {run.timed_out}, files left behind: {run.leftovers}")


def clones(run):
    """What the reporting runner said: the parent's test database, each worker's, and the clone files."""
    parent = re.search(r"\[parent: database (\S+)\]", run.output)
    workers = sorted(
        (int(number), method, name)
        for number, method, name in re.findall(r"\[worker (\d+): (\w+), database ([^]\s]+)\]", run.output)
    )
    files = re.search(r"clone files before teardown: \[(.*)\]", run.output)
    return {
        "parent": parent.group(1) if parent else None,
        "workers": workers,
        "files": re.findall(r"'([^']+)'", files.group(1)) if files else [],
    }


def _short(name):
    """``file:memorydb_default_1?mode=memory&cache=shared`` -> ``memorydb_default_1`` (in memory)."""
    return re.sub(r"^file:([^?]+)\?mode=memory.*$", r"\1 (in memory)", name)


def workers_graph(run):
    """Display a Mermaid picture of the run: the parent's test database, its clone files, the workers."""
    found = clones(run)
    lines = ["flowchart LR", f'    P["parent process<br/>test database {_short(found["parent"] or "?")}"]']
    for number, method, name in found["workers"]:
        clone = f"default_{number}.sqlite3"
        if clone in found["files"]:
            lines.append(f'    P -- "backs up" --> F{number}[("{clone}")]')
            lines.append(f'    F{number} -- "restored into" --> W{number}')
        else:
            lines.append(f"    P --> W{number}")
        lines.append(f'    W{number}["worker {number} ({method})<br/>{_short(name)}"]')
    display(Markdown("```mermaid\n" + "\n".join(lines) + "\n```"))
