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

RAISE_ENV = "COURSE_CHECKS_RAISE"  # course.checking.RAISE_ENV; read by the kernels nbval starts


def pytest_configure(config):
    if getattr(config.option, "nbval_lax", False):
        os.environ[RAISE_ENV] = "1"


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("xdist"):
        return  # a worker of a parallel run, or no xdist
    if getattr(config.option, "numprocesses", None) is not None:
        return
    if getattr(config.option, "dist", "no") == "no":
        config.option.numprocesses = "auto"
        config.option.dist = "loadscope"
