"""Suite-wide defaults.

* ``python -m pytest --nbval-lax exercises/NN_…_exercises.ipynb`` validates a
  learner's exercise notebook: every check cell is a test that fails, with the
  check's one line as its message, unless the check passed (``COURSE_CHECKS_RAISE``).
* The whole suite runs in parallel where pytest-xdist is installed
  (requirements-dev.txt). A learner has only requirements.txt, so pytest.ini
  cannot name xdist's options; they are added here, and only when the run does
  not choose its own (``-n``, ``-p no:xdist``).
"""
import os

import pytest

from course.checks.framework import RAISE_ENV  # read by the kernels nbval starts

KINDS = ("kernel", "browser", "postgres", "load", "hub", "subprocess")  # each makes a test `slow`
BY_FILE = {  # what a test module needs, where its tests don't say so themselves
    "tests/notebooks/": ("kernel",),
    "tests/notebooks/test_browser.py": ("browser",),
    "tests/notebooks/test_hub.py": ("hub",),
    "tests/site/": ("subprocess",),
    "tests/unit/test_preflight.py": ("kernel", "subprocess"),
    "tests/checks/test_lesson07_checks.py": ("subprocess",),
}


def pytest_configure(config):
    if getattr(config.option, "nbval_lax", False):
        os.environ[RAISE_ENV] = "1"


def pytest_collection_modifyitems(config, items):
    """Mark every test with what it needs (``kernel``, ``postgres``, …) and as ``slow`` if it needs anything.

    The fast loop, ``python -m pytest -m "not slow"``, runs the rest: the sandbox's, the check framework's,
    the tools' and every exercise check's tests that need no kernel, browser, PostgreSQL or child process.
    """
    import inspect

    root = config.rootpath
    for item in items:
        path = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        kinds = set()
        if item.path.suffix == ".ipynb":
            kinds.add("kernel")
        for prefix, needs in BY_FILE.items():
            if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
                kinds.update(needs)
        function = getattr(item, "function", None)
        if function is not None and path.startswith("tests/"):
            try:
                source = inspect.getsource(function)
            except (OSError, TypeError):
                source = ""
            if "postgres_or_skip(" in source or "postgres.start(" in source:
                kinds.add("postgres")
        for kind in kinds:
            item.add_marker(kind)
        if kinds or any(item.get_closest_marker(kind) for kind in KINDS):
            item.add_marker("slow")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return  # a worker of a parallel run, or no xdist
    if getattr(config.option, "numprocesses", None) is not None:
        return
    if getattr(config.option, "dist", "no") == "no":
        config.option.numprocesses = "auto"
        config.option.dist = "loadscope"
