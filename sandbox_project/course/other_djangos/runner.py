"""Run a snippet in a child Python with another Django, and lay several versions side by side."""
import json
import os
import re
import subprocess
import tempfile
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib import resources, util
from pathlib import Path

from course import processes

from . import cache, pythons

__all__ = ["PINS", "DEFAULT_VERSIONS", "TIMEOUT", "resolve", "prepare", "run_under", "outputs", "table"]

# The exact release each series stands for: the last patch of each, checked on PyPI.
PINS = {
    "4.0": "4.0.10", "4.1": "4.1.13", "4.2": "4.2.30",
    "5.0": "5.0.14", "5.1": "5.1.15", "5.2": "5.2.19",
    "6.0": "6.0.10", "6.1": "6.1.3",
}
DEFAULT_VERSIONS = ("4.0", "4.1", "4.2", "5.2")
TIMEOUT = 30  # seconds one snippet may run (installing a version first is not counted)

_running = set()  # the child processes of the snippets running now, so that an interrupt can stop them all
_running_lock = threading.Lock()
EXACT = re.compile(r"\d+\.\d+(\.\d+)?((a|b|rc)\d+)?")


def resolve(version):
    """The exact release for a series (``"4.2"`` → ``"4.2.30"``) or an exact version (``"4.1.7"``)."""
    version = str(version).strip()
    if version in PINS:
        return PINS[version]
    if not EXACT.fullmatch(version) or version.count(".") < 2:
        known = ", ".join(PINS)
        raise ValueError(f"unknown Django version {version!r}: use a series ({known}) or an exact one like '4.1.7'")
    return version


def _sandbox_project():
    """The directory holding the ``library`` app and ``library_site``."""
    spec = util.find_spec("library")
    return Path(next(iter(spec.submodule_search_locations))).parent


def prepare(version):
    """``(exact, interpreter, directory or None)`` ready to run; raise InstallError with the row's sentence."""
    exact = resolve(version)
    python = pythons.interpreter(exact)
    if python is None:
        major, minor = pythons.required_python(exact)
        raise cache.InstallError(
            f"Django {exact} needs Python {major}.{minor}+ and none was found "
            f"(looked for {', '.join(pythons.CANDIDATES)} on PATH and in pyenv)."
        )
    if cache.kernel_has(exact, python):
        return exact, python, None
    cache.install(exact, python, series=version if version in PINS else exact)
    return exact, python, cache.location(exact, python)


def _environment(directory):
    """The child's environment: the kernel's, minus the sandbox's switches and start-up hooks, with that Django first."""
    paths = [str(directory)] if directory else []
    env = processes.child_environment(
        PYTHONPATH=os.pathsep.join([*paths, str(_sandbox_project())]),
        PYTHONNOUSERSITE="1",  # nothing from the user's site-packages shadows that Django
    )
    for key in ("PYTHONSTARTUP", "PYTHONWARNINGS"):
        env.pop(key, None)
    return env


def _answer(exact, result):
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    try:
        answer = json.loads(lines[-1])
    except (IndexError, ValueError):
        errors = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        return f"The child process for Django {exact} failed: {errors[-1] if errors else f'exit code {result.returncode}'}"
    if answer["django"] != exact:
        return f"The child process imported Django {answer['django']} instead of {exact}."
    return answer["output"]


def run_under(version, code, setup=""):
    """Run ``code`` (after ``setup``) under Django ``version``; return what it printed, or its exception as one line."""
    try:
        exact, python, directory = prepare(version)
    except cache.InstallError as error:
        return str(error)
    request = json.dumps({"code": textwrap.dedent(code), "setup": textwrap.dedent(setup)})  # triple-quoted, indented: fine
    with resources.as_file(resources.files(__package__).joinpath("child.py")) as program:
        child = subprocess.Popen(
            [python.path, str(program)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", env=_environment(directory), cwd=tempfile.gettempdir(),
        )
        with _running_lock:
            _running.add(child)
        try:
            stdout, stderr = child.communicate(request, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"TimeoutError: the snippet did not finish within {TIMEOUT} s on Django {exact}"
        finally:
            child.kill()  # a no-op once it has exited
            child.communicate()
            with _running_lock:
                _running.discard(child)
    result = subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
    return _answer(exact, result)


def outputs(code, versions=DEFAULT_VERSIONS, setup=""):
    """``[(exact version, output), ...]`` in the order given, each version run in its own child, in parallel."""
    versions = (versions,) if isinstance(versions, str) else tuple(versions)
    labels = [resolve(version) for version in versions]  # an unknown version is the notebook's mistake: ValueError
    pool = ThreadPoolExecutor(max_workers=max(1, len(labels)))
    try:
        return list(zip(labels, pool.map(lambda version: run_under(version, code, setup), versions)))
    except BaseException:  # Kernel → Interrupt: stop every child now rather than wait for their time limit
        with _running_lock:
            for child in list(_running):
                child.kill()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def table(code, versions=DEFAULT_VERSIONS, setup=""):
    """The side-by-side table as text: one ``Django <exact>  <output>`` row per version."""
    rows = [(f"Django {exact}", " · ".join(line.strip() for line in output.splitlines() if line.strip()) or "(no output)")
            for exact, output in outputs(code, versions, setup)]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {output}" for name, output in rows)
